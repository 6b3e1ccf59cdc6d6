//! # Password storage: Argon2id with a PHC string
//!
//! Roadmap step: **Authentication** / **Hashing algorithms** (<https://roadmap.sh/backend>):
//! how to store a password so that a stolen database does not hand out passwords.
//!
//! Argon2id is slow and memory-hard on purpose: each guess costs an attacker 19 MiB of
//! memory and two passes over it, which defeats GPU farms. A random 16-byte salt per user
//! makes equal passwords hash differently. The result is a self-describing PHC string,
//! `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (base64 without padding): it carries
//! the algorithm and parameters, so verification keeps working after they are raised.
//! An optional pepper is a secret kept *outside* the database (a vault, an env var).
//! Your job:
//!
//! 1. `owasp_params`: OWASP's minimum, m=19456 KiB, t=2, p=1 (`Params::new`).
//! 2. `argon2id` and `argon2id_with_pepper`: `Argon2::new` / `Argon2::new_with_secret`
//!    with `Algorithm::Argon2id` and `Version::V0x13`.
//! 3. `hash_password`: a 16-byte salt from the `RandomSource`, then
//!    `PasswordHasher::hash_password_with_salt`, as a PHC string.
//! 4. `verify_password`: parse the PHC string (`PasswordHash::new`) and check the password
//!    with `PasswordVerifier` (it uses the parameters *in the string*, and compares in
//!    constant time). A wrong password is `Mismatch`, anything else `Malformed`.
//!
//! Standards:
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id>
//! - <https://www.rfc-editor.org/rfc/rfc9106#section-4> (Argon2 parameter choice)
//! - <https://github.com/P-H-C/phc-string-format/blob/master/phc-sf-spec.md> (PHC strings)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use argon2::password_hash::{Error, PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};
use backend_support::RandomSource;

pub const SALT_LEN: usize = 16;

#[derive(Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// The password is wrong.
    Mismatch,
    /// The stored string is not a PHC string this code can check.
    Malformed,
}

pub fn owasp_params() -> Params {
    // Equal to `Params::DEFAULT` in argon2 0.6; spelled out so the policy is visible.
    Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters")
}

pub fn argon2id(params: Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn argon2id_with_pepper(pepper: &[u8], params: Params) -> Argon2<'_> {
    // Only fails for a pepper longer than 4 GiB.
    Argon2::new_with_secret(pepper, Algorithm::Argon2id, Version::V0x13, params)
        .expect("pepper too long")
}

pub fn hash_password(argon2: &Argon2, random: &dyn RandomSource, password: &str) -> String {
    let mut salt = [0u8; SALT_LEN];
    random.fill(&mut salt);
    argon2
        .hash_password_with_salt(password.as_bytes(), &salt)
        .expect("valid salt and parameters")
        .to_string()
}

pub fn verify_password(argon2: &Argon2, password: &str, phc: &str) -> Result<(), VerifyError> {
    let parsed = PasswordHash::new(phc).map_err(|_| VerifyError::Malformed)?;
    match argon2.verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(()),
        Err(Error::PasswordInvalid) => Err(VerifyError::Mismatch),
        Err(_) => Err(VerifyError::Malformed),
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::{FixedRandom, SeqRandom};

    /// Cheap parameters for the tests that are not about the cost (m=64 KiB, t=1).
    fn cheap() -> Argon2<'static> {
        argon2id(Params::new(64, 1, 1, None).unwrap())
    }

    /// The PHC fields: ["", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash].
    fn fields(phc: &str) -> Vec<&str> {
        phc.split('$').collect()
    }

    #[test]
    fn owasp_parameters_one_real_hash() {
        let params = owasp_params();
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (19456, 2, 1)
        );
        let argon2 = argon2id(params);
        let phc = hash_password(&argon2, &SeqRandom::new(), "correct horse battery staple");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        let ok = verify_password(&argon2, "correct horse battery staple", &phc);
        assert_eq!(ok, Ok(()), "{phc}");
        let wrong = verify_password(&argon2, "correct horse battery stapl", &phc);
        assert_eq!(wrong, Err(VerifyError::Mismatch), "{phc}");
    }

    #[test]
    fn the_salt_is_16_bytes_from_the_random_source() {
        let phc = hash_password(&cheap(), &SeqRandom::new(), "hunter2hunter2hunter2");
        let f = fields(&phc);
        assert_eq!(f.len(), 6, "{phc}");
        assert_eq!(&f[..4], ["", "argon2id", "v=19", "m=64,t=1,p=1"], "{phc}");
        // Bytes 00 01 02 .. 0f in base64 without padding.
        assert_eq!(f[4], "AAECAwQFBgcICQoLDA0ODw", "{phc}");
        assert_eq!(f[5].len(), 43, "a 32-byte hash: {phc}");
    }

    #[test]
    fn different_salts_give_different_hashes() {
        const PW: &str = "same password, two users";
        let (argon2, random) = (cheap(), SeqRandom::new());
        let (a, b) = (
            hash_password(&argon2, &random, PW),
            hash_password(&argon2, &random, PW),
        );
        assert_ne!(a, b, "two users with the same password");
        assert_ne!(fields(&a)[5], fields(&b)[5]);
        for phc in [&a, &b] {
            assert_eq!(verify_password(&argon2, PW, phc), Ok(()), "{phc}");
        }
        // The salt is the only randomness: the same salt gives the same string.
        let fixed = FixedRandom::new([7u8]);
        let c = hash_password(&argon2, &fixed, PW);
        assert_eq!(c, hash_password(&argon2, &fixed, PW));
    }

    #[test]
    fn verify_uses_the_parameters_in_the_string() {
        // A hash made with other (cheaper) parameters still verifies: the string says how.
        let phc = hash_password(&cheap(), &SeqRandom::new(), "an old account");
        let current = argon2id(Params::new(128, 2, 1, None).unwrap());
        let ok = verify_password(&current, "an old account", &phc);
        assert_eq!(ok, Ok(()), "{phc}");
        let wrong = verify_password(&current, "An old account", &phc);
        assert_eq!(wrong, Err(VerifyError::Mismatch), "{phc}");
    }

    #[test]
    fn malformed_stored_strings() {
        let argon2 = cheap();
        let good = hash_password(&argon2, &SeqRandom::new(), "pw");
        let bad_params = good.replace("m=64,", "m=1,");
        for phc in [
            "",
            "pw",
            "5f4dcc3b5aa765d61d8327deb882cf99",
            "$argon2id$v=19$m=64,t=1,p=1$!!!$!!!",
            "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
            &bad_params,
        ] {
            let got = verify_password(&argon2, "pw", phc);
            assert_eq!(got, Err(VerifyError::Malformed), "{phc:?}");
        }
    }

    #[test]
    fn pepper_is_a_secret_outside_the_hash() {
        const PW: &str = "hunter2hunter2hunter2";
        let (pepper, params) = (b"pepper-from-the-vault", || {
            Params::new(64, 1, 1, None).unwrap()
        });
        let peppered = argon2id_with_pepper(pepper, params());
        let phc = hash_password(&peppered, &SeqRandom::new(), PW);
        assert!(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{phc}");
        assert_eq!(verify_password(&peppered, PW, &phc), Ok(()), "{phc}");
        // Argon2's own secret input, not a string glued to the password.
        let same = Argon2::new_with_secret(pepper, Algorithm::Argon2id, Version::V0x13, params());
        assert_eq!(verify_password(&same.unwrap(), PW, &phc), Ok(()), "{phc}");
        // Without the pepper (a stolen database alone) the hash cannot be checked.
        let other = argon2id_with_pepper(b"another pepper", params());
        for argon2 in [cheap(), other] {
            assert_eq!(
                verify_password(&argon2, PW, &phc),
                Err(VerifyError::Mismatch)
            );
        }
        let unpeppered = hash_password(&cheap(), &SeqRandom::new(), PW);
        assert_ne!(unpeppered, phc, "the pepper changes the hash");
    }
}
