//! # DNS messages: the header and the question
//!
//! Roadmap step: **DNS and how it works?** (<https://roadmap.sh/backend>): what a
//! resolver actually sends to a name server, byte by byte.
//!
//! Every DNS message starts with a 12-byte header: six big-endian 16-bit words (ID,
//! flags, then four section counts). The flags word packs `QR(1) OPCODE(4) AA(1) TC(1)
//! RD(1) RA(1) Z(3) RCODE(4)`, most significant bit first. A question follows: the
//! name as length-prefixed labels ending with a zero byte, then QTYPE and QCLASS.
//!
//! 1. `Header::to_bytes` and `Header::parse` (fewer than 12 bytes: `Truncated`).
//! 2. `encode_name`: a label is 1 to 63 octets of `is_label_byte`, the whole encoded
//!    name (length bytes and final zero included) at most 255 octets. One trailing dot
//!    is allowed (`example.com.`) and `.` alone is the root. Keep the case as given.
//! 3. `encode_question`.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc1035#section-4.1.1> (header)
//! - <https://www.rfc-editor.org/rfc/rfc1035#section-4.1.2> (question)
//! - <https://www.rfc-editor.org/rfc/rfc1035#section-3.1> (names and labels)
//! - <https://www.rfc-editor.org/rfc/rfc1035#section-2.3.4> (size limits)
//! - <https://www.rfc-editor.org/rfc/rfc1123#section-2.1> (host name syntax)
//! - <https://app.codecrafters.io/courses/dns-server/overview> (DNS server stages 2-3)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

pub const TYPE_A: u16 = 1;
pub const TYPE_AAAA: u16 = 28;
pub const CLASS_IN: u16 = 1;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Header {
    pub id: u16,
    pub qr: bool,   // false: query, true: response
    pub opcode: u8, // 4 bits; 0 = standard query
    pub aa: bool,   // authoritative answer
    pub tc: bool,   // truncated
    pub rd: bool,   // recursion desired
    pub ra: bool,   // recursion available
    pub z: u8,      // 3 bits, reserved
    pub rcode: u8,  // 4 bits; 0 = no error, 3 = NXDOMAIN
    pub qdcount: u16,
    pub ancount: u16,
    pub nscount: u16,
    pub arcount: u16,
}

#[derive(Debug, PartialEq, Eq)]
pub enum DnsError {
    Truncated,
    EmptyLabel,
    LabelTooLong,
    NameTooLong,
    InvalidChar,
}

/// Letters, digits and '-' (RFC 1123), plus '_' for service labels like `_sip._tcp`.
/// Internationalized names travel as ASCII `xn--` labels (RFC 5890).
pub fn is_label_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

impl Header {
    pub fn to_bytes(&self) -> [u8; 12] {
        // TODO: pack the flags into one u16 (QR is the top bit, RCODE the lowest four),
        // then write ID, flags and the four counts as big-endian pairs of bytes.
        todo!()
    }

    /// The header at the start of `msg`; the rest of `msg` is ignored.
    pub fn parse(msg: &[u8]) -> Result<Header, DnsError> {
        // TODO: `Truncated` below 12 bytes; otherwise read the six words back and
        // unpack the flags: the inverse of `to_bytes`.
        todo!()
    }
}

pub fn encode_name(name: &str) -> Result<Vec<u8>, DnsError> {
    // TODO: "." is the root (a single zero byte); drop one trailing dot; then, for each
    // label, check it and write its length byte and its bytes; end with a zero byte and
    // check the total length.
    todo!()
}

/// A question entry: the encoded name, then QTYPE and QCLASS.
pub fn encode_question(name: &str, qtype: u16, qclass: u16) -> Result<Vec<u8>, DnsError> {
    // TODO
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use DnsError::*;

    fn label(len: usize) -> String {
        "x".repeat(len)
    }

    #[test]
    fn header_bytes() {
        #[rustfmt::skip]
        let h = Header { id: 1234, qr: true, ..Header::default() };
        let bytes = [0x04, 0xd2, 0x80, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!((h.to_bytes(), Header::parse(&bytes)), (bytes, Ok(h)));
        // Counts are big-endian (network byte order) too.
        #[rustfmt::skip]
        let h = Header {
            id: 0xBEEF, rd: true, qdcount: 1, ancount: 0x0102, nscount: 0xABCD, arcount: 0xFFFF,
            ..Header::default()
        };
        let bytes = [0xBE, 0xEF, 1, 0, 0, 1, 1, 2, 0xAB, 0xCD, 0xFF, 0xFF];
        assert_eq!((h.to_bytes(), Header::parse(&bytes)), (bytes, Ok(h)));
        // `parse` needs 12 bytes and ignores what follows them.
        assert_eq!(Header::parse(&[&bytes[..], &[0xC0, 0x0C]].concat()), Ok(h));
        for len in 0..12 {
            assert_eq!(Header::parse(&bytes[..len]), Err(Truncated), "{len} bytes");
        }
    }

    #[test]
    fn every_flag_has_its_own_bits() {
        let d = Header::default();
        #[rustfmt::skip]
        let cases = [
            (Header { qr: true, ..d }, [0x80, 0x00]), (Header { opcode: 15, ..d }, [0x78, 0x00]),
            (Header { opcode: 2, ..d }, [0x10, 0x00]), (Header { aa: true, ..d }, [0x04, 0x00]),
            (Header { tc: true, ..d }, [0x02, 0x00]), (Header { rd: true, ..d }, [0x01, 0x00]),
            (Header { ra: true, ..d }, [0x00, 0x80]), (Header { z: 7, ..d }, [0x00, 0x70]),
            (Header { rcode: 15, ..d }, [0x00, 0x0F]), (Header { rcode: 3, ..d }, [0x00, 0x03]),
            (Header { qr: true, opcode: 2, aa: true, rd: true, ra: true, rcode: 3, ..d },
             [0x95, 0x83]),
        ];
        for (h, flags) in cases {
            let bytes = h.to_bytes();
            assert_eq!([bytes[2], bytes[3]], flags, "{h:?}");
            assert_eq!(Header::parse(&bytes), Ok(h), "{bytes:02x?}");
        }
    }

    #[test]
    fn google_com_and_a_whole_query() {
        let expected = b"\x06\x67\x6f\x6f\x67\x6c\x65\x03\x63\x6f\x6d\x00";
        assert_eq!(encode_name("google.com").as_deref(), Ok(&expected[..]));
        assert_eq!(encode_name("google.com.").as_deref(), Ok(&expected[..]));
        assert_eq!(encode_name("."), Ok(vec![0]));
        let question = encode_question("google.com", TYPE_A, CLASS_IN).unwrap();
        assert_eq!(question, [&expected[..], &[0, 1, 0, 1]].concat());

        #[rustfmt::skip]
        let h = Header { id: 0xBEEF, rd: true, qdcount: 1, ..Header::default() };
        let mut msg = h.to_bytes().to_vec();
        msg.extend(encode_question("WWW.Example.com", TYPE_AAAA, CLASS_IN).unwrap());
        let mut expected = vec![0xBE, 0xEF, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3];
        expected.extend(b"WWW\x07Example\x03com\x00\x00\x1c\x00\x01"); // case kept
        assert_eq!(msg, expected);
    }

    #[test]
    fn label_length_boundaries() {
        let ok = format!("{}.com", label(63));
        assert_eq!(encode_name(&ok).unwrap()[0], 63, "{ok:?}");
        for name in [format!("{}.com", label(64)), format!("a.{}", label(64))] {
            let got = encode_name(&name).map(|wire| wire.len());
            assert_eq!(got, Err(LabelTooLong), "a 64-octet label in {name:?}");
        }
        for name in ["", "..", "a..com", ".com", "com..", "a.b.."] {
            assert_eq!(encode_name(name), Err(EmptyLabel), "{name:?}");
        }
    }

    #[test]
    fn name_length_boundaries() {
        // 63+63+63+61 octets in 4 labels: 250 + 4 length bytes + the zero = 255.
        let longest = [label(63), label(63), label(63), label(61)].join(".");
        assert_eq!(longest.len(), 253);
        let many_labels = vec!["a"; 127].join(".");
        for name in [longest.clone(), format!("{longest}."), many_labels] {
            let got = encode_name(&name).map(|wire| wire.len());
            assert_eq!(got, Ok(255), "a {}-character name", name.len());
        }
        let too_long = [label(63), label(63), label(63), label(62)].join(".");
        let too_many = vec!["a"; 128].join(".");
        for name in [too_long, too_many, format!("{}.{longest}", label(1))] {
            let got = encode_name(&name).map(|wire| wire.len());
            assert_eq!(got, Err(NameTooLong), "a {}-character name", name.len());
        }
    }

    #[test]
    fn label_bytes() {
        for name in [
            "exa mple.com",
            "café.com",
            "a\0b.com",
            "a/b.com",
            "a.b@c",
            " . ",
        ] {
            assert_eq!(encode_name(name), Err(InvalidChar), "{name:?}");
        }
        for name in [
            "_sip._tcp.example.com",
            "xn--caf-dma.com",
            "1.2.3.4.in-addr.arpa",
        ] {
            let wire = encode_name(name).unwrap_or_else(|e| panic!("{name:?}: {e:?}"));
            assert_eq!(wire.len(), name.len() + 2, "{name:?}");
        }
    }
}
