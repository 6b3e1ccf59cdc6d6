//! # Capstone: an order service that neither oversells nor charges twice
//!
//! Roadmap step: **Building for scale** (<https://roadmap.sh/backend>): a shop's checkout
//! meets every failure at once: two buyers of the last item, a client that retries after a
//! timeout, a payment provider that is down, a process that dies between two writes. Each
//! pattern of chapters 11, 15 and 16 answers one of them; here they work together.
//!
//! The stages, each building on the last:
//! 1. `orders`: `POST /orders` (`{"sku":"mug","quantity":2}`) → `place_order`: ONE
//!    transaction decrements the stock (the schema's `CHECK (stock >= 0)` refuses an
//!    oversell: 409), inserts the order (`pending_payment`) and its `order.placed` outbox
//!    row. An unknown product: 422. 201 with the order.
//! 2. `idempotency`: the same `Idempotency-Key` replays the saved response (with
//!    `Idempotent-Replayed: true`); another body with that key → 422. The key row is
//!    written in the order's transaction, so a crash before the response was saved resumes
//!    that order instead of placing a second one.
//! 3. `payments`: `pay` charges the provider: up to `MAX_ATTEMPTS` calls, backoff with full
//!    jitter between them (`sleep`), a `Breaker` that opens after `BREAKER_THRESHOLD`
//!    failures in a row (across orders: no retry once it is open) and lets a trial call
//!    through after `COOL_DOWN_MS`. Paid: status
//!    `paid` and an `order.paid` outbox row, in one transaction. An outage: the order stays
//!    `pending_payment`.
//! 4. `outbox`: `relay` publishes the unpublished outbox rows to `queue` in id order, each
//!    marked after it was published: a crash in between publishes it again.
//! 5. `inbox`: `consume` (the e-mail service) applies each message once: its id goes into
//!    `inbox` in the same transaction as the e-mail it causes.
//! 6. `metrics`: `GET /metrics` renders `COUNTERS` in Prometheus's text format.
//!
//! Keys are global here; a service with accounts scopes them per client (OWASP API1).
//!
//! Try it: `backlings serve capstone_shop_orders` listens on 127.0.0.1:8081 (or on the port
//! given as its argument); then
//! `curl -v http://127.0.0.1:8081/orders -H 'Idempotency-Key: "order-0000000000001"'
//! -d '{"sku":"mug","quantity":2}'` twice, and `curl http://127.0.0.1:8081/metrics`.
//!
//! Standards:
//! - <https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-idempotency-key-header-07#section-2>
//! - <https://microservices.io/patterns/data/transactional-outbox.html>
//! - <https://microservices.io/patterns/communication-style/idempotent-consumer.html>
//! - <https://learn.microsoft.com/en-us/azure/architecture/patterns/circuit-breaker>
//! - <https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/>
//! - <https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format>
//! - <https://owasp.org/API-Security/editions/2023/en/0xa6-unrestricted-access-to-sensitive-business-flows/>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::http1::{self, Conn};
use backend_support::{Clock, OsRandom, RandomSource, SystemClock};
use http::header::{ALLOW, CONTENT_TYPE, LOCATION};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use rusqlite::{params, Connection, ErrorCode, OptionalExtension};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::{self, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::{fmt::Write as _, thread, time::Duration};

pub const SCHEMA: &str = "
    CREATE TABLE products (sku TEXT PRIMARY KEY, price_cents INTEGER NOT NULL,
        stock INTEGER NOT NULL CHECK (stock >= 0));
    CREATE TABLE orders (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, quantity INTEGER NOT NULL,
        total_cents INTEGER NOT NULL, status TEXT NOT NULL);
    CREATE TABLE outbox (id INTEGER PRIMARY KEY, topic TEXT NOT NULL, payload TEXT NOT NULL,
        published INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE idempotency_keys (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,
        order_id INTEGER NOT NULL, status INTEGER, body TEXT);
    CREATE TABLE inbox (message_id INTEGER PRIMARY KEY);
    CREATE TABLE emails (order_id INTEGER NOT NULL, template TEXT NOT NULL);
    INSERT INTO products VALUES ('mug', 1200, 5), ('poster', 2500, 1);";

pub const MAX_QUANTITY: i64 = 100;
pub const MAX_BODY: usize = 64 * 1024;
pub const MAX_ATTEMPTS: u32 = 3;
pub const BACKOFF_BASE_MS: u64 = 100;
pub const BACKOFF_CAP_MS: u64 = 2_000;
pub const BREAKER_THRESHOLD: u32 = 5;
pub const COOL_DOWN_MS: u64 = 30_000;

/// The counters `GET /metrics` shows, in this order, with their help text.
#[rustfmt::skip]
pub const COUNTERS: [(&str, &str); 7] = [
    ("shop_orders_created_total", "Orders placed."),
    ("shop_idempotent_replays_total", "Saved responses replayed."),
    ("shop_payment_attempts_total", "Calls to the payment provider."),
    ("shop_payment_failures_total", "Failed calls to the payment provider."),
    ("shop_breaker_rejections_total", "Payments refused by the open breaker."),
    ("shop_events_published_total", "Outbox rows published, again after a crash too."),
    ("shop_events_applied_total", "Messages the consumer applied."),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crash {
    Never,
    /// In `place_order`, before its commit.
    BeforeOrderCommit,
    /// In `post_order`, after the order's commit, before the payment.
    AfterOrderCommit,
    /// In `post_order`, after the payment, before the response is saved.
    BeforeResponseSaved,
    /// In `relay`, after publishing the n-th message of this run (from 1), before marking it.
    AfterPublish(usize),
    /// In `consume`, after the e-mail, before the commit.
    BeforeInboxCommit,
}

#[derive(Debug)]
pub enum Error {
    Crashed,
    Db(rusqlite::Error),
    Json(serde_json::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Db(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Json(e)
    }
}

/// The process "dies" here if the test asked for it, once: what is not committed is lost.
pub fn crash_point(crash: &mut Crash, here: Crash) -> Result<(), Error> {
    if *crash == here {
        *crash = Crash::Never;
        return Err(Error::Crashed);
    }
    Ok(())
}

/// A message on the queue: its id is the outbox row's id.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: i64,
    pub topic: String,
    pub payload: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breaker {
    Closed { failures: u32 },
    Open { until_ms: u64 },
    HalfOpen,
}

impl Breaker {
    /// May a call go through now? An open breaker whose cool-down is over turns half-open.
    pub fn allow(&mut self, now_ms: u64) -> bool {
        match *self {
            Breaker::Open { until_ms } if now_ms < until_ms => false,
            Breaker::Open { .. } => {
                *self = Breaker::HalfOpen;
                true
            }
            _ => true,
        }
    }

    pub fn record(&mut self, ok: bool, now_ms: u64) {
        *self = match *self {
            _ if ok => Breaker::Closed { failures: 0 },
            Breaker::Closed { failures } if failures + 1 < BREAKER_THRESHOLD => Breaker::Closed {
                failures: failures + 1,
            },
            _ => Breaker::Open {
                until_ms: now_ms + COOL_DOWN_MS,
            },
        };
    }
}

/// The provider did not answer (a timeout, a 503): the call may be retried.
#[derive(Debug)]
pub struct Unavailable;

/// Charges (order id, cents); the order id is the provider's idempotency key.
pub type Provider = Box<dyn FnMut(i64, i64) -> Result<(), Unavailable> + Send>;

/// Full jitter: a delay between 0 and `min(cap, base × 2^retry)`, both included.
pub fn backoff_ms(retry: u32, random: &dyn RandomSource) -> u64 {
    let ceiling = (BACKOFF_BASE_MS << retry.min(20)).min(BACKOFF_CAP_MS);
    let mut bytes = [0u8; 8];
    random.fill(&mut bytes);
    ((u128::from(u64::from_be_bytes(bytes)) * u128::from(ceiling + 1)) >> 64) as u64
}

/// The `Idempotency-Key`: one structured-field string of 16 to 64 of `A-Z a-z 0-9 - _`.
pub fn parse_key(headers: &HeaderMap) -> Option<String> {
    let mut values = headers.get_all("idempotency-key").iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return None;
    };
    let key = value.to_str().ok()?.strip_prefix('"')?.strip_suffix('"')?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    ((16..=64).contains(&key.len()) && key.chars().all(allowed)).then(|| key.to_string())
}

/// SHA-256 of method, path and body, in hex.
pub fn fingerprint(req: &Request<Vec<u8>>) -> String {
    let (method, path) = (req.method().as_str(), req.uri().path());
    let digest = Sha256::digest([method.as_bytes(), path.as_bytes(), req.body()].join(&b'\n'));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `{"sku": "...", "quantity": 1..=MAX_QUANTITY}`, or `None`.
pub fn parse_order(body: &[u8]) -> Option<(String, i64)> {
    let order: Value = serde_json::from_slice(body).ok()?;
    let quantity = order["quantity"]
        .as_i64()
        .filter(|q| (1..=MAX_QUANTITY).contains(q))?;
    Some((order["sku"].as_str()?.to_string(), quantity))
}

pub fn problem(status: StatusCode, title: &str) -> Response<Vec<u8>> {
    let title = serde_json::to_string(title).unwrap_or_default(); // quoted and escaped
    let body = format!(r#"{{"title":{title},"status":{}}}"#, status.as_u16());
    let mut res = Response::new(body.into_bytes());
    *res.status_mut() = status;
    let json = "application/problem+json".parse().unwrap();
    res.headers_mut().insert(CONTENT_TYPE, json);
    res
}

/// The response to `POST /orders` for `order_id`, from a status and body saved or fresh.
pub fn order_response(status: u16, order_id: i64, body: String) -> Response<Vec<u8>> {
    let mut res = Response::new(body.into_bytes());
    *res.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::CREATED);
    let headers = res.headers_mut();
    headers.insert(CONTENT_TYPE, "application/json".parse().unwrap());
    headers.insert(LOCATION, format!("/orders/{order_id}").parse().unwrap());
    res
}

fn insert_event(tx: &Connection, topic: &str, order_id: i64) -> rusqlite::Result<usize> {
    let payload = format!(r#"{{"order_id":{order_id}}}"#);
    let sql = "INSERT INTO outbox (topic, payload) VALUES (?1, ?2)";
    tx.execute(sql, params![topic, payload])
}

pub struct Shop {
    pub db: Connection,
    pub clock: Arc<dyn Clock>,
    pub random: Box<dyn RandomSource>,
    pub provider: Provider,
    /// Waits between payment attempts; tests record the delays and move the clock.
    pub sleep: Box<dyn FnMut(u64) + Send>,
    pub breaker: Breaker,
    /// The values of `COUNTERS`, in their order.
    pub metrics: [u64; COUNTERS.len()],
    /// The message queue the relay publishes to and the consumer reads from.
    pub queue: Vec<Message>,
    pub crash: Crash,
}

impl Shop {
    pub fn new(clock: Arc<dyn Clock>, random: Box<dyn RandomSource>, provider: Provider) -> Self {
        let db = Connection::open_in_memory().expect("SQLite in memory");
        db.execute_batch(SCHEMA).expect("the schema");
        let sleep = Box::new(|ms| thread::sleep(Duration::from_millis(ms)));
        let (breaker, metrics) = (Breaker::Closed { failures: 0 }, [0; COUNTERS.len()]);
        let (queue, crash) = (Vec::new(), Crash::Never);
        #[rustfmt::skip]
        return Shop { db, clock, random, provider, sleep, breaker, metrics, queue, crash };
    }

    pub fn count(&mut self, counter: &'static str) {
        let index = COUNTERS.iter().position(|(name, _)| *name == counter);
        self.metrics[index.expect("one of COUNTERS")] += 1;
    }

    pub fn handle(&mut self, req: &Request<Vec<u8>>) -> Response<Vec<u8>> {
        let result = match (req.method(), req.uri().path()) {
            (&Method::POST, "/orders") => self.post_order(req),
            (&Method::GET, "/metrics") => {
                let mut res = Response::new(self.render_metrics().into_bytes());
                let text = "text/plain; version=0.0.4; charset=utf-8".parse().unwrap();
                res.headers_mut().insert(CONTENT_TYPE, text);
                Ok(res)
            }
            (_, path @ ("/orders" | "/metrics")) => {
                let mut res = problem(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
                let allow = if path == "/orders" { "POST" } else { "GET" };
                res.headers_mut().insert(ALLOW, allow.parse().unwrap());
                Ok(res)
            }
            _ => Ok(problem(StatusCode::NOT_FOUND, "Not Found")),
        };
        // A crash: the client gets no answer it can trust, and may retry.
        result.unwrap_or_else(|_| problem(StatusCode::INTERNAL_SERVER_ERROR, "Try again"))
    }

    fn post_order(&mut self, req: &Request<Vec<u8>>) -> Result<Response<Vec<u8>>, Error> {
        let Some(key) = parse_key(req.headers()) else {
            let title = "Idempotency-Key is missing or malformed";
            return Ok(problem(StatusCode::BAD_REQUEST, title));
        };
        let fingerprint = fingerprint(req);
        let sql = "SELECT fingerprint, order_id, status, body FROM idempotency_keys WHERE key = ?1";
        let row = |r: &rusqlite::Row| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?));
        let seen: Option<(String, i64, Option<u16>, Option<String>)> =
            self.db.query_row(sql, [&key], row).optional()?;
        let order_id = match seen {
            Some((seen, ..)) if seen != fingerprint => {
                let title = "Idempotency-Key was used for another request";
                return Ok(problem(StatusCode::UNPROCESSABLE_ENTITY, title));
            }
            Some((_, order_id, Some(status), Some(body))) => {
                self.count("shop_idempotent_replays_total");
                let mut res = order_response(status, order_id, body);
                let replayed = "true".parse().unwrap();
                res.headers_mut().insert("idempotent-replayed", replayed);
                return Ok(res);
            }
            Some((_, order_id, ..)) => order_id, // crashed before the response was saved
            None => {
                let Some((sku, quantity)) = parse_order(req.body()) else {
                    let title = "Expected {\"sku\": string, \"quantity\": 1..=100}";
                    return Ok(problem(StatusCode::BAD_REQUEST, title));
                };
                match self.place_order(&key, &fingerprint, &sku, quantity)? {
                    Ok(order_id) => order_id,
                    Err(refused) => return Ok(refused),
                }
            }
        };
        crash_point(&mut self.crash, Crash::AfterOrderCommit)?;
        self.pay(order_id)?;
        let body = self.order_json(order_id)?;
        crash_point(&mut self.crash, Crash::BeforeResponseSaved)?;
        let sql = "UPDATE idempotency_keys SET status = 201, body = ?2 WHERE key = ?1";
        self.db.execute(sql, params![key, body])?;
        Ok(order_response(201, order_id, body))
    }

    /// The order as JSON, as `POST /orders` answers it.
    pub fn order_json(&self, order_id: i64) -> rusqlite::Result<String> {
        let sql = "SELECT json_object('id', id, 'sku', sku, 'quantity', quantity,
            'total_cents', total_cents, 'status', status) FROM orders WHERE id = ?1";
        self.db.query_row(sql, [order_id], |r| r.get(0))
    }

    /// The order's id, or the response that refuses it.
    fn place_order(
        &mut self,
        key: &str,
        fingerprint: &str,
        sku: &str,
        quantity: i64,
    ) -> Result<Result<i64, Response<Vec<u8>>>, Error> {
        let tx = self.db.transaction()?;
        let sql = "SELECT price_cents FROM products WHERE sku = ?1";
        let price: Option<i64> = tx.query_row(sql, [sku], |r| r.get(0)).optional()?;
        let Some(price) = price else {
            let title = "Unknown product";
            return Ok(Err(problem(StatusCode::UNPROCESSABLE_ENTITY, title)));
        };
        let sql = "UPDATE products SET stock = stock - ?2 WHERE sku = ?1";
        match tx.execute(sql, params![sku, quantity]) {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == ErrorCode::ConstraintViolation =>
            {
                return Ok(Err(problem(StatusCode::CONFLICT, "Not enough stock")));
            }
            decremented => decremented?,
        };
        let sql = "INSERT INTO orders (sku, quantity, total_cents, status)
            VALUES (?1, ?2, ?3, 'pending_payment')";
        tx.execute(sql, params![sku, quantity, price * quantity])?;
        let order_id = tx.last_insert_rowid();
        insert_event(&tx, "order.placed", order_id)?;
        let sql = "INSERT INTO idempotency_keys (key, fingerprint, order_id) VALUES (?1, ?2, ?3)";
        tx.execute(sql, params![key, fingerprint, order_id])?;
        crash_point(&mut self.crash, Crash::BeforeOrderCommit)?;
        tx.commit()?;
        self.count("shop_orders_created_total");
        Ok(Ok(order_id))
    }

    /// Charges a `pending_payment` order; if paid: `paid` and `order.paid`, together.
    fn pay(&mut self, order_id: i64) -> Result<(), Error> {
        let sql = "SELECT status, total_cents FROM orders WHERE id = ?1";
        let (status, cents): (String, i64) = self
            .db
            .query_row(sql, [order_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if status != "pending_payment" || !self.charge(order_id, cents) {
            return Ok(());
        }
        let tx = self.db.transaction()?;
        let sql = "UPDATE orders SET status = 'paid' WHERE id = ?1";
        tx.execute(sql, [order_id])?;
        insert_event(&tx, "order.paid", order_id)?;
        tx.commit()?;
        Ok(())
    }

    /// Whether the provider took the payment.
    fn charge(&mut self, order_id: i64, cents: i64) -> bool {
        for retry in 0..MAX_ATTEMPTS {
            if !self.breaker.allow(self.clock.now_unix_ms()) {
                self.count("shop_breaker_rejections_total");
                return false;
            }
            self.count("shop_payment_attempts_total");
            let ok = (self.provider)(order_id, cents).is_ok();
            self.breaker.record(ok, self.clock.now_unix_ms());
            if ok {
                return true;
            }
            self.count("shop_payment_failures_total");
            if retry + 1 == MAX_ATTEMPTS || matches!(self.breaker, Breaker::Open { .. }) {
                break;
            }
            (self.sleep)(backoff_ms(retry, &*self.random));
        }
        false
    }

    /// Publishes the unpublished outbox rows in order; how many it published.
    pub fn relay(&mut self) -> Result<usize, Error> {
        let sql = "SELECT id, topic, payload FROM outbox WHERE published = 0 ORDER BY id";
        let mut stmt = self.db.prepare(sql)?;
        let rows = stmt.query_map([], |r| {
            let (id, topic, payload) = (r.get(0)?, r.get(1)?, r.get(2)?);
            Ok(Message { id, topic, payload })
        })?;
        let unpublished = rows.collect::<Result<Vec<_>, _>>()?;
        drop(stmt);
        for (n, message) in unpublished.iter().enumerate() {
            self.queue.push(message.clone());
            self.count("shop_events_published_total");
            crash_point(&mut self.crash, Crash::AfterPublish(n + 1))?;
            let sql = "UPDATE outbox SET published = 1 WHERE id = ?1";
            self.db.execute(sql, [message.id])?;
        }
        Ok(unpublished.len())
    }

    /// The e-mail service: `order.placed` → `order_received`, `order.paid` →
    /// `payment_confirmed`. Whether the message was applied (not a duplicate).
    pub fn consume(&mut self, message: &Message) -> Result<bool, Error> {
        let tx = self.db.transaction()?;
        let sql = "INSERT OR IGNORE INTO inbox (message_id) VALUES (?1)";
        if tx.execute(sql, [message.id])? == 0 {
            return Ok(false);
        }
        let event: Value = serde_json::from_slice(message.payload.as_bytes())?;
        let template = match message.topic.as_str() {
            "order.placed" => "order_received",
            _ => "payment_confirmed",
        };
        let sql = "INSERT INTO emails (order_id, template) VALUES (?1, ?2)";
        tx.execute(sql, params![event["order_id"].as_i64(), template])?;
        crash_point(&mut self.crash, Crash::BeforeInboxCommit)?;
        tx.commit()?;
        self.count("shop_events_applied_total");
        Ok(true)
    }

    /// Relays, then consumes the queue; a message leaves it once consumed (acked).
    pub fn pump(&mut self) -> Result<(), Error> {
        self.relay()?;
        while let Some(message) = self.queue.first().cloned() {
            self.consume(&message)?;
            self.queue.remove(0); // acked
        }
        Ok(())
    }

    pub fn render_metrics(&self) -> String {
        let mut text = String::new();
        for ((name, help), value) in COUNTERS.iter().zip(self.metrics) {
            let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} counter");
            let _ = writeln!(text, "{name} {value}");
        }
        text
    }
}

fn lock(shop: &Mutex<Shop>) -> MutexGuard<'_, Shop> {
    shop.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The answer to a request off the wire, or to one that could not be read.
pub fn answer(shop: &Mutex<Shop>, req: io::Result<Request<Vec<u8>>>) -> Response<Vec<u8>> {
    match req {
        Ok(req) => lock(shop).handle(&req),
        Err(e) => problem(StatusCode::BAD_REQUEST, &e.to_string()),
    }
}

/// Answers the requests of one connection (the support library's HTTP/1.1 plumbing:
/// `http1`) until it ends or asks to close.
pub fn serve(conn: &mut dyn Conn, shop: &Mutex<Shop>) -> io::Result<()> {
    http1::serve(conn, MAX_BODY, &mut |req| answer(shop, req))
}

/// The shop as the HTTP/1.1 plumbing calls it, from a thread per connection.
pub fn app(shop: Arc<Mutex<Shop>>) -> http1::SharedApp {
    Arc::new(move |req| answer(&shop, req))
}

/// The relay and the consumer poll, once a second.
fn relay_forever(shop: &Mutex<Shop>) -> ! {
    loop {
        thread::sleep(Duration::from_secs(1));
        let _ = lock(shop).pump();
    }
}

fn main() -> io::Result<()> {
    let port = std::env::args()
        .nth(1)
        .map_or(Ok(8081), |port| port.parse());
    let port: u16 = port.expect("usage: capstone_shop_orders [PORT]");
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
    println!("Listening on {}", listener.local_addr()?);
    io::stdout().flush()?;
    let approve_all: Provider = Box::new(|_, _| Ok(()));
    let shop = Shop::new(Arc::new(SystemClock), Box::new(OsRandom), approve_all);
    let shop = Arc::new(Mutex::new(shop));
    let relay = Arc::clone(&shop);
    thread::spawn(move || relay_forever(&relay));
    http1::listen(listener, MAX_BODY, app(shop));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::http1::Client;
    use backend_support::{FixedRandom, ManualClock, ScriptedStream};

    /// The payment provider: fails the next `failures` calls (`u32::MAX`: down); records
    /// the order ids it was asked to charge and the backoff delays slept.
    #[derive(Default)]
    struct Fake {
        failures: u32,
        calls: Vec<i64>,
        sleeps: Vec<u64>,
    }

    struct World {
        shop: Shop,
        fake: Arc<Mutex<Fake>>,
        clock: Arc<ManualClock>,
    }

    const MUG2: &str = r#"{"sku":"mug","quantity":2}"#;
    const MUG1: &str = r#"{"sku":"mug","quantity":1}"#;
    const POSTER: &str = r#"{"sku":"poster","quantity":1}"#;

    /// The n-th client key.
    fn key(n: u32) -> String {
        format!("order-key-{n:08}")
    }

    fn post(key: &str, body: &str) -> Request<Vec<u8>> {
        let req = Request::post("/orders").header("idempotency-key", format!("\"{key}\""));
        req.body(body.as_bytes().to_vec()).unwrap()
    }

    fn order(id: i64, quantity: i64, status: &str) -> (u16, Value) {
        let (total, q) = (1200 * quantity, quantity);
        let order = format!(
            r#"{{"id":{id},"sku":"mug","quantity":{q},"total_cents":{total},"status":"{status}"}}"#
        );
        (201, serde_json::from_slice(order.as_bytes()).unwrap())
    }

    impl World {
        /// A fresh shop on a `ManualClock`; random bytes 0x80 00…: jitter halves the ceiling.
        fn new() -> World {
            let clock = Arc::new(ManualClock::new(1_700_000_000_000));
            let fake = Arc::new(Mutex::new(Fake::default()));
            let calls = fake.clone();
            let provider: Provider = Box::new(move |order_id, _| {
                let mut fake = calls.lock().unwrap();
                fake.calls.push(order_id);
                match fake.failures {
                    0 => return Ok(()),
                    u32::MAX => {}
                    _ => fake.failures -= 1,
                }
                Err(Unavailable)
            });
            let random = Box::new(FixedRandom::new([0x80, 0, 0, 0, 0, 0, 0, 0]));
            let mut shop = Shop::new(clock.clone(), random, provider);
            let (sleeps, time) = (fake.clone(), clock.clone());
            shop.sleep = Box::new(move |ms| {
                sleeps.lock().unwrap().sleeps.push(ms);
                time.advance(Duration::from_millis(ms));
            });
            World { shop, fake, clock }
        }

        /// Status and JSON body of the answer to `req`.
        fn call(&mut self, req: Request<Vec<u8>>) -> (u16, Value) {
            let res = self.shop.handle(&req);
            let body = serde_json::from_slice(res.body()).unwrap_or(Value::Null);
            (res.status().as_u16(), body)
        }

        /// `POST /orders` with the n-th key.
        fn post(&mut self, n: u32, body: &str) -> (u16, Value) {
            self.call(post(&key(n), body))
        }

        /// The first column of `sql`'s rows, as text.
        fn rows(&self, sql: &str) -> Vec<String> {
            let mut stmt = self.shop.db.prepare(sql).unwrap();
            let rows = stmt.query_map([], |r| r.get::<_, rusqlite::types::Value>(0));
            let text = |v| match v {
                rusqlite::types::Value::Text(s) => s,
                rusqlite::types::Value::Integer(n) => n.to_string(),
                other => format!("{other:?}"),
            };
            rows.unwrap().map(|v| text(v.unwrap())).collect()
        }

        fn stock(&self) -> Vec<String> {
            self.rows("SELECT sku || '=' || stock FROM products ORDER BY sku")
        }

        fn outbox(&self) -> Vec<String> {
            self.rows("SELECT id || ' ' || topic || ' ' || payload || ' ' || published FROM outbox")
        }

        fn emails(&self) -> Vec<String> {
            self.rows("SELECT order_id || ' ' || template FROM emails ORDER BY rowid")
        }

        fn fake(&self) -> MutexGuard<'_, Fake> {
            self.fake.lock().unwrap()
        }
    }

    /// Serves `shop` on 127.0.0.1 (a free port) and connects a client.
    fn tcp(shop: Shop) -> Client {
        Client::connect(http1::listen_in_background(
            MAX_BODY,
            app(Arc::new(Mutex::new(shop))),
        ))
    }

    fn raw_post(n: u32, body: &str) -> String {
        let (key, len) = (key(n), body.len());
        format!("POST /orders HTTP/1.1\r\nIdempotency-Key: \"{key}\"\r\nContent-Length: {len}\r\n\r\n{body}")
    }

    mod orders {
        use super::*;

        #[test]
        fn an_order_takes_its_stock_and_writes_its_event_in_one_transaction() {
            let mut w = World::new();
            let res = w.shop.handle(&post(&key(1), MUG2));
            assert_eq!(res.status(), 201);
            assert_eq!(res.headers()[LOCATION], "/orders/1");
            assert_eq!(res.headers()[CONTENT_TYPE], "application/json");
            let body = String::from_utf8_lossy(res.body());
            let want = r#"{"id":1,"sku":"mug","quantity":2,"total_cents":2400,"status":"#;
            assert!(body.starts_with(want), "{body}"); // paid or not: stage 3
            assert_eq!(w.stock(), ["mug=3", "poster=1"]);
            assert_eq!(w.outbox()[0], r#"1 order.placed {"order_id":1} 0"#);
            assert_eq!(w.post(2, MUG1).1["id"], 2);
            assert_eq!(w.stock(), ["mug=2", "poster=1"]);
        }

        #[test]
        fn overselling_is_impossible_and_a_refused_order_changes_nothing() {
            let mut w = World::new();
            assert_eq!(w.post(1, POSTER).0, 201);
            #[rustfmt::skip]
            let refused = [
                (POSTER, 409), (r#"{"sku":"mug","quantity":6}"#, 409),
                (r#"{"sku":"hat","quantity":1}"#, 422), (r#"{"sku":"mug","quantity":0}"#, 400),
                (r#"{"sku":"mug","quantity":101}"#, 400), (r#"{"sku":"mug","quantity":"2"}"#, 400),
                (r#"{"quantity":1}"#, 400), ("sku=mug", 400),
            ];
            for (n, (body, status)) in (2..).zip(refused) {
                let (got, problem) = w.post(n, body);
                let want = (status, Some(u64::from(status)));
                assert_eq!((got, problem["status"].as_u64()), want, "{body}");
            }
            assert_eq!(w.stock(), ["mug=5", "poster=0"], "no oversell");
            assert_eq!(w.rows("SELECT sku FROM orders"), ["poster"]);
            let placed = "SELECT payload FROM outbox WHERE topic = 'order.placed'";
            assert_eq!(w.rows(placed), [r#"{"order_id":1}"#]);
            w.shop.db.execute_batch("PRAGMA query_only = ON").unwrap();
            assert_eq!(
                w.post(20, MUG1).0,
                500,
                "a failed UPDATE is no lack of stock"
            );
        }

        #[test]
        fn a_crash_before_the_commit_leaves_no_trace() {
            let mut w = World::new();
            w.shop.crash = Crash::BeforeOrderCommit;
            assert_eq!(w.post(1, MUG2).0, 500);
            assert_eq!(w.stock(), ["mug=5", "poster=1"], "the stock is back");
            let (orders, keys) = (
                w.rows("SELECT sku FROM orders"),
                w.rows("SELECT key FROM idempotency_keys"),
            );
            assert!(
                orders.is_empty() && keys.is_empty() && w.outbox().is_empty(),
                "all or nothing"
            );
            assert_eq!(w.post(1, MUG2).0, 201, "the retry goes through");
            assert_eq!(w.stock(), ["mug=3", "poster=1"]);
        }

        #[test]
        fn http_one_byte_at_a_time_and_over_tcp() {
            let shop = Mutex::new(World::new().shop);
            let served = |input: String| {
                let mut conn = ScriptedStream::new(input);
                let result = serve(conn.as_conn(), &shop).map_err(|e| e.kind());
                (result, String::from_utf8_lossy(conn.written()).into_owned())
            };
            let pad = "a".repeat(4000); // a long header line is fine, up to 8 KiB
            let (_, written) = served(format!(
                "{}GET /x HTTP/1.1\r\nX: {pad}\r\n\r\n",
                raw_post(1, MUG2)
            ));
            assert!(written.starts_with("HTTP/1.1 201 Created\r\n"), "{written}");
            assert!(written.contains("location: /orders/1\r\n"), "{written}");
            let statuses: Vec<&str> = written.matches("HTTP/1.1 ").collect();
            assert!(
                statuses.len() == 2 && written.contains("HTTP/1.1 404 Not Found\r\n"),
                "{written}"
            );
            let too_long = format!("GET /x HTTP/1.1\r\nX-A: {}X-B: b\r\n\r\n", "a".repeat(8187));
            let over_max_body = "POST /orders HTTP/1.1\r\nContent-Length: 65537\r\n\r\n";
            for bad in [
                "POST /orders HTTP/1.0\r\n\r\n",
                "GET /x HTTP/1.1\r\nbad\r\n\r\n",
                over_max_body,
                &too_long,
            ] {
                let (_, written) = served(format!("{bad}GET /metrics HTTP/1.1\r\n\r\n"));
                assert!(
                    written.starts_with("HTTP/1.1 400 Bad Request\r\n"),
                    "{written}"
                );
                assert_eq!(
                    written.matches("HTTP/1.1").count(),
                    1,
                    "then it closes: {bad:.40}"
                );
            }
            let cut_short = served("POST /orders HTTP/1.1\r\nContent-Length: 9\r\n\r\n{}".into());
            assert_eq!(
                cut_short,
                (Err(io::ErrorKind::UnexpectedEof), String::new())
            );
            let mut conn = tcp(shop.into_inner().unwrap());
            let padded = MUG2.to_string() + &" ".repeat(65536 - MUG2.len()); // 64 KiB: allowed
            let (head, body) = conn.exchange(&raw_post(2, &padded));
            assert!(head.starts_with("HTTP/1.1 201 Created\r\n"), "{head}");
            assert!(body.starts_with(r#"{"id":2,"#), "{body}");
            let (head, _) = conn.exchange("DELETE /orders HTTP/1.1\r\n\r\n");
            assert!(
                head.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
                "{head}"
            );
            assert!(head.contains("allow: POST\r\n"), "{head}");
            let (head, _) = conn.exchange("PUT /metrics HTTP/1.1\r\n\r\n");
            assert!(head.contains("allow: GET\r\n"), "{head}");
        }
    }

    mod idempotency {
        use super::*;

        #[test]
        fn the_same_key_replays_the_saved_response() {
            let mut w = World::new();
            let first = w.shop.handle(&post(&key(1), MUG2));
            let again = w.shop.handle(&post(&key(1), MUG2));
            assert_eq!(
                (again.status(), again.body()),
                (first.status(), first.body())
            );
            assert_eq!(again.headers()[LOCATION], "/orders/1");
            assert_eq!(again.headers()["idempotent-replayed"], "true");
            assert!(first.headers().get("idempotent-replayed").is_none());
            assert_eq!(w.stock(), ["mug=3", "poster=1"], "the stock is taken once");
            assert_eq!(w.post(2, MUG2).1["id"], 2, "another key is another order");
        }

        #[test]
        fn the_same_key_with_another_request_is_refused() {
            let mut w = World::new();
            w.post(1, MUG2);
            let (status, problem) = w.post(1, r#"{"sku":"mug","quantity":3}"#);
            assert_eq!((status, problem["status"].as_u64()), (422, Some(422)));
            assert_eq!(w.post(1, MUG2).1["id"], 1, "the key still replays");
            assert_eq!(w.stock(), ["mug=3", "poster=1"]);
        }

        #[test]
        fn a_key_is_required_and_well_formed() {
            let mut w = World::new();
            let mut no_key = post(&key(1), MUG2);
            no_key.headers_mut().remove("idempotency-key");
            let mut two = post(&key(1), MUG2);
            two.headers_mut()
                .append("idempotency-key", "\"order-key-00000002\"".parse().unwrap());
            let mut bare = post(&key(1), MUG2);
            bare.headers_mut()
                .insert("idempotency-key", key(1).parse().unwrap());
            let long = "k".repeat(65);
            let bad = [
                post("short-key-00001", MUG2),
                post("order key 000001", MUG2),
                post(&long, MUG2),
            ];
            for req in [no_key, two, bare].into_iter().chain(bad) {
                assert_eq!(w.call(req).0, 400);
            }
            assert_eq!(w.stock(), ["mug=5", "poster=1"]);
            assert_eq!(
                w.call(post("k-16-characters_", MUG1)).0,
                201,
                "16 to 64 characters"
            );
            assert_eq!(w.call(post(&long[1..], MUG1)).0, 201);
        }

        #[test]
        fn a_crash_after_the_commit_resumes_the_same_order() {
            let mut w = World::new();
            w.shop.crash = Crash::AfterOrderCommit;
            assert_eq!(w.post(1, MUG2).0, 500);
            let (status, body) = w.post(1, MUG2);
            let id = body["id"].as_i64();
            assert_eq!((status, id), (201, Some(1)), "not a second order");
            assert_eq!(w.stock(), ["mug=3", "poster=1"]);
        }
    }

    mod payments {
        use super::*;

        #[test]
        fn an_order_is_paid_and_charged_once() {
            let mut w = World::new();
            assert_eq!(w.post(1, MUG2), order(1, 2, "paid"));
            w.post(1, MUG2);
            assert_eq!(w.fake().calls, [1], "a replay charges nothing");
            let events = [
                r#"1 order.placed {"order_id":1} 0"#,
                r#"2 order.paid {"order_id":1} 0"#,
            ];
            assert_eq!(w.outbox(), events);
        }

        #[test]
        fn the_breaker_opens_after_5_failures_in_a_row_and_half_opens_after_the_cool_down() {
            let (mut b, cool) = (Breaker::Closed { failures: 0 }, COOL_DOWN_MS);
            let closed = |failures| Breaker::Closed { failures };
            #[rustfmt::skip]
            let steps = [
                (false, 1, closed(1)), (true, 2, closed(0)), (false, 3, closed(1)), (false, 4, closed(2)),
                (false, 5, closed(3)), (false, 6, closed(4)), (false, 7, Breaker::Open { until_ms: 7 + cool }),
            ];
            for (ok, now, want) in steps {
                assert!(b.allow(now));
                b.record(ok, now);
                assert_eq!(b, want, "after {ok} at {now}");
            }
            assert!(!b.allow(6 + cool) && b == Breaker::Open { until_ms: 7 + cool });
            assert!(b.allow(7 + cool) && b == Breaker::HalfOpen, "a trial call");
            b.record(false, 8 + cool);
            let open = Breaker::Open {
                until_ms: 8 + 2 * cool,
            };
            assert_eq!(b, open, "a failed trial opens again");
            assert!(b.allow(8 + 2 * cool));
            b.record(true, 9 + 2 * cool);
            assert_eq!(b, closed(0));
            let all_ones = FixedRandom::new([0xff]);
            let ceilings = [0, 1, 4, 5, 64].map(|retry| backoff_ms(retry, &all_ones));
            assert_eq!(
                ceilings,
                [100, 200, 1600, 2000, 2000],
                "100 ms × 2^retry, up to 2 s"
            );
        }

        #[test]
        fn failed_calls_are_retried_after_a_jittered_backoff() {
            let mut w = World::new();
            w.fake().failures = 2;
            assert_eq!(w.post(1, MUG2), order(1, 2, "paid"));
            assert_eq!(w.fake().calls, [1, 1, 1]);
            assert_eq!(
                w.fake().sleeps,
                [50, 100],
                "half of 100, 200 ms: full jitter"
            );
            w.fake().failures = 3;
            let pending = order(2, 1, "pending_payment");
            assert_eq!(w.post(2, MUG1), pending, "3 attempts at most");
            assert_eq!(w.fake().calls, [1, 1, 1, 2, 2, 2]);
            assert_eq!(
                w.fake().sleeps,
                [50, 100, 50, 100],
                "no wait after the last"
            );
            assert_eq!(w.shop.breaker, Breaker::Closed { failures: 3 });
        }

        #[test]
        fn an_outage_opens_the_breaker_and_orders_wait_for_payment() {
            let mut w = World::new();
            w.fake().failures = u32::MAX;
            assert_eq!(w.post(1, MUG2), order(1, 2, "pending_payment"));
            assert_eq!(w.post(2, MUG1), order(2, 1, "pending_payment"));
            assert_eq!(w.fake().calls, [1, 1, 1, 2, 2], "the 5th failure opens it");
            assert_eq!(w.fake().sleeps, [50, 100, 50], "and ends the retries");
            w.post(3, MUG1);
            w.clock.advance(Duration::from_millis(COOL_DOWN_MS - 1));
            w.post(4, POSTER);
            assert_eq!(w.fake().calls.len(), 5, "open: the provider is spared");
            w.clock.advance(Duration::from_millis(1));
            w.post(5, MUG1);
            assert_eq!(w.fake().calls[5..], [5], "one trial call, failed");
            assert_eq!(w.fake().sleeps.len(), 3, "no retry once open");
            w.fake().failures = 0;
            let restock = "UPDATE products SET stock = 2 WHERE sku = 'mug'";
            w.shop.db.execute(restock, []).unwrap();
            assert_eq!(w.post(6, MUG1), order(6, 1, "pending_payment"));
            assert_eq!(w.fake().calls.len(), 6, "open again");
            w.clock.advance(Duration::from_millis(COOL_DOWN_MS));
            assert_eq!(
                w.post(7, MUG1),
                order(7, 1, "paid"),
                "closed by a good trial"
            );
            let replay = w.post(1, MUG2);
            assert_eq!(replay, order(1, 2, "pending_payment"), "replayed as it was");
            let waiting = "SELECT id FROM orders WHERE status = 'pending_payment'";
            assert_eq!(w.rows(waiting), ["1", "2", "3", "4", "5", "6"]);
            assert_eq!(w.stock(), ["mug=0", "poster=0"], "their stock stays taken");
        }

        #[test]
        fn a_crash_before_or_after_the_payment_charges_once() {
            for crash in [Crash::AfterOrderCommit, Crash::BeforeResponseSaved] {
                let mut w = World::new();
                w.shop.crash = crash;
                assert_eq!(w.post(1, MUG2).0, 500);
                assert_eq!(w.post(1, MUG2), order(1, 2, "paid"), "{crash:?}");
                w.post(1, MUG2);
                assert_eq!(w.fake().calls, [1], "{crash:?}");
                assert_eq!(w.outbox().len(), 2, "one order.paid: {crash:?}");
            }
        }
    }

    /// Two paid orders: outbox rows 1 and 3 are `order.placed`, 2 and 4 `order.paid`.
    fn two_orders() -> Shop {
        let mut w = World::new();
        w.post(1, MUG2);
        w.post(2, POSTER);
        w.shop
    }

    fn ids(queue: &[Message]) -> Vec<i64> {
        queue.iter().map(|m| m.id).collect()
    }

    mod outbox {
        use super::*;

        #[test]
        fn the_relay_publishes_in_order_and_marks_what_it_published() {
            let mut shop = two_orders();
            assert_eq!(shop.relay().unwrap(), 4);
            assert_eq!(ids(&shop.queue), [1, 2, 3, 4]);
            let (topic, payload) = ("order.placed".into(), r#"{"order_id":2}"#.into());
            assert_eq!(
                shop.queue[2],
                Message {
                    id: 3,
                    topic,
                    payload
                }
            );
            assert_eq!(shop.relay().unwrap(), 0, "nothing left");
            assert_eq!(ids(&shop.queue), [1, 2, 3, 4]);
        }

        #[test]
        fn a_crash_between_publish_and_mark_publishes_again() {
            let mut shop = two_orders();
            shop.crash = Crash::AfterPublish(2);
            assert!(matches!(shop.relay(), Err(Error::Crashed)));
            assert_eq!(ids(&shop.queue), [1, 2]);
            assert_eq!(shop.relay().unwrap(), 3, "2 was not marked");
            assert_eq!(ids(&shop.queue), [1, 2, 2, 3, 4], "at least once");
        }
    }

    mod inbox {
        use super::*;

        #[test]
        fn each_message_is_applied_once() {
            let mut shop = two_orders();
            shop.crash = Crash::AfterPublish(2);
            let _ = shop.relay();
            shop.relay().unwrap();
            let queue: Vec<Message> = shop.queue.drain(..).collect();
            let applied: Vec<bool> = queue.iter().map(|m| shop.consume(m).unwrap()).collect();
            assert_eq!(applied, [true, true, false, true, true]);
            assert!(!shop.consume(&queue[0]).unwrap(), "a late redelivery");
            let w = World {
                shop,
                ..World::new()
            };
            #[rustfmt::skip]
            let want = ["1 order_received", "1 payment_confirmed", "2 order_received", "2 payment_confirmed"];
            assert_eq!(w.emails(), want);
        }

        #[test]
        fn crashes_and_retries_everywhere_still_send_one_confirmation() {
            let mut w = World::new();
            w.shop.crash = Crash::AfterOrderCommit;
            w.post(1, MUG2);
            w.post(1, MUG2);
            w.shop.crash = Crash::AfterPublish(1);
            assert!(w.shop.pump().is_err());
            w.shop.crash = Crash::BeforeInboxCommit;
            assert!(w.shop.pump().is_err());
            assert!(w.emails().is_empty(), "rolled back with its inbox row");
            w.shop.pump().unwrap();
            w.post(1, MUG2);
            w.shop.pump().unwrap();
            assert_eq!(w.emails(), ["1 order_received", "1 payment_confirmed"]);
            assert!(w.shop.queue.is_empty());
        }
    }

    mod metrics {
        use super::*;

        fn text(values: [u64; 7]) -> String {
            let counters = COUNTERS.iter().zip(values);
            let each = counters.map(|((name, help), v)| {
                format!("# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}\n")
            });
            each.collect()
        }

        #[test]
        fn counters_in_the_prometheus_text_format() {
            let mut w = World::new();
            let res = w
                .shop
                .handle(&Request::get("/metrics").body(vec![]).unwrap());
            let content_type = "text/plain; version=0.0.4; charset=utf-8";
            assert_eq!(res.headers()[CONTENT_TYPE], content_type);
            assert_eq!(String::from_utf8_lossy(res.body()), text([0; 7]));
            w.fake().failures = 1;
            w.post(1, MUG2);
            w.post(1, MUG2);
            w.fake().failures = u32::MAX;
            for n in 2..=4 {
                w.post(n, MUG1); // 3 failed calls, 2 more (the breaker opens), refused
            }
            w.shop.crash = Crash::AfterPublish(1);
            let _ = w.shop.pump();
            w.shop.pump().unwrap();
            assert_eq!(w.shop.render_metrics(), text([4, 1, 7, 6, 1, 6, 5]));
        }

        #[test]
        fn metrics_over_tcp_after_a_replayed_order() {
            let mut conn = tcp(World::new().shop);
            for _ in 0..2 {
                let (head, _) = conn.exchange(&raw_post(1, MUG2));
                assert!(head.starts_with("HTTP/1.1 201 Created\r\n"), "{head}");
            }
            let get = "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n";
            let (head, body) = conn.exchange(get);
            assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
            assert_eq!(body, text([1, 1, 1, 0, 0, 0, 0]));
            assert!(conn.closed(), "closed as asked");
        }
    }
}
