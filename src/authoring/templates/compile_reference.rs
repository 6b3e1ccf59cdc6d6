//! The reference compile of `dev check`'s compile budget: a small std-only program with tests,
//! the size of a short exercise. Its compile cost, measured in the same run as a solution's,
//! turns the solution's cost into seconds of the reference machine. Never change it without
//! measuring it again (see `budget::REFERENCE_CPU_SECS`).

use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: HashMap<String, String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ParseError {
    Empty,
    BadRequestLine(String),
    BadHeader(usize),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Empty => write!(f, "empty request"),
            ParseError::BadRequestLine(line) => write!(f, "bad request line: {line}"),
            ParseError::BadHeader(n) => write!(f, "bad header on line {n}"),
        }
    }
}

pub fn parse(text: &str) -> Result<Request, ParseError> {
    let mut lines = text.split("\r\n");
    let first = lines.next().filter(|l| !l.is_empty()).ok_or(ParseError::Empty)?;
    let parts: Vec<&str> = first.split(' ').collect();
    let [method, path, version] = parts.as_slice() else {
        return Err(ParseError::BadRequestLine(first.to_string()));
    };
    if !version.starts_with("HTTP/") {
        return Err(ParseError::BadRequestLine(first.to_string()));
    }
    let mut headers = HashMap::new();
    for (n, line) in lines.enumerate().take_while(|(_, l)| !l.is_empty()) {
        let (name, value) = line.split_once(':').ok_or(ParseError::BadHeader(n + 2))?;
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
    }
    Ok(Request {
        method: method.to_string(),
        path: path.to_string(),
        headers,
    })
}

fn main() {
    match parse("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n") {
        Ok(request) => println!("{} {}", request.method, request.path),
        Err(e) => eprintln!("{e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_request() {
        let request = parse("GET /a HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        assert_eq!(request.method, "GET");
        assert_eq!(request.headers["host"], "x");
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(parse(""), Err(ParseError::Empty));
        assert!(matches!(parse("nonsense"), Err(ParseError::BadRequestLine(_))));
        assert_eq!(parse("GET / HTTP/1.1\r\nno colon\r\n\r\n"), Err(ParseError::BadHeader(2)));
    }
}
