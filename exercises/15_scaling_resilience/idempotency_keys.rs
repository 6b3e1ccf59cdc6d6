//! # Idempotency keys: safe retries for POST /payments
//!
//! Roadmap step: **Building for scale: retries and idempotency** (<https://roadmap.sh/backend>):
//! a client that timed out cannot know whether its payment went through. With an
//! `Idempotency-Key`, it retries the very same request and the server answers the retry
//! with the saved response instead of charging twice.
//!
//! 1. `parse_key`: the `Idempotency-Key` is a structured-field string: exactly one header,
//!    `"` + 16 to 64 characters of `A-Z a-z 0-9 - _` + `"` (our published key format:
//!    a UUID fits, guessable short keys do not). Anything else: `None`.
//! 2. `fingerprint`: SHA-256 over the method, a newline, the path, a newline, the body.
//! 3. `Middleware::handle` for `POST /payments` (every other request goes straight to
//!    `process`): no valid key → 400. Keys are per client: `(client, key)` finds the
//!    entry. An entry younger than `TTL_MS` with another fingerprint → 422; still being
//!    processed → 409; done → its saved response again (same status, headers and body).
//!    No entry, or an expired one: record it as in flight, run `process` (without holding
//!    the borrow: a retry may arrive meanwhile), save its response, whatever its status.
//!
//! Standards:
//! - <https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-idempotency-key-header-07>
//!   (§2.6 scenarios, §2.7 errors, §5 security)
//! - <https://www.rfc-editor.org/rfc/rfc9651#section-3.3.3> (structured-field strings)
//! - <https://docs.stripe.com/api/idempotent_requests>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::Clock;
use http::header::{HeaderMap, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::BTreeMap;

pub const TTL_MS: u64 = 24 * 60 * 60 * 1000;

/// A copy of a response (`http::Response` is not `Clone`).
struct Saved {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Saved {
    fn of(res: &Response<Vec<u8>>) -> Self {
        let (status, headers, body) = (res.status(), res.headers().clone(), res.body().clone());
        Saved {
            status,
            headers,
            body,
        }
    }

    fn to_response(&self) -> Response<Vec<u8>> {
        let mut res = Response::new(self.body.clone());
        *res.status_mut() = self.status;
        *res.headers_mut() = self.headers.clone();
        res
    }
}

struct Entry {
    fingerprint: [u8; 32],
    created_ms: u64,
    /// `None` while the first request is being processed.
    response: Option<Saved>,
}

pub fn parse_key(headers: &HeaderMap) -> Option<String> {
    // TODO: exactly one `idempotency-key` header, a quoted string of 16 to 64 allowed
    // characters; return the characters between the quotes.
    todo!()
}

pub fn fingerprint(req: &Request<Vec<u8>>) -> [u8; 32] {
    // TODO: SHA-256 of method "\n" path "\n" body.
    todo!()
}

fn problem(status: StatusCode, title: &str) -> Response<Vec<u8>> {
    let body = format!("{{\"title\":\"{title}\",\"status\":{}}}", status.as_u16());
    let mut res = Response::new(body.into_bytes());
    *res.status_mut() = status;
    let json = "application/problem+json".parse().unwrap();
    res.headers_mut().insert(CONTENT_TYPE, json);
    res
}

pub struct Middleware<'a> {
    clock: &'a dyn Clock,
    /// A `Mutex` in a multi-threaded server; never held while a request is processed.
    entries: RefCell<BTreeMap<(String, String), Entry>>,
}

impl<'a> Middleware<'a> {
    pub fn new(clock: &'a dyn Clock) -> Self {
        let entries = RefCell::new(BTreeMap::new());
        Middleware { clock, entries }
    }

    pub fn handle(
        &self,
        client: &str,
        req: &Request<Vec<u8>>,
        process: impl FnOnce(&Request<Vec<u8>>) -> Response<Vec<u8>>,
    ) -> Response<Vec<u8>> {
        // TODO: guard `POST /payments` as the top comment says: 400, 422, 409, a replay,
        // or record the key as in flight, process, and save the response.
        todo!()
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::ManualClock;
    use http::header::LOCATION;
    use std::cell::Cell;
    use std::time::Duration;

    const T0: u64 = 1_700_000_000_000;
    const KEY: &str = "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"";
    const PAY: &str = "{\"amount\":1000,\"to\":\"acct_42\"}";
    const DAY: Duration = Duration::from_secs(24 * 60 * 60);

    fn payment(key: Option<&str>, body: &str) -> Request<Vec<u8>> {
        let mut req = Request::post("/payments");
        if let Some(key) = key {
            req = req.header("Idempotency-Key", key);
        }
        req.body(body.as_bytes().to_vec()).unwrap()
    }

    /// The payment service behind the middleware: every call charges.
    #[derive(Default)]
    struct Payments {
        charges: Cell<u32>,
    }

    impl Payments {
        fn charge(&self, _: &Request<Vec<u8>>) -> Response<Vec<u8>> {
            self.charges.set(self.charges.get() + 1);
            let n = self.charges.get();
            let mut res = Response::new(format!("{{\"charge\":{n}}}").into_bytes());
            *res.status_mut() = StatusCode::CREATED;
            let location = format!("/payments/{n}").parse().unwrap();
            res.headers_mut().insert(LOCATION, location);
            res
        }

        /// `client` sends `POST /payments` with `key` and `body` through `middleware`.
        fn post(&self, mw: &Middleware, client: &str, key: &str, body: &str) -> Response<Vec<u8>> {
            mw.handle(client, &payment(Some(key), body), |r| self.charge(r))
        }
    }

    fn summary(res: &Response<Vec<u8>>) -> (u16, &str, Option<&str>) {
        let body = std::str::from_utf8(res.body()).unwrap();
        let location = res.headers().get(LOCATION).map(|v| v.to_str().unwrap());
        (res.status().as_u16(), body, location)
    }

    #[test]
    fn a_retry_gets_the_saved_response_and_charges_once() {
        let (clock, payments) = (ManualClock::new(T0), Payments::default());
        let mw = Middleware::new(&clock);
        let first = payments.post(&mw, "alice", KEY, PAY);
        assert_eq!(
            summary(&first),
            (201, "{\"charge\":1}", Some("/payments/1"))
        );
        for _ in 0..3 {
            clock.advance(Duration::from_secs(60));
            let retry = payments.post(&mw, "alice", KEY, PAY);
            assert_eq!(summary(&retry), summary(&first), "same status and body");
            assert_eq!(retry.headers(), first.headers(), "same headers");
        }
        assert_eq!(payments.charges.get(), 1, "charged once");
    }

    #[test]
    fn the_same_key_with_another_body_is_422() {
        let (clock, payments) = (ManualClock::new(T0), Payments::default());
        let mw = Middleware::new(&clock);
        payments.post(&mw, "alice", KEY, PAY);
        let res = payments.post(&mw, "alice", KEY, "{\"amount\":9999,\"to\":\"acct_666\"}");
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let json = res.headers()[CONTENT_TYPE].to_str().unwrap();
        assert_eq!(json, "application/problem+json");
        assert_eq!(payments.charges.get(), 1, "not charged again");
    }

    #[test]
    fn keys_belong_to_one_client() {
        let (clock, payments) = (ManualClock::new(T0), Payments::default());
        let mw = Middleware::new(&clock);
        payments.post(&mw, "alice", KEY, PAY);
        let res = payments.post(&mw, "mallory", KEY, PAY);
        let not_alices = (201, "{\"charge\":2}", Some("/payments/2"));
        assert_eq!(
            summary(&res),
            not_alices,
            "mallory must not read alice's response"
        );
    }

    #[test]
    fn a_retry_while_the_first_is_still_processed_is_409() {
        let (clock, payments) = (ManualClock::new(T0), Payments::default());
        let mw = Middleware::new(&clock);
        let req = payment(Some(KEY), PAY);
        let first = mw.handle("alice", &req, |r| {
            // The client timed out and retried while the charge was still running.
            let retry = mw.handle("alice", &req, |_| panic!("must not run twice"));
            assert_eq!(retry.status(), StatusCode::CONFLICT);
            payments.charge(r)
        });
        assert_eq!(first.status(), StatusCode::CREATED);
        let later = payments.post(&mw, "alice", KEY, PAY);
        assert_eq!(
            summary(&later),
            summary(&first),
            "once done, the retry replays"
        );
    }

    #[test]
    fn a_missing_or_malformed_key_is_400() {
        let (clock, payments) = (ManualClock::new(T0), Payments::default());
        let mw = Middleware::new(&clock);
        let res = mw.handle("alice", &payment(None, PAY), |r| payments.charge(r));
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "no key");
        #[rustfmt::skip]
        let bad = [
            "8e03978e-40d5-43e8-bc93-6894a57f9324",     // not a quoted string
            "\"12345\"",                                // too short to be unguessable
            "\"8e03978e 40d5 43e8 bc93 6894a57f9324\"", // spaces
            "\"8e03978e-40d5-43e8-bc93-6894a57f9324",   // unterminated
            "\"\"",
        ];
        for key in bad {
            let res = payments.post(&mw, "alice", key, PAY);
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{key}");
        }
        let mut twice = payment(Some(KEY), PAY);
        let second = "\"aaaaaaaaaaaaaaaa\"".parse().unwrap();
        twice.headers_mut().append("idempotency-key", second);
        let res = mw.handle("alice", &twice, |r| payments.charge(r));
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "two keys");
        assert_eq!(payments.charges.get(), 0);
    }

    #[test]
    fn the_key_format_is_16_to_64_safe_characters() {
        let parse = |key: &str| parse_key(payment(Some(key), "").headers());
        assert_eq!(
            parse("\"a_b-c_d-e_f-g_h-\"").as_deref(),
            Some("a_b-c_d-e_f-g_h-")
        );
        assert_eq!(parse("\"a_b-c_d-e_f-g_h\""), None, "15 characters");
        assert!(parse(&format!("\"{}\"", "k".repeat(64))).is_some(), "64");
        assert!(parse(&format!("\"{}\"", "k".repeat(65))).is_none(), "65");
        assert_eq!(parse("\"aaaaaaaaaaaaaaaa\\\""), None, "no escapes");
    }

    #[test]
    fn a_key_expires_after_24_hours() {
        let (clock, payments) = (ManualClock::new(T0), Payments::default());
        let mw = Middleware::new(&clock);
        payments.post(&mw, "alice", KEY, PAY);
        clock.advance(DAY - Duration::from_millis(1));
        assert_eq!(payments.post(&mw, "alice", KEY, "{}").status(), 422);
        clock.advance(Duration::from_millis(1));
        let res = payments.post(&mw, "alice", KEY, "{}");
        assert_eq!(
            summary(&res).1,
            "{\"charge\":2}",
            "24 h later: a new request"
        );
        clock.advance(DAY - Duration::from_millis(1));
        let res = payments.post(&mw, "alice", KEY, "{}");
        assert_eq!(summary(&res).1, "{\"charge\":2}", "replayed for 24 h again");
    }

    #[test]
    fn errors_are_saved_too_and_other_routes_pass_through() {
        let (clock, calls) = (ManualClock::new(T0), Cell::new(0));
        let mw = Middleware::new(&clock);
        let declined = |_: &Request<Vec<u8>>| {
            calls.set(calls.get() + 1);
            let mut res = Response::new(b"card declined".to_vec());
            *res.status_mut() = StatusCode::PAYMENT_REQUIRED;
            res
        };
        for _ in 0..2 {
            let res = mw.handle("alice", &payment(Some(KEY), PAY), declined);
            assert_eq!(summary(&res), (402, "card declined", None));
        }
        assert_eq!(calls.get(), 1, "the saved error is replayed");
        for (method, path) in [("GET", "/payments/1"), ("POST", "/refunds")] {
            let req = Request::builder().method(method).uri(path);
            let req = req.body(Vec::new()).unwrap();
            let res = mw.handle("alice", &req, |_| Response::new(b"ok".to_vec()));
            assert_eq!(
                res.status(),
                StatusCode::OK,
                "{method} {path}: needs no key"
            );
        }
    }

    #[test]
    fn the_fingerprint_covers_method_path_and_body() {
        let hex = |req: &Request<Vec<u8>>| {
            fingerprint(req)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        // SHA-256 of "POST\n/payments\n{}".
        let expected = "9bf8aaf47e01d8dec3f12e1d8e22cc45d3cf779335d1af690957f4a24e2e9faf";
        assert_eq!(hex(&payment(None, "{}")), expected);
        let put = Request::put("/payments").body(b"{}".to_vec()).unwrap();
        assert_ne!(fingerprint(&put), fingerprint(&payment(None, "{}")));
    }
}
