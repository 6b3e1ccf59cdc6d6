//! # REST: OpenAPI from the route table, and endpoint naming
//!
//! Roadmap step: **REST** (<https://roadmap.sh/backend>): API documentation (OpenAPI)
//! and good endpoint names.
//!
//! The route table is the single source of truth: generate the docs from it, and lint
//! it, so neither can drift from the code.
//!
//! 1. `operation`: the Operation Object of one route: `operationId`, `parameters` (one
//!    per `{param}` in path order: `in: path`, `required: true`, schema `string`;
//!    omitted when there are none) and `responses` (status code as a string key, then
//!    `{"description": <reason phrase>}`).
//! 2. `paths`: the Paths Object: path, then lowercase method, then operation. Several
//!    routes share one Path Item when they share a path.
//! 3. `lint_path`: for each static segment in order: `Case` if it is not lowercase
//!    kebab-case (`a-z`, `0-9`, `-`); `Verb` if its first word is in `VERBS` (the HTTP
//!    method is the verb); `Singular` if it is not plural (`is_plural` of its lowercase
//!    form). Then `TooDeep(n)` if the path nests more than 2 collections (n static
//!    segments). `{param}` segments are never flagged.
//!
//! Standards:
//! - <https://spec.openapis.org/oas/v3.1.0.html#paths-object>
//! - <https://spec.openapis.org/oas/v3.1.0.html#operation-object>
//! - <https://spec.openapis.org/oas/v3.1.0.html#parameter-object>
//! - <https://roadmap.sh/backend> (REST: naming conventions)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use http::{Method, StatusCode};
use serde_json::{json, Map, Value};

pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub operation_id: &'static str,
    pub responses: Vec<u16>,
}

/// `Some("id")` for the path segment `{id}`, `None` for a static segment.
pub fn param_name(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

/// The reason phrase of a status code (`404` → `Not Found`).
pub fn description(code: u16) -> &'static str {
    let status = StatusCode::from_u16(code).ok();
    status
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Response")
}

/// Words that do not belong in a path: the HTTP method is the verb.
pub const VERBS: &[&str] = &[
    "get", "list", "create", "add", "update", "delete", "remove", "set", "fetch",
];

/// A rough plural check, good enough for a linter.
pub fn is_plural(word: &str) -> bool {
    word.ends_with('s') || ["people", "children", "data", "media"].contains(&word)
}

/// The first word, lowercase: `getUsers` → `get`, `get-users` → `get`, `settings` →
/// `settings`. Words end where `-`, `_` or an uppercase letter starts.
pub fn first_word(segment: &str) -> String {
    let mut chars = segment.char_indices().skip(1);
    let end = chars.find(|&(_, c)| !c.is_ascii_lowercase() && !c.is_ascii_digit());
    segment[..end.map_or(segment.len(), |(i, _)| i)].to_ascii_lowercase()
}

/// The whole OpenAPI 3.1 document around `paths`.
pub fn openapi_document(title: &str, version: &str, routes: &[Route]) -> Value {
    let info = json!({ "title": title, "version": version });
    json!({ "openapi": "3.1.0", "info": info, "paths": paths(routes) })
}

pub fn operation(route: &Route) -> Value {
    let schema = json!({ "type": "string" });
    let param = |name| json!({ "name": name, "in": "path", "required": true, "schema": schema });
    let names = route.path.split('/').filter_map(param_name);
    let parameters: Vec<Value> = names.map(param).collect();
    let mut responses = Map::new();
    for &code in &route.responses {
        // Keys are strings, such as "404"; a Response Object needs a description.
        let response = json!({ "description": description(code) });
        responses.insert(code.to_string(), response);
    }
    let mut op = json!({ "operationId": route.operation_id, "responses": responses });
    if !parameters.is_empty() {
        op["parameters"] = Value::Array(parameters);
    }
    op
}

pub fn paths(routes: &[Route]) -> Value {
    let mut paths = Map::new();
    for route in routes {
        // One Path Item per path, holding one Operation per method.
        let item = paths.entry(route.path).or_insert_with(|| json!({}));
        item[route.method.as_str().to_ascii_lowercase()] = operation(route);
    }
    Value::Object(paths)
}

#[derive(Debug, PartialEq, Eq)]
pub enum Lint {
    Case(String),
    Verb(String),
    Singular(String),
    TooDeep(usize),
}

pub fn lint_path(path: &str) -> Vec<Lint> {
    let mut lints = Vec::new();
    let segments = path.split('/').filter(|s| !s.is_empty());
    let statics: Vec<&str> = segments.filter(|s| param_name(s).is_none()).collect();
    let kebab = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
    for &segment in &statics {
        if !segment.bytes().all(kebab) {
            lints.push(Lint::Case(segment.to_string()));
        }
        if VERBS.contains(&first_word(segment).as_str()) {
            lints.push(Lint::Verb(segment.to_string()));
        }
        if !is_plural(&segment.to_ascii_lowercase()) {
            lints.push(Lint::Singular(segment.to_string()));
        }
    }
    // `/users/{id}/posts` is fine; `/users/{id}/posts/{id}/comments` should become
    // `/posts/{id}/comments`.
    if statics.len() > 2 {
        lints.push(Lint::TooDeep(statics.len()));
    }
    lints
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    /// `METHOD path operationId status...` per line.
    fn routes() -> Vec<Route> {
        let table = "
            GET    /users                          listUsers       200
            POST   /users                          createUser      201 422
            GET    /users/{userId}/posts/{postId}  getUserPost     200 404
            DELETE /users/{userId}/posts/{postId}  deleteUserPost  204 404
        ";
        let rows = table.lines().map(|l| l.split_whitespace().collect());
        let rows = rows.filter(|words: &Vec<&'static str>| !words.is_empty());
        rows.map(|w| Route {
            method: w[0].parse().unwrap(),
            path: w[1],
            operation_id: w[2],
            responses: w[3..].iter().map(|code| code.parse().unwrap()).collect(),
        })
        .collect()
    }

    /// Pretty-prints both documents when they differ.
    fn assert_json(got: &Value, expected: &Value) {
        assert!(got == expected, "got:\n{got:#}\nexpected:\n{expected:#}");
    }

    /// `path => lints` per line, the lints as printed by `{:?}`.
    fn check_lints(table: &str) {
        for line in table.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (path, expected) = line.split_once(" => ").unwrap();
            let got = format!("{:?}", lint_path(path.trim()));
            assert_eq!(got, expected.trim(), "{path}");
        }
    }

    #[test]
    fn operations_have_ids_path_parameters_and_responses() {
        let routes = routes();
        let expected = json!({
            "operationId": "getUserPost",
            "parameters": [
                {"name": "userId", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "postId", "in": "path", "required": true, "schema": {"type": "string"}},
            ],
            "responses": {"200": {"description": "OK"}, "404": {"description": "Not Found"}},
        });
        assert_json(&operation(&routes[2]), &expected);
        let expected =
            json!({"operationId": "listUsers", "responses": {"200": {"description": "OK"}}});
        assert_json(&operation(&routes[0]), &expected); // no path parameters, no `parameters`
    }

    #[test]
    fn paths_group_operations_by_path_and_lowercase_method() {
        let routes = routes();
        let expected = json!({
            "/users": {
                "get": {"operationId": "listUsers", "responses": {"200": {"description": "OK"}}},
                "post": {
                    "operationId": "createUser",
                    "responses": {"201": {"description": "Created"},
                                  "422": {"description": "Unprocessable Entity"}},
                },
            },
            "/users/{userId}/posts/{postId}": {
                "get": operation(&routes[2]),
                "delete": operation(&routes[3]),
            },
        });
        assert_json(&paths(&routes), &expected);
        let delete = &expected["/users/{userId}/posts/{postId}"]["delete"];
        let no_content = json!({"description": "No Content"});
        assert_eq!(delete["responses"]["204"], no_content);
        let doc = openapi_document("Users API", "1.0.0", &routes);
        let info = json!({"title": "Users API", "version": "1.0.0"});
        let expected = json!({"openapi": "3.1.0", "info": info, "paths": expected});
        assert_json(&doc, &expected);
    }

    #[test]
    fn good_routes_pass_the_lint() {
        let table = "
            /users                          => []
            /users/{userId}/posts/{postId}  => []
            /blog-posts                     => []
            /settings                       => []
            /listings                       => []
            /people/{id}                    => []
        ";
        check_lints(table);
    }

    #[test]
    fn bad_routes_are_flagged() {
        let table = r#"
            /getUsers      => [Case("getUsers"), Verb("getUsers")]
            /get-users     => [Verb("get-users")]
            /delete_user   => [Case("delete_user"), Verb("delete_user"), Singular("delete_user")]
            /user          => [Singular("user")]
            /user/{id}     => [Singular("user")]
            /Users         => [Case("Users")]
            /users/{userId}/blog_posts               => [Case("blog_posts")]
            /users/{userId}/posts/{postId}/comments  => [TooDeep(3)]
            /users/{userId}/posts/{postId}/comment   => [Singular("comment"), TooDeep(3)]
        "#;
        check_lints(table);
    }
}
