//! # Load balancing: round robin, smooth weighted round robin, least connections
//!
//! Roadmap step: **Horizontal scaling / load balancers** (<https://roadmap.sh/backend>):
//! once a service runs on several servers, something must decide which one gets the next
//! request, and must stop sending requests to a server that is down.
//!
//! Every strategy skips unhealthy backends, and returns `None` when none is healthy.
//!
//! 1. `round_robin`: the healthy backends in list order, one after the other; weights are
//!    ignored.
//! 2. `weighted`: nginx's *smooth* weighted round robin. On each pick, every healthy
//!    backend's `current` grows by its `weight`; the one with the largest `current` wins
//!    (the first in the list on a tie) and its `current` drops by the sum of the healthy
//!    weights. With weights a=5, b=1, c=1 that gives `a a b a c a a`: spread out, not
//!    `a a a a a b c`.
//! 3. `least_connections`: the healthy backend with the fewest open connections (the
//!    first in the list on a tie). The returned `Connection` counts as open until it is
//!    dropped: its `Drop` gives the connection back, however the request ends.
//!
//! Standards:
//! - <https://github.com/nginx/nginx/commit/52327e0627f49dbda1e8db695e63a4b0af4448b1>
//!   (nginx's smooth weighted round robin)
//! - <https://nginx.org/en/docs/http/ngx_http_upstream_module.html#least_conn>
//! - <https://docs.haproxy.org/3.0/configuration.html#4.2-balance> (`roundrobin`, `leastconn`)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

pub struct Backend {
    pub name: &'static str,
    pub weight: i64,
    pub healthy: bool,
    /// Smooth weighted round robin state.
    current: i64,
    /// Open connections; shared with the `Connection` guards.
    active: Arc<AtomicUsize>,
}

pub struct Pool {
    backends: Vec<Backend>,
    /// Where `round_robin` looks first.
    next: usize,
}

/// An open connection to `backend`; dropping it closes it.
#[derive(Debug)]
pub struct Connection {
    pub backend: &'static str,
    active: Arc<AtomicUsize>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.active.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Pool {
    /// `(name, weight)` pairs; every backend starts healthy.
    pub fn new(backends: &[(&'static str, i64)]) -> Self {
        let backends = backends
            .iter()
            .map(|&(name, weight)| Backend {
                name,
                weight,
                healthy: true,
                current: 0,
                active: Arc::new(AtomicUsize::new(0)),
            })
            .collect();
        Pool { backends, next: 0 }
    }

    /// Marks a backend up or down (what a health check would do).
    pub fn set_healthy(&mut self, name: &str, healthy: bool) {
        for backend in self.backends.iter_mut().filter(|b| b.name == name) {
            backend.healthy = healthy;
        }
    }

    /// How many connections to `name` are open.
    pub fn active(&self, name: &str) -> usize {
        let backend = self.backends.iter().find(|b| b.name == name);
        backend.map_or(0, |b| b.active.load(Ordering::SeqCst))
    }

    pub fn round_robin(&mut self) -> Option<&'static str> {
        let n = self.backends.len();
        let index = (self.next..self.next + n)
            .map(|i| i % n)
            .find(|&i| self.backends[i].healthy)?;
        self.next = index + 1;
        Some(self.backends[index].name)
    }

    pub fn weighted(&mut self) -> Option<&'static str> {
        let mut total = 0;
        for backend in self.backends.iter_mut().filter(|b| b.healthy) {
            backend.current += backend.weight;
            total += backend.weight;
        }
        // Not `max_by_key`: on a tie it returns the LAST of the largest.
        let best = self
            .backends
            .iter_mut()
            .filter(|b| b.healthy)
            .reduce(|best, b| if b.current > best.current { b } else { best })?;
        best.current -= total;
        Some(best.name)
    }

    pub fn least_connections(&self) -> Option<Connection> {
        let best = self
            .backends
            .iter()
            .filter(|b| b.healthy)
            .min_by_key(|b| b.active.load(Ordering::SeqCst))?;
        best.active.fetch_add(1, Ordering::SeqCst);
        let active = Arc::clone(&best.active);
        Some(Connection {
            backend: best.name,
            active,
        })
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    fn picks(n: usize, mut pick: impl FnMut() -> Option<&'static str>) -> Vec<&'static str> {
        (0..n).map(|_| pick().unwrap_or("-")).collect()
    }

    #[test]
    fn round_robin_takes_turns_and_ignores_weights() {
        let mut pool = Pool::new(&[("a", 5), ("b", 1), ("c", 1)]);
        let order = picks(7, || pool.round_robin());
        assert_eq!(order.join(" "), "a b c a b c a");
    }

    #[test]
    fn round_robin_skips_unhealthy_backends() {
        let mut pool = Pool::new(&[("a", 1), ("b", 1), ("c", 1)]);
        assert_eq!(pool.round_robin(), Some("a"));
        pool.set_healthy("b", false);
        assert_eq!(picks(4, || pool.round_robin()).join(" "), "c a c a");
        pool.set_healthy("b", true);
        assert_eq!(picks(4, || pool.round_robin()).join(" "), "b c a b");
    }

    #[test]
    fn smooth_weighted_round_robin_spreads_the_heavy_backend_out() {
        let mut pool = Pool::new(&[("a", 5), ("b", 1), ("c", 1)]);
        let order = picks(14, || pool.weighted());
        assert_eq!(order.join(" "), "a a b a c a a a a b a c a a");
    }

    #[test]
    fn smooth_weighted_round_robin_keeps_the_proportions() {
        let mut pool = Pool::new(&[("a", 3), ("b", 2), ("c", 1)]);
        let order = picks(6, || pool.weighted());
        assert_eq!(order.join(" "), "a b a c b a");
        let order = picks(600, || pool.weighted());
        let count = |name| order.iter().filter(|&&n| n == name).count();
        assert_eq!((count("a"), count("b"), count("c")), (300, 200, 100));
    }

    #[test]
    fn smooth_weighted_round_robin_skips_unhealthy_backends() {
        let mut pool = Pool::new(&[("a", 5), ("b", 1), ("c", 1)]);
        pool.set_healthy("b", false);
        let order = picks(12, || pool.weighted());
        assert_eq!(order.join(" "), "a a a c a a a a a c a a");
    }

    #[test]
    fn least_connections_picks_the_least_busy_backend() {
        let pool = Pool::new(&[("a", 1), ("b", 1), ("c", 1)]);
        let first = pool.least_connections().unwrap();
        let second = pool.least_connections().unwrap();
        let third = pool.least_connections().unwrap();
        let names = [first.backend, second.backend, third.backend];
        assert_eq!(names, ["a", "b", "c"], "ties go to the first in the list");
        let fourth = pool.least_connections().unwrap();
        assert_eq!(fourth.backend, "a");
        assert_eq!((pool.active("a"), pool.active("b")), (2, 1));
        drop(second);
        assert_eq!(pool.active("b"), 0, "dropping the connection closes it");
        assert_eq!(pool.least_connections().unwrap().backend, "b");
        assert_eq!(pool.active("b"), 0, "a connection dropped at once");
        drop((first, third, fourth));
        assert_eq!(pool.active("a") + pool.active("c"), 0);
    }

    #[test]
    fn least_connections_releases_on_panic_and_skips_unhealthy_backends() {
        let mut pool = Pool::new(&[("a", 1), ("b", 1)]);
        let result = std::panic::catch_unwind(|| {
            let _conn = pool.least_connections().unwrap();
            panic!("the request handler crashed");
        });
        assert!(result.is_err());
        assert_eq!(pool.active("a"), 0, "the guard closed it during the unwind");
        pool.set_healthy("a", false);
        let conn = pool.least_connections().unwrap();
        assert_eq!(conn.backend, "b", "a is down, even with fewer connections");
        let again = pool.least_connections().unwrap();
        assert_eq!((again.backend, pool.active("b")), ("b", 2));
    }

    #[test]
    fn all_backends_down_means_none() {
        let mut pool = Pool::new(&[("a", 5), ("b", 1)]);
        pool.set_healthy("a", false);
        pool.set_healthy("b", false);
        assert_eq!(pool.round_robin(), None);
        assert_eq!(pool.weighted(), None);
        assert!(pool.least_connections().is_none());
        pool.set_healthy("b", true);
        assert_eq!(pool.round_robin(), Some("b"));
        assert_eq!(pool.weighted(), Some("b"));
        assert_eq!(pool.least_connections().unwrap().backend, "b");
        assert_eq!(Pool::new(&[]).round_robin(), None, "an empty pool");
    }
}
