//! # Cache-aside with single-flight
//!
//! Roadmap step: **Caching** (<https://roadmap.sh/backend>): *cache-aside* (lazy loading) is
//! the most common way to put a cache in front of a database: read the cache; on a miss, load
//! from the database and store the result for a while. Done naively, a popular key that
//! expires sends every concurrent request to the database at once (a *thundering herd*, or
//! cache stampede). *Single-flight* lets the first request load while the others wait for
//! its result.
//!
//! 1. `Flight::finish` stores the result of a load and wakes everyone waiting for it;
//!    `Flight::wait` blocks until there is a result and returns a copy of it.
//! 2. `get_or_load(key, loader)`:
//!    - a stored entry that has not expired is returned without calling `loader`;
//!    - if a load of `key` is in flight, count yourself in its `waiters` and wait for it;
//!    - otherwise you lead: put a new flight in the map, call `loader` WITHOUT holding the
//!      map's lock (other keys must not wait for this load), then publish the result.
//!      `Ok(Some(v))` is stored for `ttl`, `Ok(None)` ("no such row") for the shorter
//!      `negative_ttl`, so that lookups of missing keys do not all reach the database. An
//!      error is returned (to the waiters too) but never stored: the next call retries.
//!      An entry expires `ttl` after the load finished: at that instant it is a miss.
//! 3. `invalidate(key)`: called after every write to `key` in the database. It also forgets
//!    a load in flight, whose result may predate the write: that result is still returned to
//!    its callers but must not be stored.
//!
//! Standards:
//! - <https://learn.microsoft.com/en-us/azure/architecture/patterns/cache-aside>
//! - <https://docs.aws.amazon.com/whitepapers/latest/database-caching-strategies-using-redis/caching-patterns.html>
//! - <https://pkg.go.dev/golang.org/x/sync/singleflight> (the pattern's name and API)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::Clock;
use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(pub String);

/// What a loader returns: a value, `None` if the key does not exist, or an error.
pub type Loaded<V> = Result<Option<V>, LoadError>;

/// One load in progress, shared by its leader and the callers waiting for it.
struct Flight<V> {
    result: Mutex<Option<Loaded<V>>>,
    done: Condvar,
}

impl<V: Clone> Flight<V> {
    fn new() -> Self {
        Flight {
            result: Mutex::new(None),
            done: Condvar::new(),
        }
    }

    fn finish(&self, result: Loaded<V>) {
        *self.result.lock().unwrap() = Some(result);
        self.done.notify_all();
    }

    fn wait(&self) -> Loaded<V> {
        let result = self.result.lock().unwrap();
        // `wait_while` also copes with spurious wake-ups.
        let result = self.done.wait_while(result, |r| r.is_none()).unwrap();
        result.clone().expect("finished")
    }
}

enum Entry<V> {
    /// A loaded value (`None`: the key does not exist) and when it expires, in unix ms.
    Ready(Option<V>, u64),
    /// A load in flight, and how many callers wait for it.
    Loading(Arc<Flight<V>>, usize),
}

pub struct Cache<V> {
    clock: Arc<dyn Clock>,
    ttl: Duration,
    negative_ttl: Duration,
    entries: Mutex<HashMap<String, Entry<V>>>,
}

impl<V: Clone> Cache<V> {
    pub fn new(clock: Arc<dyn Clock>, ttl: Duration, negative_ttl: Duration) -> Self {
        let entries = Mutex::new(HashMap::new());
        Cache {
            clock,
            ttl,
            negative_ttl,
            entries,
        }
    }

    /// How many callers wait for the load of `key` in flight (0 if none).
    pub fn pending_waiters(&self, key: &str) -> usize {
        match self.entries.lock().unwrap().get(key) {
            Some(Entry::Loading(_, waiters)) => *waiters,
            _ => 0,
        }
    }

    pub fn get_or_load(&self, key: &str, loader: impl FnOnce() -> Loaded<V>) -> Loaded<V> {
        let mut entries = self.entries.lock().unwrap();
        let now = self.clock.now_unix_ms();
        match entries.get_mut(key) {
            Some(Entry::Ready(value, expires_at_ms)) if now < *expires_at_ms => {
                return Ok(value.clone());
            }
            Some(Entry::Loading(flight, waiters)) => {
                *waiters += 1;
                let flight = Arc::clone(flight);
                drop(entries); // never block while holding the map
                return flight.wait();
            }
            _ => {} // a miss, or expired: lead a new load
        }
        let flight = Arc::new(Flight::new());
        entries.insert(key.to_string(), Entry::Loading(Arc::clone(&flight), 0));
        drop(entries);

        let result = loader();

        let mut entries = self.entries.lock().unwrap();
        // Still our flight? An `invalidate` during the load removed (or replaced) it.
        if matches!(entries.get(key), Some(Entry::Loading(f, _)) if Arc::ptr_eq(f, &flight)) {
            if let Ok(value) = &result {
                let ttl = value.as_ref().map_or(self.negative_ttl, |_| self.ttl);
                let expires_at_ms = self.clock.now_unix_ms() + ttl.as_millis() as u64;
                entries.insert(key.to_string(), Entry::Ready(value.clone(), expires_at_ms));
            } else {
                entries.remove(key);
            }
        }
        drop(entries);
        flight.finish(result.clone());
        result
    }

    pub fn invalidate(&self, key: &str) {
        self.entries.lock().unwrap().remove(key);
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::ManualClock;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::sync::mpsc::{channel, Receiver, Sender};
    use std::thread;

    const TTL: Duration = Duration::from_secs(60);
    const NEGATIVE_TTL: Duration = Duration::from_secs(5);
    const MS: Duration = Duration::from_millis(1);
    type Res = Loaded<&'static str>;
    const ADA: Res = Ok(Some("Ada"));
    const BOB: Res = Ok(Some("Bob"));
    const GONE: Res = Ok(None);

    fn setup() -> (Arc<ManualClock>, Cache<&'static str>) {
        let clock = Arc::new(ManualClock::new(1_700_000_000_000));
        (clock.clone(), Cache::new(clock, TTL, NEGATIVE_TTL))
    }

    /// `get_or_load(key)` with a loader that would return `offer`: the answer, and whether
    /// the loader was called.
    fn get(cache: &Cache<&'static str>, key: &str, offer: Res) -> (Res, bool) {
        let mut called = false;
        let got = cache.get_or_load(key, || {
            called = true;
            offer
        });
        (got, called)
    }

    /// A loader that counts its calls, then blocks until the test sends it a result (the
    /// calls after the first fail at once, so that a broken cache cannot hang the test).
    struct Gate(AtomicUsize, Mutex<Receiver<Res>>);

    fn gate() -> (Sender<Res>, Gate) {
        let (tx, rx) = channel();
        (tx, Gate(AtomicUsize::new(0), Mutex::new(rx)))
    }

    impl Gate {
        fn load(&self) -> Res {
            if self.0.fetch_add(1, SeqCst) > 0 {
                return Err(LoadError("a second load while one is in flight".into()));
            }
            self.1.lock().unwrap().recv().unwrap()
        }

        fn calls(&self) -> usize {
            self.0.load(SeqCst)
        }
    }

    /// Runs `n` threads that `get_or_load(key)` through the gate; once `n - 1` of them wait
    /// for the first one's load, sends `result`. Returns what each thread got.
    fn herd(cache: &Cache<&'static str>, key: &str, n: usize, result: Res) -> Vec<Res> {
        let (release, gate) = gate();
        let (waiting, results) = thread::scope(|s| {
            let load = || cache.get_or_load(key, || gate.load());
            let threads: Vec<_> = (0..n).map(|_| s.spawn(load)).collect();
            let running = || !threads.iter().any(|t| t.is_finished());
            while cache.pending_waiters(key) != n - 1 && running() {
                thread::yield_now();
            }
            let waiting = cache.pending_waiters(key);
            release.send(result).unwrap();
            let results = threads.into_iter().map(|t| t.join().unwrap());
            (waiting, results.collect())
        });
        assert_eq!(waiting, n - 1, "the others wait for the leader's load");
        assert_eq!(gate.calls(), 1, "only the leader calls the loader");
        results
    }

    #[test]
    fn eight_concurrent_misses_call_the_loader_once() {
        let (_clock, cache) = setup();
        let results = herd(&cache, "user:1", 8, ADA);
        assert_eq!(results, [ADA; 8], "every caller gets the value");
        assert_eq!(cache.pending_waiters("user:1"), 0, "the flight is over");
        assert_eq!(get(&cache, "user:1", BOB), (ADA, false), "now a hit");
    }

    #[test]
    fn a_value_is_cached_until_its_ttl_runs_out() {
        let (clock, cache) = setup();
        assert_eq!(get(&cache, "k", ADA), (ADA, true), "a miss");
        clock.advance(TTL - MS);
        assert_eq!(get(&cache, "k", BOB), (ADA, false), "1 ms before expiry");
        clock.advance(MS);
        assert_eq!(get(&cache, "k", BOB), (BOB, true), "expired at the TTL");
        clock.advance(TTL - MS);
        assert_eq!(get(&cache, "k", ADA), (BOB, false), "TTL from the reload");
    }

    #[test]
    fn a_missing_key_is_cached_for_the_shorter_negative_ttl() {
        let (clock, cache) = setup();
        assert_eq!(get(&cache, "user:404", GONE), (GONE, true), "a miss");
        clock.advance(NEGATIVE_TTL - MS);
        assert_eq!(get(&cache, "user:404", ADA), (GONE, false), "still gone");
        clock.advance(MS);
        assert_eq!(get(&cache, "user:404", ADA), (ADA, true), "expired");
    }

    #[test]
    fn an_error_reaches_every_waiter_and_is_not_cached() {
        let (_clock, cache) = setup();
        let down: Res = Err(LoadError("db down".into()));
        let results = herd(&cache, "k", 3, down.clone());
        assert_eq!(results, vec![down.clone(); 3], "the waiters get it too");
        assert_eq!(get(&cache, "k", down.clone()), (down, true), "not cached");
        assert_eq!(get(&cache, "k", ADA), (ADA, true), "each call retries");
        assert_eq!(get(&cache, "k", BOB), (ADA, false), "a value is cached");
    }

    #[test]
    fn a_write_invalidates_the_cached_entry() {
        let (_clock, cache) = setup();
        assert_eq!(get(&cache, "k", ADA), (ADA, true));
        assert_eq!(get(&cache, "user:404", GONE), (GONE, true));
        cache.invalidate("k");
        cache.invalidate("never-loaded"); // nothing to do
        assert_eq!(get(&cache, "k", BOB), (BOB, true), "reloaded");
        assert_eq!(get(&cache, "k", ADA), (BOB, false), "and cached");
        cache.invalidate("user:404");
        assert_eq!(
            get(&cache, "user:404", ADA),
            (ADA, true),
            "a negative entry too"
        );
    }

    #[test]
    fn a_slow_load_blocks_no_other_key_and_a_write_during_it_wins() {
        let (_clock, cache) = setup();
        let (release, gate) = gate();
        let (other, first) = thread::scope(|s| {
            let reader = s.spawn(|| cache.get_or_load("k", || gate.load()));
            while gate.calls() == 0 && !reader.is_finished() {
                thread::yield_now();
            }
            // While "k" loads, other keys are served (a lock held during a load hangs here).
            let other = get(&cache, "other", BOB);
            // A write to "k" lands while its (now stale) load is in flight.
            cache.invalidate("k");
            release.send(ADA).unwrap();
            (other, reader.join().unwrap())
        });
        assert_eq!(other, (BOB, true), "another key, during the load");
        assert_eq!(first, ADA, "the reader gets the result of its load");
        let after = get(&cache, "k", BOB);
        assert_eq!(after, (BOB, true), "the stale ADA must not be stored");
    }
}
