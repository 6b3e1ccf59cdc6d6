//! # HTTP: chunked transfer coding and request smuggling
//!
//! Roadmap step: **HTTP** (<https://roadmap.sh/backend>): framing a body whose size
//! is not known in advance, and why a server must be strict about framing.
//!
//! 1. `body_framing` (RFC 9112 §6.3): reject a request with both `Transfer-Encoding`
//!    and `Content-Length` (400). A proxy in front of us may trust the other header,
//!    see a different end of the body and pass on a request hidden inside it (request
//!    smuggling). The last transfer coding must be `chunked` (else 400), `chunked` may
//!    appear only once (else 400), and another coding before it is not implemented (501).
//! 2. `decode_chunked` (RFC 9112 §7.1): read `<hex size>[;extensions]\r\n<data>\r\n`
//!    chunks up to the last chunk (size 0), ignore extensions, check and drop the
//!    trailer fields. Enforce `max_body` on the total before reading any data, and
//!    make sure no hex size can overflow.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc9112#section-7.1> (chunked transfer coding)
//! - <https://www.rfc-editor.org/rfc/rfc9112#section-6.1> (Transfer-Encoding)
//! - <https://www.rfc-editor.org/rfc/rfc9112#section-6.3> (message body length)
//! - <https://www.rfc-editor.org/rfc/rfc9112#section-11.2> (request smuggling)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::io::{self, BufRead, Read};

#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    BadRequest,      // 400
    NotImplemented,  // 501
    PayloadTooLarge, // 413
    /// The connection ended in the middle of the body.
    Incomplete,
    Io(io::ErrorKind),
}

impl From<io::Error> for BodyError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::UnexpectedEof => BodyError::Incomplete,
            kind => BodyError::Io(kind),
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Framing {
    Chunked,
    Length(usize),
}

/// Reads one line ended by CRLF (at most 4 KiB) and returns it without the CRLF.
fn read_line(r: &mut impl BufRead) -> Result<String, BodyError> {
    let mut buf = Vec::new();
    let n = r.take(4096).read_until(b'\n', &mut buf)?;
    match buf.strip_suffix(b"\r\n") {
        Some(line) => String::from_utf8(line.to_vec()).map_err(|_| BodyError::BadRequest),
        None if n < 4096 && !buf.ends_with(b"\n") => Err(BodyError::Incomplete),
        None => Err(BodyError::BadRequest), // line too long, or a bare LF
    }
}

/// The elements of the comma-separated values of every field `name` (any case), trimmed.
pub fn list_values<'a>(headers: &'a [(String, String)], name: &'a str) -> Vec<&'a str> {
    let fields = headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
    let elements = fields.flat_map(|(_, v)| v.split(','));
    elements.map(|v| v.trim_matches([' ', '\t'])).collect()
}

/// The previous exercise: the announced Content-Length, if there is one.
fn content_length(headers: &[(String, String)]) -> Result<Option<usize>, BodyError> {
    let mut length = None;
    for v in list_values(headers, "Content-Length") {
        if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BodyError::BadRequest);
        }
        let n: usize = v.parse().map_err(|_| BodyError::PayloadTooLarge)?;
        if length.replace(n).is_some_and(|l| l != n) {
            return Err(BodyError::BadRequest);
        }
    }
    Ok(length)
}

pub fn body_framing(headers: &[(String, String)]) -> Result<Framing, BodyError> {
    let length = content_length(headers)?;
    let codings = list_values(headers, "Transfer-Encoding");
    let Some((last, before)) = codings.split_last() else {
        return Ok(Framing::Length(length.unwrap_or(0)));
    };
    // Two framings for one message: never pick one, reject (RFC 9112 §6.3 rule 3).
    if length.is_some() {
        return Err(BodyError::BadRequest);
    }
    let is_chunked = |c: &&str| c.eq_ignore_ascii_case("chunked");
    if !is_chunked(last) || before.iter().any(is_chunked) {
        return Err(BodyError::BadRequest);
    }
    if !before.is_empty() {
        return Err(BodyError::NotImplemented); // e.g. `gzip, chunked`
    }
    Ok(Framing::Chunked)
}

pub fn decode_chunked(r: &mut impl BufRead, max_body: usize) -> Result<Vec<u8>, BodyError> {
    let mut body = Vec::new();
    loop {
        let line = read_line(r)?;
        // chunk-size [ BWS ";" chunk-ext ]: extensions are ignored (RFC 9112 §7.1.1).
        let size = match line.split_once(';') {
            Some((size, _extensions)) => size.trim_end_matches([' ', '\t']),
            None => &line,
        };
        // 1*HEXDIG: `from_str_radix` alone would also accept a leading `+`.
        if size.is_empty() || !size.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(BodyError::BadRequest);
        }
        // A number too big for usize is certainly too big for us.
        let size = usize::from_str_radix(size, 16).map_err(|_| BodyError::PayloadTooLarge)?;
        if size == 0 {
            break;
        }
        // `body.len() + size` could overflow; this subtraction cannot.
        if size > max_body - body.len() {
            return Err(BodyError::PayloadTooLarge);
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..])?;
        let mut crlf = [0; 2];
        r.read_exact(&mut crlf)?;
        if &crlf != b"\r\n" {
            return Err(BodyError::BadRequest);
        }
    }
    // Trailer section: field lines up to an empty line. Checked, then discarded.
    loop {
        let line = read_line(r)?;
        if line.is_empty() {
            return Ok(body);
        }
        match line.split_once(':') {
            Some((name, _)) if !name.is_empty() && !name.contains([' ', '\t']) => {}
            _ => return Err(BodyError::BadRequest),
        }
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;
    use BodyError::*;

    /// A socket that hands out at most one byte per `read` call.
    struct ScriptedStream<'a>(&'a [u8]);

    impl Read for ScriptedStream<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.0.len()).min(1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// Decodes `wire` read one byte at a time; also returns what is left unread.
    fn decode(wire: &str, max_body: usize) -> Result<(String, String), BodyError> {
        let mut r = BufReader::new(ScriptedStream(wire.as_bytes()));
        let body = String::from_utf8(decode_chunked(&mut r, max_body)?).unwrap();
        let mut rest = String::new();
        r.read_to_string(&mut rest).unwrap();
        Ok((body, rest))
    }

    fn ok(body: &str, rest: &str) -> Result<(String, String), BodyError> {
        Ok((body.to_string(), rest.to_string()))
    }

    fn framing(fields: &[(&str, &str)]) -> Result<Framing, BodyError> {
        let fields = fields.iter().map(|(n, v)| (n.to_string(), v.to_string()));
        body_framing(&fields.collect::<Vec<_>>())
    }

    /// A request with one `Transfer-Encoding` field line per value.
    fn te(values: &[&str]) -> Result<Framing, BodyError> {
        let fields: Vec<_> = values.iter().map(|v| ("Transfer-Encoding", *v)).collect();
        framing(&fields)
    }

    #[test]
    fn decodes_the_classic_sample() {
        let wire = "4\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\nGET /next";
        // The body may contain CRLF; the decoder stops right after the final CRLF.
        let body = "Wikipedia in\r\n\r\nchunks.";
        assert_eq!(decode(wire, 1024), ok(body, "GET /next"));
    }

    #[test]
    fn last_chunk_alone_is_an_empty_body() {
        assert_eq!(decode("0\r\n\r\n", 1024), ok("", ""));
        assert_eq!(decode("000\r\n\r\nX", 1024), ok("", "X"));
    }

    #[test]
    fn extensions_are_ignored_and_trailers_dropped() {
        let wire = "1a;sig=abc\r\nabcdefghijklmnopqrstuvwxyz\r\n\
                    A ; note=\"x;y\"\r\n0123456789\r\n\
                    0;last\r\nExpires: never\r\nX-Checksum: 42\r\n\r\nNEXT";
        let body = "abcdefghijklmnopqrstuvwxyz0123456789";
        assert_eq!(decode(wire, 1024), ok(body, "NEXT"));
    }

    #[test]
    fn chunk_sizes_are_hex_digits_only() {
        for size in ["zz", "+5", "-5", "0x5", "", " 5", "5\n"] {
            let wire = format!("{size}\r\nhello\r\n0\r\n\r\n");
            assert_eq!(decode(&wire, 1024), Err(BadRequest), "size {size:?}");
        }
    }

    #[test]
    fn chunk_data_is_followed_by_crlf() {
        assert_eq!(decode("5\r\nhelloXX0\r\n\r\n", 1024), Err(BadRequest));
        assert_eq!(decode("5\r\nhell\r\n0\r\n\r\n", 1024), Err(BadRequest));
        assert_eq!(decode("5\nhello\n0\n\n", 1024), Err(BadRequest));
        assert_eq!(decode("0\r\nnot a field\r\n\r\n", 1024), Err(BadRequest));
    }

    #[test]
    fn max_body_applies_to_the_total() {
        let wire = "6\r\nhello \r\n6\r\nworld!\r\n0\r\n\r\n";
        assert_eq!(decode(wire, 12), ok("hello world!", ""));
        assert_eq!(decode(wire, 11), Err(PayloadTooLarge));
        // No data follows: checking only after reading would give `Incomplete`.
        assert_eq!(decode("100000\r\n", 1024), Err(PayloadTooLarge));
        assert_eq!(
            decode("1\r\na\r\nffffffffffffffff\r\n", 64),
            Err(PayloadTooLarge)
        );
        let huge = decode("fffffffffffffffffffffffff\r\n", 64);
        assert!(matches!(huge, Err(PayloadTooLarge | BadRequest)));
    }

    #[test]
    fn truncated_bodies_are_incomplete() {
        for wire in ["5\r\nhel", "5\r\nhello\r\n", "0\r\n", "0\r\nX: y\r\n", "5"] {
            assert_eq!(decode(wire, 1024), Err(Incomplete), "{wire:?}");
        }
    }

    #[test]
    fn framing_follows_rfc9112_section_6_3() {
        assert_eq!(framing(&[]), Ok(Framing::Length(0)));
        assert_eq!(framing(&[("content-length", "5")]), Ok(Framing::Length(5)));
        for value in ["chunked", "Chunked", " CHUNKED "] {
            assert_eq!(te(&[value]), Ok(Framing::Chunked), "{value:?}");
        }
    }

    #[test]
    fn both_te_and_cl_is_rejected() {
        let (te, cl) = (("Transfer-Encoding", "chunked"), ("Content-Length", "5"));
        assert_eq!(framing(&[te, cl]), Err(BadRequest));
        assert_eq!(framing(&[cl, te]), Err(BadRequest));
    }

    #[test]
    fn te_must_end_in_chunked() {
        for value in ["gzip", "identity", "chunkedx", "", "chunked, gzip"] {
            assert_eq!(te(&[value]), Err(BadRequest), "{value:?}");
        }
        assert_eq!(te(&["chunked, chunked"]), Err(BadRequest), "chunked twice");
        assert_eq!(te(&["gzip, chunked"]), Err(NotImplemented));
        assert_eq!(te(&["gzip", "chunked"]), Err(NotImplemented), "two lines");
    }
}
