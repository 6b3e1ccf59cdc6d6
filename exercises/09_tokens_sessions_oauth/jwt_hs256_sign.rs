//! # JWT: signing with HS256
//!
//! Roadmap step: **JWT** (<https://roadmap.sh/backend>): what a JSON Web Token is made of.
//!
//! A JWS in compact form is `b64url(header) "." b64url(payload) "." b64url(signature)`,
//! base64url WITHOUT `=` padding. For HS256 the signature is HMAC-SHA256, keyed with the
//! secret, over the ASCII bytes of the first two segments joined by `"."`.
//!
//! 1. `sign_segments`: a token from the exact header and payload bytes (as in RFC 7515
//!    App. A.1, whose header contains a CRLF: the bytes are signed, not the meaning).
//! 2. `sign`: claims must be a JSON object, the key at least 256 bits (RFC 7518 §3.2,
//!    a random key, never a password); the header is `HEADER` as compact JSON.
//! 3. `decode_unverified`: split into exactly 3 segments and decode header and claims,
//!    to LOOK at a token (logs, debugging, picking a key by `kid`). It proves nothing:
//!    anyone can write a token. `jwt_verify_hardened` comes next.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc7515#section-3>
//! - <https://www.rfc-editor.org/rfc/rfc7515#appendix-A.1>
//! - <https://www.rfc-editor.org/rfc/rfc7518#section-3.2>
//! - <https://www.rfc-editor.org/rfc/rfc7519#section-3>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

#[derive(Debug, PartialEq, Eq)]
pub enum JwtError {
    /// HS256 keys must have at least 32 bytes.
    WeakKey,
    ClaimsNotAnObject,
    /// Not three segments, bad base64url, or a segment that is not a JSON object.
    Malformed,
}

pub fn header() -> Value {
    json!({ "alg": "HS256", "typ": "JWT" })
}

pub fn sign_segments(header: &[u8], payload: &[u8], key: &[u8]) -> String {
    // TODO: signing input = b64url(header) + "." + b64url(payload) (`URL_SAFE_NO_PAD`);
    // HMAC-SHA256 it with `Hmac::<Sha256>::new_from_slice(key)`, `update`, `finalize`;
    // append "." + b64url(signature).
    todo!()
}

pub fn sign(claims: &Value, key: &[u8]) -> Result<String, JwtError> {
    // TODO: refuse keys shorter than 32 bytes and claims that are not an object, then
    // sign the compact JSON text of `header()` and of the claims.
    todo!()
}

/// Decodes one segment: unpadded base64url holding a JSON object.
fn decode_segment(segment: &str) -> Result<Value, JwtError> {
    // TODO: strict unpadded base64url, then JSON, then it must be an object.
    todo!()
}

/// Header and claims, NOT verified.
pub fn decode_unverified(token: &str) -> Result<(Value, Value), JwtError> {
    // TODO: exactly three segments; decode header and claims with `decode_segment`;
    // the signature must at least be valid base64url.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The symmetric key of RFC 7515 App. A.1 (a JWK `k`, itself base64url).
    fn rfc_key() -> Vec<u8> {
        let k = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
        URL_SAFE_NO_PAD.decode(k).unwrap()
    }

    const KEY: &[u8] = b"a-string-secret-at-least-256-bits-long";
    const RFC_TOKEN: &str = concat!(
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9",
        ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ",
        ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    );

    #[test]
    fn rfc7515_appendix_a1() {
        let header = b"{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}";
        let payload =
            b"{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
        assert_eq!(sign_segments(header, payload, &rfc_key()), RFC_TOKEN);
    }

    #[test]
    fn sign_uses_the_fixed_header_and_compact_json() {
        let claims = json!({ "sub": "1234567890", "name": "John Doe", "iat": 1516239022 });
        let expected = concat!(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", // {"alg":"HS256","typ":"JWT"}
            ".eyJpYXQiOjE1MTYyMzkwMjIsIm5hbWUiOiJKb2huIERvZSIsInN1YiI6IjEyMzQ1Njc4OTAifQ",
            ".udfGbWUirr43jULkg9ZwmBMS0xYqUTH7DRfo8-4S84E",
        );
        assert_eq!(sign(&claims, KEY).unwrap(), expected);
    }

    #[test]
    fn base64url_without_padding() {
        // Standard base64 of {"sub":"~~~"} is eyJzdWIiOiJ+fn4ifQ== ('+' and padding).
        let token = sign(&json!({ "sub": "~~~" }), KEY).unwrap();
        assert_eq!(
            token.split('.').nth(1),
            Some("eyJzdWIiOiJ-fn4ifQ"),
            "{token}"
        );
        for key in [rfc_key().as_slice(), KEY, &[7u8; 32]] {
            for sub in ["", "a", "ab", "abc", "~~~", "??>", "\u{e9}t\u{e9}"] {
                let token = sign(&json!({ "sub": sub }), key).unwrap();
                let bad = |c: char| matches!(c, '=' | '+' | '/');
                assert!(!token.contains(bad), "{sub:?}: {token}");
                assert_eq!(token.matches('.').count(), 2, "{token}");
            }
        }
    }

    #[test]
    fn keys_and_claims_are_checked() {
        let claims = json!({ "sub": "alice" });
        assert_eq!(sign(&claims, &[1u8; 31]), Err(JwtError::WeakKey));
        assert_eq!(sign(&claims, b"password"), Err(JwtError::WeakKey));
        assert!(
            sign(&claims, &[1u8; 32]).is_ok(),
            "exactly 256 bits is enough"
        );
        for claims in [json!("alice"), json!([1, 2]), json!(null)] {
            assert_eq!(sign(&claims, KEY), Err(JwtError::ClaimsNotAnObject));
        }
    }

    #[test]
    fn decode_round_trips_for_inspection() {
        let claims = json!({ "sub": "\u{e9}t\u{e9}", "exp": 1300819380, "admin": false });
        let token = sign(&claims, KEY).unwrap();
        assert_eq!(decode_unverified(&token), Ok((header(), claims)));
        let header = json!({ "typ": "JWT", "alg": "HS256" });
        let claims = json!({ "iss": "joe", "exp": 1300819380, "http://example.com/is_root": true });
        assert_eq!(decode_unverified(RFC_TOKEN), Ok((header, claims)));
    }

    #[test]
    fn decode_rejects_malformed_tokens() {
        let token = sign(&json!({ "sub": "~~~" }), KEY).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let (h, p, s) = (parts[0], parts[1], parts[2]);
        let not_json = URL_SAFE_NO_PAD.encode("sub=alice");
        let not_object = URL_SAFE_NO_PAD.encode("[1]");
        #[rustfmt::skip]
        let cases = [
            format!("{h}.{p}"), format!("{h}.{p}.{s}.{s}"), format!("{h}.{p}.{s}."), String::new(),
            format!("{h}.eyJzdWIiOiJ-fn4ifQ==.{s}"), // padded
            format!("{h}.eyJzdWIiOiJ+fn4ifQ.{s}"),   // standard alphabet
            format!("{h}.{not_json}.{s}"), format!("{not_object}.{p}.{s}"), format!("{h}.{p}.{s}="),
        ];
        for token in cases {
            assert_eq!(
                decode_unverified(&token),
                Err(JwtError::Malformed),
                "{token:?}"
            );
        }
    }
}
