//! # ETags and conditional requests
//!
//! Roadmap step: **HTTP caching** (<https://roadmap.sh/backend>): an `ETag` names one version
//! of a resource. A client that already has that version asks `If-None-Match: <etag>` and
//! gets an empty `304 Not Modified` instead of the whole body again. A client that wants to
//! change the resource sends `If-Match: <the etag it read>`: if someone else changed it in
//! the meantime, the server answers `412 Precondition Failed` instead of silently erasing
//! their change (a *lost update*).
//!
//! 1. `etag_for`: a strong validator, `"` + the first 22 characters of the base64url (no
//!    padding) SHA-256 of the body + `"` (132 bits: collisions are not a concern).
//! 2. `strong_match` / `weak_match`: RFC 9110 §8.8.3.2. Strong: both tags are strong and
//!    their opaque-tags are equal. Weak: the opaque-tags are equal, `W/` or not.
//! 3. `entity_tags`: the members of an `If-Match` / `If-None-Match` list, such as
//!    `"a", W/"b"` (a comma inside the quotes belongs to the tag), or `*`.
//! 4. `preconditions` (RFC 9110 §13.2.2, in this order):
//!    - a PUT without `If-Match` or `If-None-Match` → 428 (RFC 6585 §3): this API refuses
//!      blind overwrites;
//!    - `If-Match` (strong comparison; `*` means "exists") false → 412;
//!    - `If-None-Match` (weak comparison; `*` means "exists") matches → 304 for GET and
//!      HEAD, 412 for other methods.
//! 5. `not_modified`: the 304 has no body, but carries the `ETag` and `Cache-Control` that a
//!    200 would (RFC 9110 §15.4.5).
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3> (ETag, §8.8.3.2 comparison)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-13.1.1> (If-Match)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-13.1.2> (If-None-Match)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-13.2.2> (precedence)
//! - <https://www.rfc-editor.org/rfc/rfc6585#section-3> (428 Precondition Required)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::header::{HeaderName, ALLOW, CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_MATCH, IF_NONE_MATCH};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub fn etag_for(body: &[u8]) -> String {
    // TODO: `"` + the first 22 characters of base64url-no-pad(SHA-256(body)) + `"`.
    todo!()
}

pub fn strong_match(a: &str, b: &str) -> bool {
    // TODO: RFC 9110 §8.8.3.2, strong comparison.
    todo!()
}

pub fn weak_match<'a>(a: &'a str, b: &'a str) -> bool {
    // TODO: RFC 9110 §8.8.3.2, weak comparison.
    todo!()
}

pub fn entity_tags(field: &str) -> Vec<&str> {
    // TODO: split the list into its members (`*`, `".."`, `W/".."`); a comma
    // between quotes is part of the tag. Skip empty members and the spaces around.
    todo!()
}

/// All the lines of a list field, joined; `None` if the request has none.
pub fn field(headers: &HeaderMap, name: HeaderName) -> Option<String> {
    let lines: Vec<&str> = (headers.get_all(name).iter())
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!lines.is_empty()).then(|| lines.join(", "))
}

/// Checks the request's conditions against `current`, the ETag of the stored document
/// (`None` if there is none). `Err` is the status to answer with instead.
pub fn preconditions(
    method: &Method,
    headers: &HeaderMap,
    current: Option<&str>,
) -> Result<(), StatusCode> {
    // TODO: 428 for a PUT without a condition, then If-Match (strong), then
    // If-None-Match (weak): 304 for GET and HEAD, 412 otherwise.
    todo!()
}

/// Every GET answer may be stored, but must be revalidated before each reuse.
pub const CACHE_POLICY: &str = "no-cache";

pub fn not_modified(etag: &str) -> Response<Vec<u8>> {
    // TODO: a 304 without a body, with the headers a 200 would carry.
    todo!()
}

fn text(status: StatusCode, message: &str) -> Response<Vec<u8>> {
    let res = Response::builder().status(status);
    let res = res.header(CONTENT_TYPE, "text/plain");
    res.body(message.as_bytes().to_vec()).unwrap()
}

/// GET and PUT of documents stored by path.
pub fn handle(docs: &mut BTreeMap<String, Vec<u8>>, req: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let (method, path) = (req.method(), req.uri().path());
    if method != Method::GET && method != Method::PUT {
        let res = Response::builder().status(StatusCode::METHOD_NOT_ALLOWED);
        return res.header(ALLOW, "GET, PUT").body(Vec::new()).unwrap();
    }
    let current = docs.get(path).map(|body| etag_for(body));
    if method == Method::GET && current.is_none() {
        // Conditions are ignored when the answer would not be a success anyway (§13.2.1).
        return text(StatusCode::NOT_FOUND, "no such document");
    }
    match preconditions(method, req.headers(), current.as_deref()) {
        Err(StatusCode::NOT_MODIFIED) => return not_modified(&current.unwrap()),
        Err(StatusCode::PRECONDITION_REQUIRED) => {
            let why = "send If-Match with the ETag of the version you edited";
            return text(StatusCode::PRECONDITION_REQUIRED, why);
        }
        Err(status) => return text(status, "the document is not as expected: GET it again"),
        Ok(()) => {}
    }
    if method == Method::GET {
        let res = Response::builder().header(ETAG, current.unwrap());
        let res = res.header(CACHE_CONTROL, CACHE_POLICY);
        return res.body(docs[path].clone()).unwrap();
    }
    let etag = etag_for(req.body());
    let status = match docs.insert(path.to_string(), req.body().clone()) {
        None => StatusCode::CREATED,
        Some(_replaced) => StatusCode::NO_CONTENT,
    };
    let res = Response::builder().status(status).header(ETAG, etag);
    res.body(Vec::new()).unwrap()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    const DRAFT: &str = r#"{"id":7,"title":"Draft"}"#;
    const FINAL: &str = r#"{"id":7,"title":"Final"}"#;
    // printf '%s' "$body" | openssl dgst -sha256 -binary | basenc --base64url | cut -c1-22
    const DRAFT_TAG: &str = r#""uBFqURu98TehQf5cqt2gPR""#;
    const FINAL_TAG: &str = r#""3qSelHQ8-8KdnTA6oTkRMc""#;

    const REVALIDATE: &str = "cache-control: no-cache";

    fn docs() -> BTreeMap<String, Vec<u8>> {
        BTreeMap::from([("/docs/7".to_string(), DRAFT.as_bytes().to_vec())])
    }

    /// Sends a request for /docs/7; returns the status, then the headers as sorted
    /// "name: value" lines and the body, all joined by " | ".
    fn send(docs: &mut Docs, method: &str, headers: &[Field], body: &str) -> (u16, String) {
        let mut req = Request::builder().method(method).uri("/docs/7");
        for (name, value) in headers {
            req = req.header(name, *value);
        }
        let res = handle(docs, &req.body(body.as_bytes().to_vec()).unwrap());
        let mut lines: Vec<String> = (res.headers().iter())
            .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap()))
            .collect();
        lines.sort();
        let status = res.status().as_u16();
        lines.push(String::from_utf8(res.into_body()).unwrap());
        (status, lines.join(" | "))
    }

    type Docs = BTreeMap<String, Vec<u8>>;
    type Field<'a> = (HeaderName, &'a str);

    #[test]
    fn the_etag_is_a_quoted_truncated_base64url_sha256() {
        assert_eq!(etag_for(DRAFT.as_bytes()), DRAFT_TAG);
        assert_eq!(etag_for(FINAL.as_bytes()), FINAL_TAG, "'-', not '+'");
        // printf '' | sha256sum: e3b0c442...; in base64url: 47DEQpj8HBSa-_TImW-5JCeu...
        assert_eq!(etag_for(b""), r#""47DEQpj8HBSa-_TImW-5JC""#);
    }

    #[test]
    fn comparison_follows_the_rfc_9110_table() {
        // ETag 1, ETag 2, strong comparison, weak comparison (RFC 9110 §8.8.3.2).
        let table = [
            (r#"W/"1""#, r#"W/"1""#, false, true),
            (r#"W/"1""#, r#"W/"2""#, false, false),
            (r#"W/"1""#, r#""1""#, false, true),
            (r#""1""#, r#""1""#, true, true),
        ];
        for (a, b, strong, weak) in table {
            assert_eq!(strong_match(a, b), strong, "strong: {a} vs {b}");
            assert_eq!(strong_match(b, a), strong, "strong: {b} vs {a}");
            assert_eq!(weak_match(a, b), weak, "weak: {a} vs {b}");
            assert_eq!(weak_match(b, a), weak, "weak: {b} vs {a}");
        }
        assert!(!strong_match(r#""1""#, r#""2""#) && !weak_match(r#""1""#, r#""2""#));
    }

    #[test]
    fn entity_tag_lists_are_split_outside_the_quotes() {
        let want = [r#""a""#, r#"W/"b""#, r#""c,d""#, r#"W/"""#];
        assert_eq!(entity_tags(r#" "a", W/"b" ,,"c,d",W/"","#), want);
        assert_eq!(entity_tags("*"), ["*"]);
        assert_eq!(entity_tags(" , "), [] as [&str; 0]);
    }

    #[test]
    fn get_sends_the_etag_and_asks_caches_to_revalidate() {
        let want = format!("{REVALIDATE} | etag: {DRAFT_TAG} | {DRAFT}");
        assert_eq!(send(&mut docs(), "GET", &[], ""), (200, want));
    }

    #[test]
    fn if_none_match_answers_304_without_a_body_but_with_the_etag() {
        let want = (304, format!("{REVALIDATE} | etag: {DRAFT_TAG} | "));
        let weak = format!("W/{DRAFT_TAG}");
        let list = format!(r#""x", {weak}"#);
        for value in [DRAFT_TAG, &weak, &list, "*"] {
            let got = send(&mut docs(), "GET", &[(IF_NONE_MATCH, value)], "");
            assert_eq!(got, want, "If-None-Match: {value}");
        }
        let lines = [(IF_NONE_MATCH, r#""x""#), (IF_NONE_MATCH, DRAFT_TAG)];
        assert_eq!(send(&mut docs(), "GET", &lines, ""), want, "{lines:?}");
        let other = send(&mut docs(), "GET", &[(IF_NONE_MATCH, FINAL_TAG)], "");
        assert!(other.0 == 200 && other.1.ends_with(DRAFT), "{other:?}");
    }

    #[test]
    fn put_without_a_condition_is_428_and_changes_nothing() {
        let mut docs = docs();
        let (status, rest) = send(&mut docs, "PUT", &[], FINAL);
        assert_eq!(status, 428);
        assert!(rest.starts_with("content-type: text/plain | "), "{rest}");
        assert!(
            rest.contains("If-Match"),
            "a 428 says how to succeed: {rest}"
        );
        assert_eq!(docs["/docs/7"], DRAFT.as_bytes());
        assert_eq!(send(&mut docs, "DELETE", &[], "").0, 405);
    }

    #[test]
    fn if_match_prevents_the_lost_update() {
        let mut docs = docs();
        let alice = [(IF_MATCH, DRAFT_TAG)];
        let bob = [(IF_MATCH, DRAFT_TAG)]; // both read the draft
        let saved = send(&mut docs, "PUT", &alice, FINAL);
        assert_eq!(saved, (204, format!("etag: {FINAL_TAG} | ")));
        let bobs = r#"{"id":7,"title":"Bob"}"#;
        assert_eq!(
            send(&mut docs, "PUT", &bob, bobs).0,
            412,
            "Bob's copy is old"
        );
        assert_eq!(docs["/docs/7"], FINAL.as_bytes(), "Alice's edit survives");
        let retry = [(IF_MATCH, r#""x", "#), (IF_MATCH, FINAL_TAG)];
        assert_eq!(send(&mut docs, "PUT", &retry, DRAFT).0, 204, "{retry:?}");
        assert_eq!(send(&mut docs, "PUT", &[(IF_MATCH, "*")], FINAL).0, 204);
    }

    #[test]
    fn if_match_uses_the_strong_comparison() {
        let weak = format!("W/{DRAFT_TAG}");
        for method in ["PUT", "GET"] {
            let got = send(&mut docs(), method, &[(IF_MATCH, &weak)], FINAL);
            assert_eq!(got.0, 412, "{method} If-Match: {weak}");
        }
        let got = send(&mut docs(), "GET", &[(IF_MATCH, DRAFT_TAG)], "");
        assert_eq!(got.0, 200, "If-Match holds");
    }

    #[test]
    fn if_match_is_checked_before_if_none_match() {
        let both = [(IF_MATCH, FINAL_TAG), (IF_NONE_MATCH, DRAFT_TAG)];
        assert_eq!(send(&mut docs(), "GET", &both, "").0, 412, "not 304");
        let put = [(IF_NONE_MATCH, DRAFT_TAG)];
        let got = send(&mut docs(), "PUT", &put, FINAL);
        assert_eq!(got.0, 412, "a PUT never gets a 304");
        let head = HeaderMap::from_iter([(IF_NONE_MATCH, DRAFT_TAG.parse().unwrap())]);
        let got = preconditions(&Method::HEAD, &head, Some(DRAFT_TAG));
        assert_eq!(
            got,
            Err(StatusCode::NOT_MODIFIED),
            "HEAD is a GET without body"
        );
    }

    #[test]
    fn if_none_match_star_creates_only_once() {
        let mut docs = BTreeMap::new();
        let create = [(IF_NONE_MATCH, "*")];
        let got = send(&mut docs, "PUT", &[(IF_MATCH, "*")], DRAFT);
        assert_eq!(got.0, 412, "If-Match: * needs an existing document");
        let got = send(&mut docs, "GET", &create, "");
        assert_eq!(got.0, 404, "conditions are ignored");
        let got = send(&mut docs, "PUT", &create, DRAFT);
        assert_eq!(got, (201, format!("etag: {DRAFT_TAG} | ")));
        let got = send(&mut docs, "PUT", &create, FINAL);
        assert_eq!(got.0, 412, "it exists now");
        assert_eq!(docs["/docs/7"], DRAFT.as_bytes());
    }
}
