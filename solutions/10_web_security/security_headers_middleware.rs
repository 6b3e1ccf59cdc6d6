//! # Security headers as middleware
//!
//! Roadmap step: **Web security** (<https://roadmap.sh/backend>): the response headers
//! that tell browsers to lock a page down (CSP, HSTS, MIME sniffing, framing, referrers).
//!
//! `secure` wraps any handler and fixes up its response:
//!
//! 1. `csp_nonce`: 16 bytes from the `RandomSource`, in standard base64 (with padding).
//!    Each response gets a fresh nonce, which `secure` passes to the handler so that its
//!    `<script nonce="...">` tags match the policy.
//! 2. `content_security_policy`: for `text/html` (any case, any parameters):
//!    `script-src 'nonce-<nonce>' 'strict-dynamic'; object-src 'none'; base-uri 'none';
//!    frame-ancestors 'none'`. For anything else (JSON, images, no type), which must
//!    never render as a page: `default-src 'none'; frame-ancestors 'none'`.
//! 3. `secure`: call the handler with a fresh nonce, then
//!    - remove `Server` and `X-Powered-By` (they only help attackers pick exploits);
//!    - set `ALWAYS` and the CSP for the response's `Content-Type`, replacing any value
//!      the handler chose (one value per header);
//!    - set `Strict-Transport-Security: HSTS` only when served over https (browsers ignore
//!      it over http, and it must not be announced by a plain-http dev server);
//!    - set `Cache-Control: no-store` if the request carries credentials (`Authorization`
//!      or `Cookie`), unless the handler chose a `Cache-Control` itself.
//!
//! Standards:
//! - <https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Headers_Cheat_Sheet.html>
//! - <https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html#security-headers>
//! - <https://www.w3.org/TR/CSP3/#security-nonces> (nonces and `'strict-dynamic'`)
//! - <https://www.rfc-editor.org/rfc/rfc6797#section-6.1> (Strict-Transport-Security)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::RandomSource;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::header::*;
use http::{HeaderValue, Request, Response};

/// Headers every response gets.
pub const ALWAYS: [(HeaderName, &str); 4] = [
    (X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (REFERRER_POLICY, "strict-origin-when-cross-origin"),
    // For browsers that do not know CSP `frame-ancestors` (clickjacking).
    (X_FRAME_OPTIONS, "DENY"),
    // Turns off the old XSS auditor, which itself could be abused.
    (X_XSS_PROTECTION, "0"),
];
/// Two years, subdomains included, eligible for the browsers' preload list.
pub const HSTS: &str = "max-age=63072000; includeSubDomains; preload";

pub fn csp_nonce(rng: &dyn RandomSource) -> String {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes);
    STANDARD.encode(bytes)
}

pub fn content_security_policy(content_type: Option<&str>, nonce: &str) -> String {
    // The media type is the part before any `;`, compared without case.
    let media_type = content_type
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default();
    if media_type.trim().eq_ignore_ascii_case("text/html") {
        format!(
            "script-src 'nonce-{nonce}' 'strict-dynamic'; object-src 'none'; \
             base-uri 'none'; frame-ancestors 'none'"
        )
    } else {
        "default-src 'none'; frame-ancestors 'none'".to_string()
    }
}

pub fn secure(
    https: bool,
    rng: &dyn RandomSource,
    req: &Request<Vec<u8>>,
    handler: impl Fn(&Request<Vec<u8>>, &str) -> Response<Vec<u8>>,
) -> Response<Vec<u8>> {
    let nonce = csp_nonce(rng);
    let mut res = handler(req, &nonce);
    let headers = res.headers_mut();
    headers.remove(SERVER);
    headers.remove("x-powered-by");
    for (name, value) in ALWAYS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let csp = content_security_policy(content_type, &nonce);
    // Base64 and the fixed policy text are valid header characters.
    headers.insert(CONTENT_SECURITY_POLICY, csp.parse().unwrap());
    if https {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    let credentials =
        req.headers().contains_key(AUTHORIZATION) || req.headers().contains_key(COOKIE);
    if credentials && !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::SeqRandom;

    const NONCE0: &str = "AAECAwQFBgcICQoLDA0ODw==";
    const NONCE1: &str = "EBESExQVFhcYGRobHB0eHw==";
    const COMMON: &str = "referrer-policy: strict-origin-when-cross-origin | \
        x-content-type-options: nosniff | x-frame-options: DENY | x-xss-protection: 0";
    const NONE: &str = "content-security-policy: default-src 'none'; frame-ancestors 'none'";
    const HSTS_LINE: &str =
        "strict-transport-security: max-age=63072000; includeSubDomains; preload";
    type Header<'a> = Option<(&'a str, &'a str)>;

    /// Runs `secure` around a handler that answers with the given Content-Type and
    /// Cache-Control (if any), plus `Server`, `X-Powered-By` and weak values of two
    /// security headers, and a body that uses the nonce. Returns the headers as sorted
    /// "name: value" lines, and the body.
    fn run(
        rng: &SeqRandom,
        https: bool,
        credential: Header,
        content_type: Option<&str>,
        cache_control: Option<&str>,
    ) -> (String, String) {
        let mut req = Request::get("/account");
        if let Some((name, value)) = credential {
            req = req.header(name, value);
        }
        let handler = |_: &Request<Vec<u8>>, nonce: &str| {
            let mut res = Response::builder().header(SERVER, "nginx/1.25.3");
            res = res.header("X-Powered-By", "Express");
            res = res.header(X_FRAME_OPTIONS, "SAMEORIGIN");
            res = res.header(CONTENT_SECURITY_POLICY, "script-src *");
            for (name, value) in [(CONTENT_TYPE, content_type), (CACHE_CONTROL, cache_control)] {
                if let Some(value) = value {
                    res = res.header(name, value);
                }
            }
            let body = format!("<script nonce=\"{nonce}\" src=\"/app.js\"></script>");
            res.body(body.into_bytes()).unwrap()
        };
        let res = secure(https, rng, &req.body(Vec::new()).unwrap(), handler);
        let mut lines: Vec<String> = (res.headers().iter())
            .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap()))
            .collect();
        lines.sort();
        (
            lines.join(" | "),
            String::from_utf8(res.into_body()).unwrap(),
        )
    }

    #[test]
    fn csp_nonce_is_base64_of_16_random_bytes() {
        let rng = SeqRandom::new();
        assert_eq!(csp_nonce(&rng), NONCE0);
        assert_eq!(csp_nonce(&rng), NONCE1);
        let high = SeqRandom::starting_at(0xF8);
        assert_eq!(csp_nonce(&high), "+Pn6+/z9/v8AAQIDBAUGBw==");
    }

    #[test]
    fn json_api_over_https_with_credentials() {
        let bearer = Some(("authorization", "Bearer abc"));
        let json = Some("application/json");
        let (headers, _) = run(&SeqRandom::new(), true, bearer, json, None);
        let expected = format!(
            "cache-control: no-store | {NONE} | content-type: application/json | \
             referrer-policy: strict-origin-when-cross-origin | {HSTS_LINE} | \
             x-content-type-options: nosniff | x-frame-options: DENY | x-xss-protection: 0"
        );
        assert_eq!(headers, expected);
    }

    #[test]
    fn html_over_http_gets_a_fresh_nonce_per_response_and_no_hsts() {
        let rng = SeqRandom::new();
        let html = Some("Text/HTML; charset=utf-8");
        for nonce in [NONCE0, NONCE1] {
            let (headers, body) = run(&rng, false, None, html, None);
            let csp = format!(
                "content-security-policy: script-src 'nonce-{nonce}' 'strict-dynamic'; \
                 object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
            );
            let ct = "content-type: Text/HTML; charset=utf-8";
            assert_eq!(headers, format!("{csp} | {ct} | {COMMON}"), "{nonce}");
            let script = format!("<script nonce=\"{nonce}\" src=\"/app.js\"></script>");
            assert_eq!(body, script, "the handler must get the same nonce");
        }
    }

    #[test]
    fn everything_that_is_not_html_gets_default_src_none() {
        for content_type in [
            None,
            Some("text/plain"),
            Some("image/png"),
            Some("text/htmlx"),
        ] {
            let (headers, _) = run(&SeqRandom::new(), false, None, content_type, None);
            let ct = content_type.map(|ct| format!("content-type: {ct} | "));
            let expected = format!("{NONE} | {}{COMMON}", ct.unwrap_or_default());
            assert_eq!(headers, expected, "{content_type:?}");
        }
    }

    #[test]
    fn no_store_for_credentials_unless_the_handler_chose_cache_control() {
        let (cookie, no_store) = (
            Some(("cookie", "__Host-sid=abc")),
            "cache-control: no-store",
        );
        #[rustfmt::skip]
        let cases = [
            (cookie, None, vec![no_store]),
            (Some(("authorization", "Basic YTpi")), None, vec![no_store]),
            (None, None, vec![]),
            (cookie, Some("private, max-age=60"), vec!["cache-control: private, max-age=60"]),
            (None, Some("public, max-age=3600"), vec!["cache-control: public, max-age=3600"]),
        ];
        for (credential, set, expected) in cases {
            let (headers, _) = run(&SeqRandom::new(), true, credential, None, set);
            let lines = headers.split(" | ");
            let cache_control: Vec<_> = lines.filter(|l| l.starts_with("cache-control")).collect();
            assert_eq!(cache_control, expected, "{credential:?} {set:?}");
            assert!(headers.contains(HSTS_LINE), "{headers}");
        }
    }
}
