//! # IPv4 addresses, CIDR blocks and special-purpose ranges
//!
//! Roadmap step: **How does the internet work?** (<https://roadmap.sh/backend>): IP
//! addressing, the notation every firewall rule and allow-list uses, and the ranges a
//! backend must never treat as "somewhere on the internet".
//!
//! An IPv4 address is a `u32`; the block `a.b.c.d/len` is every address whose first
//! `len` bits equal those of `a.b.c.d`. Your job, by hand (no `Ipv4Addr::from_str`):
//!
//! 1. `mask(len)`: `len` one bits, then zeros. `/0` and `/32` are valid.
//! 2. `parse_ipv4`: exactly four decimal octets `0..=255`, digits only, and no
//!    leading zeros (`010` is octal 8 to `inet_aton` and decimal 10 to others).
//! 3. `parse_cidr`: `address/len`, with `len` in `0..=32` and no host bits set.
//! 4. `Cidr::contains` and `classify` (the ranges of `AddrClass`).
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc791#section-2.3> (IPv4 addressing)
//! - <https://www.rfc-editor.org/rfc/rfc4632#section-3.1> (CIDR prefix notation)
//! - <https://www.rfc-editor.org/rfc/rfc1918#section-3> (private address space)
//! - <https://www.rfc-editor.org/rfc/rfc3927#section-2.1> (link-local 169.254/16)
//! - <https://www.rfc-editor.org/rfc/rfc6598#section-7> (shared address space 100.64/10)
//! - <https://www.rfc-editor.org/rfc/rfc6890#section-2.2.2> (special-purpose registry)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CidrError {
    Malformed,        // missing, extra or empty parts; anything but ASCII digits
    LeadingZero,      // `00`, `010`, `/08`: ambiguous, so refused
    OctetOutOfRange,  // above 255
    PrefixOutOfRange, // above 32
    HostBitsSet,      // `10.1.2.3/8`: a typo for `/32`, or for `10.0.0.0/8`?
}

/// A CIDR block: `network` has no bits outside `mask`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub network: u32,
    pub mask: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrClass {
    ThisNetwork, // 0.0.0.0/8 (RFC 6890); connecting to 0.0.0.0 reaches this host
    Loopback,    // 127.0.0.0/8 (RFC 6890)
    Private,     // 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (RFC 1918)
    LinkLocal,   // 169.254.0.0/16 (RFC 3927), home of cloud metadata endpoints
    SharedCgnat, // 100.64.0.0/10, carrier-grade NAT (RFC 6598)
    Multicast,   // 224.0.0.0/4 (RFC 5771)
    Reserved,    // 240.0.0.0/4, including broadcast 255.255.255.255 (RFC 6890)
    Public,      // everything else
}

/// The netmask of a prefix length in `0..=32`.
pub fn mask(len: u8) -> u32 {
    // `u32::MAX << 32` overflows (a panic in debug builds), so /0 needs its own case.
    u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0)
}

/// One decimal number of at most `max`: digits only, no sign, no leading zero.
fn parse_decimal(s: &str, max: u8, too_big: CidrError) -> Result<u8, CidrError> {
    // `str::parse` would accept "+1", so check the bytes first.
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CidrError::Malformed);
    }
    if s.len() > 1 && s.starts_with('0') {
        return Err(CidrError::LeadingZero);
    }
    // Only digits are left, so the only possible error is overflow.
    match s.parse::<u8>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(too_big),
    }
}

pub fn parse_ipv4(s: &str) -> Result<u32, CidrError> {
    let parts: Vec<&str> = s.split('.').collect();
    let [a, b, c, d] = parts[..] else {
        return Err(CidrError::Malformed);
    };
    let mut octets = [0u8; 4];
    for (octet, part) in octets.iter_mut().zip([a, b, c, d]) {
        *octet = parse_decimal(part, u8::MAX, CidrError::OctetOutOfRange)?;
    }
    Ok(u32::from_be_bytes(octets))
}

pub fn parse_cidr(s: &str) -> Result<Cidr, CidrError> {
    let (addr, len) = s.split_once('/').ok_or(CidrError::Malformed)?;
    let network = parse_ipv4(addr)?;
    let mask = mask(parse_decimal(len, 32, CidrError::PrefixOutOfRange)?);
    if network & !mask != 0 {
        return Err(CidrError::HostBitsSet);
    }
    Ok(Cidr { network, mask })
}

impl Cidr {
    pub fn contains(&self, ip: u32) -> bool {
        ip & self.mask == self.network
    }
}

pub fn classify(ip: u32) -> AddrClass {
    use AddrClass::*;
    #[rustfmt::skip]
    const RANGES: [([u8; 4], u8, AddrClass); 9] = [
        ([0, 0, 0, 0], 8, ThisNetwork), ([127, 0, 0, 0], 8, Loopback),
        ([10, 0, 0, 0], 8, Private), ([172, 16, 0, 0], 12, Private),
        ([192, 168, 0, 0], 16, Private),
        ([169, 254, 0, 0], 16, LinkLocal), ([100, 64, 0, 0], 10, SharedCgnat),
        ([224, 0, 0, 0], 4, Multicast), ([240, 0, 0, 0], 4, Reserved),
    ];
    RANGES
        .iter()
        .find(|(network, len, _)| ip & mask(*len) == u32::from_be_bytes(*network))
        .map_or(Public, |&(_, _, class)| class)
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;
    use CidrError::*;

    fn ip(s: &str) -> u32 {
        u32::from(s.parse::<Ipv4Addr>().unwrap())
    }

    #[test]
    fn masks_including_0_and_32() {
        for (len, expected) in [(0, 0), (1, 0x8000_0000), (12, 0xFFF0_0000), (32, u32::MAX)] {
            assert_eq!(mask(len), expected, "mask({len})");
        }
        for len in 0..=32u8 {
            let m = mask(len);
            assert_eq!((m.leading_ones(), m.count_ones()), (len.into(), len.into()));
        }
        #[rustfmt::skip]
        let blocks = [
            ("0.0.0.0/0", "0.0.0.0", 0), ("192.0.2.1/32", "192.0.2.1", u32::MAX),
            ("172.16.0.0/12", "172.16.0.0", 0xFFF0_0000), ("128.0.0.0/1", "128.0.0.0", 1 << 31),
        ];
        for (input, network, mask) in blocks {
            let got = parse_cidr(input).map(|c| (c.network, c.mask));
            assert_eq!(got, Ok((ip(network), mask)), "{input:?}");
        }
    }

    #[test]
    fn rejects_bad_input_with_the_right_error() {
        #[rustfmt::skip]
        let cases = [
            ("", Malformed), ("/8", Malformed), ("10.0.0.0", Malformed), ("10.0.0.0/", Malformed),
            ("10.0.0/8", Malformed), ("10.0.0.0.0/8", Malformed), ("10..0.0/8", Malformed),
            (".10.0.0/8", Malformed), ("10.0.0.0/8/8", Malformed), (" 10.0.0.0/8", Malformed),
            ("10.0.0.0 /8", Malformed), ("10.0.0.0/8\n", Malformed), ("+1.2.3.4/32", Malformed),
            ("1.2.3.4/+8", Malformed), ("1.2.3.-4/32", Malformed), ("0x7f.0.0.1/32", Malformed),
            ("a.b.c.d/8", Malformed), ("1.2.3.４/32", Malformed), ("10.0.0.0/-1", Malformed),
            ("2130706433/32", Malformed), ("127.1/32", Malformed), // inet_aton shorthands
            ("010.0.0.1/32", LeadingZero), ("10.00.0.0/16", LeadingZero),
            ("10.0.0.0/08", LeadingZero),
            ("256.0.0.0/8", OctetOutOfRange), ("1.2.3.1000/32", OctetOutOfRange),
            ("1.2.3.4294967296/32", OctetOutOfRange),
            ("10.0.0.0/33", PrefixOutOfRange), ("10.0.0.0/256", PrefixOutOfRange),
            ("10.1.2.3/8", HostBitsSet), ("192.168.1.1/24", HostBitsSet),
            ("0.0.0.1/0", HostBitsSet), ("172.31.0.0/11", HostBitsSet),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_cidr(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn parse_ipv4_agrees_with_std_on_generated_input() {
        #[rustfmt::skip]
        const PARTS: [&str; 12] =
            ["0", "1", "9", "25", "255", "256", "00", "07", "+1", "", "1a", "999"];
        let mut state = 0x9E37_79B9_7F4A_7C15_u64; // xorshift64, fixed seed
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..2000 {
            let count = 3 + next() % 3; // 3, 4 or 5 parts
            let parts: Vec<&str> = (0..count).map(|_| PARTS[(next() % 12) as usize]).collect();
            let s = parts.join(".");
            let std = s.parse::<Ipv4Addr>().ok().map(u32::from);
            assert_eq!(parse_ipv4(&s).ok(), std, "{s:?}");
        }
    }

    #[test]
    fn membership() {
        #[rustfmt::skip]
        let cases = [
            ("10.0.0.0/8", "10.255.255.255", true), ("10.0.0.0/8", "11.0.0.0", false),
            ("10.0.0.0/8", "9.255.255.255", false), ("172.16.0.0/12", "172.31.255.255", true),
            ("172.16.0.0/12", "172.32.0.0", false), ("192.168.1.0/24", "192.168.1.0", true),
            ("192.168.1.0/24", "192.168.2.1", false), ("192.168.1.128/25", "192.168.1.127", false),
            ("192.168.1.128/25", "192.168.1.255", true), ("0.0.0.0/0", "0.0.0.0", true),
            ("0.0.0.0/0", "255.255.255.255", true), ("0.0.0.0/0", "8.8.8.8", true),
            ("203.0.113.7/32", "203.0.113.7", true), ("203.0.113.7/32", "203.0.113.6", false),
            ("203.0.113.7/32", "203.0.113.8", false),
            ("255.255.255.255/32", "255.255.255.255", true),
            ("128.0.0.0/1", "127.255.255.255", false), ("128.0.0.0/1", "128.0.0.0", true),
        ];
        for (block, addr, inside) in cases {
            let cidr = parse_cidr(block).unwrap();
            assert_eq!(cidr.contains(ip(addr)), inside, "{block} contains {addr}?");
        }
    }

    #[test]
    fn classification_table() {
        use AddrClass::*;
        #[rustfmt::skip]
        let table = [
            ("0.0.0.0", ThisNetwork), ("0.255.255.255", ThisNetwork), ("1.0.0.0", Public),
            ("127.0.0.1", Loopback), ("127.255.255.255", Loopback), ("126.255.255.255", Public),
            ("128.0.0.0", Public), ("10.0.0.1", Private), ("9.255.255.255", Public),
            ("11.0.0.0", Public), ("172.16.0.0", Private), ("172.31.255.255", Private),
            ("172.15.255.255", Public), ("172.32.0.0", Public), ("192.168.0.1", Private),
            ("192.167.255.255", Public), ("192.169.0.0", Public), ("169.254.169.254", LinkLocal),
            ("169.253.255.255", Public), ("169.255.0.0", Public), ("100.64.0.0", SharedCgnat),
            ("100.127.255.255", SharedCgnat), ("100.63.255.255", Public), ("100.128.0.0", Public),
            ("224.0.0.1", Multicast), ("239.255.255.255", Multicast), ("223.255.255.255", Public),
            ("240.0.0.1", Reserved), ("255.255.255.255", Reserved), ("8.8.8.8", Public),
            ("1.1.1.1", Public), ("93.184.216.34", Public),
        ];
        for (addr, class) in table {
            assert_eq!(classify(ip(addr)), class, "{addr}");
        }
    }
}
