//! # URLs: percent-encoding
//!
//! Roadmap step: **HTTP** (<https://roadmap.sh/backend>): URLs, and how arbitrary
//! text travels inside one.
//!
//! A URI may only contain a small set of ASCII characters. Any other byte is written as
//! `%` followed by two hex digits (RFC 3986 §2.1); text is first turned into UTF-8 bytes
//! (§2.5). Your job:
//!
//! 1. `encode_component`: keep the unreserved characters (`A-Z a-z 0-9 - . _ ~`, §2.3)
//!    and percent-encode every other byte with UPPERCASE hex (§2.1 says producers
//!    should use uppercase, so that equal URIs look equal). `/`, `?`, `&`, `=` and `%`
//!    are encoded too: inside one component (a path segment, a query value) they are data.
//! 2. `decode`: the strict inverse. Hex digits may be either case, `+` stays `+`, a `%`
//!    not followed by two hex digits is an error (`InvalidEscape`), and the decoded bytes
//!    must be valid UTF-8 (`InvalidUtf8`). Decode exactly once.
//! 3. `form_decode`: the `application/x-www-form-urlencoded` flavour used by HTML forms
//!    and query strings: `+` means a space, while `%2B` is a literal `+`.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc3986#section-2.1> (percent-encoding)
//! - <https://www.rfc-editor.org/rfc/rfc3986#section-2.3> (unreserved characters)
//! - <https://www.rfc-editor.org/rfc/rfc3986#section-2.4> (when to encode and decode)
//! - <https://url.spec.whatwg.org/#application/x-www-form-urlencoded> (`+` as space)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::fmt;

#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The `%` at byte offset `at` is not followed by two hex digits.
    InvalidEscape { at: usize },
    /// The decoded bytes are not valid UTF-8.
    InvalidUtf8,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::InvalidEscape { at } => write!(f, "invalid percent-escape at byte {at}"),
            DecodeError::InvalidUtf8 => write!(f, "percent-decoded bytes are not valid UTF-8"),
        }
    }
}

/// `unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"` (RFC 3986 §2.3).
pub fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes `s` for use as one URI component (a path segment, a query name or value).
pub fn encode_component(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    // Iterate over the UTF-8 *bytes*: `é` is two bytes, so two escapes.
    for b in s.bytes() {
        if is_unreserved(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        }
    }
    out
}

/// Strict percent-decoding: `%XX` becomes the byte 0xXX, everything else is kept as is.
pub fn decode(s: &str) -> Result<String, DecodeError> {
    decode_bytes(s, false)
}

/// Form decoding (WHATWG urlencoded): like `decode`, but `+` is a space.
pub fn form_decode(s: &str) -> Result<String, DecodeError> {
    decode_bytes(s, true)
}

fn decode_bytes(s: &str, plus_is_space: bool) -> Result<String, DecodeError> {
    // Work on bytes: slicing the `&str` after a `%` could split a multi-byte char (`%é`).
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = match bytes[i] {
            b'%' => {
                // `to_digit(16)` accepts exactly 0-9, a-f and A-F (`u8::from_str_radix`
                // would also accept "+1"); `get` is None for a truncated escape (`%2`).
                let hex = |j: usize| bytes.get(j).and_then(|&h| char::from(h).to_digit(16));
                let (Some(hi), Some(lo)) = (hex(i + 1), hex(i + 2)) else {
                    return Err(DecodeError::InvalidEscape { at: i });
                };
                i += 2;
                (hi << 4 | lo) as u8
            }
            // Replaced byte by byte, so a `+` that comes from `%2B` is never touched.
            b'+' if plus_is_space => b' ',
            b => b,
        };
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).map_err(|_| DecodeError::InvalidUtf8)
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use DecodeError::*;

    #[test]
    fn encodes_utf8_bytes_with_uppercase_hex() {
        for (input, expected) in [
            ("caf\u{e9}", "caf%C3%A9"),
            ("a/b", "a%2Fb"),
            ("100%", "100%25"),
            ("a b", "a%20b"),
            ("a+b=c&d?e#f", "a%2Bb%3Dc%26d%3Fe%23f"),
            ("!*'();:@$,[]", "%21%2A%27%28%29%3B%3A%40%24%2C%5B%5D"),
            ("\u{20ac}\u{1f600}", "%E2%82%AC%F0%9F%98%80"),
            ("\n\0\u{7f}", "%0A%00%7F"),
            ("", ""),
        ] {
            assert_eq!(encode_component(input), expected, "{input:?}");
        }
    }

    #[test]
    fn unreserved_characters_are_never_encoded() {
        let unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
        assert_eq!(encode_component(unreserved), unreserved);
        // Every other ASCII character is encoded, as exactly three characters.
        for b in (0u8..0x80).filter(|b| !unreserved.contains(char::from(*b))) {
            let input = char::from(b).to_string();
            assert_eq!(encode_component(&input), format!("%{b:02X}"), "{input:?}");
        }
    }

    #[test]
    fn decodes_either_case_of_hex() {
        for (input, expected) in [
            ("caf%C3%A9", "caf\u{e9}"),
            ("caf%c3%a9", "caf\u{e9}"),
            ("a%2Fb", "a/b"),
            ("a%2fb", "a/b"),
            ("100%25", "100%"),
            ("a+b%20c", "a+b c"), // `+` is only a space in form decoding
            ("%2541", "%41"),     // decode exactly once
            ("caf\u{e9}", "caf\u{e9}"),
            ("", ""),
        ] {
            assert_eq!(decode(input).as_deref(), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn bad_escapes_are_errors() {
        #[rustfmt::skip]
        let cases = [
            ("%G1", 0), ("a%1G", 1), ("%2", 0), ("ab%", 2), ("%%41", 0), ("ok%41%4", 5),
            ("x%+1", 1), // `u8::from_str_radix("+1", 16)` is Ok(1): do not rely on it
            ("%-1", 0),
            ("%\u{e9}", 0), // must not panic on a multi-byte character
        ];
        for (input, at) in cases {
            assert_eq!(decode(input), Err(InvalidEscape { at }), "{input:?}");
        }
        let e = decode("%2").unwrap_err();
        assert_eq!(e.to_string(), "invalid percent-escape at byte 0");
    }

    #[test]
    fn invalid_utf8_is_an_error_not_a_replacement_character() {
        for input in ["%FF", "%C3", "%C3%28", "a%E2%82", "%C0%AF", "%ED%A0%80"] {
            assert_eq!(decode(input), Err(InvalidUtf8), "{input:?}");
        }
    }

    #[test]
    fn form_decode_turns_plus_into_space() {
        for (input, expected) in [
            ("a+b", "a b"),
            ("a%2Bb", "a+b"),
            ("1+%2B+1", "1 + 1"),
            ("caf%C3%A9+au+lait", "caf\u{e9} au lait"),
            ("%20+", "  "),
        ] {
            assert_eq!(form_decode(input).as_deref(), Ok(expected), "{input:?}");
        }
        assert_eq!(form_decode("a+%G1"), Err(InvalidEscape { at: 2 }));
        assert_eq!(form_decode("+%FF"), Err(InvalidUtf8));
    }

    #[test]
    fn encode_then_decode_round_trips() {
        for input in ["", "caf\u{e9}", "a/b?c=d&e", "100% +", "\u{1f600}~", "%41"] {
            let encoded = encode_component(input);
            assert!(
                encoded.bytes().all(|b| is_unreserved(b) || b == b'%'),
                "{input:?} -> {encoded:?}"
            );
            assert_eq!(decode(&encoded).as_deref(), Ok(input), "{input:?}");
            assert_eq!(form_decode(&encoded).as_deref(), Ok(input), "{input:?}");
        }
    }
}
