//! # Retries: capped exponential backoff with full jitter
//!
//! Roadmap step: **Building for scale: graceful degradation, retries**
//! (<https://roadmap.sh/backend>): a retry can turn a blip into a success, or a struggling
//! server into a dead one, when thousands of clients retry in lockstep. Retry only what is
//! safe to repeat and likely to work, wait longer each time, and wait a random time.
//!
//! 1. `backoff_ms`: "full jitter": a random delay between 0 and the ceiling
//!    `min(cap_ms, base_ms × 2^retry)`, both included (`retry` counts from 0). Take 8 bytes
//!    of `random` as a big-endian `u64` `r` and scale it: `r × (ceiling + 1) / 2^64`,
//!    computed in `u128`. Nothing may overflow, whatever `retry` is.
//! 2. `is_idempotent`: GET, HEAD, OPTIONS, TRACE, PUT and DELETE are; any request with an
//!    `Idempotency-Key` is too (the server deduplicates it).
//! 3. `is_retryable`: a timeout, 429, 502, 503 and 504. Not 500 (the bug will still be
//!    there), not other 4xx (the request is wrong).
//! 4. `send_with_retry`: call up to `max_attempts` times. Stop at the first result that is
//!    not retryable, and never retry a request that is not idempotent. Before each retry,
//!    `sleep` the jittered backoff, or the server's `Retry-After` (seconds) instead if it
//!    sent one; if that is longer than `cap_ms`, give up and return the response. The last
//!    result is returned as it is.
//!
//! Standards:
//! - <https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/>
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-9.2.2> (idempotent methods)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3> (Retry-After)
//! - <https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-idempotency-key-header-07>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::RandomSource;
use std::time::Duration;

pub struct RetryPolicy {
    pub base_ms: u64,
    pub cap_ms: u64,
    /// Calls in total, the first one included.
    pub max_attempts: u32,
}

pub struct Request {
    pub method: &'static str,
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// The `Retry-After` header, in seconds.
    pub retry_after: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No answer in time: the server may or may not have processed the request.
    Timeout,
}

pub type Outcome = Result<Response, Failure>;

/// Waits; tests record the delays instead of sleeping.
pub trait Sleeper {
    fn sleep(&self, delay: Duration);
}

pub fn backoff_ms(policy: &RetryPolicy, retry: u32, random: &dyn RandomSource) -> u64 {
    // TODO: the capped exponential ceiling, then 8 random bytes scaled onto 0..=ceiling.
    todo!()
}

pub fn is_idempotent(req: &Request) -> bool {
    // TODO: the idempotent methods of RFC 9110, or a request with an Idempotency-Key.
    todo!()
}

pub fn is_retryable(outcome: &Outcome) -> bool {
    // TODO: a timeout, 429, 502, 503 or 504.
    todo!()
}

pub fn send_with_retry(
    policy: &RetryPolicy,
    req: &Request,
    random: &dyn RandomSource,
    sleeper: &dyn Sleeper,
    mut call: impl FnMut() -> Outcome,
) -> Outcome {
    // TODO: call; return when the outcome is final (see the top comment); else sleep the
    // server's Retry-After or the backoff for this retry, and call again.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::{FixedRandom, SeqRandom};
    use std::cell::{Cell, RefCell};

    const POLICY: RetryPolicy = RetryPolicy {
        base_ms: 100,
        cap_ms: 2_000,
        max_attempts: 6,
    };

    #[derive(Default)]
    struct Recorder(RefCell<Vec<u64>>);

    impl Sleeper for Recorder {
        fn sleep(&self, delay: Duration) {
            self.0.borrow_mut().push(delay.as_millis() as u64);
        }
    }

    fn get() -> Request {
        let idempotency_key = None;
        Request {
            method: "GET",
            idempotency_key,
        }
    }

    fn status(status: u16) -> Outcome {
        let retry_after = None;
        Ok(Response {
            status,
            retry_after,
        })
    }

    /// Sends `req` against a server that answers `script` in order (then 200s); returns
    /// the outcome, the number of calls and the recorded sleeps.
    fn run(
        req: &Request,
        random: &dyn RandomSource,
        script: &[Outcome],
    ) -> (Outcome, usize, Vec<u64>) {
        let (sleeper, calls) = (Recorder::default(), Cell::new(0));
        let outcome = send_with_retry(&POLICY, req, random, &sleeper, || {
            calls.set(calls.get() + 1);
            script.get(calls.get() - 1).copied().unwrap_or(status(200))
        });
        (outcome, calls.get(), sleeper.0.take())
    }

    #[test]
    fn full_jitter_delays_for_a_seeded_source() {
        let random = SeqRandom::starting_at(0x80); // 0x8081828384858687, 0x88898a…
        let delays: Vec<u64> = (0..7).map(|n| backoff_ms(&POLICY, n, &random)).collect();
        assert_eq!(delays, [50, 107, 226, 477, 1004, 1318, 1381]);
    }

    #[test]
    fn the_ceiling_doubles_up_to_the_cap_and_never_overflows() {
        let max = FixedRandom::new([0xff]); // u64::MAX: the ceiling itself
        let ceilings: Vec<u64> = (0..7).map(|n| backoff_ms(&POLICY, n, &max)).collect();
        assert_eq!(ceilings, [100, 200, 400, 800, 1600, 2000, 2000]);
        assert_eq!(backoff_ms(&POLICY, 64, &max), 2000);
        assert_eq!(backoff_ms(&POLICY, u32::MAX, &max), 2000);
        assert_eq!(
            backoff_ms(&POLICY, 3, &FixedRandom::new([0])),
            0,
            "0 is possible"
        );
    }

    #[test]
    fn timeouts_are_retried_with_backoff_until_the_attempts_run_out() {
        let script = [Err(Failure::Timeout); 6];
        let (outcome, calls, sleeps) = run(&get(), &SeqRandom::starting_at(0x80), &script);
        assert_eq!((outcome, calls), (Err(Failure::Timeout), 6));
        assert_eq!(
            sleeps,
            [50, 107, 226, 477, 1004],
            "5 sleeps between 6 calls"
        );
    }

    #[test]
    fn a_success_after_a_retryable_failure_is_returned() {
        let script = [status(503), status(502), status(504), status(429)];
        let (outcome, calls, sleeps) = run(&get(), &SeqRandom::starting_at(0x80), &script);
        assert_eq!((outcome, calls), (status(200), 5));
        assert_eq!(sleeps, [50, 107, 226, 477]);
    }

    #[test]
    fn other_failures_are_not_retried() {
        for code in [400, 401, 403, 404, 409, 422, 500, 501, 505] {
            let (outcome, calls, sleeps) =
                run(&get(), &SeqRandom::starting_at(0x80), &[status(code)]);
            assert_eq!(
                (outcome, calls),
                (status(code), 1),
                "{code} is not retryable"
            );
            assert!(sleeps.is_empty());
        }
        let (outcome, calls, _) = run(&get(), &SeqRandom::starting_at(0x80), &[status(201)]);
        assert_eq!((outcome, calls), (status(201), 1), "a success is a success");
    }

    #[test]
    fn only_idempotent_requests_are_retried() {
        let timeouts = [Err(Failure::Timeout), Err(Failure::Timeout)];
        for method in ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"] {
            let req = Request {
                method,
                idempotency_key: None,
            };
            assert_eq!(
                run(&req, &SeqRandom::starting_at(0x80), &timeouts).1,
                3,
                "{method}"
            );
        }
        for method in ["POST", "PATCH"] {
            let req = Request {
                method,
                idempotency_key: None,
            };
            let (outcome, calls, _) = run(&req, &SeqRandom::starting_at(0x80), &timeouts);
            assert_eq!(
                (outcome, calls),
                (Err(Failure::Timeout), 1),
                "{method}: pay twice?"
            );
            let idempotency_key = Some("8e03978e-40d5-43e8-bc93-6894a57f9324".to_string());
            let req = Request {
                method,
                idempotency_key,
            };
            assert_eq!(
                run(&req, &SeqRandom::starting_at(0x80), &timeouts).1,
                3,
                "{method} with a key"
            );
        }
    }

    fn retry_after(status: u16, secs: u64) -> Outcome {
        let retry_after = Some(secs);
        Ok(Response {
            status,
            retry_after,
        })
    }

    #[test]
    fn retry_after_replaces_the_backoff_unless_it_is_too_long() {
        let max = FixedRandom::new([0xff]);
        let script = [retry_after(429, 2), status(503), retry_after(503, 1)];
        let (outcome, calls, sleeps) = run(&get(), &max, &script);
        assert_eq!((outcome, calls), (status(200), 4));
        assert_eq!(sleeps, [2000, 200, 1000], "the server knows best");
        let script = [status(503), retry_after(429, 3)];
        let (outcome, calls, sleeps) = run(&get(), &max, &script);
        assert_eq!(
            (outcome, calls),
            (retry_after(429, 3), 2),
            "3 s > the 2 s cap"
        );
        assert_eq!(sleeps, [100]);
    }

    #[test]
    fn one_attempt_means_no_retry() {
        let (sleeper, calls) = (Recorder::default(), Cell::new(0));
        let once = RetryPolicy {
            max_attempts: 1,
            ..POLICY
        };
        let outcome = send_with_retry(
            &once,
            &get(),
            &SeqRandom::starting_at(0x80),
            &sleeper,
            || {
                calls.set(calls.get() + 1);
                status(503)
            },
        );
        assert_eq!((outcome, calls.get()), (status(503), 1));
        assert!(sleeper.0.take().is_empty());
    }
}
