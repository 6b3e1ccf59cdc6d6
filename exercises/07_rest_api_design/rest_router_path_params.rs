//! # REST: a router with path parameters
//!
//! Roadmap step: **REST** (<https://roadmap.sh/backend>): every resource has a URI,
//! and a router maps `method + path` to the handler of that resource.
//!
//! A pattern such as `/users/{id}/posts/{post_id}` has static and `{param}` segments.
//!
//! 1. `match_path`: compare pattern and path segment by segment (split on '/'): a static
//!    segment must be equal, a `{param}` takes any non-empty segment and yields its raw
//!    (still percent-encoded) value.
//! 2. `Router::dispatch`: the most specific matching pattern names the resource (compare
//!    left to right; a static segment beats a `{param}`, so `/users/me` beats
//!    `/users/{id}` in any registration order). No match: 404. No route for the method:
//!    405 with `Allow` listing the resource's methods, sorted, joined by ", ". Else
//!    `percent_decode` each param (`None`: 400) and call the handler.
//!
//! Trailing slashes are strict: `/users/` is not `/users`, an empty segment never fills
//! a `{param}` (404; the other common policy is a 308 redirect to the canonical path).
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6> (405 Method Not Allowed)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-10.2.1> (Allow)
//! - <https://www.rfc-editor.org/rfc/rfc3986#section-2.1> (percent-encoding)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use http::{header, HeaderValue, Method, Request, Response, StatusCode};
use std::collections::BTreeMap;

/// Decoded path parameters, by name.
pub type Params = BTreeMap<String, String>;
pub type Handler = fn(&Request<Vec<u8>>, &Params) -> Response<Vec<u8>>;

/// `Some("id")` for the pattern segment `{id}`, `None` for a static segment.
pub fn param_name(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

/// Strict percent-decoding (RFC 3986 §2.1): `None` for a bad escape (`%zz`, `%4`) or
/// for bytes that are not UTF-8. `+` stays `+` in a path.
pub fn percent_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hi = (bytes.next()? as char).to_digit(16)?;
            let lo = (bytes.next()? as char).to_digit(16)?;
            out.push((hi * 16 + lo) as u8);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).ok()
}

/// An empty response with this status.
pub fn status(code: StatusCode) -> Response<Vec<u8>> {
    Response::builder().status(code).body(Vec::new()).unwrap()
}

/// `(name, raw value)` for each `{param}` if `path` matches `pattern`.
pub fn match_path<'a>(pattern: &'a str, path: &'a str) -> Option<Vec<(&'a str, &'a str)>> {
    // TODO: split both on '/', require the same number of segments, then compare them
    // pairwise (see `param_name`). An empty segment must not fill a `{param}`.
    todo!()
}

/// Compared left to right, `true` (a static segment) beats `false` (a param).
fn specificity(pattern: &str) -> Vec<bool> {
    // TODO: one bool per segment of the pattern: is it static?
    todo!()
}

#[derive(Default)]
pub struct Router {
    /// `(method, pattern, handler)` in registration order.
    routes: Vec<(Method, &'static str, Handler)>,
}

impl Router {
    pub fn route(mut self, method: Method, pattern: &'static str, handler: Handler) -> Self {
        self.routes.push((method, pattern, handler));
        self
    }

    pub fn dispatch(&self, req: &Request<Vec<u8>>) -> Response<Vec<u8>> {
        // TODO: among the routes whose pattern matches `req.uri().path()`, take the one
        // with the greatest `specificity` (none: 404). Then look for that pattern's route
        // with the request's method; without one, answer 405 with `Allow` (the pattern's
        // methods, sorted, joined by ", "). Finally percent-decode each param into a
        // `Params` (a bad one: 400) and call the handler.
        todo!()
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    // Each test handler answers with its own name and its params, e.g. `get_user id=42`.
    macro_rules! handlers {
        ($($name:ident),*) => {$(
            fn $name(_: &Request<Vec<u8>>, p: &Params) -> Response<Vec<u8>> {
                let params = p.iter().map(|(k, v)| format!(" {k}={v}")).collect::<String>();
                Response::new(format!("{}{params}", stringify!($name)).into_bytes())
            }
        )*};
    }
    handlers! { list_users, create_user, get_user, delete_user, me, get_post, get_file, latest }

    const ROUTES: &[(Method, &str, Handler)] = &[
        (Method::GET, "/users", list_users),
        (Method::POST, "/users", create_user),
        (Method::GET, "/users/{id}", get_user),
        (Method::DELETE, "/users/{id}", delete_user),
        (Method::GET, "/users/me", me),
        (Method::GET, "/users/{id}/posts/{post_id}", get_post),
        (Method::GET, "/files/{name}", get_file),
        (Method::GET, "/{kind}/latest", latest),
    ];

    /// Each line of `table` is `METHOD uri => status [Allow: ...] body`. Every line is
    /// checked twice: with `ROUTES` registered in order, and in reverse order.
    fn check(table: &str) {
        let register =
            |r: Router, (m, p, h): &(Method, &'static str, Handler)| r.route(m.clone(), p, *h);
        let forward = ROUTES.iter().fold(Router::default(), register);
        let reversed = ROUTES.iter().rev().fold(Router::default(), register);
        for line in table.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (request, expected) = line.split_once(" => ").unwrap();
            let (method, uri) = request.split_once(' ').unwrap();
            for (order, router) in [("in order", &forward), ("reversed", &reversed)] {
                let req = Request::builder().method(method).uri(uri.trim());
                let res = router.dispatch(&req.body(Vec::new()).unwrap());
                let allow = res.headers().get(header::ALLOW);
                let allow = allow.map(|v| format!(" [Allow: {}]", v.to_str().unwrap()));
                let body = String::from_utf8_lossy(res.body());
                let status = res.status();
                let got = format!("{}{} {body}", status.as_str(), allow.unwrap_or_default());
                assert_eq!(got.trim_end(), expected, "{request} (routes {order})");
            }
        }
    }

    #[test]
    fn params_are_extracted_and_percent_decoded_after_splitting() {
        let table = "
            GET    /users                 => 200 list_users
            POST   /users                 => 200 create_user
            GET    /users/42              => 200 get_user id=42
            DELETE /users/42              => 200 delete_user id=42
            GET    /users/42?fields=name  => 200 get_user id=42
            GET    /users/7/posts/99      => 200 get_post id=7 post_id=99
            GET    /files/a%20b           => 200 get_file name=a b
            GET    /files/caf%C3%A9       => 200 get_file name=caf\u{e9}
            GET    /files/a%2Fb           => 200 get_file name=a/b
            GET    /files/a+b             => 200 get_file name=a+b
            GET    /files/%zz             => 400
            GET    /files/a%              => 400
            GET    /files/%FF             => 400
        ";
        check(table);
    }

    #[test]
    fn static_segments_beat_params_in_any_order() {
        // Compared left to right, `/users/{id}` is more specific than `/{kind}/latest`.
        let table = "
            GET /users/me      => 200 me
            GET /users/mee     => 200 get_user id=mee
            GET /users/latest  => 200 get_user id=latest
            GET /posts/latest  => 200 latest kind=posts
        ";
        check(table);
    }

    #[test]
    fn unknown_paths_are_404_and_trailing_slashes_are_strict() {
        let table = "
            GET    /                  => 404
            GET    /nope              => 404
            DELETE /nope              => 404
            GET    /users/7/posts     => 404
            GET    /Users             => 404
            GET    /users/            => 404
            GET    /users/42/         => 404
            GET    /users//posts/1    => 404
            GET    //users            => 404
        ";
        check(table);
    }

    #[test]
    fn wrong_method_is_405_with_sorted_allow() {
        let table = "
            DELETE /users             => 405 [Allow: GET, POST]
            PUT    /users/42          => 405 [Allow: DELETE, GET]
            POST   /users/me          => 405 [Allow: GET]
            DELETE /users/1/posts/2   => 405 [Allow: GET]
            PUT    /posts/latest      => 405 [Allow: GET]
        ";
        check(table);
    }
}
