//! # Auth headers: Basic, Bearer and API keys
//!
//! Roadmap step: **Authentication** (<https://roadmap.sh/backend>): Basic, token and
//! API-key authentication, and the 401 that tells a client how to authenticate.
//!
//! 1. `parse_authorization` (`<scheme> <credentials>`, scheme in any case): `Basic` is
//!    base64 of UTF-8 `user:password`, split at the FIRST colon (a password may contain
//!    one); `Bearer` is a token68. Other schemes: `UnsupportedScheme`; broken: `Malformed`.
//! 2. `verify_api_key`: keys are `sk_live_<id>_<secret>`; look the key up by id,
//!    compare SHA-256(secret) with the stored hash in constant time (read all 32 bytes
//!    of it through `HashBytes`, decide at the end), refuse revoked keys.
//! 3. `authenticate`: Basic goes to `check_password`, Bearer tokens are API keys. No
//!    header or another scheme: 401 `BOTH_CHALLENGES`; bad Basic: 401 `BASIC_CHALLENGE`;
//!    bad token: 401 `BEARER_INVALID`; malformed or non-ASCII credentials, or two
//!    `Authorization` headers: 400.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc7617#section-2>
//! - <https://www.rfc-editor.org/rfc/rfc6750#section-2.1>
//! - <https://www.rfc-editor.org/rfc/rfc6750#section-3>
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-11>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use http::{Request, Response};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use subtle::ConstantTimeEq;

pub const BASIC_CHALLENGE: &str = "Basic realm=\"api\", charset=\"UTF-8\"";
pub const BEARER_CHALLENGE: &str = "Bearer realm=\"api\"";
pub const BEARER_INVALID: &str = "Bearer error=\"invalid_token\"";
/// Sent when a request has no usable credentials.
pub const BOTH_CHALLENGES: [&str; 2] = [BASIC_CHALLENGE, BEARER_CHALLENGE];

#[derive(Debug, PartialEq, Eq)]
pub enum Credentials {
    Basic(String, String),
    Bearer(String),
}

#[derive(Debug, PartialEq, Eq)]
pub enum AuthError {
    UnsupportedScheme,
    Malformed,
}

/// token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
pub fn is_token68(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    let ok = |b: u8| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b);
    !body.is_empty() && body.bytes().all(ok)
}

pub fn parse_authorization(value: &str) -> Result<Credentials, AuthError> {
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    // One or more spaces may follow the scheme (RFC 9110 §11.4).
    let rest = rest.trim_start_matches(' ');
    if scheme.eq_ignore_ascii_case("Basic") {
        let bytes = STANDARD.decode(rest).map_err(|_| AuthError::Malformed)?;
        let text = String::from_utf8(bytes).map_err(|_| AuthError::Malformed)?;
        let (user, password) = text.split_once(':').ok_or(AuthError::Malformed)?;
        Ok(Credentials::Basic(user.to_string(), password.to_string()))
    } else if scheme.eq_ignore_ascii_case("Bearer") {
        is_token68(rest)
            .then(|| Credentials::Bearer(rest.to_string()))
            .ok_or(AuthError::Malformed)
    } else {
        Err(AuthError::UnsupportedScheme)
    }
}

/// Read access to a stored SHA-256 hash, one byte at a time. `[u8; 32]` implements it;
/// the tests implement it on a wrapper that records the reads, to check that the
/// comparison never stops early.
pub trait HashBytes {
    /// Byte `i`, for `i` in `0..32`.
    fn byte(&self, i: usize) -> u8;
}

impl HashBytes for [u8; 32] {
    fn byte(&self, i: usize) -> u8 {
        self[i]
    }
}

/// A stored API key. Its secret is long and random, so a fast hash is enough (a
/// password needs Argon2id): a leaked table still does not reveal usable keys.
pub struct ApiKey<H: HashBytes = [u8; 32]> {
    pub owner: String,
    pub secret_sha256: H,
    pub revoked: bool,
}

/// The owner of a valid, unrevoked key `sk_live_<id>_<secret>`; `keys` is keyed by id.
pub fn verify_api_key<'k, H: HashBytes>(
    keys: &'k BTreeMap<String, ApiKey<H>>,
    api_key: &str,
) -> Option<&'k str> {
    let rest = api_key.strip_prefix("sk_live_")?;
    // The id has no '_'; the secret may contain one.
    let (id, secret) = rest.split_once('_')?;
    let key = keys.get(id)?;
    let digest = Sha256::digest(secret.as_bytes());
    // Read all of the stored hash, then `ct_eq`, which looks at every byte: `==` may
    // return at the first difference, and its timing tells how many bytes were right.
    let stored: [u8; 32] = std::array::from_fn(|i| key.secret_sha256.byte(i));
    let same: bool = digest.as_slice().ct_eq(&stored).into();
    (same && !key.revoked).then_some(key.owner.as_str())
}

/// An empty response with this status and one `WWW-Authenticate` field per challenge.
pub fn respond(status: u16, challenges: &[&str]) -> Response<()> {
    let mut res = Response::builder().status(status);
    for challenge in challenges {
        res = res.header(WWW_AUTHENTICATE, *challenge);
    }
    res.body(()).unwrap()
}

/// The authenticated principal (a user ID or a key's owner), or the error response.
pub fn authenticate(
    req: &Request<()>,
    keys: &BTreeMap<String, ApiKey>,
    check_password: &dyn Fn(&str, &str) -> bool,
) -> Result<String, Response<()>> {
    let mut values = req.headers().get_all(AUTHORIZATION).iter();
    let value = match (values.next(), values.next()) {
        (None, _) => "", // no credentials: answered like an unknown scheme
        (Some(value), None) => value.to_str().map_err(|_| respond(400, &[]))?,
        // Two headers are ambiguous: which one would a proxy or a framework use?
        (Some(_), Some(_)) => return Err(respond(400, &[])),
    };
    match parse_authorization(value) {
        Ok(Credentials::Basic(user, pw)) if check_password(&user, &pw) => Ok(user),
        Ok(Credentials::Basic(..)) => Err(respond(401, &[BASIC_CHALLENGE])),
        Ok(Credentials::Bearer(token)) => match verify_api_key(keys, &token) {
            Some(owner) => Ok(owner.to_string()),
            None => Err(respond(401, &[BEARER_INVALID])),
        },
        Err(AuthError::UnsupportedScheme) => Err(respond(401, &BOTH_CHALLENGES)),
        Err(AuthError::Malformed) => Err(respond(400, &[])),
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use AuthError::*;

    #[test]
    fn parse_basic_rfc7617_and_bearer_token68() {
        #[rustfmt::skip]
        let cases = [
            ("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame"),
            ("BASIC   QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame"),
            ("Basic dGVzdDoxMjPCow==", "test", "123\u{a3}"), // RFC 7617 §2.1 (UTF-8)
            ("Basic dXNlcjpwYTpzczo=", "user", "pa:ss:"),    // split at the FIRST colon
            ("Basic OmVtcHR5LXVzZXI=", "", "empty-user"),
        ];
        for (header, user, password) in cases {
            let expected = Credentials::Basic(user.into(), password.into());
            assert_eq!(parse_authorization(header), Ok(expected), "{header:?}");
        }
        for token in ["mF_9.B5f-4.1JqM", "abc+/~==", "sk_live_k1_Zm9v_YmFy-x"] {
            let expected = Ok(Credentials::Bearer(token.to_string()));
            assert_eq!(parse_authorization(&format!("Bearer {token}")), expected);
            assert_eq!(parse_authorization(&format!("bEaReR {token}")), expected);
        }
        #[rustfmt::skip]
        let malformed = [
            "Basic", "Basic ", "Basic !!!",
            "Basic dXNlcnBhc3M=",               // "userpass": no colon
            "Basic dGVzdDoxMjOj",               // "test:123" + 0xA3: Latin-1, not UTF-8
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ", // padding is required
            "Bearer", "Bearer a b", "Bearer a,b", "Bearer =abc", "Bearer a=b",
        ];
        for header in malformed {
            assert_eq!(parse_authorization(header), Err(Malformed), "{header:?}");
        }
        for header in ["Digest a=\"b\"", "Negotiate x", "BasicQWxh", "", "Token x"] {
            let result = parse_authorization(header);
            assert_eq!(result, Err(UnsupportedScheme), "{header:?}");
        }
    }

    /// `owner`'s unrevoked key under the id `id`.
    fn key<H: HashBytes>(id: &str, owner: &str, secret_sha256: H) -> (String, ApiKey<H>) {
        let (owner, revoked) = (owner.to_string(), false);
        #[rustfmt::skip]
        let key = ApiKey { owner, secret_sha256, revoked };
        (id.to_string(), key)
    }

    fn store() -> BTreeMap<String, ApiKey> {
        let alice = key("k1", "alice", Sha256::digest("Zm9v_YmFy-x").into());
        BTreeMap::from([alice, key("k2", "bob", Sha256::digest("s3cr3t").into())])
    }

    /// A stored hash that records which of its bytes were read (bit `i` for byte `i`).
    struct Watched([u8; 32], Cell<u32>);

    impl HashBytes for Watched {
        fn byte(&self, i: usize) -> u8 {
            self.1.set(self.1.get() | 1 << i);
            self.0[i]
        }
    }

    #[test]
    fn api_key_hashes_are_compared_in_constant_time() {
        let hash: [u8; 32] = Sha256::digest("s3cr3t").into();
        let i = (0..31).find(|&i| hash[i] != hash[i + 1]).unwrap();
        let (mut first, mut last, mut swapped) = (hash, hash, hash);
        (first[0], last[31]) = (hash[0] ^ 1, hash[31] ^ 0x80);
        swapped.swap(i, i + 1); // `ab` vs `ba`: summing or XOR-ing the differences misses it
        #[rustfmt::skip]
        let cases = [(hash, Some("bob")), (first, None), (last, None), (swapped, None)];
        for (stored, owner) in cases {
            let keys = BTreeMap::from([key("k2", "bob", Watched(stored, Cell::new(0)))]);
            let name = format!("{stored:02x?}");
            assert_eq!(verify_api_key(&keys, "sk_live_k2_s3cr3t"), owner, "{name}");
            let all_read = keys["k2"].secret_sha256.1.get() == u32::MAX;
            assert!(all_read, "{name}: read every byte, no early exit");
        }
    }

    #[test]
    fn api_keys_are_looked_up_by_id_and_compared_hashed() {
        let mut keys = store();
        #[rustfmt::skip]
        let cases = [
            ("sk_live_k1_Zm9v_YmFy-x", Some("alice")),
            ("sk_live_k2_s3cr3t", Some("bob")),
            ("sk_live_k1_Zm9v_YmFy-y", None), ("sk_live_k1_", None), ("sk_live_k3_s3cr3t", None),
            ("sk_live_k2_Zm9v_YmFy-x", None), // alice's secret under bob's id
            ("sk_test_k2_s3cr3t", None), ("sk_live_k2", None), ("k2_s3cr3t", None),
        ];
        for (key, owner) in cases {
            assert_eq!(verify_api_key(&keys, key), owner, "{key:?}");
        }
        keys.get_mut("k2").unwrap().revoked = true;
        let owners =
            ["sk_live_k1_Zm9v_YmFy-x", "sk_live_k2_s3cr3t"].map(|k| verify_api_key(&keys, k));
        assert_eq!(owners, [Some("alice"), None], "k2 is revoked");
    }

    /// (200, [principal]) or (status, the `WWW-Authenticate` values).
    fn outcome(values: &[&str], keys: &BTreeMap<String, ApiKey>) -> (u16, Vec<String>) {
        let mut req = Request::builder();
        for value in values {
            req = req.header(AUTHORIZATION, *value);
        }
        let check = |user: &str, password: &str| user == "Aladdin" && password == "open sesame";
        match authenticate(&req.body(()).unwrap(), keys, &check) {
            Ok(principal) => (200, vec![principal]),
            Err(res) => {
                let values = res.headers().get_all(WWW_AUTHENTICATE).iter();
                let values = values.map(|v| v.to_str().unwrap().to_string());
                (res.status().as_u16(), values.collect())
            }
        }
    }

    #[test]
    fn http_mapping_401_and_400() {
        let keys = store();
        let token = "Bearer sk_live_k2_s3cr3t";
        #[rustfmt::skip]
        let cases: [(&[&str], u16, &[&str]); 9] = [
            (&["bASIC QWxhZGRpbjpvcGVuIHNlc2FtZQ=="], 200, &["Aladdin"]),
            (&[token], 200, &["bob"]),
            (&[], 401, &BOTH_CHALLENGES),
            (&["Digest x"], 401, &BOTH_CHALLENGES),
            (&["Basic QWxhZGRpbjpvcGVuIHNlc2FtRQ=="], 401, &[BASIC_CHALLENGE]), // wrong password
            (&["Bearer sk_live_k2_wrong"], 401, &[BEARER_INVALID]),
            (&["Bearer a b"], 400, &[]),
            (&["Bearer café"], 400, &[]),
            (&[token, token], 400, &[]), // two Authorization headers
        ];
        for (values, status, expected) in cases {
            let expected = (status, expected.iter().map(|s| s.to_string()).collect());
            assert_eq!(outcome(values, &keys), expected, "{values:?}");
        }
    }
}
