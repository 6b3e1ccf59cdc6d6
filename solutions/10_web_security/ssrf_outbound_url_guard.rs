//! # SSRF: a guard for outbound webhook URLs
//!
//! Roadmap step: **Web security** (<https://roadmap.sh/backend>): server-side request
//! forgery, where users make *your server* fetch `http://169.254.169.254/` (cloud
//! credentials) or `http://localhost:6379/` for them. Check webhook URLs before calling:
//!
//! 1. `parse_ipv4`: read an IPv4 host as URL parsers (and `inet_aton`) do: 1 to 4 parts
//!    (one trailing dot allowed), each decimal, octal (leading `0`) or hex (`0x`); all
//!    parts but the last are one byte, the last fills the rest. `2130706433`, `0177.0.0.1`,
//!    `0x7f.1` and `127.1` are all 127.0.0.1. `Ok(None)` if the last part is no number
//!    (a DNS name); `Malformed` if it is but the rest does not parse or fit.
//! 2. `is_forbidden`: 0/8, loopback, private, CGNAT (100.64/10), link-local, documentation,
//!    benchmarking (198.18/15), 224/4 and 240/4; IPv6 `::/96` (`::`, `::1`, `::a.b.c.d`),
//!    unique-local, link-local, multicast, NAT64 (64:ff9b::/96), 2001:db8::/32, and
//!    IPv4-mapped `::ffff:a.b.c.d` judged as the IPv4 address inside.
//! 3. `check_url`, in this order: visible ASCII without `\` (else `Malformed`); scheme
//!    `https`, or `http` with `allow_http` (any case); no userinfo (`@`); a port (default
//!    443/80) in `allowed_ports`; a host that is an `[IPv6]` literal, an IPv4 as above or
//!    a name of letters, digits, `-` and `.` (lowercased). Resolve a name **once**, refuse
//!    it if *any* address is forbidden, and return the first with the port: the caller
//!    connects there (pinned), so a second DNS answer (DNS rebinding) cannot redirect it.
//!
//! Standards:
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html>
//! - <https://www.rfc-editor.org/rfc/rfc6890#section-2.2.2> (special-purpose addresses)
//! - <https://url.spec.whatwg.org/#concept-ipv4-parser>
//! - <https://owasp.org/API-Security/editions/2023/en/0xa7-server-side-request-forgery/>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

pub struct Guard {
    pub allow_http: bool,
    pub allowed_ports: &'static [u16],
}

#[derive(Debug, PartialEq, Eq)]
#[rustfmt::skip]
pub enum SsrfError { Malformed, Scheme, UserInfo, Port(u16), Unresolvable, Forbidden(IpAddr) }

/// One part of an IPv4 host, or `None` if it is not a number.
fn ipv4_number(part: &str) -> Option<u64> {
    let (digits, radix) = match part.strip_prefix("0x").or(part.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None if part.len() > 1 && part.starts_with('0') => (&part[1..], 8),
        None if !part.is_empty() => (part, 10),
        None => return None,
    };
    // Checked by hand: from_str_radix would accept a leading `+`.
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // "0x" alone is 0; too many digits saturate and fail the range check.
    let overflow = if digits.is_empty() { 0 } else { u64::MAX };
    Some(u64::from_str_radix(digits, radix).unwrap_or(overflow))
}

pub fn parse_ipv4(host: &str) -> Result<Option<Ipv4Addr>, SsrfError> {
    let parts: Vec<&str> = host.strip_suffix('.').unwrap_or(host).split('.').collect();
    if ipv4_number(parts[parts.len() - 1]).is_none() {
        return Ok(None); // a DNS name
    }
    let numbers: Option<Vec<u64>> = parts.iter().map(|part| ipv4_number(part)).collect();
    let numbers = numbers.ok_or(SsrfError::Malformed)?;
    let (&last, init) = numbers.split_last().ok_or(SsrfError::Malformed)?;
    if init.len() > 3 || init.iter().any(|&n| n > 255) || last >= 1 << (8 * (4 - init.len())) {
        return Err(SsrfError::Malformed);
    }
    let high = (init.iter().enumerate()).fold(0, |acc, (i, &n)| acc | n << (24 - 8 * i));
    Ok(Some(Ipv4Addr::from((high | last) as u32)))
}

pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            (v4.is_private() || v4.is_loopback() || v4.is_link_local() || v4.is_documentation())
                || a == 0 // "this network": 0.0.0.0 reaches localhost on Linux
                || a >= 224 // multicast, reserved, broadcast
                || (a == 100 && b & 0xc0 == 64) // CGNAT 100.64.0.0/10
                || (a == 198 && b & 0xfe == 18) // benchmarking 198.18.0.0/15
        }
        // `::ffff:127.0.0.1` reaches 127.0.0.1: judge the IPv4 address inside.
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_forbidden(IpAddr::V4(v4)),
            None => {
                let s = v6.segments();
                (v6.is_multicast() || v6.is_unique_local() || v6.is_unicast_link_local())
                    || s[..6] == [0; 6]
                    || s[..6] == [0x64, 0xff9b, 0, 0, 0, 0]
                    || s[..2] == [0x2001, 0xdb8]
            }
        },
    }
}

pub fn check_url(
    guard: &Guard,
    url: &str,
    resolve: &dyn Fn(&str) -> Vec<IpAddr>,
) -> Result<SocketAddr, SsrfError> {
    use SsrfError::*;
    if !url.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') {
        return Err(Malformed);
    }
    let (scheme, rest) = url.split_once("://").ok_or(Malformed)?;
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "https" => 443,
        "http" if guard.allow_http => 80,
        _ => return Err(Scheme),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(UserInfo);
    }
    // The port follows the last ':', unless that one is inside an `[IPv6]` literal.
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.starts_with('[') || h.ends_with(']') => (h, Some(p)),
        _ => (authority, None),
    };
    let port = match port {
        None => default_port,
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => p.parse().map_err(|_| Malformed)?,
        Some(_) => return Err(Malformed),
    };
    if !guard.allowed_ports.contains(&port) {
        return Err(Port(port));
    }
    let host = host.to_ascii_lowercase();
    let name_byte = |b: u8| b.is_ascii_alphanumeric() || b"-.".contains(&b);
    let ips = if let Some(v6) = host.strip_prefix('[') {
        let v6 = v6.strip_suffix(']').and_then(|v6| v6.parse().ok());
        vec![IpAddr::V6(v6.ok_or(Malformed)?)]
    } else if let Some(v4) = parse_ipv4(&host)? {
        vec![IpAddr::V4(v4)]
    } else if !host.is_empty() && host.bytes().all(name_byte) {
        resolve(&host) // exactly once: this answer is the one we check and pin
    } else {
        return Err(Malformed);
    };
    if let Some(&bad) = ips.iter().find(|&&ip| is_forbidden(ip)) {
        return Err(Forbidden(bad));
    }
    Ok(SocketAddr::new(*ips.first().ok_or(Unresolvable)?, port))
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use SsrfError::*;

    #[rustfmt::skip]
    const PROD: Guard = Guard { allow_http: false, allowed_ports: &[443] };
    #[rustfmt::skip]
    const DEV: Guard = Guard { allow_http: true, allowed_ports: &[80, 443, 8080] };

    /// A fake DNS: names it does not know resolve to nothing.
    fn dns(host: &str) -> Vec<IpAddr> {
        #[rustfmt::skip]
        let ips: &[&str] = match host {
            "hooks.example.com" => &["93.184.215.14"], "localhost" => &["127.0.0.1", "::1"],
            "metadata.internal.example" => &["169.254.169.254"],
            "rebind.example" => &["93.184.215.14", "10.0.0.7"], _ => &[],
        };
        ips.iter().map(|ip| ip.parse().unwrap()).collect()
    }

    #[test]
    fn every_spelling_of_an_internal_address_is_rejected() {
        #[rustfmt::skip]
        let cases = [
            ("http://127.0.0.1", "127.0.0.1"), ("http://2130706433", "127.0.0.1"),
            ("http://0177.0.0.1", "127.0.0.1"), ("http://0x7f.1/", "127.0.0.1"),
            ("http://127.1:8080/", "127.0.0.1"), ("http://127.0.0.1./", "127.0.0.1"),
            ("http://[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
            ("http://[::ffff:a9fe:a9fe]:80/", "::ffff:169.254.169.254"),
            ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
            ("http://0251.0376.0251.0376/", "169.254.169.254"),
            ("https://[::1]/", "::1"), ("https://[::127.0.0.1]/", "::127.0.0.1"),
            ("https://[FD00::1]/", "fd00::1"), ("https://[fe80::1]/", "fe80::1"),
            ("https://[ff02::1]/", "ff02::1"), ("https://[64:ff9b::a00:1]/", "64:ff9b::a00:1"),
            ("https://10.1.2.3/", "10.1.2.3"), ("https://172.31.255.255/", "172.31.255.255"),
            ("https://192.168.0.1/", "192.168.0.1"), ("https://100.64.0.1/", "100.64.0.1"),
            ("https://100.127.255.254/", "100.127.255.254"), ("https://224.0.0.251/", "224.0.0.251"),
            ("https://0.0.0.0/", "0.0.0.0"), ("https://255.255.255.255/", "255.255.255.255"),
            ("http://localhost/", "127.0.0.1"), ("https://rebind.example/", "10.0.0.7"),
            ("https://metadata.internal.example/", "169.254.169.254"),
        ];
        for (url, addr) in cases {
            let got = check_url(&DEV, url, &dns);
            assert_eq!(got, Err(Forbidden(addr.parse().unwrap())), "{url}");
        }
    }

    #[test]
    fn malformed_userinfo_scheme_and_port() {
        #[rustfmt::skip]
        let cases = [
            ("https://user@hooks.example.com/x", UserInfo), ("https://a:b@hooks.example.com", UserInfo),
            ("https://hooks.example.com@127.0.0.1/", UserInfo),
            ("https://hooks.example.com\\@127.0.0.1/", Malformed), ("https://%31%32%37.0.0.1/", Malformed),
            ("https://1.2.3.4.5/", Malformed), ("https://256.0.0.1/", Malformed), ("https://1.2.3.256/", Malformed),
            ("https://1.16777216/", Malformed), ("https://0x100000000/", Malformed), ("https://08.0.0.1/", Malformed),
            ("https://99999999999999999999999/", Malformed), ("https://1.+2.3.4/", Malformed),
            ("https://hooks.example.123/", Malformed), ("https:///x", Malformed), ("hooks.example.com/x", Malformed),
            ("https://hooks example.com/", Malformed), ("https://[::1/", Malformed), ("https://[::1]x/", Malformed),
            ("https://h_x.example/", Malformed), ("https://hooks.example.com:99999/", Malformed),
            ("https://hooks.example.com:/", Malformed),
            ("http://hooks.example.com/", Scheme), ("ftp://hooks.example.com/", Scheme),
            ("file:///etc/passwd", Scheme), ("gopher://hooks.example.com/", Scheme),
            ("https://hooks.example.com:22/", Port(22)), ("https://hooks.example.com:8443/", Port(8443)),
            ("https://nxdomain.example/", Unresolvable),
        ];
        for (url, expected) in cases {
            assert_eq!(check_url(&PROD, url, &dns), Err(expected), "{url:?}");
        }
    }

    #[test]
    fn public_addresses_are_accepted_and_pinned() {
        #[rustfmt::skip]
        let cases = [
            (&PROD, "https://hooks.example.com/github?x=1#f", "93.184.215.14:443"),
            (&PROD, "HTTPS://Hooks.Example.COM", "93.184.215.14:443"),
            (&PROD, "https://93.184.215.14?q", "93.184.215.14:443"),
            (&PROD, "https://[2606:4700::1111]/", "[2606:4700::1111]:443"),
            (&DEV, "http://hooks.example.com:8080/x", "93.184.215.14:8080"),
        ];
        for (guard, url, addr) in cases {
            assert_eq!(
                check_url(guard, url, &dns),
                Ok(addr.parse().unwrap()),
                "{url}"
            );
        }
        assert_eq!(
            parse_ipv4("93.184.55326"),
            Ok(Some(Ipv4Addr::new(93, 184, 216, 30)))
        );
        assert_eq!(parse_ipv4("hooks.example.com"), Ok(None));
    }

    #[test]
    fn the_name_is_resolved_once_and_the_answer_pinned() {
        // A rebinding DNS server: a public address first, then an internal one.
        let calls = Cell::new(0);
        let rebinding = |_: &str| {
            calls.set(calls.get() + 1);
            let answer = if calls.get() == 1 {
                "93.184.215.14"
            } else {
                "127.0.0.1"
            };
            vec![answer.parse().unwrap()]
        };
        let addr = check_url(&PROD, "https://rebind-once.example/", &rebinding);
        assert_eq!(addr, Ok("93.184.215.14:443".parse().unwrap()));
        assert_eq!(calls.get(), 1, "resolve exactly once");
        check_url(&PROD, "https://0x5d.0xb8.0xd7.0x0e/", &rebinding).unwrap();
        assert_eq!(calls.get(), 1, "an IP literal is never sent to DNS");
    }
}
