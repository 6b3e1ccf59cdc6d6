//! # SQL: a tiny ORM and a repository contract
//!
//! Roadmap step: **ORMs** (<https://roadmap.sh/backend>): map structs to rows once,
//! generically, and keep the storage behind a repository interface.
//!
//! A `Model` names its table and columns in constants and converts itself to and from
//! a row of `Value`s; a `Repo` stores any model. `InMemoryRepo` is done and shows how a
//! repo behaves (ids 1, 2, 3… per table; `list` in id order). Your part:
//!
//! 1. `impl Model for Book`, following `Author`.
//! 2. `insert_sql` and `select_sql`, from `TABLE` and `COLUMNS` only. Put each name in
//!    double quotes, so that a column may be named like a keyword (`order`):
//!    `INSERT INTO "books" ("title", "author_id", "year") VALUES (?1, ?2, ?3)` and
//!    `SELECT "id", "title", "author_id", "year" FROM "books"`.
//! 3. `Repo for SqliteRepo`: `insert` binds `to_params()` (never pasting a value into
//!    SQL) and returns the new id; `find` and `list` add `WHERE "id" = ?1` or
//!    `ORDER BY "id"` to `select_sql` and hand the values after `id` to `from_row`.
//!
//! Standards:
//! - <https://martinfowler.com/eaaCatalog/repository.html> (the Repository pattern)
//! - <https://www.sqlite.org/lang_keywords.html> (quoting identifiers)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use rusqlite::types::{FromSql, Value};
use rusqlite::{params_from_iter, Connection, Error, Result};
use std::collections::BTreeMap;

/// A struct stored as one row of `TABLE`. The `id INTEGER PRIMARY KEY` column belongs
/// to the repo, not to the model, and is not in `COLUMNS`. `from_row` gets, and
/// `to_params` returns, the values of `COLUMNS` in that order.
pub trait Model: Sized {
    const TABLE: &'static str;
    const COLUMNS: &'static [&'static str];
    fn from_row(row: &[Value]) -> Result<Self>;
    fn to_params(&self) -> Vec<Value>;

    /// Reads value `i` of a row as `T` (an `Option<T>` for a nullable column).
    fn get<T: FromSql>(row: &[Value], i: usize) -> Result<T> {
        let value = &row[i];
        T::column_result(value.into())
            .map_err(|_| Error::InvalidColumnType(i, Self::COLUMNS[i].into(), value.data_type()))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Author {
    pub name: String,
}

impl Model for Author {
    const TABLE: &'static str = "authors";
    const COLUMNS: &'static [&'static str] = &["name"];

    fn from_row(row: &[Value]) -> Result<Self> {
        Self::get(row, 0).map(|name| Author { name })
    }

    fn to_params(&self) -> Vec<Value> {
        vec![self.name.clone().into()]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    pub title: String,
    pub author_id: i64,
    pub year: Option<i64>,
}

impl Model for Book {
    const TABLE: &'static str = "books";
    const COLUMNS: &'static [&'static str] = &["title", "author_id", "year"];

    fn from_row(row: &[Value]) -> Result<Self> {
        Ok(Book {
            title: Self::get(row, 0)?,
            author_id: Self::get(row, 1)?,
            year: Self::get(row, 2)?,
        })
    }

    fn to_params(&self) -> Vec<Value> {
        // `Option<i64>` converts to `Value::Null` or `Value::Integer`.
        vec![
            self.title.clone().into(),
            self.author_id.into(),
            self.year.into(),
        ]
    }
}

/// An identifier in double quotes (`"` inside it doubled).
fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

pub fn insert_sql<M: Model>() -> String {
    let columns: Vec<String> = M::COLUMNS.iter().map(|c| quote(c)).collect();
    // Placeholders only: the values travel separately, as bound parameters.
    let marks: Vec<String> = (1..=M::COLUMNS.len()).map(|i| format!("?{i}")).collect();
    let (table, columns, marks) = (quote(M::TABLE), columns.join(", "), marks.join(", "));
    format!("INSERT INTO {table} ({columns}) VALUES ({marks})")
}

pub fn select_sql<M: Model>() -> String {
    let columns: Vec<String> = ["id"].iter().chain(M::COLUMNS).map(|c| quote(c)).collect();
    format!("SELECT {} FROM {}", columns.join(", "), quote(M::TABLE))
}

pub trait Repo {
    fn insert<M: Model>(&mut self, model: &M) -> Result<i64>;
    fn find<M: Model>(&self, id: i64) -> Result<Option<M>>;
    fn list<M: Model>(&self) -> Result<Vec<(i64, M)>>;
}

/// Table name → id → the values of `COLUMNS`.
#[derive(Default)]
pub struct InMemoryRepo(BTreeMap<&'static str, BTreeMap<i64, Vec<Value>>>);

impl Repo for InMemoryRepo {
    fn insert<M: Model>(&mut self, model: &M) -> Result<i64> {
        let rows = self.0.entry(M::TABLE).or_default();
        let id = rows.keys().next_back().map_or(1, |last| last + 1); // as SQLite does
        rows.insert(id, model.to_params());
        Ok(id)
    }

    fn find<M: Model>(&self, id: i64) -> Result<Option<M>> {
        let row = self.0.get(M::TABLE).and_then(|rows| rows.get(&id));
        row.map(|values| M::from_row(values)).transpose()
    }

    fn list<M: Model>(&self) -> Result<Vec<(i64, M)>> {
        let rows = self.0.get(M::TABLE).into_iter().flatten();
        rows.map(|(id, row)| Ok((*id, M::from_row(row)?))).collect()
    }
}

pub struct SqliteRepo {
    pub conn: Connection,
}

impl SqliteRepo {
    pub fn open() -> Result<SqliteRepo> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(
            "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
             CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL,
                 author_id INTEGER NOT NULL REFERENCES authors (id), year INTEGER);",
        )?;
        Ok(SqliteRepo { conn })
    }

    /// Runs a `select_sql` query: column 0 is the id, the others go to `from_row`.
    fn query<M: Model>(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<(i64, M)>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map(params, |row| {
            let values = (1..=M::COLUMNS.len()).map(|i| row.get::<_, Value>(i));
            Ok((row.get(0)?, values.collect::<Result<Vec<_>>>()?))
        })?;
        rows.map(|row| row.and_then(|(id, values)| Ok((id, M::from_row(&values)?))))
            .collect()
    }
}

impl Repo for SqliteRepo {
    fn insert<M: Model>(&mut self, model: &M) -> Result<i64> {
        self.conn
            .execute(&insert_sql::<M>(), params_from_iter(model.to_params()))?;
        Ok(self.conn.last_insert_rowid())
    }

    fn find<M: Model>(&self, id: i64) -> Result<Option<M>> {
        let sql = format!("{} WHERE \"id\" = ?1", select_sql::<M>());
        Ok(self.query(&sql, [id])?.pop().map(|(_, model)| model))
    }

    fn list<M: Model>(&self) -> Result<Vec<(i64, M)>> {
        self.query(&format!("{} ORDER BY \"id\"", select_sql::<M>()), [])
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::trace::{TraceEvent, TraceEventCodes};
    use std::sync::{Arc, Mutex};

    fn author(name: &str) -> Author {
        Author { name: name.into() }
    }

    fn book(title: &str, author_id: i64, year: Option<i64>) -> Book {
        let title = title.into();
        Book {
            title,
            author_id,
            year,
        }
    }

    /// What every repo must do; run against both implementations below.
    fn contract<R: Repo>(repo: &mut R) {
        let (ada, dara) = (author("Ada"), author("Dara O'Brien"));
        assert_eq!((repo.insert(&ada), repo.insert(&dara)), (Ok(1), Ok(2)));
        let books = vec![
            book("Notes", 1, Some(1843)),
            book("Robert'); DROP TABLE books;--", 2, None),
            book(r#"Say "hi" \ 50% off"#, 2, Some(2024)),
        ];
        for (i, b) in books.iter().enumerate() {
            let got = repo.insert(b);
            assert_eq!(got, Ok(i as i64 + 1), "ids count per table: {b:?}");
        }
        assert_eq!(repo.find(2), Ok(Some(books[1].clone())), "stored literally");
        assert_eq!(repo.find::<Book>(99), Ok(None));
        let want: Vec<(i64, Book)> = (1..).zip(books).collect();
        assert_eq!(repo.list(), Ok(want), "every book, in id order");
        assert_eq!(repo.list(), Ok(vec![(1, ada), (2, dara)]));
    }

    #[test]
    fn in_memory_repo_passes_the_contract() {
        contract(&mut InMemoryRepo::default());
    }

    #[test]
    fn sqlite_repo_passes_the_contract() {
        let mut repo = SqliteRepo::open().unwrap();
        let seen = Arc::new(Mutex::new(Vec::<String>::new()));
        let log = Arc::clone(&seen);
        let trace = move |event: TraceEvent<'_>| {
            if let TraceEvent::Stmt(_, sql) = event {
                log.lock().unwrap().push(sql.into());
            }
        };
        let mask = TraceEventCodes::SQLITE_TRACE_STMT;
        repo.conn.trace_v2(mask, Some(trace)).unwrap();
        contract(&mut repo);
        let seen = seen.lock().unwrap();
        let insert = r#"INSERT INTO "books""#;
        assert!(seen.iter().any(|sql| sql.starts_with(insert)), "{seen:#?}");
        // Values are bound as parameters, so none of them is part of any SQL text.
        let has_value = |sql: &String| sql.contains("Brien") || sql.contains("1843");
        assert!(!seen.iter().any(has_value), "value in SQL: {seen:#?}");
    }

    #[test]
    fn sql_comes_from_the_constants() {
        let want = r#"INSERT INTO "books" ("title", "author_id", "year") VALUES (?1, ?2, ?3)"#;
        assert_eq!(insert_sql::<Book>(), want);
        let want = r#"SELECT "id", "title", "author_id", "year" FROM "books""#;
        assert_eq!(select_sql::<Book>(), want);
    }
}
