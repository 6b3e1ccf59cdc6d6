//! # CORS: preflights and an origin allow-list
//!
//! Roadmap step: **Web security** (<https://roadmap.sh/backend>): CORS, the protocol
//! by which a server lets pages of *other* origins read its responses.
//!
//! A page may read a cross-origin response only if the response names its origin.
//! Before a non-simple request (`PUT`, JSON, `Authorization`) the browser asks first: a
//! preflight, `OPTIONS` with `Origin` and `Access-Control-Request-Method`/`-Headers`.
//! CORS only decides what a *browser* may read: it is not authorization.
//!
//! 1. `allow_origin`: the `Access-Control-Allow-Origin` for an `Origin`: itself if listed
//!    (never `null`, sent by sandboxed and `file:` pages, even if listed), `*` for
//!    `Origins::Any`, else (or without `Origin`) `None`.
//! 2. `normalize_method`: as Fetch does, `DELETE`, `GET`, `HEAD`, `OPTIONS`, `POST` and
//!    `PUT` in any case become uppercase; every other method stays as it is (methods are
//!    case-sensitive: `patch` is not `PATCH`).
//! 3. `preflight`: always 204 with `Vary: Origin`. Only if the origin, the normalized
//!    method (compared exactly) and *every* requested header (ignoring case) are allowed,
//!    add `-Allow-Origin`, `-Allow-Methods` and `-Allow-Headers` (the configured lists
//!    joined by `", "`), `-Max-Age`, and `-Allow-Credentials: true` if configured and the
//!    origin is not `*`.
//! 4. `handle`: a preflight is an `OPTIONS` request with both an `Origin` and an
//!    `Access-Control-Request-Method`. Anything else (a plain `OPTIONS` too) goes to
//!    `app`; append `Vary: Origin` to its response and, for an allowed origin, add
//!    `-Allow-Origin` (and `-Allow-Credentials`, as above).
//!
//! Standards:
//! - <https://fetch.spec.whatwg.org/#http-cors-protocol>
//! - <https://fetch.spec.whatwg.org/#cors-preflight-request> and
//!   <https://fetch.spec.whatwg.org/#concept-method-normalize>
//! - <https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Headers_Cheat_Sheet.html#access-control-allow-origin>
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-12.5.5> (Vary)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use http::header::*;
use http::{HeaderValue, Method, Request, Response, StatusCode};

pub enum Origins {
    /// A public, read-only API: any page may read it, never with credentials.
    Any,
    /// Exact serialized origins, e.g. `https://app.example.com`.
    List(&'static [&'static str]),
}

pub struct CorsConfig {
    pub origins: Origins,
    pub methods: &'static [&'static str],
    /// Request headers pages may send, e.g. `content-type`.
    pub headers: &'static [&'static str],
    /// Whether pages may send cookies or HTTP auth (`credentials: "include"`).
    pub allow_credentials: bool,
    pub max_age_secs: u32,
}

/// The API behind the CORS layer.
pub fn app(req: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let mut res = Response::new(format!("{{\"path\":\"{}\"}}", req.uri().path()).into());
    res.headers_mut()
        .insert(CONTENT_TYPE, "application/json".parse().unwrap());
    res.headers_mut()
        .insert(VARY, "Accept-Encoding".parse().unwrap());
    res
}

fn header(req: &Request<Vec<u8>>, name: HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Whether `list` contains `item`, ignoring ASCII case.
pub fn contains_ignore_case(list: &[&str], item: &str) -> bool {
    list.iter().any(|entry| entry.eq_ignore_ascii_case(item))
}

const ORIGIN_VALUE: HeaderValue = HeaderValue::from_static("Origin");

/// The only methods Fetch normalizes to uppercase.
const NORMALIZED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

pub fn normalize_method(method: &str) -> &str {
    // TODO: the uppercase spelling for the six methods Fetch normalizes, matched in any
    // case; any other method unchanged.
    todo!()
}

pub fn allow_origin(config: &CorsConfig, origin: Option<&str>) -> Option<String> {
    // TODO: exact match against the list (and never "null"), "*" for Origins::Any.
    todo!()
}

pub fn preflight(config: &CorsConfig, req: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    // TODO: a 204 with `Vary: Origin`; the other CORS headers only when the origin, the
    // Access-Control-Request-Method and every name in Access-Control-Request-Headers
    // (comma-separated, maybe with spaces) are allowed.
    todo!()
}

pub fn handle(config: &CorsConfig, req: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    // TODO: route preflights to `preflight`; otherwise call `app` and add `Vary: Origin`
    // (append: keep the app's own Vary) and, for an allowed origin, the CORS headers.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: CorsConfig = CorsConfig {
        // "null" is a misconfiguration that the code must not honour.
        origins: Origins::List(&["https://app.example.com", "null"]),
        methods: &["GET", "POST", "PUT", "DELETE", "PATCH"],
        headers: &["content-type", "authorization", "x-request-id"],
        allow_credentials: true,
        max_age_secs: 600,
    };
    const APP: &str = "https://app.example.com";
    const JSON: &str = "content-type: application/json | vary: Accept-Encoding | vary: Origin";

    /// Sends a request through `handle`; returns its headers as sorted lines.
    fn send(config: &CorsConfig, method: &str, headers: &[(&str, &str)]) -> String {
        let mut req = Request::builder().method(method).uri("/api/notes");
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let res = handle(config, &req.body(Vec::new()).unwrap());
        let has = |name: &str| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
        let preflight =
            method == "OPTIONS" && has("origin") && has("access-control-request-method");
        let status = if preflight { 204 } else { 200 };
        assert_eq!(
            res.status(),
            status,
            "{method} {headers:?} (preflight: {preflight})"
        );
        let mut lines: Vec<String> = (res.headers().iter())
            .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap()))
            .collect();
        lines.sort();
        lines.join(" | ")
    }

    fn preflight_with(config: &CorsConfig, origin: &str, method: &str, requested: &str) -> String {
        #[rustfmt::skip]
        let headers = [("Origin", origin), ("Access-Control-Request-Method", method),
                       ("Access-Control-Request-Headers", requested)];
        send(config, "OPTIONS", &headers)
    }

    #[test]
    fn allowed_preflights_get_exact_headers() {
        let expected = "access-control-allow-credentials: true | \
            access-control-allow-headers: content-type, authorization, x-request-id | \
            access-control-allow-methods: GET, POST, PUT, DELETE, PATCH | \
            access-control-allow-origin: https://app.example.com | access-control-max-age: 600 | \
            vary: Origin";
        #[rustfmt::skip]
        let cases = [("PUT", "content-type, x-request-id"), ("delete", "Content-Type,X-Request-ID"),
                     ("POST", ""), ("GET", "authorization"), ("PATCH", "content-type"),
                     ("pUt", "")];
        for (method, requested) in cases {
            let got = preflight_with(&CONFIG, APP, method, requested);
            assert_eq!(got, expected, "{method} {requested:?}");
        }
    }

    #[test]
    fn refused_preflights_get_no_cors_headers() {
        #[rustfmt::skip]
        let cases = [
            ("https://evil.example", "PUT", "content-type"), ("null", "POST", ""),
            ("https://app.example.com.evil.example", "GET", ""),
            ("http://app.example.com", "GET", ""), (APP, "patch", ""), (APP, "Patch", ""),
            (APP, "PURGE", ""), (APP, "", ""),
            (APP, "PUT", "content-type, x-evil"), (APP, "PUT", "x-evil, content-type"),
            (APP, "PUT", "type"), (APP, "PUT", "content-type-2"),
        ];
        for (origin, method, requested) in cases {
            let got = preflight_with(&CONFIG, origin, method, requested);
            assert_eq!(got, "vary: Origin", "{origin} {method:?} {requested:?}");
        }
    }

    #[test]
    fn only_the_six_fetch_methods_are_normalized() {
        #[rustfmt::skip]
        let cases = [("get", "GET"), ("Delete", "DELETE"), ("head", "HEAD"), ("options", "OPTIONS"),
                     ("pOST", "POST"), ("put", "PUT"), ("patch", "patch"), ("PATCH", "PATCH"),
                     ("connect", "connect"), ("POSTS", "POSTS"), ("", "")];
        for (method, expected) in cases {
            assert_eq!(normalize_method(method), expected, "{method:?}");
        }
    }

    #[test]
    fn a_plain_options_request_is_not_a_preflight() {
        let allowed = "access-control-allow-credentials: true | \
            access-control-allow-origin: https://app.example.com | ";
        let got = send(&CONFIG, "OPTIONS", &[("Origin", APP)]);
        assert_eq!(
            got,
            format!("{allowed}{JSON}"),
            "OPTIONS without a requested method"
        );
        let headers = [("Access-Control-Request-Method", "PUT")];
        let got = send(&CONFIG, "OPTIONS", &headers);
        assert_eq!(got, JSON, "OPTIONS without an Origin");
        let headers = [("Origin", APP), ("Access-Control-Request-Method", "PUT")];
        let got = send(&CONFIG, "POST", &headers);
        assert_eq!(got, format!("{allowed}{JSON}"), "POST is never a preflight");
    }

    #[test]
    fn actual_requests_keep_the_apps_vary() {
        let allowed = "access-control-allow-credentials: true | \
            access-control-allow-origin: https://app.example.com | ";
        let got = send(&CONFIG, "PUT", &[("Origin", APP)]);
        assert_eq!(got, format!("{allowed}{JSON}"));
        // The request still runs (CORS is not access control); the browser hides it.
        for headers in [
            &[("Origin", "https://evil.example")][..],
            &[("Origin", "null")],
            &[],
        ] {
            assert_eq!(send(&CONFIG, "POST", headers), JSON, "{headers:?}");
        }
    }

    #[test]
    fn never_a_wildcard_with_credentials() {
        #[rustfmt::skip]
        let public = CorsConfig { origins: Origins::Any, ..CONFIG };
        let got = send(&public, "GET", &[("Origin", "https://evil.example")]);
        assert_eq!(got, format!("access-control-allow-origin: * | {JSON}"));
        let got = preflight_with(&public, "https://evil.example", "PUT", "");
        assert!(got.contains("access-control-allow-origin: *"), "{got}");
        assert!(!got.contains("credentials"), "{got}");
        #[rustfmt::skip]
        let private = CorsConfig { allow_credentials: false, ..CONFIG };
        let got = send(&private, "GET", &[("Origin", APP)]);
        assert_eq!(got, format!("access-control-allow-origin: {APP} | {JSON}"));
    }
}
