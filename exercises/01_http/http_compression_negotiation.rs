//! # HTTP: content negotiation and compression
//!
//! Roadmap step: **HTTP** (<https://roadmap.sh/backend>), and response optimisation:
//! send fewer bytes when the client says it can unzip them.
//!
//! 1. `choose_encoding`: read `Accept-Encoding` (RFC 9110 §12.5.3). Each element is
//!    a coding with an optional weight `;q=` (use `parse_qvalue`, weights are compared
//!    as integers, never floats). `q=0` means "not acceptable". `*` stands for every
//!    coding not listed. `identity` (no coding) is acceptable unless refused by
//!    `identity;q=0`, or by `*;q=0` without an `identity` entry; when it is not listed
//!    it is only a fallback. Coding names are case-insensitive. Prefer gzip on a tie.
//! 2. `negotiate`: `None` from `choose_encoding` means 406 Not Acceptable. A body that
//!    is already encoded, or smaller than `MIN_GZIP_SIZE`, is sent as it is. Otherwise
//!    the response depends on `Accept-Encoding`, so add `Vary: Accept-Encoding` (keep
//!    any `Vary` already there); and if gzip was chosen, gzip the body with
//!    `flate2::write::GzEncoder`, then set `Content-Encoding: gzip` and the new
//!    `Content-Length` (one, not two: see `Response::set`).
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-12.5.3> (Accept-Encoding)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-12.4.2> (quality values)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-8.4> (Content-Encoding)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-12.5.5> (Vary)
//! - <https://www.rfc-editor.org/rfc/rfc1952> (gzip file format)
//! - <https://app.codecrafters.io/courses/http-server/overview> (HTTP compression stages)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use flate2::{write::GzEncoder, Compression};
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Gzip,
    Identity,
}

/// Smaller bodies are not worth it: gzip adds about 20 bytes of header and trailer.
pub const MIN_GZIP_SIZE: usize = 1024;

pub struct Response {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The values of the header `name` (any case).
    pub fn header(&self, name: &str) -> Vec<&str> {
        let fields = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        fields.map(|(_, v)| v.as_str()).collect()
    }

    /// Replaces every `name` header (any case) with the single line `name: value`.
    pub fn set(&mut self, name: &str, value: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.into(), value.into()));
    }
}

/// Answer 406 Not Acceptable.
#[derive(Debug, PartialEq, Eq)]
pub struct NotAcceptable;

/// A qvalue in thousandths: `"1"` → 1000, `"0.5"` → 500, `"0.000"` → 0; `None` if invalid.
pub fn parse_qvalue(s: &str) -> Option<u16> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{frac:0<3}").parse().ok()?;
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

pub fn choose_encoding(accept_encoding: Option<&str>) -> Option<Coding> {
    // TODO: no header means identity. Otherwise find the weight (q, 1000 by default)
    // given to gzip, identity and `*`, then apply the rules above.
    todo!()
}

pub fn negotiate(accept: Option<&str>, mut res: Response) -> Result<Response, NotAcceptable> {
    // TODO: choose, then compress when it is worth it, and fix the headers.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;
    use std::io::Read;
    use Coding::*;

    #[test]
    fn chooses_a_coding_per_header() {
        let cases = [
            (None, Some(Identity)),
            (Some(""), Some(Identity)),
            (Some("gzip"), Some(Gzip)),
            (Some("GZip"), Some(Gzip)),
            (Some("deflate, gzip;q=0.5, br;q=0.9"), Some(Gzip)),
            (Some("gzip;q=0.5"), Some(Gzip)),
            (Some("br, deflate"), Some(Identity)),
            (Some("invalid-1, gzip, invalid-2"), Some(Gzip)),
            (Some("gzipx, x-gzip2"), Some(Identity)),
            (Some("gzip;q=0"), Some(Identity)),
            (Some("gzip; Q=0.000"), Some(Identity)),
            (Some("gzip;q=0.5, identity;q=0.8"), Some(Identity)),
            (Some("identity;q=0.5, gzip;q=0.5"), Some(Gzip)),
            (Some("identity;q=0, gzip"), Some(Gzip)),
            (Some("identity;q=0"), None),
            (Some("*"), Some(Gzip)),
            (Some("gzip;q=0, *"), Some(Identity)),
            (Some("*;q=0"), None),
            (Some("*;q=0, identity"), Some(Identity)),
        ];
        for (header, expected) in cases {
            assert_eq!(choose_encoding(header), expected, "{header:?}");
        }
    }

    fn big() -> Vec<u8> {
        "hello, compression! ".repeat(100).into_bytes()
    }

    fn response(body: &[u8]) -> Response {
        let mut res = Response {
            headers: Vec::new(),
            body: body.to_vec(),
        };
        res.set("Content-Type", "text/plain");
        res.set("Content-Length", &body.len().to_string());
        res
    }

    #[test]
    fn gzips_big_bodies_when_accepted() {
        let mut res = response(&big());
        res.headers.push(("Vary".into(), "Origin".into()));
        let res = negotiate(Some("gzip, deflate, br"), res).unwrap();
        assert_eq!(res.header("Content-Encoding"), ["gzip"]);
        assert_eq!(res.header("Vary"), ["Origin", "Accept-Encoding"]);
        assert_eq!(res.header("Content-Length"), [res.body.len().to_string()]);
        assert_eq!(res.header("Content-Type"), ["text/plain"]);
        assert_eq!(res.body[..2], [0x1f, 0x8b], "gzip magic number (RFC 1952)");
        assert!(res.body.len() < big().len() / 4, "{} bytes", res.body.len());
        let mut unzipped = Vec::new();
        let mut gunzip = GzDecoder::new(&res.body[..]);
        gunzip.read_to_end(&mut unzipped).unwrap();
        assert_eq!(unzipped, big());
    }

    #[test]
    fn small_bodies_stay_uncompressed() {
        let body = vec![b'a'; MIN_GZIP_SIZE];
        let res = negotiate(Some("gzip"), response(&body)).unwrap();
        assert_eq!(res.header("Content-Encoding"), ["gzip"]);
        for body in [&b"tiny"[..], &body[1..]] {
            let res = negotiate(Some("gzip"), response(body)).unwrap();
            assert_eq!(res.body, body);
            assert!(res.header("Content-Encoding").is_empty());
            assert_eq!(res.header("Content-Length"), [body.len().to_string()]);
        }
    }

    #[test]
    fn identity_responses_still_vary() {
        for accept in [None, Some("gzip;q=0"), Some("br")] {
            let res = negotiate(accept, response(&big())).unwrap();
            assert_eq!(res.body, big(), "{accept:?}");
            assert!(res.header("Content-Encoding").is_empty(), "{accept:?}");
            assert_eq!(res.header("Vary"), ["Accept-Encoding"], "{accept:?}");
        }
    }

    #[test]
    fn nothing_acceptable_is_406() {
        let res = negotiate(Some("*;q=0"), response(&big()));
        assert_eq!(res.err(), Some(NotAcceptable));
    }

    #[test]
    fn encoded_bodies_are_not_encoded_twice() {
        let mut already = response(&big());
        already.set("Content-Encoding", "br");
        let res = negotiate(Some("gzip, br"), already).unwrap();
        assert_eq!(res.header("Content-Encoding"), ["br"]);
        assert_eq!(res.body, big());
    }
}
