//! One error type for the whole runner: a message meant for a person, and the exit code the
//! process ends with (documented in the README: 0 all good, 1 not done / some failed, 2 usage
//! or course errors).

use std::fmt;
use std::path::Path;

/// Exit code for usage errors and broken course files.
pub const EXIT_USAGE: i32 = 2;

/// An error that ends a command. `message` is complete: it says what went wrong, where, and
/// what to do next.
#[derive(Debug)]
pub struct Error {
    pub message: String,
    pub exit_code: i32,
}

impl Error {
    /// A problem with how backlings was called or with the course's files (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            exit_code: EXIT_USAGE,
        }
    }

    /// An I/O failure on `path`, with the action that failed.
    pub fn io(action: &str, path: &Path, err: std::io::Error) -> Self {
        Self::usage(format!("could not {action} {}: {err}", path.display()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
