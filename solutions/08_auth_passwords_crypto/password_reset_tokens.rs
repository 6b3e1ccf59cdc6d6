//! # Forgot password: single-use reset tokens, stored as hashes
//!
//! Roadmap step: **Authentication** (<https://roadmap.sh/backend>): the "forgot password"
//! flow, a favourite way into accounts.
//!
//! A reset token is a password for a few minutes, so it gets the same care: 32 bytes from
//! a CSPRNG, sent by email as base64url, and stored only as its SHA-256 (a leaked table
//! or backup then holds nothing usable; a fast hash is fine because the token has 256 bits
//! of entropy, unlike a password). It expires, works once, and asking again replaces the
//! old one. The answer to "reset my password" never says whether the address has an
//! account. Your job:
//!
//! 1. `hash_token`: the SHA-256 of the token string (its ASCII bytes).
//! 2. `request_reset`: for a known address, a fresh token: store its hash with
//!    `expires_at_ms = now + TOKEN_TTL_MS` (replacing any older one) and "send" it by
//!    pushing it to `outbox`. Return `RESPONSE` whether the address is known or not.
//! 3. `redeem`: valid only while `now < expires_at_ms` and if the hashes are equal
//!    (compare with `subtle::ConstantTimeEq`). A success deletes the token. Every
//!    failure is the same `InvalidOrExpired`, and a wrong guess does not burn the token.
//!
//! Standards:
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html>
//! - <https://www.rfc-editor.org/rfc/rfc4648#section-5> (base64url)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::{Clock, RandomSource};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use subtle::ConstantTimeEq;

pub const TOKEN_TTL_MS: u64 = 15 * 60 * 1000;
pub const RESPONSE: &str = "If an account exists for that address, a reset link has been sent.";

/// One row of the `password_resets` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetRecord {
    pub token_sha256: [u8; 32],
    pub expires_at_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetError {
    InvalidOrExpired,
}

pub struct ResetService<C: Clock, R: RandomSource> {
    clock: C,
    random: R,
    users: BTreeSet<String>,
    /// email → the one live token's record.
    pub db: BTreeMap<String, ResetRecord>,
    /// Stands in for the mailer: (to, token) of every email sent.
    pub outbox: Vec<(String, String)>,
}

pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl<C: Clock, R: RandomSource> ResetService<C, R> {
    pub fn new(clock: C, random: R, users: &[&str]) -> Self {
        let users = users.iter().map(|u| u.to_string()).collect();
        let (db, outbox) = (BTreeMap::new(), Vec::new());
        ResetService {
            clock,
            random,
            users,
            db,
            outbox,
        }
    }

    pub fn request_reset(&mut self, email: &str) -> &'static str {
        if self.users.contains(email) {
            let mut raw = [0u8; 32];
            self.random.fill(&mut raw);
            let token = URL_SAFE_NO_PAD.encode(raw);
            let record = ResetRecord {
                token_sha256: hash_token(&token),
                expires_at_ms: self.clock.now_unix_ms() + TOKEN_TTL_MS,
            };
            // One live token per account: inserting replaces (invalidates) the older one.
            self.db.insert(email.to_string(), record);
            self.outbox.push((email.to_string(), token));
        }
        // The same answer either way: it must not reveal which addresses have accounts.
        RESPONSE
    }

    pub fn redeem(&mut self, email: &str, token: &str) -> Result<(), ResetError> {
        let record = self.db.get(email).ok_or(ResetError::InvalidOrExpired)?;
        let fresh = self.clock.now_unix_ms() < record.expires_at_ms;
        let matches: bool = hash_token(token).ct_eq(&record.token_sha256).into();
        if !(fresh && matches) {
            return Err(ResetError::InvalidOrExpired);
        }
        // Single use: a token that worked is gone.
        self.db.remove(email);
        Ok(())
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::{ManualClock, SeqRandom};
    use std::time::Duration;

    const BAD: Result<(), ResetError> = Err(ResetError::InvalidOrExpired);
    const START_MS: u64 = 1_700_000_000_000;

    fn service(clock: &ManualClock) -> ResetService<&ManualClock, SeqRandom> {
        // Bytes 0xe0.. make base64url's `-` and `_` appear in the first token.
        let random = SeqRandom::starting_at(0xe0);
        ResetService::new(clock, random, &["alice@example.com", "bob@example.com"])
    }

    fn last_token(s: &ResetService<&ManualClock, SeqRandom>) -> String {
        s.outbox.last().expect("an email was sent").1.clone()
    }

    #[test]
    fn token_is_32_random_bytes_in_base64url_and_only_its_hash_is_stored() {
        let clock = ManualClock::new(START_MS);
        let mut s = service(&clock);
        assert_eq!(s.request_reset("alice@example.com"), RESPONSE);
        let token = last_token(&s);
        let raw: Vec<u8> = (0xe0..=0xff).collect();
        assert_eq!(
            token, "4OHi4-Tl5ufo6err7O3u7_Dx8vP09fb3-Pn6-_z9_v8",
            "base64url, no padding"
        );
        assert_eq!(URL_SAFE_NO_PAD.decode(&token).unwrap(), raw);

        let record = &s.db["alice@example.com"];
        let want: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        assert_eq!(record.token_sha256, want, "SHA-256 of the token string");
        assert_eq!(record.expires_at_ms, START_MS + 15 * 60 * 1000);
        let dump = format!("{:?}", s.db);
        assert!(!dump.contains(&token), "raw token stored: {dump}");
        assert!(
            !dump.contains(&format!("{raw:?}")[1..40]),
            "raw bytes stored: {dump}"
        );
    }

    #[test]
    fn unknown_email_gets_the_identical_response_and_no_mail() {
        let clock = ManualClock::new(START_MS);
        let mut s = service(&clock);
        let unknown = s.request_reset("mallory@example.com");
        assert_eq!(unknown, RESPONSE);
        assert_eq!(unknown, s.request_reset("bob@example.com"));
        assert_eq!(s.outbox.len(), 1, "{:?}", s.outbox);
        assert_eq!(s.outbox[0].0, "bob@example.com");
        assert_eq!(s.db.keys().collect::<Vec<_>>(), ["bob@example.com"]);
        let token = last_token(&s);
        assert_eq!(
            s.redeem("mallory@example.com", &token),
            BAD,
            "unknown account"
        );
    }

    #[test]
    fn a_token_works_once() {
        let clock = ManualClock::new(START_MS);
        let mut s = service(&clock);
        s.request_reset("alice@example.com");
        let token = last_token(&s);
        assert_eq!(
            s.redeem("bob@example.com", &token),
            BAD,
            "someone else's token"
        );
        assert_eq!(s.redeem("alice@example.com", &token[1..]), BAD, "cut token");
        assert_eq!(s.redeem("alice@example.com", ""), BAD, "empty token");
        // Wrong guesses must not burn the real token (or anyone could cancel resets).
        let first = s.redeem("alice@example.com", &token);
        assert_eq!(first, Ok(()), "the real token, after wrong guesses");
        assert_eq!(s.redeem("alice@example.com", &token), BAD, "second redeem");
        assert!(s.db.is_empty(), "{:?}", s.db);
    }

    #[test]
    fn tokens_expire_after_fifteen_minutes() {
        let clock = ManualClock::new(START_MS);
        let mut s = service(&clock);
        s.request_reset("alice@example.com");
        let early = last_token(&s);
        s.request_reset("bob@example.com");
        let late = last_token(&s);
        clock.advance(Duration::from_millis(TOKEN_TTL_MS - 1));
        assert_eq!(
            s.redeem("alice@example.com", &early),
            Ok(()),
            "1 ms before expiry"
        );
        clock.advance(Duration::from_millis(1));
        assert_eq!(s.redeem("bob@example.com", &late), BAD, "exactly at expiry");
    }

    #[test]
    fn asking_again_invalidates_the_older_token() {
        let clock = ManualClock::new(START_MS);
        let mut s = service(&clock);
        s.request_reset("alice@example.com");
        let first = last_token(&s);
        clock.advance(Duration::from_secs(60));
        s.request_reset("alice@example.com");
        let second = last_token(&s);
        assert_ne!(first, second, "fresh randomness for every token");
        assert_eq!(s.redeem("alice@example.com", &first), BAD, "replaced token");
        assert_eq!(
            s.db["alice@example.com"].expires_at_ms,
            START_MS + 60_000 + TOKEN_TTL_MS
        );
        assert_eq!(
            s.redeem("alice@example.com", &second),
            Ok(()),
            "newest token"
        );
    }
}
