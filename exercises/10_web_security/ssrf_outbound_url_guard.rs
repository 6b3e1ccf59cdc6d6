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
    // TODO: "0x"/"0X" + hex digits (just "0x" is 0), "0" + octal digits, or decimal
    // digits; anything else (empty, a sign, letters) is None. Too big is not None:
    // return a value that fails the range checks.
    todo!()
}

pub fn parse_ipv4(host: &str) -> Result<Option<Ipv4Addr>, SsrfError> {
    // TODO: drop one trailing dot, split on '.', decide from the last part whether this is
    // an IPv4 address at all, then check the number of parts and their ranges.
    todo!()
}

pub fn is_forbidden(ip: IpAddr) -> bool {
    // TODO: the ranges listed at the top. `Ipv4Addr` and `Ipv6Addr` have `is_private`,
    // `is_loopback`, `is_unique_local`, ... for some of them; `octets()` and `segments()`
    // for the rest. Unwrap IPv4-mapped addresses first (`to_ipv4_mapped`).
    todo!()
}

pub fn check_url(
    guard: &Guard,
    url: &str,
    resolve: &dyn Fn(&str) -> Vec<IpAddr>,
) -> Result<SocketAddr, SsrfError> {
    // TODO: the checks of the list at the top, in that order. Call `resolve` at most once.
    todo!()
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
