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
//! 2. `is_forbidden`: an IPv4 address in a block of `V4_NOT_GLOBAL`; an IPv6 address
//!    outside `V6_GLOBAL_UNICAST` or in a block of `V6_NOT_GLOBAL`. These tables are the
//!    blocks of the IANA special-purpose registries that are not globally reachable, so
//!    every IPv6 form that embeds an IPv4 address (mapped, compatible, NAT64, 6to4,
//!    Teredo) is refused too: the IPv4 checks never see the address inside.
//! 3. `check_url`, in this order: visible ASCII without `\` (else `Malformed`); scheme
//!    `https`, or `http` with `allow_http` (any case); no userinfo (`@`); a port of ASCII
//!    digits (default 443/80) in `allowed_ports`; a host that is an `[IPv6]` literal (no
//!    zone id), an IPv4 as above or a name of letters, digits, `-` and `.` (lowercased).
//!    Resolve a name **once**, refuse it if *any* address is forbidden, and return the
//!    first with the port: the caller connects there (pinned), so a second DNS answer
//!    (DNS rebinding) cannot redirect it.
//! 4. `deliver`: check the URL, then send exactly one request to the pinned address,
//!    with `follow_redirects` off. A 3xx answer is `Redirected` (with its `Location`, for
//!    the log): that URL was never checked and may point anywhere, even at
//!    `http://169.254.169.254/`, so never follow it. Any other status is the result.
//!
//! Standards:
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html#application-layer>
//!   ("Disable the support for the following of the redirection in your web client")
//! - <https://www.iana.org/assignments/iana-ipv4-special-registry/iana-ipv4-special-registry.xhtml>
//! - <https://www.iana.org/assignments/iana-ipv6-special-registry/iana-ipv6-special-registry.xhtml>
//!   (RFC 6890 §2.2.2, "Globally Reachable"; <https://www.rfc-editor.org/rfc/rfc6890#section-2.2.2>)
//! - <https://url.spec.whatwg.org/#concept-ipv4-parser>
//! - <https://owasp.org/API-Security/editions/2023/en/0xa7-server-side-request-forgery/>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

pub struct Guard {
    pub allow_http: bool,
    pub allowed_ports: &'static [u16],
}

#[derive(Debug, PartialEq, Eq)]
#[rustfmt::skip]
pub enum SsrfError {
    Malformed, Scheme, UserInfo, Port(u16), Unresolvable, Forbidden(IpAddr),
    /// A 3xx status and its `Location`, for the log: not followed.
    Redirected(u16, Option<String>),
}

/// One request, as `deliver` hands it to the HTTP client.
#[derive(Debug)]
pub struct Outbound<'a> {
    /// Where to connect: the address `check_url` pinned.
    pub addr: SocketAddr,
    /// For the request line, `Host` and TLS (SNI, certificate name).
    pub url: &'a str,
    /// Whether the client follows `Location` headers by itself, as most do by default.
    pub follow_redirects: bool,
}

/// What the HTTP client got back.
pub struct Reply {
    pub status: u16,
    pub location: Option<String>,
}

/// The IANA IPv4 Special-Purpose Address Registry's blocks that are not globally
/// reachable (or deprecated), plus multicast: (network, prefix length).
#[rustfmt::skip]
pub const V4_NOT_GLOBAL: [(Ipv4Addr, u8); 15] = [
    (Ipv4Addr::new(0, 0, 0, 0), 8),       // "this network": 0.0.0.0 reaches localhost
    (Ipv4Addr::new(10, 0, 0, 0), 8),      // private use
    (Ipv4Addr::new(100, 64, 0, 0), 10),   // shared address space (carrier-grade NAT)
    (Ipv4Addr::new(127, 0, 0, 0), 8),     // loopback
    (Ipv4Addr::new(169, 254, 0, 0), 16),  // link-local: cloud metadata services
    (Ipv4Addr::new(172, 16, 0, 0), 12),   // private use
    (Ipv4Addr::new(192, 0, 0, 0), 24),    // IETF protocol assignments
    (Ipv4Addr::new(192, 0, 2, 0), 24),    // documentation (TEST-NET-1)
    (Ipv4Addr::new(192, 88, 99, 0), 24),  // deprecated 6to4 relay anycast
    (Ipv4Addr::new(192, 168, 0, 0), 16),  // private use
    (Ipv4Addr::new(198, 18, 0, 0), 15),   // benchmarking
    (Ipv4Addr::new(198, 51, 100, 0), 24), // documentation (TEST-NET-2)
    (Ipv4Addr::new(203, 0, 113, 0), 24),  // documentation (TEST-NET-3)
    (Ipv4Addr::new(224, 0, 0, 0), 4),     // multicast
    (Ipv4Addr::new(240, 0, 0, 0), 4),     // reserved, and the 255.255.255.255 broadcast
];

/// Only global unicast IPv6 (IANA IPv6 Address Space) can be globally reachable. Outside
/// it: `::`, `::1`, IPv4-mapped and -compatible, NAT64 (`64:ff9b::/96`, `64:ff9b:1::/48`),
/// discard-only, SRv6 SIDs, unique-local, link-local, site-local and multicast blocks.
pub const V6_GLOBAL_UNICAST: (Ipv6Addr, u8) = (Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3);

/// The IANA IPv6 Special-Purpose Address Registry's blocks inside 2000::/3 that are not
/// globally reachable (or embed an IPv4 address).
#[rustfmt::skip]
pub const V6_NOT_GLOBAL: [(Ipv6Addr, u8); 4] = [
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23),     // IETF protocol assignments, Teredo
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
    (Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16),     // 6to4
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20),     // documentation
];

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
    // TODO: whether `ip` lies in a block of the tables above (IPv6: outside the global
    // unicast block, or in one of `V6_NOT_GLOBAL`).
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

pub fn deliver(
    guard: &Guard,
    url: &str,
    resolve: &dyn Fn(&str) -> Vec<IpAddr>,
    client: &dyn Fn(&Outbound) -> Reply,
) -> Result<u16, SsrfError> {
    // TODO: `check_url`, then one call to `client` that does not follow redirects; a 3xx
    // status is `Redirected`, any other status is returned.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::{Cell, RefCell};
    use SsrfError::*;

    #[rustfmt::skip]
    const PROD: Guard = Guard { allow_http: false, allowed_ports: &[443] };
    #[rustfmt::skip]
    const DEV: Guard = Guard { allow_http: true, allowed_ports: &[80, 443, 8080] };

    /// A fake DNS: names it does not know resolve to nothing. Like a real resolver, it
    /// ignores one trailing dot (`localhost.` is `localhost`).
    fn dns(host: &str) -> Vec<IpAddr> {
        #[rustfmt::skip]
        let ips: &[&str] = match host.strip_suffix('.').unwrap_or(host) {
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
            ("http://0X7F000001/", "127.0.0.1"), ("http://017700000001/", "127.0.0.1"),
            ("http://127.1:8080/", "127.0.0.1"), ("http://127.0.1/", "127.0.0.1"),
            ("http://127.0.0.1./", "127.0.0.1"), ("http://0x7f.0.0.1./", "127.0.0.1"),
            ("http://[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
            ("http://[0:0:0:0:0:FFFF:7F00:1]", "::ffff:127.0.0.1"),
            ("http://[::ffff:a9fe:a9fe]:80/", "::ffff:169.254.169.254"),
            ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
            ("http://0251.0376.0251.0376/", "169.254.169.254"),
            ("https://[::1]/", "::1"), ("https://[::127.0.0.1]/", "::127.0.0.1"),
            ("https://[::]/", "::"), ("https://[64:ff9b::a00:1]/", "64:ff9b::a00:1"),
            ("https://[64:ff9b:1::a9fe:a9fe]/", "64:ff9b:1::a9fe:a9fe"),
            ("https://[2002:7f00:1::]/", "2002:7f00:1::"),
            ("https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "2001:0:4136:e378:8000:63bf:80ff:fffe"),
            ("https://[FD00::1]/", "fd00::1"), ("https://[fe80::1]/", "fe80::1"),
            ("https://[ff02::1]/", "ff02::1"), ("https://10.1.2.3/", "10.1.2.3"),
            ("https://172.31.255.255/", "172.31.255.255"), ("https://192.168.0.1/", "192.168.0.1"),
            ("https://100.64.0.1/", "100.64.0.1"), ("https://198.18.0.1/", "198.18.0.1"),
            ("https://224.0.0.251/", "224.0.0.251"), ("https://0.0.0.0/", "0.0.0.0"),
            ("https://0/", "0.0.0.0"), ("https://255.255.255.255/", "255.255.255.255"),
            ("http://localhost/", "127.0.0.1"), ("http://LOCALHOST./", "127.0.0.1"),
            ("https://rebind.example/", "10.0.0.7"),
            ("https://metadata.internal.example/", "169.254.169.254"),
        ];
        for (url, addr) in cases {
            let got = check_url(&DEV, url, &dns);
            assert_eq!(got, Err(Forbidden(addr.parse().unwrap())), "{url}");
        }
    }

    /// First and last address of every block, and the public addresses just outside.
    #[rustfmt::skip]
    const NOT_GLOBAL: &str = "0.0.0.0 0.255.255.255 10.0.0.0 10.255.255.255 100.64.0.0 \
        100.127.255.255 127.0.0.0 127.255.255.255 169.254.0.0 169.254.255.255 172.16.0.0 \
        172.31.255.255 192.0.0.0 192.0.0.255 192.0.2.0 192.0.2.255 192.88.99.0 192.88.99.255 \
        192.168.0.0 192.168.255.255 198.18.0.0 198.19.255.255 198.51.100.0 198.51.100.255 \
        203.0.113.0 203.0.113.255 224.0.0.0 239.255.255.255 240.0.0.0 255.255.255.255 \
        :: ::1 ::ffff:0:0 ::ffff:ffff:ffff ::ffff:93.184.215.14 ::93.184.215.14 1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 4000:: \
        64:ff9b:: 64:ff9b::ffff:ffff 64:ff9b::93.184.215.14 64:ff9b:1:: 64:ff9b:1:ffff:ffff:ffff:ffff:ffff 100:: \
        100::ffff:ffff:ffff:ffff 5f00:: fc00:: fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff fe80:: \
        febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff fec0::1 ff00:: ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff \
        2001:: 2001:1::1 2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff 2001:db8:: \
        2001:db8:ffff:ffff:ffff:ffff:ffff:ffff 2002:: 2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff \
        3fff:: 3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff";
    #[rustfmt::skip]
    const GLOBAL: &str = "1.0.0.0 9.255.255.255 11.0.0.0 100.63.255.255 100.128.0.0 \
        126.255.255.255 128.0.0.0 169.253.255.255 169.255.0.0 172.15.255.255 172.32.0.0 \
        191.255.255.255 192.0.1.0 192.0.1.255 192.0.3.0 192.88.98.255 192.88.100.0 \
        192.167.255.255 192.169.0.0 198.17.255.255 198.20.0.0 198.51.99.255 198.51.101.0 \
        203.0.112.255 203.0.114.0 223.255.255.255 2000:: 2001:200:: \
        2001:db7:ffff:ffff:ffff:ffff:ffff:ffff 2001:db9:: 2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff \
        2003:: 3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff 3fff:1000:: \
        3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 2606:4700::1111";

    #[test]
    fn every_non_global_block_is_refused_up_to_its_edges() {
        for ip in NOT_GLOBAL.split_whitespace() {
            assert!(
                is_forbidden(ip.parse().unwrap()),
                "{ip} is not globally reachable"
            );
        }
        for ip in GLOBAL.split_whitespace() {
            assert!(
                !is_forbidden(ip.parse().unwrap()),
                "{ip} is a public address"
            );
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
            ("https://[fe80::1%25eth0]/", Malformed), ("https://[fe80::1%eth0]/", Malformed),
            ("https://[127.0.0.1]/", Malformed), ("https://①②⑦.0.0.1/", Malformed),
            ("https://h_x.example/", Malformed), ("https://hooks.example.com:99999/", Malformed),
            ("https://hooks.example.com:/", Malformed), ("https://hooks.example.com:+443/", Malformed),
            ("https://hooks.example.com:-443/", Malformed),
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
            (&PROD, "https://hooks.example.com.:443/", "93.184.215.14:443"),
            (&PROD, "https://93.184.215.14?q", "93.184.215.14:443"),
            (&PROD, "https://[2606:4700::1111]/", "[2606:4700::1111]:443"),
            (&DEV, "http://hooks.example.com:8080/x", "93.184.215.14:8080"),
            (&DEV, "http://1.0.0.0/", "1.0.0.0:80"),
        ];
        for (guard, url, addr) in cases {
            let got = check_url(guard, url, &dns);
            assert_eq!(got, Ok(addr.parse().unwrap()), "{url}");
        }
        assert_eq!(
            parse_ipv4("93.184.55326"),
            Ok(Some(Ipv4Addr::new(93, 184, 216, 30)))
        );
        assert_eq!(parse_ipv4("0x"), Ok(Some(Ipv4Addr::new(0, 0, 0, 0))));
        assert_eq!(parse_ipv4("hooks.example.com"), Ok(None));
    }

    #[test]
    fn the_name_is_resolved_once_and_the_answer_pinned() {
        // A rebinding DNS server: a public address first, then an internal one.
        let calls = Cell::new(0);
        let rebinding = |_: &str| {
            calls.set(calls.get() + 1);
            let answer = ["93.184.215.14", "127.0.0.1"][usize::from(calls.get() > 1)];
            vec![answer.parse().unwrap()]
        };
        let addr = check_url(&PROD, "https://rebind-once.example/", &rebinding);
        assert_eq!(addr, Ok("93.184.215.14:443".parse().unwrap()));
        assert_eq!(calls.get(), 1, "resolve exactly once");
        check_url(&PROD, "https://0x5d.0xb8.0xd7.0x0e/", &rebinding).unwrap();
        assert_eq!(calls.get(), 1, "an IP literal is never sent to DNS");
    }

    const METADATA: &str = "http://169.254.169.254/latest/meta-data/";

    /// A webhook receiver that answers `status` with a `Location` to the metadata
    /// service; a client told to follow redirects goes there (and gets a 200).
    fn receiver(log: &RefCell<Vec<String>>, status: u16) -> impl Fn(&Outbound) -> Reply + '_ {
        move |out| {
            log.borrow_mut().push(format!("{} {}", out.addr, out.url));
            if out.follow_redirects {
                log.borrow_mut()
                    .push(format!("169.254.169.254:80 {METADATA}"));
            }
            let status = if out.follow_redirects { 200 } else { status };
            Reply {
                status,
                location: Some(METADATA.into()),
            }
        }
    }

    #[test]
    fn one_request_to_the_pinned_address_and_redirects_are_never_followed() {
        let url = "https://hooks.example.com/github";
        for status in [
            200, 204, 299, 300, 301, 302, 303, 307, 308, 399, 400, 404, 500,
        ] {
            let log = RefCell::new(Vec::new());
            let got = deliver(&PROD, url, &dns, &receiver(&log, status));
            let redirect = (300..400).contains(&status);
            let expected = match redirect {
                true => Err(Redirected(status, Some(METADATA.into()))),
                false => Ok(status),
            };
            assert_eq!(got, expected, "{status}");
            let sent = ["93.184.215.14:443 https://hooks.example.com/github"];
            assert_eq!(
                *log.borrow(),
                sent,
                "{status}: one request, to the pinned address"
            );
        }
        let log = RefCell::new(Vec::new());
        let got = deliver(&DEV, "http://localhost/", &dns, &receiver(&log, 200));
        assert_eq!(got, Err(Forbidden("127.0.0.1".parse().unwrap())));
        assert!(log.borrow().is_empty(), "a refused URL is never sent");
    }
}
