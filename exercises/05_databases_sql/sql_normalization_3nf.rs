//! # SQL: normalizing a flat table to 3NF
//!
//! Roadmap step: **Database normalization** (<https://roadmap.sh/backend>): every fact
//! stored once, so that an update changes one row and cannot leave copies disagreeing.
//!
//! `orders_flat` (see `FLAT`) has one row per order line, and repeats the customer's
//! name and city on every line and the product's name on every line. Renaming a
//! customer touches one row per line they ever bought: the update anomaly. The
//! customer's city depends on the customer, not on the order (a transitive dependency,
//! which 3NF forbids). Split it:
//!
//! 1. `SCHEMA`: four tables, with primary keys, `NOT NULL` everywhere, and foreign keys:
//!    - `customers (id, email, name, city)`: `id` an `INTEGER PRIMARY KEY`, `email`
//!      unique;
//!    - `products (sku, name)`: keyed by `sku`;
//!    - `orders (id, customer_id, ordered_on)`: `id` is the old `order_id`;
//!    - `order_items (order_id, sku, quantity, unit_price_cents)`: one row per product
//!      in an order (a composite primary key), `quantity > 0`. The price sits here, not
//!      in `products`: it is what this order paid, and it changed over time.
//! 2. `MIGRATION`: fill the tables from `orders_flat` with `INSERT … SELECT DISTINCT`
//!    (join on `email` to find each order's `customer_id`), then drop `orders_flat`.
//!
//! `migrate` runs both in one transaction, so a failing migration changes nothing.
//!
//! Standards:
//! - <https://en.wikipedia.org/wiki/Third_normal_form> (Codd's 1NF, 2NF and 3NF)
//! - <https://www.sqlite.org/lang_insert.html> (`INSERT … SELECT`)
//! - <https://www.sqlite.org/foreignkeys.html>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use rusqlite::Connection;

pub const FLAT: &str = "
CREATE TABLE orders_flat (
    order_id INTEGER NOT NULL, ordered_on TEXT NOT NULL,
    customer_email TEXT NOT NULL, customer_name TEXT NOT NULL, customer_city TEXT NOT NULL,
    sku TEXT NOT NULL, product_name TEXT NOT NULL,
    unit_price_cents INTEGER NOT NULL, quantity INTEGER NOT NULL
);
INSERT INTO orders_flat VALUES
    (1, '2024-01-05', 'ada@x.io', 'Ada', 'London', 'MUG', 'Mug', 1200, 2),
    (1, '2024-01-05', 'ada@x.io', 'Ada', 'London', 'TEE', 'T-shirt', 2000, 1),
    (2, '2024-01-09', 'bob@x.io', 'Bob', 'Paris', 'MUG', 'Mug', 1200, 1),
    (3, '2024-02-01', 'ada@x.io', 'Ada', 'London', 'MUG', 'Mug', 1500, 1),
    (3, '2024-02-01', 'ada@x.io', 'Ada', 'London', 'PEN', 'Pen', 300, 10),
    (4, '2024-02-03', 'cy@x.io', 'Cy', 'Oslo', 'TEE', 'T-shirt', 2000, 2),
    (4, '2024-02-03', 'cy@x.io', 'Cy', 'Oslo', 'PEN', 'Pen', 300, 1),
    (5, '2024-03-01', 'ada@x.io', 'Ada', 'London', 'TEE', 'T-shirt', 2000, 1),
    (6, '2024-03-02', 'ada@y.io', 'Ada', 'Rome', 'PEN', 'Pen', 300, 2);
";

// TODO: the four CREATE TABLE statements.
pub const SCHEMA: &str = "";

// TODO: INSERT … SELECT DISTINCT into each table (parents first), then DROP TABLE.
pub const MIGRATION: &str = "";

pub fn flat_fixture() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    conn.execute_batch(FLAT).unwrap();
    conn
}

pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    tx.execute_batch(SCHEMA)?;
    tx.execute_batch(MIGRATION)?;
    tx.commit() // dropping `tx` without commit rolls back
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::ffi;

    fn migrated() -> Connection {
        let mut conn = flat_fixture();
        migrate(&mut conn).unwrap();
        conn
    }

    fn rows<T: rusqlite::types::FromSql>(conn: &Connection, sql: &str) -> Vec<(i64, T)> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(Result::unwrap).collect()
    }

    /// Which constraint rejects `sql`, or "ok" if it succeeds.
    fn verdict(conn: &Connection, sql: &str) -> String {
        let Err(e) = conn.execute(sql, []) else {
            return "ok".into();
        };
        let constraint = match e.sqlite_extended_error_code() {
            Some(ffi::SQLITE_CONSTRAINT_FOREIGNKEY) => "foreign key",
            Some(ffi::SQLITE_CONSTRAINT_PRIMARYKEY) => "primary key",
            Some(ffi::SQLITE_CONSTRAINT_UNIQUE) => "unique",
            Some(ffi::SQLITE_CONSTRAINT_CHECK) => "check",
            Some(ffi::SQLITE_CONSTRAINT_NOTNULL) => "not null",
            _ => return e.to_string(),
        };
        constraint.into()
    }

    #[test]
    fn row_counts_after_migration() {
        let conn = migrated();
        let tables = ["customers", "products", "orders", "order_items"];
        for (table, want) in tables.into_iter().zip([4, 3, 6, 9]) {
            let sql = format!("SELECT count(*) FROM {table}");
            let got: i64 = conn.query_row(&sql, [], |r| r.get(0)).unwrap();
            assert_eq!(got, want, "{table}");
        }
        let sql = "SELECT count(*) FROM sqlite_schema WHERE name = 'orders_flat'";
        let flat: i64 = conn.query_row(sql, [], |r| r.get(0)).unwrap();
        assert_eq!(flat, 0, "orders_flat must be dropped");
    }

    #[test]
    fn order_totals_are_unchanged() {
        let mut conn = flat_fixture();
        let before: Vec<(i64, i64)> = rows(
            &conn,
            "SELECT order_id, sum(quantity * unit_price_cents) FROM orders_flat
             GROUP BY order_id ORDER BY order_id",
        );
        let want = [
            (1, 4400),
            (2, 1200),
            (3, 4500),
            (4, 4300),
            (5, 2000),
            (6, 600),
        ];
        assert_eq!(before, want);
        migrate(&mut conn).unwrap();
        let after: Vec<(i64, i64)> = rows(
            &conn,
            "SELECT o.id, sum(i.quantity * i.unit_price_cents) FROM orders AS o
             JOIN order_items AS i ON i.order_id = o.id GROUP BY o.id ORDER BY o.id",
        );
        assert_eq!(after, before);
        let per_customer: Vec<(i64, String)> = rows(
            &conn,
            "SELECT sum(i.quantity * i.unit_price_cents), c.email FROM customers AS c
             JOIN orders AS o ON o.customer_id = c.id
             JOIN order_items AS i ON i.order_id = o.id GROUP BY c.id ORDER BY c.email",
        );
        let want = [
            (10900, "ada@x.io"),
            (600, "ada@y.io"),
            (1200, "bob@x.io"),
            (4300, "cy@x.io"),
        ];
        assert_eq!(per_customer, want.map(|(t, e)| (t, e.to_string())));
    }

    #[test]
    fn renaming_touches_one_row() {
        let flat = flat_fixture();
        let sql = "UPDATE orders_flat SET customer_name = 'Ada L.'
                   WHERE customer_email = 'ada@x.io'";
        assert_eq!(flat.execute(sql, []), Ok(5), "the update anomaly, before");
        let conn = migrated();
        let sql = "UPDATE customers SET name = 'Ada L.' WHERE email = 'ada@x.io'";
        assert_eq!(conn.execute(sql, []), Ok(1), "{sql}");
        let sql = "UPDATE products SET name = 'Big mug' WHERE sku = 'MUG'";
        assert_eq!(conn.execute(sql, []), Ok(1), "{sql}");
        let names: Vec<(i64, String)> = rows(
            &conn,
            "SELECT o.id, c.name FROM orders AS o JOIN customers AS c ON c.id = o.customer_id
             WHERE c.email = 'ada@x.io' ORDER BY o.id",
        );
        assert_eq!(names, [1, 3, 5].map(|id| (id, "Ada L.".to_string())));
    }

    #[test]
    fn keys_and_constraints_hold() {
        let conn = migrated();
        for case in [
            "foreign key: INSERT INTO orders VALUES (9, 42, '2024-04-01')",
            "foreign key: INSERT INTO order_items VALUES (1, 'NOPE', 1, 100)",
            "foreign key: INSERT INTO order_items VALUES (9, 'MUG', 1, 100)",
            "foreign key: DELETE FROM customers WHERE email = 'bob@x.io'",
            "primary key: INSERT INTO order_items VALUES (1, 'MUG', 1, 100)",
            "primary key: INSERT INTO products VALUES ('PEN', 'Pen 2')",
            "unique: INSERT INTO customers VALUES (8, 'ada@x.io', 'A', 'B')",
            "not null: INSERT INTO customers (email, name) VALUES ('d@x.io', 'D')",
            "check: INSERT INTO order_items VALUES (2, 'PEN', 0, 300)",
            "ok: INSERT INTO order_items VALUES (2, 'PEN', 1, 300)",
        ] {
            let (want, sql) = case.split_once(": ").unwrap();
            assert_eq!(verdict(&conn, sql), want, "{sql}");
        }
    }
}
