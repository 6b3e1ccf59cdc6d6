//! # Capstone: a notes API with accounts, tokens and conditional requests
//!
//! Roadmap step: **Building a REST API** (<https://roadmap.sh/backend>): the fundamentals
//! together in one monolith: an HTTP API, a SQL database migrated at startup, passwords,
//! tokens, authorization, pagination, caching validators and the OWASP baseline.
//!
//! The stages, each building on the last:
//! 1. `users`: `POST /v1/users` (`{"username":"ada","password":"..."}`) → 201 and
//!    `Location: /v1/users/{id}`. A username is 3 to 32 of `a-z 0-9 _`; a password 15 to
//!    128 characters, never truncated, not a breached one (`BREACHED`) and not containing
//!    the username (NIST SP 800-63B): 422 otherwise. Argon2id (`hash_password`); a taken
//!    username → 409.
//! 2. `sessions`: `POST /v1/sessions` → an HS256 JWT for 15 minutes (`issue_token`). One
//!    generic 401 for an unknown user and a wrong password, with one Argon2 computation on
//!    both paths (`DUMMY_PASSWORD`'s hash for an unknown user); at most `LOGIN_BURST`
//!    attempts per account, one more each `LOGIN_REFILL_MS` (429 and `Retry-After`).
//!    `authenticate` reads `Authorization: Bearer <token>` (RFC 6750).
//! 3. `notes`: `POST /v1/notes` (`{"title":..,"body":..}`) → 201; `GET /v1/notes?limit=&cursor=`
//!    → the caller's notes by id, a page at a time (keyset pagination), with a `Link` to
//!    the next page while there is one (RFC 8288).
//! 4. `one_note`: `GET/PUT/DELETE /v1/notes/{id}`: another user's note is a 404 (never a 403:
//!    do not confirm it exists); `ETag: "v{version}"`; `If-None-Match` → 304; `PUT` and
//!    `DELETE` need `If-Match` (428 without it, 412 when stale): no lost updates.
//! 5. `http`: every response carries the security headers of OWASP's REST sheet; the whole
//!    service over TCP.
//!
//! Errors are `application/problem+json` (RFC 9457) throughout.
//!
//! Try it: `backlings serve capstone_notes_api` listens on 127.0.0.1:8080 (or the port given
//! as its argument); then
//! `curl -v http://127.0.0.1:8080/v1/users --json '{"username":"ada","password":"correct horse battery"}'`.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-13> (conditional requests)
//! - <https://www.rfc-editor.org/rfc/rfc7519> and <https://www.rfc-editor.org/rfc/rfc8725> (JWT)
//! - <https://www.rfc-editor.org/rfc/rfc6750#section-3> (Bearer tokens)
//! - <https://www.rfc-editor.org/rfc/rfc9457> (problem details), <https://www.rfc-editor.org/rfc/rfc8288> (Link)
//! - <https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html>
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html>
//! - <https://pages.nist.gov/800-63-4/sp800-63b.html#passwordver>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

// A refusal is a whole HTTP response, as in axum's handlers: `Result<_, Response>`.
#![allow(clippy::result_large_err)]

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use backend_support::http1::{self, Conn};
use backend_support::{Clock, OsRandom, RandomSource, SystemClock};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use http::header::{self, HeaderName, CONTENT_TYPE};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use rusqlite::{params, Connection, ErrorCode, OptionalExtension};
use serde_json::Value;
use sha2::Sha256;
use std::io::{self, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Applied in order at startup; `PRAGMA user_version` counts those applied.
pub const MIGRATIONS: [&str; 2] = [
    "CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL);",
    "CREATE TABLE notes (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL REFERENCES users (id),
        title TEXT NOT NULL, body TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1);
     CREATE INDEX notes_by_owner ON notes (owner, id);",
];

pub const TOKEN_TTL_S: u64 = 15 * 60;
pub const ISSUER: &str = "notes-api";
/// The only JWT header this service signs and accepts (RFC 8725 §3.1: no `alg` choice).
pub const JWT_HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;
pub const LOGIN_BURST: u32 = 5;
pub const LOGIN_REFILL_MS: u64 = 60_000;
/// An unknown user's login verifies against this password's hash: the same work.
pub const DUMMY_PASSWORD: &str = "no user has this password";
/// A few of the passwords breached most often; a real service asks a breach corpus.
pub const BREACHED: [&str; 3] = ["123456789012345", "passwordpassword", "qwertyuiopasdfgh"];
pub const MAX_TITLE: usize = 200;
pub const MAX_NOTE: usize = 10_000;
pub const PAGE_DEFAULT: u32 = 20;
pub const PAGE_MAX: u32 = 100;
pub const MAX_BODY: usize = 64 * 1024;

type Reply = rusqlite::Result<Response<Vec<u8>>>;

/// Runs the migrations not applied yet, each in a transaction with its version.
pub fn migrate(db: &mut Connection) -> rusqlite::Result<()> {
    let applied: i64 = db.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (version, sql) in (1..).zip(MIGRATIONS).skip(applied as usize) {
        let tx = db.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

/// A problem details object (RFC 9457).
pub fn problem(status: StatusCode, title: &str) -> Response<Vec<u8>> {
    let title = serde_json::to_string(title).unwrap_or_default(); // quoted and escaped
    let body = format!(r#"{{"title":{title},"status":{}}}"#, status.as_u16());
    let mut res = reply(status, body);
    let json = "application/problem+json".parse().unwrap();
    res.headers_mut().insert(CONTENT_TYPE, json);
    res
}

/// A JSON response.
pub fn reply(status: StatusCode, json: String) -> Response<Vec<u8>> {
    let mut res = Response::new(json.into_bytes());
    *res.status_mut() = status;
    let json = "application/json".parse().unwrap();
    res.headers_mut().insert(CONTENT_TYPE, json);
    res
}

/// A response with one more header.
pub fn with(mut res: Response<Vec<u8>>, name: HeaderName, value: &str) -> Response<Vec<u8>> {
    res.headers_mut().insert(name, value.parse().unwrap());
    res
}

/// 401 with its challenge (RFC 6750 §3): none for a request without credentials.
pub fn unauthorized(challenge: &str) -> Response<Vec<u8>> {
    let res = problem(StatusCode::UNAUTHORIZED, "Invalid or missing credentials");
    with(res, header::WWW_AUTHENTICATE, challenge)
}

/// The request's JSON object, or the problem that refuses it.
pub fn json_body(req: &Request<Vec<u8>>) -> Result<Value, Response<Vec<u8>>> {
    let media_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let media_type = media_type.and_then(|v| v.split(';').next()).map(str::trim);
    if !media_type.is_some_and(|t| t.eq_ignore_ascii_case("application/json")) {
        let title = "Send application/json";
        return Err(problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, title));
    }
    match serde_json::from_slice(req.body()) {
        Ok(object @ Value::Object(_)) => Ok(object),
        _ => Err(problem(StatusCode::BAD_REQUEST, "Expected a JSON object")),
    }
}

/// The two string fields `names` of a JSON object body, or the problem that refuses it.
pub fn fields(req: &Request<Vec<u8>>, names: [&str; 2]) -> Result<[String; 2], Response<Vec<u8>>> {
    let body = json_body(req)?;
    let field = |name: &str| match body[name].as_str() {
        Some(value) => Ok(value.to_string()),
        None => {
            let title = format!("`{name}` must be a string");
            Err(problem(StatusCode::UNPROCESSABLE_ENTITY, &title))
        }
    };
    Ok([field(names[0])?, field(names[1])?])
}

/// Whether a header of a conditional request lists `etag` (RFC 9110 §13.1.1–13.1.2):
/// `If-None-Match` compares weakly (`W/` ignored), `If-Match` strongly.
pub fn etag_listed(headers: &HeaderMap, name: HeaderName, etag: &str) -> bool {
    let weak = name == header::IF_NONE_MATCH;
    let values = headers.get_all(name).into_iter();
    let tags = values
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','));
    tags.map(str::trim)
        .any(|tag| tag == "*" || tag == etag || (weak && tag.strip_prefix("W/") == Some(etag)))
}

/// A login token bucket: full at `LOGIN_BURST`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub key: String,
    pub tokens: u32,
    pub updated_ms: u64,
}

pub struct Notes {
    pub db: Connection,
    pub clock: Arc<dyn Clock>,
    pub random: Box<dyn RandomSource>,
    pub argon2: Argon2<'static>,
    /// The HS256 key: 256 bits from the CSPRNG, never a password (RFC 8725 §3.5).
    pub secret: [u8; 32],
    pub dummy_hash: String,
    pub buckets: Vec<Bucket>,
    /// Argon2 computations so far: the tests count the work of each login.
    pub hashes: u32,
}

impl Notes {
    /// A migrated in-memory database; `params`: Argon2id's cost (`Params::default()`: OWASP's).
    pub fn new(clock: Arc<dyn Clock>, random: Box<dyn RandomSource>, params: Params) -> Self {
        let mut db = Connection::open_in_memory().expect("SQLite in memory");
        migrate(&mut db).expect("the migrations");
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut secret = [0; 32];
        random.fill(&mut secret);
        #[rustfmt::skip]
        let mut notes = Notes { db, clock, random, argon2, secret, dummy_hash: String::new(), buckets: Vec::new(), hashes: 0 };
        notes.dummy_hash = notes.hash_password(DUMMY_PASSWORD);
        notes.hashes = 0;
        notes
    }

    /// A PHC string with a fresh 16-byte salt.
    pub fn hash_password(&mut self, password: &str) -> String {
        self.hashes += 1;
        let mut salt = [0; 16];
        self.random.fill(&mut salt);
        let phc = self
            .argon2
            .hash_password_with_salt(password.as_bytes(), &salt);
        phc.expect("a valid salt").to_string()
    }

    pub fn verify_password(&mut self, password: &str, phc: &str) -> bool {
        self.hashes += 1;
        self.argon2
            .verify_password(password.as_bytes(), phc)
            .is_ok()
    }

    fn mac(&self, signing_input: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("any key length");
        mac.update(signing_input.as_bytes());
        mac
    }

    /// A JWT (RFC 7519) for `user_id`, valid for `TOKEN_TTL_S` seconds.
    pub fn issue_token(&self, user_id: i64) -> String {
        let now = self.clock.now_unix_ms() / 1000;
        let exp = now + TOKEN_TTL_S;
        let claims = format!(r#"{{"iss":"{ISSUER}","sub":"{user_id}","iat":{now},"exp":{exp}}}"#);
        let (header, claims) = (JWT_HEADER.as_bytes(), claims.as_bytes());
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(claims)
        );
        let signature = URL_SAFE_NO_PAD.encode(self.mac(&input).finalize().into_bytes());
        format!("{input}.{signature}")
    }

    /// The user id of a genuine, unexpired token of ours (RFC 8725: header, MAC, claims).
    pub fn verify_token(&self, token: &str) -> Option<i64> {
        let (input, signature) = token.rsplit_once('.')?;
        let (header, claims) = input.split_once('.')?;
        if header != URL_SAFE_NO_PAD.encode(JWT_HEADER) {
            return None;
        }
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        self.mac(input).verify_slice(&signature).ok()?; // in constant time
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).ok()?).ok()?;
        let unexpired = claims["exp"].as_u64()? > self.clock.now_unix_ms() / 1000;
        let ours = claims["iss"] == ISSUER;
        (unexpired && ours).then(|| claims["sub"].as_str()?.parse().ok())?
    }

    /// Takes a login attempt from `key`'s bucket, or says how many seconds until the next.
    pub fn take_attempt(&mut self, key: &str) -> Result<(), u64> {
        let now = self.clock.now_unix_ms();
        let refilled = |b: &Bucket| {
            (now.saturating_sub(b.updated_ms) / LOGIN_REFILL_MS).min(u64::from(LOGIN_BURST))
        };
        self.buckets
            .retain(|b| u64::from(b.tokens) + refilled(b) < u64::from(LOGIN_BURST));
        let Some(bucket) = self.buckets.iter_mut().find(|b| b.key == key) else {
            let (key, tokens) = (key.to_string(), LOGIN_BURST - 1);
            self.buckets.push(Bucket {
                key,
                tokens,
                updated_ms: now,
            });
            return Ok(());
        };
        let new = refilled(bucket);
        bucket.tokens += new as u32;
        bucket.updated_ms += new * LOGIN_REFILL_MS;
        if bucket.tokens == 0 {
            return Err((bucket.updated_ms + LOGIN_REFILL_MS - now).div_ceil(1000));
        }
        bucket.tokens -= 1;
        Ok(())
    }

    pub fn handle(&mut self, req: &Request<Vec<u8>>) -> Response<Vec<u8>> {
        let path = req.uri().path();
        let note = path.strip_prefix("/v1/notes/").map(|id| id.parse::<i64>());
        let allow = match path {
            "/v1/users" | "/v1/sessions" => "POST",
            "/v1/notes" => "GET, POST",
            _ if matches!(note, Some(Ok(_))) => "DELETE, GET, PUT",
            _ => "",
        };
        let method = req.method();
        let result = if allow.is_empty() {
            Ok(problem(StatusCode::NOT_FOUND, "Not Found"))
        } else if !allow.split(", ").any(|m| m == method.as_str()) {
            let res = problem(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
            Ok(with(res, header::ALLOW, allow))
        } else if path == "/v1/users" {
            self.create_user(req)
        } else if path == "/v1/sessions" {
            self.login(req)
        } else {
            match (self.authenticate(req), note) {
                (Err(res), _) => Ok(res),
                (Ok(user), Some(Ok(id))) => self.one_note(req, user, id),
                (Ok(user), _) if method == Method::POST => self.create_note(req, user),
                (Ok(user), _) => self.list_notes(req, user),
            }
        };
        let res =
            result.unwrap_or_else(|_| problem(StatusCode::INTERNAL_SERVER_ERROR, "Try again"));
        secure(res)
    }

    fn create_user(&mut self, req: &Request<Vec<u8>>) -> Reply {
        let [username, password] = match fields(req, ["username", "password"]) {
            Ok(fields) => fields,
            Err(res) => return Ok(res),
        };
        if let Some(why) = refuse_username(&username).or(refuse_password(&username, &password)) {
            return Ok(problem(StatusCode::UNPROCESSABLE_ENTITY, why));
        }
        let phc = self.hash_password(&password);
        let sql = "INSERT INTO users (username, password_hash) VALUES (?1, ?2)";
        match self.db.execute(sql, [&username, &phc]) {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == ErrorCode::ConstraintViolation =>
            {
                return Ok(problem(StatusCode::CONFLICT, "This username is taken"));
            }
            inserted => inserted?,
        };
        let id = self.db.last_insert_rowid();
        let res = reply(
            StatusCode::CREATED,
            format!(r#"{{"id":{id},"username":"{username}"}}"#),
        );
        Ok(with(res, header::LOCATION, &format!("/v1/users/{id}")))
    }

    fn login(&mut self, req: &Request<Vec<u8>>) -> Reply {
        let [username, password] = match fields(req, ["username", "password"]) {
            Ok(fields) => fields,
            Err(res) => return Ok(res),
        };
        if let Err(wait_s) = self.take_attempt(&username) {
            let res = problem(StatusCode::TOO_MANY_REQUESTS, "Too many login attempts");
            return Ok(with(res, header::RETRY_AFTER, &wait_s.to_string()));
        }
        let sql = "SELECT id, password_hash FROM users WHERE username = ?1";
        let row = |r: &rusqlite::Row| Ok((r.get(0)?, r.get(1)?));
        let user: Option<(i64, String)> = self.db.query_row(sql, [&username], row).optional()?;
        let (id, phc) = user.unwrap_or_else(|| (0, self.dummy_hash.clone()));
        if !self.verify_password(&password, &phc) || id == 0 {
            return Ok(unauthorized("Bearer"));
        }
        let token = self.issue_token(id);
        let json = format!(
            r#"{{"access_token":"{token}","token_type":"Bearer","expires_in":{TOKEN_TTL_S}}}"#
        );
        Ok(reply(StatusCode::OK, json))
    }

    /// The caller's user id, or the 401 that refuses the request.
    pub fn authenticate(&self, req: &Request<Vec<u8>>) -> Result<i64, Response<Vec<u8>>> {
        let Some(credentials) = req.headers().get(header::AUTHORIZATION) else {
            return Err(unauthorized("Bearer"));
        };
        let credentials = credentials.to_str().unwrap_or_default();
        let token = match credentials.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => "",
        };
        let user = self.verify_token(token);
        user.ok_or_else(|| unauthorized(r#"Bearer error="invalid_token""#))
    }

    fn create_note(&mut self, req: &Request<Vec<u8>>, user: i64) -> Reply {
        let [title, body] = match fields(req, ["title", "body"]) {
            Ok(fields) => fields,
            Err(res) => return Ok(res),
        };
        if let Some(why) = refuse_note(&title, &body) {
            return Ok(problem(StatusCode::UNPROCESSABLE_ENTITY, why));
        }
        let sql = "INSERT INTO notes (owner, title, body) VALUES (?1, ?2, ?3)";
        self.db.execute(sql, params![user, title, body])?;
        let id = self.db.last_insert_rowid();
        let res = self.note_reply(StatusCode::CREATED, id)?;
        Ok(with(res, header::LOCATION, &format!("/v1/notes/{id}")))
    }

    /// The note as JSON with its `ETag`.
    fn note_reply(&self, status: StatusCode, id: i64) -> Reply {
        let sql = "SELECT json_object('id', id, 'title', title, 'body', body), version
            FROM notes WHERE id = ?1";
        let (json, version): (String, i64) = self
            .db
            .query_row(sql, [id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(with(
            reply(status, json),
            header::ETAG,
            &format!("\"v{version}\""),
        ))
    }

    fn list_notes(&mut self, req: &Request<Vec<u8>>, user: i64) -> Reply {
        let (mut limit, mut after) = (Some(PAGE_DEFAULT), Some(0));
        for pair in req.uri().query().unwrap_or_default().split('&') {
            match pair.split_once('=') {
                Some(("limit", n)) => limit = n.parse().ok().filter(|n| (1..=PAGE_MAX).contains(n)),
                Some(("cursor", id)) => after = id.parse().ok().filter(|id: &i64| *id >= 0),
                _ => {}
            }
        }
        let (Some(limit), Some(after)) = (limit, after) else {
            let title = "`limit` is 1 to 100; `cursor` comes from a `Link`";
            return Ok(problem(StatusCode::BAD_REQUEST, title));
        };
        let sql = "SELECT id, json_object('id', id, 'title', title, 'body', body) FROM notes
            WHERE owner = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
        let mut stmt = self.db.prepare(sql)?;
        let rows = stmt.query_map(params![user, after, limit + 1], |r| {
            Ok((r.get(0)?, r.get(1)?))
        });
        let mut page: Vec<(i64, String)> = rows?.collect::<Result<_, _>>()?;
        let more = page.len() > limit as usize;
        page.truncate(limit as usize);
        let mut json = String::from(r#"{"items":["#);
        for (i, (_, note)) in page.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            json.push_str(note);
        }
        let res = reply(StatusCode::OK, json + "]}");
        match page.last() {
            Some((last, _)) if more => {
                let next = format!(r#"</v1/notes?limit={limit}&cursor={last}>; rel="next""#);
                Ok(with(res, header::LINK, &next))
            }
            _ => Ok(res),
        }
    }

    fn one_note(&mut self, req: &Request<Vec<u8>>, user: i64, id: i64) -> Reply {
        let sql = "SELECT version FROM notes WHERE id = ?1 AND owner = ?2";
        let version: Option<i64> = self
            .db
            .query_row(sql, [id, user], |r| r.get(0))
            .optional()?;
        let Some(version) = version else {
            return Ok(problem(StatusCode::NOT_FOUND, "Not Found"));
        };
        let (headers, etag) = (req.headers(), format!("\"v{version}\""));
        if req.method() == Method::GET {
            if etag_listed(headers, header::IF_NONE_MATCH, &etag) {
                let mut not_modified = Response::new(Vec::new());
                *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
                return Ok(with(not_modified, header::ETAG, &etag));
            }
            return self.note_reply(StatusCode::OK, id);
        }
        if !headers.contains_key(header::IF_MATCH) {
            let title = "Send If-Match with the note's ETag";
            return Ok(problem(StatusCode::PRECONDITION_REQUIRED, title));
        }
        if !etag_listed(headers, header::IF_MATCH, &etag) {
            let title = "The note changed since you read it";
            return Ok(problem(StatusCode::PRECONDITION_FAILED, title));
        }
        if req.method() == Method::DELETE {
            self.db.execute("DELETE FROM notes WHERE id = ?1", [id])?;
            let mut res = Response::new(Vec::new());
            *res.status_mut() = StatusCode::NO_CONTENT;
            return Ok(res);
        }
        let [title, body] = match fields(req, ["title", "body"]) {
            Ok(fields) => fields,
            Err(res) => return Ok(res),
        };
        if let Some(why) = refuse_note(&title, &body) {
            return Ok(problem(StatusCode::UNPROCESSABLE_ENTITY, why));
        }
        let sql = "UPDATE notes SET title = ?2, body = ?3, version = version + 1 WHERE id = ?1";
        self.db.execute(sql, params![id, title, body])?;
        self.note_reply(StatusCode::OK, id)
    }
}

/// Why a username is refused, if it is.
pub fn refuse_username(username: &str) -> Option<&'static str> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
    let ok = (3..=32).contains(&username.len()) && username.chars().all(allowed);
    (!ok).then_some("A username is 3 to 32 of a-z, 0-9 and _")
}

/// Why a password is refused, if it is (NIST SP 800-63B §3.1.1.2).
pub fn refuse_password(username: &str, password: &str) -> Option<&'static str> {
    if !(15..=128).contains(&password.chars().count()) {
        return Some("A password is 15 to 128 characters");
    }
    let lower = password.to_lowercase();
    if BREACHED.contains(&lower.as_str()) || lower.contains(username) {
        return Some("This password is too easy to guess");
    }
    None
}

/// Why a note is refused, if it is.
pub fn refuse_note(title: &str, body: &str) -> Option<&'static str> {
    let title_ok = (1..=MAX_TITLE).contains(&title.chars().count());
    (!title_ok || body.chars().count() > MAX_NOTE)
        .then_some("A title is 1 to 200 characters, a body at most 10000")
}

/// The headers OWASP's REST Security sheet asks of every API response.
pub fn secure(mut res: Response<Vec<u8>>) -> Response<Vec<u8>> {
    #[rustfmt::skip]
    let headers = [
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"),
        (header::STRICT_TRANSPORT_SECURITY, "max-age=63072000; includeSubDomains; preload"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in headers {
        res = with(res, name, value);
    }
    res
}

fn lock(notes: &Mutex<Notes>) -> MutexGuard<'_, Notes> {
    notes.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The answer to a request off the wire, or to one that could not be read.
pub fn answer(notes: &Mutex<Notes>, req: io::Result<Request<Vec<u8>>>) -> Response<Vec<u8>> {
    match req {
        Ok(req) => lock(notes).handle(&req),
        Err(e) => secure(problem(StatusCode::BAD_REQUEST, &e.to_string())),
    }
}

/// Answers the requests of one connection (the support library's HTTP/1.1 plumbing:
/// `http1`, as in `capstone_shop_orders`) until it ends or asks to close.
pub fn serve(conn: &mut dyn Conn, notes: &Mutex<Notes>) -> io::Result<()> {
    http1::serve(conn, MAX_BODY, &mut |req| answer(notes, req))
}

/// The service as the HTTP/1.1 plumbing calls it, from a thread per connection.
pub fn app(notes: Arc<Mutex<Notes>>) -> http1::SharedApp {
    Arc::new(move |req| answer(&notes, req))
}

fn main() -> io::Result<()> {
    let port = std::env::args()
        .nth(1)
        .map_or(Ok(8080), |port| port.parse());
    let port: u16 = port.expect("usage: capstone_notes_api [PORT]");
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
    println!("Listening on {}", listener.local_addr()?);
    io::stdout().flush()?;
    let notes = Notes::new(Arc::new(SystemClock), Box::new(OsRandom), Params::default());
    http1::listen(listener, MAX_BODY, app(Arc::new(Mutex::new(notes))));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::http1::Client;
    use backend_support::{ManualClock, ScriptedStream, SeqRandom};
    use std::time::Duration;

    const START_S: u64 = 1_700_000_000;
    const ADA: &str = "correct horse battery";
    const BOB: &str = "staple in the engine room";

    struct World {
        notes: Notes,
        clock: Arc<ManualClock>,
    }

    struct Answer {
        status: u16,
        res: Response<Vec<u8>>,
        json: Value,
    }

    /// Argon2id at m=64 KiB, t=1: cheap, for every test but one.
    fn cheap() -> Params {
        Params::new(64, 1, 1, None).unwrap()
    }

    /// `method path` with `token` ("": none), a JSON `body` ("": none) and `more` headers.
    fn request(
        method: &str,
        path: &str,
        token: &str,
        body: &str,
        more: &[(&str, &str)],
    ) -> Request<Vec<u8>> {
        let mut req = Request::builder().method(method).uri(path);
        if !token.is_empty() {
            req = req.header("authorization", format!("Bearer {token}"));
        }
        if !body.is_empty() {
            req = req.header("content-type", "application/json");
        }
        for (name, value) in more {
            req = req.header(*name, *value);
        }
        req.body(body.as_bytes().to_vec()).unwrap()
    }

    fn credentials(username: &str, password: &str) -> String {
        format!(r#"{{"username":"{username}","password":"{password}"}}"#)
    }

    impl Answer {
        fn header(&self, name: &str) -> &str {
            let value = self.res.headers().get(name);
            value.map_or("", |v| v.to_str().unwrap())
        }
    }

    impl World {
        fn new() -> World {
            let clock = Arc::new(ManualClock::new(START_S * 1000));
            let notes = Notes::new(clock.clone(), Box::new(SeqRandom::new()), cheap());
            World { notes, clock }
        }

        fn call(
            &mut self,
            method: &str,
            path: &str,
            token: &str,
            body: &str,
            more: &[(&str, &str)],
        ) -> Answer {
            let res = self.notes.handle(&request(method, path, token, body, more));
            let json = serde_json::from_slice(res.body()).unwrap_or(Value::Null);
            let status = res.status().as_u16();
            Answer { status, res, json }
        }

        fn register(&mut self, username: &str, password: &str) -> Answer {
            self.call(
                "POST",
                "/v1/users",
                "",
                &credentials(username, password),
                &[],
            )
        }

        fn login(&mut self, username: &str, password: &str) -> Answer {
            self.call(
                "POST",
                "/v1/sessions",
                "",
                &credentials(username, password),
                &[],
            )
        }

        /// Registers `username` and logs in: the access token.
        fn user(&mut self, username: &str, password: &str) -> String {
            assert_eq!(self.register(username, password).status, 201);
            let login = self.login(username, password);
            login.json["access_token"]
                .as_str()
                .expect("a token")
                .to_string()
        }

        fn note(&mut self, token: &str, title: &str) -> Answer {
            let body = format!(r#"{{"title":"{title}","body":"about {title}"}}"#);
            self.call("POST", "/v1/notes", token, &body, &[])
        }

        /// The ids of the page at `path`, and its `Link`.
        fn page(&mut self, token: &str, path: &str) -> (Vec<i64>, Option<String>) {
            let a = self.call("GET", path, token, "", &[]);
            assert_eq!(a.status, 200, "{path}: {}", a.json);
            let items = a.json["items"].as_array().expect("items").iter();
            let link = Some(a.header("link").to_string()).filter(|l| !l.is_empty());
            (
                items.map(|note| note["id"].as_i64().unwrap()).collect(),
                link,
            )
        }
    }

    mod users {
        use super::*;

        #[test]
        fn registering_stores_an_argon2id_hash_in_the_migrated_database() {
            let mut w = World::new();
            let version =
                |db: &Connection| db.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0));
            assert_eq!(version(&w.notes.db).unwrap(), 2);
            migrate(&mut w.notes.db).unwrap();
            assert_eq!(version(&w.notes.db).unwrap(), 2, "applied once");
            let a = w.register("ada", ADA);
            assert_eq!(
                (a.status, a.json.to_string()),
                (201, r#"{"id":1,"username":"ada"}"#.into())
            );
            assert_eq!(a.header("location"), "/v1/users/1");
            assert_eq!(a.header("content-type"), "application/json");
            let sql = "SELECT password_hash FROM users WHERE username = 'ada'";
            let phc: String = w.notes.db.query_row(sql, [], |r| r.get(0)).unwrap();
            assert!(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{phc}");
            assert_eq!(w.notes.hashes, 1, "one hash computation");
            w.notes.db.execute_batch("PRAGMA query_only = ON").unwrap();
            let failed = w.register("bob", BOB);
            assert_eq!(failed.status, 500, "a failed INSERT is no conflict");
            w.notes.db.execute_batch("PRAGMA query_only = OFF").unwrap();
            assert!(w.notes.verify_password(ADA, &phc) && !phc.contains(ADA));
            assert_eq!(w.register("bob", BOB).json["id"], 2);
            let taken = w.register("ada", BOB);
            assert_eq!(
                (taken.status, &taken.json["status"]),
                (409, &Value::from(409))
            );
            assert_eq!(taken.header("content-type"), "application/problem+json");
        }

        #[test]
        fn usernames_and_passwords_follow_the_policy() {
            let mut w = World::new();
            let (long, max) = ("x".repeat(129), "x".repeat(128));
            #[rustfmt::skip]
            let refused = [
                ("Ada", ADA), ("ab", ADA), (&"a".repeat(33), ADA), ("ada!", ADA), ("a da", ADA),
                ("ada", "fourteen chars"), ("ada", &"é".repeat(14)), ("ada", &long),
                ("ada", "PasswordPassword"), ("ada", "123456789012345"), ("ada", "hi, I am Ada Lovelace"),
            ];
            for (username, password) in refused {
                assert_eq!(
                    w.register(username, password).status,
                    422,
                    "{username} {password}"
                );
            }
            assert_eq!(w.notes.hashes, 0, "refused before hashing");
            #[rustfmt::skip]
            let accepted = [
                ("ada", "fifteen chars!!"), ("b_0", &"é".repeat(15)), (&"c".repeat(32), &max), ("dan", "passwordpassword1"),
            ];
            for (username, password) in accepted {
                assert_eq!(
                    w.register(username, password).status,
                    201,
                    "{username} {password}"
                );
            }
            let no_password = w.call("POST", "/v1/users", "", r#"{"username":"eve"}"#, &[]);
            assert_eq!(no_password.json["title"], "`password` must be a string");
            let form = [("content-type", "application/x-www-form-urlencoded")];
            let not_json = request("POST", "/v1/users", "", "", &form);
            assert_eq!(w.notes.handle(&not_json).status(), 415);
            assert_eq!(w.call("POST", "/v1/users", "", "[1]", &[]).status, 400);
            assert_eq!(w.call("POST", "/v1/users", "", "{", &[]).status, 400);
            let plus_charset = [("content-type", "Application/JSON; charset=utf-8")];
            let req = Request::post("/v1/users").header(plus_charset[0].0, plus_charset[0].1);
            let req = req.body(credentials("eve", BOB).into_bytes()).unwrap();
            assert_eq!(w.notes.handle(&req).status(), 201);
        }
    }

    mod sessions {
        use super::*;

        fn decode(part: &str) -> Value {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
        }

        #[test]
        fn login_gives_a_15_minute_hs256_jwt_that_cannot_be_forged() {
            let mut w = World::new();
            let token = w.user("ada", ADA);
            let a = w.login("ada", ADA);
            assert_eq!(
                (a.status, &a.json["token_type"], &a.json["expires_in"]),
                (200, &"Bearer".into(), &900.into())
            );
            let parts: Vec<&str> = token.split('.').collect();
            assert_eq!(decode(parts[0]).to_string(), JWT_HEADER);
            let claims = decode(parts[1]);
            let want = format!(
                r#"{{"exp":{},"iat":{START_S},"iss":"notes-api","sub":"1"}}"#,
                START_S + 900
            );
            assert_eq!(claims.to_string(), want);
            assert_eq!(w.notes.verify_token(&token), Some(1));
            let forged = URL_SAFE_NO_PAD.encode(claims.to_string().replace(r#""1""#, r#""2""#));
            assert_eq!(
                w.notes
                    .verify_token(&format!("{}.{forged}.{}", parts[0], parts[2])),
                None
            );
            let none = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
            assert_eq!(w.notes.verify_token(&format!("{none}.{}.", parts[1])), None);
            let elsewhere = Notes::new(
                w.clock.clone(),
                Box::new(SeqRandom::starting_at(1)),
                cheap(),
            );
            assert_eq!(elsewhere.verify_token(&token), None, "another secret");
            assert_eq!(elsewhere.secret[..2], [1, 2], "32 bytes from the CSPRNG");
            let other_issuer = claims.to_string().replace("notes-api", "evil");
            let input = format!("{}.{}", parts[0], URL_SAFE_NO_PAD.encode(other_issuer));
            let signature = URL_SAFE_NO_PAD.encode(w.notes.mac(&input).finalize().into_bytes());
            assert_eq!(w.notes.verify_token(&format!("{input}.{signature}")), None);
            w.clock.advance(Duration::from_secs(899));
            assert_eq!(w.notes.verify_token(&token), Some(1));
            w.clock.advance(Duration::from_secs(1));
            assert_eq!(w.notes.verify_token(&token), None, "expired");
        }

        #[test]
        fn a_failed_login_says_nothing_and_costs_the_same_work() {
            let mut w = World::new();
            let long = "y".repeat(128);
            w.register("ada", &long);
            let before = w.notes.hashes;
            let (unknown, wrong, cut) = (
                w.login("bob", &long),
                w.login("ada", ADA),
                w.login("ada", &long[1..]),
            );
            assert_eq!(
                w.notes.hashes - before,
                3,
                "one Argon2 computation each, user or not"
            );
            for a in [&unknown, &wrong, &cut] {
                assert_eq!((a.status, &a.json), (401, &unknown.json));
                assert_eq!(a.header("www-authenticate"), "Bearer");
            }
            assert_eq!(w.login("ada", &long).status, 200, "no truncation");
            let dummy = w.notes.dummy_hash.clone();
            assert!(
                !w.notes.verify_password("", &dummy)
                    && w.notes.verify_password(DUMMY_PASSWORD, &dummy)
            );
        }

        #[test]
        fn login_attempts_are_limited_per_account() {
            let mut w = World::new();
            w.user("ada", ADA);
            w.register("bob", BOB);
            for _ in 0..4 {
                assert_eq!(w.login("ada", BOB).status, 401);
            }
            let hashes = w.notes.hashes;
            let limited = w.login("ada", ADA);
            assert_eq!(
                (limited.status, limited.header("retry-after")),
                (429, "60"),
                "the 6th in a minute"
            );
            assert_eq!(w.notes.hashes, hashes, "refused before any hashing");
            assert_eq!(w.login("bob", BOB).status, 200, "per account");
            w.clock.advance(Duration::from_millis(59_001));
            assert_eq!(w.login("ada", ADA).header("retry-after"), "1");
            w.clock.advance(Duration::from_millis(999));
            assert_eq!(w.login("ada", ADA).status, 200, "one more each minute");
            assert_eq!(w.login("ada", ADA).status, 429);
            w.clock.advance(Duration::from_secs(4 * 60 + 30));
            let statuses: Vec<u16> = (0..5).map(|_| w.login("ada", ADA).status).collect();
            assert_eq!(statuses, [200, 200, 200, 200, 429], "4 minutes: 4 more");
            w.clock.advance(Duration::from_secs(5 * 60 + 30));
            w.login("nobody", ADA);
            let keys: Vec<&str> = w.notes.buckets.iter().map(|b| b.key.as_str()).collect();
            assert_eq!(keys, ["nobody"], "full buckets are forgotten");
        }

        #[test]
        fn bearer_tokens_authenticate_requests() {
            let mut w = World::new();
            let token = w.user("ada", ADA);
            let missing = w.call("GET", "/v1/notes", "", "", &[]);
            assert_eq!(
                (missing.status, missing.header("www-authenticate")),
                (401, "Bearer")
            );
            let (bearer, other_scheme) = (format!("bearer  {token}"), format!("Token {token}"));
            for (credentials, status) in [
                (bearer.as_str(), 200),
                ("Bearer x.y.z", 401),
                (other_scheme.as_str(), 401),
                (&token, 401),
            ] {
                let a = w.call(
                    "GET",
                    "/v1/notes",
                    "",
                    "",
                    &[("authorization", credentials)],
                );
                assert_eq!(a.status, status, "{credentials}");
            }
            w.clock.advance(Duration::from_secs(15 * 60));
            let expired = w.call("GET", "/v1/notes", &token, "", &[]);
            assert_eq!(
                expired.header("www-authenticate"),
                r#"Bearer error="invalid_token""#
            );
            let real = Notes::new(
                w.clock.clone(),
                Box::new(SeqRandom::new()),
                Params::default(),
            );
            let mut w = World { notes: real, ..w };
            w.register("ada", ADA);
            let sql = "SELECT password_hash FROM users";
            let phc: String = w.notes.db.query_row(sql, [], |r| r.get(0)).unwrap();
            assert!(
                phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
                "OWASP's: {phc}"
            );
            assert_eq!(w.login("ada", ADA).status, 200);
        }
    }

    mod notes {
        use super::*;

        #[test]
        fn notes_are_created_for_their_owner_only() {
            let mut w = World::new();
            let (ada, bob) = (w.user("ada", ADA), w.user("bob", BOB));
            let a = w.note(&ada, "first");
            assert_eq!(
                (a.status, a.json.to_string()),
                (
                    201,
                    r#"{"body":"about first","id":1,"title":"first"}"#.into()
                )
            );
            assert_eq!(
                (a.header("location"), a.header("etag")),
                ("/v1/notes/1", "\"v1\"")
            );
            w.note(&bob, "bob's");
            w.note(&ada, "second");
            assert_eq!(w.page(&ada, "/v1/notes"), (vec![1, 3], None));
            assert_eq!(w.page(&bob, "/v1/notes"), (vec![2], None));
            let max = "t".repeat(200);
            for (title, status) in [("", 422), (&*"t".repeat(201), 422), (&max, 201)] {
                assert_eq!(w.note(&ada, title).status, status);
            }
            let body = |n| format!(r#"{{"title":"t","body":"{}"}}"#, "b".repeat(n));
            assert_eq!(
                w.call("POST", "/v1/notes", &ada, &body(10_001), &[]).status,
                422
            );
            assert_eq!(
                w.call("POST", "/v1/notes", &ada, &body(10_000), &[]).status,
                201
            );
            assert_eq!(
                w.call("POST", "/v1/notes", &ada, r#"{"title":"t"}"#, &[])
                    .status,
                422
            );
            assert_eq!(w.call("POST", "/v1/notes", "", &body(1), &[]).status, 401);
        }

        #[test]
        fn pages_follow_the_link_header_to_the_end() {
            let mut w = World::new();
            let (ada, bob) = (w.user("ada", ADA), w.user("bob", BOB));
            for n in 0..5 {
                w.note(&ada, "mine");
                if n % 2 == 0 {
                    w.note(&bob, "theirs");
                }
            }
            let next = |link: Option<String>| {
                link.unwrap()
                    .strip_prefix('<')
                    .unwrap()
                    .split_once('>')
                    .unwrap()
                    .0
                    .to_string()
            };
            let (ids, link) = w.page(&ada, "/v1/notes?limit=2");
            assert_eq!(
                (ids, link.as_deref()),
                (
                    vec![1, 3],
                    Some(r#"</v1/notes?limit=2&cursor=3>; rel="next""#)
                )
            );
            let (ids, link) = w.page(&ada, &next(link));
            assert_eq!(ids, [4, 6]);
            assert_eq!(w.page(&ada, &next(link)), (vec![7], None));
            assert_eq!(
                w.page(&ada, "/v1/notes?cursor=4&limit=3"),
                (vec![6, 7], None),
                "a full last page has no next"
            );
            assert_eq!(
                w.page(&ada, "/v1/notes?cursor=4&limit=2"),
                (vec![6, 7], None)
            );
            for n in 0..20 {
                w.note(&ada, &format!("more {n}"));
            }
            let (ids, link) = w.page(&ada, "/v1/notes");
            assert_eq!((ids.len(), ids[19]), (20, 23));
            assert_eq!(
                link.as_deref(),
                Some(r#"</v1/notes?limit=20&cursor=23>; rel="next""#)
            );
            assert_eq!(w.page(&ada, "/v1/notes?limit=100").0.len(), 25);
            for bad in ["limit=0", "limit=101", "limit=x", "cursor=-1", "cursor=a"] {
                assert_eq!(
                    w.call("GET", &format!("/v1/notes?{bad}"), &ada, "", &[])
                        .status,
                    400,
                    "{bad}"
                );
            }
        }
    }

    mod one_note {
        use super::*;

        #[test]
        fn another_users_note_does_not_exist_for_them() {
            let mut w = World::new();
            let (ada, bob) = (w.user("ada", ADA), w.user("bob", BOB));
            w.note(&ada, "secret");
            let body = r#"{"title":"mine now","body":""}"#;
            for (method, body) in [("GET", ""), ("PUT", body), ("DELETE", "")] {
                let a = w.call(method, "/v1/notes/1", &bob, body, &[("if-match", "*")]);
                let none = w.call(method, "/v1/notes/2", &ada, body, &[("if-match", "*")]);
                assert_eq!((a.status, &a.json), (404, &none.json), "{method}");
            }
            let a = w.call("GET", "/v1/notes/1", &ada, "", &[]);
            assert_eq!((a.status, &a.json["title"]), (200, &"secret".into()));
        }

        #[test]
        fn etags_make_reads_conditional_and_updates_safe() {
            let mut w = World::new();
            let ada = w.user("ada", ADA);
            w.note(&ada, "draft");
            let get = |w: &mut World, tags: &str| {
                w.call("GET", "/v1/notes/1", &ada, "", &[("if-none-match", tags)])
                    .status
            };
            for (tags, status) in [
                ("\"v1\"", 304),
                ("W/\"v1\"", 304),
                ("\"v0\", \"v1\"", 304),
                ("*", 304),
                ("\"v2\"", 200),
                ("v1", 200),
            ] {
                assert_eq!(get(&mut w, tags), status, "If-None-Match: {tags}");
            }
            let res = w.notes.handle(&request(
                "GET",
                "/v1/notes/1",
                &ada,
                "",
                &[("if-none-match", "\"v1\"")],
            ));
            assert!(res.body().is_empty() && res.headers()["etag"] == "\"v1\"");
            let put = |w: &mut World, title: &str, tag: &[(&str, &str)]| {
                let body = format!(r#"{{"title":"{title}","body":"b"}}"#);
                w.call("PUT", "/v1/notes/1", &ada, &body, tag)
            };
            assert_eq!(put(&mut w, "final", &[]).status, 428);
            for stale in ["\"v2\"", "W/\"v1\"", "v1"] {
                assert_eq!(
                    put(&mut w, "final", &[("if-match", stale)]).status,
                    412,
                    "If-Match: {stale}"
                );
            }
            let a = put(&mut w, "final", &[("if-match", "\"v0\", \"v1\"")]);
            assert_eq!(
                (a.status, a.json.to_string()),
                (200, r#"{"body":"b","id":1,"title":"final"}"#.into())
            );
            assert_eq!(a.header("etag"), "\"v2\"");
            assert_eq!(
                put(&mut w, "lost update", &[("if-match", "\"v1\"")]).status,
                412
            );
            assert_eq!(put(&mut w, "", &[("if-match", "\"v2\"")]).status, 422);
            assert_eq!(
                put(&mut w, "any", &[("if-match", "*")]).header("etag"),
                "\"v3\""
            );
            assert_eq!(get(&mut w, "\"v2\""), 200);
            let delete = |w: &mut World, tags: &[(&str, &str)]| {
                w.call("DELETE", "/v1/notes/1", &ada, "", tags).status
            };
            assert_eq!(
                [
                    delete(&mut w, &[]),
                    delete(&mut w, &[("if-match", "\"v2\"")])
                ],
                [428, 412]
            );
            assert_eq!(delete(&mut w, &[("if-match", "\"v3\"")]), 204);
            assert_eq!(get(&mut w, "*"), 404);
        }
    }

    /// Serves `notes` on 127.0.0.1 (a free port) and connects a client.
    fn tcp(notes: Notes) -> Client {
        Client::connect(http1::listen_in_background(
            MAX_BODY,
            app(Arc::new(Mutex::new(notes))),
        ))
    }

    fn raw(method: &str, path: &str, token: &str, body: &str) -> String {
        let (auth, len) = (format!("Authorization: Bearer {token}\r\n"), body.len());
        let auth = if token.is_empty() { "" } else { &auth };
        format!("{method} {path} HTTP/1.1\r\n{auth}Content-Type: application/json\r\nContent-Length: {len}\r\n\r\n{body}")
    }

    mod server {
        use super::*;

        const SECURITY: &str = "cache-control: no-store\r\ncontent-security-policy: frame-ancestors 'none'\r\nstrict-transport-security: max-age=63072000; includeSubDomains; preload\r\nx-content-type-options: nosniff\r\nx-frame-options: DENY\r\n";

        #[test]
        fn every_answer_carries_the_security_headers() {
            let notes = Mutex::new(World::new().notes);
            let served = |input: String| {
                let mut conn = ScriptedStream::new(input);
                let result = serve(conn.as_conn(), &notes).map_err(|e| e.kind());
                (result, String::from_utf8_lossy(conn.written()).into_owned())
            };
            let (_, written) = served(
                raw("POST", "/v1/users", "", &credentials("ada", ADA))
                    + "GET /v1/notes/1 HTTP/1.1\r\nX: "
                    + &"a".repeat(8000)
                    + "\r\n\r\n",
            );
            let answers: Vec<&str> = written.split("HTTP/1.1 ").skip(1).collect();
            assert_eq!(answers.len(), 2, "{written}");
            assert!(
                answers[0].starts_with("201 Created\r\n")
                    && answers[1].starts_with("401 Unauthorized\r\n"),
                "{written}"
            );
            for answer in answers {
                assert!(answer.contains(SECURITY), "{answer}");
            }
            #[rustfmt::skip]
            let wrong = [
                ("DELETE /v1/users", "405 Method Not Allowed", "allow: POST\r\n"), ("GET /v1/sessions", "405", "allow: POST\r\n"),
                ("PATCH /v1/notes", "405", "allow: GET, POST\r\n"), ("POST /v1/notes/1", "405", "allow: DELETE, GET, PUT\r\n"),
                ("GET /v1/notes/x", "404 Not Found", "problem+json"), ("GET /v1/users/1", "404", "problem+json"),
            ];
            for (start, status, header) in wrong {
                let (_, written) = served(format!("{start} HTTP/1.1\r\n\r\n"));
                let answer = written.strip_prefix("HTTP/1.1 ").unwrap();
                assert!(
                    answer.starts_with(status)
                        && answer.contains(header)
                        && answer.contains(SECURITY),
                    "{written}"
                );
            }
            let too_long = format!(
                "GET /v1/notes HTTP/1.1\r\nX-A: {}X-B: b\r\n\r\n",
                "a".repeat(8187)
            );
            let over_max_body = "POST /v1/notes HTTP/1.1\r\nContent-Length: 65537\r\n\r\n";
            let chunked = "POST /v1/notes HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
            let two_lengths =
                "POST /v1/notes HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 2\r\n\r\n{}";
            for bad in [
                "GET /v1/notes HTTP/1.0\r\n\r\n",
                "GET /v1/notes HTTP/1.1\r\nbad\r\n\r\n",
                over_max_body,
                chunked,
                two_lengths,
                &too_long,
            ] {
                let (_, written) = served(format!("{bad}GET /v1/notes HTTP/1.1\r\n\r\n"));
                assert!(
                    written.starts_with("HTTP/1.1 400 Bad Request\r\n")
                        && written.contains(SECURITY),
                    "{written}"
                );
                assert_eq!(
                    written.matches("HTTP/1.1").count(),
                    1,
                    "then it closes: {bad:.40}"
                );
            }
            let cut_short = served("POST /v1/users HTTP/1.1\r\nContent-Length: 9\r\n\r\n{}".into());
            assert_eq!(
                cut_short,
                (Err(io::ErrorKind::UnexpectedEof), String::new())
            );
        }

        #[test]
        fn the_whole_story_over_tcp() {
            let w = World::new();
            let clock = w.clock.clone();
            let mut conn = tcp(w.notes);
            let (head, body) =
                conn.exchange(&raw("POST", "/v1/users", "", &credentials("ada", ADA)));
            assert!(head.starts_with("HTTP/1.1 201 Created\r\n"), "{head}{body}");
            let (_, body) =
                conn.exchange(&raw("POST", "/v1/sessions", "", &credentials("ada", ADA)));
            let token: Value = serde_json::from_slice(body.as_bytes()).unwrap();
            let ada = token["access_token"].as_str().unwrap().to_string();
            let note = r#"{"title":"hello","body":"hi"}"#;
            let padded = note.to_string() + &" ".repeat(65536 - note.len()); // 64 KiB: allowed
            let (head, body) = conn.exchange(&raw("POST", "/v1/notes", &ada, &padded));
            assert!(
                head.starts_with("HTTP/1.1 201 Created\r\n")
                    && head.contains("location: /v1/notes/1\r\n"),
                "{head}{body}"
            );
            let (head, _) = conn.exchange(&format!("GET /v1/notes/1 HTTP/1.1\r\nAuthorization: Bearer {ada}\r\nIf-None-Match: \"v1\"\r\n\r\n"));
            let bare = head.contains(SECURITY) && !head.contains("content-length");
            assert!(
                head.starts_with("HTTP/1.1 304 Not Modified\r\n") && bare,
                "{head}"
            );
            conn.exchange(&raw("POST", "/v1/users", "", &credentials("bob", BOB)));
            let (_, body) =
                conn.exchange(&raw("POST", "/v1/sessions", "", &credentials("bob", BOB)));
            let token: Value = serde_json::from_slice(body.as_bytes()).unwrap();
            let bob = token["access_token"].as_str().unwrap().to_string();
            let (head, _) = conn.exchange(&raw("GET", "/v1/notes/1", &bob, ""));
            assert!(
                head.starts_with("HTTP/1.1 404 Not Found\r\n"),
                "not bob's: {head}"
            );
            let (_, body) = conn.exchange(&raw("GET", "/v1/notes", &ada, ""));
            assert_eq!(body, r#"{"items":[{"id":1,"title":"hello","body":"hi"}]}"#);
            let delete = format!("DELETE /v1/notes/1 HTTP/1.1\r\nAuthorization: Bearer {ada}\r\nIf-Match: \"v1\"\r\n\r\n");
            let (head, _) = conn.exchange(&delete);
            let bare =
                head.starts_with("HTTP/1.1 204 No Content\r\n") && !head.contains("content-length");
            assert!(bare, "no Content-Length on a 204: {head}");
            clock.advance(Duration::from_secs(TOKEN_TTL_S));
            let (head, _) = conn.exchange(&raw("GET", "/v1/notes", &ada, ""));
            assert!(
                head.starts_with("HTTP/1.1 401 Unauthorized\r\n"),
                "expired: {head}"
            );
            let (head, _) = conn.exchange("GET /v1/notes HTTP/1.1\r\nConnection: close\r\n\r\n");
            assert!(head.contains("www-authenticate: Bearer\r\n"), "{head}");
            assert!(conn.closed(), "closed as asked");
        }
    }
}
