//! # Circuit breaker with a stale fallback
//!
//! Roadmap step: **Building for scale: graceful degradation** (<https://roadmap.sh/backend>):
//! when a dependency is down, waiting for every call to time out ties up threads and keeps
//! hammering it. A circuit breaker fails fast instead, and a fallback keeps serving the
//! last good answer.
//!
//! 1. `Breaker::allow`: `Closed` lets calls through. `Open` refuses them until
//!    `cool_down_ms` have passed since it opened, then turns `HalfOpen`. `HalfOpen` lets
//!    calls through (trial calls).
//! 2. `Breaker::record`: in `Closed`, remember the last `window` outcomes; once there are
//!    `window` of them and at least `failure_percent` % failed, open. In `HalfOpen`, one
//!    failure opens again (a new cool-down), and `trial_calls` successes in a row close
//!    the breaker with a fresh, empty window.
//! 3. `Breaker::call`: refused calls return `Err(CallError::Open)` without running `f`;
//!    others run `f` and record its outcome.
//! 4. `Fallback::get`: a successful call is served fresh and remembered with its time.
//!    If the call fails or is refused, serve the last good value marked stale, but only if
//!    it is younger than `max_stale_ms` (RFC 5861's stale-if-error); else the error.
//!
//! Standards:
//! - <https://learn.microsoft.com/en-us/azure/architecture/patterns/circuit-breaker>
//! - <https://pragprog.com/titles/mnee2/release-it-second-edition/> (Nygard, *Release It!*)
//! - <https://www.rfc-editor.org/rfc/rfc5861#section-4> (stale-if-error)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::Clock;
use std::collections::VecDeque;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Closed,
    Open { since_ms: u64 },
    HalfOpen { successes: u32 },
}

pub struct Config {
    /// How many recent calls the failure rate is computed over.
    pub window: usize,
    pub failure_percent: usize,
    pub cool_down_ms: u64,
    /// Successes in a row that close a half-open breaker.
    pub trial_calls: u32,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CallError<E> {
    /// Refused by the breaker: the dependency was not called.
    Open,
    Failed(E),
}

pub struct Breaker<'a> {
    config: Config,
    clock: &'a dyn Clock,
    pub state: State,
    /// The last outcomes while closed, oldest first; `true` is a failure.
    recent: VecDeque<bool>,
}

impl<'a> Breaker<'a> {
    pub fn new(config: Config, clock: &'a dyn Clock) -> Self {
        let (state, recent) = (State::Closed, VecDeque::new());
        Breaker {
            config,
            clock,
            state,
            recent,
        }
    }

    fn open(&mut self) {
        let since_ms = self.clock.now_unix_ms();
        self.state = State::Open { since_ms };
        self.recent.clear();
    }

    pub fn allow(&mut self) -> bool {
        // TODO: refuse while open and cooling down; after the cool-down, turn half-open.
        todo!()
    }

    pub fn record(&mut self, ok: bool) {
        // TODO: the transitions of the top comment, per state.
        todo!()
    }

    pub fn call<T, E>(&mut self, f: impl FnOnce() -> Result<T, E>) -> Result<T, CallError<E>> {
        // TODO: ask `allow`; run `f` only if allowed, and record how it went.
        todo!()
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct Served {
    pub value: String,
    pub stale: bool,
}

pub struct Fallback<'a> {
    pub breaker: Breaker<'a>,
    pub max_stale_ms: u64,
    /// The last good value and when it was fetched.
    last_good: Option<(String, u64)>,
}

impl<'a> Fallback<'a> {
    pub fn new(breaker: Breaker<'a>, max_stale_ms: u64) -> Self {
        let last_good = None;
        Fallback {
            breaker,
            max_stale_ms,
            last_good,
        }
    }

    pub fn get(
        &mut self,
        fetch: impl FnOnce() -> Result<String, String>,
    ) -> Result<Served, CallError<String>> {
        // TODO: call through the breaker; remember a good value with the time, or fall
        // back on the last good one while it is young enough.
        todo!()
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::ManualClock;
    use std::cell::Cell;
    use std::time::Duration;

    const T0: u64 = 1_700_000_000_000;

    fn config() -> Config {
        Config {
            window: 4,
            failure_percent: 50,
            cool_down_ms: 30_000,
            trial_calls: 2,
        }
    }

    /// Calls through `breaker` with a backend that answers `ok`; returns whether the
    /// backend was reached.
    fn call(breaker: &mut Breaker, ok: bool) -> bool {
        let reached = Cell::new(false);
        let result = breaker.call(|| {
            reached.set(true);
            if ok {
                Ok(())
            } else {
                Err("timeout")
            }
        });
        match result {
            Ok(()) => assert!(ok),
            Err(CallError::Failed(_)) => assert!(!ok),
            Err(CallError::Open) => assert!(!reached.get()),
        }
        reached.get()
    }

    const CLOSED: State = State::Closed;
    const OPEN: State = State::Open { since_ms: T0 };

    #[test]
    fn it_opens_at_the_failure_rate_over_a_full_window() {
        let clock = ManualClock::new(T0);
        let mut breaker = Breaker::new(config(), &clock);
        for ok in [false, false, true] {
            call(&mut breaker, ok);
            assert_eq!(
                breaker.state, CLOSED,
                "2 of 3 failed, but the window is not full"
            );
        }
        call(&mut breaker, true);
        assert_eq!(breaker.state, OPEN, "2 of the last 4 failed: 50 %");
    }

    #[test]
    fn only_the_last_calls_count() {
        let clock = ManualClock::new(T0);
        let mut breaker = Breaker::new(config(), &clock);
        for ok in [false, true, true, true, false, true, true] {
            call(&mut breaker, ok);
            assert_eq!(breaker.state, CLOSED, "never 2 failures in 4 calls");
        }
        call(&mut breaker, false);
        assert_eq!(breaker.state, OPEN, "false, true, true, false: 50 %");
    }

    #[test]
    fn an_open_breaker_short_circuits_until_the_cool_down_ends() {
        let clock = ManualClock::new(T0);
        let mut breaker = Breaker::new(config(), &clock);
        for _ in 0..4 {
            call(&mut breaker, false);
        }
        assert_eq!(breaker.state, OPEN);
        clock.advance(Duration::from_millis(29_999));
        assert!(!call(&mut breaker, true), "open: the backend is not called");
        assert_eq!(breaker.state, OPEN);
        clock.advance(Duration::from_millis(1));
        assert!(call(&mut breaker, true), "after 30 s: a trial call");
        assert_eq!(breaker.state, State::HalfOpen { successes: 1 });
        assert!(call(&mut breaker, true));
        assert_eq!(breaker.state, CLOSED, "2 trial calls succeeded");
        for ok in [false, false, true] {
            call(&mut breaker, ok);
        }
        assert_eq!(breaker.state, CLOSED, "the window starts empty again");
    }

    #[test]
    fn a_failed_trial_call_opens_again_for_a_new_cool_down() {
        let clock = ManualClock::new(T0);
        let mut breaker = Breaker::new(config(), &clock);
        for _ in 0..4 {
            call(&mut breaker, false);
        }
        clock.advance(Duration::from_secs(30));
        assert!(call(&mut breaker, true));
        assert!(call(&mut breaker, false), "the second trial call fails");
        let reopened = State::Open {
            since_ms: T0 + 30_000,
        };
        assert_eq!(breaker.state, reopened);
        clock.advance(Duration::from_millis(29_999));
        assert!(!call(&mut breaker, true), "the cool-down starts again");
        clock.advance(Duration::from_millis(1));
        assert!(breaker.allow());
        assert_eq!(breaker.state, State::HalfOpen { successes: 0 });
    }

    #[test]
    fn a_late_answer_while_open_changes_nothing() {
        let clock = ManualClock::new(T0);
        let mut breaker = Breaker::new(config(), &clock);
        breaker.state = OPEN;
        breaker.record(true);
        assert_eq!(breaker.state, OPEN);
        breaker.record(false);
        assert_eq!(breaker.state, OPEN);
    }

    fn fallback(clock: &ManualClock) -> Fallback<'_> {
        Fallback::new(Breaker::new(config(), clock), 60 * 60 * 1000)
    }

    fn fresh(value: &str) -> Result<Served, CallError<String>> {
        let value = value.to_string();
        Ok(Served {
            value,
            stale: false,
        })
    }

    fn stale(value: &str) -> Result<Served, CallError<String>> {
        let value = value.to_string();
        Ok(Served { value, stale: true })
    }

    fn down() -> Result<String, String> {
        Err("503 from pricing".to_string())
    }

    #[test]
    fn the_last_good_value_is_served_stale_when_the_dependency_fails() {
        let clock = ManualClock::new(T0);
        let mut prices = fallback(&clock);
        let failed = Err(CallError::Failed("503 from pricing".to_string()));
        assert_eq!(prices.get(down), failed, "nothing to fall back on yet");
        assert_eq!(prices.get(|| Ok("v1".to_string())), fresh("v1"));
        clock.advance(Duration::from_secs(5));
        assert_eq!(prices.get(down), stale("v1"));
        assert_eq!(prices.get(|| Ok("v2".to_string())), fresh("v2"));
        assert_eq!(prices.get(down), stale("v2"), "the newest good value");
    }

    #[test]
    fn while_open_the_fallback_is_served_without_calling_the_dependency() {
        let clock = ManualClock::new(T0);
        let mut prices = fallback(&clock);
        assert_eq!(prices.get(|| Ok("v1".to_string())), fresh("v1"));
        for _ in 0..4 {
            assert_eq!(prices.get(down), stale("v1"));
        }
        assert_eq!(prices.breaker.state, OPEN);
        let not_called = || -> Result<String, String> { panic!("the breaker is open") };
        assert_eq!(prices.get(not_called), stale("v1"));
        clock.advance(Duration::from_secs(30));
        assert_eq!(
            prices.get(|| Ok("v2".to_string())),
            fresh("v2"),
            "a trial call"
        );
    }

    #[test]
    fn a_value_too_old_is_not_served() {
        let clock = ManualClock::new(T0);
        let mut prices = fallback(&clock);
        prices.get(|| Ok("v1".to_string())).unwrap();
        clock.advance(Duration::from_millis(60 * 60 * 1000 - 1));
        assert_eq!(prices.get(down), stale("v1"), "59:59.999 old");
        clock.advance(Duration::from_millis(1));
        let failed = Err(CallError::Failed("503 from pricing".to_string()));
        assert_eq!(prices.get(down), failed, "an hour old: too stale");
        for _ in 0..3 {
            prices.get(down).unwrap_err();
        }
        assert_eq!(prices.get(down), Err(CallError::Open));
    }
}
