//! # Cache-Control and freshness in a shared cache
//!
//! Roadmap step: **HTTP caching** (<https://roadmap.sh/backend>): a CDN or reverse proxy may
//! answer from its copy of a response while that copy is *fresh*; after that it must ask the
//! origin again. What it may store, for how long, and for which requests is all decided by
//! response headers. This is the decision logic of such a shared cache.
//!
//! 1. `format_http_date` / `parse_http_date`: IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`
//!    (case-sensitive), to and from unix seconds. Anything else, or a date that does not
//!    exist, is `None`. (A real cache also accepts the two obsolete formats of RFC 9110
//!    §5.6.7; they are left out here.)
//! 2. `parse_cache_control`: every `Cache-Control` line, directives split at commas outside
//!    quotes, names case-insensitive, arguments as token or quoted-string. The first value of
//!    a repeated directive wins; a malformed number counts as 0 (stale, §4.2.1).
//! 3. `freshness_lifetime` (§4.2.1, shared cache): `s-maxage`, else `max-age`, else
//!    `Expires` − `Date` (the response time if there is no `Date`); an invalid `Expires`
//!    such as `0` is in the past. No explicit freshness: 0 (no heuristics here).
//! 4. `current_age`: exactly the formula of §4.2.3, in whole seconds. `Age` is its first
//!    member, and ignored if invalid (§5.1).
//! 5. `is_fresh`: `freshness_lifetime > current_age`, and no `no-cache` (which asks to
//!    revalidate every time). `usable_on_error`: fresh, or stale by at most `stale-if-error`
//!    seconds (RFC 5861 §4), unless serving it stale is forbidden (§4.2.4): `no-cache`,
//!    `must-revalidate`, or `s-maxage` (which implies `proxy-revalidate`, §5.2.2.10).
//! 6. `is_storable` (§3, shared cache): a GET; a status that is heuristically cacheable, or
//!    explicit freshness (`public`, `max-age`, `s-maxage`, `Expires`) with a status other
//!    than 206 and 304; no `no-store` in the request or response; no `private`; with
//!    `Authorization`, only if `public`, `must-revalidate` or `s-maxage` allow it (§3.5);
//!    never with `Vary: *`.
//! 7. `vary_matches` (§4.1): every field named by `Vary` (any case, any number of lines) has
//!    the same value in both requests, after joining its lines and removing the spaces
//!    around commas; a field absent from both matches. `Vary: *` never matches.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc9111#section-3> (storing responses)
//! - <https://www.rfc-editor.org/rfc/rfc9111#section-4.1> (Vary)
//! - <https://www.rfc-editor.org/rfc/rfc9111#section-4.2> (freshness, lifetime, age)
//! - <https://www.rfc-editor.org/rfc/rfc9111#section-5.2> (Cache-Control)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7> (HTTP-date)
//! - <https://www.rfc-editor.org/rfc/rfc5861#section-4> (stale-if-error)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::Clock;
use http::header::{HeaderName, AUTHORIZATION, CACHE_CONTROL, DATE, EXPIRES};
use http::{HeaderMap, Method, StatusCode};

/// 1970-01-01 was a Thursday.
pub const DAY_NAMES: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub fn days_in_year(year: u64) -> u64 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    365 + u64::from(leap)
}

/// `month` from 1 (January) to 12.
pub fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 => days_in_year(year) - 337,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

pub fn format_http_date(unix_secs: u64) -> String {
    // TODO: `Sun, 06 Nov 1994 08:49:37 GMT` for 784111777: count whole years and
    // months from 1970, then the day; the day name comes from the number of days.
    todo!()
}

pub fn parse_http_date(text: &str) -> Option<u64> {
    // TODO: the reverse of `format_http_date`, for IMF-fixdate only; `None` for
    // anything else, including dates that do not exist.
    todo!()
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct CacheControl {
    pub max_age: Option<u64>,
    pub s_maxage: Option<u64>,
    pub stale_if_error: Option<u64>,
    pub no_store: bool,
    pub no_cache: bool,
    pub private: bool,
    pub public: bool,
    pub must_revalidate: bool,
}

/// delta-seconds (RFC 9111 §1.2.2): digits only, and at most 2^31.
pub fn delta_seconds(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.parse().unwrap_or(u64::MAX).min(1 << 31))
}

pub fn parse_cache_control(headers: &HeaderMap) -> CacheControl {
    // TODO: every Cache-Control line, split at commas that are not inside quotes;
    // `name[=arg]` with a case-insensitive name and a token or quoted argument.
    todo!()
}

/// A response kept by a shared cache, with the times (unix seconds) at which the request
/// was sent and the response received.
pub struct Stored {
    pub request_time: u64,
    pub response_time: u64,
    pub headers: HeaderMap,
}

impl Stored {
    fn date(&self, name: HeaderName) -> Option<u64> {
        parse_http_date(self.headers.get(name)?.to_str().ok()?)
    }

    pub fn freshness_lifetime(&self) -> u64 {
        // TODO: RFC 9111 §4.2.1 for a shared cache (see the top comment).
        todo!()
    }

    pub fn current_age(&self, clock: &dyn Clock) -> u64 {
        // TODO: RFC 9111 §4.2.3, with `now` in whole seconds from the clock.
        todo!()
    }

    pub fn is_fresh(&self, clock: &dyn Clock) -> bool {
        // TODO: fresh (§4.2), and not `no-cache`.
        todo!()
    }

    pub fn usable_on_error(&self, clock: &dyn Clock) -> bool {
        // TODO: fresh, or stale by at most `stale-if-error` seconds when nothing
        // forbids serving it stale.
        todo!()
    }
}

/// Statuses that may be stored without explicit freshness (RFC 9110 §15.1).
pub const HEURISTICALLY_CACHEABLE: [u16; 11] =
    [200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501];

/// The members of a list field: its lines split at commas, trimmed, without empty ones.
fn members<'a>(headers: &'a HeaderMap, name: &str) -> impl Iterator<Item = &'a str> {
    let lines = headers.get_all(name).iter().filter_map(|v| v.to_str().ok());
    lines
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .filter(|m| !m.is_empty())
}

pub fn is_storable(method: &Method, req: &HeaderMap, status: StatusCode, res: &HeaderMap) -> bool {
    // TODO: RFC 9111 §3 for a shared cache (see the top comment).
    todo!()
}

pub fn vary_matches(response: &HeaderMap, stored_request: &HeaderMap, request: &HeaderMap) -> bool {
    // TODO: RFC 9111 §4.1: compare each field named by Vary, normalized.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::ManualClock;
    use std::time::Duration;

    /// Sun, 06 Nov 1994 08:49:37 GMT
    const T0: u64 = 784_111_777;
    const DATE: &str = "date: Sun, 06 Nov 1994 08:49:37 GMT"; // T0
    const EXPIRES: &str = "expires: Sun, 06 Nov 1994 08:50:37 GMT"; // T0 + 60

    /// Headers from "name: value" lines.
    fn headers(lines: &[&str]) -> HeaderMap {
        let lines = lines.iter().map(|line| line.split_once(": ").unwrap());
        lines
            .map(|(n, v)| (n.parse().unwrap(), v.parse().unwrap()))
            .collect()
    }

    /// A response to a request sent at T0 and received 2 s later, and a clock showing
    /// `after` more seconds since it was received.
    fn stored(lines: &[&str], after: u64) -> (Stored, ManualClock) {
        let (request_time, response_time) = (T0, T0 + 2);
        let clock = ManualClock::new((response_time + after) * 1000);
        let response = Stored {
            request_time,
            response_time,
            headers: headers(lines),
        };
        (response, clock)
    }

    #[test]
    fn http_dates_round_trip() {
        let vectors = [
            (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
            (1_709_251_199, "Thu, 29 Feb 2024 23:59:59 GMT"),
            (4_107_542_400, "Mon, 01 Mar 2100 00:00:00 GMT"),
            (4_133_980_799, "Fri, 31 Dec 2100 23:59:59 GMT"),
        ];
        for (secs, text) in vectors {
            assert_eq!(format_http_date(secs), text);
            assert_eq!(parse_http_date(text), Some(secs), "{text}");
        }
    }

    #[test]
    fn anything_but_a_real_imf_fixdate_is_refused() {
        #[rustfmt::skip]
        let bad = [
            "", "0", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 nov 1994 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT+1", "Sun, 06 Nov 1994 24:49:37 GMT",
            "Sun, 06 Nov 1994 08:60:37 GMT", "Sun, 06 Nov 1994 08:49:+7 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT", "Sun, 31 Nov 1994 08:49:37 GMT",
            "Mon, 29 Feb 2100 00:00:00 GMT", "Wed, 31 Dec 1969 23:59:59 GMT",
        ];
        for text in bad {
            assert_eq!(parse_http_date(text), None, "{text:?}");
        }
    }

    #[test]
    fn cache_control_directives_are_parsed() {
        let lines = [
            r#"cache-control: Max-Age=60, private="Set-Cookie, Public, X-Token""#,
            r#"cache-control: s-maxage="120", max-age=5, stale-if-error=300"#,
            "cache-control: No-Store, must-revalidate ,no-cache, x-ext=1",
        ];
        let want = CacheControl {
            max_age: Some(60),
            s_maxage: Some(120),
            stale_if_error: Some(300),
            no_store: true,
            no_cache: true,
            private: true,
            public: false, // "Public" is inside the quotes: a field name
            must_revalidate: true,
        };
        assert_eq!(parse_cache_control(&headers(&lines)), want);
        let max_age = |v: &str| parse_cache_control(&headers(&[v])).max_age;
        assert_eq!(max_age("cache-control: public"), None);
        let huge = "cache-control: max-age=99999999999999999999";
        assert_eq!(max_age(huge), Some(1 << 31), "2^31 at most");
        for malformed in ["-1", "1.5", "", "ten"] {
            let line = format!("cache-control: max-age={malformed}");
            assert_eq!(max_age(&line), Some(0), "{line}: stale");
        }
        assert_eq!(
            max_age("cache-control: max-age"),
            Some(0),
            "no argument: stale"
        );
    }

    #[test]
    fn lifetime_is_s_maxage_then_max_age_then_expires_minus_date() {
        #[rustfmt::skip]
        let cases = [
            (vec!["cache-control: max-age=10, s-maxage=20", EXPIRES, DATE], 20),
            (vec!["cache-control: max-age=10", EXPIRES, DATE], 10),
            (vec!["cache-control: max-age=ten", EXPIRES, DATE], 0),
            (vec![EXPIRES, DATE], 60),
            (vec![EXPIRES], 58), // no Date: from the response time, T0 + 2
            (vec!["expires: 0", DATE], 0),
            (vec!["expires: Sun, 06 Nov 1994 08:40:37 GMT", DATE], 0),
            (vec![DATE], 0),
        ];
        for (lines, want) in cases {
            assert_eq!(stored(&lines, 0).0.freshness_lifetime(), want, "{lines:?}");
        }
    }

    #[test]
    fn current_age_follows_rfc_9111_4_2_3() {
        let age = |lines: &[&str], after| {
            let (response, clock) = stored(lines, after);
            response.current_age(&clock)
        };
        assert_eq!(age(&[DATE], 0), 2, "the response took 2 s to arrive");
        assert_eq!(age(&[DATE, "age: 10"], 0), 12, "Age + the delay");
        assert_eq!(age(&[DATE, "age: 10"], 30), 42, "+ the time in the cache");
        assert_eq!(age(&[DATE, "age: 10, 20"], 0), 12, "the first member");
        assert_eq!(age(&[DATE, "age: -5"], 0), 2, "an invalid Age is ignored");
        let old = "date: Sun, 06 Nov 1994 08:47:57 GMT"; // T0 - 100
        assert_eq!(age(&[old, "age: 10"], 0), 102, "the apparent age wins");
        let ahead = "date: Sun, 06 Nov 1994 08:50:27 GMT"; // T0 + 50: a fast clock
        assert_eq!(age(&[ahead], 5), 7, "no negative apparent age");
        assert_eq!(age(&[], 1), 3, "no Date");
    }

    #[test]
    fn fresh_until_the_current_age_reaches_the_lifetime() {
        let lines = ["cache-control: max-age=60", "age: 10", DATE];
        let (response, clock) = stored(&lines, 0); // current age 12 on arrival
        clock.advance(Duration::from_millis(47_999));
        assert!(response.is_fresh(&clock), "age 59.999 s: whole seconds");
        clock.advance(Duration::from_millis(1));
        assert!(!response.is_fresh(&clock), "age 60 s: stale");
        let (response, clock) = stored(&["cache-control: no-cache, max-age=60", DATE], 0);
        assert!(
            !response.is_fresh(&clock),
            "no-cache: revalidate every time"
        );
    }

    #[test]
    fn stale_if_error_allows_bounded_staleness_unless_forbidden() {
        let usable = |cache_control: &str, age: u64| {
            let line = format!("cache-control: {cache_control}");
            let (response, clock) = stored(&[&line, DATE], age - 2);
            response.usable_on_error(&clock)
        };
        let allowed = "max-age=60, stale-if-error=30";
        assert!(
            usable(allowed, 59) && usable(allowed, 60),
            "fresh, then 0 s stale"
        );
        assert!(usable(allowed, 90), "30 s stale");
        assert!(!usable(allowed, 91), "31 s stale");
        assert!(
            usable("max-age=60", 59) && !usable("max-age=60", 60),
            "not allowed"
        );
        for forbidden in ["must-revalidate", "s-maxage=60", "no-cache"] {
            let cache_control = format!("{allowed}, {forbidden}");
            let fresh = forbidden != "no-cache";
            assert_eq!(usable(&cache_control, 59), fresh, "{cache_control}");
            assert!(!usable(&cache_control, 60), "{cache_control}");
        }
    }

    #[test]
    fn what_a_shared_cache_may_store() {
        let auth = "authorization: Bearer abc";
        #[rustfmt::skip]
        let cases = [
            ("GET", vec![], 200, vec![], true),
            ("GET", vec![], 404, vec![], true),
            ("POST", vec![], 200, vec!["cache-control: max-age=60"], false),
            ("GET", vec![], 302, vec![], false),
            ("GET", vec![], 302, vec!["cache-control: max-age=60"], true),
            ("GET", vec![], 500, vec![EXPIRES], true),
            ("GET", vec![], 206, vec!["cache-control: max-age=60"], false),
            ("GET", vec![], 304, vec!["cache-control: public"], false),
            ("GET", vec![], 200, vec!["cache-control: no-cache"], true),
            ("GET", vec![], 200, vec!["cache-control: max-age=60, no-store"], false),
            ("GET", vec!["cache-control: no-store"], 200, vec![], false),
            ("GET", vec![], 200, vec!["cache-control: private, max-age=60"], false),
            ("GET", vec![auth], 200, vec!["cache-control: max-age=60"], false),
            ("GET", vec![auth], 200, vec!["cache-control: max-age=60, public"], true),
            ("GET", vec![auth], 200, vec!["cache-control: must-revalidate"], true),
            ("GET", vec![auth], 200, vec!["cache-control: s-maxage=60"], true),
            ("GET", vec![], 200, vec!["vary: Accept-Encoding"], true),
            ("GET", vec![], 200, vec!["vary: Accept-Encoding", "vary: *"], false),
        ];
        for (method, request, status, response, want) in cases {
            let method = method.parse().unwrap();
            let status = StatusCode::from_u16(status).unwrap();
            let got = is_storable(&method, &headers(&request), status, &headers(&response));
            assert_eq!(got, want, "{method} {request:?} → {status} {response:?}");
        }
    }

    #[test]
    fn vary_compares_the_normalized_fields() {
        let response = headers(&["vary: Accept-Encoding", "vary:  accept-language ,"]);
        let first = headers(&["accept-encoding: gzip, br", "accept-language: en"]);
        #[rustfmt::skip]
        let cases = [
            (vec!["accept-encoding: gzip,br", "accept-language: en"], true),
            (vec!["accept-encoding: gzip", "accept-encoding: br", "Accept-Language: en"], true),
            (vec!["accept-encoding: br, gzip", "accept-language: en"], false),
            (vec!["accept-encoding: gzip, br"], false),
            (vec!["accept-encoding: gzip, br", "accept-language: de"], false),
            (vec!["accept-encoding: gzip, br", "accept-language: en", "cookie: a=1"], true),
        ];
        for (request, want) in cases {
            let got = vary_matches(&response, &first, &headers(&request));
            assert_eq!(got, want, "{request:?}");
        }
        let star = headers(&["vary: *"]);
        assert!(
            !vary_matches(&star, &first, &first),
            "Vary: * never matches"
        );
        let absent = headers(&["vary: X-Missing"]);
        assert!(vary_matches(&absent, &first, &first), "absent from both");
        let none = HeaderMap::new();
        assert!(vary_matches(&none, &first, &none), "no Vary");
    }
}
