//! # Transactions: all or nothing, and savepoints
//!
//! Roadmap step: **Transactions / ACID** (<https://roadmap.sh/backend>): a transfer is
//! two UPDATEs, and nobody may ever keep only one of them.
//!
//! 1. `SCHEMA`: add a `CHECK` so that no balance can go below 0 (the given `From` impl
//!    turns that failure into `InsufficientFunds`).
//! 2. `apply`: refuse an amount `<= 0` (`InvalidAmount`), then debit `from`, then credit
//!    `to`. An UPDATE that changes no row is `UnknownAccount(id)`.
//! 3. `transfer`: run `apply` inside `BEGIN IMMEDIATE ... COMMIT`; any error rolls it all
//!    back. IMMEDIATE takes the write lock at `BEGIN`: a busy database fails the transfer
//!    before it did anything, not half-way through (as a DEFERRED one can).
//! 4. `import`: apply a batch in ONE `BEGIN IMMEDIATE` transaction, each transfer in its
//!    own `SAVEPOINT`. A bad row is rolled back to its savepoint and returned as
//!    `(index, error)`; the good rows commit together. `Db` or `Busy` aborts the batch.
//!
//! Standards:
//! - <https://www.sqlite.org/lang_transaction.html> (`BEGIN IMMEDIATE`, `COMMIT`)
//! - <https://www.sqlite.org/lang_savepoint.html> (`SAVEPOINT`, `ROLLBACK TO`, `RELEASE`)
//! - <https://docs.rs/rusqlite/0.41.1/rusqlite/struct.Transaction.html>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use rusqlite::{ffi, params, Connection, TransactionBehavior::Immediate};

// TODO: no balance may ever go below 0.
pub const SCHEMA: &str = "CREATE TABLE accounts (id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL, balance INTEGER NOT NULL);";

#[derive(Debug, PartialEq)]
pub enum BankError {
    InvalidAmount,
    UnknownAccount(i64),
    InsufficientFunds,
    /// Another connection holds the write lock.
    Busy,
    Db(rusqlite::Error),
}

impl From<rusqlite::Error> for BankError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_extended_error_code() {
            Some(ffi::SQLITE_CONSTRAINT_CHECK) => BankError::InsufficientFunds,
            Some(code) if code & 0xff == ffi::SQLITE_BUSY => BankError::Busy,
            _ => BankError::Db(e),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfer {
    pub from: i64,
    pub to: i64,
    pub amount: i64,
}

/// The two UPDATEs of a transfer, in whatever transaction `conn` is in.
pub fn apply(conn: &Connection, t: &Transfer) -> Result<(), BankError> {
    // TODO: refuse amounts <= 0; debit `from`, then credit `to`, with ?1/?2 parameters;
    // an UPDATE that changed 0 rows means that account does not exist.
    todo!()
}

pub fn transfer(conn: &mut Connection, t: &Transfer) -> Result<(), BankError> {
    // TODO: `apply` inside one BEGIN IMMEDIATE transaction: commit on success, roll back
    // on any error.
    todo!()
}

/// The rows `import` skipped: `(index in the batch, why)`, in batch order.
pub type Skipped = Vec<(usize, BankError)>;

pub fn import(conn: &mut Connection, batch: &[Transfer]) -> Result<Skipped, BankError> {
    // TODO: one BEGIN IMMEDIATE transaction; each transfer in its own SAVEPOINT, released
    // when it worked and rolled back (and reported) when it did not. Db/Busy: give up.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::trace::{TraceEvent, TraceEventCodes};
    use rusqlite::OpenFlags;
    use std::sync::{Arc, Mutex};
    use BankError::*;

    /// alice (1) has 100, bob (2) 50, carol (3) 0.
    fn bank_on(conn: Connection) -> Connection {
        conn.execute_batch(SCHEMA).unwrap();
        let sql = "INSERT INTO accounts VALUES (1, 'alice', 100), (2, 'bob', 50), (3, 'carol', 0)";
        conn.execute(sql, []).unwrap();
        conn
    }

    fn balances(conn: &Connection) -> Vec<i64> {
        let sql = "SELECT balance FROM accounts ORDER BY id";
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    }

    /// Records the SQL of every statement the connection runs, upper-cased.
    fn trace(conn: &mut Connection) -> Arc<Mutex<Vec<String>>> {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let f = move |e: TraceEvent<'_>| {
            if let TraceEvent::Stmt(_, sql) = e {
                log.lock().unwrap().push(sql.trim().to_ascii_uppercase());
            }
        };
        let mask = TraceEventCodes::SQLITE_TRACE_STMT;
        conn.trace_v2(mask, Some(f)).unwrap();
        seen
    }

    fn t(from: i64, to: i64, amount: i64) -> Transfer {
        Transfer { from, to, amount }
    }

    #[test]
    fn a_failed_transfer_leaves_both_balances_unchanged() {
        let mut conn = bank_on(Connection::open_in_memory().unwrap());
        for (tr, want) in [
            (t(1, 2, 101), InsufficientFunds),
            (t(3, 1, 1), InsufficientFunds),
            (t(1, 99, 10), UnknownAccount(99)),
            (t(99, 1, 10), UnknownAccount(99)),
            (t(1, 2, 0), InvalidAmount),
            (t(2, 1, -50), InvalidAmount), // bob would pull 50 from alice
        ] {
            assert_eq!(transfer(&mut conn, &tr), Err(want), "{tr:?}");
            assert_eq!(balances(&conn), [100, 50, 0], "after {tr:?}");
        }
        let whole = transfer(&mut conn, &t(1, 3, 100));
        assert_eq!(whole, Ok(()), "the whole balance");
        assert_eq!(balances(&conn), [0, 50, 100]);
    }

    #[test]
    fn a_busy_database_fails_the_transfer_at_begin_immediate() {
        // Two connections to one in-memory database (no file): SQLite's memdb VFS.
        let flags = OpenFlags::default() | OpenFlags::SQLITE_OPEN_URI;
        let open = || Connection::open_with_flags("file:/acid_busy?vfs=memdb", flags);
        let other = open().unwrap();
        let mut conn = bank_on(open().unwrap());
        conn.busy_timeout(std::time::Duration::ZERO).unwrap(); // fail, do not wait
        let seen = trace(&mut conn);
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        assert_eq!(transfer(&mut conn, &t(1, 2, 5)), Err(Busy));
        assert_eq!(*seen.lock().unwrap(), ["BEGIN IMMEDIATE"], "only BEGIN");
        other.execute_batch("COMMIT").unwrap();
        seen.lock().unwrap().clear();
        assert_eq!(transfer(&mut conn, &t(1, 99, 5)), Err(UnknownAccount(99)));
        assert_eq!(transfer(&mut conn, &t(1, 2, 5)), Ok(()), "after COMMIT");
        let seen = seen.lock().unwrap().clone();
        let ends: Vec<_> = seen.iter().filter(|s| !s.starts_with("UPDATE")).collect();
        let want = ["BEGIN IMMEDIATE", "ROLLBACK", "BEGIN IMMEDIATE", "COMMIT"];
        assert_eq!(ends, want, "{seen:#?}");
        assert_eq!(balances(&conn), [95, 55, 0]);
    }

    #[test]
    fn the_sum_of_balances_is_invariant() {
        let mut conn = bank_on(Connection::open_in_memory().unwrap());
        let mut model = [100, 50, 0]; // ids 1..=3; id 4 does not exist
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as i64
        };
        for _ in 0..200 {
            let tr = t(next(4) + 1, next(4) + 1, next(131) - 10);
            let (f, to) = (tr.from as usize - 1, tr.to as usize - 1);
            let ok = tr.amount > 0 && f < 3 && to < 3 && model[f] >= tr.amount;
            assert_eq!(transfer(&mut conn, &tr).is_ok(), ok, "{tr:?} on {model:?}");
            if ok {
                model[f] -= tr.amount;
                model[to] += tr.amount;
            }
            assert_eq!(balances(&conn), model, "after {tr:?}");
            assert_eq!(model.iter().sum::<i64>(), 150);
        }
    }

    #[test]
    fn import_skips_bad_rows_with_savepoints() {
        let mut conn = bank_on(Connection::open_in_memory().unwrap());
        let seen = trace(&mut conn);
        let rows = [(1, 2, 10), (2, 99, 5), (3, 1, 1), (1, 3, -5), (2, 3, 60)];
        let batch = rows.map(|(from, to, amount)| t(from, to, amount));
        let skipped = import(&mut conn, &batch).unwrap();
        let want = [(1, UnknownAccount(99)), (2, InsufficientFunds)];
        assert_eq!(skipped[..2], want, "{batch:?}");
        assert_eq!(skipped[2..], [(3, InvalidAmount)], "{batch:?}");
        assert_eq!(balances(&conn), [90, 0, 60], "bob's debit to 99 was undone");
        let seen = seen.lock().unwrap();
        let count = |p: &str| seen.iter().filter(|s| s.starts_with(p)).count();
        assert_eq!(count("BEGIN IMMEDIATE"), 1, "one transaction: {seen:#?}");
        assert_eq!(count("COMMIT") + count("END"), 1, "one commit: {seen:#?}");
        assert_eq!(count("SAVEPOINT"), batch.len(), "one per row: {seen:#?}");
        drop(seen);
        assert_eq!(import(&mut conn, &[]), Ok(vec![]));
        assert_eq!(balances(&conn), [90, 0, 60]);
    }
}
