//! # SQL: joins, aggregates and a recursive query
//!
//! Roadmap step: **Relational databases** (<https://roadmap.sh/backend>): relationships
//! and joins, `GROUP BY`/`HAVING`, and a graph walk with a recursive CTE.
//!
//! The schema and the fixture data (`FIXTURE`) are given. Write the four queries; the Rust
//! functions that run them are done. Every query has its own `ORDER BY`: without one,
//! SQL promises no order at all.
//!
//! 1. `POSTS_WITH_AUTHOR`: `(title, author name)` of every post, by author name, then
//!    by post id.
//! 2. `POST_COUNTS`: `(name, number of posts)` of every user, users without posts
//!    included (with 0); most posts first, then by name.
//! 3. `PROLIFIC_AUTHORS`: the same columns and order, only users with at least 2 posts.
//! 4. `FRIENDS_OF_FRIENDS`: friendships are undirected, and each is stored once, either
//!    way round. For the user `?1`, return `(name, distance)` of everyone whose
//!    *shortest* distance from `?1` is at least 2 and at most `?2`: so the user and
//!    their direct friends never appear. Order by distance, then name. The graph has
//!    cycles, so the walk has to stop at depth `?2`.
//!
//! Standards:
//! - <https://www.sqlite.org/lang_select.html> (joins, `GROUP BY`, `HAVING`, `ORDER BY`)
//! - <https://www.sqlite.org/lang_with.html> (`WITH RECURSIVE`)
//! - <https://www.sqlite.org/lang_aggfunc.html#count> (`count(X)` vs `count(*)`)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use rusqlite::types::FromSql;
use rusqlite::{Connection, Params};

pub const FIXTURE: &str = "
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES users (id), title TEXT NOT NULL);
CREATE TABLE friendships (a INTEGER NOT NULL REFERENCES users (id),
    b INTEGER NOT NULL REFERENCES users (id), PRIMARY KEY (a, b));
CREATE INDEX posts_by_author ON posts (author_id);
INSERT INTO users (id, name) VALUES
    (1, 'ada'), (2, 'bob'), (3, 'cat'), (4, 'dan'), (5, 'eve'), (6, 'abe'), (7, 'cal');
INSERT INTO posts (id, author_id, title) VALUES (1, 1, 'Hello'), (2, 2, 'Rust tips'),
    (3, 1, 'Joins'), (4, 3, 'Cats'), (5, 1, 'CTEs'), (6, 3, 'More cats'), (7, 6, 'Hi');
INSERT INTO friendships (a, b) VALUES (1, 2), (3, 1), (2, 3), (2, 4), (5, 4), (5, 6);
";

// TODO: write the four queries (see the list at the top).
pub const POSTS_WITH_AUTHOR: &str = "";

pub const POST_COUNTS: &str = "";

pub const PROLIFIC_AUTHORS: &str = "";

// Hint: WITH RECURSIVE walk (id, depth) AS (SELECT ?1, 0 UNION SELECT ... )
pub const FRIENDS_OF_FRIENDS: &str = "";

pub fn fixture() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(FIXTURE).unwrap();
    conn
}

/// Runs a query whose rows have two columns.
fn pairs<A: FromSql, B: FromSql>(conn: &Connection, sql: &str, p: impl Params) -> Vec<(A, B)> {
    assert!(!sql.trim().is_empty(), "this query is not written yet");
    let run = || {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map(p, |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()
    };
    run().unwrap_or_else(|e| panic!("{e}\nin the query: {sql}"))
}

pub fn posts_with_author(conn: &Connection) -> Vec<(String, String)> {
    pairs(conn, POSTS_WITH_AUTHOR, [])
}

pub fn post_counts(conn: &Connection) -> Vec<(String, i64)> {
    pairs(conn, POST_COUNTS, [])
}

pub fn prolific_authors(conn: &Connection) -> Vec<(String, i64)> {
    pairs(conn, PROLIFIC_AUTHORS, [])
}

pub fn friends_of_friends(conn: &Connection, user: i64, max_depth: i64) -> Vec<(String, i64)> {
    pairs(conn, FRIENDS_OF_FRIENDS, [user, max_depth])
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned<T: Copy>(rows: &[(&str, T)]) -> Vec<(String, T)> {
        rows.iter().map(|&(s, t)| (s.to_string(), t)).collect()
    }

    #[test]
    fn join_posts_with_their_author() {
        let want = [
            ("Hi", "abe"),
            ("Hello", "ada"),
            ("Joins", "ada"),
            ("CTEs", "ada"),
            ("Rust tips", "bob"),
            ("Cats", "cat"),
            ("More cats", "cat"),
        ];
        let want: Vec<_> = want.map(|(t, a)| (t.to_string(), a.to_string())).into();
        assert_eq!(posts_with_author(&fixture()), want);
    }

    #[test]
    fn post_counts_include_users_without_posts() {
        let conn = fixture();
        let top = [("ada", 3), ("cat", 2), ("abe", 1), ("bob", 1)];
        let zeros = [("cal", 0), ("dan", 0), ("eve", 0)];
        let want = owned(&[&top[..], &zeros].concat());
        assert_eq!(post_counts(&conn), want, "LEFT JOIN and count(p.id)");
        let got = prolific_authors(&conn);
        assert_eq!(got, owned(&top[..2]), "HAVING count >= 2");
    }

    #[test]
    fn grouping_is_by_user_not_by_name() {
        let conn = fixture();
        let sql = "INSERT INTO users (id, name) VALUES (8, 'cat'); \
                   INSERT INTO posts (author_id, title) VALUES (8, 'Other cat');";
        conn.execute_batch(sql).unwrap();
        let want = [("ada", 3), ("cat", 2), ("abe", 1), ("bob", 1), ("cat", 1)];
        let zeros = [("cal", 0), ("dan", 0), ("eve", 0)];
        assert_eq!(post_counts(&conn), owned(&[&want[..], &zeros].concat()));
        assert_eq!(prolific_authors(&conn), owned(&[("ada", 3), ("cat", 2)]));
    }

    #[test]
    fn friends_of_friends_walk_the_graph() {
        let conn = fixture();
        for (user, depth, want) in [
            (1, 2, vec![("dan", 2)]),
            (1, 3, vec![("dan", 2), ("eve", 3)]),
            (1, 10, vec![("dan", 2), ("eve", 3), ("abe", 4)]),
            (1, 1, vec![]),
            (4, 2, vec![("abe", 2), ("ada", 2), ("cat", 2)]),
            (6, 3, vec![("dan", 2), ("bob", 3)]),
            (7, 3, vec![]),
        ] {
            let got = friends_of_friends(&conn, user, depth);
            assert_eq!(got, owned(&want), "user {user}, max depth {depth}");
        }
    }
}
