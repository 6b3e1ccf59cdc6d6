//! Which of the exercise package's crates a source file names: the ones it cannot be built
//! without.
//!
//! An exercise that names none of them needs none of them, so it can be built in a package
//! without dependencies (see [`crate::build::light`]) while the course's dependencies are still
//! being compiled. The scan is on tokens, outside comments and literals: a crate used in
//! code is named as the first segment of a path (`serde::`, `::serde`), by `use serde` or
//! by `extern crate serde`. A file that may read other files (`mod x;`, `include!`) is
//! counted as naming every crate: what it reads is not scanned.

/// The crates of `crates` that `source` names, in the order of `crates`.
pub fn named<'a>(source: &str, crates: &'a [String]) -> Vec<&'a str> {
    let tokens = tokens(source);
    if reads_other_files(&tokens) {
        return crates.iter().map(String::as_str).collect();
    }
    crates
        .iter()
        .map(String::as_str)
        .filter(|name| {
            tokens
                .iter()
                .enumerate()
                .any(|(i, token)| token == &Token::Ident(name) && is_crate_position(&tokens, i))
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'s> {
    Ident(&'s str),
    PathSeparator,
    Punct(char),
}

/// An identifier is a crate name when a path continues after it or `use` / `extern crate`
/// comes before it.
fn is_crate_position(tokens: &[Token], i: usize) -> bool {
    let next_is_path = tokens.get(i + 1) == Some(&Token::PathSeparator);
    let before = |back: usize| i.checked_sub(back).and_then(|j| tokens.get(j));
    let after_use = matches!(before(1), Some(Token::Ident("use" | "crate")));
    let after_use_root =
        before(1) == Some(&Token::PathSeparator) && matches!(before(2), Some(Token::Ident("use")));
    next_is_path || after_use || after_use_root
}

/// `mod name;` (a module in another file) or `include!` / `include_str!` / `include_bytes!`.
fn reads_other_files(tokens: &[Token]) -> bool {
    tokens.windows(3).any(|w| {
        matches!(
            w,
            [Token::Ident("mod"), Token::Ident(_), Token::Punct(';')]
                | [
                    Token::Ident("include" | "include_str" | "include_bytes"),
                    Token::Punct('!'),
                    _
                ]
        )
    })
}

/// Identifiers, `::` and single punctuation characters; comments, string, byte-string and
/// character literals, numbers and lifetimes are skipped.
fn tokens(source: &str) -> Vec<Token<'_>> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = find(bytes, i, b"\n").unwrap_or(bytes.len());
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = block_comment_end(bytes, i),
            b'"' => i = string_end(bytes, i + 1),
            b'\'' => i = quote_end(bytes, i),
            b':' if bytes.get(i + 1) == Some(&b':') => {
                out.push(Token::PathSeparator);
                i += 2;
            }
            b'r' | b'b' if raw_string_start(bytes, i).is_some() => {
                let (hashes, body) = raw_string_start(bytes, i).expect("checked");
                let mut closing = vec![b'"'];
                closing.extend(std::iter::repeat_n(b'#', hashes));
                i = find(bytes, body, &closing).map_or(bytes.len(), |end| end + closing.len());
            }
            b'b' if bytes.get(i + 1) == Some(&b'"') => i = string_end(bytes, i + 2),
            b'b' if bytes.get(i + 1) == Some(&b'\'') => i = quote_end(bytes, i + 1),
            c if c == b'_' || c.is_ascii_alphabetic() => {
                let start = if c == b'r' && bytes.get(i + 1) == Some(&b'#') {
                    i + 2
                } else {
                    i
                };
                let end = (start..bytes.len())
                    .find(|&j| !(bytes[j] == b'_' || bytes[j].is_ascii_alphanumeric()))
                    .unwrap_or(bytes.len());
                out.push(Token::Ident(&source[start..end]));
                i = end.max(i + 1);
            }
            c if c.is_ascii_digit() => {
                i = (i..bytes.len())
                    .find(|&j| !(bytes[j] == b'_' || bytes[j].is_ascii_alphanumeric()))
                    .unwrap_or(bytes.len());
            }
            c if c.is_ascii_whitespace() || !c.is_ascii() => i += 1,
            c => {
                out.push(Token::Punct(char::from(c)));
                i += 1;
            }
        }
    }
    out
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// Past the end of a (nested) block comment starting at `start`.
fn block_comment_end(bytes: &[u8], start: usize) -> usize {
    let (mut depth, mut i) = (0usize, start);
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Past the closing quote of a string whose body starts at `body`.
fn string_end(bytes: &[u8], body: usize) -> usize {
    let mut i = body;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Past a character literal at `quote` (`'x'`, `'\n'`, `'\u{1F600}'`), or past the quote of
/// a lifetime or label (`'a`), whose name is then read as an identifier.
fn quote_end(bytes: &[u8], quote: usize) -> usize {
    if bytes.get(quote + 1) == Some(&b'\\') {
        return find(bytes, quote + 3, b"'").map_or(bytes.len(), |end| end + 1);
    }
    // One character, however many bytes it takes in UTF-8, then the closing quote.
    let width = bytes
        .get(quote + 1)
        .map_or(1, |&b| (b.leading_ones() as usize).max(1));
    if bytes.get(quote + 1 + width) == Some(&b'\'') {
        quote + 2 + width
    } else {
        quote + 1
    }
}

/// `r"`, `r#"`, `br"`, `br##"`…: how many `#` and where the body starts.
fn raw_string_start(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    let after_prefix = match bytes.get(i..i + 2)? {
        [b'b', b'r'] => i + 2,
        [b'r', _] => i + 1,
        _ => return None,
    };
    if i > 0 && (bytes[i - 1] == b'_' || bytes[i - 1].is_ascii_alphanumeric()) {
        return None;
    }
    let hashes = bytes[after_prefix..]
        .iter()
        .take_while(|&&b| b == b'#')
        .count();
    (bytes.get(after_prefix + hashes) == Some(&b'"')).then_some((hashes, after_prefix + hashes + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crates() -> Vec<String> {
        ["serde", "serde_json", "http", "tokio", "backend_support"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn a_std_only_exercise_names_no_crate() {
        let source = "use std::collections::HashMap;\n\
                      /// Parses an http:: request line, like http::Request would.\n\
                      fn parse(line: &str) -> Option<&str> { line.strip_prefix(\"http::\") }\n\
                      // tokio::spawn is for later\n/* serde::Serialize /* nested */ too */\n\
                      fn life<'http>(x: &'http str) -> char { let _ = r#\"serde::x\"#; 'h' }\n\
                      fn main() { let http = 1; let _ = http + 1; }\n";
        assert!(named(source, &crates()).is_empty());
    }

    #[test]
    fn paths_use_declarations_and_macros_name_their_crates() {
        let source = "use serde::{Deserialize, Serialize};\n\
                      use ::http;\n\
                      #[tokio::test(start_paused = true)] async fn t() {}\n\
                      fn v() { let _ = serde_json::json!({\"a\": 1}); }\n";
        assert_eq!(
            named(source, &crates()),
            ["serde", "serde_json", "http", "tokio"]
        );
    }

    #[test]
    fn use_of_a_whole_crate_and_extern_crate_name_it() {
        assert_eq!(
            named("use backend_support;", &crates()),
            ["backend_support"]
        );
        assert_eq!(named("extern crate tokio;", &crates()), ["tokio"]);
    }

    #[test]
    fn a_file_that_reads_other_files_may_need_any_crate() {
        assert_eq!(named("mod helpers;\nfn main() {}", &crates()).len(), 5);
        assert_eq!(
            named("const T: &str = include_str!(\"t.txt\");", &crates()).len(),
            5
        );
        assert!(named("mod tests { #[test] fn t() {} }", &crates()).is_empty());
    }

    #[test]
    fn character_literals_do_not_hide_the_code_after_them() {
        let source = "fn f(c: char) -> bool { c == '\"' || c == '\\'' }\nuse http::Method;";
        assert_eq!(named(source, &crates()), ["http"]);
    }
}
