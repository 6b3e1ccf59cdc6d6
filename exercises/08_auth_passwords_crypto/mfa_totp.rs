//! # MFA: one-time passwords (HOTP and TOTP)
//!
//! Roadmap step: **Authentication** (<https://roadmap.sh/backend>): the six digits of an
//! authenticator app, the most common second factor.
//!
//! HOTP (RFC 4226) turns a shared secret and a counter into a short code: HMAC-SHA1 of the
//! counter (8 bytes, big-endian), then *dynamic truncation*: the low 4 bits of the last
//! byte give an offset, the 4 bytes there (top bit cleared) give a 31-bit number, and its
//! last 6 or 8 decimal digits are the code. TOTP (RFC 6238) uses the time step
//! `unix_seconds / 30` as the counter. Your job:
//!
//! 1. `hotp`: the code as a string of exactly `digits` digits (keep leading zeros).
//! 2. `totp`: `hotp` at the time step of `unix_seconds`.
//! 3. `TotpVerifier::verify`, in this order:
//!    - `Locked` while a lockout lasts, whatever the code.
//!    - `Malformed` unless the code is exactly `digits` ASCII digits.
//!    - Compare the code with those of the current step and one step either side (clock
//!      drift), all three, with `self.ct_eq` (never `==`). A matching step at or before
//!      the last accepted one is `Replayed` (a code works once, and never after a newer
//!      one); no match is `Rejected`.
//!    - Six digits are guessable, so failures are limited: each `Rejected` or `Replayed`
//!      code is a failed attempt, and the `MAX_FAILED_ATTEMPTS`th in a row locks the
//!      verifier out for `LOCKOUT_MS` (the right code is refused too), then counting
//!      starts again from zero. A success also resets the count.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc4226#section-5.3> (HOTP, dynamic truncation) and
//!   <https://www.rfc-editor.org/rfc/rfc4226#section-7.3> (throttling: lock out after a few
//!   failures)
//! - <https://www.rfc-editor.org/rfc/rfc6238#section-4> (TOTP) and
//!   <https://www.rfc-editor.org/rfc/rfc6238#section-5.2> (validation, resynchronisation)
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Multifactor_Authentication_Cheat_Sheet.html>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::Clock;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use std::cell::Cell;

pub const STEP_SECONDS: u64 = 30;
pub const MAX_FAILED_ATTEMPTS: u32 = 5;
pub const LOCKOUT_MS: u64 = 15 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotpError {
    Malformed,
    Rejected,
    Replayed,
    Locked,
}

pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> String {
    // TODO: HMAC-SHA1 (`Hmac::<Sha1>::new_from_slice`) over `counter.to_be_bytes()`,
    // dynamic truncation, modulo 10^digits, zero-padded to `digits` characters.
    todo!()
}

pub fn totp(secret: &[u8], unix_seconds: u64, digits: u32) -> String {
    // TODO: the counter is the number of whole time steps since the epoch.
    todo!()
}

pub struct TotpVerifier<C: Clock> {
    secret: Vec<u8>,
    digits: u32,
    clock: C,
    /// The time step of the last accepted code.
    last_step: Option<u64>,
    /// Failed attempts in a row, and the end of the current lockout (0: none).
    failed_attempts: u32,
    locked_until_ms: u64,
    compares: Cell<usize>,
}

impl<C: Clock> TotpVerifier<C> {
    pub fn new(secret: &[u8], digits: u32, clock: C) -> Self {
        let secret = secret.to_vec();
        TotpVerifier {
            secret,
            digits,
            clock,
            last_step: None,
            failed_attempts: 0,
            locked_until_ms: 0,
            compares: Cell::new(0),
        }
    }

    /// Compares with no early exit (see `crypto_sha256_hmac`), and counts its calls: the
    /// tests use `compares()` to check that codes are compared with it, not with `==`.
    pub fn ct_eq(&self, a: &[u8], b: &[u8]) -> bool {
        self.compares.set(self.compares.get() + 1);
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
    }

    pub fn compares(&self) -> usize {
        self.compares.get()
    }

    pub fn verify(&mut self, code: &str) -> Result<(), TotpError> {
        // TODO: in the order of the doc comment: the lockout, the format, the three steps
        // around the current one (milliseconds from `self.clock`) compared with
        // `self.ct_eq`, replays; then count failures and start a lockout at the limit.
        todo!()
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::ManualClock;
    use std::time::Duration;
    use TotpError::*;

    /// The ASCII secret "12345678901234567890" of both RFCs' test vectors.
    const SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc4226_appendix_d_hotp_values() {
        #[rustfmt::skip]
        let want = ["755224", "287082", "359152", "969429", "338314",
                    "254676", "287922", "162583", "399871", "520489"];
        for (counter, want) in want.iter().enumerate() {
            assert_eq!(hotp(SECRET, counter as u64, 6), *want, "counter {counter}");
        }
    }

    #[test]
    fn rfc6238_appendix_b_sha1_values() {
        #[rustfmt::skip]
        let cases = [
            (59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"),
            (1234567890, "89005924"), (2000000000, "69279037"), (20000000000, "65353130"),
        ];
        for (t, want) in cases {
            assert_eq!(totp(SECRET, t, 8), want, "T = {t}");
        }
        // The same instants with 6 digits are the last 6 of the 8.
        assert_eq!(totp(SECRET, 59, 6), "287082", "T = 59, 6 digits");
        assert_eq!(totp(SECRET, 1111111109, 6), "081804", "leading zero kept");
    }

    fn verifier(clock: &ManualClock) -> TotpVerifier<&ManualClock> {
        TotpVerifier::new(SECRET, 6, clock)
    }

    #[test]
    fn one_step_of_drift_either_way_is_accepted() {
        let t = 1_111_111_109; // in the step that starts at 1111111080 s
        #[rustfmt::skip]
        let cases = [(-1i64, Ok(())), (0, Ok(())), (1, Ok(())), (-2, Err(Rejected)), (2, Err(Rejected))];
        for (offset, want) in cases {
            let clock = ManualClock::new(t * 1000);
            let code = totp(SECRET, t.checked_add_signed(offset * 30).unwrap(), 6);
            assert_eq!(
                verifier(&clock).verify(&code),
                want,
                "code {offset} steps away"
            );
        }
        // Step boundaries: the code of step 1 (30..59 s) is still fine at 89.999 s.
        let clock = ManualClock::new(89_999);
        let code = totp(SECRET, 59, 6);
        assert_eq!(verifier(&clock).verify(&code), Ok(()), "89.999 s");
        clock.advance(Duration::from_millis(1));
        assert_eq!(verifier(&clock).verify(&code), Err(Rejected), "90 s");
        // Near the epoch there is no step -1 (no underflow).
        let at_zero = verifier(&ManualClock::new(0)).verify(&totp(SECRET, 0, 6));
        assert_eq!(at_zero, Ok(()), "T = 0");
    }

    #[test]
    fn a_code_is_accepted_once_and_never_after_a_newer_one() {
        let clock = ManualClock::new(1_234_567_890_000);
        let mut v = verifier(&clock);
        let now = totp(SECRET, 1_234_567_890, 6);
        let previous = totp(SECRET, 1_234_567_890 - 30, 6);
        assert_eq!(v.verify(&now), Ok(()), "first use of {now}");
        assert_eq!(v.verify(&now), Err(Replayed), "same code again");
        assert_eq!(
            v.verify(&previous),
            Err(Replayed),
            "older step after a newer one"
        );
        clock.advance(Duration::from_secs(30));
        let next = totp(SECRET, 1_234_567_890 + 30, 6);
        assert_eq!(v.verify(&now), Err(Replayed), "still in the window, used");
        assert_eq!(v.verify(&next), Ok(()), "the next step's code");
        assert_eq!(v.verify("000000"), Err(Rejected), "wrong code");
    }

    #[test]
    fn malformed_codes() {
        let clock = ManualClock::new(59_000);
        let code = totp(SECRET, 59, 6); // "287082"
        let mut v = verifier(&clock);
        #[rustfmt::skip]
        let bad = ["", "28708", "2870820", " 287082", "287082 ", "+87082", "28708x", "２８７０８２"];
        for bad in bad {
            assert_eq!(v.verify(bad), Err(Malformed), "{bad:?}");
        }
        let eight = TotpVerifier::new(SECRET, 8, &clock).verify(&code);
        assert_eq!(eight, Err(Malformed), "6 digits where 8 are expected");
        assert_eq!(v.verify(&code), Ok(()), "{code}");
    }

    #[test]
    fn codes_are_compared_with_ct_eq_step_by_step() {
        let clock = ManualClock::new(59_000);
        let mut v = verifier(&clock);
        // "287082" with its first two digits swapped: not a code of steps 0, 1 or 2.
        assert_eq!(v.verify("827082"), Err(Rejected), "swapped digits");
        assert_eq!(
            v.compares(),
            3,
            "compared with the codes of 3 steps, using ct_eq"
        );
        assert_eq!(v.verify("287082"), Ok(()), "the code of step 1");
        assert_eq!(v.compares(), 6, "all 3 steps again, even after a match");
    }

    #[test]
    fn five_failures_in_a_row_lock_the_verifier_out_for_15_minutes() {
        let clock = ManualClock::new(1_111_111_109_000);
        let mut v = verifier(&clock);
        let code = totp(SECRET, 1_111_111_109, 6);
        for n in 1..=MAX_FAILED_ATTEMPTS {
            assert_eq!(v.verify("000000"), Err(Rejected), "failure {n}");
        }
        assert_eq!(v.verify(&code), Err(Locked), "the right code, locked out");
        assert_eq!(v.verify("12"), Err(Locked), "locked comes first");
        clock.advance(Duration::from_millis(15 * 60 * 1000 - 1));
        let now = totp(SECRET, 1_111_111_109 + 15 * 60, 6);
        assert_eq!(v.verify(&now), Err(Locked), "1 ms before the lockout ends");
        clock.advance(Duration::from_millis(1));
        // The lockout is over, and counting starts again from zero, up to a new lockout.
        for n in 1..=MAX_FAILED_ATTEMPTS {
            assert_eq!(v.verify("000000"), Err(Rejected), "new failure {n}");
        }
        assert_eq!(v.verify(&now), Err(Locked), "5 new failures, locked again");
    }

    #[test]
    fn replays_count_as_failures_and_a_success_resets_the_count() {
        let clock = ManualClock::new(59_000);
        let mut v = verifier(&clock);
        for n in 1..MAX_FAILED_ATTEMPTS {
            assert_eq!(v.verify("000000"), Err(Rejected), "failure {n}");
        }
        assert_eq!(
            v.verify("287082"),
            Ok(()),
            "4 failures, then the right code"
        );
        for n in 1..MAX_FAILED_ATTEMPTS {
            assert_eq!(v.verify("287082"), Err(Replayed), "replay {n}");
        }
        // Malformed input is not a guess at the code: it does not count.
        assert_eq!(v.verify("28708"), Err(Malformed));
        assert_eq!(v.verify("000000"), Err(Rejected), "failure 5 in a row");
        let next = totp(SECRET, 89, 6);
        assert_eq!(v.verify(&next), Err(Locked), "the next step's code");
    }
}
