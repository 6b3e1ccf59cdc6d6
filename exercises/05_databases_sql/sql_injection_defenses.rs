//! # SQL injection: parameters, LIKE escaping and allow-listed identifiers
//!
//! Roadmap step: **OWASP risks: SQL injection** (<https://roadmap.sh/backend>): never
//! build SQL text out of user input.
//!
//! Every query below pastes user input into its SQL with `format!`: the email
//! `' OR '1'='1` returns every user, and `x'); DROP TABLE users;--` drops the table.
//! Fix them (results are user names, by `id` unless sorted, and then by `id`):
//!
//! 1. `find_by_email` and `add_user`: bind the values as parameters (`?1`, `?2`). Do not
//!    escape them into the text: the SQL stays a constant, and the input stays a value.
//! 2. `escape_like` and `search_bio`: a *contains* search. `%` and `_` are wildcards in
//!    `LIKE`, so `50%` would also match `500`: put a `\` before each `%`, `_` and `\`,
//!    and say `ESCAPE '\'` in the query. The pattern itself is still a bound parameter.
//! 3. `SortField::parse`, `SortField::column` and `list_sorted`: a column name cannot be
//!    a parameter, so `?sort=` must be mapped through an allow-list (`name`, `email`,
//!    `joined`) onto fixed identifiers. Anything else is `QueryError::BadSort`.
//!
//! Standards:
//! - <https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html>
//!   (option 1: prepared statements; option 3: allow-list input validation)
//! - <https://cwe.mitre.org/data/definitions/89.html> (CWE-89)
//! - <https://www.sqlite.org/lang_expr.html#like> (`LIKE` and `ESCAPE`)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use rusqlite::{params, Connection};

#[derive(Debug, PartialEq)]
pub enum QueryError {
    /// The `sort` parameter is not on the allow-list; holds it as received.
    BadSort(String),
    Db(rusqlite::Error),
}

impl From<rusqlite::Error> for QueryError {
    fn from(e: rusqlite::Error) -> Self {
        QueryError::Db(e)
    }
}

pub type Res<T> = Result<T, QueryError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    Name,
    Email,
    Joined,
}

impl SortField {
    /// The allow-list: exactly `name`, `email` or `joined`.
    pub fn parse(param: &str) -> Option<SortField> {
        // TODO: match the three exact strings; anything else is None.
        todo!()
    }

    /// The column to sort by: a fixed identifier, never text from the request.
    pub fn column(self) -> &'static str {
        // TODO: `joined` sorts by the `joined_on` column.
        todo!()
    }
}

/// Makes `%`, `_` and `\` match literally in a `LIKE ... ESCAPE '\'` pattern.
pub fn escape_like(s: &str) -> String {
    // TODO: one character is missing here. Which one, and where in the chain?
    s.replace('%', r"\%").replace('_', r"\_")
}

pub struct Repo {
    pub conn: Connection,
}

impl Repo {
    pub fn with_fixture() -> Repo {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            r"CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
                email TEXT NOT NULL UNIQUE, bio TEXT NOT NULL DEFAULT '',
                joined_on TEXT NOT NULL DEFAULT '2024-01-01',
                password_hash TEXT NOT NULL DEFAULT '!');
            INSERT INTO users (name, email, bio, joined_on, password_hash) VALUES
                ('Ada', 'ada@x.io', 'Cut costs by 50% in a week', '2021-03-01', '$argon2id$a'),
                ('Bob', 'robert@x.io', 'Ran 500 km this year', '2020-07-15', '$argon2id$b'),
                ('Cy', 'cy@x.io', 'snake_case fan', '2022-01-10', '$argon2id$c'),
                ('Dee', 'd@x.io', 'snake case skeptic', '2019-11-30', '$argon2id$d'),
                ('Eve', 'eve@x.io', 'lives in C:\temp', '2023-05-05', '$argon2id$e');",
        )
        .unwrap();
        Repo { conn }
    }

    /// Runs a query that selects one column, `name`.
    fn names(&self, sql: &str, params: impl rusqlite::Params) -> Res<Vec<String>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map(params, |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn find_by_email(&self, email: &str) -> Res<Vec<String>> {
        // TODO: bind the email as a parameter.
        let sql = format!("SELECT name FROM users WHERE email = '{email}' ORDER BY id");
        self.names(&sql, [])
    }

    pub fn add_user(&self, name: &str, email: &str) -> Res<i64> {
        // TODO: bind both values as parameters (and run one statement, not a batch).
        let sql = format!("INSERT INTO users (name, email) VALUES ('{name}', '{email}')");
        self.conn.execute_batch(&sql)?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn search_bio(&self, needle: &str) -> Res<Vec<String>> {
        // TODO: bind an escaped pattern, and declare the escape character.
        let sql = format!("SELECT name FROM users WHERE bio LIKE '%{needle}%' ORDER BY id");
        self.names(&sql, [])
    }

    pub fn list_sorted(&self, sort: &str) -> Res<Vec<String>> {
        // TODO: only a `SortField` may choose the column (then `id` breaks ties).
        let sql = format!("SELECT name FROM users ORDER BY {sort}");
        self.names(&sql, [])
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::trace::{TraceEvent, TraceEventCodes};
    use std::sync::{Arc, Mutex};

    /// Whether the `users` table still exists, and how many rows it has.
    fn table_state(repo: &Repo) -> (i64, i64) {
        let sql = "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'users'";
        let tables = repo.conn.query_row(sql, [], |r| r.get(0)).unwrap();
        let count = "SELECT count(*) FROM users";
        let rows = repo.conn.query_row(count, [], |r| r.get(0));
        (tables, rows.unwrap_or(-1))
    }

    fn names(names: &[&str]) -> Res<Vec<String>> {
        Ok(names.iter().map(|n| n.to_string()).collect())
    }

    #[test]
    fn lookups_bind_values() {
        let repo = Repo::with_fixture();
        assert_eq!(repo.find_by_email("robert@x.io"), names(&["Bob"]));
        for payload in ["' OR '1'='1", "x'; DROP TABLE users;--"] {
            assert_eq!(repo.find_by_email(payload), Ok(vec![]), "{payload:?}");
            assert_eq!(repo.search_bio(payload), Ok(vec![]), "{payload:?}");
            assert_eq!(table_state(&repo), (1, 5), "after {payload:?}");
        }
    }

    #[test]
    fn inserted_values_are_stored_literally() {
        let repo = Repo::with_fixture();
        let evil = "x'); DROP TABLE users;--";
        assert_eq!(repo.add_user("Mallory", evil), Ok(6), "{evil:?}");
        assert_eq!(table_state(&repo), (1, 6), "after inserting {evil:?}");
        assert_eq!(repo.find_by_email(evil), names(&["Mallory"]));
    }

    #[test]
    fn values_never_become_sql_text() {
        let mut repo = Repo::with_fixture();
        let seen = Arc::new(Mutex::new(Vec::<String>::new()));
        let log = Arc::clone(&seen);
        let trace = move |event: TraceEvent<'_>| {
            if let TraceEvent::Stmt(_, sql) = event {
                log.lock().unwrap().push(sql.into());
            }
        };
        let mask = TraceEventCodes::SQLITE_TRACE_STMT;
        repo.conn.trace_v2(mask, Some(trace)).unwrap();
        assert_eq!(repo.add_user("Dara O'Brien", "dara@x.io"), Ok(6));
        assert_eq!(repo.find_by_email("dara@x.io"), names(&["Dara O'Brien"]));
        assert_eq!(repo.search_bio("50%"), names(&["Ada"]));
        // Escaping quotes is not enough: the values must not be in the SQL text at all.
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 3, "one statement per call: {seen:#?}");
        let has_value = |sql: &String| ["Brien", "dara@", "50"].iter().any(|v| sql.contains(v));
        assert!(!seen.iter().any(has_value), "value in SQL: {seen:#?}");
    }

    #[test]
    fn like_wildcards_in_the_needle_match_literally() {
        assert_eq!(escape_like(r"50%_\x"), r"50\%\_\\x");
        let repo = Repo::with_fixture();
        for (needle, expected) in [
            ("50%", vec!["Ada"]),
            ("%", vec!["Ada"]),
            ("snake_case", vec!["Cy"]),
            ("_", vec!["Cy"]),
            (r"\", vec!["Eve"]),
            (r"C:\temp", vec!["Eve"]),
            ("SNAKE", vec!["Cy", "Dee"]),
            ("", vec!["Ada", "Bob", "Cy", "Dee", "Eve"]),
        ] {
            assert_eq!(repo.search_bio(needle), names(&expected), "{needle:?}");
        }
    }

    #[test]
    fn sort_comes_from_an_allow_list() {
        assert_eq!(SortField::parse("joined"), Some(SortField::Joined));
        assert_eq!(SortField::Joined.column(), "joined_on");
        let repo = Repo::with_fixture();
        for (sort, expected) in [
            ("name", ["Ada", "Bob", "Cy", "Dee", "Eve"]),
            ("email", ["Ada", "Cy", "Dee", "Eve", "Bob"]),
            ("joined", ["Dee", "Bob", "Ada", "Cy", "Eve"]),
        ] {
            assert_eq!(repo.list_sorted(sort), names(&expected), "{sort:?}");
        }
        // Real columns are refused too: sorting by a secret leaks it one bit at a time.
        // The last one is the empty string.
        let bad_sorts = "name;DROP|password_hash|joined_on|Name|name DESC|1|".split('|');
        for bad in bad_sorts {
            assert_eq!(SortField::parse(bad), None, "{bad:?}");
            let want = Err(QueryError::BadSort(bad.into()));
            assert_eq!(repo.list_sorted(bad), want, "{bad:?}");
        }
        assert_eq!(table_state(&repo), (1, 5));
    }
}
