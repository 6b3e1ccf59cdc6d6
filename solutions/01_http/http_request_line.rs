//! # HTTP: the request line and method properties
//!
//! Roadmap step: **HTTP** (<https://roadmap.sh/backend>): methods, their
//! properties (safe, idempotent) and how a server reads the first line of a request.
//!
//! Every HTTP/1.1 request starts with `method SP request-target SP HTTP-version`,
//! with exactly one space (SP) between the three parts. Your job:
//!
//! 1. `Method::from_token`: method names are case-sensitive (`GET`, never `get`).
//! 2. `Method::is_safe` and `Method::is_idempotent`, as defined in RFC 9110 §9.2.
//! 3. `parse_request_line`: split on single spaces, validate each part and return
//!    the right error: `BadRequest` (400) for anything malformed, `NotImplemented`
//!    (501) for a well-formed but unknown method, `VersionNotSupported` (505) for a
//!    well-formed `HTTP/x.y` whose major version is not 1.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc9112#section-3> (request line)
//! - <https://www.rfc-editor.org/rfc/rfc9112#section-2.3> (HTTP version)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-9.2> (safe and idempotent methods)
//! - <https://www.rfc-editor.org/rfc/rfc5789> (PATCH)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Connect,
    Options,
    Trace,
    Patch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Http10,
    Http11,
}

#[derive(Debug, PartialEq, Eq)]
pub struct RequestLine {
    pub method: Method,
    pub target: String,
    pub version: Version,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ParseError {
    BadRequest,
    NotImplemented,
    VersionNotSupported,
}

impl ParseError {
    pub fn status(&self) -> u16 {
        match self {
            ParseError::BadRequest => 400,
            ParseError::NotImplemented => 501,
            ParseError::VersionNotSupported => 505,
        }
    }
}

/// `token = 1*tchar` (RFC 9110 §5.6.2): what a method name may be made of.
pub fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

impl Method {
    /// The method named exactly `token` (case-sensitive), if this server knows it.
    pub fn from_token(token: &str) -> Option<Method> {
        Some(match token {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            "CONNECT" => Method::Connect,
            "OPTIONS" => Method::Options,
            "TRACE" => Method::Trace,
            "PATCH" => Method::Patch,
            _ => return None,
        })
    }

    /// Safe: the client does not ask for any state change (read-only semantics).
    pub fn is_safe(self) -> bool {
        matches!(
            self,
            Method::Get | Method::Head | Method::Options | Method::Trace
        )
    }

    /// Idempotent: sending the request twice has the same intended effect as once.
    /// Every safe method is idempotent; PATCH (RFC 5789) is not.
    pub fn is_idempotent(self) -> bool {
        self.is_safe() || matches!(self, Method::Put | Method::Delete)
    }
}

pub fn parse_request_line(line: &str) -> Result<RequestLine, ParseError> {
    // `split(' ')`, not `split_whitespace()`: a double space yields an empty part,
    // and a tab is not a separator at all, so both end up as 400.
    let parts: Vec<&str> = line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(ParseError::BadRequest);
    };

    // HTTP-version = "HTTP" "/" DIGIT "." DIGIT, and "HTTP" is case-sensitive.
    let digits = match version.strip_prefix("HTTP/").map(str::as_bytes) {
        Some(&[major, b'.', minor]) if major.is_ascii_digit() && minor.is_ascii_digit() => {
            (major, minor)
        }
        _ => return Err(ParseError::BadRequest),
    };
    let version = match digits {
        (b'1', b'0') => Version::Http10,
        // A higher minor version is processed as the highest one we implement (RFC 9110 §2.5).
        (b'1', _) => Version::Http11,
        _ => return Err(ParseError::VersionNotSupported),
    };

    // Targets are visible ASCII; anything else must arrive percent-encoded.
    if target.is_empty() || !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ParseError::BadRequest);
    }

    let method = match Method::from_token(method) {
        Some(m) => m,
        None if is_token(method) => return Err(ParseError::NotImplemented),
        None => return Err(ParseError::BadRequest),
    };

    Ok(RequestLine {
        method,
        target: target.to_string(),
        version,
    })
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use ParseError::*;

    fn err(line: &str) -> ParseError {
        parse_request_line(line).expect_err(line)
    }

    #[test]
    fn valid_request_lines() {
        use {Method::*, Version::*};
        #[rustfmt::skip]
        let cases = [
            ("GET /index.html HTTP/1.1", Get, "/index.html", Http11),
            ("POST /api/users?active=1 HTTP/1.0", Post, "/api/users?active=1", Http10),
            ("OPTIONS * HTTP/1.1", Options, "*", Http11),
            ("CONNECT example.com:443 HTTP/1.1", Connect, "example.com:443", Http11),
            ("PATCH http://example.com/a%20b HTTP/1.1", Patch, "http://example.com/a%20b", Http11),
        ];
        for (line, method, target, version) in cases {
            let r = parse_request_line(line).expect(line);
            assert_eq!(
                (r.method, r.target.as_str(), r.version),
                (method, target, version)
            );
        }
    }

    #[test]
    fn malformed_lines_are_400() {
        for line in [
            "GET  /index.html HTTP/1.1", // two spaces (split_whitespace would accept them)
            "GET /index.html  HTTP/1.1",
            " GET / HTTP/1.1",
            "GET / HTTP/1.1 ",
            "GET\t/\tHTTP/1.1",
            "GET / HTTP/1.1 extra",
            "GET HTTP/1.1", // missing target
            "GET  HTTP/1.1",
            "GET /",
            "",
            "GET /caf\u{e9} HTTP/1.1", // targets are visible ASCII only
            "GET /a\0b HTTP/1.1",
            "GE(T / HTTP/1.1", // not a token
        ] {
            assert_eq!(err(line), BadRequest, "{line:?}");
        }
    }

    #[test]
    fn malformed_version_is_400_but_other_major_version_is_505() {
        for v in [
            "http/1.1",
            "Http/1.1",
            "HTTP/11",
            "HTTP/1",
            "HTTP/1.x",
            "HTTP/1.10",
            "HTTP/1.1\r",
        ] {
            assert_eq!(err(&format!("GET / {v}")), BadRequest, "{v:?}");
        }
        for v in ["HTTP/2.0", "HTTP/3.0", "HTTP/0.9"] {
            assert_eq!(err(&format!("GET / {v}")), VersionNotSupported, "{v:?}");
        }
    }

    #[test]
    fn methods_are_case_sensitive() {
        for line in ["get / HTTP/1.1", "Post / HTTP/1.1", "BREW /pot HTTP/1.1"] {
            assert_eq!(err(line), NotImplemented, "{line:?}");
        }
        for name in [
            "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
        ] {
            let m = Method::from_token(name).expect(name);
            assert_eq!(format!("{m:?}").to_uppercase(), name);
        }
    }

    #[test]
    fn method_properties_rfc9110_section_9_2() {
        use Method::*;
        let safe = [Get, Head, Options, Trace];
        let idempotent = [Get, Head, Options, Trace, Put, Delete];
        for m in [Get, Head, Post, Put, Delete, Connect, Options, Trace, Patch] {
            assert_eq!(m.is_safe(), safe.contains(&m), "{m:?} safe?");
            assert_eq!(
                m.is_idempotent(),
                idempotent.contains(&m),
                "{m:?} idempotent?"
            );
        }
    }
}
