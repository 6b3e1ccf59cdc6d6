//! # HTTP: writing a response
//!
//! Roadmap step: **HTTP** (<https://roadmap.sh/backend>): the request/response
//! cycle and status codes, seen from the server that writes the bytes.
//!
//! Implement `Response::to_bytes`, which writes an HTTP/1.1 response exactly:
//!
//! 1. the status line `HTTP/1.1 <code> <reason>\r\n` (use `reason_phrase`; the
//!    space before the reason stays even when the reason is empty);
//! 2. the caller's headers in order, as `Name: value\r\n`, refusing any name that is
//!    not a token and any value holding CR, LF or NUL (response splitting, CWE-113);
//! 3. `Content-Length: <body length>\r\n`, computed here: a `Content-Length` among the
//!    caller's headers is dropped, so there is never a wrong or duplicate one;
//! 4. an empty line `\r\n`, then the body.
//!
//! Exceptions: 1xx, 204 and 304 responses have no body and no `Content-Length`.
//! A response to a HEAD request has no body but the `Content-Length` a GET would get.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc9112#section-4> (status line)
//! - <https://www.rfc-editor.org/rfc/rfc9112#section-6> (message body and its length)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-6.4.1> (content and status codes)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-8.6> (Content-Length)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A header `to_bytes` refused to write; holds the header's name.
#[derive(Debug, PartialEq, Eq)]
pub struct InvalidHeader(pub String);

pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        204 => "No Content",
        304 => "Not Modified",
        404 => "Not Found",
        _ => "",
    }
}

/// `tchar` (RFC 9110 §5.6.2): the bytes a header name (a token) is made of.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

impl Response {
    /// The response as sent on the wire, in answer to a request with `request_method`.
    pub fn to_bytes(&self, request_method: &str) -> Result<Vec<u8>, InvalidHeader> {
        let reason = reason_phrase(self.status);
        let mut out = format!("HTTP/1.1 {} {reason}\r\n", self.status).into_bytes();
        for (name, value) in &self.headers {
            let bad_value = value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0));
            if name.is_empty() || !name.bytes().all(is_tchar) || bad_value {
                return Err(InvalidHeader(name.clone()));
            }
            if !name.eq_ignore_ascii_case("Content-Length") {
                out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
            }
        }
        // These statuses never have content (RFC 9112 §6.3 rule 1). 1xx and 204 MUST NOT
        // send Content-Length; 304 MAY, but only with the 200's length, which we do not know.
        let no_content = matches!(self.status, 100..=199 | 204 | 304);
        if !no_content {
            // For HEAD too: the length a GET would have received (RFC 9110 §8.6).
            out.extend_from_slice(format!("Content-Length: {}\r\n", self.body.len()).as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        if !no_content && request_method != "HEAD" {
            out.extend_from_slice(&self.body);
        }
        Ok(out)
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        let headers = headers.iter().map(|(n, v)| (n.to_string(), v.to_string()));
        let body = body.as_bytes().to_vec();
        Response {
            status,
            headers: headers.collect(),
            body,
        }
    }

    /// The bytes `to_bytes` writes, as text so that a failing test prints readably.
    fn wire(r: &Response, method: &str) -> String {
        String::from_utf8(r.to_bytes(method).unwrap()).unwrap()
    }

    #[test]
    fn ok_with_body() {
        let r = res(200, &[("Content-Type", "text/plain")], "hello");
        let expected =
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
        assert_eq!(wire(&r, "GET"), expected);
    }

    #[test]
    fn empty_body_still_gets_content_length() {
        let r = res(404, &[], "");
        assert_eq!(
            wire(&r, "POST"),
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        );
    }

    #[test]
    fn unknown_reason_keeps_the_space() {
        let r = res(299, &[], "");
        assert_eq!(
            wire(&r, "GET"),
            "HTTP/1.1 299 \r\nContent-Length: 0\r\n\r\n"
        );
    }

    #[test]
    fn head_gets_the_length_but_no_body() {
        let r = res(200, &[("Content-Type", "text/plain")], "hello");
        let expected = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n";
        assert_eq!(wire(&r, "HEAD"), expected);
    }

    #[test]
    fn no_body_and_no_length_for_1xx_204_304() {
        assert_eq!(
            wire(&res(100, &[], ""), "POST"),
            "HTTP/1.1 100 Continue\r\n\r\n"
        );
        let r = res(
            101,
            &[("Upgrade", "websocket"), ("Connection", "Upgrade")],
            "",
        );
        let expected =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
        assert_eq!(wire(&r, "GET"), expected);
        let r = res(204, &[], "a handler bug");
        assert_eq!(wire(&r, "DELETE"), "HTTP/1.1 204 No Content\r\n\r\n");
        assert_eq!(wire(&r, "HEAD"), "HTTP/1.1 204 No Content\r\n\r\n");
        let r = res(304, &[("ETag", "\"v1\"")], "cached body");
        assert_eq!(
            wire(&r, "GET"),
            "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n"
        );
    }

    #[test]
    fn content_length_is_always_computed() {
        let r = res(200, &[("content-length", "999"), ("X-Id", "7")], "hi");
        assert_eq!(
            wire(&r, "GET"),
            "HTTP/1.1 200 OK\r\nX-Id: 7\r\nContent-Length: 2\r\n\r\nhi"
        );
    }

    #[test]
    fn body_bytes_are_written_unchanged() {
        let r = Response {
            status: 200,
            headers: vec![],
            body: vec![0xff, 0x00, b'\r', 0x80],
        };
        let mut expected = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n".to_vec();
        expected.extend_from_slice(&[0xff, 0x00, b'\r', 0x80]);
        assert_eq!(r.to_bytes("GET").unwrap(), expected);
    }

    #[test]
    fn header_injection_is_refused() {
        let evil = res(302, &[("Location", "/home\r\nSet-Cookie: admin=1")], "");
        assert_eq!(evil.to_bytes("GET"), Err(InvalidHeader("Location".into())));
        for (name, value) in [
            ("X-A", "a\nb"),
            ("X-A", "a\0b"),
            ("Bad Name", "v"),
            ("X:Y", "v"),
            ("", "v"),
        ] {
            let r = res(200, &[("Ok", "1"), (name, value)], "");
            assert_eq!(
                r.to_bytes("GET"),
                Err(InvalidHeader(name.into())),
                "{name:?}: {value:?}"
            );
        }
    }
}
