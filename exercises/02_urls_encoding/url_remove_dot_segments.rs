//! # URLs: dot segments and path traversal
//!
//! Roadmap step: **HTTP** (<https://roadmap.sh/backend>): URLs; and **API security**:
//! path traversal, the attack that turns `GET /../../etc/passwd` into a file read.
//!
//! 1. `remove_dot_segments`: the algorithm of RFC 3986 §5.2.4, step by step (rules A
//!    to E, on an input and an output buffer). Clients use it to resolve a relative
//!    link such as `../g` against a base URL; the tests check it on every example of §5.4.
//! 2. `safe_join(root, request_path)`: map the path of a request for a static file to a
//!    file under `root`. Percent-decode it exactly once, FIRST (`%2e%2e` is `..`), with
//!    the given `percent_decode`; then reject NUL, backslashes (a separator on Windows)
//!    and any `..` segment; skip empty and `.` segments; push every other segment onto
//!    `root`, making sure each one is a plain file name (`Path::components`).
//!
//! Why reject `..` rather than resolve it? Browsers remove dot segments before sending
//! a request, so a `..` that reaches the server was put there on purpose.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc3986#section-5.2.4> (remove_dot_segments)
//! - <https://www.rfc-editor.org/rfc/rfc3986#section-5.4> (reference resolution examples)
//! - <https://owasp.org/www-community/attacks/Path_Traversal>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::path::{Component, Path, PathBuf};

#[derive(Debug, PartialEq, Eq)]
pub enum JoinError {
    /// A broken `%` escape, or decoded bytes that are not UTF-8.
    BadEncoding,
    /// NUL, a backslash, a `..` segment or any segment that is not a plain file name.
    Traversal,
}

/// Given: strict percent-decoding (see `url_percent_encoding`); `None` if malformed.
pub fn percent_decode(s: &str) -> Option<String> {
    let hex = |b: Option<u8>| char::from(b?).to_digit(16);
    let mut bytes = s.bytes();
    let mut out = Vec::with_capacity(s.len());
    while let Some(b) = bytes.next() {
        let b = match b {
            b'%' => (hex(bytes.next())? << 4 | hex(bytes.next())?) as u8,
            b => b,
        };
        out.push(b);
    }
    String::from_utf8(out).ok()
}

/// RFC 3986 §5.2.4.
pub fn remove_dot_segments(path: &str) -> String {
    // TODO: keep an input (`&str`, a suffix of `path`) and an output (`String`); until the
    // input is empty, apply the first of the rules A to E of §5.2.4 that matches.
    // `str::strip_prefix` and `String::truncate` + `str::rfind` are all you need.
    todo!()
}

/// The file under `root` that `request_path` (the path of a request target) names.
pub fn safe_join(root: &Path, request_path: &str) -> Result<PathBuf, JoinError> {
    // TODO: decode with `percent_decode` first (a failure is `BadEncoding`), then reject
    // NUL and '\\', then push the segments onto `root.to_path_buf()` as described above.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use JoinError::*;

    #[test]
    fn rfc3986_section_5_2_4_examples() {
        #[rustfmt::skip]
        let cases = [("/a/b/c/./../../g", "/a/g"), ("mid/content=5/../6", "mid/6"), // §5.2.4
            ("/a/b/..", "/a/"), ("/..", "/"), ("/../..", "/"), ("a/..", "/"), ("../a", "a"),
            ("./a/.", "a/"), (".", ""), ("..", ""), ("/a//../b", "/a/b"), ("", "")];
        for (path, expected) in cases {
            assert_eq!(remove_dot_segments(path), expected, "{path:?}");
        }
    }

    /// RFC 3986 §5.2.2 (strict) and §5.3 against the base `http://a/b/c/d;p?q` of §5.4.
    fn resolve(reference: &str) -> String {
        fn cut(s: &str, c: char) -> (&str, Option<&str>) {
            s.split_once(c).map_or((s, None), |(a, b)| (a, Some(b)))
        }
        let (rest, fragment) = cut(reference, '#');
        let (path, mut query) = cut(rest, '?');
        let scheme = path.split_once(':').filter(|(s, _)| !s.contains('/'));
        let mut target = if let Some((scheme, p)) = scheme {
            format!("{scheme}:{}", remove_dot_segments(p))
        } else if let Some(p) = path.strip_prefix("//") {
            let (authority, p) = p.split_at(p.find('/').unwrap_or(p.len()));
            format!("http://{authority}{}", remove_dot_segments(p))
        } else if path.is_empty() {
            query = query.or(Some("q"));
            "http://a/b/c/d;p".to_string()
        } else if path.starts_with('/') {
            format!("http://a{}", remove_dot_segments(path))
        } else {
            format!("http://a{}", remove_dot_segments(&format!("/b/c/{path}"))) // merge
        };
        for (sep, part) in [("?", query), ("#", fragment)] {
            target.extend(part.map(|part| format!("{sep}{part}")));
        }
        target
    }

    #[test]
    fn rfc3986_section_5_4_examples() {
        #[rustfmt::skip]
        let examples = [
            // §5.4.1 normal examples
            ("g:h", "g:h"), ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"), ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"), ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"), ("g#s", "http://a/b/c/g#s"),
            ("g?y#s", "http://a/b/c/g?y#s"), (";x", "http://a/b/c/;x"),
            ("g;x", "http://a/b/c/g;x"), ("g;x?y#s", "http://a/b/c/g;x?y#s"),
            ("", "http://a/b/c/d;p?q"), (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"), ("..", "http://a/b/"),
            ("../", "http://a/b/"), ("../g", "http://a/b/g"),
            ("../..", "http://a/"), ("../../", "http://a/"), ("../../g", "http://a/g"),
            // §5.4.2 abnormal examples
            ("../../../g", "http://a/g"), ("../../../../g", "http://a/g"),
            ("/./g", "http://a/g"), ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."), (".g", "http://a/b/c/.g"),
            ("g..", "http://a/b/c/g.."), ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"), ("./g/.", "http://a/b/c/g/"),
            ("g/./h", "http://a/b/c/g/h"), ("g/../h", "http://a/b/c/h"),
            ("g;x=1/./y", "http://a/b/c/g;x=1/y"), ("g;x=1/../y", "http://a/b/c/y"),
            ("g?y/./x", "http://a/b/c/g?y/./x"), ("g?y/../x", "http://a/b/c/g?y/../x"),
            ("g#s/./x", "http://a/b/c/g#s/./x"), ("g#s/../x", "http://a/b/c/g#s/../x"),
            ("http:g", "http:g"), // for strict parsers
        ];
        for (reference, expected) in examples {
            assert_eq!(resolve(reference), expected, "{reference:?}");
        }
    }

    #[test]
    fn safe_join_serves_files_under_the_root() {
        #[rustfmt::skip]
        let cases = [
            ("/", "/srv/www"), ("/index.html", "/srv/www/index.html"),
            ("/css/site.css", "/srv/www/css/site.css"), ("/a/./b//c/", "/srv/www/a/b/c"),
            ("/my%20file.txt", "/srv/www/my file.txt"), ("/caf%C3%A9", "/srv/www/caf\u{e9}"),
            ("/notes..txt", "/srv/www/notes..txt"), ("/..hidden/x..", "/srv/www/..hidden/x.."),
            ("/a%2Fb", "/srv/www/a/b"), ("/%252e%252e/x", "/srv/www/%2e%2e/x"), // decoded once
        ];
        for (request, expected) in cases {
            let path = safe_join(Path::new("/srv/www"), request);
            assert_eq!(path.as_deref(), Ok(Path::new(expected)), "{request:?}");
        }
    }

    #[test]
    fn safe_join_rejects_traversal() {
        let root = Path::new("/srv/www");
        #[rustfmt::skip]
        let attacks = [
            "/../etc/passwd", "/%2e%2e/etc/passwd", "/%2E%2E/", "/.%2e/x", "/..", "..", "/a/..",
            "/static/../../etc/passwd", "/..%2f..%2fetc/passwd", "/..\\..\\windows\\win.ini",
            "..\\", "/a\\b", "/%5c..%5cx", "/img.png%00.txt", "/a\0b",
        ];
        for request in attacks {
            assert_eq!(safe_join(root, request), Err(Traversal), "{request:?}");
        }
        for request in ["/%2", "/%zz", "/%FF", "/%c3"] {
            assert_eq!(safe_join(root, request), Err(BadEncoding), "{request:?}");
        }
    }

    #[test]
    fn safe_join_never_escapes_the_root() {
        let root = Path::new("/srv/www");
        #[rustfmt::skip]
        let parts = ["/", "..", ".", "a", "%2e", "%2E%2e", "%2f", "\\", "%5C", "%00"];
        for n in 0..10_000 {
            // Every 4-part combination: the digits of n in base 10 pick the parts.
            let request = [1, 10, 100, 1000].map(|d| parts[n / d % 10]).concat();
            if let Ok(path) = safe_join(root, &request) {
                let rest = path.strip_prefix(root).expect(&request);
                let plain = rest.components().all(|c| matches!(c, Component::Normal(_)));
                let clean = !path.to_string_lossy().contains(['\\', '\0']);
                assert!(plain && clean, "{request:?} -> {path:?}");
            }
        }
    }
}
