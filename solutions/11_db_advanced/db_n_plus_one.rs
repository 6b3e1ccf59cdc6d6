//! # The N+1 query problem
//!
//! Roadmap step: **N+1 problem** (<https://roadmap.sh/backend>): one query for a list,
//! then one more query per row of it.
//!
//! `feed_with_authors` was written the way ORMs write it by default: it reads the newest
//! `limit` posts, then asks for each post's author on its own. That is 1 + N statements,
//! and against a database server every statement is a network round trip: 300 posts
//! cost 301 round trips. SQLite runs in-process, so there it is only slow, not fatal
//! (see the SQLite page below), but the tests count statements all the same.
//!
//! 1. Rewrite `feed_with_authors` to run at most 2 statements for any `limit`: one JOIN,
//!    or the posts and then all their authors at once with `WHERE id IN (...)`.
//! 2. Keep the results identical, in the same order (newest post first). A post whose
//!    author deleted their account has a NULL `author_id`: it stays in the feed, with
//!    `author: None`.
//!
//! Standards:
//! - <https://www.sqlite.org/lang_select.html#joins> (`JOIN`, `LEFT JOIN`)
//! - <https://www.sqlite.org/np1queryprob.html> (N+1 in SQLite versus client/server)
//! - <https://docs.rs/rusqlite/0.41.1/rusqlite/struct.Connection.html#method.trace_v2>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use rusqlite::Connection;

pub const SCHEMA: &str = "
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL,
    author_id INTEGER REFERENCES users ON DELETE SET NULL);";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    pub id: i64,
    pub title: String,
    /// `None` when the author's account is gone.
    pub author: Option<String>,
}

/// The newest `limit` posts with their authors' names, newest first.
pub fn feed_with_authors(conn: &Connection, limit: u32) -> rusqlite::Result<Vec<FeedItem>> {
    // One statement. LEFT JOIN, not JOIN: an inner join would silently drop the posts
    // whose author_id is NULL. The ORDER BY and LIMIT apply to the joined rows.
    let sql = "SELECT p.id, p.title, u.name
        FROM posts AS p LEFT JOIN users AS u ON u.id = p.author_id
        ORDER BY p.id DESC LIMIT ?1";
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([limit], |row| {
        Ok(FeedItem {
            id: row.get(0)?,
            title: row.get(1)?,
            author: row.get(2)?,
        })
    })?;
    rows.collect()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::trace::{TraceEvent, TraceEventCodes};
    use std::sync::{Arc, Mutex};

    /// 40 users; 300 posts. Post n is by user n % 40 + 1, except every third post,
    /// whose author is gone.
    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        conn.execute_batch(
            "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
            INSERT INTO users (id, name) SELECT i, 'user ' || i FROM n WHERE i <= 40;
            WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
            INSERT INTO posts (id, title, author_id)
            SELECT i, 'post ' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE i % 40 + 1 END FROM n;",
        )
        .unwrap();
        conn
    }

    fn expected(limit: u32) -> Vec<FeedItem> {
        let ids = (1..=300).rev().take(limit as usize);
        let item = |id: i64| FeedItem {
            id,
            title: format!("post {id}"),
            author: (id % 3 != 0).then(|| format!("user {}", id % 40 + 1)),
        };
        ids.map(item).collect()
    }

    /// Runs the feed and returns it with the SQL of every statement it ran.
    fn traced_feed(limit: u32) -> (Vec<FeedItem>, Vec<String>) {
        let mut conn = db();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let trace = move |e: TraceEvent<'_>| {
            if let TraceEvent::Stmt(_, sql) = e {
                log.lock().unwrap().push(sql.to_string());
            }
        };
        let mask = TraceEventCodes::SQLITE_TRACE_STMT;
        conn.trace_v2(mask, Some(trace)).unwrap();
        let feed = feed_with_authors(&conn, limit).unwrap();
        let seen = seen.lock().unwrap().clone();
        (feed, seen)
    }

    #[test]
    fn three_posts_take_at_most_two_statements() {
        let (feed, seen) = traced_feed(3);
        let item = |id, author: Option<&str>| FeedItem {
            id,
            title: format!("post {id}"),
            author: author.map(String::from),
        };
        let want = [
            item(300, None),
            item(299, Some("user 20")),
            item(298, Some("user 19")),
        ];
        assert_eq!(feed, want);
        let n = seen.len();
        assert!(n <= 2, "{n} statements for 3 posts (N+1 is 4): {seen:#?}");
    }

    #[test]
    fn three_hundred_posts_still_take_at_most_two_statements() {
        let (feed, seen) = traced_feed(300);
        assert_eq!(
            feed,
            expected(300),
            "posts whose author is gone stay in the feed"
        );
        let n = seen.len();
        assert!(n <= 2, "{n} statements for 300 posts (N+1 is 301)");
    }

    #[test]
    fn every_limit_gives_the_same_rows_as_before() {
        for limit in [0, 1, 2, 40, 41, 299, 1000] {
            let (feed, seen) = traced_feed(limit);
            assert_eq!(feed, expected(limit), "limit {limit}");
            assert!(seen.len() <= 2, "limit {limit}: {} statements", seen.len());
        }
    }
}
