//! # intro_clock_trait: inject the clock instead of reading it
//!
//! Roadmap step: *programming fundamentals: traits* (Rust's interfaces), used for
//! dependency injection, the pattern behind testable backends.
//!
//! Code that reads the wall clock directly cannot be tested: "does the token
//! expire after 15 minutes?" would need a 15-minute test. So every piece of code
//! in this course that depends on time takes a `Clock` and asks it for the time.
//! Production code passes the real `SystemClock`; tests pass a `ManualClock` and
//! move it forward by hand, instantly and exactly to the millisecond.
//!
//! Your task:
//! - Define `trait Clock` with one method, `fn now_unix_ms(&self) -> u64`:
//!   milliseconds since the Unix epoch (1970-01-01T00:00:00Z).
//! - Implement it for `SystemClock` (the real time) and `ManualClock`.
//! - Write `ManualClock::advance`, which moves the clock forward by a `Duration`.
//! - Fix `Token::is_expired`: a token is expired from its expiry instant on
//!   (`now == expires_at_unix_ms` is already expired).
//!
//! From the next chapters on, the course's shared library `backend_support`
//! provides these same types (plus random sources and scripted streams).
//!
//! Standard: no RFC; this is the convention the whole course follows. Traits:
//! <https://doc.rust-lang.org/book/ch10-02-traits.html>; trait objects (`dyn Clock`):
//! <https://doc.rust-lang.org/book/ch18-02-trait-objects.html>; fakes as test doubles:
//! <https://martinfowler.com/articles/mocksArentStubs.html>
//!
//! The tests at the bottom are the specification: make them pass without editing them.

use std::cell::Cell;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

// TODO: define `pub trait Clock` with one method, `fn now_unix_ms(&self) -> u64`.

/// The real clock, for production code.
pub struct SystemClock;

// TODO: implement `Clock` for `SystemClock`, with `SystemTime::now()` and `UNIX_EPOCH`.

/// A clock that only moves when told to, for tests.
pub struct ManualClock {
    // A `Cell` lets `advance` take `&self`, so a test can move the clock while
    // the code under test holds a shared reference to it.
    now_ms: Cell<u64>,
}

impl ManualClock {
    /// A clock that reads `start_unix_ms` until it is advanced.
    pub fn new(start_unix_ms: u64) -> Self {
        ManualClock {
            now_ms: Cell::new(start_unix_ms),
        }
    }

    /// Moves the clock forward by `by` (whole milliseconds).
    pub fn advance(&self, by: Duration) {
        // TODO: add `by`, in milliseconds, to the current time (`Cell::get`, `Cell::set`).
        todo!("advance the clock by {by:?}")
    }
}

// TODO: implement `Clock` for `ManualClock`.

/// An access token that is valid until `expires_at_unix_ms` (exclusive).
pub struct Token {
    pub expires_at_unix_ms: u64,
}

impl Token {
    /// Whether the token can no longer be used at the clock's current time.
    pub fn is_expired(&self, clock: &dyn Clock) -> bool {
        // TODO: check this against the rule at the top of the file.
        clock.now_unix_ms() > self.expires_at_unix_ms
    }
}

fn main() {
    // You may experiment here; the tests below are what counts.
}

#[cfg(test)]
mod tests {
    use super::{Clock, ManualClock, SystemClock, Token};
    use std::time::Duration;

    #[test]
    fn manual_clock_starts_where_it_is_told() {
        assert_eq!(ManualClock::new(0).now_unix_ms(), 0);
        assert_eq!(
            ManualClock::new(1_700_000_000_000).now_unix_ms(),
            1_700_000_000_000
        );
    }

    #[test]
    fn manual_clock_advances_in_milliseconds() {
        let clock = ManualClock::new(1_000);
        clock.advance(Duration::from_millis(1));
        assert_eq!(clock.now_unix_ms(), 1_001);
        clock.advance(Duration::from_secs(2));
        assert_eq!(clock.now_unix_ms(), 3_001);
        clock.advance(Duration::from_secs(15 * 60));
        assert_eq!(clock.now_unix_ms(), 903_001);
        clock.advance(Duration::ZERO);
        assert_eq!(clock.now_unix_ms(), 903_001);
    }

    #[test]
    fn expiry_boundary() {
        let clock = ManualClock::new(9_998);
        let token = Token {
            expires_at_unix_ms: 10_000,
        };
        assert!(!token.is_expired(&clock), "2 ms before expiry");
        clock.advance(Duration::from_millis(1));
        assert!(!token.is_expired(&clock), "1 ms before expiry");
        clock.advance(Duration::from_millis(1));
        assert!(token.is_expired(&clock), "now == expires_at is expired");
        clock.advance(Duration::from_millis(1));
        assert!(token.is_expired(&clock), "1 ms after expiry");
    }

    #[test]
    fn fifteen_minute_token_without_waiting() {
        let clock = ManualClock::new(1_700_000_000_000);
        let ttl = Duration::from_secs(15 * 60);
        let token = Token {
            expires_at_unix_ms: clock.now_unix_ms() + ttl.as_millis() as u64,
        };
        clock.advance(ttl - Duration::from_millis(1));
        assert!(!token.is_expired(&clock));
        clock.advance(Duration::from_millis(1));
        assert!(token.is_expired(&clock));
    }

    #[test]
    fn code_can_hold_any_clock_as_a_trait_object() {
        let manual = ManualClock::new(42);
        let clocks: [&dyn Clock; 2] = [&manual, &SystemClock];
        assert_eq!(clocks[0].now_unix_ms(), 42);

        let boxed: Box<dyn Clock> = Box::new(ManualClock::new(7));
        let token = Token {
            expires_at_unix_ms: 7,
        };
        assert!(token.is_expired(boxed.as_ref()));
    }

    #[test]
    fn system_clock_counts_milliseconds() {
        // The one test that reads the real clock. It checks only the unit:
        // in milliseconds "now" is after 2020 (1.6e12) and before the year 2286
        // (1e13); seconds (1.7e9) or microseconds (1.7e15) fall outside.
        let now = SystemClock.now_unix_ms();
        assert!(
            (1_600_000_000_000..10_000_000_000_000).contains(&now),
            "{now} does not look like milliseconds since 1970"
        );
    }
}
