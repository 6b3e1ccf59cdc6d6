//! # Graceful shutdown: stop accepting, drain, then abort the stragglers
//!
//! Roadmap step: **Twelve-factor apps: disposability** (<https://roadmap.sh/backend>):
//! every deploy stops the old processes. Kubernetes sends SIGTERM, takes the pod out of
//! the load balancer, and kills it for good after the grace period (30 s by default). A
//! server that just exits drops the requests it was serving; one that drains them first
//! makes deploys invisible to its users.
//!
//! `serve` runs the server loop. Connections arrive on the `accept` channel (a listener
//! would hand them out the same way); the `shutdown` watch turns `true` on SIGTERM.
//!
//! 1. Set the readiness to ready (200) when the loop starts, and handle each accepted
//!    connection in its own task (`handle`), so that a slow request does not hold up the
//!    next one.
//! 2. On the signal (`true`, or the sender gone): stop at once. Readiness turns 503
//!    before anything else, and the accept channel is closed: a connection not yet
//!    accepted is refused (its client sees the reply channel closed), even one that came
//!    in at the same moment as the signal. When the accept channel closes, shut down the
//!    same way.
//! 3. Drain: the requests in flight get until `grace` after the signal to finish. Return
//!    as soon as they all have; at the deadline, abort the rest and wait until they are
//!    gone (their clients see the reply channel closed).
//! 4. Return how many requests completed (before or during the drain) and how many were
//!    aborted.
//!
//! The tests run on a paused clock (`start_paused = true`): the 30 s take no real time,
//! and the times they assert are exact.
//!
//! Standards:
//! - <https://12factor.net/disposability> (IX. Disposability)
//! - <https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination>
//! - <https://docs.rs/tokio/1.54.1/tokio/sync/watch/struct.Receiver.html#method.wait_for>
//! - <https://docs.rs/tokio/1.54.1/tokio/task/struct.JoinSet.html#method.shutdown>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;
use tokio::time::{sleep, timeout_at, Instant};

/// Kubernetes' default `terminationGracePeriodSeconds`.
pub const GRACE: Duration = Duration::from_secs(30);

/// An accepted connection: one request, which takes `work` to handle.
pub struct Conn {
    pub id: u32,
    pub work: Duration,
    pub reply: oneshot::Sender<String>,
}

/// What `/readyz` answers: the load balancer sends traffic only while it is 200.
#[derive(Clone, Default)]
pub struct Readiness(Arc<AtomicBool>);

impl Readiness {
    pub fn set(&self, ready: bool) {
        self.0.store(ready, Ordering::SeqCst);
    }

    pub fn readyz(&self) -> u16 {
        if self.0.load(Ordering::SeqCst) {
            200
        } else {
            503
        }
    }
}

/// The request handler.
async fn handle(conn: Conn) {
    sleep(conn.work).await;
    let _ = conn.reply.send(format!("200 OK: request {}", conn.id));
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub completed: u32,
    pub aborted: u32,
}

pub async fn serve(
    mut accept: mpsc::Receiver<Conn>,
    mut shutdown: watch::Receiver<bool>,
    readiness: Readiness,
    grace: Duration,
) -> Report {
    // TODO: ready; accept and spawn `handle` until the signal (which wins over a
    // connection) or a closed channel; then 503, close the listener, drain until `grace`
    // after the signal, abort the rest, and report.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::oneshot::error::TryRecvError;
    use tokio::task::JoinHandle;

    const fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    /// A server under test, its clients' side of the channels, and its probe.
    struct Server {
        conns: mpsc::Sender<Conn>,
        sigterm: watch::Sender<bool>,
        readiness: Readiness,
        task: JoinHandle<Report>,
    }

    fn start() -> Server {
        let (conns, accept) = mpsc::channel(16);
        let (sigterm, shutdown) = watch::channel(false);
        let readiness = Readiness::default();
        let task = tokio::spawn(serve(accept, shutdown, readiness.clone(), GRACE));
        Server {
            conns,
            sigterm,
            readiness,
            task,
        }
    }

    impl Server {
        /// Connects with a request that takes `work` seconds to handle.
        async fn request(&self, id: u32, work: u64) -> oneshot::Receiver<String> {
            let (reply, answer) = oneshot::channel();
            let conn = Conn {
                id,
                work: secs(work),
                reply,
            };
            assert!(
                self.conns.send(conn).await.is_ok(),
                "the server is accepting"
            );
            answer
        }

        /// Whether the server still takes connections.
        fn accepts(&self) -> bool {
            let (reply, _) = oneshot::channel();
            let work = secs(1);
            self.conns.try_send(Conn { id: 0, work, reply }).is_ok()
        }
    }

    /// Lets the other tasks run; a millisecond of virtual time passes.
    async fn settle() {
        sleep(Duration::from_millis(1)).await;
    }

    fn ok(id: u32) -> Result<String, TryRecvError> {
        Ok(format!("200 OK: request {id}"))
    }

    #[tokio::test(start_paused = true)]
    async fn readiness_is_200_while_serving_and_503_at_once_on_sigterm() {
        let server = start();
        assert_eq!(
            server.readiness.readyz(),
            503,
            "not ready before the loop starts"
        );
        settle().await;
        assert_eq!(server.readiness.readyz(), 200, "ready once serving");
        let mut slow = server.request(1, 10).await;
        sleep(secs(1)).await;
        server.sigterm.send(true).unwrap();
        settle().await;
        assert_eq!(
            server.readiness.readyz(),
            503,
            "out of the load balancer at once"
        );
        assert_eq!(slow.try_recv(), Err(TryRecvError::Empty), "still in flight");
        assert!(!server.accepts(), "no new connection during the drain");
        let report = server.task.await.unwrap();
        assert_eq!(slow.try_recv(), ok(1));
        assert_eq!(
            report,
            Report {
                completed: 1,
                aborted: 0
            }
        );
        assert_eq!(server.readiness.readyz(), 503);
    }

    #[tokio::test(start_paused = true)]
    async fn the_drain_ends_as_soon_as_the_last_request_finishes() {
        let start_time = Instant::now();
        let server = start();
        let mut answers = vec![];
        for (id, work) in [(1, 10), (2, 25), (3, 2)] {
            answers.push(server.request(id, work).await);
        }
        sleep(secs(5)).await;
        server.sigterm.send(true).unwrap();
        let report = server.task.await.unwrap();
        assert_eq!(start_time.elapsed(), secs(25), "not the whole grace period");
        assert_eq!(
            report,
            Report {
                completed: 3,
                aborted: 0
            }
        );
        let answers: Vec<_> = answers.iter_mut().map(|a| a.try_recv()).collect();
        assert_eq!(answers, [ok(1), ok(2), ok(3)]);
    }

    #[tokio::test(start_paused = true)]
    async fn stragglers_are_aborted_30_s_after_the_signal() {
        let start_time = Instant::now();
        let server = start();
        let mut done_early = server.request(1, 5).await;
        let mut just_in_time = server.request(2, 49).await; // 29 s after the signal
        let mut straggler = server.request(3, 51).await; // 31 s after the signal
        sleep(secs(20)).await;
        server.sigterm.send(true).unwrap();
        let report = server.task.await.unwrap();
        assert_eq!(start_time.elapsed(), secs(50), "the signal + 30 s");
        assert_eq!(
            report,
            Report {
                completed: 2,
                aborted: 1
            }
        );
        assert_eq!(done_early.try_recv(), ok(1));
        assert_eq!(
            just_in_time.try_recv(),
            ok(2),
            "30 s from the signal, not from its start"
        );
        assert_eq!(straggler.try_recv(), Err(TryRecvError::Closed), "aborted");
    }

    #[tokio::test(start_paused = true)]
    async fn aborted_requests_are_gone_when_serve_returns() {
        let (conns, accept) = mpsc::channel(16);
        let (sigterm, shutdown) = watch::channel(false);
        let mut answers = vec![];
        for (id, work) in [(1, 3600), (2, 31)] {
            let (reply, answer) = oneshot::channel();
            let work = secs(work);
            conns.send(Conn { id, work, reply }).await.unwrap();
            answers.push(answer);
        }
        tokio::spawn(async move {
            settle().await;
            sigterm.send(true).unwrap();
        });
        // Not spawned: the very moment `serve` returns, its aborted tasks must be gone.
        let report = serve(accept, shutdown, Readiness::default(), GRACE).await;
        assert_eq!(
            report,
            Report {
                completed: 0,
                aborted: 2
            }
        );
        for answer in &mut answers {
            assert_eq!(
                answer.try_recv(),
                Err(TryRecvError::Closed),
                "dropped by then"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_is_accepted_after_the_signal() {
        // The signal and a connection arrive together, several times over: the signal
        // must win every time, not one time out of two.
        for round in 0..12 {
            let start_time = Instant::now();
            let mut server = start();
            server.sigterm.send(true).unwrap();
            let refused = server.request(round, 1).await;
            let report = (&mut server.task).await.unwrap();
            assert_eq!(
                refused.await.ok(),
                None,
                "round {round}: refused, not served"
            );
            assert_eq!(report, Report::default(), "round {round}");
            assert_eq!(start_time.elapsed(), secs(0), "nothing to drain");
            assert!(!server.accepts(), "the listener is closed");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn requests_are_handled_concurrently_and_counted_before_the_signal_too() {
        let start_time = Instant::now();
        let server = start();
        let mut answers = vec![];
        for id in 1..=5 {
            answers.push(server.request(id, 10).await);
        }
        settle().await;
        sleep(secs(10)).await;
        let answers: Vec<_> = answers.iter_mut().map(|a| a.try_recv()).collect();
        assert_eq!(answers, [ok(1), ok(2), ok(3), ok(4), ok(5)], "10 s, not 50");
        sleep(secs(100)).await;
        drop(server.sigterm); // the sender gone counts as the signal
        let report = server.task.await.unwrap();
        assert_eq!(
            report,
            Report {
                completed: 5,
                aborted: 0
            }
        );
        assert_eq!(start_time.elapsed(), secs(110) + Duration::from_millis(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_closed_accept_channel_drains_too() {
        let server = start();
        let mut answer = server.request(7, 12).await;
        drop(server.conns);
        let report = server.task.await.unwrap();
        assert_eq!(answer.try_recv(), ok(7));
        assert_eq!(
            report,
            Report {
                completed: 1,
                aborted: 0
            }
        );
        assert_eq!(server.readiness.readyz(), 503);
    }
}
