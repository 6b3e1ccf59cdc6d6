//! # intro_parse_port: validate configuration input with `Result` and an error enum
//!
//! Roadmap step: *programming fundamentals* (types, conditionals, error handling),
//! applied to the first thing every server reads: the port it listens on,
//! usually from an environment variable such as `PORT=8080`.
//!
//! Your task: implement `parse_port(input)` and the `Display` impl of `PortError`.
//! - Surrounding whitespace is ignored (`" 8080\n"` is port 8080).
//! - Nothing left after trimming: `PortError::Empty`.
//! - A port is written with the ASCII digits `0`-`9` only (RFC 3986: `port = *DIGIT`):
//!   a sign, a space inside, hex or anything else is `PortError::NotANumber`.
//!   Leading zeros are fine: `"0080"` is port 80.
//! - Only digits, but above 65535 (ports are 16 bits): `PortError::OutOfRange`,
//!   however many digits there are.
//! - Port 0 is reserved (the IANA registry that RFC 6335 governs lists it as
//!   "Reserved") and means "any free port" to the OS: `PortError::Zero`.
//! - Each error prints the message written on its variant.
//!
//! Standard: RFC 6335 §6, port number ranges:
//! <https://www.rfc-editor.org/rfc/rfc6335#section-6>
//!
//! The tests at the bottom are the specification: make them pass without editing them.

use std::fmt;

/// Why a port could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortError {
    /// Message: `port is empty`
    Empty,
    /// Message: `port must contain only the digits 0-9`
    NotANumber,
    /// Message: `port must be at most 65535`
    OutOfRange,
    /// Message: `port 0 is reserved`
    Zero,
}

impl fmt::Display for PortError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortError::Empty => write!(f, "port is empty"),
            // TODO: the message of every other variant (see the doc comments above).
        }
    }
}

// With `Debug` and `Display` in place, this one line lets `PortError` travel
// through `?` into a `Box<dyn std::error::Error>`.
impl std::error::Error for PortError {}

/// Parses a TCP/UDP port number, as found in configuration.
pub fn parse_port(input: &str) -> Result<u16, PortError> {
    // TODO: this handles "8080", but every failure becomes `NotANumber`,
    // whitespace is not trimmed and port 0 is accepted. Follow the rules at the top.
    input.parse().map_err(|_| PortError::NotANumber)
}

fn main() {
    // You may experiment here; the tests below are what counts.
}

#[cfg(test)]
mod tests {
    use super::{parse_port, PortError};

    #[test]
    fn valid_ports() {
        let table = [
            ("8080", 8080),
            ("1", 1),
            ("80", 80),
            ("443", 443),
            ("65535", 65535),
            ("0080", 80),
            (" 8080 ", 8080),
            ("\t443\n", 443),
            ("3000\r\n", 3000),
        ];
        for (input, port) in table {
            assert_eq!(parse_port(input), Ok(port), "parse_port({input:?})");
        }
    }

    #[test]
    fn invalid_ports() {
        use PortError::*;
        let table = [
            ("", Empty),
            ("   ", Empty),
            ("\n", Empty),
            ("http", NotANumber),
            ("80a", NotANumber),
            ("8 080", NotANumber),
            ("0x50", NotANumber),
            ("+80", NotANumber),
            ("-1", NotANumber),
            ("-0", NotANumber),
            ("80.0", NotANumber),
            ("８０", NotANumber), // full-width digits are not ASCII digits
            ("65536", OutOfRange),
            ("70000", OutOfRange),
            ("4294967296", OutOfRange),
            ("99999999999999999999999999", OutOfRange), // too big even for u64
            ("0", Zero),
            ("000", Zero),
            (" 0 ", Zero),
        ];
        for (input, error) in table {
            assert_eq!(parse_port(input), Err(error), "parse_port({input:?})");
        }
    }

    #[test]
    fn error_messages() {
        assert_eq!(PortError::Empty.to_string(), "port is empty");
        assert_eq!(
            PortError::NotANumber.to_string(),
            "port must contain only the digits 0-9"
        );
        assert_eq!(
            PortError::OutOfRange.to_string(),
            "port must be at most 65535"
        );
        assert_eq!(PortError::Zero.to_string(), "port 0 is reserved");
    }

    #[test]
    fn errors_work_with_question_mark() {
        // How a server's startup code would use it.
        fn listen_port(env_value: &str) -> Result<u16, Box<dyn std::error::Error>> {
            Ok(parse_port(env_value)?)
        }
        assert_eq!(listen_port("8080").ok(), Some(8080));
        let err = listen_port("70000").unwrap_err();
        assert_eq!(err.to_string(), "port must be at most 65535");
    }
}
