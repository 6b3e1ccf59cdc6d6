//! # Transactional outbox, relay and idempotent inbox
//!
//! Roadmap step: **Message brokers / architectural patterns** (<https://roadmap.sh/backend>):
//! "save the order, then publish OrderPlaced" is two writes to two systems, and a crash
//! between them loses the event or publishes one for an order that was rolled back.
//!
//! The orders service and the loyalty service each have their own SQLite database.
//!
//! 1. `place_order`: insert the order AND its `OrderPlaced` event (serde_json, in the
//!    `outbox` table) in one transaction: both or neither.
//! 2. `relay`: publish the unsent outbox rows to the broker in id order, marking each one
//!    sent after it was published. A crash after publishing and before marking publishes
//!    it again on the next run: the relay is at-least-once, and consumers see duplicates.
//! 3. `handle` (the loyalty service: 1 point per whole 100 cents): in ONE transaction,
//!    `INSERT OR IGNORE` the message id into `inbox` (its primary key) and, only if that
//!    inserted a row, apply the effect. Return whether the effect was applied. A crash
//!    before the commit rolls back both, so the redelivery applies it: exactly once.
//!
//! The tests crash the code at the `Crash` point they pass in: call
//! `crash_point(crash, Crash::...)?` at each point named in the enum.
//!
//! Standards:
//! - <https://microservices.io/patterns/data/transactional-outbox.html>
//! - <https://microservices.io/patterns/communication-style/idempotent-consumer.html>
//! - <https://www.sqlite.org/lang_insert.html> (`INSERT OR IGNORE`)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

pub const ORDERS_SCHEMA: &str = "
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL,
        total_cents INTEGER NOT NULL);
    CREATE TABLE outbox (id INTEGER PRIMARY KEY, topic TEXT NOT NULL, payload TEXT NOT NULL,
        sent INTEGER NOT NULL DEFAULT 0);";

pub const LOYALTY_SCHEMA: &str = "
    CREATE TABLE inbox (message_id INTEGER PRIMARY KEY);
    CREATE TABLE points (customer TEXT PRIMARY KEY, points INTEGER NOT NULL);";

/// The event, as JSON in the outbox and on the wire.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct OrderPlaced {
    pub order_id: i64,
    pub customer: String,
    pub total_cents: i64,
}

/// A published message: its id is the outbox row's id.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: i64,
    pub topic: String,
    pub payload: String,
}

/// The broker keeps every message it was given, in order (duplicates too).
#[derive(Debug, Default)]
pub struct Broker {
    pub published: Vec<Message>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crash {
    Never,
    /// In `place_order`, after the order row and before the outbox row.
    BeforeOutboxInsert,
    /// In `relay`, after publishing the n-th message of this run (from 1), before
    /// marking it sent.
    AfterPublish(usize),
    /// In `handle`, after the effect, before the commit.
    BeforeCommit,
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

/// The process "dies" here if the test asked for it: everything not committed is lost.
pub fn crash_point(crash: Crash, here: Crash) -> Result<(), Error> {
    if crash == here {
        return Err(Error::Crashed);
    }
    Ok(())
}

pub fn place_order(
    conn: &mut Connection,
    customer: &str,
    total_cents: i64,
    crash: Crash,
) -> Result<i64, Error> {
    // TODO: one transaction: the order row, `crash_point(crash, Crash::BeforeOutboxInsert)?`,
    // then the outbox row (topic "order.placed", the `OrderPlaced` event as JSON). Return
    // the order id.
    todo!()
}

/// Returns how many messages this run published.
pub fn relay(conn: &Connection, broker: &mut Broker, crash: Crash) -> Result<usize, Error> {
    // TODO: the unsent outbox rows in id order; for each: publish it (push to the broker),
    // then the `AfterPublish(n)` crash point, then mark it sent.
    todo!()
}

pub fn handle(conn: &mut Connection, message: &Message, crash: Crash) -> Result<bool, Error> {
    // TODO: one transaction: record the message id in the inbox (`INSERT OR IGNORE`); if it
    // was already there, the effect is done: return `false`. Otherwise add the points, then
    // the `BeforeCommit` crash point, then commit.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use Crash::*;

    fn db(schema: &str) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(schema).unwrap();
        conn
    }

    fn count(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn points(conn: &Connection) -> Vec<(String, i64)> {
        let mut stmt = conn
            .prepare("SELECT * FROM points ORDER BY customer")
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(Result::unwrap).collect()
    }

    fn ids(broker: &Broker) -> Vec<i64> {
        broker.published.iter().map(|m| m.id).collect()
    }

    /// Three orders: ann 25.99, bob 10.00, ann 4.50.
    fn orders() -> Connection {
        let mut conn = db(ORDERS_SCHEMA);
        for (customer, cents) in [("ann", 2599), ("bob", 1000), ("ann", 450)] {
            place_order(&mut conn, customer, cents, Never).unwrap();
        }
        conn
    }

    #[test]
    fn an_order_and_its_event_commit_together() {
        let mut conn = db(ORDERS_SCHEMA);
        assert_eq!(place_order(&mut conn, "ann", 2599, Never).unwrap(), 1);
        let sql = "SELECT topic, payload, sent FROM outbox";
        let row: (String, String, i64) =
            (conn.query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))).unwrap();
        let payload = r#"{"order_id":1,"customer":"ann","total_cents":2599}"#;
        assert_eq!(row, ("order.placed".into(), payload.into(), 0));
        let crashed = place_order(&mut conn, "bob", 1000, BeforeOutboxInsert);
        assert!(matches!(crashed, Err(Error::Crashed)), "{crashed:?}");
        assert_eq!(
            count(&conn, "SELECT count(*) FROM orders"),
            1,
            "no order without event"
        );
        assert_eq!(count(&conn, "SELECT count(*) FROM outbox"), 1);
        assert_eq!(place_order(&mut conn, "bob", 1000, Never).unwrap(), 2);
    }

    #[test]
    fn the_relay_publishes_unsent_rows_in_order_once() {
        let conn = orders();
        let mut broker = Broker::default();
        assert_eq!(relay(&conn, &mut broker, Never).unwrap(), 3);
        assert_eq!(ids(&broker), [1, 2, 3]);
        let event: OrderPlaced = serde_json::from_str(&broker.published[1].payload).unwrap();
        let bob = OrderPlaced {
            order_id: 2,
            customer: "bob".into(),
            total_cents: 1000,
        };
        assert_eq!(event, bob);
        assert_eq!(relay(&conn, &mut broker, Never).unwrap(), 0, "all sent");
        assert_eq!(
            count(&conn, "SELECT count(*) FROM outbox WHERE sent = 0"),
            0
        );
    }

    #[test]
    fn a_crash_between_publish_and_mark_publishes_twice() {
        let conn = orders();
        let mut broker = Broker::default();
        let crashed = relay(&conn, &mut broker, AfterPublish(2));
        assert!(matches!(crashed, Err(Error::Crashed)), "{crashed:?}");
        assert_eq!(ids(&broker), [1, 2], "2 went out before the crash");
        let unsent = "SELECT count(*) FROM outbox WHERE sent = 0";
        assert_eq!(count(&conn, unsent), 2, "but only 1 was marked sent");
        assert_eq!(relay(&conn, &mut broker, Never).unwrap(), 2);
        assert_eq!(
            ids(&broker),
            [1, 2, 2, 3],
            "at least once: 2 is a duplicate"
        );
        let crashed = relay(&conn, &mut broker, AfterPublish(1));
        assert!(crashed.is_ok(), "nothing left to publish: {crashed:?}");
    }

    #[test]
    fn the_inbox_applies_each_message_once() {
        let conn = orders();
        let mut broker = Broker::default();
        let _ = relay(&conn, &mut broker, AfterPublish(2));
        relay(&conn, &mut broker, Never).unwrap();
        let mut loyalty = db(LOYALTY_SCHEMA);
        let applied: Vec<bool> = (broker.published.iter())
            .map(|m| handle(&mut loyalty, m, Never).unwrap())
            .collect();
        assert_eq!(
            applied,
            [true, true, false, true],
            "the duplicate of 2 is skipped"
        );
        assert_eq!(points(&loyalty), [("ann".into(), 29), ("bob".into(), 10)]);
        assert_eq!(count(&loyalty, "SELECT count(*) FROM inbox"), 3);
        for m in &broker.published {
            assert!(
                !handle(&mut loyalty, m, Never).unwrap(),
                "a full redelivery"
            );
        }
        assert_eq!(points(&loyalty), [("ann".into(), 29), ("bob".into(), 10)]);
    }

    #[test]
    fn a_crash_before_the_commit_forgets_the_message_too() {
        let conn = orders();
        let mut broker = Broker::default();
        relay(&conn, &mut broker, Never).unwrap();
        let mut loyalty = db(LOYALTY_SCHEMA);
        let first = &broker.published[0];
        let crashed = handle(&mut loyalty, first, BeforeCommit);
        assert!(matches!(crashed, Err(Error::Crashed)), "{crashed:?}");
        assert_eq!(points(&loyalty), [], "the effect was rolled back");
        assert_eq!(
            count(&loyalty, "SELECT count(*) FROM inbox"),
            0,
            "and the inbox row"
        );
        assert!(
            handle(&mut loyalty, first, Never).unwrap(),
            "the redelivery applies it"
        );
        assert!(
            !handle(&mut loyalty, first, BeforeCommit).unwrap(),
            "a duplicate"
        );
        assert_eq!(points(&loyalty), [("ann".into(), 25)], "exactly once");
    }

    #[test]
    fn a_bad_payload_is_an_error_and_leaves_no_trace() {
        let mut loyalty = db(LOYALTY_SCHEMA);
        let payload = r#"{"order_id":9,"customer":"eve"}"#.to_string();
        let topic = "order.placed".to_string();
        let bad = Message {
            id: 9,
            topic,
            payload,
        };
        let got = handle(&mut loyalty, &bad, Never);
        assert!(matches!(got, Err(Error::Json(_))), "{got:?}");
        assert_eq!(
            count(&loyalty, "SELECT count(*) FROM inbox"),
            0,
            "can be retried"
        );
    }
}
