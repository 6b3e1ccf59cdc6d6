//! # Passwords: a NIST SP 800-63B policy for new passwords
//!
//! Roadmap step: **Authentication** (<https://roadmap.sh/backend>): what a sign-up or
//! change-password form should accept. Current guidance drops the old rules (one digit,
//! one symbol, change every 90 days): they make passwords harder to remember, not to
//! guess. What counts is length, and not being on the list attackers try first.
//!
//! `validate_new_password` checks, in this order, and returns the first failure:
//!
//! 1. `TooLong`: more than `MAX_BYTES` bytes. Checked first and in bytes, before any
//!    other work, so a 10 MB "password" costs nothing (and never reaches the hasher).
//! 2. `TooShort { min }`: fewer than 15 characters without MFA, 8 with MFA. Count
//!    Unicode characters (`char`s), not bytes: `é` is one character.
//! 3. `ContainsUsername`: the password contains the username, ignoring case (an empty
//!    username is not checked).
//! 4. `Breached`: the whole password, lowercased, is in `BREACHED`.
//!
//! Anything else is accepted: spaces, any Unicode, no composition rules, and at least
//! 64 characters (never cut a password short).
//!
//! Standards:
//! - <https://pages.nist.gov/800-63-4/sp800-63b.html#password> (NIST SP 800-63B)
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

/// Longer input is refused before hashing (Argon2 of a huge input is a DoS vector).
pub const MAX_BYTES: usize = 1024;
pub const MIN_CHARS_WITHOUT_MFA: usize = 15;
pub const MIN_CHARS_WITH_MFA: usize = 8;

/// A tiny stand-in for a real blocklist (e.g. the Pwned Passwords corpus), lowercase.
pub const BREACHED: &[&str] = &[
    "password",
    "password1",
    "12345678",
    "123456789",
    "qwertyui",
    "iloveyou",
    "sunshine",
    "football",
    "passwordpassword",
    "123456789012345",
    "qwertyuiopasdfgh",
    "iloveyouiloveyou",
    "letmeinletmeinletmein",
];

pub struct Context<'a> {
    pub username: &'a str,
    /// Whether this password will be one factor of multi-factor authentication.
    pub has_mfa: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    TooLong,
    TooShort { min: usize },
    ContainsUsername,
    Breached,
}

pub fn validate_new_password(pw: &str, ctx: &Context) -> Result<(), Reason> {
    // TODO: the four checks of the doc comment, in that order; return the first failure.
    // Think about which length each check needs: bytes or characters.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use Reason::*;

    fn check(pw: &str, username: &str, has_mfa: bool) -> Result<(), Reason> {
        validate_new_password(pw, &Context { username, has_mfa })
    }

    #[test]
    fn accept_and_reject_table() {
        #[rustfmt::skip]
        let cases: &[(&str, &str, bool, Result<(), Reason>)] = &[
            // Length, counted in characters: 15 without MFA, 8 with it.
            ("correct horse battery staple", "alice", false, Ok(())),
            ("abcdefghijklmno", "alice", false, Ok(())),
            ("abcdefghijklmn", "alice", false, Err(TooShort { min: 15 })),
            ("abcdefgh", "alice", true, Ok(())),
            ("abcdefg", "alice", true, Err(TooShort { min: 8 })),
            ("", "alice", true, Err(TooShort { min: 8 })),
            // Characters, not bytes: 15 é are 30 bytes, 7 emoji are 28 bytes.
            ("ééééééééééééééé", "alice", false, Ok(())),
            ("éééééééééééééé", "alice", false, Err(TooShort { min: 15 })),
            ("🔑🔑🔑🔑🔑🔑🔑🔑", "alice", true, Ok(())),
            ("🔑🔑🔑🔑🔑🔑🔑", "alice", true, Err(TooShort { min: 8 })),
            // No composition rules: all lowercase, no digits, spaces, any script.
            ("alllowercaseletters", "alice", false, Ok(())),
            ("пароль от почты дома", "alice", false, Ok(())),
            ("spaces and\ta tab are fine", "alice", false, Ok(())),
            // Breached: the whole password, in any case.
            ("password", "alice", true, Err(Breached)),
            ("PassWord", "alice", true, Err(Breached)),
            ("password1", "alice", true, Err(Breached)),
            ("123456789012345", "alice", false, Err(Breached)),
            ("IloveyouIloveyou", "alice", false, Err(Breached)),
            ("my password manager made this", "alice", false, Ok(())), // contains, not equals
            ("password12", "alice", true, Ok(())),
            // The username, in any case, anywhere.
            ("alice-rocks-the-house", "alice", false, Err(ContainsUsername)),
            ("xx-ALICE-xxxxxxxxxx", "alice", false, Err(ContainsUsername)),
            ("hunter2hunter2hunter2", "Hunter2", false, Err(ContainsUsername)),
            ("not the name at all", "alice", false, Ok(())),
            ("any long passphrase", "", false, Ok(())), // no username yet
        ];
        for (pw, user, mfa, want) in cases {
            assert_eq!(
                check(pw, user, *mfa),
                *want,
                "{pw:?} user={user:?} mfa={mfa}"
            );
        }
    }

    #[test]
    fn long_passwords_are_accepted_up_to_the_byte_cap() {
        let passphrase = "the quick brown fox jumps over the lazy dog ".repeat(3);
        assert!(passphrase.chars().count() > 64);
        for pw in [
            passphrase,
            "x".repeat(64),
            "x".repeat(65),
            "x".repeat(MAX_BYTES),
            "é".repeat(MAX_BYTES / 2), // 512 chars, exactly 1024 bytes
        ] {
            assert_eq!(check(&pw, "alice", false), Ok(()), "{} bytes", pw.len());
        }
        for pw in ["x".repeat(MAX_BYTES + 1), "é".repeat(MAX_BYTES / 2 + 1)] {
            assert_eq!(
                check(&pw, "alice", false),
                Err(TooLong),
                "{} bytes",
                pw.len()
            );
        }
        // Every character is checked: nothing is cut off at 64 (or any other length).
        let late_name = format!("{}Alice", "x".repeat(70));
        let got = check(&late_name, "alice", false);
        assert_eq!(
            got,
            Err(ContainsUsername),
            "the username after 70 characters"
        );
    }

    #[test]
    fn checks_run_in_the_documented_order() {
        // Too long wins over everything: it is checked before any other work.
        let huge = "alice".repeat(1_000_000);
        assert_eq!(
            check(&huge, "alice", false),
            Err(TooLong),
            "5 MB with the username"
        );
        let short = check("alice", "alice", false);
        assert_eq!(short, Err(TooShort { min: 15 }), "\"alice\" for alice");
        let both = check("Password", "password", true);
        assert_eq!(both, Err(ContainsUsername), "\"Password\" for password");
    }
}
