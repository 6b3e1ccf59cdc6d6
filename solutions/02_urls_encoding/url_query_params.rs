//! # URLs: query parameters
//!
//! Roadmap step: **HTTP** (<https://roadmap.sh/backend>): URLs and query strings,
//! the `?page=2&limit=50` part that nearly every API endpoint reads.
//!
//! A query is a list of `name=value` pairs separated by `&`, each part form-encoded
//! (WHATWG URL, application/x-www-form-urlencoded parsing). Names can repeat
//! (`?tag=a&tag=b`), so it is an ordered multimap, not a `HashMap`. Your job:
//!
//! 1. `Query::parse`: split on `&` and skip empty pieces; split each piece at its FIRST
//!    `=` (no `=` means an empty value); only then decode name and value with the given
//!    `form_decode`, so that `%26` and `%3D` stay data.
//! 2. `get` (first value) and `get_all` (every value, in order).
//! 3. `get_u32(name, range)`, for parameters such as `limit`. The policy:
//!    - missing: `Ok(None)`, so the caller picks the default (`.unwrap_or(20)`);
//!    - not a plain decimal number (empty, `abc`, `-5`, `+5`, `1.5`): an error whose
//!      message names the parameter and the accepted range;
//!    - a number outside the range (even one too big for `u32`): clamped into it,
//!      so `limit=1000` is served as `limit=100`, as many public APIs do;
//!    - repeated: the first value counts, as with `get`.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc3986#section-3.4> (the query component)
//! - <https://url.spec.whatwg.org/#urlencoded-parsing> (the parsing algorithm)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::fmt;
use std::ops::RangeInclusive;

#[derive(Debug, PartialEq, Eq)]
pub enum ParamError {
    /// The parameter `name` is present but its value is not a decimal number.
    NotANumber { name: String, min: u32, max: u32 },
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ParamError::NotANumber { name, min, max } = self;
        write!(
            f,
            "query parameter {name:?} must be a whole number from {min} to {max}"
        )
    }
}

/// Given: WHATWG form decoding. `+` is a space and `%XX` a byte; unlike the strict
/// decoder of `url_percent_encoding` it never fails: a broken escape is kept as it is
/// and invalid UTF-8 becomes U+FFFD, as browsers and most frameworks do.
pub fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |j: usize| bytes.get(j).and_then(|&h| char::from(h).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi << 4 | lo) as u8);
                i += 3;
                continue;
            }
            (b'+', ..) => out.push(b' '),
            (b, ..) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The decoded `(name, value)` pairs of a query, in their original order.
#[derive(Debug, Default)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses a query component, given without its leading `?`.
    pub fn parse(query: &str) -> Query {
        let pairs = query
            .split('&')
            .filter(|piece| !piece.is_empty())
            .map(|piece| {
                // Only the first `=` separates: `expr=a=b` has the value `a=b`.
                let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
                // Decode after splitting, so an encoded `&` or `=` cannot split anything.
                (form_decode(name), form_decode(value))
            })
            .collect();
        Query { pairs }
    }

    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The first value of `name` (names are case-sensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs().find(|&(n, _)| n == name).map(|(_, v)| v)
    }

    /// Every value of `name`, in order.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.pairs()
            .filter(|&(n, _)| n == name)
            .map(|(_, v)| v)
            .collect()
    }

    /// The first value of `name` as a number clamped into `range`; see the policy above.
    pub fn get_u32(
        &self,
        name: &str,
        range: RangeInclusive<u32>,
    ) -> Result<Option<u32>, ParamError> {
        let Some(value) = self.get(name) else {
            return Ok(None);
        };
        // `str::parse` would accept a leading `+`, so check the digits ourselves.
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParamError::NotANumber {
                name: name.to_string(),
                min: *range.start(),
                max: *range.end(),
            });
        }
        // Only digits: the parse can only fail by overflowing, which is "too big".
        let n = value.parse::<u32>().unwrap_or(u32::MAX);
        Ok(Some(n.clamp(*range.start(), *range.end())))
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_every_pair_in_order() {
        let q = Query::parse("z=1&a=2&tag=x&m=3&tag=y&tag=y");
        #[rustfmt::skip]
        let expected = [("z", "1"), ("a", "2"), ("tag", "x"), ("m", "3"),
            ("tag", "y"), ("tag", "y")];
        assert_eq!(q.pairs().collect::<Vec<_>>(), expected);
        assert_eq!(q.get_all("tag"), ["x", "y", "y"]);
        assert_eq!(q.get("tag"), Some("x"));
        assert_eq!(q.get("m"), Some("3"));
        assert_eq!(q.get("Tag"), None); // case-sensitive
        assert!(q.get_all("missing").is_empty());
    }

    #[test]
    fn empty_names_values_and_pieces() {
        for (query, expected) in [
            ("a=&=b", vec![("a", ""), ("", "b")]),
            ("flag&x=1", vec![("flag", ""), ("x", "1")]),
            ("&&a=1&&b=2&", vec![("a", "1"), ("b", "2")]),
            ("=", vec![("", "")]),
            ("expr=a=b&c==", vec![("expr", "a=b"), ("c", "=")]),
            ("", vec![]),
        ] {
            let q = Query::parse(query);
            assert_eq!(q.pairs().collect::<Vec<_>>(), expected, "{query:?}");
        }
        let q = Query::parse("a=&=b");
        assert_eq!((q.get("a"), q.get("")), (Some(""), Some("b")));
    }

    #[test]
    fn names_and_values_are_decoded_after_splitting() {
        let q = Query::parse("q=rock+%26+roll&first+name=Zo%C3%AB&a%3Db=c%3Dd&sum=1%2B1");
        assert_eq!(q.get("q"), Some("rock & roll"));
        assert_eq!(q.get("first name"), Some("Zo\u{eb}"));
        assert_eq!(q.get("a=b"), Some("c=d"));
        assert_eq!(q.get("sum"), Some("1+1"));
        assert_eq!(q.pairs().count(), 4);
        // The given decoder is lenient: broken escapes survive as text.
        assert_eq!(Query::parse("p=100%").get("p"), Some("100%"));
    }

    #[test]
    fn get_u32_reads_and_clamps() {
        let limit = |query: &str| Query::parse(query).get_u32("limit", 1..=100);
        #[rustfmt::skip]
        let cases = [
            ("limit=25", Some(25)), ("limit=1", Some(1)), ("limit=100", Some(100)),
            ("limit=007", Some(7)), ("limit=%35%30", Some(50)),
            ("limit=101", Some(100)), ("limit=1000", Some(100)), ("limit=0", Some(1)),
            ("limit=99999999999999999999", Some(100)), // too big for u32: still clamped
            ("limit=5&limit=500", Some(5)), // the first value counts
            ("page=2", None), ("", None),
        ];
        for (query, expected) in cases {
            assert_eq!(limit(query), Ok(expected), "{query:?}");
        }
        let page = Query::parse("page=0").get_u32("page", 1..=u32::MAX);
        assert_eq!(page, Ok(Some(1)));
    }

    #[test]
    fn get_u32_error_names_the_parameter_and_range() {
        #[rustfmt::skip]
        let queries = [
            "limit=", "limit", "limit=abc", "limit=-5", "limit=1.5", "limit=1e3", "limit=5+",
            "limit=%2B5", // `"+5".parse::<u32>()` is Ok(5)
            "limit=%201", "limit=%EF%BC%95", // a space; a fullwidth digit five
        ];
        let message = "query parameter \"limit\" must be a whole number from 1 to 100";
        for query in queries {
            let err = Query::parse(query)
                .get_u32("limit", 1..=100)
                .map_err(|e| e.to_string());
            assert_eq!(err, Err(message.to_string()), "{query:?}");
        }
        let err = Query::parse("page=two")
            .get_u32("page", 1..=500)
            .unwrap_err();
        #[rustfmt::skip]
        assert_eq!(err, ParamError::NotANumber { name: "page".into(), min: 1, max: 500 });
    }
}
