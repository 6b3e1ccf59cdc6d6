//! # Sessions: IDs, cookies, timeouts, fixation
//!
//! Roadmap step: **Cookie-based auth / session auth** (<https://roadmap.sh/backend>): the
//! server keeps the session, the browser keeps only its unguessable ID in a cookie.
//!
//! 1. `new_id`: 128 bits from the `RandomSource`, base64url without padding.
//! 2. `set_cookie`: `__Host-sid=<id>; Path=/; Secure; HttpOnly; SameSite=Lax`, exactly
//!    (the `__Host-` prefix makes browsers demand `Secure`, `Path=/` and no `Domain`).
//! 3. `session_id_from_cookie`: the value of `__Host-sid` in a `Cookie` header (pairs
//!    separated by `"; "`; names are case-sensitive). Missing, empty or sent twice: `None`.
//! 4. `get`: a session dies `IDLE_TIMEOUT_MS` after it was last used and
//!    `ABSOLUTE_TIMEOUT_MS` after it was created, whichever comes first (at that very
//!    millisecond). A dead session is deleted; a live one is touched.
//! 5. `login`: always a NEW ID (session fixation), the old session deleted. `logout`:
//!    delete the session and return `CLEAR_COOKIE` (`Max-Age=0` deletes the cookie).
//!
//! Standards:
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html>
//! - <https://www.rfc-editor.org/rfc/rfc6265#section-4.1>
//! - <https://www.rfc-editor.org/rfc/rfc6265#section-4.2>
//! - <https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-4.1.3.2>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::{Clock, RandomSource};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::collections::BTreeMap;

pub const COOKIE_NAME: &str = "__Host-sid";
pub const CLEAR_COOKIE: &str = "__Host-sid=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0";
/// 30 minutes: a low-risk app (OWASP: 2-5 min for high-value ones).
pub const IDLE_TIMEOUT_MS: u64 = 30 * 60 * 1000;
pub const ABSOLUTE_TIMEOUT_MS: u64 = 8 * 60 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// `None` before login.
    pub user: Option<String>,
    pub created_ms: u64,
    pub last_seen_ms: u64,
}

pub fn set_cookie(id: &str) -> String {
    format!("{COOKIE_NAME}={id}; Path=/; Secure; HttpOnly; SameSite=Lax")
}

pub fn session_id_from_cookie(header: &str) -> Option<&str> {
    let mut ids = header
        .split("; ")
        .filter_map(|pair| pair.split_once('='))
        .filter(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value);
    match (ids.next(), ids.next()) {
        // Two session cookies: someone planted one (cookie tossing); trust neither.
        (Some(id), None) if !id.is_empty() => Some(id),
        _ => None,
    }
}

pub struct SessionStore<'a> {
    clock: &'a dyn Clock,
    random: &'a dyn RandomSource,
    sessions: BTreeMap<String, Session>,
}

impl<'a> SessionStore<'a> {
    pub fn new(clock: &'a dyn Clock, random: &'a dyn RandomSource) -> Self {
        let sessions = BTreeMap::new();
        SessionStore {
            clock,
            random,
            sessions,
        }
    }

    fn new_id(&self) -> String {
        let mut bytes = [0u8; 16];
        self.random.fill(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Creates a session and returns its ID.
    fn create(&mut self, user: Option<&str>) -> String {
        let id = self.new_id();
        let now = self.clock.now_unix_ms();
        let user = user.map(str::to_string);
        let session = Session {
            user,
            created_ms: now,
            last_seen_ms: now,
        };
        self.sessions.insert(id.clone(), session);
        id
    }

    /// An anonymous session (a cart, a CSRF token) before login.
    pub fn start(&mut self) -> String {
        self.create(None)
    }

    pub fn get(&mut self, id: &str) -> Option<&Session> {
        let now = self.clock.now_unix_ms();
        let session = self.sessions.get(id)?;
        let idle = now.saturating_sub(session.last_seen_ms) >= IDLE_TIMEOUT_MS;
        let too_old = now.saturating_sub(session.created_ms) >= ABSOLUTE_TIMEOUT_MS;
        if idle || too_old {
            // Delete it: a dead session must not come back (a clock set back, a bug).
            self.sessions.remove(id);
            return None;
        }
        let session = self.sessions.get_mut(id)?;
        session.last_seen_ms = now;
        Some(session)
    }

    /// Logs `user` in and returns the new session ID for `set_cookie`.
    pub fn login(&mut self, old_id: Option<&str>, user: &str) -> String {
        // Keeping the old ID would let an attacker who planted it (session fixation)
        // ride the logged-in session. The absolute timeout starts again with it.
        if let Some(old_id) = old_id {
            self.sessions.remove(old_id);
        }
        self.create(Some(user))
    }

    /// Returns the `Set-Cookie` value that deletes the cookie.
    pub fn logout(&mut self, id: &str) -> &'static str {
        self.sessions.remove(id);
        CLEAR_COOKIE
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::{ManualClock, SeqRandom};
    use std::time::Duration;

    const T0: u64 = 1_700_000_000_000;
    const MINUTE: Duration = Duration::from_secs(60);
    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn ids_and_cookie_strings_are_exact() {
        let (clock, random) = (ManualClock::new(T0), SeqRandom::new());
        let mut store = SessionStore::new(&clock, &random);
        assert_eq!(store.start(), "AAECAwQFBgcICQoLDA0ODw"); // random bytes 00..0f
        let id = store.login(None, "alice");
        assert_eq!(id, "EBESExQVFhcYGRobHB0eHw"); // random bytes 10..1f
        let expected = "__Host-sid=EBESExQVFhcYGRobHB0eHw; Path=/; Secure; HttpOnly; SameSite=Lax";
        assert_eq!(set_cookie(&id), expected);
        let cleared = "__Host-sid=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0";
        assert_eq!(store.logout(&id), cleared);
        assert_eq!(store.get(&id), None, "logout deletes the session");
    }

    #[test]
    fn the_session_cookie_is_found_in_a_cookie_header() {
        #[rustfmt::skip]
        let cases = [
            ("__Host-sid=abc", Some("abc")),
            ("theme=dark; __Host-sid=abc; lang=en", Some("abc")),
            ("a=b=c; __Host-sid=x-y_z", Some("x-y_z")),
            ("sid=abc", None),             // set by any subdomain, or over http
            ("__host-sid=abc", None),      // cookie names are case-sensitive
            ("x__Host-sid=abc", None),
            ("__Host-sid=; a=b", None),
            ("__Host-sid=abc; __Host-sid=evil", None), // which one is real?
            ("", None),
        ];
        for (header, expected) in cases {
            assert_eq!(session_id_from_cookie(header), expected, "{header:?}");
        }
    }

    #[test]
    fn login_rotates_the_id_against_fixation() {
        let (clock, random) = (ManualClock::new(T0), SeqRandom::new());
        let mut store = SessionStore::new(&clock, &random);
        let anonymous = store.start();
        let id = store.login(Some(&anonymous), "alice");
        assert_ne!(id, anonymous);
        assert_eq!(store.get(&anonymous), None, "the pre-login ID must be dead");
        let session = store.get(&id).expect("the new ID works");
        assert_eq!(session.user.as_deref(), Some("alice"));
        // An ID the attacker made up is never adopted either.
        assert_ne!(
            store.login(Some("planted-by-attacker"), "bob"),
            "planted-by-attacker"
        );
    }

    #[test]
    fn idle_timeout_30_minutes() {
        let (clock, random) = (ManualClock::new(T0), SeqRandom::new());
        let mut store = SessionStore::new(&clock, &random);
        let id = store.login(None, "alice");
        clock.advance(30 * MINUTE - MS);
        assert!(store.get(&id).is_some(), "29:59.999 idle");
        clock.advance(30 * MINUTE - MS);
        let session = store
            .get(&id)
            .expect("using a session resets the idle timer");
        assert_eq!(session.last_seen_ms, T0 + 2 * (30 * 60_000 - 1));
        clock.advance(30 * MINUTE);
        assert_eq!(store.get(&id), None, "exactly 30:00 idle");
        clock.set(T0);
        assert_eq!(store.get(&id), None, "an expired session is deleted");
    }

    #[test]
    fn absolute_timeout_8_hours_even_when_active() {
        let (clock, random) = (ManualClock::new(T0), SeqRandom::new());
        let mut store = SessionStore::new(&clock, &random);
        let id = store.login(None, "alice");
        for i in 1..=16 {
            clock.advance(29 * MINUTE);
            assert!(
                store.get(&id).is_some(),
                "request {i}, after {} min",
                29 * i
            );
        }
        clock.advance(16 * MINUTE - MS); // 7:59:59.999 after login
        assert!(store.get(&id).is_some());
        clock.advance(MS);
        assert_eq!(store.get(&id), None, "8 hours after login");
    }
}
