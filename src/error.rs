//! One error type for the whole runner, typed by what went wrong, which decides the exit code
//! the process ends with (the README's table):
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done / all good |
//! | 1 | not done / some exercise failed (not an [`Error`]: a verdict) |
//! | 2 | [`Kind::Usage`] or [`Kind::Course`]: how backlings was called, or the course's files |
//! | 3 | [`Kind::Environment`]: cargo or git missing, no terminal, a file system that refused |
//! | 4 | [`Kind::Internal`]: a bug in backlings |
//!
//! Hand-written rather than derived with `thiserror`: its derive macro builds syn 2, while the
//! runner's other derive (serde's) builds syn 3, so it would add a second parser to the
//! runner's first build for four constructors.

use std::fmt;
use std::path::Path;

/// What kind of failure ended a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// How backlings was called: an unknown exercise, no course in this directory, a directory
    /// that must be empty.
    Usage,
    /// The course's own files are broken or disagree: `info.toml`, the exercise package's
    /// manifest, a recorded commit. The message names the file (and line) and the fix.
    Course,
    /// The machine lacks what backlings needs, or refused it: cargo or git not installed, no
    /// terminal for watch mode, a file that could not be read or written.
    Environment,
    /// A bug in backlings itself (a panic, a build of backlings without its course files).
    Internal,
}

impl Kind {
    /// The exit code for this kind (see the module doc and the README).
    pub fn exit_code(self) -> i32 {
        match self {
            Kind::Usage | Kind::Course => 2,
            Kind::Environment => 3,
            Kind::Internal => 4,
        }
    }
}

type Cause = Box<dyn std::error::Error + Send + Sync>;

/// An error that ends a command: its kind, a message for a person that says what went wrong,
/// where, and what to do next, and the lower-level error that caused it, if any.
#[derive(Debug)]
pub struct Error {
    kind: Kind,
    message: String,
    source: Option<Cause>,
}

impl Error {
    fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// A problem with how backlings was called (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    /// A problem in the course's files (exit code 2).
    pub fn course(message: impl Into<String>) -> Self {
        Self::new(Kind::Course, message)
    }

    /// Something the machine lacks or refused (exit code 3).
    pub fn environment(message: impl Into<String>) -> Self {
        Self::new(Kind::Environment, message)
    }

    /// A bug in backlings (exit code 4).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(Kind::Internal, message)
    }

    /// An I/O failure on `path`, with the action that failed: "could not create X", caused by
    /// the system's error.
    pub fn io(action: &str, path: &Path, err: std::io::Error) -> Self {
        Self::environment(format!("could not {action} {}", path.display())).caused_by(err)
    }

    /// This error, caused by `cause` (shown after the message).
    pub fn caused_by(mut self, cause: impl Into<Cause>) -> Self {
        self.source = Some(cause.into());
        self
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The message and every cause in its chain, as a person reads it: "could not write
    /// x.rs: Permission denied (os error 13)".
    pub fn report(&self) -> String {
        let mut text = self.message.clone();
        let mut cause = std::error::Error::source(self);
        while let Some(e) = cause {
            text.push_str(": ");
            text.push_str(&e.to_string());
            cause = e.source();
        }
        text
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_and_course_errors_exit_2_the_environment_3_a_bug_4() {
        assert_eq!(Error::usage("u").kind().exit_code(), 2);
        assert_eq!(Error::course("c").kind().exit_code(), 2);
        assert_eq!(Error::environment("e").kind().exit_code(), 3);
        assert_eq!(Error::internal("i").kind().exit_code(), 4);
    }

    #[test]
    fn an_io_error_is_the_environments_and_its_report_ends_with_the_cause() {
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let error = Error::io("write", Path::new("x.rs"), denied);
        assert_eq!(error.kind(), Kind::Environment);
        assert_eq!(error.to_string(), "could not write x.rs");
        assert!(std::error::Error::source(&error).is_some());
        assert_eq!(error.report(), "could not write x.rs: permission denied");
    }
}
