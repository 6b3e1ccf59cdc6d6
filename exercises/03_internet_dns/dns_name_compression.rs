//! # DNS: compressed names and hostile pointers
//!
//! Roadmap step: **DNS and how it works?** (<https://roadmap.sh/backend>): reading the
//! answers a name server sends back, safely.
//!
//! To save space, a name in a message may end with a pointer instead of the zero byte:
//! two bytes `11xxxxxx xxxxxxxx` whose low 14 bits are the offset (from the start of
//! the message) of labels that continue the name. Those labels may end with a pointer
//! too. A parser that follows pointers blindly can be sent into an endless loop.
//!
//! Write `read_name(msg, offset)`, which returns the name (labels joined with '.', case
//! kept, "." for the root) and the offset just after the name *where it started*: after
//! its first pointer, or after its zero byte. Refuse:
//!
//! 1. `Truncated`: the name runs past the end of `msg` (even half a pointer);
//! 2. `BadLabel`: a length byte of type `01` or `10` (0x40..=0xBF, reserved), or a
//!    label byte that is not `is_label_byte`;
//! 3. `BadPointer`: a pointer into the header (below 12), or not strictly before the
//!    labels it ends. Each pointer then goes further back, so there can be no loop;
//! 4. `NameTooLong`: more than 255 octets once expanded (length bytes and zero included).
//!
//! `parse_answers` (given) uses `read_name` for owner names and CNAME targets.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc1035#section-4.1.4> (message compression)
//! - <https://www.rfc-editor.org/rfc/rfc1035#section-3.1> (name length)
//! - <https://www.rfc-editor.org/rfc/rfc9267#section-2> (pointer and offset validation)
//! - <https://www.rfc-editor.org/rfc/rfc9267#section-3> (label and name length validation)
//! - <https://app.codecrafters.io/courses/dns-server/overview> (parse compressed packet)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::net::Ipv4Addr;

#[derive(Debug, PartialEq, Eq)]
pub enum NameError {
    Truncated,
    BadLabel,
    BadPointer,
    NameTooLong,
}

#[derive(Debug, PartialEq, Eq)]
pub enum RData {
    A(Ipv4Addr),
    Cname(String),
    Other(u16),
}

#[derive(Debug, PartialEq, Eq)]
pub struct Record {
    pub name: String,
    pub ttl: u32,
    pub data: RData,
}

/// Letters, digits, '-' and '_': the label bytes this parser accepts.
pub fn is_label_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

pub fn read_name(msg: &[u8], offset: usize) -> Result<(String, usize), NameError> {
    // TODO: loop over length bytes from `offset`. Look at the top two bits: 00 is a
    // label (0 ends the name), 11 a pointer, anything else is refused. Keep track of
    // where the current run of labels began (pointers must point before it), of the
    // expanded length, and of the offset after the first pointer.
    todo!()
}

/// The records of the answer section: skips the questions, then reads ANCOUNT records.
pub fn parse_answers(msg: &[u8]) -> Result<Vec<Record>, NameError> {
    let bytes = |at: usize, n: usize| msg.get(at..at + n).ok_or(NameError::Truncated);
    let word = |at: usize| Ok(u16::from_be_bytes(bytes(at, 2)?.try_into().unwrap()));
    let mut pos = 12;
    for _ in 0..word(4)? {
        pos = read_name(msg, pos)?.1 + 4; // QTYPE and QCLASS
    }
    let mut records = Vec::new();
    for _ in 0..word(6)? {
        let (name, after) = read_name(msg, pos)?;
        let ttl = u32::from_be_bytes(bytes(after + 4, 4)?.try_into().unwrap());
        let rdata = bytes(after + 10, usize::from(word(after + 8)?))?;
        let data = match (word(after)?, <[u8; 4]>::try_from(rdata)) {
            (1, Ok(octets)) => RData::A(octets.into()),
            (5, _) => RData::Cname(read_name(msg, after + 10)?.0),
            (other, _) => RData::Other(other),
        };
        records.push(Record { name, ttl, data });
        pos = after + 10 + rdata.len();
    }
    Ok(records)
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use NameError::*;

    /// A response for www.example.com A: a CNAME to web.example.com and two A records.
    #[rustfmt::skip]
    const RESPONSE: &[u8] = &[
        0x12, 0x34, 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 0,
        // 12: question www.example.com A IN ("example.com" starts at 16)
        3, b'w', b'w', b'w', 7, b'e', b'x', b'a', b'm', b'p', b'l', b'e', 3, b'c', b'o', b'm', 0,
        0, 1, 0, 1,
        // 33: www.example.com (pointer to 12) CNAME, TTL 3600, RDATA at 45: "web" + pointer to 16
        0xC0, 12, 0, 5, 0, 1, 0, 0, 0x0E, 0x10, 0, 6, 3, b'w', b'e', b'b', 0xC0, 16,
        // 51: web.example.com (pointer to 45, a chain) A 192.0.2.1, TTL 300
        0xC0, 45, 0, 1, 0, 1, 0, 0, 1, 0x2C, 0, 4, 192, 0, 2, 1,
        // 67: "v4" + pointer to 45 (three hops) A 198.51.100.7
        2, b'v', b'4', 0xC0, 45, 0, 1, 0, 1, 0, 0, 1, 0x2C, 0, 4, 198, 51, 100, 7,
    ];

    /// A message: a zeroed 12-byte header, then `body`.
    fn msg(body: &[u8]) -> Vec<u8> {
        [&[0; 12][..], body].concat()
    }

    fn label(byte: u8, len: usize) -> Vec<u8> {
        [vec![len as u8], vec![byte; len]].concat()
    }

    #[test]
    fn reads_plain_and_compressed_names() {
        #[rustfmt::skip]
        let cases = [
            (12, "www.example.com", 29), (16, "example.com", 29), (28, ".", 29),
            (33, "www.example.com", 35), (45, "web.example.com", 51),
            (51, "web.example.com", 53), (67, "v4.web.example.com", 72),
        ];
        for (offset, name, end) in cases {
            let got = read_name(RESPONSE, offset);
            assert_eq!(got, Ok((name.to_string(), end)), "name at offset {offset}");
        }
        let mixed_case = msg(b"\x03WwW\x07Example\x00");
        assert_eq!(read_name(&mixed_case, 12), Ok(("WwW.Example".into(), 25)));
    }

    #[test]
    fn parses_a_multi_answer_response() {
        let a = |a, b, c, d| RData::A(Ipv4Addr::new(a, b, c, d));
        let cname = |name: &str| RData::Cname(name.to_string());
        #[rustfmt::skip]
        let expected = vec![
            Record { name: "www.example.com".into(), ttl: 3600, data: cname("web.example.com") },
            Record { name: "web.example.com".into(), ttl: 300, data: a(192, 0, 2, 1) },
            Record { name: "v4.web.example.com".into(), ttl: 300, data: a(198, 51, 100, 7) },
        ];
        assert_eq!(parse_answers(RESPONSE), Ok(expected));
    }

    #[test]
    fn pointers_must_point_backwards() {
        #[rustfmt::skip]
        let cases: [(&[u8], usize); 9] = [
            (b"\xC0\x0E\x03com\x00", 12),    // forward
            (b"\xC0\x0C", 12),               // to itself
            (b"\x01a\xC0\x0D", 12),          // into its own label
            (b"\x03com\x00\x01x\xC0\x12", 17), // x -> its own pointer
            (b"\xC0\x05", 12),               // into the header
            (b"\x03com\x00\xC0\x00", 17),    // to offset 0
            (b"\x01a\xC0\x0C", 12),          // back to the start of its own labels: a loop
            (b"\x01a\xC0\x10\x01b\xC0\x0C", 16), // b -> a -> b -> ...
            (b"\x01a\xC0\x0C\xC0\x0C", 16),  // to the loop above
        ];
        for (body, offset) in cases {
            let got = read_name(&msg(body), offset);
            assert_eq!(got, Err(BadPointer), "{body:02x?} at {offset}");
        }
        let got = read_name(&msg(b"\x03com\x00\xC0\xFF"), 17);
        assert!(
            matches!(got, Err(BadPointer | Truncated)),
            "past the end: {got:?}"
        );
    }

    #[test]
    fn truncated_names() {
        let m = msg(b"\x03www\x07example");
        for offset in [12, 16, m.len(), m.len() + 1, 1000] {
            assert_eq!(read_name(&m, offset), Err(Truncated), "offset {offset}");
        }
        for body in [&b"\x05ab"[..], b"\x01a", b"\x01a\xC0", b""] {
            assert_eq!(read_name(&msg(body), 12), Err(Truncated), "{body:02x?}");
        }
    }

    #[test]
    fn reserved_label_types_and_bad_bytes() {
        #[rustfmt::skip]
        let bodies = [
            &b"\x41abc\x00"[..], b"\x80\x00", b"\xBF\x00", // reserved label types 01 and 10
            b"\x03a b\x00", b"\x03a.b\x00", b"\x01\xFF\x00",
        ];
        for body in bodies {
            assert_eq!(read_name(&msg(body), 12), Err(BadLabel), "{body:02x?}");
        }
    }

    #[test]
    fn expanded_length_is_at_most_255() {
        // Three names of 63-octet labels, each pointing to the one before: a, b.a, c.b.a.
        let mut m = msg(&label(b'a', 63));
        m.push(0); // 12: a
        m.extend([label(b'b', 63), vec![0xC0, 12]].concat()); // 77: b.a
        m.extend([label(b'c', 63), vec![0xC0, 77]].concat()); // 143: c.b.a
        for (len, expected) in [(61, Ok(253)), (62, Err(NameTooLong))] {
            let mut m = m.clone();
            m.extend([label(b'd', len), vec![0xC0, 143]].concat()); // 209: d.c.b.a
            let got = read_name(&m, 209).map(|(name, _)| name.len());
            assert_eq!(got, expected, "{len}-octet label before 192 octets");
        }
        let uncompressed = msg(&[label(b'x', 63).repeat(4), vec![0]].concat()); // 257
        assert_eq!(read_name(&uncompressed, 12), Err(NameTooLong));
    }

    #[test]
    fn offsets_have_14_bits() {
        let mut m = vec![0; 262];
        m.extend(b"\x01e\x00"); // 262: "e"
        m.extend(b"\x01f\xC1\x06"); // 265: "f" + pointer to 0x106 = 262
        assert_eq!(read_name(&m, 265), Ok(("f.e".into(), 269)));
    }
}
