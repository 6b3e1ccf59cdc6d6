//! # SQL: schema, constraints and CRUD
//!
//! Roadmap step: **Relational databases** (<https://roadmap.sh/backend>): a schema whose
//! constraints guard the data, and create/read/update/delete through a small repository.
//!
//! The `teams` table is given. Your part:
//!
//! 1. `SCHEMA`: the `users` table. `id` is the primary key; `email` is required and
//!    unique ignoring ASCII case (`Ada@x.io` and `ada@x.io` clash, but the email is stored
//!    as given); `team_id` is optional and references `teams(id)`; `age` is optional and,
//!    when present, at least 0.
//! 2. `Repo::new`: switch foreign key enforcement ON for the connection, then create the
//!    schema. Stock SQLite leaves it off on every new connection. (rusqlite's bundled
//!    build happens to turn it on; the tests turn it off first, like a stock build, so
//!    never rely on the default.)
//! 3. `classify`: turn a failed constraint into a `RepoError` by its extended error code.
//! 4. `create_user` (returns the new id), `get_user` (`None` for a missing id),
//!    `update_user` and `delete_user` (`NotFound` for a missing id), and
//!    `delete_team_members`, which returns how many rows it deleted.
//!
//! Standards:
//! - <https://www.sqlite.org/lang_createtable.html> (constraints)
//! - <https://www.sqlite.org/foreignkeys.html> (foreign keys and `PRAGMA foreign_keys`)
//! - <https://www.sqlite.org/rescode.html#extrc> (extended result codes)
//! - <https://docs.rs/rusqlite/0.41.1/rusqlite/struct.Connection.html>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use rusqlite::{ffi, params, Connection, OptionalExtension};

pub const SCHEMA: &str = "
CREATE TABLE teams (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE users (
    id      INTEGER PRIMARY KEY,
    email   TEXT NOT NULL UNIQUE COLLATE NOCASE,
    team_id INTEGER REFERENCES teams (id),
    age     INTEGER CHECK (age >= 0)
);";

/// A row of `users`; the `Option` fields are the nullable columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub team_id: Option<i64>,
    pub age: Option<i64>,
}

/// What the repository reports (`Db` for anything unexpected).
#[derive(Debug, PartialEq)]
pub enum RepoError {
    /// No row has that id.
    NotFound,
    /// A UNIQUE or PRIMARY KEY constraint failed: the value is taken.
    Conflict,
    /// A FOREIGN KEY constraint failed: a missing parent row, or a parent still in use.
    ForeignKey,
    /// A CHECK or NOT NULL constraint failed.
    Invalid,
    Db(rusqlite::Error),
}

/// Maps an error by its extended result code, never by its message text (which can
/// change between SQLite versions and is not an API).
pub fn classify(e: rusqlite::Error) -> RepoError {
    match e.sqlite_extended_error_code() {
        Some(ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY) => {
            RepoError::Conflict
        }
        Some(ffi::SQLITE_CONSTRAINT_FOREIGNKEY) => RepoError::ForeignKey,
        Some(ffi::SQLITE_CONSTRAINT_CHECK | ffi::SQLITE_CONSTRAINT_NOTNULL) => RepoError::Invalid,
        _ => RepoError::Db(e),
    }
}

pub type Res<T> = Result<T, RepoError>;

pub struct Repo {
    pub conn: Connection,
}

impl Repo {
    pub fn new(conn: Connection) -> rusqlite::Result<Repo> {
        // Per connection, and a no-op inside a transaction: set it first.
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.execute_batch(SCHEMA)?;
        Ok(Repo { conn })
    }

    pub fn create_user(&self, email: &str, team: Option<i64>, age: Option<i64>) -> Res<i64> {
        let sql = "INSERT INTO users (email, team_id, age) VALUES (?1, ?2, ?3)";
        let params = params![email, team, age];
        self.conn.execute(sql, params).map_err(classify)?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn get_user(&self, id: i64) -> Res<Option<User>> {
        let sql = "SELECT id, email, team_id, age FROM users WHERE id = ?1";
        self.conn
            .query_row(sql, [id], |row| {
                Ok(User {
                    id: row.get(0)?,
                    email: row.get(1)?,
                    team_id: row.get(2)?, // NULL reads as None
                    age: row.get(3)?,
                })
            })
            .optional() // QueryReturnedNoRows becomes Ok(None)
            .map_err(classify)
    }

    pub fn update_user(
        &self,
        id: i64,
        email: &str,
        team: Option<i64>,
        age: Option<i64>,
    ) -> Res<()> {
        let sql = "UPDATE users SET email = ?1, team_id = ?2, age = ?3 WHERE id = ?4";
        let params = params![email, team, age, id];
        let changed = self.conn.execute(sql, params).map_err(classify)?;
        // An UPDATE that matches no row is not an SQL error: check the count.
        if changed == 0 {
            return Err(RepoError::NotFound);
        }
        Ok(())
    }

    pub fn delete_user(&self, id: i64) -> Res<()> {
        let sql = "DELETE FROM users WHERE id = ?1";
        match self.conn.execute(sql, [id]).map_err(classify)? {
            0 => Err(RepoError::NotFound),
            _ => Ok(()),
        }
    }

    /// A bulk delete: returns how many rows it deleted (0 is an answer, not an error).
    pub fn delete_team_members(&self, team_id: i64) -> Res<usize> {
        let sql = "DELETE FROM users WHERE team_id = ?1";
        self.conn.execute(sql, [team_id]).map_err(classify)
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use RepoError::*;

    /// A repo with teams 1 and 2, on a connection set up like a stock SQLite build.
    fn repo() -> Repo {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", false).unwrap();
        let repo = Repo::new(conn).unwrap();
        let sql = "INSERT INTO teams (id, name) VALUES (1, 'core'), (2, 'web')";
        repo.conn.execute(sql, []).unwrap();
        repo
    }

    fn count(repo: &Repo) -> i64 {
        let sql = "SELECT count(*) FROM users";
        repo.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn create_and_get_round_trip_including_nulls() {
        let repo = repo();
        assert_eq!(repo.create_user("Ada@X.io", Some(1), Some(36)), Ok(1));
        assert_eq!(repo.create_user("d'arcy@x.io", None, None), Ok(2));
        let ada = repo.get_user(1).unwrap().unwrap();
        assert_eq!(ada.email, "Ada@X.io", "stored as given, not lowercased");
        assert_eq!((ada.id, ada.team_id, ada.age), (1, Some(1), Some(36)));
        let d = repo.get_user(2).unwrap().unwrap();
        let want = ("d'arcy@x.io", None, None);
        assert_eq!((d.email.as_str(), d.team_id, d.age), want, "NULL is None");
        assert_eq!(repo.get_user(99), Ok(None), "a missing id is Ok(None)");
    }

    #[test]
    fn duplicate_email_in_any_case_is_a_conflict() {
        let repo = repo();
        repo.create_user("ada@x.io", None, None).unwrap();
        for dup in ["ada@x.io", "ADA@x.io", "Ada@X.IO"] {
            let got = repo.create_user(dup, Some(1), None);
            assert_eq!(got, Err(Conflict), "{dup:?}");
        }
        let bob = repo.create_user("bob@x.io", None, None).unwrap();
        let got = repo.update_user(bob, "ADA@X.IO", None, None);
        assert_eq!(got, Err(Conflict), "update to a taken email");
        assert_eq!(count(&repo), 2);
    }

    #[test]
    fn foreign_keys_are_enforced() {
        let repo = repo();
        let on = repo
            .conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0));
        assert_eq!(on, Ok(1), "PRAGMA foreign_keys must be ON");
        let got = repo.create_user("ghost@x.io", Some(42), None);
        assert_eq!(got, Err(ForeignKey), "team 42 does not exist");
        let ada = repo.create_user("ada@x.io", Some(1), None).unwrap();
        let got = repo.update_user(ada, "ada@x.io", Some(7), None);
        assert_eq!(got, Err(ForeignKey), "update to team 7");
        let got = repo.conn.execute("DELETE FROM teams WHERE id = 1", []);
        assert_eq!(got.map_err(classify), Err(ForeignKey), "team 1 in use");
        assert_eq!(count(&repo), 1);
    }

    #[test]
    fn check_and_not_null_constraints() {
        let repo = repo();
        let got = repo.create_user("kid@x.io", None, Some(-1));
        assert_eq!(got, Err(Invalid), "age -1");
        assert_eq!(repo.create_user("baby@x.io", None, Some(0)), Ok(1), "age 0");
        let sql = "INSERT INTO users (email, team_id) VALUES (NULL, 1)";
        let got = repo.conn.execute(sql, []).map_err(classify);
        assert_eq!(got, Err(Invalid), "{sql}");
    }

    #[test]
    fn update_and_delete_change_exactly_one_row() {
        let repo = repo();
        let ada = repo.create_user("ada@x.io", Some(1), Some(36)).unwrap();
        let bob = repo.create_user("bob@x.io", Some(1), Some(40)).unwrap();
        let got = repo.update_user(ada, "ada@lovelace.org", None, None);
        assert_eq!(got, Ok(()));
        let got = repo.get_user(ada).unwrap().unwrap();
        let want = ("ada@lovelace.org".to_string(), None, None);
        assert_eq!((got.email, got.team_id, got.age), want);
        let got = repo.get_user(bob).unwrap().unwrap();
        assert_eq!((got.email.as_str(), got.age), ("bob@x.io", Some(40)));
        assert_eq!(repo.delete_user(ada), Ok(()));
        assert_eq!(repo.get_user(ada), Ok(None));
        assert_eq!(repo.delete_user(ada), Err(NotFound), "second delete");
        let got = repo.update_user(99, "x@x.io", None, None);
        assert_eq!(got, Err(NotFound), "update of id 99");
        assert_eq!(count(&repo), 1, "bob is left, and nothing was inserted");
    }

    #[test]
    fn bulk_delete_returns_the_affected_row_count() {
        let repo = repo();
        for (i, team) in [Some(1), Some(1), Some(2), None].into_iter().enumerate() {
            repo.create_user(&format!("u{i}@x.io"), team, None).unwrap();
        }
        assert_eq!(repo.delete_team_members(1), Ok(2));
        let got = repo.delete_team_members(1);
        assert_eq!(got, Ok(0), "none left: 0 is not an error");
        assert_eq!(repo.delete_team_members(99), Ok(0));
        let left = (1..=4).filter_map(|id| repo.get_user(id).unwrap());
        let left: Vec<String> = left.map(|u| u.email).collect();
        assert_eq!(left, ["u2@x.io", "u3@x.io"]);
    }
}
