//! # JWT: short access tokens, rotating refresh tokens, a denylist
//!
//! Roadmap step: **JWT** (<https://roadmap.sh/backend>): token lifetimes and revocation.
//!
//! A login gets a 15-minute access JWT and an opaque refresh token. A refresh token
//! works ONCE and returns a new pair (rotation). If a used one comes back, someone copied
//! it, and we cannot tell the thief from the client: revoke its whole family (all tokens
//! descended from that login). Other logins are not affected.
//!
//! 1. `issue`: access claims `{"iss", "sub", "jti", "iat", "exp"}` with `jti` =
//!    `random_b64(16)`; then a refresh token `random_b64(32)`, stored ONLY as its
//!    SHA-256, valid for `REFRESH_TTL_S`.
//! 2. `refresh`: unknown, expired or used tokens are `InvalidGrant`; a used one, even
//!    an expired one, also revokes its family.
//! 3. `revoke_access` (logout) denylists `(iss, jti)` (claims, not the token text) until
//!    the token's `exp`; `authenticate` checks signature, `exp` and the denylist;
//!    `purge_denylist` drops the entries whose token has expired.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2> (refresh token rotation)
//! - <https://www.rfc-editor.org/rfc/rfc6749#section-10.4>
//! - <https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::{Clock, RandomSource};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub const ISSUER: &str = "https://auth.example";
pub const ACCESS_TTL_S: u64 = 15 * 60;
pub const REFRESH_TTL_S: u64 = 14 * 24 * 60 * 60;

#[derive(Debug, PartialEq, Eq)]
pub enum AuthError {
    InvalidGrant,
    InvalidToken,
    Expired,
    Revoked,
}

pub struct Tokens {
    pub access: String,
    pub refresh: String,
}

/// `b64(header).b64(claims)` and its HMAC-SHA256 (as in `jwt_hs256_sign`).
fn signed(header_and_claims: &str, key: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(header_and_claims.as_bytes());
    mac
}

const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"; // {"alg":"HS256","typ":"JWT"}

pub fn sign_jwt(claims: &Value, key: &[u8]) -> String {
    let input = format!("{HEADER}.{}", URL_SAFE_NO_PAD.encode(claims.to_string()));
    let signature = signed(&input, key).finalize().into_bytes();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// The claims of a token that `sign_jwt` made with `key` (the checks of
/// `jwt_verify_hardened`, shortened: we only accept our own tokens).
pub fn verify_jwt(token: &str, key: &[u8]) -> Option<Value> {
    let (input, signature) = token.rsplit_once('.')?;
    let claims = input.strip_prefix(HEADER)?.strip_prefix('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    signed(input, key).verify_slice(&signature).ok()?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).ok()?).ok()
}

/// A string claim of one of our own tokens ("" if absent).
pub fn text(claims: &Value, name: &str) -> String {
    claims[name].as_str().unwrap_or_default().to_string()
}

struct RefreshRecord {
    user: String,
    family: u64,
    expires_s: u64,
    used: bool,
}

pub struct AuthServer<'a> {
    key: Vec<u8>,
    clock: &'a dyn Clock,
    random: &'a dyn RandomSource,
    /// SHA-256(refresh token) -> record: a stolen table holds no usable token.
    refresh_tokens: BTreeMap<[u8; 32], RefreshRecord>,
    families: u64,
    /// (iss, jti) -> exp of the access tokens revoked before they expire.
    denylist: BTreeMap<(String, String), u64>,
}

impl<'a> AuthServer<'a> {
    pub fn new(key: &[u8], clock: &'a dyn Clock, random: &'a dyn RandomSource) -> Self {
        let (key, refresh_tokens, families, denylist) =
            (key.to_vec(), BTreeMap::new(), 0, BTreeMap::new());
        AuthServer {
            key,
            clock,
            random,
            refresh_tokens,
            families,
            denylist,
        }
    }

    fn now_s(&self) -> u64 {
        self.clock.now_unix_ms() / 1000
    }

    /// `n` random bytes, base64url.
    fn random_b64(&self, n: usize) -> String {
        let mut bytes = vec![0u8; n];
        self.random.fill(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// A login starts a new family.
    pub fn login(&mut self, user: &str) -> Tokens {
        self.families += 1;
        self.issue(user, self.families)
    }

    fn issue(&mut self, user: &str, family: u64) -> Tokens {
        let now = self.now_s();
        let (jti, exp) = (self.random_b64(16), now + ACCESS_TTL_S);
        let claims = json!({ "iss": ISSUER, "sub": user, "jti": jti, "iat": now, "exp": exp });
        let refresh = self.random_b64(32);
        let (user, expires_s, used) = (user.to_string(), now + REFRESH_TTL_S, false);
        let record = RefreshRecord {
            user,
            family,
            expires_s,
            used,
        };
        let hash = Sha256::digest(&refresh).into();
        self.refresh_tokens.insert(hash, record);
        let access = sign_jwt(&claims, &self.key);
        Tokens { access, refresh }
    }

    pub fn refresh(&mut self, refresh_token: &str) -> Result<Tokens, AuthError> {
        let (now, hash): (_, [u8; 32]) = (self.now_s(), Sha256::digest(refresh_token).into());
        let record = self.refresh_tokens.get_mut(&hash);
        let record = record.ok_or(AuthError::InvalidGrant)?;
        if record.used {
            // A rotated token came back: the thief and the client share the family, and
            // we cannot tell them apart. Delete the family, newest token included.
            let family = record.family;
            self.refresh_tokens.retain(|_, r| r.family != family);
            return Err(AuthError::InvalidGrant);
        }
        if now >= record.expires_s {
            return Err(AuthError::InvalidGrant);
        }
        record.used = true;
        let (user, family) = (record.user.clone(), record.family);
        Ok(self.issue(&user, family))
    }

    pub fn revoke_access(&mut self, access_token: &str) -> Result<(), AuthError> {
        let claims = verify_jwt(access_token, &self.key).ok_or(AuthError::InvalidToken)?;
        // Keyed by claims: another encoding of the same token must still be refused.
        let id = (text(&claims, "iss"), text(&claims, "jti"));
        let exp = claims["exp"].as_u64().unwrap_or(0);
        self.denylist.insert(id, exp);
        Ok(())
    }

    /// The user of a valid access token.
    pub fn authenticate(&self, access_token: &str) -> Result<String, AuthError> {
        let claims = verify_jwt(access_token, &self.key).ok_or(AuthError::InvalidToken)?;
        if self.now_s() >= claims["exp"].as_u64().unwrap_or(0) {
            return Err(AuthError::Expired);
        }
        let id = (text(&claims, "iss"), text(&claims, "jti"));
        match self.denylist.contains_key(&id) {
            true => Err(AuthError::Revoked),
            false => Ok(text(&claims, "sub")),
        }
    }

    /// An expired token is refused anyway: its denylist entry is no longer needed.
    pub fn purge_denylist(&mut self) {
        let now = self.now_s();
        self.denylist.retain(|_, exp| *exp > now);
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::{ManualClock, SeqRandom};
    use std::time::Duration;
    use AuthError::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
    const T0: u64 = 1_700_000_000_000;

    fn b64(bytes: std::ops::Range<u8>) -> String {
        URL_SAFE_NO_PAD.encode(bytes.collect::<Vec<_>>())
    }

    #[test]
    fn login_issues_a_15_minute_jwt_and_a_hashed_refresh_token() {
        let (clock, random) = (ManualClock::new(T0), SeqRandom::new());
        let mut server = AuthServer::new(KEY, &clock, &random);
        let tokens = server.login("alice");
        let claims = verify_jwt(&tokens.access, KEY).unwrap();
        let (iat, exp) = (T0 / 1000, T0 / 1000 + 900);
        let expected =
            json!({ "iss": ISSUER, "sub": "alice", "jti": b64(0..16), "iat": iat, "exp": exp });
        assert_eq!(claims, expected);
        assert_eq!(tokens.refresh, b64(16..48)); // random bytes 16..48
        let hash: [u8; 32] = Sha256::digest(&tokens.refresh).into();
        let stored: Vec<_> = server.refresh_tokens.keys().collect();
        assert_eq!(stored, [&hash], "only SHA-256(refresh token) is stored");
        assert_eq!(server.authenticate(&tokens.access), Ok("alice".into()));
        clock.advance(Duration::from_secs(900));
        assert_eq!(server.authenticate(&tokens.access), Err(Expired));
    }

    #[test]
    fn refresh_tokens_rotate_and_reuse_revokes_the_family() {
        let (clock, random) = (ManualClock::new(T0), SeqRandom::new());
        let mut server = AuthServer::new(KEY, &clock, &random);
        let phone = server.login("alice");
        let laptop = server.login("alice"); // a parallel family
        let phone2 = server.refresh(&phone.refresh).expect("first use");
        assert_eq!(server.authenticate(&phone2.access), Ok("alice".into()));
        assert_ne!(phone2.refresh, phone.refresh, "rotated");
        // An attacker replays the stolen, already used token...
        assert_eq!(server.refresh(&phone.refresh).err(), Some(InvalidGrant));
        // ... so the family is revoked, the client's newest token too.
        let newest = server.refresh(&phone2.refresh).err();
        assert_eq!(newest, Some(InvalidGrant), "the family is revoked");
        let laptop2 = server
            .refresh(&laptop.refresh)
            .expect("other families are fine");
        assert!(server.refresh(&laptop2.refresh).is_ok());
        assert_eq!(server.refresh("not-a-token").err(), Some(InvalidGrant));
    }

    #[test]
    fn refresh_tokens_expire_after_14_days_and_a_late_replay_still_counts() {
        let (clock, random) = (ManualClock::new(T0), SeqRandom::new());
        let mut server = AuthServer::new(KEY, &clock, &random);
        let (bob, carol) = (server.login("bob"), server.login("carol"));
        clock.advance(Duration::from_secs(14 * 24 * 3600 - 1));
        let bob2 = server.refresh(&bob.refresh).expect("one second left");
        clock.advance(Duration::from_secs(1));
        let expired = server.refresh(&carol.refresh).err();
        assert_eq!(expired, Some(InvalidGrant), "14 days old");
        // bob's first token is used AND expired: its replay still reveals the theft.
        assert_eq!(server.refresh(&bob.refresh).err(), Some(InvalidGrant));
        let newest = server.refresh(&bob2.refresh).err();
        assert_eq!(newest, Some(InvalidGrant), "the family is revoked");
    }

    #[test]
    fn denylist_keyed_by_iss_and_jti_until_exp() {
        let (clock, random) = (ManualClock::new(T0), SeqRandom::new());
        let mut server = AuthServer::new(KEY, &clock, &random);
        let (alice, bob) = (server.login("alice"), server.login("bob"));
        assert_eq!(server.revoke_access(&alice.access), Ok(()));
        assert_eq!(server.authenticate(&alice.access), Err(Revoked));
        assert_eq!(server.authenticate(&bob.access), Ok("bob".into()));
        let keys: Vec<_> = server.denylist.keys().cloned().collect();
        assert_eq!(
            keys,
            [(ISSUER.to_string(), b64(0..16))],
            "(iss, jti) of alice's token"
        );
        let forged = format!("{}x", alice.access);
        assert_eq!(server.revoke_access(&forged), Err(InvalidToken));

        clock.advance(Duration::from_secs(ACCESS_TTL_S - 1));
        server.purge_denylist();
        assert_eq!(server.denylist.len(), 1, "needed until the token expires");
        assert_eq!(server.authenticate(&alice.access), Err(Revoked));
        clock.advance(Duration::from_secs(1));
        server.purge_denylist();
        assert!(server.denylist.is_empty(), "purged once the token expired");
        assert_eq!(server.authenticate(&alice.access), Err(Expired));
    }
}
