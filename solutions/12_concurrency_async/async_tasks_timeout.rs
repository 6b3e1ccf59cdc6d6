//! # Concurrent backend calls: fan-out, an overall deadline, hedged requests
//!
//! Roadmap step: **Asynchronism** and **Timeouts** (<https://roadmap.sh/backend>): an API
//! gateway that calls its backends one after the other is as slow as their sum; one that
//! waits for a hung backend hangs too. Call them at once, and stop waiting at a deadline.
//!
//! `Backend::call` simulates a backend that answers after its latency. Your part:
//!
//! 1. `fan_out`: call every backend concurrently (one task each in a `JoinSet`) and return
//!    the answers in the order of `backends`, not in the order they arrive. Stop at
//!    `deadline` (`tokio::time::timeout`): a backend that has not answered by then is
//!    `Err(DeadlineExceeded)`. Return as soon as every backend has answered, at the latest
//!    at the deadline; the calls still running then are cancelled, and gone (dropped) by
//!    the time `fan_out` returns.
//! 2. `hedged`: call `primary`; if it has not answered after `HEDGE_AFTER`, call `backup`
//!    too, keep the primary running, and return whichever answers first (`tokio::select!`).
//!    The other call is cancelled: its future is dropped.
//!
//! The tests run on a paused clock (`start_paused = true`): `sleep` takes no real time, and
//! the elapsed times they assert are exact.
//!
//! Standards:
//! - <https://docs.rs/tokio/1.54.1/tokio/task/struct.JoinSet.html>
//! - <https://docs.rs/tokio/1.54.1/tokio/time/fn.timeout.html>
//! - <https://docs.rs/tokio/1.54.1/tokio/macro.select.html> (cancellation by drop)
//! - <https://docs.rs/tokio/1.54.1/tokio/time/fn.pause.html> (virtual time in tests)
//! - <https://research.google/pubs/the-tail-at-scale/> (hedged requests)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::{sleep, timeout};

/// How long the primary may take before the backup is asked too.
pub const HEDGE_AFTER: Duration = Duration::from_millis(50);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineExceeded;

/// What happened to the calls made to one backend.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Calls {
    pub started: u32,
    pub finished: u32,
    /// Calls whose future was dropped before they finished.
    pub cancelled: u32,
}

/// A simulated backend: it answers every request after `latency`.
#[derive(Clone)]
pub struct Backend {
    name: &'static str,
    latency: Duration,
    calls: Arc<Mutex<Calls>>,
}

/// The drop guard of one call: it records how the call ended, even when it was cancelled.
struct InFlight<'a> {
    calls: &'a Mutex<Calls>,
    finished: bool,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut calls = self.calls.lock().unwrap();
        match self.finished {
            true => calls.finished += 1,
            false => calls.cancelled += 1,
        }
    }
}

impl Backend {
    pub fn new(name: &'static str, latency_ms: u64) -> Self {
        let latency = Duration::from_millis(latency_ms);
        let calls = Arc::default();
        Backend {
            name,
            latency,
            calls,
        }
    }

    pub fn calls(&self) -> Calls {
        *self.calls.lock().unwrap()
    }

    pub async fn call(&self, request: &str) -> String {
        self.calls.lock().unwrap().started += 1;
        let mut in_flight = InFlight {
            calls: &self.calls,
            finished: false,
        };
        sleep(self.latency).await; // the network and the backend's work
        in_flight.finished = true;
        format!("{} answered {request}", self.name)
    }
}

/// Calls every backend at once; their answers in the order of `backends`.
pub async fn fan_out(
    backends: &[Backend],
    request: &str,
    deadline: Duration,
) -> Vec<Result<String, DeadlineExceeded>> {
    let mut calls = JoinSet::new();
    for (i, backend) in backends.iter().enumerate() {
        // A task must own what it uses: it may outlive this call's borrows.
        let (backend, request) = (backend.clone(), request.to_string());
        calls.spawn(async move { (i, backend.call(&request).await) });
    }
    let mut answers = vec![Err(DeadlineExceeded); backends.len()];
    let collect = async {
        // `join_next` yields the tasks as they finish; the index puts each answer back in
        // its place.
        while let Some(finished) = calls.join_next().await {
            let (i, answer) = finished.expect("a backend call panicked");
            answers[i] = Ok(answer);
        }
    };
    // One deadline for the whole fan-out. When it passes, `collect` is dropped and the
    // answers still missing stay `Err(DeadlineExceeded)`.
    let _ = timeout(deadline, collect).await;
    // Abort the calls still running and wait until they are dropped. Dropping the JoinSet
    // would abort them too, but they would be dropped later, after we return.
    calls.shutdown().await;
    answers
}

/// Calls `primary`, and `backup` too if the primary is slow; the first answer.
pub async fn hedged(primary: &Backend, backup: &Backend, request: &str) -> String {
    let mut first = std::pin::pin!(primary.call(request));
    // `&mut first`: if the timeout passes, only the timer is dropped, not the call.
    if let Ok(answer) = timeout(HEDGE_AFTER, &mut first).await {
        return answer;
    }
    // The first branch to complete wins; `select!` then drops the other future, which
    // cancels that call. `biased`: on a tie, the primary's answer is taken.
    tokio::select! {
        biased;
        answer = &mut first => answer,
        answer = backup.call(request) => answer,
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    const fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn answer(name: &str) -> Result<String, DeadlineExceeded> {
        Ok(format!("{name} answered GET /orders/7"))
    }

    const fn calls(started: u32, finished: u32, cancelled: u32) -> Calls {
        Calls {
            started,
            finished,
            cancelled,
        }
    }
    const DONE: Calls = calls(1, 1, 0);
    const CANCELLED: Calls = calls(1, 0, 1);
    const NEVER_CALLED: Calls = calls(0, 0, 0);

    #[tokio::test(start_paused = true)]
    async fn fan_out_answers_in_input_order_once_all_have_answered() {
        let backends = [
            Backend::new("users", 30),
            Backend::new("orders", 10),
            Backend::new("stock", 20),
        ];
        let start = Instant::now();
        let answers = fan_out(&backends, "GET /orders/7", ms(100)).await;
        let took = start.elapsed();
        assert_eq!(took, ms(30), "the slowest backend's time, not 10+20+30 ms");
        let want = [answer("users"), answer("orders"), answer("stock")];
        assert_eq!(answers, want, "in the order of `backends`");
        assert!(backends.iter().all(|b| b.calls() == DONE), "one call each");
    }

    #[tokio::test(start_paused = true)]
    async fn fan_out_stops_at_the_deadline_and_cancels_the_late_calls() {
        let backends = [
            Backend::new("users", 10),
            Backend::new("search", 500),
            Backend::new("orders", 99),
            Backend::new("stock", 101),
        ];
        let start = Instant::now();
        let answers = fan_out(&backends, "GET /orders/7", ms(100)).await;
        assert_eq!(start.elapsed(), ms(100), "exactly the deadline");
        let late = Err(DeadlineExceeded);
        let want = [answer("users"), late.clone(), answer("orders"), late];
        assert_eq!(answers, want);
        let calls = backends.each_ref().map(Backend::calls);
        assert_eq!(calls, [DONE, CANCELLED, DONE, CANCELLED], "gone on return");
        sleep(ms(1000)).await;
        let calls = backends.each_ref().map(Backend::calls);
        assert_eq!(
            calls,
            [DONE, CANCELLED, DONE, CANCELLED],
            "never finished later"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn fan_out_to_no_backend_returns_at_once() {
        let start = Instant::now();
        assert_eq!(fan_out(&[], "GET /", ms(100)).await, []);
        assert_eq!(start.elapsed(), ms(0));
    }

    #[tokio::test(start_paused = true)]
    async fn a_primary_that_answers_within_50_ms_is_not_hedged() {
        let (primary, backup) = (Backend::new("primary", 49), Backend::new("backup", 1));
        let start = Instant::now();
        let got = hedged(&primary, &backup, "GET /orders/7").await;
        assert_eq!((Ok(got), start.elapsed()), (answer("primary"), ms(49)));
        assert_eq!(backup.calls(), NEVER_CALLED, "no hedge before 50 ms");
        assert_eq!(primary.calls(), DONE);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_primary_is_hedged_at_50_ms_and_cancelled_when_the_backup_wins() {
        let (primary, backup) = (Backend::new("primary", 200), Backend::new("backup", 30));
        let start = Instant::now();
        let got = hedged(&primary, &backup, "GET /orders/7").await;
        assert_eq!(Ok(got), answer("backup"));
        assert_eq!(
            start.elapsed(),
            ms(80),
            "the backup starts at 50 ms, answers at 80"
        );
        assert_eq!((primary.calls(), backup.calls()), (CANCELLED, DONE));
    }

    #[tokio::test(start_paused = true)]
    async fn the_primary_keeps_running_while_hedged_and_may_still_win() {
        let (primary, backup) = (Backend::new("primary", 70), Backend::new("backup", 30));
        let start = Instant::now();
        let got = hedged(&primary, &backup, "GET /orders/7").await;
        assert_eq!(
            Ok(got),
            answer("primary"),
            "the backup would answer at 80 ms"
        );
        assert_eq!(start.elapsed(), ms(70), "not restarted at 50 ms");
        assert_eq!((primary.calls(), backup.calls()), (DONE, CANCELLED));
        sleep(ms(1000)).await;
        assert_eq!(backup.calls(), CANCELLED, "the losing call never finishes");
    }
}
