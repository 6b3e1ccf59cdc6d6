//! # REST: CRUD and the right status codes
//!
//! Roadmap step: **REST** (<https://roadmap.sh/backend>): resources, methods, status
//! codes and content negotiation.
//!
//! `Articles` is an in-memory collection; ids start at 1 and are never reused.
//! `POST /articles` answers 201 Created, `Location: /articles/{id}` and the article;
//! `GET /articles/{id}` 200 and the article; `PUT /articles/{id}` replaces it (200 and
//! the article); `DELETE /articles/{id}` 204 No Content, empty body.
//!
//! 1. `accepts_json`: no `Accept` header, or a range `application/json`,
//!    `application/*` or `*/*` (any case, parameters allowed) whose `q` is not 0.
//! 2. `is_json`: the `Content-Type` media type, without parameters, is `application/json`.
//! 3. `parse_title`: not JSON: 400; not an object with a string `title`: 422.
//! 4. `Articles::respond`, in this order: unknown path 404, other method 405, `Accept`
//!    406; for POST and PUT `Content-Type` 415 and the body 400/422; then a missing
//!    article 404. PUT never creates an article. Any `id` in a body is ignored.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-9.3> (method definitions)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-15> (status codes)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-12.5.1> (Accept)
//! - <https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use http::header::{ACCEPT, ALLOW, CONTENT_TYPE, LOCATION};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// An article as JSON. Articles have just a title here.
pub fn article(id: u64, title: &str) -> Value {
    json!({ "id": id, "title": title })
}

pub enum Target {
    Collection,
    Item(u64),
}

/// `/articles` or `/articles/{id}`; `None` (404) for anything else.
pub fn target(path: &str) -> Option<Target> {
    if path == "/articles" {
        return Some(Target::Collection);
    }
    let id = path.strip_prefix("/articles/")?;
    let n: u64 = id.parse().ok()?;
    // The round trip rejects `01` and `+1`, which `str::parse` accepts.
    (n.to_string() == id).then_some(Target::Item(n))
}

/// An empty response with this status.
pub fn empty(status: StatusCode) -> Response<Vec<u8>> {
    Response::builder().status(status).body(Vec::new()).unwrap()
}

/// `value` as an `application/json` response with this status.
pub fn json_response(status: StatusCode, value: &Value) -> Response<Vec<u8>> {
    let res = Response::builder().status(status);
    let res = res.header(CONTENT_TYPE, "application/json");
    res.body(value.to_string().into_bytes()).unwrap()
}

pub fn accepts_json(headers: &HeaderMap) -> bool {
    // TODO: no Accept header: true. Otherwise split the value on ',' and each range on ';':
    // is the media range application/json, application/* or */* (any case), without a
    // `q=0` parameter?
    todo!()
}

pub fn is_json(headers: &HeaderMap) -> bool {
    // TODO: the Content-Type before any ';', trimmed, equals application/json (any case).
    todo!()
}

pub fn parse_title(body: &[u8]) -> Result<String, StatusCode> {
    // TODO: not JSON at all: 400. JSON, but without a string `title`: 422.
    todo!()
}

#[derive(Default)]
pub struct Articles {
    /// Titles by id.
    titles: BTreeMap<u64, String>,
    last_id: u64,
}

impl Articles {
    pub fn handle(&mut self, req: &Request<Vec<u8>>) -> Response<Vec<u8>> {
        self.respond(req).unwrap_or_else(empty)
    }

    /// An `Err(status)` is answered with an empty body.
    fn respond(&mut self, req: &Request<Vec<u8>>) -> Result<Response<Vec<u8>>, StatusCode> {
        // TODO: `target` (404), then 405 with `Allow` ("POST" on the collection,
        // "DELETE, GET, PUT" on an item), then 406, then for POST/PUT 415 and `parse_title`.
        // POST: next id, 201 + Location. GET/PUT/DELETE: 404 if the id is unknown.
        todo!()
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends each `METHOD uri | name: value | ... | body => status | name: value | ... |
    /// body` line (the `=> ...` part may start the next line) to one store. POST and PUT
    /// get `content-type: application/json` unless they set it. Responses list every
    /// header but content-type, and JSON keys sorted.
    fn check(transcript: &str) {
        let mut store = Articles::default();
        let lines = transcript.lines().map(str::trim);
        let mut lines = lines.filter(|l| !l.is_empty()).peekable();
        while let Some(mut line) = lines.next().map(String::from) {
            if let Some(response) = lines.next_if(|l| l.starts_with("=> ")) {
                line = format!("{line} {response}");
            }
            let (request, expected) = line.split_once(" => ").unwrap();
            let mut parts = request.split(" | ").map(str::trim);
            let (method, uri) = parts.next().unwrap().split_once(' ').unwrap();
            let mut req = Request::builder().method(method).uri(uri);
            if matches!(method, "POST" | "PUT") && !request.contains("content-type: ") {
                req = req.header(CONTENT_TYPE, "application/json");
            }
            let mut body = "";
            for part in parts {
                let is_name = |n: &str| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
                match part.split_once(": ").filter(|(n, _)| is_name(n)) {
                    Some((name, value)) => req = req.header(name, value),
                    None => body = part,
                }
            }
            let res = store.handle(&req.body(body.as_bytes().to_vec()).unwrap());
            let mut got = vec![res.status().as_str().to_string()];
            for (name, value) in res.headers().iter().filter(|(n, _)| *n != CONTENT_TYPE) {
                got.push(format!("{name}: {}", value.to_str().unwrap()));
            }
            if !res.body().is_empty() {
                let content_type = res.headers().get(CONTENT_TYPE);
                assert!(
                    content_type.is_some_and(|v| v == "application/json"),
                    "{request}"
                );
                let json: Value = serde_json::from_slice(res.body()).expect(request);
                got.push(json.to_string());
            }
            assert_eq!(got.join(" | "), expected, "{request}");
        }
    }

    #[test]
    fn post_is_201_with_location_get_is_200_or_404() {
        let transcript = r#"
            POST /articles | {"title":"A"}  => 201 | location: /articles/1 | {"id":1,"title":"A"}
            POST /articles | {"id":7,"title":"B"}
                => 201 | location: /articles/2 | {"id":2,"title":"B"}
            GET /articles/1    => 200 | {"id":1,"title":"A"}
            GET /articles/2    => 200 | {"id":2,"title":"B"}
            GET /articles/7    => 404
            GET /articles/01   => 404
            GET /articles/     => 404
            GET /nope          => 404
            PATCH /articles/1  => 405 | allow: DELETE, GET, PUT
        "#;
        check(transcript);
    }

    #[test]
    fn put_replaces_idempotently_and_delete_is_204_then_404() {
        let transcript = r#"
            POST /articles | {"title":"A"}         => 201 | location: /articles/1 | {"id":1,"title":"A"}
            PUT /articles/1 | {"title":"B","id":9} => 200 | {"id":1,"title":"B"}
            PUT /articles/1 | {"title":"B","id":9} => 200 | {"id":1,"title":"B"}
            GET /articles/1                        => 200 | {"id":1,"title":"B"}
            PUT /articles/2 | {"title":"C"}        => 404
            DELETE /articles/1                     => 204
            DELETE /articles/1                     => 404
            GET /articles/1                        => 404
            POST /articles | {"title":"C"}         => 201 | location: /articles/2 | {"id":2,"title":"C"}
        "#;
        check(transcript);
    }

    #[test]
    fn content_type_must_be_json_or_415() {
        let transcript = r#"
            POST /articles | content-type: text/plain | {"title":"A"}                 => 415
            POST /articles | content-type: application/jsonp | {"title":"A"}          => 415
            POST /articles | content-type: application/x-www-form-urlencoded | title=A => 415
            POST /articles | content-type: Application/JSON | {"title":"A"}
                => 201 | location: /articles/1 | {"id":1,"title":"A"}
            POST /articles | content-type: application/json; charset=utf-8 | {"title":"B"}
                => 201 | location: /articles/2 | {"id":2,"title":"B"}
            PUT /articles/1 | content-type: text/plain | {"title":"C"}                => 415
        "#;
        check(transcript);
        let req = Request::post("/articles").body(br#"{"title":"A"}"#.to_vec());
        let status = Articles::default().handle(&req.unwrap()).status();
        assert_eq!(status, 415, "no Content-Type");
    }

    #[test]
    fn bad_json_is_400_and_wrong_shape_is_422() {
        let transcript = r#"
            POST /articles | {"title":"A"      => 400
            POST /articles                     => 400
            POST /articles | {"title":"A"} x   => 400
            POST /articles | []                => 422
            POST /articles | {"name":"A"}      => 422
            POST /articles | {"title":1}       => 422
            GET /articles/1                    => 404
        "#;
        check(transcript);
    }

    #[test]
    fn accept_must_allow_json_or_406() {
        let transcript = r#"
            POST /articles | accept: text/html | {"title":"A"}          => 406
            POST /articles | accept: */* | {"title":"A"}
                => 201 | location: /articles/1 | {"id":1,"title":"A"}
            GET /articles/1 | accept: text/html                         => 406
            GET /articles/1 | accept: text/html, application/json;q=0   => 406
            GET /articles/1 | accept: application/*                     => 200 | {"id":1,"title":"A"}
            GET /articles/1 | accept: APPLICATION/JSON; charset=utf-8   => 200 | {"id":1,"title":"A"}
            GET /articles/1 | accept: text/html, application/json;q=0.9 => 200 | {"id":1,"title":"A"}
        "#;
        check(transcript);
    }
}
