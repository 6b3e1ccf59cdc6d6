//! # Base64 from scratch
//!
//! Roadmap step: **Authentication** (<https://roadmap.sh/backend>): base64 is the
//! encoding under Basic auth, JWTs, WebSocket keys, PKCE and opaque API cursors.
//!
//! Base64 turns every 3 bytes (24 bits) into 4 characters of 6 bits each, taken from a
//! 64-character alphabet. A final group of 1 or 2 bytes gives 2 or 3 characters, padded
//! with `=` to 4 in the standard flavour; base64url (`-` and `_` instead of `+` and `/`)
//! usually drops the padding, as JWTs do. Your job, for both flavours at once:
//!
//! 1. `encode_with(data, alphabet, pad)`.
//! 2. `decode_with(text, alphabet, pad)`, strict, so that every byte string has exactly
//!    one accepted encoding (RFC 4648 §3.3 and §3.5). Check in this order:
//!    - with `pad`, the `=`s at the end are padding; any other `=` is `InvalidPadding`;
//!    - any other byte outside the alphabet (even a space or a newline): `InvalidByte`;
//!    - 4n+1 characters cannot encode whole bytes: `InvalidLength`;
//!    - with `pad`, the number of `=`s must be exactly what `encode_with` writes:
//!      `InvalidPadding`;
//!    - the bits of the last character that are not used must be zero: `NonCanonical`.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc4648#section-4> (base64)
//! - <https://www.rfc-editor.org/rfc/rfc4648#section-5> (base64url)
//! - <https://www.rfc-editor.org/rfc/rfc4648#section-10> (test vectors)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

pub const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
pub const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The byte at this offset is not in the alphabet.
    InvalidByte(usize),
    /// 4n+1 characters: the last one would carry only 6 of a byte's 8 bits.
    InvalidLength,
    /// Padding that is missing, misplaced, too long, or present when not allowed.
    InvalidPadding,
    /// The unused low bits of the last character are not zero (RFC 4648 §3.5).
    NonCanonical,
}

pub fn encode_with(data: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        // Put the 1-3 bytes in the top of a 24-bit group: b0 << 16 | b1 << 8 | b2.
        let mut group = [0u8; 4];
        group[1..=chunk.len()].copy_from_slice(chunk);
        let n = u32::from_be_bytes(group);
        // n bytes carry 8n bits, which need n + 1 characters of 6 bits.
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(alphabet[(n >> (18 - 6 * i) & 0x3F) as usize]));
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

pub fn decode_with(text: &str, alphabet: &[u8; 64], pad: bool) -> Result<Vec<u8>, DecodeError> {
    let data = if pad {
        text.trim_end_matches('=')
    } else {
        text
    };
    let padding = text.len() - data.len();
    let mut values = Vec::with_capacity(data.len());
    for (at, b) in data.bytes().enumerate() {
        match alphabet.iter().position(|&c| c == b) {
            Some(v) => values.push(v as u32),
            None if b == b'=' => return Err(DecodeError::InvalidPadding),
            None => return Err(DecodeError::InvalidByte(at)),
        }
    }
    if values.len() % 4 == 1 {
        return Err(DecodeError::InvalidLength);
    }
    if pad && padding != (4 - values.len() % 4) % 4 {
        return Err(DecodeError::InvalidPadding);
    }
    let mut out = Vec::with_capacity(values.len() / 4 * 3 + 2);
    for chunk in values.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0, |n, (i, v)| n | v << (18 - 6 * i));
        // k characters carry k - 1 whole bytes; any bit set below them is not canonical.
        let [_, bytes @ ..] = n.to_be_bytes();
        let (kept, dropped) = bytes.split_at(chunk.len() - 1);
        if dropped.iter().any(|&b| b != 0) {
            return Err(DecodeError::NonCanonical);
        }
        out.extend_from_slice(kept);
    }
    Ok(out)
}

/// Standard base64, padded (RFC 4648 §4).
pub fn encode(data: &[u8]) -> String {
    encode_with(data, STANDARD, true)
}

pub fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    decode_with(text, STANDARD, true)
}

/// base64url without padding (RFC 4648 §5), as in JWTs.
pub fn encode_url(data: &[u8]) -> String {
    encode_with(data, URL_SAFE, false)
}

pub fn decode_url(text: &str) -> Result<Vec<u8>, DecodeError> {
    decode_with(text, URL_SAFE, false)
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD as ORACLE, URL_SAFE_NO_PAD as URL_ORACLE};
    use base64::Engine;
    use DecodeError::*;

    #[test]
    fn rfc4648_section_10_vectors() {
        #[rustfmt::skip]
        let vectors = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")];
        for (plain, encoded) in vectors {
            let (bytes, unpadded) = (plain.as_bytes(), encoded.trim_end_matches('='));
            assert_eq!(encode(bytes), encoded, "{plain:?}");
            assert_eq!(decode(encoded).as_deref(), Ok(bytes), "{encoded:?}");
            assert_eq!(encode_url(bytes), unpadded, "{plain:?}");
            assert_eq!(decode_url(unpadded).as_deref(), Ok(bytes), "{unpadded:?}");
        }
    }

    #[test]
    fn the_two_alphabets_differ_in_62_and_63() {
        #[rustfmt::skip]
        let cases: [(&[u8], &str, &str); 4] = [(&[0xfb, 0xef, 0xbe], "++++", "----"),
            (&[0xff; 3], "////", "____"), (&[0xfb, 0xff], "+/8=", "-_8"), (&[0xff], "/w==", "_w")];
        for (bytes, standard, url) in cases {
            assert_eq!(encode(bytes), standard, "{bytes:?}");
            assert_eq!(encode_url(bytes), url, "{bytes:?}");
            assert_eq!(decode(standard).as_deref(), Ok(bytes), "{standard:?}");
            assert_eq!(decode_url(url).as_deref(), Ok(bytes), "{url:?}");
        }
        assert_eq!(decode("Zm-v"), Err(InvalidByte(2)));
        assert_eq!(decode_url("Zm+v"), Err(InvalidByte(2)));
        assert_eq!(decode_url("Zm/v"), Err(InvalidByte(2)));
    }

    #[test]
    fn strict_decoding() {
        #[rustfmt::skip]
        let padded = [
            ("Zm9 v", InvalidByte(3)), ("Zm9vYmFy\n", InvalidByte(8)), ("Zm\0v", InvalidByte(2)),
            ("Zg=a", InvalidPadding), ("Zg==Zg==", InvalidPadding), ("=Zm9", InvalidPadding),
            ("Zg", InvalidPadding), ("Zg=", InvalidPadding), ("Zg===", InvalidPadding),
            ("Zm9v=", InvalidPadding), ("Zm9v====", InvalidPadding), ("====", InvalidPadding),
            ("Z===", InvalidLength), ("Zm9vY", InvalidLength), ("Z", InvalidLength),
            ("Zh==", NonCanonical), ("Zm9=", NonCanonical), ("Zm9vYh==", NonCanonical),
        ];
        for (text, expected) in padded {
            assert_eq!(decode(text), Err(expected), "{text:?}");
        }
        #[rustfmt::skip]
        let unpadded = [("Zg==", InvalidPadding), ("Zm8=", InvalidPadding), ("Z 8", InvalidByte(1)),
            ("Zm9vY", InvalidLength), ("Zh", NonCanonical), ("Zm9", NonCanonical)];
        for (text, expected) in unpadded {
            assert_eq!(decode_url(text), Err(expected), "{text:?}");
        }
    }

    /// xorshift64: a tiny deterministic generator (Marsaglia, 2003).
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn agrees_with_the_base64_crate_on_1000_random_buffers() {
        let mut state = 0x2545_f491_4f6c_dd1d;
        for case in 0..1000 {
            let len = (next(&mut state) % 41) as usize; // 0..=40: every padding case
            let data: Vec<u8> = (0..len).map(|_| next(&mut state) as u8).collect();
            let (standard, url) = (ORACLE.encode(&data), URL_ORACLE.encode(&data));
            assert_eq!(encode(&data), standard, "case {case}: {data:?}");
            assert_eq!(encode_url(&data), url, "case {case}: {data:?}");
            assert_eq!(
                decode(&standard),
                Ok(data.clone()),
                "case {case}: {standard:?}"
            );
            assert_eq!(decode_url(&url), Ok(data), "case {case}: {url:?}");
            // Corrupt one character: we must accept exactly what the crate accepts.
            for (text, is_url) in [(standard, false), (url, true)] {
                let mut text = text.into_bytes();
                if let Some(at) = (next(&mut state) as usize).checked_rem(text.len()) {
                    text[at] = b"AQgh+/=-_ .\n"[next(&mut state) as usize % 12];
                }
                let text = String::from_utf8(text).unwrap();
                let (ours, oracle) = match is_url {
                    false => (decode(&text).ok(), ORACLE.decode(&text).ok()),
                    true => (decode_url(&text).ok(), URL_ORACLE.decode(&text).ok()),
                };
                assert_eq!(ours, oracle, "case {case}: {text:?}");
            }
        }
    }
}
