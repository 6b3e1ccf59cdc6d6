//! # Schema migrations
//!
//! Roadmap step: **Migrations / migration strategies** (<https://roadmap.sh/backend>):
//! versioned schema changes that every environment applies the same way, in order.
//!
//! The database remembers the version of the last migration it ran in its header,
//! `PRAGMA user_version` (0 for a new database). Your part:
//!
//! 1. `migrate`: first check the list: its versions must be exactly 1, 2, 3, ... in order
//!    (else `BadList`). A database whose version is higher than the last one in the list
//!    was migrated by a newer release: refuse it (`TooNew`), never guess. Then
//!    apply every migration above the database's version, **each in its own
//!    transaction** that also sets `user_version`: a failed migration is rolled back
//!    whole (SQLite's DDL is transactional) and reported as `Failed`; the ones before it
//!    stay applied. Return the versions applied: none on a re-run.
//! 2. Migrations 2 and 3 rename `name` to `display_name` without downtime, by
//!    *expand/contract*. Expand (2): add `display_name`, NOT NULL with the default `''`,
//!    so the old release's `INSERT (name)` still works. Backfill (3): copy `name` into
//!    every `display_name` that is still `''`. The contract step (dropping `name`) ships
//!    only once no release writes `name`: it is not in this list.
//!
//! Standards:
//! - <https://www.sqlite.org/pragma.html#pragma_user_version>
//! - <https://www.sqlite.org/lang_altertable.html> (`ADD COLUMN` and its restrictions)
//! - <https://martinfowler.com/bliki/ParallelChange.html> (expand/contract)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use rusqlite::{Connection, TransactionBehavior::Immediate};

#[derive(Debug, Clone)]
pub struct Migration {
    pub version: u32,
    pub sql: &'static str,
}

impl Migration {
    pub const fn new(version: u32, sql: &'static str) -> Migration {
        Migration { version, sql }
    }
}

/// Version 1: the first release's table.
pub const CREATE_USERS: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);";

/// Version 2, expand: the new column, with a default for the old release's inserts.
pub const EXPAND: &str = "ALTER TABLE users ADD COLUMN display_name TEXT NOT NULL DEFAULT '';";

/// Version 3, backfill: the rows written before the new column existed.
pub const BACKFILL: &str = "UPDATE users SET display_name = name WHERE display_name = '';";

pub const MIGRATIONS: &[Migration] = &[
    Migration::new(1, CREATE_USERS),
    Migration::new(2, EXPAND),
    Migration::new(3, BACKFILL),
];

#[derive(Debug, PartialEq)]
pub enum MigrationError {
    /// The migration at index `at` has `version`, not `at + 1`.
    BadList {
        at: usize,
        version: u32,
    },
    /// The database is at version `db`: a newer release than this `code` migrated it.
    TooNew {
        db: u32,
        code: u32,
    },
    /// This migration failed, and was rolled back.
    Failed(u32, rusqlite::Error),
    Db(rusqlite::Error),
}

impl From<rusqlite::Error> for MigrationError {
    fn from(e: rusqlite::Error) -> Self {
        MigrationError::Db(e)
    }
}

pub fn user_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

pub fn migrate(conn: &mut Connection, list: &[Migration]) -> Result<Vec<u32>, MigrationError> {
    for (at, m) in list.iter().enumerate() {
        if m.version as usize != at + 1 {
            let version = m.version;
            return Err(MigrationError::BadList { at, version });
        }
    }
    let code = list.len() as u32;
    let db = user_version(conn)?;
    if db > code {
        return Err(MigrationError::TooNew { db, code });
    }
    let mut applied = Vec::new();
    for m in &list[db as usize..] {
        // IMMEDIATE, and the version read again inside: if another instance of the app
        // migrated in the meantime, this one sees it and skips.
        let tx = conn.transaction_with_behavior(Immediate)?;
        if user_version(&tx)? >= m.version {
            continue;
        }
        let failed = |e| MigrationError::Failed(m.version, e);
        tx.execute_batch(m.sql).map_err(failed)?;
        // A pragma takes no bound parameters; pragma_update writes the integer safely.
        tx.pragma_update(None, "user_version", m.version)?;
        tx.commit()?;
        applied.push(m.version);
    }
    Ok(applied)
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use MigrationError::*;

    fn columns(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM pragma_table_info('users')")
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    }

    fn display_names(conn: &Connection) -> Vec<String> {
        let sql = "SELECT coalesce(display_name, '<NULL>') FROM users ORDER BY id";
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    }

    #[test]
    fn migrates_a_new_database_then_a_re_run_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn, MIGRATIONS), Ok(vec![1, 2, 3]));
        assert_eq!(user_version(&conn), Ok(3));
        assert_eq!(columns(&conn), ["id", "name", "display_name"]);
        conn.execute("INSERT INTO users (name) VALUES ('old release')", [])
            .unwrap();
        assert_eq!(migrate(&mut conn, MIGRATIONS), Ok(vec![]), "re-run");
        assert_eq!(user_version(&conn), Ok(3));
        assert_eq!(display_names(&conn), [""], "the re-run must change nothing");
    }

    #[test]
    fn expand_then_backfill_keeps_the_old_release_working() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn, &MIGRATIONS[..1]), Ok(vec![1]));
        let old_insert = "INSERT INTO users (name) VALUES (?1)";
        for name in ["Ada", "Bob"] {
            conn.execute(old_insert, [name]).unwrap();
        }
        assert_eq!(migrate(&mut conn, &MIGRATIONS[..2]), Ok(vec![2]));
        conn.execute(old_insert, ["Cy"])
            .expect("the expand step broke old inserts");
        assert_eq!(display_names(&conn), ["", "", ""], "the default is ''");
        conn.execute(
            "UPDATE users SET display_name = 'Cy L.' WHERE name = 'Cy'",
            [],
        )
        .unwrap();
        assert_eq!(migrate(&mut conn, MIGRATIONS), Ok(vec![3]));
        assert_eq!(display_names(&conn), ["Ada", "Bob", "Cy L."], "backfill");
        let sql = "INSERT INTO users (name, display_name) VALUES ('Dee', 'Dee D.')";
        conn.execute(sql, [])
            .expect("the new release writes both columns");
    }

    #[test]
    fn a_failing_migration_leaves_the_version_and_schema_unchanged() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        let sql = "ALTER TABLE users ADD COLUMN age INTEGER; INSERT INTO nope VALUES (1);";
        let bad = Migration::new(4, sql);
        let list = [MIGRATIONS, &[bad]].concat();
        let got = migrate(&mut conn, &list);
        assert!(matches!(got, Err(Failed(4, _))), "{got:?}");
        assert_eq!(user_version(&conn), Ok(3));
        assert_eq!(
            columns(&conn),
            ["id", "name", "display_name"],
            "no half migration"
        );
        // On a new database, the migrations before the failing one stay applied.
        let mut conn = Connection::open_in_memory().unwrap();
        let got = migrate(&mut conn, &list);
        assert!(matches!(got, Err(Failed(4, _))), "{got:?}");
        assert_eq!(user_version(&conn), Ok(3), "1 to 3 committed one by one");
    }

    #[test]
    fn refuses_a_database_migrated_by_a_newer_release() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 7).unwrap();
        let got = migrate(&mut conn, MIGRATIONS);
        assert_eq!(got, Err(TooNew { db: 7, code: 3 }));
        assert_eq!(user_version(&conn), Ok(7));
        let tables = "SELECT count(*) FROM sqlite_schema";
        assert_eq!(conn.query_row(tables, [], |r| r.get(0)), Ok(0), "touched");
    }

    #[test]
    fn refuses_a_list_with_gaps_or_out_of_order() {
        let m = |version| Migration::new(version, "CREATE TABLE t (x);");
        for (list, at, version) in [
            (vec![m(1), m(3)], 1, 3),
            (vec![m(2), m(1)], 0, 2),
            (vec![m(1), m(2), m(2)], 2, 2),
            (vec![m(0)], 0, 0),
        ] {
            let mut conn = Connection::open_in_memory().unwrap();
            let got = migrate(&mut conn, &list);
            assert_eq!(got, Err(BadList { at, version }), "{list:?}");
            assert_eq!(user_version(&conn), Ok(0), "{list:?}: nothing applied");
        }
    }
}
