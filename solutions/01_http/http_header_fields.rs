//! # HTTP: header fields
//!
//! Roadmap step: **HTTP** (<https://roadmap.sh/backend>): headers, and how a
//! server reads them without being fooled.
//!
//! A field line is `field-name ":" OWS field-value OWS` (RFC 9112 §5). Your job is
//! `Headers::parse`, `get` and `get_all`:
//!
//! - names are tokens, kept as sent, but compared case-insensitively;
//! - OWS (optional whitespace) means spaces and tabs only, trimmed around the value;
//! - whitespace between the name and the colon is a 400 (RFC 9112 §5.1): proxies
//!   disagree on what `Host : x` means, which is how requests get smuggled;
//! - a line starting with a space or tab is an obsolete line folding (obs-fold): 400;
//! - values never contain control characters such as CR, LF or NUL (RFC 9110 §5.5);
//! - `get` combines repeated fields with `", "` in order (RFC 9110 §5.3), except
//!   `Set-Cookie`, whose values contain commas and must never be combined.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-5> (fields)
//! - <https://www.rfc-editor.org/rfc/rfc9112#section-5.1> (field line parsing)
//! - <https://www.rfc-editor.org/rfc/rfc9112#section-5.2> (obsolete line folding)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

#[derive(Debug, PartialEq, Eq)]
pub enum HeaderError {
    MissingColon,
    InvalidName,
    SpaceBeforeColon,
    ObsFold,
    InvalidValue,
}

impl HeaderError {
    /// Every malformed field line is answered with 400 Bad Request.
    pub fn status(&self) -> u16 {
        400
    }
}

/// `tchar` (RFC 9110 §5.6.2): the bytes a field name (a token) is made of.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The header section of a message: field lines in the order received, names as sent.
#[derive(Debug)]
pub struct Headers {
    fields: Vec<(String, String)>,
}

impl Headers {
    /// Parses field lines, each ended by CRLF (without the empty line that ends the section).
    pub fn parse(block: &str) -> Result<Headers, HeaderError> {
        const OWS: [char; 2] = [' ', '\t'];
        let mut fields = Vec::new();
        for line in block.split_terminator("\r\n") {
            if line.starts_with(OWS) {
                return Err(HeaderError::ObsFold);
            }
            let (name, value) = line.split_once(':').ok_or(HeaderError::MissingColon)?;
            if name.ends_with(OWS) {
                return Err(HeaderError::SpaceBeforeColon);
            }
            if name.is_empty() || !name.bytes().all(is_tchar) {
                return Err(HeaderError::InvalidName);
            }
            // Only SP and HTAB are OWS: `str::trim` would also eat other control characters.
            let value = value.trim_matches(OWS);
            // VCHAR, obs-text (bytes >= 0x80), SP and HTAB are allowed; other controls are not.
            if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
                return Err(HeaderError::InvalidValue);
            }
            fields.push((name.to_string(), value.to_string()));
        }
        Ok(Headers { fields })
    }

    /// Every value of the field `name` (any case), in order.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value of the field `name` (any case), repeated lines joined with ", ".
    /// `Set-Cookie` is never combined: `get` returns its first line only.
    pub fn get(&self, name: &str) -> Option<String> {
        let values = self.get_all(name);
        let first = values.first()?;
        if name.eq_ignore_ascii_case("set-cookie") {
            return Some(first.to_string());
        }
        Some(values.join(", "))
    }

    /// The field lines as received: (name, value) with names in their original case.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use HeaderError::*;

    fn parse(block: &str) -> Headers {
        Headers::parse(block).expect(block)
    }

    #[test]
    fn names_round_trip_and_values_are_trimmed() {
        let h = parse(
            "Host: example.com\r\nContent-Type:text/html\r\nX-Request-ID: \t abc  \r\nX-Empty:\r\n",
        );
        let fields: Vec<_> = h.iter().collect();
        let expected = [
            ("Host", "example.com"),
            ("Content-Type", "text/html"),
            ("X-Request-ID", "abc"),
            ("X-Empty", ""),
        ];
        assert_eq!(fields, expected);
    }

    #[test]
    fn lookups_ignore_case() {
        let h = parse("Host: example.com:8080\r\nuser-agent: curl/8.5  (x)\r\n");
        assert_eq!(h.get("host").as_deref(), Some("example.com:8080"));
        assert_eq!(h.get("HOST").as_deref(), Some("example.com:8080"));
        assert_eq!(h.get("User-Agent").as_deref(), Some("curl/8.5  (x)"));
        assert_eq!(h.get("Accept"), None);
        assert!(h.get_all("accept").is_empty());
    }

    #[test]
    fn repeated_fields_are_combined_in_order() {
        let h = parse("Accept: text/html\r\nX-Id: 1\r\naccept: application/json\r\n");
        assert_eq!(h.get_all("ACCEPT"), ["text/html", "application/json"]);
        assert_eq!(
            h.get("Accept").as_deref(),
            Some("text/html, application/json")
        );
    }

    #[test]
    fn set_cookie_is_never_combined() {
        let a = "id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT";
        let b = "lang=en; Path=/";
        let h = parse(&format!("Set-Cookie: {a}\r\nset-cookie: {b}\r\n"));
        assert_eq!(h.get_all("set-cookie"), [a, b]);
        assert_eq!(h.get("Set-Cookie").as_deref(), Some(a));
    }

    #[test]
    fn whitespace_before_the_colon_is_400() {
        for block in [
            "Host : x\r\n",
            "Host\t: x\r\n",
            "Accept: */*\r\nHost : evil.example\r\n",
        ] {
            let e = Headers::parse(block).unwrap_err();
            assert_eq!((e.status(), e), (400, SpaceBeforeColon), "{block:?}");
        }
    }

    #[test]
    fn obs_fold_is_rejected() {
        for block in [
            "X-Long: a\r\n  continued\r\n",
            "X-Long: a\r\n\tcontinued\r\n",
            " Host: x\r\n",
        ] {
            assert_eq!(Headers::parse(block).unwrap_err(), ObsFold, "{block:?}");
        }
    }

    #[test]
    fn names_are_tokens() {
        for block in [
            ": x\r\n",
            "Ho(st: x\r\n",
            "X Y: z\r\n",
            "X@Y: z\r\n",
            "Caf\u{e9}: x\r\n",
        ] {
            assert_eq!(Headers::parse(block).unwrap_err(), InvalidName, "{block:?}");
        }
        assert_eq!(Headers::parse("Host\r\n").unwrap_err(), MissingColon);
        assert!(Headers::parse("X-Ok!#$%&'*+-.^_`|~: 1\r\n").is_ok());
    }

    #[test]
    fn values_have_no_control_characters() {
        for block in [
            "X: a\0b\r\n",
            "X: a\rb\r\n",
            "X: a\nEvil: 1\r\n",
            "X: a\x0b\r\n",
            "X: a\x7f\r\n",
        ] {
            assert_eq!(
                Headers::parse(block).unwrap_err(),
                InvalidValue,
                "{block:?}"
            );
        }
        // obs-text (non-ASCII bytes) is allowed and kept as opaque data
        assert_eq!(
            parse("X: caf\u{e9}\r\n").get("x").as_deref(),
            Some("caf\u{e9}")
        );
    }
}
