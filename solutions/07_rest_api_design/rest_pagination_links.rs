//! # REST: cursor pagination and links
//!
//! Roadmap step: **REST** (<https://roadmap.sh/backend>): pagination, and HATEOAS
//! (clients follow links the server gives them instead of building URLs).
//!
//! `GET /items?limit=L&cursor=C` lists items in id order. Offsets (`?page=3`) skip or
//! repeat items when rows change between requests; a cursor names the last item seen,
//! and the next page starts after it, whatever happened in between.
//!
//! 1. `encode_cursor`: base64url, unpadded, of the JSON `{"after_id":N}` (opaque to
//!    clients). `decode_cursor`: the reverse, strictly: bad or padded base64, bad JSON,
//!    or anything but an object whose only field is an integer `after_id` >= 0: `None`.
//! 2. `list_items`: `limit` defaults to 20 and is clamped to 1..=100; a non-integer
//!    limit or a bad cursor is 400 (empty body). The 200 body is `{"items": [{"id",
//!    "name"}...], "_links": {"self": {"href"}, "next": {"href"}}}`: `self` is
//!    `/items?limit=L` or `/items?cursor=C&limit=L` (L clamped), `next` the same with
//!    the cursor of the page's last item, only if more items follow, and then also in
//!    a `Link: <href>; rel="next"` header.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc8288#section-3> (Link header)
//! - <https://www.rfc-editor.org/rfc/rfc4648#section-5> (base64url)
//! - <https://ics.uci.edu/~fielding/pubs/dissertation/rest_arch_style.htm> (REST, HATEOAS)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::header::{CONTENT_TYPE, LINK};
use http::{Request, Response, StatusCode, Uri};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::ops::Bound::{Excluded, Unbounded};

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;

/// The raw value of the query parameter `name`. No percent-decoding is needed here:
/// limits are digits and cursors are base64url, whose alphabet is URL-safe.
pub fn query_param<'a>(uri: &'a Uri, name: &str) -> Option<&'a str> {
    let mut pairs = uri.query()?.split('&').filter_map(|p| p.split_once('='));
    pairs.find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// 400 Bad Request, with an empty body.
fn bad_request() -> Response<Vec<u8>> {
    let mut res = Response::new(Vec::new());
    *res.status_mut() = StatusCode::BAD_REQUEST;
    res
}

pub fn encode_cursor(after_id: u64) -> String {
    URL_SAFE_NO_PAD.encode(json!({ "after_id": after_id }).to_string())
}

pub fn decode_cursor(cursor: &str) -> Option<u64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let value: Value = serde_json::from_slice(&bytes).ok()?;
    let object = value.as_object().filter(|o| o.len() == 1)?;
    object.get("after_id")?.as_u64()
}

pub fn list_items(items: &BTreeMap<u64, String>, req: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let limit = match query_param(req.uri(), "limit").map(str::parse::<i64>) {
        None => DEFAULT_LIMIT,
        Some(Ok(n)) => n.clamp(1, MAX_LIMIT as i64) as usize,
        Some(Err(_)) => return bad_request(),
    };
    let cursor = query_param(req.uri(), "cursor");
    let after = match cursor.map(decode_cursor) {
        None => None,
        Some(Some(id)) => Some(id),
        Some(None) => return bad_request(),
    };
    let href = |cursor: Option<&str>| match cursor {
        Some(c) => format!("/items?cursor={c}&limit={limit}"),
        None => format!("/items?limit={limit}"),
    };
    // Keyset pagination: the ids after the cursor's, whether or not that item still
    // exists. One extra item tells whether there is a next page.
    let lower = after.map_or(Unbounded, Excluded);
    let mut page: Vec<_> = items.range((lower, Unbounded)).take(limit + 1).collect();
    let has_more = page.len() > limit;
    page.truncate(limit);

    let mut links = json!({ "self": { "href": href(cursor) } });
    let mut res = Response::builder().header(CONTENT_TYPE, "application/json");
    if let (true, Some((last, _))) = (has_more, page.last()) {
        let next = href(Some(&encode_cursor(**last)));
        res = res.header(LINK, format!("<{next}>; rel=\"next\""));
        links["next"] = json!({ "href": next });
    }
    let items = page.iter().map(|(id, n)| json!({ "id": id, "name": n }));
    let items: Vec<Value> = items.collect();
    let body = json!({ "items": items, "_links": links });
    res.body(body.to_string().into_bytes()).unwrap()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(ids: impl IntoIterator<Item = u64>) -> BTreeMap<u64, String> {
        let items = ids.into_iter().map(|id| (id, format!("item {id}")));
        items.collect()
    }

    /// Status, `Link` header and JSON body (`Null` if empty) of `GET uri`.
    fn get(items: &BTreeMap<u64, String>, uri: &str) -> (StatusCode, Option<String>, Value) {
        let res = list_items(items, &Request::get(uri).body(Vec::new()).unwrap());
        let link = res.headers().get(LINK);
        let link = link.map(|v| v.to_str().unwrap().to_string());
        let body = serde_json::from_slice(res.body()).unwrap_or(Value::Null);
        (res.status(), link, body)
    }

    fn ids(body: &Value) -> Vec<u64> {
        let items = body["items"].as_array().expect("an items array");
        items
            .iter()
            .map(|item| item["id"].as_u64().unwrap())
            .collect()
    }

    #[test]
    fn cursors_are_unpadded_base64url_json() {
        assert_eq!(encode_cursor(30), "eyJhZnRlcl9pZCI6MzB9");
        assert_eq!(encode_cursor(3), "eyJhZnRlcl9pZCI6M30");
        for id in [0, 1, 30, 12345, u64::MAX] {
            assert_eq!(decode_cursor(&encode_cursor(id)), Some(id), "{id}");
        }
        let spaced = URL_SAFE_NO_PAD.encode(r#"{ "after_id" : 7 }"#);
        assert_eq!(decode_cursor(&spaced), Some(7));
    }

    #[test]
    fn pages_have_links_and_a_full_last_page_has_no_next() {
        let items = store([10, 20, 30, 40, 50, 60]);
        let (status, link, body) = get(&items, "/items?limit=3");
        assert_eq!(status, StatusCode::OK);
        let next = "/items?cursor=eyJhZnRlcl9pZCI6MzB9&limit=3";
        assert_eq!(link, Some(format!("<{next}>; rel=\"next\"")));
        let expected = json!({
            "items": [{"id": 10, "name": "item 10"}, {"id": 20, "name": "item 20"},
                      {"id": 30, "name": "item 30"}],
            "_links": {"self": {"href": "/items?limit=3"}, "next": {"href": next}},
        });
        assert_eq!(body, expected);
        // The last page is full, yet has no next link and no Link header.
        let (status, link, body) = get(&items, next);
        assert_eq!(
            (status, link, ids(&body)),
            (StatusCode::OK, None, vec![40, 50, 60])
        );
        assert_eq!(body["_links"], json!({"self": {"href": next}}));
    }

    #[test]
    fn empty_pages_have_no_next() {
        let (_, link, body) = get(&store([]), "/items");
        let expected = json!({"items": [], "_links": {"self": {"href": "/items?limit=20"}}});
        assert_eq!((link, body), (None, expected));
        let uri = format!("/items?cursor={}", encode_cursor(u64::MAX));
        let (status, link, body) = get(&store([1, u64::MAX]), &uri);
        assert_eq!((status, link, ids(&body)), (StatusCode::OK, None, vec![]));
    }

    #[test]
    fn walking_the_links_sees_every_item_once_despite_changes() {
        let mut items = store((1..=10).map(|i| i * 10));
        let mut seen = Vec::new();
        let mut uri = "/items?limit=3".to_string();
        for page in 1.. {
            let (status, link, body) = get(&items, &uri);
            assert_eq!(status, StatusCode::OK, "{uri}");
            seen.extend(ids(&body));
            let Some(next) = body["_links"]["next"]["href"].as_str() else {
                assert_eq!(link, None, "{uri}");
                break;
            };
            assert_eq!(link, Some(format!("<{next}>; rel=\"next\"")), "{uri}");
            uri = next.to_string();
            if page == 1 {
                // Between two requests: one insert behind the cursor, one ahead, and
                // the deletion of the very item the cursor points at (30), and of 50.
                items.extend(store([15, 105]));
                items.remove(&30);
                items.remove(&50);
            }
        }
        assert_eq!(seen, [10, 20, 30, 40, 60, 70, 80, 90, 100, 105]);
    }

    #[test]
    fn limit_defaults_to_20_and_is_clamped_to_1_through_100() {
        let items = store(1..=250);
        for (query, len) in [
            ("", 20),
            ("?limit=0", 1),
            ("?limit=-5", 1),
            ("?limit=1000", 100),
        ] {
            let (status, _, body) = get(&items, &format!("/items{query}"));
            assert_eq!(status, StatusCode::OK, "{query:?}");
            assert_eq!(ids(&body), (1..=len).collect::<Vec<_>>(), "{query:?}");
            let self_href = format!("/items?limit={len}");
            assert_eq!(body["_links"]["self"]["href"], self_href, "{query:?}");
        }
        for query in ["?limit=abc", "?limit=2.5", "?limit="] {
            let (status, _, _) = get(&items, &format!("/items{query}"));
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query:?}");
        }
    }

    #[test]
    fn invalid_cursors_are_400() {
        let items = store(1..=5);
        let bad_json = [
            "not json",
            r#"{"after_id":"3"}"#,
            r#"{"after_id":-1}"#,
            r#"{"after_id":1.5}"#,
            "[3]",
            r#"{"offset":3}"#,
            r#"{"after_id":3,"x":1}"#,
        ];
        let encoded = bad_json.map(|json| URL_SAFE_NO_PAD.encode(json));
        // Bad base64, non-canonical (padded) base64, empty, then valid base64 of bad JSON.
        let raw = ["!!!", "eyJhZnRlcl9pZCI6M30=", ""];
        for cursor in raw.into_iter().chain(encoded.iter().map(String::as_str)) {
            assert_eq!(decode_cursor(cursor), None, "{cursor:?}");
            let uri = format!("/items?cursor={cursor}&limit=2");
            let expected = (StatusCode::BAD_REQUEST, None, Value::Null);
            assert_eq!(get(&items, &uri), expected, "{uri}");
        }
    }
}
