//! # GraphQL: validate, then execute with resolvers and a batch loader
//!
//! Roadmap step: **GraphQL** (<https://roadmap.sh/backend>): the client picks the fields,
//! the server runs one resolver per field. That freedom has two classic costs: a deep
//! query that makes the server do exponential work, and N+1 database calls for a list of
//! parents whose children are loaded one parent at a time.
//!
//! 1. `validate`: before anything runs, every field must exist on its parent type in
//!    `SCHEMA` (`Cannot query field "x" on type "User".`), and no field may sit deeper
//!    than `MAX_DEPTH` (top fields are at depth 1; `Query is nested deeper than 5
//!    levels.` at each field too deep).
//! 2. `execute`: validation errors make a response without `data`; otherwise run the
//!    selection set on the query root.
//! 3. `Executor::argument`: an int literal, or the int value of a `$variable` in the
//!    request's `variables` (this subset has no variable definitions); else `None`.
//! 4. `Executor::selection_set` and `complete`: the requested fields only, in request
//!    order, each under its alias if it has one. A resolver's error makes the field
//!    `null` and adds an error with the field's location and its path from the root
//!    (`["users", 1, "email"]`); the rest of the response is still computed.
//! 5. `Executor::load_posts` (the DataLoader idea): loads the posts of the authors not
//!    loaded yet with one call of `Db::posts_by_authors`, and caches them. Before the
//!    items of a list of users run, `complete` loads the posts of all of them at once if
//!    the selection asks for `posts`.
//!
//! Standards:
//! - <https://spec.graphql.org/October2021/#sec-Executing-Selection-Sets>
//! - <https://spec.graphql.org/October2021/#sec-Handling-Field-Errors>
//! - <https://spec.graphql.org/October2021/#sec-Response-Format> (`data`, `errors`, `path`)
//! - <https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html> (depth limit)
//! - <https://github.com/graphql/dataloader#batching>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use serde_json::Value as Json;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

pub const MAX_DEPTH: usize = 5;

/// (type, field, the field's type); `[T]` is a list of `T`.
#[rustfmt::skip]
pub const SCHEMA: [(&str, &str, &str); 9] = [
    ("Query", "user", "User"), ("Query", "users", "[User]"),
    ("User", "id", "Int"), ("User", "name", "String"), ("User", "email", "String"),
    ("User", "posts", "[Post]"),
    ("Post", "id", "Int"), ("Post", "title", "String"), ("Post", "author", "User"),
];

#[derive(Debug, Clone, Default)]
pub struct Field {
    pub alias: Option<String>,
    pub name: String,
    /// Ints, or `$variables` (kept with their `$`).
    pub arguments: Vec<(String, String)>,
    pub selections: Vec<Field>,
    pub line: usize,
    pub column: usize,
}

/// A minimal parser for valid queries (`graphql_parse_selection` does it properly).
pub fn parse(query: &str) -> Vec<Field> {
    let mut tokens = Vec::new();
    for (line, text) in query.lines().enumerate() {
        let mut chars = text.char_indices().peekable();
        while let Some((column, c)) = chars.next() {
            let mut token = c.to_string();
            let word = |c: char| c.is_ascii_alphanumeric() || "_$-".contains(c);
            while let Some((_, next)) = chars.next_if(|&(_, next)| word(c) && word(next)) {
                token.push(next);
            }
            if !c.is_whitespace() && c != ',' {
                tokens.push((token, line + 1, column + 1));
            }
        }
    }
    selection_set(&mut tokens.into_iter().peekable())
}

type Tokens = std::iter::Peekable<std::vec::IntoIter<(String, usize, usize)>>;

fn selection_set(tokens: &mut Tokens) -> Vec<Field> {
    let mut fields = Vec::new();
    tokens.next_if(|t| t.0 == "{");
    while let Some((name, line, column)) = tokens.next_if(|t| t.0 != "}") {
        let mut field = Field {
            name,
            line,
            column,
            ..Field::default()
        };
        if tokens.next_if(|t| t.0 == ":").is_some() {
            let name = tokens.next().unwrap_or_default().0;
            field.alias = Some(std::mem::replace(&mut field.name, name));
        }
        if tokens.next_if(|t| t.0 == "(").is_some() {
            while let Some((arg, ..)) = tokens.next_if(|t| t.0 != ")") {
                field
                    .arguments
                    .push((arg, tokens.nth(1).unwrap_or_default().0));
            }
            tokens.next();
        }
        if tokens.peek().is_some_and(|t| t.0 == "{") {
            field.selections = selection_set(tokens);
        }
        fields.push(field);
    }
    tokens.next();
    fields
}

pub struct User {
    pub id: i64,
    pub name: &'static str,
    pub email: &'static str,
    pub email_public: bool,
}

pub struct Post {
    pub id: i64,
    pub author: i64,
    pub title: &'static str,
}

/// The data source; it counts every call, and records the ids of each batch.
pub struct Db {
    pub users: Vec<User>,
    pub posts: Vec<Post>,
    pub calls: Cell<usize>,
    pub batches: RefCell<Vec<Vec<i64>>>,
}

impl Db {
    pub fn users(&self, id: Option<i64>) -> Vec<&User> {
        self.calls.set(self.calls.get() + 1);
        let wanted = |u: &&User| id.is_none_or(|id| u.id == id);
        self.users.iter().filter(wanted).collect()
    }

    /// The batch loader: the posts of each of `authors`, in one round trip.
    pub fn posts_by_authors(&self, authors: &[i64]) -> BTreeMap<i64, Vec<&Post>> {
        self.calls.set(self.calls.get() + 1);
        self.batches.borrow_mut().push(authors.to_vec());
        let mut found: BTreeMap<i64, Vec<&Post>> = BTreeMap::new();
        for post in self.posts.iter().filter(|p| authors.contains(&p.author)) {
            found.entry(post.author).or_default().push(post);
        }
        found
    }
}

/// A response value; objects keep their keys in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Null,
    Int(i64),
    Str(String),
    List(Vec<Out>),
    Object(Vec<(String, Out)>),
}

impl Out {
    pub fn render(&self) -> String {
        let join = |items: Vec<String>| items.join(",");
        match self {
            Out::Null => "null".into(),
            Out::Int(i) => i.to_string(),
            Out::Str(s) => Json::from(s.as_str()).to_string(),
            Out::List(items) => format!("[{}]", join(items.iter().map(Out::render).collect())),
            Out::Object(fields) => {
                let fields = fields
                    .iter()
                    .map(|(k, v)| format!("{:?}:{}", k, v.render()));
                format!("{{{}}}", join(fields.collect()))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GqlError {
    pub message: String,
    /// The field's position in the query.
    pub line: usize,
    pub column: usize,
    /// Keys (`Out::Str`) and list indices (`Out::Int`) from the root; empty before execution.
    pub path: Vec<Out>,
}

fn error_at(field: &Field, message: String) -> GqlError {
    let (line, column, path) = (field.line, field.column, Vec::new());
    GqlError {
        message,
        line,
        column,
        path,
    }
}

/// `{"data":…,"errors":[…]}`, without `data` if it is `None`, without an empty `errors`.
pub fn response(data: Option<Out>, errors: &[GqlError]) -> String {
    let error = |e: &GqlError| {
        let at =
            [("line", e.line), ("column", e.column)].map(|(k, v)| (k.into(), Out::Int(v as i64)));
        let mut fields = vec![
            ("message".into(), Out::Str(e.message.clone())),
            (
                "locations".into(),
                Out::List(vec![Out::Object(at.to_vec())]),
            ),
        ];
        if !e.path.is_empty() {
            fields.push(("path".into(), Out::List(e.path.clone())));
        }
        Out::Object(fields)
    };
    let mut top: Vec<(String, Out)> = data.map(|d| ("data".into(), d)).into_iter().collect();
    if !errors.is_empty() {
        top.push((
            "errors".into(),
            Out::List(errors.iter().map(error).collect()),
        ));
    }
    Out::Object(top).render()
}

pub fn validate(selections: &[Field], parent: &str, depth: usize, errors: &mut Vec<GqlError>) {
    // TODO: each field must be in `SCHEMA` under `parent`, and at most `MAX_DEPTH`
    // deep; descend into the field's type (`[User]` holds `User`s).
    todo!()
}

#[derive(Clone, Copy)]
enum Obj<'a> {
    Query,
    User(&'a User),
    Post(&'a Post),
}

enum Resolved<'a> {
    Leaf(Out),
    One(Option<Obj<'a>>),
    Many(Vec<Obj<'a>>),
}

struct Executor<'a> {
    db: &'a Db,
    variables: &'a Json,
    errors: Vec<GqlError>,
    /// The loader's cache: author id → posts.
    posts: BTreeMap<i64, Vec<&'a Post>>,
}

impl<'a> Executor<'a> {
    fn argument(&self, field: &Field, name: &str) -> Option<i64> {
        // TODO: the argument `name` as an int: a literal, or a `$variable`'s value.
        todo!()
    }

    fn load_posts(&mut self, authors: &[i64]) {
        // TODO: one `posts_by_authors` call for the authors not in the cache (each once),
        // then cache every one of them, with no posts too.
        todo!()
    }

    /// The resolvers, one per field of `SCHEMA`.
    fn resolve(&mut self, parent: Obj<'a>, field: &Field) -> Result<Resolved<'a>, String> {
        let user = |u: Option<&&'a User>| Resolved::One(u.map(|u| Obj::User(u)));
        let text = |s: &str| Resolved::Leaf(Out::Str(s.into()));
        Ok(match (parent, field.name.as_str()) {
            (Obj::Query, "user") => {
                let id = self
                    .argument(field, "id")
                    .ok_or("argument id must be an Int")?;
                user(self.db.users(Some(id)).first())
            }
            (Obj::Query, "users") => {
                Resolved::Many(self.db.users(None).into_iter().map(Obj::User).collect())
            }
            (Obj::User(u), "id") => Resolved::Leaf(Out::Int(u.id)),
            (Obj::User(u), "name") => text(u.name),
            (Obj::User(u), "email") if u.email_public => text(u.email),
            (Obj::User(_), "email") => return Err("email is private".into()),
            (Obj::User(u), "posts") => {
                self.load_posts(&[u.id]);
                Resolved::Many(self.posts[&u.id].iter().map(|p| Obj::Post(p)).collect())
            }
            (Obj::Post(p), "id") => Resolved::Leaf(Out::Int(p.id)),
            (Obj::Post(p), "title") => text(p.title),
            (Obj::Post(p), "author") => user(self.db.users(Some(p.author)).first()),
            (_, name) => return Err(format!("no resolver for {name}")),
        })
    }

    fn selection_set(&mut self, parent: Obj<'a>, fields: &[Field], path: &mut Vec<Out>) -> Out {
        // TODO: each field under its response key, in order, with the key on the path.
        todo!()
    }

    fn complete(&mut self, parent: Obj<'a>, field: &Field, path: &mut Vec<Out>) -> Out {
        // TODO: resolve the field: an error is `null` and a `GqlError` with location and
        // path; an object runs the sub-selection; a list runs it per item (index on the
        // path), after loading the posts of all its users at once when they are asked for.
        todo!()
    }
}

pub fn execute(db: &Db, query: &[Field], variables: &Json) -> String {
    // TODO: validate (errors: a response without data), then run the query root.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Db {
        let user = |id, name, email, email_public| User {
            id,
            name,
            email,
            email_public,
        };
        let post = |id, author, title| Post { id, author, title };
        Db {
            users: vec![
                user(1, "Ada", "ada@example.com", true),
                user(2, "Bob", "bob@example.com", false),
                user(3, "Cy", "cy@example.com", true),
            ],
            posts: vec![
                post(10, 1, "Hello"),
                post(11, 1, "Rust"),
                post(12, 3, "GraphQL"),
            ],
            calls: Cell::new(0),
            batches: RefCell::new(Vec::new()),
        }
    }

    fn run(db: &Db, query: &str, variables: Json) -> String {
        execute(db, &parse(query), &variables)
    }

    #[test]
    fn only_the_requested_fields_in_request_order() {
        let out = run(&sample(), "{ users { name id } }", json!({}));
        let users = r#"[{"name":"Ada","id":1},{"name":"Bob","id":2},{"name":"Cy","id":3}]"#;
        assert_eq!(
            out,
            format!(r#"{{"data":{{"users":{users}}}}}"#),
            "no `errors` key"
        );
        let out = run(&sample(), "{ user(id: 3) { id name } }", json!({}));
        assert_eq!(out, r#"{"data":{"user":{"id":3,"name":"Cy"}}}"#);
    }

    #[test]
    fn aliases_name_the_response_keys() {
        let query = "{ first: user(id: 1) { name } second: user(id: 2) { handle: name id } }";
        let expected = r#"{"data":{"first":{"name":"Ada"},"second":{"handle":"Bob","id":2}}}"#;
        assert_eq!(run(&sample(), query, json!({})), expected);
    }

    #[test]
    fn variables_are_read_from_the_request() {
        let query = "{ user(id: $id) { name } }";
        let out = run(&sample(), query, json!({"id": 2}));
        assert_eq!(out, r#"{"data":{"user":{"name":"Bob"}}}"#);
        let out = run(&sample(), query, json!({"id": 9}));
        assert_eq!(out, r#"{"data":{"user":null}}"#, "nobody with id 9");
        let error = r#""message":"argument id must be an Int","locations":[{"line":1,"column":3}]"#;
        let expected =
            format!(r#"{{"data":{{"user":null}},"errors":[{{{error},"path":["user"]}}]}}"#);
        assert_eq!(
            run(&sample(), query, json!({})),
            expected,
            "a variable left out"
        );
        assert_eq!(
            run(&sample(), query, json!({"id": "2"})),
            expected,
            "not an int"
        );
    }

    #[test]
    fn a_field_error_nulls_the_field_and_says_where() {
        let query = "{\n  users {\n    name\n    email\n  }\n}";
        let out = run(&sample(), query, json!({}));
        let ada = r#"{"name":"Ada","email":"ada@example.com"}"#;
        let bob = r#"{"name":"Bob","email":null}"#;
        let cy = r#"{"name":"Cy","email":"cy@example.com"}"#;
        let error = r#"{"message":"email is private","locations":[{"line":4,"column":5}],"path":["users",1,"email"]}"#;
        let expected = format!(r#"{{"data":{{"users":[{ada},{bob},{cy}]}},"errors":[{error}]}}"#);
        assert_eq!(out, expected);
    }

    #[test]
    fn unknown_fields_are_rejected_before_execution() {
        let db = sample();
        let out = run(&db, "{ users { name\n password } }", json!({}));
        let expected = r#"{"errors":[{"message":"Cannot query field \"password\" on type \"User\".","locations":[{"line":2,"column":2}]}]}"#;
        assert_eq!(out, expected, "no data key");
        let out = run(&db, "{ posts { title } }", json!({}));
        assert!(
            out.contains(r#"Cannot query field \"posts\" on type \"Query\"."#),
            "{out}"
        );
        let out = run(
            &db,
            "{ user(id: 1) { posts { author { nick } } } }",
            json!({}),
        );
        assert!(out.contains(r#"\"nick\" on type \"User\""#), "{out}");
        assert_eq!(db.calls.get(), 0, "no resolver ran");
    }

    #[test]
    fn a_query_deeper_than_five_levels_is_rejected_before_any_resolver_runs() {
        let db = sample();
        let five = "{ users { posts { author { posts { title } } } } }";
        assert!(run(&db, five, json!({})).starts_with(r#"{"data":{"users":[{"posts":"#));
        db.calls.set(0);
        let six = "{ users { posts { author { posts { author { name } } } } } }";
        let expected = r#"{"errors":[{"message":"Query is nested deeper than 5 levels.","locations":[{"line":1,"column":45}]}]}"#;
        assert_eq!(run(&db, six, json!({})), expected);
        assert_eq!(db.calls.get(), 0, "no resolver ran");
    }

    #[test]
    fn the_posts_of_n_users_take_one_batch_call() {
        let db = sample();
        let out = run(&db, "{ users { name posts { title } } }", json!({}));
        let ada = r#"{"name":"Ada","posts":[{"title":"Hello"},{"title":"Rust"}]}"#;
        let rest = r#"{"name":"Bob","posts":[]},{"name":"Cy","posts":[{"title":"GraphQL"}]}"#;
        assert_eq!(out, format!(r#"{{"data":{{"users":[{ada},{rest}]}}}}"#));
        assert_eq!(
            *db.batches.borrow(),
            [vec![1, 2, 3]],
            "one call for three users"
        );
        assert_eq!(
            db.calls.get(),
            2,
            "the users, then one batch: not 1 + N calls"
        );
    }

    #[test]
    fn the_loader_caches_what_it_loaded() {
        let db = sample();
        let query = "{ users { a: posts { id } b: posts { title author { posts { id } } } } }";
        let out = run(&db, query, json!({}));
        assert!(
            out.starts_with(r#"{"data":{"users":[{"a":[{"id":10},{"id":11}],"b":[{"#),
            "{out}"
        );
        assert_eq!(
            *db.batches.borrow(),
            [vec![1, 2, 3]],
            "aliases and authors: cached"
        );
        let db = sample();
        let query = "{ user(id: 3) { posts { id } } again: user(id: 3) { posts { id } } }";
        run(&db, query, json!({}));
        assert_eq!(
            *db.batches.borrow(),
            [vec![3]],
            "one parent: a batch of one, once"
        );
    }
}
