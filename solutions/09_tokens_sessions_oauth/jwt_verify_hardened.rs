//! # JWT: verifying without being fooled
//!
//! Roadmap step: **JWT** (<https://roadmap.sh/backend>): verification, where most JWT
//! vulnerabilities live.
//!
//! A token is attacker-controlled input until verified, header included. A `Verifier`
//! is configured with ONE algorithm and key; the header's `alg` may only agree with it.
//!
//! 1. `check_header`: `alg` equals `self.alg` exactly (so `none`/`None`/`NONE`, and an
//!    HS256 token sent to an ES256 verifier, whose public key must never become an HMAC
//!    secret, all fail); `typ` is `JWT` (any case); `jku`/`jwk`/`x5u`/`kid` are ignored.
//!    A `crit` (RFC 7515 §4.1.11) must be a non-empty array of names that are in
//!    `self.extensions` and present in the header; anything else is `BadCrit`.
//! 2. `check_signature`: HS256 recomputes the MAC and compares it in constant time: read
//!    every byte of `signature` (through `Bytes`), decide at the end; only a wrong length
//!    may stop early. ES256 calls the injected `es256_check`.
//! 3. `check_claims`: `exp`, `iss` and `aud` are required (missing or of the wrong type:
//!    `BadClaim(name)`); times are integer seconds. Expired at `exp + LEEWAY_S`; `nbf`
//!    and `iat` at most `LEEWAY_S` ahead. `iss` equal, `aud` equal or containing ours.
//! 4. `verify`: exactly 3 segments; header, signature, and only then the claims.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc8725#section-3.1> (and §3.2, §3.8, §3.9, §3.11)
//! - <https://www.rfc-editor.org/rfc/rfc7515#section-4.1.11> (`crit`)
//! - <https://www.rfc-editor.org/rfc/rfc7518#section-3.2> (compare the MAC in constant time)
//! - <https://www.rfc-editor.org/rfc/rfc7519#section-4.1>
//! - <https://www.rfc-editor.org/rfc/rfc7519#section-7.2>
//! - <https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::Clock;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;

/// Clock skew tolerated between the issuer and us.
pub const LEEWAY_S: u64 = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtError {
    Malformed,
    AlgNotAllowed,
    WrongType,
    /// `crit` is not a non-empty array of understood extensions present in the header.
    BadCrit,
    BadSignature,
    /// A required claim is missing, or a claim has the wrong JSON type.
    BadClaim(&'static str),
    Expired,
    NotYetValid,
    WrongIssuer,
    WrongAudience,
}
use JwtError::*;

/// Read access one byte at a time, as in `crypto_sha256_hmac`. `Vec<u8>` implements it;
/// the tests implement it on a wrapper that records the reads, to check that the MAC
/// comparison never stops early.
pub trait Bytes {
    fn size(&self) -> usize;
    fn byte(&self, i: usize) -> u8;
}

impl Bytes for Vec<u8> {
    fn size(&self) -> usize {
        self.len()
    }
    fn byte(&self, i: usize) -> u8 {
        self[i]
    }
}

pub struct Verifier {
    /// The ONE accepted algorithm: "HS256" or "ES256".
    pub alg: &'static str,
    /// HS256: the shared secret. ES256: the issuer's PUBLIC key.
    pub key: Vec<u8>,
    pub issuer: String,
    pub audience: String,
    /// The header extensions this application understands and processes: the only
    /// names a `crit` may list.
    pub extensions: &'static [&'static str],
    /// ECDSA P-256 check of (public key, signing input, signature). Injected because
    /// this course has no ECDSA crate.
    pub es256_check: fn(&[u8], &[u8], &dyn Bytes) -> bool,
}

/// Unpadded base64url holding a JSON object.
pub fn decode_json(segment: &str) -> Result<Value, JwtError> {
    let bytes = URL_SAFE_NO_PAD.decode(segment).map_err(|_| Malformed)?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| Malformed)?;
    value.is_object().then_some(value).ok_or(Malformed)
}

impl Verifier {
    pub fn check_header(&self, header: &Value) -> Result<(), JwtError> {
        // Compare with the configured name: an allow-list of one, case-sensitive.
        if header.get("alg").and_then(Value::as_str) != Some(self.alg) {
            return Err(AlgNotAllowed);
        }
        let typ = header.get("typ").and_then(Value::as_str);
        if !typ.is_some_and(|t| t.eq_ignore_ascii_case("JWT")) {
            return Err(WrongType);
        }
        // A critical extension we do not understand changes the token's meaning in a way
        // we cannot check. Registered names (`alg`...) are not extensions.
        let understood = |name: &Value| {
            name.as_str()
                .is_some_and(|name| self.extensions.contains(&name) && header.get(name).is_some())
        };
        match header.get("crit") {
            None => Ok(()),
            Some(Value::Array(names)) if !names.is_empty() && names.iter().all(understood) => {
                Ok(())
            }
            Some(_) => Err(BadCrit),
        }
    }

    pub fn check_signature(
        &self,
        signing_input: &[u8],
        signature: &dyn Bytes,
    ) -> Result<(), JwtError> {
        let genuine = match self.alg {
            "HS256" => {
                let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length");
                mac.update(signing_input);
                let tag = mac.finalize().into_bytes();
                // Only the length (not a secret) may end the comparison early. Then OR the
                // differences of all bytes and decide at the end: `==` stops at the first
                // wrong byte, and its timing tells a forger how many bytes were right.
                let diff = |d, i| d | (tag[i] ^ signature.byte(i));
                signature.size() == tag.len()
                    && std::hint::black_box((0..tag.len()).fold(0, diff)) == 0
            }
            "ES256" => (self.es256_check)(&self.key, signing_input, signature),
            _ => return Err(AlgNotAllowed),
        };
        genuine.then_some(()).ok_or(BadSignature)
    }

    pub fn check_claims(&self, claims: &Value, now_ms: u64) -> Result<(), JwtError> {
        // A NumericDate (integer seconds); `Ok(None)` if absent. `as_u64` refuses
        // strings, negative numbers and fractions.
        let time = |name| claims.get(name).map(|t| t.as_u64().ok_or(BadClaim(name)));
        let now = now_ms / 1000;
        let exp = time("exp").ok_or(BadClaim("exp"))??;
        // `saturating_add`: `exp: u64::MAX` must not overflow (a panic is a DoS).
        if now >= exp.saturating_add(LEEWAY_S) {
            return Err(Expired);
        }
        for name in ["nbf", "iat"] {
            if time(name).transpose()?.is_some_and(|t| t > now + LEEWAY_S) {
                return Err(NotYetValid);
            }
        }
        match claims.get("iss") {
            Some(Value::String(iss)) if *iss == self.issuer => {}
            Some(Value::String(_)) => return Err(WrongIssuer),
            _ => return Err(BadClaim("iss")),
        }
        let ours = |aud: &Value| aud.as_str() == Some(self.audience.as_str());
        match claims.get("aud") {
            Some(Value::String(_)) if ours(&claims["aud"]) => Ok(()),
            Some(Value::Array(list)) if list.iter().any(ours) => Ok(()),
            Some(Value::String(_) | Value::Array(_)) => Err(WrongAudience),
            _ => Err(BadClaim("aud")),
        }
    }

    /// The claims of a genuine, currently valid token meant for us.
    pub fn verify(&self, token: &str, clock: &dyn Clock) -> Result<Value, JwtError> {
        let segments: Vec<&str> = token.split('.').collect();
        let [header, claims, signature] = segments[..] else {
            return Err(Malformed);
        };
        self.check_header(&decode_json(header)?)?;
        let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| Malformed)?;
        let signing_input = &token[..header.len() + 1 + claims.len()];
        self.check_signature(signing_input.as_bytes(), &signature)?;
        let claims = decode_json(claims)?;
        self.check_claims(&claims, clock.now_unix_ms())?;
        Ok(claims)
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::ManualClock;
    use serde_json::json;
    use sha2::Digest;
    use std::cell::Cell;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
    const PUBLIC: &[u8] = b"the issuer's EC public key: everybody knows it";
    const NOW: u64 = 1_700_000_000; // seconds
    const NOW_MS: u64 = NOW * 1000;

    fn b64(value: &Value) -> String {
        URL_SAFE_NO_PAD.encode(value.to_string())
    }

    /// A stand-in for ECDSA in tests: the "signature" is SHA-256(public key || input).
    fn fake_ecdsa(public_key: &[u8], input: &[u8]) -> Vec<u8> {
        let hash = Sha256::new().chain_update(public_key).chain_update(input);
        hash.finalize().to_vec()
    }

    /// `header`, valid claims with `changes` (`null` removes a claim), HS256 with `key`.
    fn token(header: Value, changes: Value, key: &[u8]) -> String {
        let mut claims = json!({ "iss": "https://id.example", "aud": "api", "sub": "alice",
            "iat": NOW, "exp": NOW + 900 });
        for (name, value) in changes.as_object().unwrap() {
            let claims = claims.as_object_mut().unwrap();
            match value {
                Value::Null => claims.remove(name),
                _ => claims.insert(name.clone(), value.clone()),
            };
        }
        let input = format!("{}.{}", b64(&header), b64(&claims));
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{input}.{signature}")
    }

    fn jwt() -> Value {
        json!({ "alg": "HS256", "typ": "JWT" })
    }

    /// An HS256 (`KEY`) or ES256 (`PUBLIC`) verifier that understands `tenant` and `region`.
    fn verifier(alg: &'static str) -> Verifier {
        let key = if alg == "HS256" { KEY } else { PUBLIC }.to_vec();
        let (issuer, audience) = ("https://id.example".to_string(), "api".to_string());
        let es256_check = |key: &[u8], input: &[u8], sig: &dyn Bytes| {
            let sig: Vec<u8> = (0..sig.size()).map(|i| sig.byte(i)).collect();
            fake_ecdsa(key, input) == sig
        };
        let extensions = &["tenant", "region"];
        #[rustfmt::skip]
        let v = Verifier { alg, key, issuer, audience, extensions, es256_check };
        v
    }

    /// Verifies at `now_ms`; the `sub` of the claims.
    fn verify(alg: &'static str, token: &str, now_ms: u64) -> Result<String, JwtError> {
        let claims = verifier(alg).verify(token, &ManualClock::new(now_ms))?;
        Ok(claims["sub"].as_str().unwrap().to_string())
    }

    #[test]
    fn the_header_cannot_choose_the_algorithm_or_the_key() {
        let hints = json!({ "alg": "HS256", "typ": "jwt", "kid": "k1",
            "jku": "https://evil.example/jwks.json", "jwk": { "kty": "oct", "k": "ZXZpbA" } });
        #[rustfmt::skip]
        let mut cases = vec![
            (hints.clone(), KEY, Ok("alice".to_string())), // key hints are ignored...
            (hints, b"evil".as_slice(), Err(BadSignature)), // ...and never used
            (json!({ "alg": "HS256", "typ": "at+jwt" }), KEY, Err(WrongType)),
            (json!({ "alg": "HS256" }), KEY, Err(WrongType)),
            (json!({ "typ": "JWT" }), KEY, Err(AlgNotAllowed)),
            (json!({ "alg": "", "typ": "JWT" }), KEY, Err(AlgNotAllowed)),
        ];
        for alg in "none None NONE nOnE hs256 HS384 ES256 HS256\0".split(' ') {
            cases.push((json!({ "alg": alg, "typ": "JWT" }), KEY, Err(AlgNotAllowed)));
        }
        for (header, key, expected) in cases {
            let signed = token(header.clone(), json!({}), key);
            assert_eq!(verify("HS256", &signed, NOW_MS), expected, "{header}");
            if expected == Err(AlgNotAllowed) {
                let unsigned = format!("{}.", signed.rsplit_once('.').unwrap().0);
                let result = verify("HS256", &unsigned, NOW_MS);
                assert_eq!(result, expected, "{header}, no signature");
            }
        }
    }

    #[test]
    fn crit_may_only_list_extensions_we_understand() {
        #[rustfmt::skip]
        let cases = [
            (json!(["tenant"]), Ok("alice".to_string())),
            (json!(["exp"]), Err(BadCrit)), // the example of RFC 7515 §4.1.11: unknown here
            (json!(["tenant", "exp"]), Err(BadCrit)),
            (json!(["region"]), Err(BadCrit)), // understood, but not in the header
            (json!([]), Err(BadCrit)), (json!("tenant"), Err(BadCrit)), (json!(null), Err(BadCrit)),
            (json!([7]), Err(BadCrit)), (json!({ "tenant": true }), Err(BadCrit)),
            (json!(["alg"]), Err(BadCrit)), (json!(["typ", "tenant"]), Err(BadCrit)), // registered
        ];
        for (crit, expected) in cases {
            #[rustfmt::skip]
            let header = json!({ "alg": "HS256", "typ": "JWT", "tenant": "acme", "exp": NOW, "crit": crit });
            let result = verify("HS256", &token(header.clone(), json!({}), KEY), NOW_MS);
            assert_eq!(result, expected, "{header}");
        }
    }

    /// A signature that records which of its bytes were read (bit `i` for byte `i`).
    struct Watched(Vec<u8>, Cell<u64>);

    impl Bytes for Watched {
        fn size(&self) -> usize {
            self.0.len()
        }
        fn byte(&self, i: usize) -> u8 {
            self.1.set(self.1.get() | 1 << i);
            self.0[i]
        }
    }

    #[test]
    fn the_mac_is_compared_in_constant_time() {
        let (v, good) = (verifier("HS256"), token(jwt(), json!({}), KEY));
        let (input, signature) = good.rsplit_once('.').unwrap();
        let mac = URL_SAFE_NO_PAD.decode(signature).unwrap();
        // The result, and whether every byte of the signature was read.
        let check = |signature: Vec<u8>| {
            let (len, watched) = (signature.len(), Watched(signature, Cell::new(0)));
            let result = v.check_signature(input.as_bytes(), &watched);
            (result, watched.1.get() == (1 << len) - 1)
        };
        assert_eq!(check(mac.clone()), (Ok(()), true), "the genuine MAC");
        let mut flipped = [mac.clone(), mac.clone()];
        (flipped[0][0], flipped[1][31]) = (mac[0] ^ 1, mac[31] ^ 0x80);
        for forged in flipped {
            let name = format!("{forged:02x?}");
            let expected = (Err(BadSignature), true);
            assert_eq!(
                check(forged),
                expected,
                "{name}: read every byte, no early exit"
            );
        }
        // `ab` vs `ba`: a compare that sums or XORs the differences misses a swap.
        let i = (0..31).find(|&i| mac[i] != mac[i + 1]).unwrap();
        let mut swapped = mac.clone();
        swapped.swap(i, i + 1);
        let cut = |len: usize| mac[..len].to_vec();
        #[rustfmt::skip]
        let forged = [(swapped, "two bytes swapped"), (cut(0), "empty"), (cut(1), "1 byte"),
            (cut(31), "31 bytes"), ([&mac[..], &[0]].concat(), "an extra byte")];
        for (signature, name) in forged {
            assert_eq!(check(signature).0, Err(BadSignature), "{name}");
        }
    }

    #[test]
    fn hs256_signed_with_the_public_key_is_refused_by_an_es256_verifier() {
        let forged = token(jwt(), json!({}), PUBLIC);
        assert_eq!(verify("ES256", &forged, NOW_MS), Err(AlgNotAllowed));
        let es256 = token(json!({ "alg": "ES256", "typ": "JWT" }), json!({}), KEY);
        let input = es256.rsplit_once('.').unwrap().0;
        let signature = URL_SAFE_NO_PAD.encode(fake_ecdsa(PUBLIC, input.as_bytes()));
        let genuine = format!("{input}.{signature}");
        assert_eq!(verify("ES256", &genuine, NOW_MS), Ok("alice".into()));
        assert_eq!(verify("HS256", &genuine, NOW_MS), Err(AlgNotAllowed));
    }

    #[test]
    fn tampered_and_malformed_tokens() {
        let good = token(jwt(), json!({}), KEY);
        let (h, s) = (b64(&jwt()), good.rsplit('.').next().unwrap());
        let admin = token(jwt(), json!({ "sub": "admin" }), KEY);
        let admin = admin.split('.').nth(1).unwrap();
        let expired = token(jwt(), json!({ "exp": 1 }), KEY);
        let expired = expired.split('.').nth(1).unwrap();
        #[rustfmt::skip]
        let cases = [
            (format!("{h}.{admin}.{s}"), BadSignature),
            (format!("{h}.{expired}.{s}"), BadSignature), // the signature is checked first
            (format!("{h}.{admin}.{}", &s[..20]), BadSignature),
            (token(jwt(), json!({}), &[9; 32]), BadSignature),
            (format!("{good}.{s}"), Malformed), // 4 segments
            (format!("{h}.{admin}"), Malformed),
            (format!("{good}="), Malformed),
            (String::new(), Malformed),
        ];
        for (token, expected) in cases {
            let result = verify("HS256", &token, NOW_MS);
            assert_eq!(result, Err(expected), "{token:?}");
        }
    }

    #[test]
    fn claims_time_issuer_audience() {
        let (now, exp) = (NOW_MS, (NOW + 900) * 1000);
        let ok = Ok("alice".to_string());
        #[rustfmt::skip]
        let cases = [
            (json!({}), exp + 59_999, ok.clone()), // within the 60 s leeway
            (json!({}), exp + 60_000, Err(Expired)),
            (json!({ "exp": NOW - 61 }), now, Err(Expired)),
            (json!({ "exp": u64::MAX }), now, ok.clone()), // no overflow
            (json!({ "exp": null }), now, Err(BadClaim("exp"))),
            (json!({ "exp": (NOW + 900).to_string() }), now, Err(BadClaim("exp"))),
            (json!({ "nbf": NOW + 60 }), now, ok.clone()),
            (json!({ "nbf": NOW + 61 }), now, Err(NotYetValid)),
            (json!({ "iat": NOW + 61 }), now, Err(NotYetValid)),
            (json!({ "nbf": -1 }), now, Err(BadClaim("nbf"))),
            (json!({ "iss": "https://id.example/" }), now, Err(WrongIssuer)),
            (json!({ "iss": "https://ID.example" }), now, Err(WrongIssuer)),
            (json!({ "iss": null }), now, Err(BadClaim("iss"))),
            (json!({ "aud": "api2" }), now, Err(WrongAudience)),
            (json!({ "aud": ["web", "API"] }), now, Err(WrongAudience)),
            (json!({ "aud": 7 }), now, Err(BadClaim("aud"))),
            (json!({ "aud": null }), now, Err(BadClaim("aud"))),
            (json!({ "aud": ["web", "api"] }), now, ok),
        ];
        for (changes, now_ms, expected) in cases {
            let result = verify("HS256", &token(jwt(), changes.clone(), KEY), now_ms);
            assert_eq!(result, expected, "{changes} at {now_ms}");
        }
    }
}
