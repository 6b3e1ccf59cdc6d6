//! # Shared state across threads: a per-route request counter
//!
//! Roadmap step: **Concurrency / multithreading** (<https://roadmap.sh/backend>): a server
//! handles many requests at once, on many threads, and all of them update the same metrics.
//! Rust refuses to compile a data race: a value that threads share must be `Sync`, and a
//! value moved to another thread must be `Send`.
//!
//! `RequestCounter` was written for one thread: `Rc` shares it, `RefCell` and `Cell` mutate
//! it behind `&self`. None of them is `Sync`, so the file does not compile as soon as two
//! threads use a counter. Make it compile, and make it correct:
//!
//! 1. `RequestCounter`: keep the per-route counts in an `Arc<Mutex<BTreeMap>>` (updating
//!    a map takes several steps: hold one lock around all of them) and the total in an
//!    `AtomicU64` (a single number needs no lock). Clones must still share the same counts.
//! 2. `serve_batches` runs every batch on its own thread, and those threads borrow the
//!    batches and the handler. `thread::spawn` cannot borrow (its thread may outlive the
//!    function); `thread::scope` can, because it joins its threads before it returns.
//!
//! Standards:
//! - <https://doc.rust-lang.org/book/ch16-03-shared-state.html> (`Mutex`, `Arc`)
//! - <https://doc.rust-lang.org/book/ch16-04-extensible-concurrency-sync-and-send.html>
//! - <https://doc.rust-lang.org/std/thread/fn.scope.html>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::thread;

/// Counts a server's requests, per route and in total. Every worker thread holds a clone;
/// all clones count into the same numbers.
#[derive(Clone, Default)]
pub struct RequestCounter {
    // TODO: `Rc`, `RefCell` and `Cell` are single-thread types: they are neither `Send` nor
    // `Sync`, so a counter holding them cannot be shared with, or moved to, other threads.
    // Their methods below have to change with them.
    per_route: Rc<RefCell<BTreeMap<String, u64>>>,
    total: Rc<Cell<u64>>,
}

impl RequestCounter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one request to `route`.
    pub fn record(&self, route: &str) {
        *self
            .per_route
            .borrow_mut()
            .entry(route.to_string())
            .or_insert(0) += 1;
        self.count_in_total();
    }

    /// Counts one request that matched no route (a 404): in the total only.
    pub fn record_unmatched(&self) {
        self.count_in_total();
    }

    fn count_in_total(&self) {
        self.total.set(self.total.get() + 1);
    }

    pub fn total(&self) -> u64 {
        self.total.get()
    }

    /// The requests to `route` so far (0 for a route never seen).
    pub fn count(&self, route: &str) -> u64 {
        self.per_route.borrow().get(route).copied().unwrap_or(0)
    }

    /// A copy of the per-route counts, sorted by route (a `/metrics` page renders it).
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.per_route.borrow().clone()
    }
}

/// Runs every batch of request routes on its own worker thread, all at the same time,
/// calling `handle` for each route. Returns once every batch is done.
pub fn serve_batches(batches: &[Vec<String>], handle: impl Fn(&str) + Sync) {
    let handle = &handle;
    let mut workers = Vec::new();
    for batch in batches {
        // TODO: a thread from `thread::spawn` may outlive this function, so its closure may
        // only use what it owns ('static). This one borrows `batch` and `handle`.
        workers.push(thread::spawn(move || {
            batch.iter().for_each(|route| handle(route))
        }));
    }
    for worker in workers {
        worker.join().unwrap();
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::{Barrier, Mutex};

    const ROUTES: [&str; 4] = ["/health", "/orders", "/users", "/users/42"];

    fn each_route(n: u64) -> BTreeMap<String, u64> {
        ROUTES.iter().map(|r| (r.to_string(), n)).collect()
    }

    #[test]
    fn eight_threads_count_every_request_exactly() {
        let counter = RequestCounter::new();
        let start = Barrier::new(8);
        thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    start.wait(); // all eight at once: as much contention as possible
                    for i in 0..1000 {
                        counter.record(ROUTES[i % 4]);
                    }
                });
            }
        });
        assert_eq!(counter.total(), 8000, "8 × 1000 requests: some were lost");
        assert_eq!(
            counter.snapshot(),
            each_route(2000),
            "per route: 8 × 250 each"
        );
        assert_eq!(counter.count("/users/42"), 2000);
    }

    #[test]
    fn unmatched_requests_count_in_the_total_only() {
        let counter = RequestCounter::new();
        let start = Barrier::new(8);
        thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    start.wait();
                    (0..500_000).for_each(|_| counter.record_unmatched());
                });
            }
        });
        assert_eq!(
            counter.total(),
            4_000_000,
            "8 × 500 000 requests: some were lost"
        );
        assert_eq!(counter.snapshot(), BTreeMap::new(), "no route was matched");
    }

    #[test]
    fn a_busy_route_loses_no_update() {
        let counter = RequestCounter::new();
        let start = Barrier::new(8);
        thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    start.wait();
                    (0..25_000).for_each(|_| counter.record("/orders"));
                });
            }
        });
        let want = BTreeMap::from([("/orders".to_string(), 200_000)]);
        assert_eq!(
            counter.snapshot(),
            want,
            "8 × 25 000 requests: some were lost"
        );
    }

    #[test]
    fn clones_moved_to_spawned_threads_share_the_counts() {
        let counter = RequestCounter::new();
        let workers: Vec<_> = (0..8)
            .map(|_| {
                let counter = counter.clone(); // `thread::spawn` needs an owned, `Send` handle
                thread::spawn(move || (0..1000).for_each(|_| counter.record("/orders")))
            })
            .collect();
        for worker in workers {
            worker.join().unwrap();
        }
        assert_eq!(
            counter.count("/orders"),
            8000,
            "every clone counts into one map"
        );
        assert_eq!(counter.total(), 8000, "every clone counts into one total");
    }

    #[test]
    fn a_new_counter_is_empty_and_unknown_routes_count_zero() {
        let counter = RequestCounter::new();
        assert_eq!((counter.total(), counter.snapshot()), (0, BTreeMap::new()));
        counter.record("/users");
        counter.record("/users");
        counter.record("/orders");
        assert_eq!(counter.count("/users/"), 0, "routes are compared exactly");
        assert_eq!(counter.count("/health"), 0);
        let want = BTreeMap::from([("/orders".to_string(), 1), ("/users".to_string(), 2)]);
        assert_eq!((counter.total(), counter.snapshot()), (3, want));
    }

    #[test]
    fn serve_batches_runs_each_batch_on_its_own_thread() {
        let batch: Vec<String> = (0..1000).map(|i| ROUTES[i % 4].to_string()).collect();
        let batches = vec![batch; 8];
        let counter = RequestCounter::new();
        let threads = Mutex::new(HashSet::new());
        serve_batches(&batches, |route| {
            threads.lock().unwrap().insert(thread::current().id());
            counter.record(route);
        });
        let threads = threads.into_inner().unwrap();
        assert_eq!(threads.len(), 8, "one worker thread per batch");
        assert!(
            !threads.contains(&thread::current().id()),
            "not on the caller's thread"
        );
        assert_eq!(counter.total(), 8000, "every batch is done when it returns");
        assert_eq!(counter.snapshot(), each_route(2000));
    }

    #[test]
    fn serve_batches_with_no_batches_handles_nothing() {
        let counter = RequestCounter::new();
        serve_batches(&[], |route| counter.record(route));
        serve_batches(&[vec![], vec![]], |route| counter.record(route));
        assert_eq!(counter.total(), 0);
    }
}
