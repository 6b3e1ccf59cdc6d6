//! # Typed configuration from the environment, with secrets kept secret
//!
//! Roadmap step: **Twelve-factor apps: config** (<https://roadmap.sh/backend>): the same
//! build runs in every environment, and only the environment variables change. Read them
//! once at start-up into a typed `Config`, and refuse to start with ALL the mistakes listed,
//! not one per deploy. Secrets often come as files (Docker and Kubernetes secrets): a
//! variable `X_FILE` names the file that holds the value of `X`.
//!
//! The environment and the file system are injected (`env`, `read_file`), so that tests
//! never touch the process's own.
//!
//! 1. `Secret<T>`: its `Debug` and `Display` print `[REDACTED]`, never the value; only
//!    `expose` gives it out. A `Config` or an error can then be logged whole.
//! 2. `Env::lookup(name)`: if `name_FILE` is set, the content of that file (it wins over `name`),
//!    without its trailing line breaks (`\n`, `\r\n`); a file that cannot be read is
//!    `Unreadable { var: "name_FILE", path }`. Otherwise the value of `name`. A variable
//!    set to the empty string counts as unset.
//! 3. `parse_bool`: `true`, `1` or `false`, `0` (any ASCII case); `LogLevel::parse`:
//!    `error`, `warn`, `info`, `debug`, `trace` (any ASCII case).
//! 4. `Config::from_env`: every variable below is read, and every problem collected, in
//!    this order (at most one error per variable):
//!    - `PORT`: 1 to 65535, default 8080;
//!    - `DATABASE_URL` (or `_FILE`), required, a secret: it starts with `postgres://` or
//!      `postgresql://`;
//!    - `LOG_LEVEL`, default `info`;
//!    - `METRICS_ENABLED`, default true; `READ_ONLY`, default false;
//!    - `SESSION_SECRET` (or `_FILE`), required, a secret of at least 32 bytes (256 bits).
//!
//!    A missing required variable is `Missing`. An invalid value is `Invalid` with the
//!    value given, except for secrets: their `value` is `None` (errors get logged).
//!
//! Standards:
//! - <https://12factor.net/config> (III. Config)
//! - <https://docs.docker.com/engine/swarm/secrets/#build-support-for-docker-secrets-into-your-images>
//!   (the `_FILE` convention)
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::collections::BTreeMap;
use std::fmt;
use std::io;

/// A value that must not end up in logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The value itself: call it where the secret is used, never to print it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // TODO: never the value.
        todo!()
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // TODO: never the value.
        todo!()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn parse(s: &str) -> Option<LogLevel> {
        // TODO: the five level names, in any ASCII case.
        todo!()
    }
}

pub fn parse_bool(s: &str) -> Option<bool> {
    // TODO: `true`, `1`, `false`, `0`, in any ASCII case.
    todo!()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    Missing {
        var: &'static str,
    },
    /// `value` is `None` for a secret.
    Invalid {
        var: &'static str,
        value: Option<String>,
    },
    Unreadable {
        var: String,
        path: String,
    },
}

#[derive(Debug)]
pub struct Config {
    pub port: u16,
    pub database_url: Secret<String>,
    pub log_level: LogLevel,
    pub metrics_enabled: bool,
    pub read_only: bool,
    pub session_secret: Secret<String>,
}

/// What the environment gives: variables, and a way to read the files they name.
pub struct Env<'a> {
    pub vars: &'a BTreeMap<String, String>,
    pub read_file: &'a dyn Fn(&str) -> io::Result<String>,
}

impl Env<'_> {
    /// The value of `name`, from the file `name_FILE` names if it is set.
    pub fn lookup(&self, name: &str) -> Result<Option<String>, ConfigError> {
        // TODO: `name_FILE` first (its file's content, without trailing line breaks),
        // then `name`; empty values count as unset.
        todo!()
    }
}

impl Config {
    pub fn from_env(env: &Env) -> Result<Config, Vec<ConfigError>> {
        // TODO: read the six variables in order, collecting every error; then the
        // `Config` with its defaults, or all the errors.
        todo!()
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    const DB: &str = "postgres://app:hunter2-db@db.internal:5432/app";
    const SESSION: &str = "k7Vq2mZ9xW4pL8rT1yB6nD3fH5jC0sEa"; // 32 bytes
    const REQUIRED: [(&str, &str); 2] = [("DATABASE_URL", DB), ("SESSION_SECRET", SESSION)];

    /// `Config::from_env` over these variables and these files (path, content).
    fn load(vars: &[(&str, &str)], files: &[(&str, &str)]) -> Result<Config, Vec<ConfigError>> {
        let vars = vars.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        let vars: BTreeMap<String, String> = vars.collect();
        let files: BTreeMap<&str, &str> = files.iter().copied().collect();
        let read_file = |path: &str| match files.get(path) {
            Some(content) => Ok(content.to_string()),
            None => Err(io::Error::from(io::ErrorKind::NotFound)),
        };
        let env = Env {
            vars: &vars,
            read_file: &read_file,
        };
        Config::from_env(&env)
    }

    fn invalid(var: &'static str, value: &str) -> ConfigError {
        let value = Some(value.to_string());
        ConfigError::Invalid { var, value }
    }

    #[test]
    fn a_complete_environment_gives_a_typed_config() {
        let mut vars = vec![
            ("PORT", "3000"),
            ("LOG_LEVEL", "debug"),
            ("METRICS_ENABLED", "false"),
            ("READ_ONLY", "1"),
            ("HOME", "/root"),
        ];
        vars.extend(REQUIRED);
        let cfg = load(&vars, &[]).expect("a valid environment");
        assert_eq!(cfg.port, 3000);
        assert_eq!(cfg.database_url.expose(), DB);
        assert_eq!(cfg.log_level, LogLevel::Debug);
        assert!(!cfg.metrics_enabled && cfg.read_only);
        assert_eq!(cfg.session_secret.expose(), SESSION);
    }

    #[test]
    fn unset_and_empty_variables_take_their_defaults() {
        for empty in [
            vec![],
            vec![("PORT", ""), ("LOG_LEVEL", ""), ("READ_ONLY", "")],
        ] {
            let cfg = load(&[&REQUIRED[..], &empty].concat(), &[]).unwrap();
            assert_eq!((cfg.port, cfg.log_level), (8080, LogLevel::Info));
            assert_eq!((cfg.metrics_enabled, cfg.read_only), (true, false));
        }
        let missing = |var| ConfigError::Missing { var };
        let errors = load(&[("DATABASE_URL", ""), ("SESSION_SECRET_FILE", "")], &[]);
        let want = vec![missing("DATABASE_URL"), missing("SESSION_SECRET")];
        assert_eq!(errors.unwrap_err(), want, "an empty value is no value");
    }

    #[test]
    fn every_error_is_reported_in_order() {
        let vars = [
            ("SESSION_SECRET", "too-short"),
            ("READ_ONLY", "flase"),
            ("METRICS_ENABLED", "yes"),
            ("LOG_LEVEL", "verbose"),
            ("PORT", "70000"),
        ];
        let errors = load(&vars, &[]).unwrap_err();
        let secret = ConfigError::Invalid {
            var: "SESSION_SECRET",
            value: None,
        };
        let want = vec![
            invalid("PORT", "70000"),
            ConfigError::Missing {
                var: "DATABASE_URL",
            },
            invalid("LOG_LEVEL", "verbose"),
            invalid("METRICS_ENABLED", "yes"),
            invalid("READ_ONLY", "flase"),
            secret,
        ];
        assert_eq!(errors, want, "all of them, in the order of the fields");
    }

    #[test]
    fn ports_are_1_to_65535() {
        for (port, want) in [
            ("1", Some(1)),
            ("65535", Some(65535)),
            ("08080", Some(8080)),
        ] {
            let cfg = load(&[&REQUIRED[..], &[("PORT", port)]].concat(), &[]);
            assert_eq!(cfg.map(|c| c.port).ok(), want, "PORT={port}");
        }
        for port in ["0", "65536", "-1", "80a", " 8080", "http"] {
            let errors = load(&[&REQUIRED[..], &[("PORT", port)]].concat(), &[]);
            assert_eq!(
                errors.unwrap_err(),
                [invalid("PORT", port)],
                "PORT={port:?}"
            );
        }
    }

    #[test]
    fn the_file_variable_wins_and_loses_its_trailing_newline() {
        let vars = [
            ("DATABASE_URL", "postgres://inline@db/app"),
            ("DATABASE_URL_FILE", "/run/secrets/db"),
            ("SESSION_SECRET_FILE", "/run/secrets/session"),
        ];
        let db = format!("{DB}\n"); // `echo` and editors end files with a newline
        let session = format!("{SESSION}\r\n");
        let files = [
            ("/run/secrets/db", &db[..]),
            ("/run/secrets/session", &session),
        ];
        let cfg = load(&vars, &files).expect("secrets from files");
        assert_eq!(cfg.database_url.expose(), DB, "the file wins, trimmed");
        assert_eq!(cfg.session_secret.expose(), SESSION, "CRLF trimmed too");
    }

    #[test]
    fn an_unreadable_or_invalid_secret_file_is_reported() {
        let vars = [
            ("DATABASE_URL", DB),
            ("DATABASE_URL_FILE", "/run/secrets/gone"),
            ("SESSION_SECRET_FILE", "/run/secrets/session"),
        ];
        let files = [("/run/secrets/session", "short\n")];
        let errors = load(&vars, &files).unwrap_err();
        let unreadable = ConfigError::Unreadable {
            var: "DATABASE_URL_FILE".to_string(),
            path: "/run/secrets/gone".to_string(),
        };
        let short = ConfigError::Invalid {
            var: "SESSION_SECRET",
            value: None,
        };
        assert_eq!(
            errors,
            [unreadable, short],
            "no fallback to the inline value"
        );
    }

    #[test]
    fn secrets_are_redacted_in_debug_and_display() {
        let cfg = load(&REQUIRED, &[]).unwrap();
        for shown in [format!("{cfg:?}"), format!("{cfg:#?}")] {
            assert!(!shown.contains("hunter2"), "the database password: {shown}");
            assert!(!shown.contains(SESSION), "the session secret: {shown}");
            assert!(shown.contains("[REDACTED]"), "{shown}");
            assert!(shown.contains("8080"), "the rest is shown: {shown}");
        }
        assert_eq!(format!("{}", cfg.database_url), "[REDACTED]");
        assert_eq!(format!("{:?}", cfg.session_secret), "[REDACTED]");
        let vars = [
            ("DATABASE_URL", "mysql://root:hunter2@db"),
            ("SESSION_SECRET", "hunter2"),
        ];
        let errors = format!("{:?}", load(&vars, &[]).unwrap_err());
        assert!(!errors.contains("hunter2"), "invalid secrets: {errors}");
    }

    #[test]
    fn bools_and_levels_are_case_insensitive() {
        for (text, want) in [("TRUE", true), ("1", true), ("False", false), ("0", false)] {
            assert_eq!(parse_bool(text), Some(want), "{text}");
        }
        for text in ["yes", "on", "2", "", " true"] {
            assert_eq!(parse_bool(text), None, "{text:?}");
        }
        let levels = [
            ("ERROR", LogLevel::Error),
            ("Warn", LogLevel::Warn),
            ("info", LogLevel::Info),
            ("debug", LogLevel::Debug),
            ("trace", LogLevel::Trace),
        ];
        for (text, level) in levels {
            assert_eq!(LogLevel::parse(text), Some(level), "{text}");
        }
        assert_eq!(LogLevel::parse("warning"), None);
    }
}
