//! # CSRF: Fetch Metadata, then Origin and Referer
//!
//! Roadmap step: **Web security** (<https://roadmap.sh/backend>): stopping cross-site
//! request forgery without tokens, from headers the browser sets and pages cannot forge.
//!
//! Modern browsers tell the server where a request comes from in `Sec-Fetch-Site`
//! (`same-origin`, `same-site`, `cross-site` or `none` for a typed URL or a bookmark).
//! Older ones send `Origin` (or at least `Referer`). Write the policy:
//!
//! 1. `serialize_origin`: the origin of an `Origin` or `Referer` value, as browsers
//!    serialize it: `scheme://host[:port]`, scheme and host in lowercase, only `http` or
//!    `https`, the port dropped when it is the scheme's default (80, 443), path, query and
//!    fragment dropped. `None` for anything else, including `null`, an empty host, a bad
//!    port, and userinfo (`user@host`), which no browser sends.
//! 2. `decide`: safe methods (exactly `GET`, `HEAD`, `OPTIONS`, `TRACE`) are allowed.
//!    For the others:
//!    - with `Sec-Fetch-Site`: allow `same-origin` and `none`, allow `same-site` only if
//!      the policy says so, reject `cross-site` and any unknown value;
//!    - without it: the `Origin` decides if present (its serialized origin must be in the
//!      allow-list); otherwise the `Referer`'s origin does; with neither, reject.
//!
//! Standards:
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html#using-standard-headers-to-verify-origin>
//! - <https://www.w3.org/TR/fetch-metadata/#sec-fetch-site-header>
//! - <https://www.rfc-editor.org/rfc/rfc6454#section-6.1> (serializing an origin)
//! - <https://web.dev/articles/fetch-metadata> (resource isolation policy)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

pub struct Policy<'a> {
    /// Serialized origins of our own pages, e.g. `https://app.example.com`.
    pub allowed_origins: &'a [&'a str],
    /// Whether sibling subdomains (`Sec-Fetch-Site: same-site`) may send unsafe requests.
    /// Off by default in spirit: one compromised subdomain should not reach the API.
    pub allow_same_site: bool,
}

/// The headers the policy looks at (`None` when absent).
pub struct Req<'a> {
    pub method: &'a str,
    pub sec_fetch_site: Option<&'a str>,
    pub origin: Option<&'a str>,
    pub referer: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Answer 403 Forbidden.
    Reject,
}

/// Safe methods (RFC 9110 §9.2.1) change nothing, so CSRF does not apply to them.
/// Method names are case-sensitive: `post` is not safe.
pub fn is_safe_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "OPTIONS" | "TRACE")
}

pub fn serialize_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return None;
    }
    // An IPv6 literal keeps its brackets and may contain ':'.
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (addr, after) = v6.split_once(']')?;
            let port = match after {
                "" => None,
                _ => Some(after.strip_prefix(':')?),
            };
            (&authority[..addr.len() + 2], port)
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return None;
    }
    let host = host.to_ascii_lowercase();
    match port {
        None => Some(format!("{scheme}://{host}")),
        Some(port) => {
            if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            match port.parse::<u16>().ok()? {
                p if p == default_port => Some(format!("{scheme}://{host}")),
                p => Some(format!("{scheme}://{host}:{p}")),
            }
        }
    }
}

pub fn decide(policy: &Policy, req: &Req) -> Decision {
    if is_safe_method(req.method) {
        return Decision::Allow;
    }
    let allowed = match req.sec_fetch_site {
        // Fetch Metadata is the primary signal: a page cannot set or change it.
        Some(site) => match site {
            "same-origin" | "none" => true,
            "same-site" => policy.allow_same_site,
            // `cross-site`, and anything we do not understand: fail closed.
            _ => false,
        },
        // Fallback for browsers without Fetch Metadata. An Origin that is present
        // decides alone: a bad Origin must not be rescued by a good-looking Referer.
        None => match req.origin.or(req.referer).and_then(serialize_origin) {
            Some(origin) => policy.allowed_origins.contains(&origin.as_str()),
            None => false,
        },
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Reject
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGINS: &[&str] = &["https://app.example.com", "http://localhost:8080"];

    #[test]
    fn serialize_origin_like_a_browser() {
        let app = Some("https://app.example.com");
        #[rustfmt::skip]
        let cases = [
            ("https://app.example.com", app),
            ("HTTPS://App.Example.COM:443/a?b#c", app),
            ("https://app.example.com?x=https://evil.com", app),
            ("http://localhost:8080/x", Some("http://localhost:8080")),
            ("http://localhost:80", Some("http://localhost")),
            ("https://app.example.com:80/", Some("https://app.example.com:80")),
            ("http://[::1]:3000/", Some("http://[::1]:3000")), ("http://[::1]", Some("http://[::1]")),
            ("https://[2001:DB8::1]:443/x", Some("https://[2001:db8::1]")),
            ("null", None), ("", None), ("app.example.com", None),
            ("ftp://app.example.com", None), ("https://", None), ("https:///path", None),
            ("https://app.example.com@evil.com/", None),
            ("https://app.example.com:99999", None), ("https://app.example.com:8x", None),
            ("https://app.example.com:+443", None), ("http://[::1]x/", None),
        ];
        for (url, expected) in cases {
            assert_eq!(serialize_origin(url).as_deref(), expected, "{url:?}");
        }
    }

    #[test]
    fn decision_table() {
        use Decision::*;
        let (good, evil) = (
            Some("https://app.example.com"),
            Some("https://evil.example"),
        );
        // (method, Sec-Fetch-Site, Origin, Referer, allow_same_site, expected)
        #[rustfmt::skip]
        let rows = [
            ("POST", Some("same-origin"), None, None, false, Allow),
            ("POST", Some("none"), None, None, false, Allow),
            ("POST", Some("same-site"), good, None, false, Reject),
            ("POST", Some("same-site"), None, None, true, Allow),
            ("POST", Some("cross-site"), evil, None, true, Reject),
            ("DELETE", Some("cross-site"), good, good, true, Reject),
            ("POST", Some("Same-Origin"), None, None, false, Reject),
            ("POST", Some(""), good, None, false, Reject),
            ("GET", Some("cross-site"), evil, None, false, Allow),
            ("HEAD", Some("cross-site"), evil, None, false, Allow),
            ("post", Some("cross-site"), evil, None, false, Reject),
            ("get", Some("cross-site"), evil, None, false, Reject),
            ("TRACE", Some("cross-site"), evil, None, false, Allow),
            ("POST", None, good, None, false, Allow),
            ("POST", None, Some("HTTPS://APP.EXAMPLE.COM:443"), None, false, Allow),
            ("POST", None, Some("https://app.example.com.evil.example"), None, false, Reject),
            ("POST", None, Some("http://app.example.com"), None, false, Reject),
            ("POST", None, Some("null"), good, false, Reject),
            ("POST", None, evil, good, false, Reject),
            ("POST", None, None, Some("https://app.example.com:443/account?x=1"), false, Allow),
            ("POST", None, None, Some("https://app.example.com@evil.example/"), false, Reject),
            ("POST", None, None, Some("https://evil.example/?https://app.example.com"), false, Reject),
            ("PUT", None, Some("http://localhost:8080"), None, false, Allow),
            ("PUT", None, Some("http://localhost"), None, false, Reject),
            ("PATCH", None, None, None, true, Reject),
            ("GET", None, None, None, false, Allow),
            ("OPTIONS", None, evil, None, false, Allow),
        ];
        for (method, site, origin, referer, allow_same_site, expected) in rows {
            let policy = Policy {
                allowed_origins: ORIGINS,
                allow_same_site,
            };
            #[rustfmt::skip]
            let req = Req { method, sec_fetch_site: site, origin, referer };
            assert_eq!(
                decide(&policy, &req),
                expected,
                "{method} site={site:?} origin={origin:?} referer={referer:?} \
                 allow_same_site={allow_same_site}"
            );
        }
    }
}
