//! # The WebSocket opening handshake, server side
//!
//! Roadmap step: **Real-time data: WebSockets** (<https://roadmap.sh/backend>): a
//! WebSocket starts as an HTTP/1.1 `GET` that asks to switch protocols. The server checks
//! the request, proves it read it (`Sec-WebSocket-Accept`) and answers `101 Switching
//! Protocols`; from then on the TCP connection carries frames, not HTTP.
//!
//! 1. `accept_key`: base64 (standard alphabet, padded) of the SHA-1 of the client's
//!    `Sec-WebSocket-Key` text followed by the RFC's GUID.
//! 2. `has_token`: whether any of a header's lines, read as comma-separated tokens
//!    (spaces and tabs around them trimmed), holds `token`, ignoring ASCII case.
//! 3. `check`, in this order: `GET` and `HTTP/1.1`, a `Host`, `Upgrade` holding
//!    `websocket` and `Connection` holding `upgrade` (both as token lists), or `BadRequest`;
//!    `Sec-WebSocket-Version` exactly `13`, or `UpgradeRequired` (a missing one too: an old
//!    client); a `Sec-WebSocket-Key` that is base64 of exactly 16 bytes, or `BadRequest`;
//!    an `Origin`, if present, in `allowed_origins` (compared exactly), or `Forbidden`.
//!    Browsers always send `Origin`, and cookies go with the request whatever page opened
//!    it: this check is the defence against Cross-Site WebSocket Hijacking.
//! 4. `respond`: `101` with `Upgrade: websocket`, `Connection: Upgrade` and the accept
//!    key; `400`, `403`; or `426` with `Sec-WebSocket-Version: 13`, `Upgrade: websocket`
//!    and `Connection: Upgrade` (RFC 9110: a 426 names the protocol to upgrade to).
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc6455#section-4.2.1> (the client's handshake)
//! - <https://www.rfc-editor.org/rfc/rfc6455#section-4.2.2> (the server's answer) and
//!   <https://www.rfc-editor.org/rfc/rfc6455#section-1.3> (the worked example)
//! - <https://www.rfc-editor.org/rfc/rfc6455#section-10.2> (Origin considerations)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-15.5.22> (426 Upgrade Required)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::header::{HeaderName, CONNECTION, HOST, ORIGIN, UPGRADE};
use http::header::{SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_VERSION};
use http::{HeaderMap, Method, Request, Response, StatusCode, Version};
use sha1::{Digest, Sha1};

/// RFC 6455 §1.3: the GUID every server appends to the key.
pub const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handshake {
    /// The request is a valid upgrade: the `Sec-WebSocket-Accept` to answer with.
    Accept(String),
    BadRequest,
    UpgradeRequired,
    Forbidden,
}

pub fn accept_key(key: &str) -> String {
    // TODO: base64 of the SHA-1 of the key text followed by `GUID`.
    todo!()
}

pub fn has_token(headers: &HeaderMap, name: HeaderName, token: &str) -> bool {
    // TODO: whether one of the comma-separated items of the `name` lines is `token`,
    // ignoring ASCII case and the spaces and tabs around it.
    todo!()
}

pub fn check(req: &Request<()>, allowed_origins: &[&str]) -> Handshake {
    // TODO: the checks of the doc comment, in its order.
    todo!()
}

pub fn respond(handshake: &Handshake) -> Response<()> {
    // TODO: the status and headers for each outcome.
    todo!()
}

/// The server's answer to an upgrade request.
pub fn handshake(req: &Request<()>, allowed_origins: &[&str]) -> Response<()> {
    respond(&check(req, allowed_origins))
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "https://chat.example.com";
    const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
    const GOOD: [(&str, &str); 6] = [
        ("Host", "server.example.com"),
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", KEY),
        ("Origin", APP),
        ("Sec-WebSocket-Version", "13"),
    ];

    /// The RFC's example request, with `change` applied: `(name, None)` removes a header,
    /// `(name, Some(value))` replaces it.
    fn request(change: &[(&str, Option<&str>)]) -> Request<()> {
        let mut req = Request::builder().method("GET").uri("/chat");
        for (name, value) in GOOD {
            let changed = change.iter().find(|(n, _)| n.eq_ignore_ascii_case(name));
            match changed {
                Some((_, Some(new))) => req = req.header(name, *new),
                Some((_, None)) => {}
                None => req = req.header(name, value),
            }
        }
        req.body(()).unwrap()
    }

    /// The response as `status | header: value | ...`, headers sorted.
    fn answer(req: &Request<()>) -> String {
        let res = handshake(req, &[APP, "https://admin.example.com"]);
        let mut lines: Vec<String> = (res.headers().iter())
            .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap()))
            .collect();
        lines.sort();
        lines.insert(0, res.status().as_str().to_string());
        lines.join(" | ")
    }

    const ACCEPTED: &str = "101 | connection: Upgrade | \
        sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo= | upgrade: websocket";

    #[test]
    fn the_rfc_example_key_gives_the_rfc_accept_value() {
        assert_eq!(accept_key(KEY), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert_eq!(
            accept_key("AQIDBAUGBwgJCgsMDQ4PEA=="),
            "C/0nmHhBztSRGR1CwL6Tf4ZjwpY="
        );
    }

    #[test]
    fn the_rfc_example_request_is_switched_to_websocket() {
        assert_eq!(answer(&request(&[])), ACCEPTED);
    }

    #[test]
    fn header_lists_are_tokens_in_any_case_over_several_lines() {
        #[rustfmt::skip]
        let accepted = [
            [("Connection", Some("keep-alive, Upgrade")), ("Upgrade", Some("websocket"))],
            [("Connection", Some("upgrade")), ("Upgrade", Some("WebSocket"))],
            [("Connection", Some("keep-alive,\tUPGRADE ")), ("Upgrade", Some("h2c, websocket"))],
        ];
        for change in accepted {
            assert_eq!(answer(&request(&change)), ACCEPTED, "{change:?}");
        }
        let mut req = request(&[("Connection", Some("keep-alive"))]);
        req.headers_mut()
            .append(CONNECTION, "Upgrade".parse().unwrap());
        assert_eq!(
            answer(&req),
            ACCEPTED,
            "Connection: keep-alive + Connection: Upgrade"
        );
    }

    #[test]
    fn a_malformed_upgrade_request_is_a_400() {
        #[rustfmt::skip]
        let rejected = [
            ("Connection", Some("keep-alive")), ("Connection", Some("upgrade-insecure")),
            ("Connection", Some("keep-alive upgrade")), ("Connection", None),
            ("Upgrade", Some("websocket2")), ("Upgrade", Some("h2c")), ("Upgrade", None),
            ("Host", None), ("Sec-WebSocket-Key", None),
            ("Sec-WebSocket-Key", Some("dGhlIHNhbXBsZSBub25jZQ")), // no padding
            ("Sec-WebSocket-Key", Some("dGhlIHNhbXBsZSBub25jZSE=")), // 17 bytes
            ("Sec-WebSocket-Key", Some("dGhlIHNhbXBsZSBub25j")), // 15 bytes
            ("Sec-WebSocket-Key", Some("dGhlIHNhbXBsZSBub25jZQ=!")),
            ("Sec-WebSocket-Key", Some("the sample nonce")), // 16 bytes, not base64
        ];
        for change in rejected {
            assert_eq!(answer(&request(&[change])), "400", "{change:?}");
        }
    }

    #[test]
    fn only_an_http_1_1_get_can_be_upgraded() {
        for method in [Method::POST, Method::HEAD, Method::CONNECT] {
            let mut req = request(&[]);
            *req.method_mut() = method.clone();
            assert_eq!(answer(&req), "400", "{method}");
        }
        for version in [Version::HTTP_10, Version::HTTP_2] {
            let mut req = request(&[]);
            *req.version_mut() = version;
            assert_eq!(answer(&req), "400", "{version:?}");
        }
    }

    #[test]
    fn an_unsupported_version_is_a_426_naming_version_13() {
        let upgrade = "426 | connection: Upgrade | sec-websocket-version: 13 | \
            upgrade: websocket";
        for version in [
            Some("8"),
            Some("12"),
            Some("14"),
            Some("13, 8"),
            Some(""),
            None,
        ] {
            let got = answer(&request(&[("Sec-WebSocket-Version", version)]));
            assert_eq!(got, upgrade, "Sec-WebSocket-Version: {version:?}");
        }
        // An old (hixie-76) client: no version and no key. Tell it to upgrade.
        let old = request(&[("Sec-WebSocket-Version", None), ("Sec-WebSocket-Key", None)]);
        assert_eq!(answer(&old), upgrade);
    }

    #[test]
    fn a_page_from_another_origin_is_refused() {
        #[rustfmt::skip]
        let refused = ["https://evil.example", "null", "http://chat.example.com",
                       "https://chat.example.com.evil.example", "https://chat.example.com:8443",
                       "https://CHAT.example.com", ""];
        for origin in refused {
            let got = answer(&request(&[("Origin", Some(origin))]));
            assert_eq!(got, "403", "Origin: {origin:?}");
        }
        let admin = request(&[("Origin", Some("https://admin.example.com"))]);
        assert_eq!(answer(&admin), ACCEPTED, "the second allowed origin");
        let no_browser = request(&[("Origin", None)]);
        assert_eq!(
            answer(&no_browser),
            ACCEPTED,
            "a non-browser client sends no Origin"
        );
    }

    #[test]
    fn the_accept_value_follows_the_clients_key() {
        let key = "AQIDBAUGBwgJCgsMDQ4PEA==";
        let req = request(&[("Sec-WebSocket-Key", Some(key))]);
        assert_eq!(check(&req, &[APP]), Handshake::Accept(accept_key(key)));
        assert_eq!(check(&req, &[]), Handshake::Forbidden);
    }
}
