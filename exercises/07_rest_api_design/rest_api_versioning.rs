//! # REST: API versioning and deprecation
//!
//! Roadmap step: **REST** (<https://roadmap.sh/backend>): evolving an API without
//! breaking its clients.
//!
//! Version 2 of `GET users` renamed the field `name` to `fullName`. Both versions stay
//! online for a while, selected by the path (`/v1/users`, `/v2/users`) or, on the
//! unversioned `/users`, by the media type (`Accept: application/vnd.example.v1+json`).
//!
//! 1. `version_from_accept`: no header, `application/json`, `application/*` or `*/*`
//!    mean the current version (v2); `application/vnd.example.v1+json` and `...v2+json`
//!    pick theirs (any case, parameters ignored). The first range that can be served
//!    wins (q-values are ignored here); if none can: 406 Not Acceptable.
//! 2. `user_json`: `{"id": 1, "name": "..."}` in v1, `{"id": 1, "fullName": "..."}` in v2.
//! 3. `handle`: `/v1/users`, `/v2/users`, or `/users` (then add `Vary: Accept`, since the
//!    answer depends on it); any other path is 404. The body is `{"users": [...]}` of
//!    `USERS`, and the `Content-Type` is `application/vnd.example.vN+json`. Every v1
//!    response announces its end: `Deprecation: @<DEPRECATED_AT>` (a structured-field
//!    Date: `@` and Unix seconds), `Sunset: <SUNSET>` (an HTTP-date: the two RFCs chose
//!    different formats) and the link `<MIGRATION_GUIDE>; rel="deprecation";
//!    type="text/html"`.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc9745#section-2> (Deprecation header)
//! - <https://www.rfc-editor.org/rfc/rfc8594#section-3> (Sunset header)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-12.5.5> (Vary)
//! - <https://www.rfc-editor.org/rfc/rfc6838#section-3.2> (vendor media types)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use http::header::{ACCEPT, CONTENT_TYPE, LINK, VARY};
use http::{Request, Response, StatusCode};
use serde_json::{json, Value};

/// v1 is deprecated since 2025-01-01T00:00:00Z, here in Unix seconds.
pub const DEPRECATED_AT: u64 = 1_735_689_600;
/// v1 stops answering at 2026-01-01T00:00:00Z, here as an HTTP-date (IMF-fixdate).
pub const SUNSET: &str = "Thu, 01 Jan 2026 00:00:00 GMT";
pub const MIGRATION_GUIDE: &str = "https://api.example.com/docs/migrate-to-v2";
pub const USERS: &[(u64, &str)] = &[(1, "Ada Lovelace"), (2, "Alan Turing")];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

pub fn version_from_accept(accept: Option<&str>) -> Result<Version, StatusCode> {
    // TODO: no header: v2. Otherwise, for each comma-separated range, its media type
    // (before any ';', trimmed, lowercased) decides; if no range can be served: 406.
    todo!()
}

pub fn user_json(version: Version, id: u64, name: &str) -> Value {
    // TODO: v1 calls the field `name`, v2 `fullName`.
    todo!()
}

pub fn handle(req: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    // TODO: pick the version from the path (or from Accept on `/users`, with `Vary`),
    // answer 404/406 with an empty body, else the users with their Content-Type, plus
    // the Deprecation, Sunset and Link headers on v1.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(uri: &str, accept: Option<&str>) -> Response<Vec<u8>> {
        let mut req = Request::get(uri);
        if let Some(accept) = accept {
            req = req.header(ACCEPT, accept);
        }
        handle(&req.body(Vec::new()).unwrap())
    }

    fn header<'a>(res: &'a Response<Vec<u8>>, name: &str) -> Option<&'a str> {
        res.headers().get(name).map(|v| v.to_str().unwrap())
    }

    fn body(res: &Response<Vec<u8>>) -> Value {
        serde_json::from_slice(res.body()).expect("a JSON body")
    }

    /// "v1" or "v2", from the Content-Type, after checking that the body agrees.
    fn served(res: &Response<Vec<u8>>) -> String {
        if res.status() != StatusCode::OK {
            return format!("status {}", res.status());
        }
        let (ada, alan) = ("Ada Lovelace", "Alan Turing");
        let v1 = json!({"users": [{"id": 1, "name": ada}, {"id": 2, "name": alan}]});
        let v2 = json!({"users": [{"id": 1, "fullName": ada}, {"id": 2, "fullName": alan}]});
        match header(res, "content-type") {
            Some("application/vnd.example.v1+json") if body(res) == v1 => "v1".into(),
            Some("application/vnd.example.v2+json") if body(res) == v2 => "v2".into(),
            other => panic!("Content-Type {other:?} with body {}", body(res)),
        }
    }

    #[test]
    fn the_path_selects_the_version() {
        let (v1, v2) = (
            user_json(Version::V1, 7, "G"),
            user_json(Version::V2, 7, "G"),
        );
        assert_eq!(
            (v1, v2),
            (
                json!({"id": 7, "name": "G"}),
                json!({"id": 7, "fullName": "G"})
            )
        );
        assert_eq!(served(&get("/v1/users", None)), "v1");
        assert_eq!(served(&get("/v2/users", None)), "v2");
    }

    #[test]
    fn v1_announces_deprecation_and_sunset_and_v2_does_not() {
        for res in [
            get("/v1/users", None),
            get("/users", Some("application/vnd.example.v1+json")),
        ] {
            assert_eq!(header(&res, "deprecation"), Some("@1735689600"));
            let sunset = header(&res, "sunset");
            assert_eq!(sunset, Some("Thu, 01 Jan 2026 00:00:00 GMT"));
            let guide = "<https://api.example.com/docs/migrate-to-v2>";
            let link = format!(r#"{guide}; rel="deprecation"; type="text/html""#);
            assert_eq!(header(&res, "link"), Some(link.as_str()));
        }
        for res in [get("/v2/users", None), get("/users", None)] {
            for name in ["deprecation", "sunset", "link"] {
                assert_eq!(header(&res, name), None, "{name} on v2");
            }
        }
    }

    #[test]
    fn the_accept_header_selects_the_version_on_the_unversioned_path() {
        for (accept, version) in [
            (None, "v2"),
            (Some("application/json"), "v2"),
            (Some("*/*"), "v2"),
            (Some("application/vnd.example.v2+json"), "v2"),
            (Some("application/vnd.example.v1+json"), "v1"),
            (Some("Application/VND.Example.V1+JSON"), "v1"),
            (Some("application/vnd.example.v1+json; charset=utf-8"), "v1"),
            (Some("text/html, application/vnd.example.v1+json"), "v1"),
            (
                Some("application/vnd.example.v3+json, application/json"),
                "v2",
            ),
        ] {
            let res = get("/users", accept);
            assert_eq!(served(&res), version, "Accept: {accept:?}");
            assert_eq!(header(&res, "vary"), Some("Accept"), "Accept: {accept:?}");
        }
        let res = get("/v1/users", None);
        assert_eq!(header(&res, "vary"), None, "no Vary on /v1/users");
    }

    #[test]
    fn unknown_versions_are_404_by_path_and_406_by_media_type() {
        for uri in [
            "/v3/users",
            "/v0/users",
            "/V1/users",
            "/v1/users/",
            "/v2/user",
            "/v1",
            "/api/v1/users",
        ] {
            assert_eq!(get(uri, None).status(), StatusCode::NOT_FOUND, "{uri}");
        }
        for accept in [
            "application/vnd.example.v3+json",
            "application/vnd.example.v1.1+json",
            "application/vnd.example+json",
            "application/vnd.example.v2+xml",
            "text/html",
        ] {
            let res = get("/users", Some(accept));
            assert_eq!(res.status(), StatusCode::NOT_ACCEPTABLE, "Accept: {accept}");
            assert_eq!(header(&res, "deprecation"), None, "Accept: {accept}");
        }
    }
}
