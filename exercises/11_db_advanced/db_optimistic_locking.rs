//! # Optimistic locking and idempotent upserts
//!
//! Roadmap step: **Transactions / concurrency control** (<https://roadmap.sh/backend>):
//! two users edit the same product; without a check, the second save silently erases the
//! first (a *lost update*).
//!
//! Every row carries a `version`. A client reads the row, edits its copy, and sends the
//! copy back with the version it read. Your part:
//!
//! 1. `update`: one `UPDATE ... SET ..., version = version + 1 WHERE id = ? AND version = ?`.
//!    If it changed no row, someone else saved first (`Conflict`: the client must re-read
//!    and retry) or the row does not exist (`NotFound`). On success, return the row as
//!    saved, with its new version. No lock is held between the read and the write.
//! 2. `import`: load a price list in one transaction, with `INSERT ... ON CONFLICT (id)
//!    DO UPDATE`. Running the same file twice must be a no-op: update (and bump the
//!    version of) only the rows whose values really differ, or every nightly import would
//!    make every open edit conflict. Return how many rows were inserted or changed.
//!
//! Standards:
//! - <https://www.sqlite.org/lang_upsert.html> (`ON CONFLICT ... DO UPDATE`, `excluded.`)
//! - <https://en.wikipedia.org/wiki/Optimistic_concurrency_control>
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-13.1.1> (the HTTP form: `If-Match`)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use rusqlite::{params, Connection, OptionalExtension, Row};

pub const SCHEMA: &str = "CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
    price_cents INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1);";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub id: i64,
    pub name: String,
    pub price_cents: i64,
    /// The version this copy was read at.
    pub version: i64,
}

#[derive(Debug, PartialEq)]
pub enum StoreError {
    NotFound,
    /// The row changed since this copy was read.
    Conflict,
    Db(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(e)
    }
}

/// Reads the columns `id, name, price_cents, version`, in this order.
pub fn from_row(r: &Row) -> rusqlite::Result<Product> {
    let (id, name, price_cents, version) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
    Ok(Product {
        id,
        name,
        price_cents,
        version,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Product, StoreError> {
    let sql = "SELECT id, name, price_cents, version FROM products WHERE id = ?1";
    let row = conn.query_row(sql, [id], from_row);
    row.optional()?.ok_or(StoreError::NotFound)
}

/// Saves `p`, which was read at `p.version`, and returns it as saved.
pub fn update(conn: &Connection, p: &Product) -> Result<Product, StoreError> {
    // TODO: one UPDATE that checks the version and bumps it; 0 rows changed is a
    // Conflict if the row exists and NotFound if not.
    todo!()
}

/// `(id, name, price_cents)` rows of a price list.
pub fn import(conn: &Connection, rows: &[(i64, &str, i64)]) -> Result<usize, StoreError> {
    // TODO: one upsert per row, in one transaction; a row equal to the stored one must
    // not be written (nor get a new version). Return the count of rows written.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use StoreError::*;

    const LIST: [(i64, &str, i64); 3] = [(1, "Tea", 300), (2, "Coffee", 450), (3, "Cocoa", 400)];

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        assert_eq!(import(&conn, &LIST), Ok(3), "a first import inserts all");
        conn
    }

    fn p(id: i64, name: &str, price_cents: i64, version: i64) -> Product {
        let name = name.to_string();
        Product {
            id,
            name,
            price_cents,
            version,
        }
    }

    fn all(conn: &Connection) -> Vec<Product> {
        let sql = "SELECT id, name, price_cents, version FROM products ORDER BY id";
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], from_row).unwrap();
        rows.map(Result::unwrap).collect()
    }

    #[test]
    fn interleaved_writers_the_second_gets_a_conflict() {
        let conn = db();
        let mut alice = get(&conn, 1).unwrap();
        let mut bob = get(&conn, 1).unwrap();
        alice.price_cents = 350;
        bob.name = "Green tea".into();
        assert_eq!(update(&conn, &alice), Ok(p(1, "Tea", 350, 2)));
        assert_eq!(update(&conn, &bob), Err(Conflict), "bob read version 1");
        assert_eq!(get(&conn, 1), Ok(p(1, "Tea", 350, 2)), "no lost update");
        // Bob re-reads, re-applies his edit and saves: both edits survive.
        let mut bob = get(&conn, 1).unwrap();
        bob.name = "Green tea".into();
        let saved = update(&conn, &bob).unwrap();
        assert_eq!(saved, p(1, "Green tea", 350, 3));
        assert_eq!(get(&conn, 1), Ok(saved.clone()));
        assert_eq!(
            update(&conn, &saved).map(|p| p.version),
            Ok(4),
            "saved again"
        );
        assert_eq!(
            all(&conn)[1..],
            [p(2, "Coffee", 450, 1), p(3, "Cocoa", 400, 1)]
        );
    }

    #[test]
    fn a_stale_copy_never_wins_even_with_the_same_values() {
        let conn = db();
        let stale = get(&conn, 2).unwrap();
        update(&conn, &stale).unwrap(); // a save without changes still takes a version
        assert_eq!(update(&conn, &stale), Err(Conflict));
        let future = p(2, "Coffee", 450, 9);
        assert_eq!(update(&conn, &future), Err(Conflict), "{future:?}");
        assert_eq!(get(&conn, 2).map(|p| p.version), Ok(2));
    }

    #[test]
    fn a_missing_row_is_not_found_not_a_conflict() {
        let conn = db();
        assert_eq!(update(&conn, &p(99, "Ghost", 1, 1)), Err(NotFound));
        assert_eq!(get(&conn, 99), Err(NotFound));
        assert_eq!(all(&conn).len(), 3, "update must not insert");
    }

    #[test]
    fn re_running_the_import_is_stable() {
        let conn = db();
        assert_eq!(import(&conn, &LIST), Ok(0), "nothing differs");
        let want = [
            p(1, "Tea", 300, 1),
            p(2, "Coffee", 450, 1),
            p(3, "Cocoa", 400, 1),
        ];
        assert_eq!(all(&conn), want, "same rows, same versions");
        // A user edits Coffee; then a new list changes Tea and Cocoa, and adds Chai.
        let mut coffee = get(&conn, 2).unwrap();
        coffee.price_cents = 480;
        let coffee = update(&conn, &coffee).unwrap();
        let new = [
            (1, "Tea", 320),
            (2, "Coffee", 480),
            (3, "Hot cocoa", 400),
            (4, "Chai", 380),
        ];
        assert_eq!(import(&conn, &new), Ok(3), "{new:?}");
        assert_eq!(import(&conn, &new), Ok(0), "the new list again");
        let want = [
            p(1, "Tea", 320, 2),
            coffee,
            p(3, "Hot cocoa", 400, 2),
            p(4, "Chai", 380, 1),
        ];
        assert_eq!(all(&conn), want);
        // The old list again: the import wins, and every row it changes gets a new version.
        assert_eq!(import(&conn, &LIST), Ok(3), "all three differ");
        let want = [
            p(1, "Tea", 300, 3),
            p(2, "Coffee", 450, 3),
            p(3, "Cocoa", 400, 3),
        ];
        assert_eq!(all(&conn)[..3], want);
    }
}
