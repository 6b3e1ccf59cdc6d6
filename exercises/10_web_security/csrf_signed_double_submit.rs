//! # CSRF: the signed double-submit cookie
//!
//! Roadmap step: **Web security** (<https://roadmap.sh/backend>): cross-site request
//! forgery (CSRF) and the token pattern OWASP recommends.
//!
//! A browser attaches our cookies even to a request that an evil page sends, so the
//! session cookie cannot prove that *our* page sent a form. Our page gets a token bound
//! to the session by an HMAC; it sends it back in the `X-CSRF-Token` header (or a
//! `csrf_token` form field) and a copy lives in the `__Host-csrf` cookie. Another site
//! can make the browser send the cookie, but can neither read it nor forge a token.
//!
//! 1. `csrf_message`: `len(sid) "!" sid "!" len(randhex) "!" randhex`, where each length
//!    is the decimal byte length of the string that follows it.
//! 2. `Csrf::issue_token`: draw 32 random bytes from the `RandomSource` and return
//!    `hex(HMAC-SHA256(secret, message)) "." randhex` (lowercase hex).
//! 3. `ct_eq`: a constant-time comparison. Slices of different lengths are unequal at
//!    once (a length is no secret); otherwise read each byte of `a` and of `b` exactly
//!    once, through `reader`, and only then decide: `==` stops at the first difference,
//!    and how long it took tells an attacker how much of a guess was right.
//! 4. `Csrf::verify_token`: split the token, recompute the HMAC's hex for *this* session
//!    and compare it with `ct_eq` through `self.reader`. Anything malformed is invalid.
//! 5. `Csrf::check_request`: safe methods (exactly `GET`, `HEAD`, `OPTIONS`, `TRACE`)
//!    pass. Other methods need the token from the header or else the form field, plus
//!    the cookie (`Missing` if either is absent); the two must be equal (`ct_eq`) and
//!    the token must verify (`Invalid` otherwise).
//!
//! Standards:
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html#signed-double-submit-cookie-recommended>
//! - <https://www.rfc-editor.org/rfc/rfc2104> (HMAC)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-9.2.1> (safe methods)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::RandomSource;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};

/// Number of random bytes in a token (64 hex digits).
pub const RANDOM_LEN: usize = 32;

#[derive(Debug, PartialEq, Eq)]
pub enum CsrfError {
    /// No token in the header or form, or no CSRF cookie: 403.
    Missing,
    /// A token that does not verify for this session, or differs from the cookie: 403.
    Invalid,
}

/// How a comparison reads the bytes of a secret. Production code reads them `Direct`ly;
/// the tests pass a reader that counts, to catch a comparison that stops early.
pub trait ByteReader {
    /// `bytes[i]`.
    fn read(&self, bytes: &[u8], i: usize) -> u8;
}

pub struct Direct;

impl ByteReader for Direct {
    fn read(&self, bytes: &[u8], i: usize) -> u8 {
        bytes[i]
    }
}

pub struct Csrf<'a> {
    /// At least 256 bits from a CSPRNG, kept on the server.
    pub secret: &'a [u8],
    pub reader: &'a dyn ByteReader,
}

/// What `check_request` needs from an HTTP request.
pub struct CsrfRequest<'a> {
    pub method: &'a str,
    /// The ID of the authenticated session (from the session cookie).
    pub session_id: &'a str,
    /// The `__Host-csrf` cookie: the browser sends it on its own, even cross-site.
    pub cookie: Option<&'a str>,
    /// The `X-CSRF-Token` request header.
    pub header: Option<&'a str>,
    /// The `csrf_token` field of a submitted form.
    pub form_field: Option<&'a str>,
}

/// Lowercase hex, two digits per byte.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn csrf_message(session_id: &str, rand_hex: &str) -> String {
    // TODO: `len(sid) "!" sid "!" len(randhex) "!" randhex`.
    todo!()
}

pub fn ct_eq(reader: &dyn ByteReader, a: &[u8], b: &[u8]) -> bool {
    // TODO: unequal lengths: false. Otherwise read every byte of both through `reader`
    // (no early exit, whatever the bytes are), then decide. subtle's `Choice` helps.
    todo!()
}

impl Csrf<'_> {
    pub fn issue_token(&self, session_id: &str, rng: &dyn RandomSource) -> String {
        // TODO: RANDOM_LEN random bytes from `rng`, hex them, HMAC-SHA256 the message with
        // `self.secret`, return "machex.randhex".
        todo!()
    }

    pub fn verify_token(&self, session_id: &str, token: &str) -> bool {
        // TODO: split at the '.', recompute the MAC's hex for this session and random part,
        // compare with `ct_eq` through `self.reader`. Malformed tokens are false.
        todo!()
    }

    pub fn check_request(&self, req: &CsrfRequest) -> Result<(), CsrfError> {
        // TODO: exempt the safe methods; take the token from the header, else the form (never
        // the cookie); require the cookie too; compare it to the token with `ct_eq` and
        // verify the token for `req.session_id`.
        todo!()
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::SeqRandom;
    use std::cell::Cell;

    const SECRET: &[u8] = b"server-side-csrf-secret-32-bytes";
    const CSRF: Csrf = csrf(&Direct);
    const SID: &str = "7c0f5e2a9d41b3e8a6f2c19d04e7b5a3";
    const RAND0: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    const TOKEN0: &str = "9acd3c94ad0a28e25b2068c0560dea419b08f39d0d2f6d64ffc2add36f235d2a.\
                          000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    /// A reader that counts the bytes a comparison reads.
    #[derive(Default)]
    struct Counting(Cell<usize>);

    impl ByteReader for Counting {
        fn read(&self, bytes: &[u8], i: usize) -> u8 {
            self.0.set(self.0.get() + 1);
            bytes[i]
        }
    }

    /// `s` with the byte at `i` changed.
    fn flip(s: &str, i: usize) -> String {
        let mut bytes = s.as_bytes().to_vec();
        bytes[i] ^= 1;
        String::from_utf8(bytes).unwrap()
    }

    const fn csrf(reader: &dyn ByteReader) -> Csrf<'_> {
        Csrf {
            secret: SECRET,
            reader,
        }
    }

    fn check(
        reader: &dyn ByteReader,
        method: &str,
        cookie: Option<&str>,
        header: Option<&str>,
        form: Option<&str>,
    ) -> Result<(), CsrfError> {
        #[rustfmt::skip]
        let req = CsrfRequest { method, session_id: SID, cookie, header, form_field: form };
        csrf(reader).check_request(&req)
    }

    #[test]
    fn fixed_secret_and_rng_give_a_fixed_token() {
        let message = format!("32!{SID}!64!{RAND0}");
        assert_eq!(csrf_message(SID, RAND0), message);
        assert_eq!(csrf_message("", "ab"), "0!!2!ab");
        let rng = SeqRandom::new();
        assert_eq!(CSRF.issue_token(SID, &rng), TOKEN0);
        let second = CSRF.issue_token(SID, &rng);
        assert_eq!(
            second,
            "b867cb21fdd8a5d4507cf3611c9d827fb781475c04e7324fa390ad2284e9fd5a.\
             202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
        );
        assert!(CSRF.verify_token(SID, TOKEN0));
        assert!(CSRF.verify_token(SID, &second));
    }

    #[test]
    fn a_token_from_another_session_or_secret_fails() {
        let other = CSRF.issue_token("attacker-session", &SeqRandom::new());
        assert!(!CSRF.verify_token(SID, &other), "{other}");
        assert!(!CSRF.verify_token("attacker-session", TOKEN0));
        assert!(!CSRF.verify_token(&SID[..31], TOKEN0), "shorter session id");
        #[rustfmt::skip]
        let wrong_key = Csrf { secret: b"another-secret-of-thirty-two-byt", reader: &Direct };
        let forged = wrong_key.issue_token(SID, &SeqRandom::new());
        assert!(!CSRF.verify_token(SID, &forged), "{forged}");
    }

    #[test]
    fn truncated_or_garbage_tokens_fail() {
        let (mac, rand) = TOKEN0.split_once('.').unwrap();
        let flipped_rand = format!("{mac}.1{}", &rand[1..]);
        let upper_mac = format!("{}.{rand}", mac.to_uppercase());
        #[rustfmt::skip]
        let bad = [
            "", ".", "garbage", mac, &format!("{mac}."), &format!(".{rand}"),
            &TOKEN0[..TOKEN0.len() - 1], &format!("{}.{rand}", &mac[..63]),
            &format!("{}.{rand}", &mac[..32]), &format!("{mac}0.{rand}"),
            &format!("{TOKEN0}.00"), &format!("{rand}.{mac}"), &flipped_rand, &upper_mac,
            &TOKEN0.to_uppercase(), &format!(" {TOKEN0}"), &flip(TOKEN0, 0), &flip(TOKEN0, 63),
        ];
        for token in bad {
            assert!(!CSRF.verify_token(SID, token), "{token:?}");
        }
    }

    #[test]
    fn ct_eq_tells_permutations_and_lengths_apart() {
        #[rustfmt::skip]
        let unequal: [(&[u8], &[u8]); 6] = [
            (b"ab", b"ba"), (b"ad", b"bc"), (b"\x80\x80", b"\0\0"), (b"ab", b"abc"),
            (b"abc", b"ab"), (b"", b"a"),
        ];
        for (a, b) in unequal {
            assert!(!ct_eq(&Direct, a, b), "{a:?} must differ from {b:?}");
        }
        for s in [&b""[..], b"a", b"\xff\x00ab"] {
            assert!(ct_eq(&Direct, s, s), "{s:?}");
        }
    }

    #[test]
    fn ct_eq_reads_every_byte_wherever_the_difference_is() {
        let mac = &TOKEN0.as_bytes()[..64];
        for i in [0, 1, 31, 63] {
            let reads = Counting::default();
            assert!(!ct_eq(&reads, mac, &flip(TOKEN0, i).as_bytes()[..64]));
            let n = reads.0.get();
            assert_eq!(n, 128, "differing at byte {i}: read 64 + 64 bytes, not {n}");
        }
        let reads = Counting::default();
        assert!(ct_eq(&reads, mac, mac));
        assert_eq!(reads.0.get(), 128, "equal MACs: read 64 + 64 bytes");
    }

    #[test]
    fn tokens_and_cookies_are_compared_with_ct_eq_through_the_reader() {
        for (token, valid) in [(TOKEN0, true), (&flip(TOKEN0, 0), false)] {
            let reads = Counting::default();
            assert_eq!(csrf(&reads).verify_token(SID, token), valid, "{token}");
            let n = reads.0.get();
            assert_eq!(
                n, 128,
                "verify_token({token}): compare the MACs with ct_eq ({n} reads)"
            );
        }
        for i in [0, TOKEN0.len() - 1] {
            let (reads, cookie) = (Counting::default(), flip(TOKEN0, i));
            let got = check(&reads, "POST", Some(&cookie), Some(TOKEN0), None);
            assert_eq!(got, Err(CsrfError::Invalid));
            let n = reads.0.get();
            assert!(
                n >= 258,
                "cookie != token at byte {i}: compare with ct_eq ({n} reads)"
            );
        }
    }

    #[test]
    fn unsafe_methods_need_header_or_form_token_matching_the_cookie() {
        let good = Some(TOKEN0);
        let other = CSRF.issue_token(SID, &SeqRandom::starting_at(99));
        use CsrfError::*;
        #[rustfmt::skip]
        let cases = [
            ("POST", good, good, None, Ok(())),
            ("POST", good, None, good, Ok(())),
            ("DELETE", good, good, None, Ok(())),
            ("POST", good, good, Some("garbage"), Ok(())),
            // The cookie alone proves nothing: a cross-site form makes the browser send it.
            ("POST", good, None, None, Err(Missing)),
            ("POST", None, good, None, Err(Missing)),
            ("PUT", good, None, None, Err(Missing)),
            ("PATCH", good, None, None, Err(Missing)),
            ("get", good, None, None, Err(Missing)),
            ("Post", good, None, None, Err(Missing)),
            ("POST", good, Some(other.as_str()), None, Err(Invalid)),
            ("POST", Some(other.as_str()), None, good, Err(Invalid)),
            ("POST", Some("x.y"), Some("x.y"), None, Err(Invalid)),
            ("GET", None, None, None, Ok(())),
            ("HEAD", None, None, None, Ok(())),
            ("OPTIONS", None, None, None, Ok(())),
            ("TRACE", None, None, None, Ok(())),
        ];
        for (method, cookie, header, form, expected) in cases {
            let got = check(&Direct, method, cookie, header, form);
            assert_eq!(
                got, expected,
                "{method} cookie={cookie:?} header={header:?} form={form:?}"
            );
        }
    }
}
