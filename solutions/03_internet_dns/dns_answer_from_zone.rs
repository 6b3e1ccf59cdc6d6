//! # DNS: answering a query from a zone
//!
//! Roadmap step: **DNS and how it works?** (<https://roadmap.sh/backend>): what an
//! authoritative name server does with a query, and which error it answers with.
//!
//! `answer(query, zone)` returns the reply, or `None` when there must be no reply at
//! all: fewer than 12 bytes, or a message that is itself a response (answering it
//! could start a loop between two servers). A reply has the query's ID, QR=1, the
//! query's OPCODE and RD, TC=RA=Z=0, and then:
//!
//! 1. OPCODE not 0 (QUERY): RCODE 4 (NOTIMP), header only.
//! 2. QDCOUNT not 1, or a question `read_question` refuses: RCODE 1 (FORMERR), header only.
//! 3. Otherwise AA=1 (the zone is ours), QDCOUNT=1 and the question echoed as sent.
//!    A name missing from the zone (compared case-insensitively) gets RCODE 3 (NXDOMAIN).
//!    A name in the zone gets one A record per address if the question is for `A`/`IN`,
//!    else none. Each record repeats the question's name exactly as sent (no
//!    compression), then TYPE, CLASS, `TTL`, RDLENGTH=4 and the address. Whatever
//!    follows the question (say, an EDNS OPT record) is ignored, not echoed.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc1035#section-4.1.1> (header, RCODEs)
//! - <https://www.rfc-editor.org/rfc/rfc1035#section-4.1.3> (resource records)
//! - <https://www.rfc-editor.org/rfc/rfc1035#section-3.2.1> (RR format, TTL, RDLENGTH)
//! - <https://www.rfc-editor.org/rfc/rfc4343#section-2> (case-insensitive names)
//! - <https://www.rfc-editor.org/rfc/rfc2308#section-2.2> (NODATA: the name exists, the type not)
//! - <https://www.rfc-editor.org/rfc/rfc9619> (QDCOUNT is one)
//! - <https://app.codecrafters.io/courses/dns-server/overview> (DNS server stages 4-6)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// Lowercase names without a trailing dot, and their IPv4 addresses.
pub type Zone = BTreeMap<String, Vec<Ipv4Addr>>;

pub const TYPE_A: u16 = 1;
pub const CLASS_IN: u16 = 1;
pub const TTL: u32 = 300;
// Bits of the flags word (RFC 1035 §4.1.1); RCODE is its lowest four bits.
pub const QR: u16 = 1 << 15;
pub const OPCODE: u16 = 0xF << 11;
pub const AA: u16 = 1 << 10;
pub const RD: u16 = 1 << 8;
pub const FORMERR: u16 = 1;
pub const NXDOMAIN: u16 = 3;
pub const NOTIMP: u16 = 4;

/// The big-endian `u16` at `msg[i..i + 2]`, if the message is that long.
pub fn read_u16(msg: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*msg.get(i)?, *msg.get(i + 1)?]))
}

/// A 12-byte header: ID, flags, then QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT.
pub fn header(id: u16, flags: u16, counts: [u16; 4]) -> Vec<u8> {
    let words = [id, flags].into_iter().chain(counts);
    words.flat_map(u16::to_be_bytes).collect()
}

#[derive(Debug, PartialEq, Eq)]
pub struct Question {
    pub name: String, // labels joined with '.', case as sent
    pub qtype: u16,
    pub qclass: u16,
    pub end: usize, // offset just after QCLASS
}

/// The question at offset 12: plain labels (a length byte of 0x40 or more is a pointer
/// or a reserved label type, refused here) of letters, digits, '-' and '_', at most 255
/// octets in all, then QTYPE and QCLASS. `None` if anything is wrong or missing.
pub fn read_question(msg: &[u8]) -> Option<Question> {
    let mut labels = Vec::new();
    let mut pos = 12;
    loop {
        let len = usize::from(*msg.get(pos)?);
        pos += 1;
        if len == 0 {
            break;
        }
        let label = msg.get(pos..pos + len).filter(|_| len <= 63)?;
        if !label
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
        {
            return None;
        }
        labels.push(String::from_utf8_lossy(label)); // ASCII only, so lossless
        pos += len;
        if pos - 12 >= 255 {
            return None; // no room left for the final zero byte
        }
    }
    Some(Question {
        name: labels.join("."),
        qtype: read_u16(msg, pos)?,
        qclass: read_u16(msg, pos + 2)?,
        end: pos + 4,
    })
}

pub fn answer(query: &[u8], zone: &Zone) -> Option<Vec<u8>> {
    let (id, flags) = (read_u16(query, 0)?, read_u16(query, 2)?);
    if query.len() < 12 || flags & QR != 0 {
        return None;
    }
    // A reply keeps the query's OPCODE and RD; TC, RA, Z and RCODE start at zero.
    let flags = QR | flags & (OPCODE | RD);
    if flags & OPCODE != 0 {
        return Some(header(id, flags | NOTIMP, [0; 4]));
    }
    let question = read_question(query).filter(|_| read_u16(query, 4) == Some(1));
    let Some(question) = question else {
        return Some(header(id, flags | FORMERR, [0; 4]));
    };
    let (rcode, addresses) = match zone.get(&question.name.to_ascii_lowercase()) {
        None => (NXDOMAIN, &[][..]),
        Some(_) if (question.qtype, question.qclass) != (TYPE_A, CLASS_IN) => (0, &[][..]),
        Some(addresses) => (0, &addresses[..]),
    };
    let mut out = header(id, flags | AA | rcode, [1, addresses.len() as u16, 0, 0]);
    let question_bytes = &query[12..question.end];
    out.extend_from_slice(question_bytes);
    let name = &question_bytes[..question_bytes.len() - 4]; // as sent, case included
    for address in addresses {
        out.extend_from_slice(name);
        out.extend_from_slice(&[0, 1, 0, 1]); // TYPE A, CLASS IN
        out.extend_from_slice(&TTL.to_be_bytes());
        out.extend_from_slice(&[0, 4]); // RDLENGTH
        out.extend_from_slice(&address.octets());
    }
    Some(out)
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    /// "1234 0100" -> [0x12, 0x34, 0x01, 0x00]; spaces are ignored.
    fn hex(s: &str) -> Vec<u8> {
        let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        let pair = |p: &[u8]| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap();
        digits.chunks(2).map(pair).collect()
    }

    /// Bytes as spaced hex, so that a failing assertion shows a readable diff.
    fn spaced(bytes: &[u8]) -> String {
        let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
        hex.join(" ")
    }

    /// `answer` for the test zone, as spaced hex.
    fn reply(query: &[u8]) -> Option<String> {
        answer(query, &zone()).map(|r| spaced(&r))
    }

    fn zone() -> Zone {
        let mut zone = Zone::new();
        let addrs = vec![Ipv4Addr::new(93, 184, 216, 34), Ipv4Addr::new(10, 0, 0, 7)];
        zone.insert("example.com".into(), addrs);
        zone.insert("www.example.com".into(), vec![Ipv4Addr::new(192, 0, 2, 1)]);
        zone.insert("empty.example.com".into(), vec![]);
        zone
    }

    const EXAMPLE_COM: &[u8] = b"\x07example\x03com\x00";

    /// A message: header words in hex, a name, then more hex.
    fn msg(header: &str, name: &[u8], tail: &str) -> Vec<u8> {
        [hex(header), name.to_vec(), hex(tail)].concat()
    }

    /// A query with one question: ID and flags in hex, QNAME, QTYPE and QCLASS in hex.
    fn query(id_flags: &str, name: &[u8], type_class: &str) -> Vec<u8> {
        msg(&format!("{id_flags} 0001 0000 0000 0000"), name, type_class)
    }

    #[test]
    fn answers_a_records() {
        let q = query("1234 0100", EXAMPLE_COM, "0001 0001");
        let expected = [
            hex("1234 8500 0001 0002 0000 0000"),
            msg("", EXAMPLE_COM, "0001 0001"),
            msg("", EXAMPLE_COM, "0001 0001 0000012c 0004 5db8d822"),
            msg("", EXAMPLE_COM, "0001 0001 0000012c 0004 0a000007"),
        ];
        assert_eq!(reply(&q), Some(spaced(&expected.concat())));
        // dig adds an EDNS OPT record (ARCOUNT=1): this server ignores it.
        let opt = "0001 0001  00 0029 1000 00000000 0000";
        let q = msg("1234 0100 0001 0000 0000 0001", EXAMPLE_COM, opt);
        assert_eq!(
            reply(&q),
            Some(spaced(&expected.concat())),
            "with an OPT record"
        );
    }

    #[test]
    fn rd_copied_names_case_insensitive_and_echoed_as_sent() {
        let name = b"\x03WwW\x07ExAmPlE\x03COM\x00";
        let q = query("abcd 0000", name, "0001 0001");
        let expected = [
            hex("abcd 8400 0001 0001 0000 0000"),
            msg("", name, "0001 0001"),
            msg("", name, "0001 0001 0000012c 0004 c0000201"),
        ];
        assert_eq!(reply(&q), Some(spaced(&expected.concat())));
    }

    #[test]
    fn nxdomain_and_empty_answers() {
        let q = query("0001 0100", b"\x03www\x07example\x03org\x00", "0001 0001");
        let expected = [hex("0001 8503 0001 0000 0000 0000"), q[12..].to_vec()];
        assert_eq!(reply(&q), Some(spaced(&expected.concat())));
        let longest = [b"\x01a".repeat(127), vec![0]].concat(); // 255 octets: valid
        #[rustfmt::skip]
        let names = [&b"\x03com\x00"[..], b"\x07example\x03com\x04evil\x00", b"\x00", &longest];
        for name in names {
            let rcode = answer(&query("0002 0000", name, "0001 0001"), &zone()).map(|r| r[3]);
            assert_eq!(rcode, Some(NXDOMAIN as u8), "{}", spaced(name));
        }
        // The name exists: no error, just no A record (AAAA, class CH, or none at all).
        let empty = b"\x05empty\x07example\x03com\x00";
        #[rustfmt::skip]
        let cases = [(EXAMPLE_COM, "001c 0001"), (EXAMPLE_COM, "0001 0003"), (empty, "0001 0001")];
        for (name, type_class) in cases {
            let q = query("0003 0000", name, type_class);
            let expected = [hex("0003 8400 0001 0000 0000 0000"), q[12..].to_vec()];
            let expected = spaced(&expected.concat());
            assert_eq!(reply(&q), Some(expected), "{} {type_class}", spaced(name));
        }
    }

    #[test]
    fn other_opcodes_are_notimp() {
        for (query_flags, reply_flags) in [("1100", "9104"), ("23f0", "a104"), ("7900", "f904")] {
            let q = query(&format!("beef {query_flags}"), EXAMPLE_COM, "0001 0001");
            let expected = spaced(&hex(&format!("beef {reply_flags} 0000 0000 0000 0000")));
            assert_eq!(reply(&q), Some(expected), "flags {query_flags}");
        }
    }

    #[test]
    fn garbage_is_formerr() {
        let too_long = [b"\x02bb".to_vec(), b"\x01a".repeat(126), vec![0]].concat(); // 256
        let label_64 = [&[64][..], &[b'a'; 64], b"\x00"].concat();
        #[rustfmt::skip]
        let cases = [
            ("0000", EXAMPLE_COM, "0001 0001"), ("0002", EXAMPLE_COM, "0001 0001"),
            ("0001", b"\x07example\x03com", ""), ("0001", b"\x07example\x03co", ""),
            ("0001", EXAMPLE_COM, "0001 00"), ("0001", EXAMPLE_COM, ""), ("0001", b"", ""),
            ("0001", b"\xc0\x0c", "0001 0001"), ("0001", b"\x07example\x43com\x00", "0001 0001"),
            ("0001", b"\x07exa.ple\x03com\x00", "0001 0001"), ("0001", b"\x03a b\x00", "0001 0001"),
            ("0001", &too_long, "0001 0001"), ("0001", &label_64, "0001 0001"),
            ("0001", b"\x40", ""), ("0001", b"\x80", ""),
        ];
        for (qdcount, name, tail) in cases {
            let q = msg(&format!("0bad 0100 {qdcount} 0000 0000 0000"), name, tail);
            let expected = spaced(&hex("0bad 8101 0000 0000 0000 0000"));
            assert_eq!(reply(&q), Some(expected), "{}", spaced(&q));
        }
    }

    #[test]
    fn no_reply_to_runts_or_responses() {
        let q = query("1234 0100", EXAMPLE_COM, "0001 0001");
        for len in 0..12 {
            assert_eq!(reply(&q[..len]), None, "{len} bytes");
        }
        let response = answer(&q, &zone()).unwrap();
        assert_eq!(reply(&response), None, "a response");
    }
}
