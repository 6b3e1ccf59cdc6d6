//! # intro_status_line: the first line of every HTTP response
//!
//! Roadmap step: *Internet → HTTP → status codes* (the request/response cycle),
//! practised with the programming fundamentals `match` and `format!`.
//!
//! Every HTTP/1.1 response starts with a status line (RFC 9112 §4):
//!
//! ```text
//! status-line = HTTP-version SP status-code SP [ reason-phrase ]
//! ```
//!
//! for example `HTTP/1.1 404 Not Found`. The CRLF that ends the line belongs to
//! the message framing, not to the status line, so `status_line` does not add it.
//!
//! Your task: fix `status_line(code)`.
//! - It must know the six codes below, with the reason phrases of RFC 9110 §15:
//!   200 OK, 201 Created, 204 No Content, 400 Bad Request, 404 Not Found,
//!   500 Internal Server Error.
//! - Any other code is a bug in our server, so it answers
//!   `HTTP/1.1 500 Internal Server Error` instead.
//!
//! Standards: <https://www.rfc-editor.org/rfc/rfc9112#section-4>,
//! <https://www.rfc-editor.org/rfc/rfc9110#section-15>
//!
//! The tests at the bottom are the specification: make them pass without editing them.

/// Returns the HTTP/1.1 status line (without CRLF) for `code`.
pub fn status_line(code: u16) -> String {
    // The code we actually send can differ from the one we were given:
    // a code we have no reason phrase for becomes a 500.
    let (code, reason) = match code {
        200 => (200, "OK"),
        201 => (201, "Created"),
        // TODO: the arms for 204, 400, 404 and 500, and one for every other code.
    };
    // TODO: this is not the order that RFC 9112 §4 gives.
    format!("{code} {reason} HTTP/1.1")
}

fn main() {
    // You may experiment here; the tests below are what counts.
}

#[cfg(test)]
mod tests {
    use super::status_line;

    #[test]
    fn success_codes() {
        assert_eq!(status_line(200), "HTTP/1.1 200 OK");
        assert_eq!(status_line(201), "HTTP/1.1 201 Created");
        assert_eq!(status_line(204), "HTTP/1.1 204 No Content");
    }

    #[test]
    fn client_error_codes() {
        assert_eq!(status_line(400), "HTTP/1.1 400 Bad Request");
        assert_eq!(status_line(404), "HTTP/1.1 404 Not Found");
    }

    #[test]
    fn server_error_code() {
        assert_eq!(status_line(500), "HTTP/1.1 500 Internal Server Error");
    }

    #[test]
    fn unknown_codes_become_500() {
        // Not only the reason phrase: the code itself must be replaced too.
        for code in [0, 1, 99, 202, 302, 401, 418, 503, 999, u16::MAX] {
            assert_eq!(
                status_line(code),
                "HTTP/1.1 500 Internal Server Error",
                "status_line({code})"
            );
        }
    }

    #[test]
    fn exactly_three_parts_separated_by_single_spaces() {
        for code in [200, 201, 204, 400, 404, 500, 418] {
            let line = status_line(code);
            assert!(
                !line.ends_with(['\r', '\n', ' ']),
                "no line ending: {line:?}"
            );
            let mut parts = line.splitn(3, ' ');
            assert_eq!(parts.next(), Some("HTTP/1.1"), "{line:?}");
            let status = parts.next().unwrap_or_default();
            assert!(
                status.len() == 3 && status.bytes().all(|b| b.is_ascii_digit()),
                "the status code is exactly three digits: {line:?}"
            );
            assert!(parts.next().is_some_and(|reason| !reason.is_empty()));
        }
    }
}
