//! # Indexes and query plans
//!
//! Roadmap step: **Database indexes / query optimization** (<https://roadmap.sh/backend>):
//! read the plan before you guess, then index for the queries you actually run.
//!
//! `plan` returns the steps of `EXPLAIN QUERY PLAN`. Today every query below is a full
//! table `SCAN`, and the sorted ones also `USE TEMP B-TREE` to sort. Your part:
//!
//! 1. `INDEXES`: at most three `CREATE INDEX` statements (every index costs space and
//!    time on every write) so that every query here becomes a `SEARCH`, with no sorting:
//!    - a composite index puts the equality columns first, then the `ORDER BY` or
//!      `GROUP BY` column: an index sorts rows by its first column, then the next;
//!    - a *covering* index holds every column the query reads, so SQLite never visits
//!      the table (one such index can serve two queries);
//!    - `lower(email)` is an expression: only an index on that expression can find it.
//! 2. `ORDERS_ON_DAY`: a function around the column (`date(created_at)`) hides it from
//!    the index. Rewrite the filter as a half-open range on the bare column, so it gets
//!    the same rows from an index. ISO 8601 texts in one format sort by time.
//!
//! Standards:
//! - <https://www.sqlite.org/eqp.html> (`EXPLAIN QUERY PLAN`)
//! - <https://www.sqlite.org/queryplanner.html> (how SQLite uses indexes; covering indexes)
//! - <https://www.sqlite.org/expridx.html> (indexes on expressions)
//! - <https://use-the-index-luke.com/sql/where-clause/obfuscation/dates> (sargable dates)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use rusqlite::{params_from_iter, types::Null, Connection};

pub const SCHEMA: &str = "
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES users,
    status TEXT NOT NULL, created_at TEXT NOT NULL, total_cents INTEGER NOT NULL);";

/// The login lookup: emails match ignoring case.
pub const USER_BY_EMAIL: &str = "SELECT id, name FROM users WHERE lower(email) = lower(?1)";

/// A customer's latest orders in one status.
pub const RECENT_ORDERS: &str = "SELECT id, created_at, total_cents FROM orders
    WHERE customer_id = ?1 AND status = ?2 ORDER BY created_at DESC LIMIT 20";

/// A customer's order count and total per status.
pub const TOTALS_BY_STATUS: &str = "SELECT status, count(*), sum(total_cents) FROM orders
    WHERE customer_id = ?1 GROUP BY status ORDER BY status";

/// How many orders were placed in `[?1, ?2)`.
pub const ORDERS_BETWEEN: &str =
    "SELECT count(*) FROM orders WHERE created_at >= ?1 AND created_at < ?2";

/// The ids of the orders placed on the day `?1` (`YYYY-MM-DD`, UTC), in time order.
/// `date(?1, '+1 day')` is the next day.
pub const ORDERS_ON_DAY: &str = "SELECT id FROM orders
    WHERE created_at >= ?1 AND created_at < date(?1, '+1 day') ORDER BY created_at";

// Equality columns first (customer_id, status), then the sort column (created_at):
// RECENT_ORDERS reads its rows already in order. total_cents at the end makes the index
// cover TOTALS_BY_STATUS (and RECENT_ORDERS: `id` is the rowid, in every index). The
// created_at index serves both range queries, and covers the count.
pub const INDEXES: &str = "
CREATE INDEX users_by_lower_email ON users (lower(email));
CREATE INDEX orders_by_customer ON orders (customer_id, status, created_at, total_cents);
CREATE INDEX orders_by_created_at ON orders (created_at);";

/// The `detail` column of each `EXPLAIN QUERY PLAN` row. The query's parameters are bound
/// to NULL: the plan is chosen when the statement is prepared, not from the values.
pub fn plan(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    let nulls = vec![Null; stmt.parameter_count()];
    let rows = stmt.query_map(params_from_iter(nulls), |row| row.get(3))?;
    rows.collect()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        conn.execute_batch(INDEXES).unwrap();
        conn.execute_batch(
            "INSERT INTO users VALUES (1, 'Ada@X.io', 'Ada'), (2, 'bob@x.io', 'Bob');
            INSERT INTO orders VALUES (1, 1, 'paid', '2024-04-30T23:59:59.999Z', 500),
                (2, 1, 'paid', '2024-05-01T00:00:00.000Z', 700),
                (3, 2, 'open', '2024-05-01T12:30:00.250Z', 300),
                (4, 1, 'open', '2024-05-01T23:59:59.999Z', 250),
                (5, 2, 'paid', '2024-05-02T00:00:00.000Z', 900);",
        )
        .unwrap();
        conn
    }

    /// The plan contains every `must` substring, and neither a SCAN nor a sort.
    fn assert_plan(sql: &str, must: &[&str]) {
        let steps = plan(&db(), sql).unwrap().join(" | ");
        for bad in ["SCAN", "TEMP B-TREE"] {
            assert!(
                !steps.contains(bad),
                "{bad} in the plan {steps:?} of {sql:?}"
            );
        }
        for want in must {
            assert!(steps.contains(want), "no {want:?} in {steps:?} of {sql:?}");
        }
    }

    #[test]
    fn an_expression_is_found_through_an_index_on_it() {
        assert_plan(USER_BY_EMAIL, &["SEARCH users USING"]);
        let got = db().query_row(USER_BY_EMAIL, ["ada@x.IO"], |r| r.get(1));
        assert_eq!(got, Ok("Ada".to_string()));
    }

    #[test]
    fn composite_index_serves_the_equalities_then_the_order() {
        let must = ["SEARCH orders USING", "customer_id=?", "status=?"];
        assert_plan(RECENT_ORDERS, &must);
    }

    #[test]
    fn covering_index_answers_from_the_index_alone() {
        assert_plan(TOTALS_BY_STATUS, &["SEARCH orders USING COVERING INDEX"]);
        let must = ["SEARCH orders USING COVERING INDEX", "created_at>?"];
        assert_plan(ORDERS_BETWEEN, &must);
    }

    #[test]
    fn the_day_query_searches_a_range_and_finds_the_same_rows() {
        assert_plan(ORDERS_ON_DAY, &["SEARCH orders USING", "created_at>?"]);
        let conn = db();
        let mut stmt = conn.prepare(ORDERS_ON_DAY).unwrap();
        for (day, want) in [
            ("2024-05-01", vec![2, 3, 4]),
            ("2024-04-30", vec![1]),
            ("2024-05-02", vec![5]),
            ("2024-05-03", vec![]),
        ] {
            let rows = stmt.query_map([day], |r| r.get(0)).unwrap();
            let got: Vec<i64> = rows.map(Result::unwrap).collect();
            assert_eq!(got, want, "{day:?}");
        }
    }

    #[test]
    fn at_most_three_indexes() {
        // Automatic indexes (for UNIQUE/PRIMARY KEY constraints) have no SQL text.
        let sql = "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL";
        let n: i64 = db().query_row(sql, [], |r| r.get(0)).unwrap();
        assert!((1..=3).contains(&n), "{n} indexes, want 1 to 3");
    }

    #[test]
    fn without_the_indexes_every_query_scans() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        for sql in [
            USER_BY_EMAIL,
            RECENT_ORDERS,
            TOTALS_BY_STATUS,
            ORDERS_ON_DAY,
        ] {
            let steps = plan(&conn, sql).unwrap().join(" | ");
            assert!(steps.contains("SCAN"), "{steps:?} of {sql:?}");
        }
    }
}
