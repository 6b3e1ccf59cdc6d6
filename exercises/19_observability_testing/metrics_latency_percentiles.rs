//! # Latency percentiles and an SLO check
//!
//! Roadmap step: **Observability: metrics, SLOs** (<https://roadmap.sh/backend>): an average
//! hides the slow requests that users remember. Service level objectives are written with
//! percentiles ("99 % of requests within 250 ms") and an error budget ("at most 1 % fail").
//! Exact percentiles need every sample; Prometheus only keeps histogram buckets and
//! estimates a quantile from them by linear interpolation, with a known error.
//!
//! 1. `nearest_rank`: the nearest-rank percentile of sorted samples: the value at the
//!    1-based rank `ceil(p × n)`, and at least rank 1. `p` is in per mille (p99 is 990,
//!    p99.9 is 999), so the rank is exact integer arithmetic. `None` for no samples or
//!    `per_mille > 1000`.
//! 2. `summarize`: count, mean, max, p50, p90 and p99 of unsorted samples.
//! 3. `histogram_quantile`: Prometheus' estimate from cumulative buckets `(le, count)` sorted
//!    by `le`, the last one `+Inf`. The rank is `q × total`; take the first bucket whose
//!    count reaches it and interpolate linearly between its lower bound (the previous `le`;
//!    0 for the first bucket) and its `le`. If only the `+Inf` bucket reaches it, return the
//!    highest finite `le`; if the first bucket's `le` is ≤ 0, return that `le`. `None`
//!    where Prometheus returns NaN: `q` outside 0..=1, fewer than two buckets, no `+Inf`
//!    bucket last, or no observations.
//! 4. `run_load`: call the service `requests` times, timing each call with the `Clock`
//!    (a clock that went backwards counts as 0 ms).
//! 5. `check_slo`: p99 latency at most `slo.p99_ms`, and server errors (5xx; a 4xx is the
//!    client's fault) at most `slo.max_errors_per_mille` of the requests, both included.
//!    `None` without requests: no data is not a met objective.
//!
//! Standards:
//! - <https://en.wikipedia.org/wiki/Percentile#The_nearest-rank_method>
//! - <https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile>
//! - <https://prometheus.io/docs/practices/histograms/#errors-of-quantile-estimation>
//! - <https://sre.google/sre-book/service-level-objectives/>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::Clock;

pub fn nearest_rank(sorted: &[u64], per_mille: u32) -> Option<u64> {
    // TODO: the 1-based rank ceil(per_mille × n / 1000), at least 1, in integers.
    todo!()
}

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub count: usize,
    pub mean_ms: f64,
    pub max_ms: u64,
    pub p50_ms: u64,
    pub p90_ms: u64,
    pub p99_ms: u64,
}

pub fn summarize(samples_ms: &[u64]) -> Option<Summary> {
    // TODO: sort a copy once; the mean from a sum that cannot overflow.
    todo!()
}

pub fn histogram_quantile(q: f64, buckets: &[(f64, u64)]) -> Option<f64> {
    // TODO: Prometheus' interpolation (see the top comment).
    todo!()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub latency_ms: u64,
    pub status: u16,
}

/// Calls `call(i)` for `i` in `0..requests`; each call returns the response's status.
pub fn run_load(
    clock: &dyn Clock,
    requests: usize,
    mut call: impl FnMut(usize) -> u16,
) -> Vec<Sample> {
    // TODO: read the clock before and after each call.
    todo!()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slo {
    pub p99_ms: u64,
    pub max_errors_per_mille: u64,
}

/// p99 ≤ 250 ms and at most 1 % of server errors.
pub const SLO: Slo = Slo {
    p99_ms: 250,
    max_errors_per_mille: 10,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SloReport {
    pub requests: usize,
    pub errors: usize,
    pub p99_ms: u64,
    pub latency_ok: bool,
    pub errors_ok: bool,
}

pub fn check_slo(samples: &[Sample], slo: &Slo) -> Option<SloReport> {
    // TODO: the p99 of the latencies, the 5xx count, both limits included.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::ManualClock;
    use std::time::Duration;

    #[test]
    fn nearest_rank_matches_the_textbook_examples() {
        let five = [15, 20, 35, 40, 50];
        let got: Vec<_> = [50, 300, 400, 500, 1000]
            .map(|p| nearest_rank(&five, p))
            .into();
        assert_eq!(
            got,
            [15, 20, 20, 35, 50].map(Some),
            "p5, p30, p40, p50, p100"
        );
        let ten = [3, 6, 7, 8, 8, 10, 13, 15, 16, 20];
        let got: Vec<_> = [250, 500, 750, 1000].map(|p| nearest_rank(&ten, p)).into();
        assert_eq!(got, [7, 8, 15, 20].map(Some), "p25, p50, p75, p100");
        let eleven = [3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20];
        let got: Vec<_> = [250, 500, 750, 1000]
            .map(|p| nearest_rank(&eleven, p))
            .into();
        assert_eq!(got, [7, 9, 15, 20].map(Some), "p25, p50, p75, p100");
    }

    #[test]
    fn nearest_rank_edges() {
        assert_eq!(nearest_rank(&[], 500), None, "no samples, no percentile");
        assert_eq!(nearest_rank(&[1, 2], 1001), None, "above p100");
        assert_eq!(nearest_rank(&[4, 9], 0), Some(4), "p0 is the smallest");
        assert_eq!(nearest_rank(&[4, 9], 1), Some(4));
        assert_eq!(nearest_rank(&[42], 999), Some(42));
        let hundred: Vec<u64> = (1..=100).collect();
        // In f64, 0.07 × 100 is 7.000000000000001: its ceil is 8.
        let got = [70, 140, 560, 990, 991, 999].map(|p| nearest_rank(&hundred, p));
        assert_eq!(got, [7, 14, 56, 99, 100, 100].map(Some), "exact ranks");
        let thousand: Vec<u64> = (1..=1000).collect();
        assert_eq!(nearest_rank(&thousand, 999), Some(999), "p99.9");
    }

    #[test]
    fn a_summary_of_unsorted_samples() {
        let samples = [30, 10, 45, 20];
        let summary = summarize(&samples).expect("four samples");
        let (count, mean_ms, max_ms) = (4, 26.25, 45); // 105 / 4: exact in binary
        let (p50_ms, p90_ms, p99_ms) = (20, 45, 45);
        let expected = Summary {
            count,
            mean_ms,
            max_ms,
            p50_ms,
            p90_ms,
            p99_ms,
        };
        assert_eq!(summary, expected);
        assert_eq!(summarize(&[]), None);
        let huge = summarize(&[u64::MAX, u64::MAX]).expect("two samples");
        assert_eq!(huge.mean_ms, u64::MAX as f64, "the sum must not overflow");
        let mut latencies: Vec<u64> = (1..=1000).rev().collect();
        latencies.push(60_000); // one request hung for a minute
        let tail = summarize(&latencies).unwrap();
        assert_eq!(
            (tail.p50_ms, tail.p90_ms, tail.p99_ms, tail.max_ms),
            (501, 901, 991, 60_000)
        );
        assert!(
            tail.mean_ms > 559.0,
            "one outlier pulls the mean far above the median"
        );
    }

    const INF: f64 = f64::INFINITY;
    const BUCKETS: [(f64, u64); 6] = [
        (0.05, 10),
        (0.1, 30),
        (0.25, 80),
        (0.5, 95),
        (1.0, 99),
        (INF, 100),
    ];

    fn assert_close(got: Option<f64>, expected: f64, what: &str) {
        let got = got.unwrap_or_else(|| panic!("{what}: expected {expected}, got None"));
        assert!(
            (got - expected).abs() < 1e-9,
            "{what}: expected {expected}, got {got}"
        );
    }

    #[test]
    fn histogram_quantile_interpolates_within_the_bucket() {
        assert_close(
            histogram_quantile(0.05, &BUCKETS),
            0.025,
            "rank 5 in 0..0.05",
        );
        assert_close(
            histogram_quantile(0.2, &BUCKETS),
            0.075,
            "rank 20 in 0.05..0.1",
        );
        assert_close(
            histogram_quantile(0.3, &BUCKETS),
            0.1,
            "rank 30 ends 0.05..0.1",
        );
        assert_close(
            histogram_quantile(0.5, &BUCKETS),
            0.16,
            "rank 50 in 0.1..0.25",
        );
        assert_close(
            histogram_quantile(0.9, &BUCKETS),
            0.25 + 0.25 * 10.0 / 15.0,
            "p90",
        );
        assert_close(
            histogram_quantile(0.97, &BUCKETS),
            0.75,
            "rank 97 in 0.5..1",
        );
        assert_close(
            histogram_quantile(0.99, &BUCKETS),
            1.0,
            "rank 99 ends 0.5..1",
        );
    }

    #[test]
    fn the_inf_bucket_returns_the_highest_finite_bound() {
        assert_close(
            histogram_quantile(0.995, &BUCKETS),
            1.0,
            "rank 99.5 is past 1",
        );
        assert_close(histogram_quantile(1.0, &BUCKETS), 1.0, "p100");
        let all_slow = [(0.1, 0), (0.5, 0), (INF, 7)];
        assert_close(
            histogram_quantile(0.5, &all_slow),
            0.5,
            "every value above 0.5",
        );
        let negative = [(-1.0, 5), (0.0, 5), (INF, 10)];
        assert_close(histogram_quantile(0.2, &negative), -1.0, "first le <= 0");
        let zero_first = [(0.0, 5), (1.0, 10), (INF, 10)];
        assert_close(histogram_quantile(0.2, &zero_first), 0.0, "first le = 0");
        assert_close(histogram_quantile(0.75, &zero_first), 0.5, "then 0..1");
    }

    #[test]
    fn histogram_quantile_without_an_answer() {
        assert_eq!(histogram_quantile(-0.1, &BUCKETS), None, "q < 0");
        assert_eq!(histogram_quantile(1.01, &BUCKETS), None, "q > 1");
        assert_eq!(histogram_quantile(f64::NAN, &BUCKETS), None, "q is NaN");
        assert_eq!(
            histogram_quantile(0.5, &[(0.1, 0), (INF, 0)]),
            None,
            "no data"
        );
        assert_eq!(histogram_quantile(0.5, &[(INF, 4)]), None, "one bucket");
        assert_eq!(
            histogram_quantile(0.5, &[(0.1, 1), (1.0, 4)]),
            None,
            "no +Inf"
        );
        assert_eq!(histogram_quantile(0.5, &[]), None, "no buckets");
    }

    #[test]
    fn the_estimate_is_close_to_the_exact_percentile() {
        let samples: Vec<u64> = (1..=1000).map(|i| i * 7 % 400 + 1).collect();
        let bounds = [50.0, 100.0, 200.0, 300.0, 400.0];
        let buckets: Vec<(f64, u64)> = (bounds.iter().chain([&INF]))
            .map(|&le| {
                (
                    le,
                    samples.iter().filter(|&&s| s as f64 <= le).count() as u64,
                )
            })
            .collect();
        let exact = summarize(&samples).unwrap().p90_ms as f64;
        let estimate = histogram_quantile(0.9, &buckets).unwrap();
        assert!(
            (estimate - exact).abs() <= 100.0,
            "within one bucket: {estimate} vs {exact}"
        );
    }

    #[test]
    fn run_load_times_each_call_with_the_clock() {
        let clock = ManualClock::new(1_700_000_000_000);
        let latencies = [12, 250, 0, 7];
        let samples = run_load(&clock, 4, |i| {
            clock.advance(Duration::from_millis(latencies[i]));
            if i == 2 {
                503
            } else {
                200
            }
        });
        let expected = [(12, 200), (250, 200), (0, 503), (7, 200)]
            .map(|(latency_ms, status)| Sample { latency_ms, status });
        assert_eq!(samples, expected);
        let backwards = run_load(&clock, 1, |_| {
            clock.set(1_600_000_000_000);
            200
        });
        assert_eq!(
            backwards[0].latency_ms, 0,
            "a clock that jumps back is not a crash"
        );
    }

    /// 1000 requests: `slow` of them (up to 11) take 400 ms, the others 20 to 250 ms;
    /// `failing` of them (up to 11) answer 500; every 50th answers 404.
    fn simulated_run(slow: usize, failing: usize) -> Vec<Sample> {
        let clock = ManualClock::new(0);
        run_load(&clock, 1000, |i| {
            let latency = if i % 91 == 0 && i / 91 < slow {
                400
            } else {
                20 + i * 37 % 231
            };
            clock.advance(Duration::from_millis(latency as u64));
            match i {
                _ if i % 97 == 1 && i / 97 < failing => 500,
                _ if i % 50 == 3 => 404,
                _ => 200,
            }
        })
    }

    #[test]
    fn slo_verdicts_on_simulated_runs() {
        let report = check_slo(&simulated_run(10, 10), &SLO).unwrap();
        assert_eq!((report.requests, report.errors), (1000, 10));
        assert!(
            report.latency_ok && report.errors_ok,
            "exactly at both limits: {report:?}"
        );
        assert!(report.p99_ms <= 250);
        let slow = check_slo(&simulated_run(11, 10), &SLO).unwrap();
        assert_eq!(
            (slow.p99_ms, slow.latency_ok, slow.errors_ok),
            (400, false, true)
        );
        let failing = check_slo(&simulated_run(0, 11), &SLO).unwrap();
        assert_eq!(
            (failing.errors, failing.latency_ok, failing.errors_ok),
            (11, true, false)
        );
        assert_eq!(check_slo(&[], &SLO), None, "no traffic, no verdict");
    }

    #[test]
    fn slo_limits_are_inclusive_and_integer() {
        let sample = |latency_ms, status| Sample { latency_ms, status };
        let mut run = vec![sample(250, 200); 149];
        run.push(sample(250, 503)); // 1 of 150: 0.67 %
        let report = check_slo(&run, &SLO).unwrap();
        assert_eq!(
            (report.p99_ms, report.latency_ok, report.errors_ok),
            (250, true, true)
        );
        run[0] = sample(251, 502); // 2 of 150: 1.33 %
        let report = check_slo(&run, &SLO).unwrap();
        assert_eq!(
            (report.errors, report.latency_ok, report.errors_ok),
            (2, true, false)
        );
        let strict = Slo {
            p99_ms: 100,
            max_errors_per_mille: 0,
        };
        let report = check_slo(&[sample(100, 200), sample(99, 499)], &strict).unwrap();
        assert!(
            report.latency_ok && report.errors_ok,
            "499 is not a server error"
        );
        let mut run = vec![sample(101, 200); 999];
        run.push(sample(99, 500)); // 0.1 %
        let report = check_slo(&run, &strict).unwrap();
        assert!(
            !report.latency_ok && !report.errors_ok,
            "no error budget at all"
        );
    }
}
