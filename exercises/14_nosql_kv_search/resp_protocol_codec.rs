//! # RESP2: the Redis wire protocol
//!
//! Roadmap step: **Redis** (<https://roadmap.sh/backend>): every Redis client and server
//! speaks RESP, a tiny text-and-length protocol over TCP. A server reads commands from a
//! socket in whatever pieces TCP delivers, so the parser must say "not yet" without losing
//! its place, and must never trust a length it was sent.
//!
//! 1. `line`: the bytes before the first CRLF and the length up to after it. A CR or LF
//!    alone is a protocol error; no CRLF within `MAX_LINE` bytes is one too.
//! 2. `length`: a bulk or array length: `-1` (null) or decimal digits only; anything else
//!    (`-2`, `+3`, `3a`, empty, too big for `usize`) is a protocol error.
//! 3. `parse`: one value from the start of `buf` and how many bytes it used, or
//!    `Incomplete` when `buf` stops before the value does. `+` simple string, `-` error,
//!    `:` integer, `$` bulk string (`$-1`: null; at most `MAX_BULK_LEN` bytes; its data
//!    must be followed by CRLF), `*` array (`*-1`: null; elements are any values).
//! 4. `encode`: the exact bytes. A simple string or error holding CR or LF cannot be sent
//!    (it would inject a second reply): refuse it; bulk strings are binary safe.
//!
//! Standards:
//! - <https://redis.io/docs/latest/develop/reference/protocol-spec/#resp-protocol-description>
//! - <https://redis.io/docs/latest/develop/reference/protocol-spec/#bulk-strings>
//! - <https://redis.io/docs/latest/develop/reference/protocol-spec/#arrays>
//! - <https://cwe.mitre.org/data/definitions/93.html> (CRLF injection)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

/// Redis's `proto-max-bulk-len` default: 512 MiB.
pub const MAX_BULK_LEN: usize = 512 * 1024 * 1024;
/// Redis's limit for a line (`PROTO_INLINE_MAX_SIZE`): 64 KiB.
pub const MAX_LINE: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Simple(String),
    Error(String),
    Integer(i64),
    /// `None`: the null bulk string, `$-1\r\n`.
    Bulk(Option<Vec<u8>>),
    /// `None`: the null array, `*-1\r\n`.
    Array(Option<Vec<Value>>),
}

impl Value {
    pub fn bulk(data: &str) -> Value {
        Value::Bulk(Some(data.as_bytes().to_vec()))
    }

    /// A command as clients send it: an array of bulk strings.
    pub fn command(args: &[&str]) -> Value {
        Value::Array(Some(args.iter().map(|a| Value::bulk(a)).collect()))
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum RespError {
    /// Not enough bytes yet: keep them, read more, try again.
    Incomplete,
    /// These bytes can never become a RESP2 value: close the connection.
    Protocol(&'static str),
}

use RespError::{Incomplete, Protocol};

/// The bytes before the first CRLF, and the length of the line with its CRLF.
fn line(buf: &[u8]) -> Result<(&[u8], usize), RespError> {
    // TODO: find the first CR or LF; a CRLF ends the line. A CR or LF alone is a
    // protocol error; no CRLF yet is Incomplete, unless the line is already too long.
    todo!()
}

/// A bulk string or array length: `None` for `-1`.
fn length(digits: &[u8]) -> Result<Option<usize>, RespError> {
    // TODO: `-1` is null; otherwise ASCII digits only, fitting in a usize.
    todo!()
}

/// One value from the start of `buf`, and how many bytes it used.
pub fn parse(buf: &[u8]) -> Result<(Value, usize), RespError> {
    // TODO: dispatch on the type byte, read the header line, then the value: bulk data by
    // its length (followed by CRLF), array elements one after the other. A buffer that stops
    // early is Incomplete; bytes that can never be valid are a Protocol error.
    todo!()
}

/// Appends the RESP2 bytes of `value` to `out`.
pub fn encode(value: &Value, out: &mut Vec<u8>) -> Result<(), RespError> {
    // TODO: the exact RESP2 bytes; refuse CR or LF in a simple string or error.
    todo!()
}

/// Collects the bytes a socket delivers and hands out complete values (pipelining: one
/// read may hold several commands, or half of one).
#[derive(Default)]
pub struct Decoder {
    buf: Vec<u8>,
}

impl Decoder {
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete value, `Ok(None)` if more bytes are needed.
    pub fn next_value(&mut self) -> Result<Option<Value>, RespError> {
        match parse(&self.buf) {
            Ok((value, used)) => {
                self.buf.drain(..used);
                Ok(Some(value))
            }
            Err(Incomplete) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use Value::*;

    fn b(data: &str) -> Value {
        Value::bulk(data)
    }

    fn a(items: Vec<Value>) -> Value {
        Array(Some(items))
    }

    /// Values and their exact bytes, from the RESP2 spec.
    #[rustfmt::skip]
    fn examples() -> Vec<(Value, &'static [u8])> {
        vec![
            (Simple("OK".into()), b"+OK\r\n"),
            (Error("ERR unknown command 'asdf'".into()), b"-ERR unknown command 'asdf'\r\n"),
            (Integer(1000), b":1000\r\n"),
            (Integer(-52), b":-52\r\n"),
            (b("hello"), b"$5\r\nhello\r\n"),
            (b(""), b"$0\r\n\r\n"),
            (Bulk(None), b"$-1\r\n"),
            (a(vec![]), b"*0\r\n"),
            (Array(None), b"*-1\r\n"),
            (a(vec![b("hello"), b("world")]), b"*2\r\n$5\r\nhello\r\n$5\r\nworld\r\n"),
            (a(vec![Integer(1), Integer(2), Integer(3)]), b"*3\r\n:1\r\n:2\r\n:3\r\n"),
            (a(vec![a(vec![Integer(1), Integer(2), Integer(3)]),
                    a(vec![Simple("Hello".into()), Error("World".into())])]),
             b"*2\r\n*3\r\n:1\r\n:2\r\n:3\r\n*2\r\n+Hello\r\n-World\r\n"),
            (a(vec![b("foo"), Bulk(None), b("bar")]), b"*3\r\n$3\r\nfoo\r\n$-1\r\n$3\r\nbar\r\n"),
            (Value::command(&["SET", "k", "v"]), b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"),
        ]
    }

    fn show(bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes).escape_debug().to_string()
    }

    fn encoded(value: &Value) -> Result<String, RespError> {
        let mut out = Vec::new();
        encode(value, &mut out).map(|()| show(&out))
    }

    fn refused(cases: &[&[u8]]) {
        for bytes in cases {
            let got = parse(bytes);
            assert!(matches!(got, Err(Protocol(_))), "{}: {got:?}", show(bytes));
        }
    }

    #[test]
    fn encodes_the_spec_examples_exactly() {
        for (value, bytes) in examples() {
            assert_eq!(encoded(&value), Ok(show(bytes)), "{value:?}");
        }
    }

    #[test]
    fn parses_one_value_and_says_how_many_bytes_it_used() {
        for (value, bytes) in examples() {
            let want = Ok((value, bytes.len()));
            assert_eq!(parse(bytes), want, "{}", show(bytes));
            let pipelined = [bytes, b"+NEXT\r\n"].concat();
            assert_eq!(parse(&pipelined), want, "{}", show(&pipelined));
        }
    }

    #[test]
    fn every_proper_prefix_is_incomplete_fed_one_byte_at_a_time() {
        for (value, bytes) in examples() {
            let mut decoder = Decoder::default();
            for (i, byte) in bytes.iter().enumerate() {
                assert_eq!(parse(&bytes[..i]), Err(Incomplete), "{}", show(&bytes[..i]));
                assert_eq!(decoder.next_value(), Ok(None), "{}", show(&bytes[..i]));
                decoder.feed(&[*byte]);
            }
            assert_eq!(decoder.next_value(), Ok(Some(value)), "{}", show(bytes));
            assert_eq!(decoder.next_value(), Ok(None), "consumed");
        }
    }

    #[test]
    fn the_decoder_splits_pipelined_commands() {
        let mut decoder = Decoder::default();
        decoder.feed(b"*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n*1\r\n$4\r\nPI");
        let [ping, echo] = [Value::command(&["PING"]), Value::command(&["ECHO", "hi"])];
        assert_eq!(decoder.next_value(), Ok(Some(ping.clone())));
        assert_eq!(decoder.next_value(), Ok(Some(echo)));
        assert_eq!(decoder.next_value(), Ok(None), "half a command");
        decoder.feed(b"NG\r\n");
        assert_eq!(decoder.next_value(), Ok(Some(ping)));
    }

    #[test]
    fn a_bulk_string_is_binary_safe_and_read_by_its_length() {
        let crlf_inside = b("a\r\nb");
        assert_eq!(parse(b"$4\r\na\r\nb\r\n"), Ok((crlf_inside.clone(), 10)));
        assert_eq!(encoded(&crlf_inside), Ok(show(b"$4\r\na\r\nb\r\n")));
        let binary = Bulk(Some(vec![0xff, 0]));
        assert_eq!(parse(b"$2\r\n\xff\x00\r\n"), Ok((binary, 8)));
    }

    #[test]
    fn integers_may_have_a_sign_and_nothing_else() {
        assert_eq!(parse(b":+5\r\n"), Ok((Integer(5), 5)));
        let min = b":-9223372036854775808\r\n";
        assert_eq!(parse(min), Ok((Integer(i64::MIN), min.len())));
        let overflow = b":9223372036854775808\r\n";
        refused(&[b":\r\n", b":abc\r\n", b": 1\r\n", b":1.5\r\n", overflow]);
    }

    #[test]
    #[rustfmt::skip]
    fn bad_lengths_are_refused() {
        refused(&[b"$-2\r\n", b"*-2\r\n", b"$+3\r\nfoo\r\n", b"*+1\r\n:1\r\n", b"$3a\r\nfoo\r\n"]);
        refused(&[b"$\r\n", b"* 1\r\n:1\r\n", b"$-1 \r\n", b"$99999999999999999999999\r\n"]);
        refused(&[b"$536870913\r\n"]); // MAX_BULK_LEN + 1
        assert_eq!(parse(b"$536870912\r\n"), Err(Incomplete), "MAX_BULK_LEN is allowed");
    }

    #[test]
    #[rustfmt::skip]
    fn a_missing_crlf_is_refused_at_once() {
        refused(&[b"$3\r\nfooXY", b"$3\r\nfoo\n", b"$3\r\nfoo\rX", b"$3\r\nfooX"]);
        refused(&[b"+OK\n", b"+OK\rX", b":1\n", b"*1\n", b"$3\nfoo\r\n"]);
        for bytes in [&b"$3\r\nfoo\r"[..], b"+OK\r", b"$3\r\nfoo"] {
            assert_eq!(parse(bytes), Err(Incomplete), "{}", show(bytes));
        }
    }

    #[test]
    fn unknown_types_and_non_utf8_simple_strings_are_refused() {
        refused(&[b"%1\r\n", b"PING\r\n", b"\r\n", b"+\xff\r\n", b"-\xfe\r\n"]);
        refused(&[b"%", b"P"]); // known at the first byte
    }

    #[test]
    fn lengths_from_the_network_are_not_trusted() {
        let line = [&b"+"[..], &[b'a'; 65_536]].concat(); // MAX_LINE: 64 KiB
        assert_eq!(
            parse(&line),
            Err(Incomplete),
            "MAX_LINE bytes: may still end"
        );
        // One byte more without a CRLF: a line that never ends must not fill memory.
        refused(&[&[&line[..], b"a"].concat()]);
        // 10^18 elements announced, one sent: wait for more, do not reserve room for them.
        assert_eq!(parse(b"*1000000000000000000\r\n:1\r\n"), Err(Incomplete));
    }

    #[test]
    fn encode_refuses_cr_or_lf_in_simple_strings_and_errors() {
        let injected = Simple("OK\r\n+PWNED".into());
        let nested = a(vec![b("fine"), Error("bad\nline".into())]);
        for value in [injected, Error("a\rb".into()), nested] {
            assert!(matches!(encoded(&value), Err(Protocol(_))), "{value:?}");
        }
    }
}
