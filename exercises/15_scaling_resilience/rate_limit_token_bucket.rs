//! # Rate limiting: a token bucket, 429 and the RateLimit fields, login throttling
//!
//! Roadmap step: **Building for scale: throttling** (<https://roadmap.sh/backend>): one
//! client must not take all the capacity, and nobody may guess passwords at machine speed.
//!
//! Each key (client, IP, account) has a bucket of `quota` tokens that refills evenly, the
//! whole bucket in `window_secs`; a request takes one token. Amounts are integer
//! milli-tokens (1 token = 1000): no float drift. A new key starts with a full bucket.
//!
//! 1. `Policy::available`: what a bucket holds now: its stored milli-tokens plus
//!    `elapsed_ms × quota / window_secs` (rounded down) since `updated_ms`, at most the quota.
//! 2. `check`: with a whole token available, take it and store the new amount and time:
//!    `Allow { remaining, next_in }` (whole tokens left, seconds until the next one).
//!    Else `Deny { retry_after }`, storing nothing, so that the elapsed time keeps adding
//!    up (a client polling every millisecond refills on time). Seconds are rounded up.
//! 3. `limit`: 429 with `Retry-After` when denied (the handler does not run). Both cases
//!    carry `RateLimit-Policy: "<name>";q=<quota>;w=<window>` and
//!    `RateLimit: "<name>";r=<remaining>;t=<seconds>` (`r=0;t=<retry_after>` when denied).
//! 4. `LoginThrottle::login`: one bucket per IP, one per account (usernames are
//!    case-insensitive). If either bucket is empty: 429, `Retry-After` the longer wait, no
//!    password check, and no token taken from the other bucket. Else take one from each.
//!    Unknown accounts are throttled exactly like real ones.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc6585#section-4> (429 Too Many Requests)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3> (Retry-After)
//! - <https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-ratelimit-headers-11#section-3>
//!   (RateLimit-Policy; §4 RateLimit)
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#login-throttling>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::Clock;
use http::header::{HeaderName, RETRY_AFTER};
use http::{Response, StatusCode};
use std::collections::BTreeMap;

pub const MILLI: u64 = 1000;
const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
pub const LOGIN_FAILED: &str = "invalid username or password";
pub const LOGIN_THROTTLED: &str = "too many login attempts, try again later";

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub name: &'static str,
    /// Bucket size: the burst a client may send at once.
    pub quota: u64,
    /// The time an empty bucket takes to refill completely.
    pub window_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow { remaining: u64, next_in: u64 },
    Deny { retry_after: u64 },
}

/// The milli-tokens a bucket held at `updated_ms`.
struct Bucket {
    milli: u64,
    updated_ms: u64,
}

impl Policy {
    /// What `bucket` holds at `now_ms`.
    fn available(&self, bucket: &Bucket, now_ms: u64) -> u64 {
        // TODO: the stored milli-tokens plus what the time since `updated_ms` refilled,
        // never more than the quota.
        todo!()
    }

    /// Seconds, rounded up, until a bucket holding `milli` holds one more whole token.
    fn secs_to_next_token(&self, milli: u64) -> u64 {
        let missing = MILLI - milli % MILLI;
        (missing * self.window_secs).div_ceil(self.quota * MILLI)
    }
}

pub struct RateLimiter<'a> {
    policy: Policy,
    clock: &'a dyn Clock,
    buckets: BTreeMap<String, Bucket>,
}

impl<'a> RateLimiter<'a> {
    pub fn new(policy: Policy, clock: &'a dyn Clock) -> Self {
        let buckets = BTreeMap::new();
        RateLimiter {
            policy,
            clock,
            buckets,
        }
    }

    pub fn check(&mut self, key: &str) -> Decision {
        // TODO: find or create (full) the bucket of `key`; take a token if one is available
        // and store what is left with the time, or deny and store nothing.
        todo!()
    }

    /// Seconds until `key` may send again, `None` if it may now. Takes no token.
    pub fn wait(&self, key: &str) -> Option<u64> {
        let (policy, now) = (self.policy, self.clock.now_unix_ms());
        let milli = policy.available(self.buckets.get(key)?, now); // no bucket yet: full
        (milli < MILLI).then(|| policy.secs_to_next_token(milli))
    }
}

fn text(status: StatusCode, body: &str) -> Response<String> {
    let mut res = Response::new(body.to_string());
    *res.status_mut() = status;
    res
}

pub fn limit(
    limiter: &mut RateLimiter,
    key: &str,
    handler: impl FnOnce() -> Response<String>,
) -> Response<String> {
    // TODO: `check` the key; run the handler only when allowed, else answer 429 with
    // `Retry-After`; add `RATELIMIT_POLICY` and `RATELIMIT` in both cases.
    todo!()
}

pub struct LoginThrottle<'a> {
    pub per_ip: RateLimiter<'a>,
    pub per_account: RateLimiter<'a>,
}

impl LoginThrottle<'_> {
    /// `verify(username, password)` is the real (slow, Argon2) password check.
    pub fn login(
        &mut self,
        ip: &str,
        username: &str,
        password: &str,
        verify: impl FnOnce(&str, &str) -> bool,
    ) -> Response<String> {
        // TODO: ask both buckets (`wait` takes nothing); 429 with `LOGIN_THROTTLED` and the
        // longer wait if either is empty. Else take a token from each, then `verify`:
        // 200 "welcome" or 401 `LOGIN_FAILED`.
        todo!()
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::ManualClock;
    use std::time::Duration;

    const T0: u64 = 1_700_000_000_000;
    #[rustfmt::skip]
    const API: Policy = Policy { name: "default", quota: 10, window_secs: 60 };

    const fn allow(remaining: u64, next_in: u64) -> Decision {
        Decision::Allow { remaining, next_in }
    }

    const fn deny(retry_after: u64) -> Decision {
        Decision::Deny { retry_after }
    }

    /// Checks `(ms to advance first, key, expected decision)` steps on `limiter`.
    fn script(clock: &ManualClock, limiter: &mut RateLimiter, steps: &[(u64, &str, Decision)]) {
        for (i, &(ms, key, expected)) in steps.iter().enumerate() {
            clock.advance(Duration::from_millis(ms));
            assert_eq!(
                limiter.check(key),
                expected,
                "step {i}: {key} after +{ms} ms"
            );
        }
    }

    /// Sends 10 requests at once for `key`, which must find a full bucket.
    fn burst(limiter: &mut RateLimiter, key: &str) {
        for remaining in (0..10).rev() {
            let decision = limiter.check(key);
            assert_eq!(decision, allow(remaining, 6), "{key}: one token per 6 s");
        }
    }

    #[test]
    fn a_full_bucket_allows_a_burst_then_denies() {
        let clock = ManualClock::new(T0);
        let mut limiter = RateLimiter::new(API, &clock);
        burst(&mut limiter, "c");
        assert_eq!(limiter.check("c"), deny(6), "the 11th request");
        assert_eq!(
            limiter.check("c"),
            deny(6),
            "a denied request costs nothing"
        );
    }

    #[test]
    fn tokens_come_back_at_the_policy_rate_up_to_the_quota() {
        let clock = ManualClock::new(T0);
        let mut limiter = RateLimiter::new(API, &clock);
        burst(&mut limiter, "c");
        #[rustfmt::skip]
        script(&clock, &mut limiter, &[
            (5_999, "c", deny(1)),     // not yet
            (1,     "c", allow(0, 6)), // exactly 6 s
            (0,     "c", deny(6)),
        ]);
        clock.advance(Duration::from_secs(3600));
        burst(&mut limiter, "c"); // an hour idle still gives only 10
        assert_eq!(limiter.check("c"), deny(6));
    }

    #[test]
    fn partial_tokens_count_and_waits_are_rounded_up() {
        let clock = ManualClock::new(T0);
        let mut limiter = RateLimiter::new(API, &clock);
        burst(&mut limiter, "c");
        #[rustfmt::skip]
        script(&clock, &mut limiter, &[
            (3_000, "c", deny(3)),     // half a token
            (5_500, "c", allow(0, 4)), // 1.416 tokens: 0.416 left, 3.5 s to the next
            (3_400, "c", deny(1)),     // 0.982 tokens: 0.1 s to go is 1 s, never 0
        ]);
    }

    #[test]
    fn a_client_polling_every_millisecond_still_refills() {
        let clock = ManualClock::new(T0);
        let mut limiter = RateLimiter::new(API, &clock);
        burst(&mut limiter, "poller");
        for ms in 1..6_000 {
            clock.advance(Duration::from_millis(1));
            let decision = limiter.check("poller");
            assert!(matches!(decision, Decision::Deny { .. }), "{ms} ms");
        }
        clock.advance(Duration::from_millis(1));
        assert_eq!(limiter.check("poller"), allow(0, 6), "6 s after the burst");
    }

    #[test]
    fn keys_have_their_own_buckets() {
        let clock = ManualClock::new(T0);
        let mut limiter = RateLimiter::new(API, &clock);
        burst(&mut limiter, "203.0.113.7");
        assert_eq!(limiter.check("203.0.113.7"), deny(6));
        assert_eq!(limiter.check("198.51.100.2"), allow(9, 6));
        assert_eq!(limiter.wait("203.0.113.7"), Some(6));
        assert_eq!(limiter.wait("198.51.100.2"), None);
        let next = limiter.check("198.51.100.2");
        assert_eq!(next, allow(8, 6), "`wait` takes no token");
    }

    fn ok() -> Response<String> {
        Response::new("{\"items\":[]}".to_string())
    }

    fn header<'r>(res: &'r Response<String>, name: &str) -> Option<&'r str> {
        res.headers().get(name).map(|v| v.to_str().unwrap())
    }

    #[test]
    fn allowed_responses_carry_the_ratelimit_fields() {
        let clock = ManualClock::new(T0);
        let mut limiter = RateLimiter::new(API, &clock);
        let res = limit(&mut limiter, "c", ok);
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.body(), "{\"items\":[]}");
        let policy = header(&res, "ratelimit-policy");
        assert_eq!(policy, Some("\"default\";q=10;w=60"));
        assert_eq!(header(&res, "ratelimit"), Some("\"default\";r=9;t=6"));
        assert_eq!(header(&res, "retry-after"), None);
        clock.advance(Duration::from_secs(3)); // 9.5 tokens: 8.5 left after this one
        let res = limit(&mut limiter, "c", ok);
        assert_eq!(header(&res, "ratelimit"), Some("\"default\";r=8;t=3"));
    }

    #[test]
    fn denied_requests_get_429_and_retry_after_without_running_the_handler() {
        let clock = ManualClock::new(T0);
        let mut limiter = RateLimiter::new(API, &clock);
        burst(&mut limiter, "c");
        clock.advance(Duration::from_secs(3));
        let res = limit(&mut limiter, "c", || panic!("the handler must not run"));
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(header(&res, "retry-after"), Some("3"));
        let policy = header(&res, "ratelimit-policy");
        assert_eq!(policy, Some("\"default\";q=10;w=60"));
        assert_eq!(header(&res, "ratelimit"), Some("\"default\";r=0;t=3"));
    }

    fn throttle(clock: &ManualClock) -> LoginThrottle<'_> {
        #[rustfmt::skip]
        let (ip, account) = (
            Policy { name: "ip", quota: 10, window_secs: 60 },
            Policy { name: "account", quota: 5, window_secs: 900 }, // then 1 per 3 min
        );
        let per_ip = RateLimiter::new(ip, clock);
        let per_account = RateLimiter::new(account, clock);
        LoginThrottle {
            per_ip,
            per_account,
        }
    }

    type Outcome = (u16, Option<String>);
    const FAILED: Outcome = (401, None);
    const WELCOME: Outcome = (200, None);

    fn throttled(secs: &str) -> Outcome {
        (429, Some(secs.to_string()))
    }

    /// A login attempt's status and Retry-After. `alice`'s password is `correct horse`;
    /// nobody else has an account.
    fn attempt(t: &mut LoginThrottle, ip: &str, user: &str, password: &str) -> Outcome {
        let verify = |u: &str, p: &str| u == "alice" && p == "correct horse";
        let res = t.login(ip, user, password, verify);
        let generic = [LOGIN_FAILED, LOGIN_THROTTLED, "welcome"];
        let body = res.body().as_str();
        assert!(
            generic.contains(&body),
            "one generic message per outcome: {body:?}"
        );
        let retry_after = header(&res, "retry-after").map(str::to_string);
        (res.status().as_u16(), retry_after)
    }

    #[test]
    fn one_ip_spraying_many_accounts_is_stopped_by_the_ip_bucket() {
        let clock = ManualClock::new(T0);
        let t = &mut throttle(&clock);
        for i in 0..10 {
            let user = format!("user{i}");
            assert_eq!(attempt(t, "203.0.113.7", &user, "123456"), FAILED);
        }
        let eleventh = attempt(t, "203.0.113.7", "user10", "123456");
        assert_eq!(eleventh, throttled("6"), "one IP, 11 accounts in a row");
        let other = attempt(t, "198.51.100.2", "alice", "correct horse");
        assert_eq!(other, WELCOME, "other IPs are not affected");
    }

    #[test]
    fn many_ips_attacking_one_account_are_stopped_by_the_account_bucket() {
        let clock = ManualClock::new(T0);
        let t = &mut throttle(&clock);
        for i in 0..5 {
            assert_eq!(attempt(t, &format!("10.0.0.{i}"), "alice", "guess"), FAILED);
        }
        let upper = attempt(t, "10.0.0.9", "ALICE", "guess");
        assert_eq!(upper, throttled("180"), "usernames ignore case");
        let res = t.login("10.0.0.9", "alice", "correct horse", |_, _| {
            panic!("a throttled attempt must not reach the password check")
        });
        assert_eq!(res.status(), 429, "even the right password waits");
        let bob = attempt(t, "10.0.0.9", "bob", "guess");
        assert_eq!(bob, FAILED, "other accounts are not affected");
        clock.advance(Duration::from_secs(180));
        let later = attempt(t, "192.0.2.1", "alice", "correct horse");
        assert_eq!(later, WELCOME, "one attempt back after 3 minutes");
    }

    #[test]
    fn a_refused_attempt_takes_nothing_from_the_other_bucket() {
        let clock = ManualClock::new(T0);
        let t = &mut throttle(&clock);
        for i in 0..10 {
            attempt(t, "203.0.113.7", &format!("user{i}"), "123456");
        }
        for _ in 0..20 {
            assert_eq!(attempt(t, "203.0.113.7", "alice", "123456").0, 429);
        }
        for i in 0..5 {
            let own = attempt(t, "198.51.100.2", "alice", "typo");
            assert_eq!(own, FAILED, "alice's own attempt {i}");
        }
        for _ in 0..20 {
            assert_eq!(attempt(t, "198.51.100.2", "alice", "typo").0, 429);
        }
        let carol = attempt(t, "198.51.100.2", "carol", "typo");
        assert_eq!(carol, FAILED, "the IP bucket was not drained by refusals");
        let both = attempt(t, "203.0.113.7", "alice", "123456");
        assert_eq!(both, throttled("180"), "both empty: the longer wait");
    }

    #[test]
    fn throttling_does_not_reveal_whether_an_account_exists() {
        let clock = ManualClock::new(T0);
        let t = &mut throttle(&clock);
        for i in 0..8 {
            let real = attempt(t, "10.1.0.1", "alice", "guess");
            let ghost = attempt(t, "10.2.0.1", "nobody", "guess");
            assert_eq!(real, ghost, "attempt {i}");
        }
        let last = attempt(t, "10.2.0.1", "nobody", "guess");
        assert_eq!(last, throttled("180"));
    }
}
