//! # Forgot password: single-use reset tokens, stored as hashes
//!
//! Roadmap step: **Authentication** (<https://roadmap.sh/backend>): the "forgot password"
//! flow, a favourite way into accounts.
//!
//! A reset token is a password for a few minutes, so it gets the same care: 32 bytes from
//! a CSPRNG, sent by email as base64url, and stored only as its SHA-256 (a leaked table
//! then holds nothing usable; a fast hash is fine because the token has 256 bits of
//! entropy, unlike a password). It expires, works once, survives only a few wrong guesses,
//! and asking again replaces it. The answer to "reset my password" never says whether the
//! address has an account. Your job:
//!
//! 1. `hash_token`: the SHA-256 of the token string (its ASCII bytes).
//! 2. `ct_eq`: compare two hashes position by position, reading all 32 bytes of both
//!    whatever they hold: no early exit, and no sum or XOR of all the bytes (that finds
//!    `ab` equal to `ba`).
//! 3. `request_reset`: for a known address, store the hash of a fresh token with
//!    `expires_at_ms = now + TOKEN_TTL_MS` and no failed attempts (replacing any older
//!    record), and "send" the token by pushing it to `outbox`. Return `RESPONSE` whether
//!    the address is known or not.
//! 4. `redeem`: valid only before `expires_at_ms`, with fewer than `MAX_FAILED_ATTEMPTS`
//!    failed attempts, and if `ct_eq` finds the hashes equal; a success deletes the record.
//!    A wrong token counts a failed attempt but does not burn the token. After
//!    `MAX_FAILED_ATTEMPTS` the token is locked, the right one refused too, until a new
//!    `request_reset` replaces it. Only the token locks, never the account. Every failure
//!    is the same `InvalidOrExpired`.
//!
//! Standards:
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html#url-tokens>
//!   (brute-force protection) and its
//!   [Account Lockout](https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html#account-lockout)
//! - <https://www.rfc-editor.org/rfc/rfc4648#section-5> (base64url)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::{Clock, RandomSource};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use sha2::{Digest, Sha256};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use subtle::{Choice, ConstantTimeEq};

pub const TOKEN_TTL_MS: u64 = 15 * 60 * 1000;
pub const MAX_FAILED_ATTEMPTS: u32 = 5;
pub const RESPONSE: &str = "If an account exists for that address, a reset link has been sent.";

/// A SHA-256 digest. `byte(i)` counts its reads, so the tests can check that a compare
/// reads every byte. Its `==` stops at the first difference: fine in tests, not on secrets.
#[derive(Debug, Clone)]
pub struct TokenHash([u8; 32], Cell<usize>);

impl TokenHash {
    pub fn new(bytes: [u8; 32]) -> Self {
        TokenHash(bytes, Cell::new(0))
    }
    pub fn byte(&self, i: usize) -> u8 {
        self.1.set(self.1.get() + 1);
        self.0[i]
    }
    pub fn reads(&self) -> usize {
        self.1.get()
    }
}

impl PartialEq for TokenHash {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

/// One row of the `password_resets` table.
#[derive(Debug, Clone)]
pub struct ResetRecord {
    pub token_sha256: TokenHash,
    pub expires_at_ms: u64,
    pub failed_attempts: u32,
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

pub fn hash_token(token: &str) -> TokenHash {
    // TODO: `Sha256::digest`; its output converts into `[u8; 32]` with `.into()`.
    todo!()
}

pub fn ct_eq(a: &TokenHash, b: &TokenHash) -> bool {
    // TODO: read `a.byte(i)` and `b.byte(i)` for all 32 positions, without returning or
    // breaking early, and decide only at the end.
    todo!()
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
        // TODO: only for a known address: 32 bytes from `self.random`, base64url without
        // padding (`URL_SAFE_NO_PAD`), store the hash, expiry and no failed attempts,
        // push (email, token) to `outbox`. The answer is `RESPONSE` either way.
        todo!()
    }

    pub fn redeem(&mut self, email: &str, token: &str) -> Result<(), ResetError> {
        // TODO: find the record, compare the hashes with `ct_eq`, count a wrong token as a
        // failed attempt, check expiry and the limit; delete the record only on success.
        todo!()
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
    const ALICE: &str = "alice@example.com";
    const BOB: &str = "bob@example.com";

    fn service(clock: &ManualClock) -> ResetService<&ManualClock, SeqRandom> {
        // Bytes 0xe0.. make base64url's `-` and `_` appear in the first token.
        ResetService::new(clock, SeqRandom::starting_at(0xe0), &[ALICE, BOB])
    }

    fn last_token(s: &ResetService<&ManualClock, SeqRandom>) -> String {
        s.outbox.last().expect("an email was sent").1.clone()
    }

    #[test]
    fn token_is_32_random_bytes_in_base64url_and_only_its_hash_is_stored() {
        let clock = ManualClock::new(START_MS);
        let mut s = service(&clock);
        assert_eq!(s.request_reset(ALICE), RESPONSE);
        let token = last_token(&s);
        let raw: Vec<u8> = (0xe0..=0xff).collect();
        let want = "4OHi4-Tl5ufo6err7O3u7_Dx8vP09fb3-Pn6-_z9_v8";
        assert_eq!(token, want, "base64url, no padding");
        assert_eq!(URL_SAFE_NO_PAD.decode(&token).unwrap(), raw);

        let record = &s.db[ALICE];
        let want = TokenHash::new(Sha256::digest(token.as_bytes()).into());
        assert_eq!(record.token_sha256, want, "SHA-256 of the token string");
        assert_eq!(record.expires_at_ms, START_MS + 15 * 60 * 1000);
        assert_eq!(record.failed_attempts, 0);
        let dump = format!("{:?}", s.db);
        assert!(!dump.contains(&token), "raw token stored: {dump}");
        let raw_dump = &format!("{raw:?}")[1..40];
        assert!(!dump.contains(raw_dump), "raw bytes stored: {dump}");
    }

    #[test]
    fn unknown_email_gets_the_identical_response_and_no_mail() {
        let clock = ManualClock::new(START_MS);
        let mut s = service(&clock);
        let unknown = s.request_reset("mallory@example.com");
        assert_eq!(unknown, RESPONSE);
        assert_eq!(unknown, s.request_reset(BOB));
        assert_eq!(s.outbox.len(), 1, "{:?}", s.outbox);
        assert_eq!(s.outbox[0].0, BOB);
        assert_eq!(s.db.keys().collect::<Vec<_>>(), [BOB]);
        let token = last_token(&s);
        let got = s.redeem("mallory@example.com", &token);
        assert_eq!(got, BAD, "unknown account");
    }

    #[test]
    fn a_token_works_once() {
        let clock = ManualClock::new(START_MS);
        let mut s = service(&clock);
        s.request_reset(ALICE);
        let token = last_token(&s);
        assert_eq!(s.redeem(BOB, &token), BAD, "someone else's token");
        assert_eq!(s.redeem(ALICE, &token[1..]), BAD, "cut token");
        assert_eq!(s.redeem(ALICE, ""), BAD, "empty token");
        // Wrong guesses must not burn the real token (or anyone could cancel resets).
        let first = s.redeem(ALICE, &token);
        assert_eq!(first, Ok(()), "the real token, after wrong guesses");
        assert_eq!(s.redeem(ALICE, &token), BAD, "second redeem");
        assert!(s.db.is_empty(), "{:?}", s.db);
    }

    #[test]
    fn tokens_expire_after_fifteen_minutes() {
        let clock = ManualClock::new(START_MS);
        let mut s = service(&clock);
        s.request_reset(ALICE);
        let early = last_token(&s);
        s.request_reset(BOB);
        let late = last_token(&s);
        clock.advance(Duration::from_millis(TOKEN_TTL_MS - 1));
        assert_eq!(s.redeem(ALICE, &early), Ok(()), "1 ms before expiry");
        clock.advance(Duration::from_millis(1));
        assert_eq!(s.redeem(BOB, &late), BAD, "exactly at expiry");
    }

    #[test]
    fn asking_again_invalidates_the_older_token() {
        let clock = ManualClock::new(START_MS);
        let mut s = service(&clock);
        s.request_reset(ALICE);
        let first = last_token(&s);
        clock.advance(Duration::from_secs(60));
        s.request_reset(ALICE);
        let second = last_token(&s);
        assert_ne!(first, second, "fresh randomness for every token");
        assert_eq!(s.redeem(ALICE, &first), BAD, "replaced token");
        let expiry = START_MS + 60_000 + TOKEN_TTL_MS;
        assert_eq!(s.db[ALICE].expires_at_ms, expiry);
        assert_eq!(s.redeem(ALICE, &second), Ok(()), "newest token");
    }

    #[test]
    fn ct_eq_reads_all_bytes_and_compares_position_by_position() {
        type Edit = fn(&mut [u8; 32]);
        #[rustfmt::skip]
        let cases: [(&str, Edit, bool); 6] = [
            ("equal", |_| {}, true),
            ("first byte differs", |b| b[0] = 0xff, false),
            ("last byte differs", |b| b[31] ^= 0x80, false),
            ("bytes 0 and 1 swapped", |b| b.swap(0, 1), false),
            ("same byte sum", |b| (b[2], b[3]) = (b[2] + 1, b[3] - 1), false),
            ("differences XOR to zero", |b| (b[4], b[5]) = (b[4] ^ 8, b[5] ^ 8), false),
        ];
        for (why, edit, want) in cases {
            let a: [u8; 32] = std::array::from_fn(|i| i as u8);
            let mut b = a;
            edit(&mut b);
            let (a, b) = (TokenHash::new(a), TokenHash::new(b));
            assert_eq!(ct_eq(&a, &b), want, "{why}");
            assert_eq!((a.reads(), b.reads()), (32, 32), "{why}: bytes read");
            assert_eq!(
                a == b,
                want,
                "{why}: `==` gives the same answer, only faster"
            );
        }
    }

    #[test]
    fn redeem_compares_the_hashes_with_ct_eq() {
        let clock = ManualClock::new(START_MS);
        let mut s = service(&clock);
        s.request_reset(ALICE);
        assert_eq!(s.redeem(ALICE, "a wrong guess"), BAD);
        let reads = s.db[ALICE].token_sha256.reads();
        assert_eq!(reads, 32, "a wrong guess reads all 32 stored bytes");
        // Stored: the hash of "guess" with two bytes swapped. It is not a match.
        let mut swapped: [u8; 32] = Sha256::digest(b"guess").into();
        swapped.swap(0, 1);
        s.request_reset(BOB);
        s.db.get_mut(BOB).unwrap().token_sha256 = TokenHash::new(swapped);
        assert_eq!(s.redeem(BOB, "guess"), BAD, "a hash with two bytes swapped");
    }

    #[test]
    fn wrong_guesses_lock_the_token_until_a_new_request() {
        let clock = ManualClock::new(START_MS);
        let mut s = service(&clock);
        s.request_reset(ALICE);
        let token = last_token(&s);
        for n in 1..=MAX_FAILED_ATTEMPTS {
            assert_eq!(s.redeem(ALICE, &format!("guess {n}")), BAD, "guess {n}");
            assert_eq!(s.db[ALICE].failed_attempts, n, "after {n} wrong guesses");
        }
        assert_eq!(s.redeem(ALICE, &token), BAD, "the right token, once locked");
        assert_eq!(s.db[ALICE].failed_attempts, MAX_FAILED_ATTEMPTS);
        clock.advance(Duration::from_millis(TOKEN_TTL_MS - 1));
        assert_eq!(s.redeem(ALICE, &token), BAD, "still locked, later");
        // Asking again issues a new token, with no failed attempts yet.
        s.request_reset(ALICE);
        assert_eq!(s.db[ALICE].failed_attempts, 0, "new token");
        assert_eq!(s.redeem(ALICE, &last_token(&s)), Ok(()), "new token");
    }

    #[test]
    fn fewer_wrong_guesses_leave_the_token_usable() {
        let clock = ManualClock::new(START_MS);
        let mut s = service(&clock);
        s.request_reset(ALICE);
        let alice = last_token(&s);
        s.request_reset(BOB);
        let bob = last_token(&s);
        for n in 1..MAX_FAILED_ATTEMPTS {
            assert_eq!(s.redeem(ALICE, &bob), BAD, "guess {n}");
        }
        assert_eq!(s.db[BOB].failed_attempts, 0, "bob's count is his own");
        assert_eq!(s.redeem(ALICE, &alice), Ok(()), "after 4 wrong guesses");
        assert_eq!(s.redeem(BOB, &bob), Ok(()), "bob's token");
    }
}
