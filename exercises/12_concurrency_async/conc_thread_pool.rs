//! # A thread pool with a bounded queue: backpressure and load shedding
//!
//! Roadmap step: **Concurrency / multithreading** and **Backpressure**
//! (<https://roadmap.sh/backend>): a server runs requests on a fixed set of worker threads.
//! An unbounded queue in front of them only hides overload: it grows until memory runs out,
//! and every request waits longer. A bounded queue pushes back instead.
//!
//! `ThreadPool::new(workers, capacity)` starts `workers` threads that share one queue of
//! at most `capacity` waiting jobs (`capacity` and `workers` are at least 1). Your part:
//!
//! 1. `work`, each worker's loop: take the next job and run it, until the queue is closed
//!    and empty. Jobs run in parallel, and a job that panics must not end its worker.
//! 2. `execute` waits for room in the queue (backpressure: the caller slows down);
//!    `try_execute` never waits: a full queue is `Err(Busy)` (load shedding: the server
//!    answers 503 now rather than late), and the job is dropped, not run.
//! 3. `queued()` reports the jobs that wait for a worker: keep its counter right.
//! 4. `Drop` closes the queue, lets the workers finish every job already queued, and
//!    joins them all.
//!
//! Standards:
//! - <https://doc.rust-lang.org/book/ch21-02-multithreaded.html> (the pool pattern)
//! - <https://doc.rust-lang.org/book/ch21-03-graceful-shutdown-and-cleanup.html>
//! - <https://doc.rust-lang.org/std/sync/mpsc/fn.sync_channel.html> (a bounded channel)
//! - <https://sre.google/sre-book/handling-overload/> (load shedding)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// The queue is full: shed this request instead of queueing it.
#[derive(Debug, PartialEq, Eq)]
pub struct Busy;

pub struct ThreadPool {
    /// The sending end of the job queue; `None` once `drop` has closed it.
    jobs: Option<SyncSender<Job>>,
    workers: Vec<JoinHandle<()>>,
    /// Jobs handed to the pool that no worker has taken yet.
    queued: Arc<AtomicUsize>,
}

/// One worker's life: take a job, run it, repeat; return once the queue is closed and empty.
fn work(jobs: &Mutex<Receiver<Job>>, queued: &AtomicUsize) {
    // TODO: take jobs until `recv` fails; don't hold the lock while a job runs; count the
    // job out of `queued`; a panic in the job must not end this loop.
    todo!()
}

impl ThreadPool {
    pub fn new(workers: usize, capacity: usize) -> ThreadPool {
        // TODO: refuse 0 workers or 0 capacity; a queue of `capacity` jobs whose receiving
        // end all the workers share; one thread per worker running `work`.
        todo!()
    }

    fn sender(&self) -> &SyncSender<Job> {
        self.jobs.as_ref().expect("open until the pool is dropped")
    }

    /// Queues `job`, waiting while the queue is full.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) {
        // TODO: send the boxed job, waiting for room; keep `queued` right (a worker may take
        // the job as soon as it is sent).
        todo!()
    }

    /// Queues `job` if there is room now; `Err(Busy)` (and `job` dropped) if not.
    pub fn try_execute(&self, job: impl FnOnce() + Send + 'static) -> Result<(), Busy> {
        // TODO: send without waiting; a full queue is `Busy` and leaves `queued` unchanged.
        todo!()
    }

    /// How many jobs wait for a worker (the observation hook of the tests).
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::SeqCst)
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        // TODO: close the queue, let the workers finish what is queued, wait for them all.
        todo!()
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::collections::HashSet;
    use std::sync::mpsc::{channel, Receiver, Sender};
    use std::sync::Barrier;

    /// The spin of curriculum §1 rule 6: no sleeps, just let the other threads run.
    fn wait_until(condition: impl Fn() -> bool) {
        while !condition() {
            thread::yield_now();
        }
    }

    fn report(done: &Sender<u32>, n: u32) -> impl FnOnce() + Send + 'static {
        let done = done.clone();
        move || done.send(n).unwrap()
    }

    /// The jobs that have reported so far, sorted.
    fn reported(done: &Receiver<u32>) -> Vec<u32> {
        let mut ran: Vec<u32> = done.try_iter().collect();
        ran.sort();
        ran
    }

    thread_local! {
        /// Whatever a job leaves here is dropped when its worker thread ends.
        static LEFT_ON_WORKER: RefCell<Vec<Arc<()>>> = const { RefCell::new(Vec::new()) };
    }

    /// Keeps every worker busy until the returned gate is dropped (or the test fails).
    /// Each worker also keeps a clone of the returned marker until its thread ends.
    fn occupy_workers(pool: &ThreadPool, workers: usize) -> (Sender<()>, Arc<()>) {
        let (gate, gate_closed) = channel::<()>();
        let (gate_closed, marker) = (Arc::new(Mutex::new(gate_closed)), Arc::new(()));
        for _ in 0..workers {
            let (gate_closed, marker) = (Arc::clone(&gate_closed), Arc::clone(&marker));
            pool.execute(move || {
                LEFT_ON_WORKER.with(|left| left.borrow_mut().push(marker));
                let _ = gate_closed.lock().unwrap().recv(); // until the sender is dropped
            });
        }
        wait_until(|| pool.queued() == 0); // every worker has taken its job
        (gate, marker)
    }

    #[test]
    fn every_worker_runs_a_job_at_the_same_time() {
        let pool = ThreadPool::new(4, 4);
        let (all_started, (done, ran_on)) = (Arc::new(Barrier::new(5)), channel());
        for _ in 0..4 {
            let (all_started, done) = (Arc::clone(&all_started), done.clone());
            pool.execute(move || {
                all_started.wait(); // passes only once four jobs run at the same time
                done.send(thread::current().id()).unwrap();
            });
        }
        all_started.wait();
        let threads: HashSet<_> = (0..4).map(|_| ran_on.recv().unwrap()).collect();
        assert_eq!(threads.len(), 4, "four jobs on four different workers");
        assert!(!threads.contains(&thread::current().id()), "not the caller");
    }

    #[test]
    fn try_execute_is_busy_exactly_when_the_queue_is_full() {
        let (done, ran) = channel();
        let pool = ThreadPool::new(2, 3);
        let (gate, _) = occupy_workers(&pool, 2);
        for n in 1..=3 {
            assert_eq!(pool.try_execute(report(&done, n)), Ok(()), "job {n} fits");
            assert_eq!(pool.queued(), n as usize);
        }
        assert_eq!(pool.try_execute(report(&done, 99)), Err(Busy), "3 of 3");
        assert_eq!(pool.try_execute(report(&done, 99)), Err(Busy), "3 of 3");
        assert_eq!(pool.queued(), 3, "a refused job is not queued");
        drop(gate); // the workers are free: they empty the queue
        wait_until(|| pool.queued() == 0);
        assert_eq!(pool.try_execute(report(&done, 4)), Ok(()), "room again");
        drop(pool);
        assert_eq!(reported(&ran), [1, 2, 3, 4], "refused jobs never run");
    }

    #[test]
    fn execute_waits_for_room_instead_of_dropping_the_job() {
        let (done, ran) = channel();
        let pool = ThreadPool::new(1, 1);
        let (gate, _) = occupy_workers(&pool, 1);
        pool.execute(report(&done, 1));
        assert_eq!(pool.queued(), 1, "the queue is full");
        thread::scope(|s| {
            s.spawn(move || {
                (0..100).for_each(|_| thread::yield_now()); // let `execute` start waiting
                drop(gate);
            });
            pool.execute(report(&done, 2)); // returns once job 1 has left the queue
        });
        drop(pool);
        assert_eq!(reported(&ran), [1, 2], "no job is lost");
    }

    #[test]
    fn a_panicking_job_does_not_kill_its_worker() {
        let (done, ran) = channel();
        let pool = ThreadPool::new(1, 4);
        pool.execute(|| panic!("a job failed (this panic is part of the test)"));
        pool.execute(report(&done, 1));
        drop(pool);
        assert_eq!(reported(&ran), [1], "the only worker runs the next job");
    }

    #[test]
    fn drop_runs_every_queued_job_then_joins_every_worker() {
        let (done, ran) = channel();
        let pool = ThreadPool::new(2, 8);
        let (gate, marker) = occupy_workers(&pool, 2);
        (1..=8).for_each(|n| pool.execute(report(&done, n)));
        assert_eq!(pool.queued(), 8);
        drop(gate);
        drop(pool); // with 8 jobs still queued, or nearly
        assert_eq!(reported(&ran), [1, 2, 3, 4, 5, 6, 7, 8], "queued jobs run");
        assert_eq!(Arc::strong_count(&marker), 1, "both workers have ended");
    }

    #[test]
    #[should_panic]
    fn a_pool_without_workers_is_refused() {
        ThreadPool::new(0, 4);
    }

    #[test]
    #[should_panic]
    fn a_queue_without_room_is_refused() {
        ThreadPool::new(4, 0);
    }
}
