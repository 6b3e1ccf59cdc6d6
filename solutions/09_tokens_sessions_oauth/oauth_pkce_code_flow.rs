//! # OAuth 2.0: authorization code flow with PKCE (and OpenID Connect's ID token)
//!
//! Roadmap step: **OAuth** and **OpenID** (<https://roadmap.sh/backend>): how "Log in with
//! ..." works, and the checks that keep a stolen code or a forged login useless.
//!
//! The client sends the browser to `/authorize` with `code_challenge` =
//! b64url(SHA-256(code_verifier)), a `state` and a `nonce`; the server redirects back with
//! a one-time `code`, which the client trades, with the secret verifier, for tokens.
//!
//! 1. `pkce_challenge`: the S256 challenge of a verifier.
//! 2. `AuthServer::authorize` (the `GET /authorize` query): a known `client_id` with its
//!    `redirect_uri` EXACTLY, `response_type=code`, `code_challenge_method=S256` (`plain`
//!    or none: refused), a challenge of 43 base64url characters, a `state` and a `nonce`;
//!    else `InvalidRequest`. Answer `<redirect_uri>?code=<code>&state=<state>`.
//! 3. `AuthServer::token` (the `POST /token` form): `grant_type=authorization_code`
//!    (else `InvalidRequest`); the code once (a failed attempt uses it up too), within
//!    `CODE_TTL_MS`, for the same client and `redirect_uri`, with the right verifier; else
//!    `InvalidGrant`. A code used twice also revokes the tokens it gave (RFC 6749 §4.1.2).
//!    ID token claims: `iss`, `sub`, `aud`, `nonce`, `iat`, `exp` (`iat` + 300 s).
//! 4. The client: `callback` returns the code only if the `state` is the one it sent
//!    (else `StateMismatch`); `check_id_token` checks `iss`, `aud` (its client id),
//!    `nonce` and `exp` (else `IdToken(claim)`).
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc6749#section-4.1>
//! - <https://www.rfc-editor.org/rfc/rfc6749#section-10.12> (CSRF, `state`)
//! - <https://www.rfc-editor.org/rfc/rfc7636#section-4> (PKCE)
//! - <https://www.rfc-editor.org/rfc/rfc9700#section-2.1.1>
//! - <https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::{Clock, RandomSource};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

pub const ISSUER: &str = "https://id.example";
pub const CODE_TTL_MS: u64 = 60_000;

#[derive(Debug, PartialEq, Eq)]
pub enum OAuthError {
    /// Server: bad parameters, unknown client or redirect URI (never redirected).
    InvalidRequest,
    /// Server: an unknown, used, expired or misbound code, or a wrong verifier.
    InvalidGrant,
    /// Client: the callback's state is not the one we sent.
    StateMismatch,
    /// Client: this ID token claim is wrong.
    IdToken(&'static str),
}

/// The value of `name` in `a=1&b=2`; `None` if absent or repeated (RFC 6749 §3.1). The
/// values here are base64url or plain URLs, so no percent-decoding is needed.
pub fn param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    let pairs = query.split('&').filter_map(|pair| pair.split_once('='));
    let mut values = pairs.filter(|(n, _)| *n == name).map(|(_, value)| value);
    match (values.next(), values.next()) {
        (Some(value), None) => Some(value),
        _ => None,
    }
}

pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

pub struct TokenResponse {
    pub access_token: String,
    /// The ID token's claims. A real ID token is a signed JWT: verify it first, as in
    /// `jwt_verify_hardened`.
    pub id_token: Value,
}

/// What a code stands for: the checked `/authorize` query, and who consented.
#[derive(Default)]
pub struct Grant {
    query: String,
    user: String,
    issued_ms: u64,
    used: bool,
    access_tokens: Vec<String>,
}

pub struct AuthServer<'a> {
    pub clock: &'a dyn Clock,
    pub random: &'a dyn RandomSource,
    /// client_id -> its registered redirect URI.
    pub clients: BTreeMap<String, String>,
    pub codes: BTreeMap<String, Grant>,
    pub active_tokens: BTreeSet<String>,
}

impl AuthServer<'_> {
    /// 32 random bytes, base64url: for codes and access tokens.
    fn new_secret(&self) -> String {
        let mut bytes = [0u8; 32];
        self.random.fill(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// `user` has logged in and consented; returns where to redirect the browser.
    pub fn authorize(&mut self, query: &str, user: &str) -> Result<String, OAuthError> {
        let get = |name| param(query, name).ok_or(OAuthError::InvalidRequest);
        let (redirect_uri, challenge) = (get("redirect_uri")?, get("code_challenge")?);
        // Exact string match: prefixes and patterns let codes leak to other URLs.
        let valid = self.clients.get(get("client_id")?) == Some(&redirect_uri.to_string())
            && get("response_type")? == "code"
            && get("code_challenge_method")? == "S256" // `plain` sends the secret openly
            && challenge.len() == 43
            && URL_SAFE_NO_PAD.decode(challenge).is_ok()
            && get("nonce").is_ok();
        if !valid {
            return Err(OAuthError::InvalidRequest);
        }
        let (code, state) = (self.new_secret(), get("state")?);
        let (query, user, issued_ms) = (query.into(), user.into(), self.clock.now_unix_ms());
        let grant = Grant {
            query,
            user,
            issued_ms,
            ..Grant::default()
        };
        self.codes.insert(code.clone(), grant);
        Ok(format!("{redirect_uri}?code={code}&state={state}"))
    }

    pub fn token(&mut self, form: &str) -> Result<TokenResponse, OAuthError> {
        let get = |name| param(form, name).ok_or(OAuthError::InvalidRequest);
        if get("grant_type")? != "authorization_code" {
            return Err(OAuthError::InvalidRequest);
        }
        // Drawn before `grant` borrows `self.codes`; used only if the code is good.
        let (now, access_token) = (self.clock.now_unix_ms(), self.new_secret());
        let grant = self.codes.get_mut(get("code")?);
        let grant = grant.ok_or(OAuthError::InvalidGrant)?;
        if grant.used {
            // A replayed code: deny it, and revoke what its first use gave out.
            for token in &grant.access_tokens {
                self.active_tokens.remove(token);
            }
            return Err(OAuthError::InvalidGrant);
        }
        grant.used = true; // one attempt per code, even a failed one
        let asked = |name| param(&grant.query, name);
        let valid = now < grant.issued_ms + CODE_TTL_MS
            && asked("client_id") == Some(get("client_id")?)
            && asked("redirect_uri") == Some(get("redirect_uri")?)
            // The challenge travelled openly; only the real client knows the verifier.
            && asked("code_challenge") == Some(&pkce_challenge(get("code_verifier")?));
        if !valid {
            return Err(OAuthError::InvalidGrant);
        }
        grant.access_tokens.push(access_token.clone());
        self.active_tokens.insert(access_token.clone());
        let (aud, nonce, now_s) = (asked("client_id"), asked("nonce"), now / 1000);
        let id_token = json!({ "iss": ISSUER, "sub": grant.user, "aud": aud, "nonce": nonce,
            "iat": now_s, "exp": now_s + 300 });
        Ok(TokenResponse {
            access_token,
            id_token,
        })
    }
}

/// The client: the code in the redirect back (whose query is `callback`), if it is the
/// answer to our request.
pub fn callback<'a>(sent_state: &str, callback: &'a str) -> Result<&'a str, OAuthError> {
    // Someone else's state means login CSRF: the code must not be used.
    if param(callback, "state") != Some(sent_state) {
        return Err(OAuthError::StateMismatch);
    }
    param(callback, "code").ok_or(OAuthError::InvalidRequest)
}

/// The client `client_id`, which sent `nonce`, checks the ID token at `now_s`.
pub fn check_id_token(
    claims: &Value,
    client_id: &str,
    nonce: &str,
    now_s: u64,
) -> Result<(), OAuthError> {
    for (name, value) in [("iss", ISSUER), ("aud", client_id), ("nonce", nonce)] {
        if claims[name].as_str() != Some(value) {
            return Err(OAuthError::IdToken(name));
        }
    }
    match claims["exp"].as_u64() {
        Some(exp) if now_s < exp => Ok(()),
        _ => Err(OAuthError::IdToken("exp")),
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::{ManualClock, SeqRandom};
    use std::time::Duration;
    use OAuthError::*;

    const T0: u64 = 1_700_000_000_000;
    const CB: &str = "https://client.example/cb";
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    const AUTHORIZE: &str =
        "response_type=code&client_id=app&redirect_uri=https://client.example/cb\
        &state=st4te&nonce=n0nce&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
        &code_challenge_method=S256";

    fn token_form(code: &str) -> String {
        format!("grant_type=authorization_code&code={code}&redirect_uri={CB}&client_id=app&code_verifier={VERIFIER}")
    }

    /// A server that knows the clients `app` and `other` (both with `CB`).
    fn server<'a>(clock: &'a ManualClock, random: &'a SeqRandom) -> AuthServer<'a> {
        let clients = [("app", CB), ("other", CB)].map(|(id, uri)| (id.into(), uri.into()));
        let (clients, codes, active_tokens) = (clients.into(), BTreeMap::new(), BTreeSet::new());
        AuthServer {
            clock,
            random,
            clients,
            codes,
            active_tokens,
        }
    }

    /// `/authorize` for alice; returns the code.
    fn code(server: &mut AuthServer) -> String {
        let redirect = server.authorize(AUTHORIZE, "alice").unwrap();
        let code = param(&redirect[CB.len() + 1..], "code").unwrap();
        code.to_string()
    }

    #[test]
    fn rfc7636_appendix_b_and_the_whole_flow() {
        assert_eq!(pkce_challenge(VERIFIER), CHALLENGE);
        let (clock, random) = (ManualClock::new(T0), SeqRandom::new());
        let mut server = server(&clock, &random);
        let redirect = server.authorize(AUTHORIZE, "alice").unwrap();
        let code = URL_SAFE_NO_PAD.encode((0u8..32).collect::<Vec<_>>());
        assert_eq!(redirect, format!("{CB}?code={code}&state=st4te"));
        let callback_query = &redirect[CB.len() + 1..];
        assert_eq!(callback("st4te", callback_query), Ok(code.as_str()));
        let tokens = server.token(&token_form(&code)).unwrap();
        assert!(server.active_tokens.contains(&tokens.access_token));
        let expected = json!({ "iss": ISSUER, "sub": "alice", "aud": "app",
            "nonce": "n0nce", "iat": T0 / 1000, "exp": T0 / 1000 + 300 });
        assert_eq!(tokens.id_token, expected);
        assert_eq!(check_id_token(&expected, "app", "n0nce", T0 / 1000), Ok(()));
    }

    #[test]
    fn authorize_checks_the_client_the_redirect_uri_and_pkce() {
        let (clock, random) = (ManualClock::new(T0), SeqRandom::new());
        let mut server = server(&clock, &random);
        #[rustfmt::skip]
        let attacks = [
            (CB, "https://client.example/cb/"), (CB, "https://client.example/cb/../evil"),
            (CB, "https://client.example.evil.example/cb"), (CB, "http://client.example/cb"),
            ("client_id=app", "client_id=nobody"), ("&code_challenge_method=S256", ""),
            ("code_challenge_method=S256", "code_challenge_method=plain"),
            ("code_challenge_method=S256", "code_challenge_method=s256"),
            ("response_type=code", "response_type=token"), (CHALLENGE, &CHALLENGE[1..]),
            ("-cM", "-cMA"), ("-cM", "+cM"), // 44 characters; not base64url
            ("&state=st4te", ""), ("&state=", "&state=x&state="), ("&nonce=", "&x="),
        ];
        for (from, to) in attacks {
            let query = AUTHORIZE.replacen(from, to, 1);
            assert_eq!(
                server.authorize(&query, "alice"),
                Err(InvalidRequest),
                "{query}"
            );
        }
        assert!(server.codes.is_empty(), "no code for a refused request");
    }

    #[test]
    fn codes_are_single_use_short_lived_and_bound() {
        let (clock, random) = (ManualClock::new(T0), SeqRandom::new());
        let mut server = server(&clock, &random);
        let form = token_form(&code(&mut server));
        let token = server.token(&form).expect("first use").access_token;
        assert!(server.active_tokens.contains(&token));
        assert_eq!(server.token(&form).err(), Some(InvalidGrant), "reuse");
        assert!(server.active_tokens.is_empty(), "reuse revokes the tokens");
        let form = token_form(&code(&mut server));
        clock.advance(Duration::from_millis(CODE_TTL_MS));
        assert_eq!(server.token(&form).err(), Some(InvalidGrant), "60 s old");
        #[rustfmt::skip]
        let tamper = [
            (VERIFIER, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl"), // another verifier
            (VERIFIER, CHALLENGE), // the challenge, which travelled openly
            ("/cb&", "/cb2&"), // another redirect_uri
            ("client_id=app", "client_id=other"),
        ];
        for (from, to) in tamper {
            let form = token_form(&code(&mut server)).replace(from, to);
            assert_eq!(server.token(&form).err(), Some(InvalidGrant), "{form}");
        }
        let form = token_form(&code(&mut server));
        let other_grant = form.replace("authorization_code", "password");
        assert_eq!(server.token(&other_grant).err(), Some(InvalidRequest));
        assert!(server.token(&form).is_ok(), "a fresh code still works");
        let form = token_form(&code(&mut server));
        assert!(server.token(&form.replace("=app", "=other")).is_err());
        let after_a_failure = server.token(&form).err();
        assert_eq!(after_a_failure, Some(InvalidGrant), "one attempt per code");
    }

    #[test]
    fn the_client_checks_state_and_the_id_token() {
        assert_eq!(callback("st4te", "code=abc&state=st4te"), Ok("abc"));
        assert_eq!(
            callback("st4te", "code=abc&state=attacker"),
            Err(StateMismatch)
        );
        assert_eq!(callback("st4te", "code=abc"), Err(StateMismatch));
        let now = T0 / 1000;
        let good = json!({ "iss": ISSUER, "sub": "alice", "aud": "app", "nonce": "n1",
            "exp": now + 1 });
        assert_eq!(check_id_token(&good, "app", "n1", now), Ok(()));
        #[rustfmt::skip]
        let forged = [
            ("iss", json!("https://evil.example")), ("aud", json!("other")),
            ("nonce", json!("n2")), ("nonce", json!(null)), ("exp", json!(now)),
        ];
        for (claim, value) in forged {
            let mut claims = good.clone();
            claims[claim] = value.clone();
            let result = check_id_token(&claims, "app", "n1", now);
            assert_eq!(result, Err(IdToken(claim)), "{claim}: {value}");
        }
    }
}
