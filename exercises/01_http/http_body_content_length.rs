//! # HTTP: reading a body with Content-Length
//!
//! Roadmap step: **HTTP** (<https://roadmap.sh/backend>): message bodies and
//! their framing, and the size limits that keep a server alive.
//!
//! A request body has no end marker: the server must read exactly `Content-Length`
//! bytes, no fewer and no more, because the next request on the same connection
//! starts right after them. Your job:
//!
//! 1. `content_length`: find the `Content-Length` header (any case). The value is
//!    `1*DIGIT`: no sign, no spaces, no hex (`str::parse::<usize>` alone accepts
//!    `+12`!). Repeated identical values are fine, different ones are a 400.
//!    No header at all means no body.
//! 2. `read_request`: read the head with `read_head`, refuse a body bigger than
//!    `max_body` *before* reading or allocating it, then read exactly the body.
//!    Sockets deliver data in pieces: the tests give you one byte per `read` call.
//!
//! (`Transfer-Encoding` comes in the next exercise.)
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc9112#section-6.2> (Content-Length)
//! - <https://www.rfc-editor.org/rfc/rfc9112#section-6.3> (message body length)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-8.6> (Content-Length syntax)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14> (413 Content Too Large)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::io::{self, BufRead, Read};

#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ReadError {
    /// Answer 400 Bad Request.
    BadRequest,
    /// Answer 413 Content Too Large.
    PayloadTooLarge,
    /// The connection ended in the middle of a request: nobody is left to answer.
    Incomplete,
    Io(io::ErrorKind),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::UnexpectedEof => ReadError::Incomplete,
            kind => ReadError::Io(kind),
        }
    }
}

const MAX_LINE: usize = 8 * 1024;
const MAX_HEADERS: usize = 100;

/// Reads one line ended by CRLF and returns it without the CRLF.
fn read_line(r: &mut impl BufRead) -> Result<String, ReadError> {
    let mut buf = Vec::new();
    let n = r.take(MAX_LINE as u64).read_until(b'\n', &mut buf)?;
    match buf.strip_suffix(b"\r\n") {
        Some(line) => String::from_utf8(line.to_vec()).map_err(|_| ReadError::BadRequest),
        None if n < MAX_LINE && !buf.ends_with(b"\n") => Err(ReadError::Incomplete),
        None => Err(ReadError::BadRequest), // line too long, or a bare LF
    }
}

/// Reads the request line and the header section, up to and including the empty line.
pub fn read_head(r: &mut impl BufRead) -> Result<Request, ReadError> {
    let line = read_line(r)?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some("HTTP/1.1"), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::BadRequest);
    };
    let mut request = Request {
        method: method.into(),
        target: target.into(),
        headers: Vec::new(),
        body: Vec::new(),
    };
    loop {
        let line = read_line(r)?;
        if line.is_empty() {
            return Ok(request);
        }
        let (name, value) = line.split_once(':').ok_or(ReadError::BadRequest)?;
        if name.is_empty() || name.contains([' ', '\t']) || request.headers.len() == MAX_HEADERS {
            return Err(ReadError::BadRequest);
        }
        let value = value.trim_matches([' ', '\t']);
        request.headers.push((name.into(), value.into()));
    }
}

/// The body length announced by the `Content-Length` header(s); 0 when there is none.
pub fn content_length(headers: &[(String, String)]) -> Result<usize, ReadError> {
    // TODO: collect the values of every Content-Length field (any case, and a value may
    // be a list like "5, 5"), check each is 1*DIGIT, and make sure they all agree.
    todo!()
}

pub fn read_request(r: &mut impl BufRead, max_body: usize) -> Result<Request, ReadError> {
    // TODO: read the head, find the body length, enforce `max_body`, then read
    // exactly that many bytes into `body` (what happens if a read returns fewer?).
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;
    use ReadError::*;

    /// A socket that hands out at most one byte per `read` call.
    struct ScriptedStream(Vec<u8>, usize);

    impl Read for ScriptedStream {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let (Some(&byte), Some(slot)) = (self.0.get(self.1), buf.first_mut()) else {
                return Ok(0);
            };
            *slot = byte;
            self.1 += 1;
            Ok(1)
        }
    }

    fn stream(wire: &str) -> BufReader<ScriptedStream> {
        BufReader::new(ScriptedStream(wire.as_bytes().to_vec(), 0))
    }

    /// The body read from a POST with one `Content-Length` line per value, then `hello world!`.
    fn post(lengths: &[&str], max_body: usize) -> Result<String, ReadError> {
        let fields: String = lengths
            .iter()
            .map(|v| format!("Content-Length: {v}\r\n"))
            .collect();
        let wire = format!("POST /upload HTTP/1.1\r\n{fields}\r\nhello world!");
        let request = read_request(&mut stream(&wire), max_body)?;
        Ok(String::from_utf8(request.body).unwrap())
    }

    fn hello() -> Result<String, ReadError> {
        Ok("hello world!".to_string())
    }

    #[test]
    fn reads_exactly_the_body_then_the_next_request() {
        let mut s = stream(
            "POST /a HTTP/1.1\r\nHost: x\r\ncontent-length: 12\r\n\r\nhello world!\
             GET /b HTTP/1.1\r\nHost: x\r\n\r\n\
             PUT /c HTTP/1.1\r\nCONTENT-LENGTH: 3\r\n\r\nabc",
        );
        let mut next = || -> Result<String, ReadError> {
            let r = read_request(&mut s, 1024)?;
            let body = String::from_utf8_lossy(&r.body);
            Ok(format!("{} {} [{body}]", r.method, r.target))
        };
        assert_eq!(next(), Ok("POST /a [hello world!]".into()));
        assert_eq!(next(), Ok("GET /b []".into()), "no Content-Length: no body");
        assert_eq!(next(), Ok("PUT /c [abc]".into()));
        assert_eq!(next(), Err(Incomplete), "nothing left");
    }

    #[test]
    fn content_length_is_digits_only() {
        assert_eq!(post(&["12"], 64), hello());
        for bad in ["12a", "-1", "+12", "", "0x0c", "1 2", "12.0"] {
            assert_eq!(post(&[bad], 64), Err(BadRequest), "Content-Length: {bad:?}");
        }
    }

    #[test]
    fn repeated_values_must_agree() {
        assert_eq!(post(&["12", "12"], 64), hello());
        assert_eq!(post(&["12, 12"], 64), hello());
        assert_eq!(post(&["12", "5"], 64), Err(BadRequest));
        assert_eq!(post(&["5", "12"], 64), Err(BadRequest));
        assert_eq!(post(&["12, 5"], 64), Err(BadRequest));
    }

    #[test]
    fn body_over_the_limit_is_413_before_reading_it() {
        assert_eq!(post(&["12"], 12), hello());
        assert_eq!(post(&["12"], 11), Err(PayloadTooLarge));
        // Only 12 bytes follow: a server that reads before checking would see `Incomplete`.
        assert_eq!(post(&["1000000"], 1024), Err(PayloadTooLarge));
        assert_eq!(post(&["1000000000000000"], 1024), Err(PayloadTooLarge));
    }

    #[test]
    fn truncated_messages_are_incomplete() {
        assert_eq!(post(&["13"], 64), Err(Incomplete));
        let mut s = stream("POST / HTTP/1.1\r\nContent-Le");
        assert_eq!(read_request(&mut s, 64), Err(Incomplete));
    }
}
