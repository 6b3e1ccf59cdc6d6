//! # Login: generic errors, equal work on every path, and work-factor upgrades
//!
//! Roadmap step: **Authentication** (<https://roadmap.sh/backend>): the login endpoint,
//! where small differences tell an attacker which accounts exist.
//!
//! "Unknown user" and "wrong password" must look the same: same error, same work. An
//! early return for an unknown user skips the ~40 ms hash, and that timing difference
//! lists the accounts. So an unknown user is verified against a dummy hash made with the
//! *current* parameters. After a successful login, if the stored hash is weaker than
//! today's policy, rehash the password and save it (upgrade on next login). Your job:
//!
//! 1. `Argon2Hasher::needs_rehash`: `true` unless the PHC string is Argon2id version 19
//!    with m, t and p all at least the policy's (`PasswordHash::new`, `Params::try_from`).
//!    A string that does not parse needs a rehash too.
//! 2. `Auth::new`: compute the dummy hash once, with the hasher itself.
//! 3. `Auth::login`: exactly one `verify` on every path, one generic error, and a rehash
//!    (`hash`, then save) only after a successful verify whose hash `needs_rehash`.
//!
//! Still missing: a limit on guesses. [Login throttling](https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#login-throttling)
//! per account and per IP comes with the token bucket of `rate_limit_token_bucket`
//! (chapter 15).
//!
//! Standards:
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#authentication-and-error-messages>
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#upgrading-the-work-factor>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use backend_support::RandomSource;
use std::collections::BTreeMap;
use std::fmt;

/// What `Auth` needs from a password hasher; the tests wrap one to count the work.
pub trait PasswordHashing {
    /// A new PHC string, with the current policy's parameters and a fresh salt.
    fn hash(&self, password: &str) -> String;
    /// Whether `password` matches `phc` (one full hash computation).
    fn verify(&self, password: &str, phc: &str) -> bool;
    /// Whether `phc` is weaker than the current policy (no hash computation).
    fn needs_rehash(&self, phc: &str) -> bool;
}

pub struct Argon2Hasher<R: RandomSource> {
    argon2: Argon2<'static>,
    random: R,
}

impl<R: RandomSource> Argon2Hasher<R> {
    pub fn new(policy: Params, random: R) -> Self {
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, policy);
        Argon2Hasher { argon2, random }
    }
}

impl<R: RandomSource> PasswordHashing for Argon2Hasher<R> {
    fn hash(&self, password: &str) -> String {
        let mut salt = [0u8; 16];
        self.random.fill(&mut salt);
        let phc = PasswordHasher::hash_password_with_salt(&self.argon2, password.as_bytes(), &salt);
        phc.expect("valid salt and parameters").to_string()
    }

    fn verify(&self, password: &str, phc: &str) -> bool {
        // Parses `phc`, then hashes with the parameters and salt it names.
        let verified = self.argon2.verify_password(password.as_bytes(), phc);
        verified.is_ok()
    }

    fn needs_rehash(&self, phc: &str) -> bool {
        // TODO: parse `phc` (`PasswordHash::new`) and its parameters (`Params::try_from`);
        // compare the algorithm, the version and m, t, p with `self.argon2.params()`.
        todo!()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginError {
    InvalidCredentials,
}

impl fmt::Display for LoginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid user ID or password")
    }
}

pub struct Auth<H: PasswordHashing> {
    hasher: H,
    /// The users table: username → (user id, PHC string).
    db: BTreeMap<String, (u64, String)>,
    dummy: String,
}

impl<H: PasswordHashing> Auth<H> {
    pub fn new(hasher: H) -> Self {
        // TODO: the dummy hash that unknown users are verified against. An empty string
        // fails to parse at once, which is fast: when, and how, should it be made?
        let dummy = String::new();
        let db = BTreeMap::new();
        Auth { hasher, db, dummy }
    }

    pub fn login(&mut self, username: &str, password: &str) -> Result<u64, LoginError> {
        // TODO: exactly one `self.hasher.verify` whatever happens, then one generic error
        // for every failure. On success, rehash and save if the stored hash needs it.
        todo!()
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::SeqRandom;
    use std::cell::RefCell;

    /// Wraps the real hasher; records what `hash` and `verify` were given.
    struct Counting(
        Argon2Hasher<SeqRandom>,
        RefCell<Vec<String>>,
        RefCell<Vec<String>>,
    );

    impl PasswordHashing for Counting {
        fn hash(&self, password: &str) -> String {
            self.1.borrow_mut().push(password.to_string());
            self.0.hash(password)
        }
        fn verify(&self, password: &str, phc: &str) -> bool {
            self.2.borrow_mut().push(phc.to_string());
            self.0.verify(password, phc)
        }
        fn needs_rehash(&self, phc: &str) -> bool {
            self.0.needs_rehash(phc)
        }
    }

    fn hasher(m: u32, t: u32) -> Argon2Hasher<SeqRandom> {
        Argon2Hasher::new(Params::new(m, t, 1, None).unwrap(), SeqRandom::new())
    }

    fn auth(m: u32, t: u32) -> Auth<Counting> {
        Auth::new(Counting(
            hasher(m, t),
            RefCell::default(),
            RefCell::default(),
        ))
    }

    /// (login result, `hash` calls, `verify` calls)
    type Outcome = (Result<u64, LoginError>, usize, usize);
    const FAIL: Outcome = (Err(LoginError::InvalidCredentials), 0, 1);
    const PW: &str = "correct horse battery staple";

    /// Logs in, and checks the result and how many `hash` and `verify` calls it made.
    fn check(a: &mut Auth<Counting>, user: &str, pw: &str, want: Outcome, why: &str) {
        let (hashes, verifies) = (a.hasher.1.borrow().len(), a.hasher.2.borrow().len());
        let result = a.login(user, pw);
        let hashes = a.hasher.1.borrow().len() - hashes;
        let verifies = a.hasher.2.borrow().len() - verifies;
        let msg = format!("{why}: login({user:?}, {pw:?}) -> (result, hashes, verifies)");
        assert_eq!((result, hashes, verifies), want, "{msg}");
    }

    fn last_verified(a: &Auth<Counting>) -> String {
        a.hasher.2.borrow().last().cloned().unwrap_or_default()
    }

    #[test]
    fn one_verify_on_every_path_and_one_generic_error() {
        let mut a = auth(64, 1);
        // The first call is for an unknown user: the dummy must already exist, and have
        // the policy's parameters, or this path would be faster (or slower) than the rest.
        check(&mut a, "mallory", "guess", FAIL, "unknown user");
        let dummy = last_verified(&a);
        let policy = "$argon2id$v=19$m=64,t=1,p=1$";
        assert!(dummy.starts_with(policy), "dummy {dummy:?}");

        let (id, phc) = (7, a.hasher.0.hash(PW));
        a.db.insert("alice".to_string(), (id, phc));
        check(&mut a, "alice", &PW.to_uppercase(), FAIL, "wrong password");
        assert_eq!(last_verified(&a), a.db["alice"].1, "alice's own hash");
        check(&mut a, "alice", PW, (Ok(id), 0, 1), "no rehash needed");
        // Even the dummy's own password does not log an unknown user in.
        let dummy_pw = a.hasher.1.borrow()[0].clone();
        for (user, pw) in [
            ("mallory", "other guess"),
            ("", ""),
            ("Alice", PW),
            ("x", &dummy_pw),
        ] {
            check(&mut a, user, pw, FAIL, "unknown user");
            assert_eq!(last_verified(&a), dummy, "{user:?}: verified against");
        }
        // One error for every failure, which says nothing about which part was wrong.
        let error = FAIL.0.unwrap_err().to_string();
        assert_eq!(error, "invalid user ID or password");
    }

    #[test]
    fn needs_rehash_compares_with_the_policy() {
        let owasp = hasher(19456, 2);
        let hash = "AAECAwQFBgcICQoLDA0ODw$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        #[rustfmt::skip]
        let cases = [
            ("$argon2id$v=19$m=19456,t=2,p=1$", false), // exactly the policy
            ("$argon2id$v=19$m=65536,t=3,p=4$", false), // stronger: never downgrade
            ("$argon2id$v=19$m=4096,t=3,p=1$", true),   // legacy: less memory
            ("$argon2id$v=19$m=19456,t=1,p=1$", true),
            ("$argon2i$v=19$m=19456,t=2,p=1$", true),   // not Argon2id
            ("$argon2d$v=19$m=19456,t=2,p=1$", true),
            ("$argon2id$v=16$m=19456,t=2,p=1$", true),  // old version
        ];
        for (prefix, want) in cases {
            let phc = format!("{prefix}{hash}");
            assert_eq!(owasp.needs_rehash(&phc), want, "{phc}");
        }
        let two_lanes =
            Argon2Hasher::new(Params::new(19456, 2, 2, None).unwrap(), SeqRandom::new());
        let one_lane = format!("$argon2id$v=19$m=19456,t=2,p=1${hash}");
        assert!(two_lanes.needs_rehash(&one_lane), "p=1 under a p=2 policy");
        let md5 = "5f4dcc3b5aa765d61d8327deb882cf99";
        assert!(owasp.needs_rehash(md5), "unparsable {md5:?}");
    }

    #[test]
    fn weak_hash_is_upgraded_after_a_successful_login_only() {
        // Policy: the real OWASP parameters. The account dates from m=4096,t=3.
        let mut a = auth(19456, 2);
        let old = hasher(4096, 3).hash(PW);
        let id = 42;
        a.db.insert("carol".to_string(), (id, old.clone()));

        check(&mut a, "carol", "hunter2", FAIL, "wrong password");
        assert_eq!(a.db["carol"].1, old, "no upgrade without a login");

        check(&mut a, "carol", PW, (Ok(id), 1, 1), "verify, then rehash");
        let upgraded = a.db["carol"].1.clone();
        let policy = "$argon2id$v=19$m=19456,t=2,p=1$";
        assert!(upgraded.starts_with(policy), "{upgraded}");
        // The new hash is of the same password, and is not upgraded again.
        check(&mut a, "carol", PW, (Ok(id), 0, 1), "second login");
        assert_eq!(last_verified(&a), upgraded);
    }
}
