//! # Capstone: an HTTP/1.1 server from scratch
//!
//! Roadmap step: **HTTP, web servers** (<https://roadmap.sh/backend>): every framework
//! sits on a loop like this one, which reads requests off a byte stream, routes them,
//! compresses, keeps the connection open for the next request, and trusts no byte it reads.
//!
//! Graded in stages, each on top of the last:
//! 1. **respond**: `read_request` parses `METHOD SP /target SP HTTP/1.1` (a token, then
//!    ASCII) and `name: value` header lines (OWS trimmed); `route` answers `GET /` with 200;
//!    `serve` writes the response.
//! 2. **routes**: `GET /echo/{s}` → 200 `text/plain`, body `s`; other paths → 404. A query
//!    (`?…`) is not part of the path.
//! 3. **headers**: `GET /user-agent` → the `User-Agent` value, `text/plain`. Every response
//!    has a `Date` from the clock (`http_date`). HEAD works wherever GET does. Another
//!    method on a known path → 405 with `Allow: GET, HEAD`. Not exactly one `Host` → 400.
//! 4. **files**: `GET /files/{name}` → 200 `application/octet-stream` (404 if absent);
//!    `POST` stores the body: 201 if new, 204 if replaced; else 405 `Allow: GET, HEAD,
//!    POST`. Names are `A-Z a-z 0-9 . _ -`, not starting with `.`; anything else (`..`,
//!    `/`, `%2e`…) → 400, never decoded. The body: `content_length` bytes, at most
//!    `MAX_BODY` (413); `Transfer-Encoding` → 501.
//! 5. **compression**: a 200 with a body gets `Vary: Accept-Encoding`; if `Accept-Encoding`
//!    lists `gzip` (any case) with a weight other than 0, the body is gzipped and
//!    `Content-Encoding: gzip` added.
//! 6. **persistent**: answer requests one after the other until the end of the stream or a
//!    `Connection: close` (answered with `Connection: close`). Request line over
//!    `MAX_REQUEST_LINE` → 414, headers over `MAX_HEADER_BYTES` → 431. An error is
//!    answered with `Connection: close`, then the connection is closed.
//!
//! Try it: `backlings serve capstone_http_server`, then in another terminal
//! `curl -v http://127.0.0.1:4221/echo/hi` (add `--compressed` for gzip), or
//! `curl -v --data-binary hello http://127.0.0.1:4221/files/a.txt`.
//!
//! Standards:
//! - RFC 9112: [§3](https://www.rfc-editor.org/rfc/rfc9112#section-3) (request line),
//!   [§5](https://www.rfc-editor.org/rfc/rfc9112#section-5) (fields),
//!   [§6.3](https://www.rfc-editor.org/rfc/rfc9112#section-6.3) (body length),
//!   [§9.3](https://www.rfc-editor.org/rfc/rfc9112#section-9.3) (persistence)
//! - RFC 9110: [§7.2](https://www.rfc-editor.org/rfc/rfc9110#section-7.2) (`Host`),
//!   [§9.3.2](https://www.rfc-editor.org/rfc/rfc9110#section-9.3.2) (HEAD),
//!   [§15.5.6](https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6) (405),
//!   [§6.6.1](https://www.rfc-editor.org/rfc/rfc9110#section-6.6.1) (`Date`),
//!   [§12.5.3](https://www.rfc-editor.org/rfc/rfc9110#section-12.5.3) (`Accept-Encoding`)
//! - <https://www.rfc-editor.org/rfc/rfc6585#section-5> (431)
//! - <https://app.codecrafters.io/courses/http-server/overview> (the stages)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::{Clock, SystemClock};
use flate2::{write::GzEncoder, Compression};
use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

pub const DEFAULT_PORT: u16 = 4221;
/// The request line, CRLF included.
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// The header lines with their CRLFs, and the empty line that ends them.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;
pub const MAX_BODY: usize = 1024 * 1024;

#[derive(Debug, Default)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The values of every `name` header line (any case), in order.
pub fn values<'a>(headers: &'a [(String, String)], name: &str) -> impl Iterator<Item = &'a str> {
    let name = name.to_string();
    let found = headers
        .iter()
        .filter(move |h| h.0.eq_ignore_ascii_case(&name));
    found.map(|(_, v)| v.as_str())
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        values(&self.headers, name).next()
    }
}

#[rustfmt::skip]
const REASONS: [(u16, &str); 10] = [
    (200, "OK"), (201, "Created"), (204, "No Content"), (400, "Bad Request"),
    (404, "Not Found"), (405, "Method Not Allowed"), (413, "Content Too Large"),
    (414, "URI Too Long"), (431, "Request Header Fields Too Large"), (501, "Not Implemented"),
];

impl Response {
    pub fn new(status: u16) -> Self {
        let (headers, body) = Default::default();
        Response {
            status,
            headers,
            body,
        }
    }

    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        values(&self.headers, name).next()
    }

    /// The bytes on the wire: `Content-Length` last (none for 204), no body after HEAD.
    pub fn to_bytes(&self, head: bool) -> Vec<u8> {
        let reason = REASONS.iter().find(|r| r.0 == self.status);
        let reason = reason.map_or("", |r| r.1);
        let mut out = format!("HTTP/1.1 {} {reason}\r\n", self.status);
        for (name, value) in &self.headers {
            out += &format!("{name}: {value}\r\n");
        }
        if self.status != 204 {
            out += &format!("Content-Length: {}\r\n", self.body.len());
        }
        let mut out = (out + "\r\n").into_bytes();
        if !head {
            out.extend_from_slice(&self.body);
        }
        out
    }
}

#[derive(Debug)]
pub enum HttpError {
    /// Answer with this status (400, 413, 414, 431, 501), then close the connection.
    Status(u16),
    /// The stream ended, between requests or in one: nobody is left to answer.
    Incomplete,
    Io(io::Error),
}

impl From<io::Error> for HttpError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::UnexpectedEof => HttpError::Incomplete,
            _ => HttpError::Io(e),
        }
    }
}

/// A line of at most `max` bytes with its CRLF, returned without it. Longer: `Status(over)`.
/// A bare LF or a control character other than HTAB: 400.
pub fn read_line(r: &mut impl BufRead, max: usize, over: u16) -> Result<String, HttpError> {
    let mut buf = Vec::new();
    let n = r.take(max as u64).read_until(b'\n', &mut buf)?;
    let Some(line) = buf.strip_suffix(b"\n") else {
        let error = if n == max {
            HttpError::Status(over)
        } else {
            HttpError::Incomplete
        };
        return Err(error);
    };
    let line = line.strip_suffix(b"\r").ok_or(HttpError::Status(400))?;
    let ctl = |&b: &u8| (b < b' ' && b != b'\t') || b == 0x7f;
    if line.iter().any(ctl) {
        return Err(HttpError::Status(400));
    }
    String::from_utf8(line.to_vec()).map_err(|_| HttpError::Status(400))
}

/// One `Content-Length` of digits only (two lines may disagree: 400); none: 0.
pub fn content_length(headers: &[(String, String)]) -> Result<usize, HttpError> {
    let mut lengths = values(headers, "content-length");
    match (lengths.next(), lengths.next()) {
        (None, _) => Ok(0),
        (Some(v), None) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => {
            v.parse().map_err(|_| HttpError::Status(413))
        }
        _ => Err(HttpError::Status(400)),
    }
}

/// `tchar` (RFC 9110 §5.6.2): what methods and header names are made of.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// IMF-fixdate (RFC 9110 §5.6.7), `Sun, 06 Nov 1994 08:49:37 GMT`, as in chapter 13.
pub fn http_date(unix_secs: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (mut days, secs) = (unix_secs / 86_400, unix_secs % 86_400);
    let day_name = DAYS[(days % 7) as usize];
    let m = |y: u64, n| y.is_multiple_of(n);
    let leap = |y| u64::from(m(y, 4) && (!m(y, 100) || m(y, 400)));
    let mut year = 1970;
    while days >= 365 + leap(year) {
        days -= 365 + leap(year);
        year += 1;
    }
    let month_days = |m| match m {
        1 => 28 + leap(year),
        3 | 5 | 8 | 10 => 30,
        _ => 31,
    };
    let mut month = 0;
    while days >= month_days(month) {
        days -= month_days(month);
        month += 1;
    }
    let (day, month) = (days + 1, MONTHS[month]);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    format!("{day_name}, {day:02} {month} {year} {h:02}:{m:02}:{s:02} GMT")
}

/// The files, in memory. Clones share them, as connections share one disk.
#[derive(Debug, Clone, Default)]
pub struct MemFs(Arc<Mutex<BTreeMap<String, Vec<u8>>>>);

impl MemFs {
    pub fn get(&self, name: &str) -> Option<Vec<u8>> {
        let files = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        files.get(name).cloned()
    }

    /// Stores `content` as `name`; true if the file is new.
    pub fn put(&self, name: &str, content: Vec<u8>) -> bool {
        let mut files = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        files.insert(name.into(), content).is_none()
    }
}

pub fn read_request(r: &mut impl BufRead) -> Result<Request, HttpError> {
    let line = read_line(r, MAX_REQUEST_LINE, 414)?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some("HTTP/1.1"), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HttpError::Status(400));
    };
    let target_ok = target.starts_with('/') && target.is_ascii();
    if method.is_empty() || !method.bytes().all(is_tchar) || !target_ok {
        return Err(HttpError::Status(400));
    }
    let (mut headers, mut budget) = (Vec::new(), MAX_HEADER_BYTES);
    loop {
        let line = read_line(r, budget, 431)?;
        if line.is_empty() {
            break;
        }
        budget -= line.len() + 2;
        let (name, value) = line.split_once(':').ok_or(HttpError::Status(400))?;
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(HttpError::Status(400));
        }
        headers.push((name.into(), value.trim_matches([' ', '\t']).into()));
    }
    if values(&headers, "host").count() != 1 {
        return Err(HttpError::Status(400));
    }
    if values(&headers, "transfer-encoding").next().is_some() {
        return Err(HttpError::Status(501));
    }
    let len = content_length(&headers)?;
    if len > MAX_BODY {
        return Err(HttpError::Status(413));
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body)?;
    let (method, target) = (method.into(), target.into());
    Ok(Request {
        method,
        target,
        headers,
        body,
    })
}

pub fn is_safe_name(name: &str) -> bool {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"._-".contains(&b);
    !name.is_empty() && !name.starts_with('.') && name.bytes().all(allowed)
}

pub fn route(req: &Request, fs: &MemFs) -> Response {
    let path = req.target.split('?').next().unwrap_or_default();
    let (method, mut res) = (req.method.as_str(), Response::new(200));
    if let Some(name) = path.strip_prefix("/files/") {
        return match method {
            "GET" | "HEAD" | "POST" if !is_safe_name(name) => Response::new(400),
            "GET" | "HEAD" => match fs.get(name) {
                Some(file) => res
                    .with("Content-Type", "application/octet-stream")
                    .body(file),
                None => Response::new(404),
            },
            "POST" if fs.put(name, req.body.clone()) => Response::new(201),
            "POST" => Response::new(204),
            _ => Response::new(405).with("Allow", "GET, HEAD, POST"),
        };
    }
    let text = match path.strip_prefix("/echo/") {
        Some(s) => Some(s),
        None if path == "/user-agent" => Some(req.header("user-agent").unwrap_or_default()),
        None if path == "/" => None,
        None => return Response::new(404),
    };
    if let Some(text) = text {
        res = res.with("Content-Type", "text/plain").body(text);
    }
    match method {
        "GET" | "HEAD" => res,
        _ => Response::new(405).with("Allow", "GET, HEAD"),
    }
}

pub fn accepts_gzip(accept_encoding: &str) -> bool {
    let zero = |q: &str| q.starts_with('0') && q.trim_matches(['0', '.']).is_empty();
    let refuses = |param: &str| match param.split_once('=') {
        Some((name, q)) => name.eq_ignore_ascii_case("q") && zero(q),
        None => false,
    };
    accept_encoding.split(',').any(|element| {
        let mut parts = element.split(';').map(|p| p.trim_matches([' ', '\t']));
        let gzip = parts.next().is_some_and(|c| c.eq_ignore_ascii_case("gzip"));
        gzip && !parts.any(refuses)
    })
}

pub fn negotiate(req: &Request, mut res: Response) -> Response {
    if res.status != 200 || res.body.is_empty() {
        return res;
    }
    res = res.with("Vary", "Accept-Encoding");
    if accepts_gzip(req.header("accept-encoding").unwrap_or_default()) {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(&res.body).expect("a Vec takes every byte");
        res.body = gz.finish().expect("a Vec takes every byte");
        res = res.with("Content-Encoding", "gzip");
    }
    res
}

pub fn serve(stream: impl Read + Write, fs: &MemFs, clock: &dyn Clock) -> io::Result<()> {
    let mut conn = BufReader::new(stream);
    loop {
        let (res, head, close) = match read_request(&mut conn) {
            Err(HttpError::Incomplete) => return Ok(()),
            Err(HttpError::Io(e)) => return Err(e),
            Err(HttpError::Status(status)) => (Response::new(status), false, true),
            Ok(req) => {
                let mut tokens = values(&req.headers, "connection").flat_map(|v| v.split(','));
                let close = tokens.any(|t| t.trim().eq_ignore_ascii_case("close"));
                let res = negotiate(&req, route(&req, fs));
                (res, req.method == "HEAD", close)
            }
        };
        let mut res = res.with("Date", &http_date(clock.now_unix_ms() / 1000));
        if close {
            res = res.with("Connection", "close");
        }
        conn.get_mut().write_all(&res.to_bytes(head))?;
        conn.get_mut().flush()?;
        if close {
            return Ok(());
        }
    }
}

/// The accept loop: a thread per connection, all sharing `fs` and `clock`.
pub fn run(listener: TcpListener, fs: MemFs, clock: Arc<dyn Clock>) {
    for stream in listener.incoming().flatten() {
        // An idle client must not hold its thread forever.
        let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
        let (fs, clock) = (fs.clone(), Arc::clone(&clock));
        std::thread::spawn(move || {
            if let Err(e) = serve(stream, &fs, &*clock) {
                eprintln!("connection closed: {e}");
            }
        });
    }
}

fn main() -> io::Result<()> {
    let port = match std::env::args().nth(1) {
        Some(arg) => arg.parse().expect("the port is a number from 0 to 65535"),
        None => DEFAULT_PORT,
    };
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    println!("Listening on {}", listener.local_addr()?);
    io::stdout().flush()?;
    run(listener, MemFs::default(), Arc::new(SystemClock));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::{ManualClock, ScriptedStream};
    use std::net::{SocketAddr, TcpStream};

    const T0_MS: u64 = 784_111_777_000; // Sun, 06 Nov 1994 08:49:37 GMT
    const DATE: &str = "Date: Sun, 06 Nov 1994 08:49:37 GMT";

    fn get(target: &str, fields: &str) -> String {
        format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n{fields}\r\n")
    }

    fn post(target: &str, body: &str) -> String {
        let head = format!("POST {target} HTTP/1.1\r\nHost: localhost\r\n");
        format!("{head}Content-Length: {}\r\n\r\n{body}", body.len())
    }

    /// `serve` on `input` (one byte per read) with `fs` at T0: the bytes it writes back.
    fn raw(fs: &MemFs, input: impl Into<Vec<u8>>) -> Vec<u8> {
        let mut stream = ScriptedStream::new(input);
        let served = serve(&mut stream, fs, &ManualClock::new(T0_MS));
        assert!(served.is_ok(), "serve failed: {served:?}");
        stream.written().to_vec()
    }

    fn wire(fs: &MemFs, input: impl Into<Vec<u8>>) -> String {
        String::from_utf8_lossy(&raw(fs, input)).into_owned()
    }

    /// One response: a status line with a reason, fields, `Content-Length` bytes of body.
    fn read_response(r: &mut impl BufRead) -> Response {
        let mut head = String::new();
        while !head.ends_with("\r\n\r\n") {
            let n = r.read_line(&mut head).expect("a response within 5 s");
            assert!(n > 0 && head.ends_with('\n'), "cut short: {head:?}");
        }
        let mut lines = head.lines();
        let status = lines.next().and_then(|l| l.strip_prefix("HTTP/1.1 "));
        let (code, reason) = status.and_then(|s| s.split_once(' ')).expect(&head);
        assert!(!reason.is_empty(), "no reason phrase: {head:?}");
        let mut res = Response::new(code.parse().unwrap());
        for (name, value) in lines.filter_map(|l| l.split_once(": ")) {
            res = res.with(name, value);
        }
        let length = res.header("content-length").unwrap_or("0");
        let mut body = vec![0; length.parse().unwrap()];
        r.read_exact(&mut body).expect("the whole body");
        res.body(body)
    }

    /// Every response in `wire`, as a client reads them.
    fn responses(wire: impl AsRef<[u8]>) -> Vec<Response> {
        let mut r = wire.as_ref();
        let mut next = || (!r.is_empty()).then(|| read_response(&mut r));
        std::iter::from_fn(&mut next).collect()
    }

    /// `"STATUS body"`, readable in a failed assertion.
    fn show(res: &Response) -> String {
        format!("{} {}", res.status, String::from_utf8_lossy(&res.body))
    }

    /// `"STATUS body"` for each response to `input`.
    fn statuses(fs: &MemFs, input: impl Into<Vec<u8>>) -> Vec<String> {
        responses(raw(fs, input)).iter().map(show).collect()
    }

    /// The status and the `Connection` field of each response to `input`.
    fn closes(input: impl Into<Vec<u8>>) -> Vec<(u16, Option<String>)> {
        let all = responses(raw(&MemFs::default(), input));
        let pair = |r: Response| (r.status, r.header("Connection").map(String::from));
        all.into_iter().map(pair).collect()
    }

    /// The one response to `input`, with an empty `MemFs`.
    fn ask(input: impl Into<Vec<u8>>) -> Response {
        let mut all = responses(raw(&MemFs::default(), input));
        assert_eq!(all.len(), 1, "one response");
        all.remove(0)
    }

    fn start_server(fs: MemFs) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let clock = Arc::new(ManualClock::new(T0_MS));
        std::thread::spawn(move || run(listener, fs, clock));
        addr
    }

    /// A client that fails, rather than hangs, when the server does not answer.
    fn connect(addr: SocketAddr) -> (TcpStream, BufReader<TcpStream>) {
        let stream = TcpStream::connect(addr).unwrap();
        let timeout = Some(Duration::from_secs(5));
        stream.set_read_timeout(timeout).unwrap();
        let reader = BufReader::new(stream.try_clone().unwrap());
        (stream, reader)
    }

    mod respond {
        use super::*;

        #[test]
        fn get_root_is_200_however_the_bytes_arrive() {
            let split = ["GET / HTTP/1.1\r", "\nHost: a\r\n\r", "\n"];
            let mut scripts = vec![ScriptedStream::from_chunks(split)];
            for n in [1, 2, 7, 4096] {
                scripts.push(ScriptedStream::new(get("/", "")).with_max_read(n));
            }
            for mut stream in scripts {
                let fs = MemFs::default();
                serve(&mut stream, &fs, &ManualClock::new(T0_MS)).unwrap();
                let all = responses(stream.written());
                let got: Vec<_> = all.iter().map(|r| r.header("Content-Length")).collect();
                assert_eq!((all[0].status, got), (200, vec![Some("0")]), "{stream:?}");
            }
        }

        #[test]
        fn get_root_over_tcp() {
            let (mut conn, mut reader) = connect(start_server(MemFs::default()));
            conn.write_all(get("/", "").as_bytes()).unwrap();
            assert_eq!(read_response(&mut reader).status, 200);
        }
    }

    mod routes {
        use super::*;

        #[test]
        fn echo_answers_the_rest_of_the_path_as_text() {
            let res = ask(get("/echo/abc", ""));
            assert_eq!(show(&res), "200 abc");
            let fields = (res.header("Content-Type"), res.header("Content-Length"));
            assert_eq!(fields, (Some("text/plain"), Some("3")));
        }

        #[test]
        fn other_paths_are_404_and_the_query_is_not_part_of_the_path() {
            #[rustfmt::skip]
            let cases = [
                ("/echo/", "200 "), ("/echo/hi?x=/y", "200 hi"), ("/?page=2", "200 "),
                ("/index.html", "404 "), ("/echo", "404 "), ("/echoes/abc", "404 "),
                ("/user-agents", "404 "), ("//", "404 "), ("/?/echo/", "200 "),
            ];
            for (target, expected) in cases {
                let got = statuses(&MemFs::default(), get(target, ""));
                assert_eq!(got, [expected], "{target}");
            }
        }
    }

    mod headers {
        use super::*;

        #[test]
        fn user_agent_answers_the_header_value() {
            let res = ask(get("/user-agent", "user-agent: \t curl/8.5.0 \r\n"));
            assert_eq!(show(&res), "200 curl/8.5.0", "any case, without the OWS");
            assert_eq!(res.header("Content-Type"), Some("text/plain"));
        }

        #[test]
        fn every_response_has_a_date_from_the_clock() {
            let ok = format!("HTTP/1.1 200 OK\r\n{DATE}\r\nContent-Length: 0\r\n\r\n");
            assert_eq!(wire(&MemFs::default(), get("/", "")), ok);
            let missing = ok.replace("200 OK", "404 Not Found");
            assert_eq!(wire(&MemFs::default(), get("/x", "")), missing);
            #[rustfmt::skip]
            let dates = [
                (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
                (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
                (1_709_251_199, "Thu, 29 Feb 2024 23:59:59 GMT"),
                (1_735_689_599, "Tue, 31 Dec 2024 23:59:59 GMT"),
                (4_107_542_400, "Mon, 01 Mar 2100 00:00:00 GMT"),
            ];
            for (secs, date) in dates {
                let mut stream = ScriptedStream::new(get("/", ""));
                let clock = ManualClock::new(secs * 1000 + 999);
                serve(&mut stream, &MemFs::default(), &clock).unwrap();
                let all = responses(stream.written());
                assert_eq!(all[0].header("Date"), Some(date), "{secs}");
            }
        }

        #[test]
        fn head_is_get_without_the_body() {
            let head = get("/echo/hello", "").replace("GET", "HEAD");
            let wire = wire(&MemFs::default(), head);
            let start = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n";
            assert!(wire.starts_with(start), "{wire:?}");
            assert!(
                wire.ends_with("Content-Length: 5\r\n\r\n"),
                "no body: {wire:?}"
            );
        }

        #[test]
        fn other_methods_on_known_paths_are_405_with_allow() {
            for request in ["POST /", "DELETE /echo/x", "PUT /user-agent", "get /"] {
                let res = ask(get("/", "").replace("GET /", request));
                let got = (res.status, res.header("Allow"));
                assert_eq!(got, (405, Some("GET, HEAD")), "{request}");
            }
            let delete = get("/x", "").replace("GET", "DELETE");
            assert_eq!(ask(delete).status, 404);
        }

        #[test]
        fn exactly_one_host_is_required() {
            let lower = "GET / HTTP/1.1\r\nhost: localhost\r\n\r\n";
            assert_eq!(ask(lower).status, 200);
            assert_eq!(ask("GET / HTTP/1.1\r\n\r\n").status, 400, "none");
            let two = get("/", "Host: evil.example\r\n");
            assert_eq!(ask(two).status, 400, "two");
        }
    }

    mod files {
        use super::*;

        #[test]
        fn posted_files_can_be_read_back() {
            let fs = MemFs::default();
            assert_eq!(statuses(&fs, post("/files/a.txt", "hello")), ["201 "]);
            let res = &responses(raw(&fs, get("/files/a.txt", "")))[0];
            assert_eq!(show(res), "200 hello");
            let octets = Some("application/octet-stream");
            assert_eq!(res.header("Content-Type"), octets);
            let replaced = wire(&fs, post("/files/a.txt", "bye"));
            let no_content = format!("HTTP/1.1 204 No Content\r\n{DATE}\r\n\r\n");
            assert_eq!(replaced, no_content, "replaced: 204, no Content-Length");
            assert_eq!(fs.get("a.txt").as_deref(), Some(&b"bye"[..]));
            let head = wire(&fs, get("/files/a.txt", "").replace("GET", "HEAD"));
            assert!(head.ends_with("Content-Length: 3\r\n\r\n"), "{head:?}");
            assert_eq!(statuses(&fs, get("/files/b.txt", "")), ["404 "]);
        }

        #[test]
        fn unsafe_names_are_400_and_nothing_is_written() {
            let fs = MemFs::default();
            fs.put("secret", b"s3cr3t".to_vec());
            #[rustfmt::skip]
            let names = [
                "..", ".", "../secret", "a/b", "%2e%2e", "..%2fsecret", ".env", "", "a\\b", "a:b",
            ];
            for name in names {
                let target = format!("/files/{name}");
                let both = [get(&target, ""), post(&target, "x")].concat();
                assert_eq!(statuses(&fs, both)[0], "400 ", "GET {name:?}");
                let post = post(&target, "x");
                assert_eq!(statuses(&fs, post), ["400 "], "POST {name:?}");
            }
            assert_eq!(fs.get("secret").as_deref(), Some(&b"s3cr3t"[..]));
            let safe = get("/files/a-Z_0.9", "");
            assert_eq!(statuses(&fs, safe), ["404 "], "a safe name");
            let put = ask(get("/files/a", "").replace("GET", "PUT"));
            let allow = Some("GET, HEAD, POST");
            assert_eq!((put.status, put.header("Allow")), (405, allow));
        }

        #[test]
        fn bodies_are_framed_by_content_length() {
            let fs = MemFs::default();
            let head = "POST /files/f HTTP/1.1\r\nHost: localhost\r\n";
            #[rustfmt::skip]
            let cases = [
                ("", 201), ("Content-Length: 2\r\n", 204), ("Content-Length: +2\r\n", 400),
                ("Content-Length: 2\r\nContent-Length: 3\r\n", 400), ("Content-Length: \r\n", 400),
                ("Content-Length: 1048577\r\n", 413),
                ("Content-Length: 99999999999999999999\r\n", 413),
                ("Transfer-Encoding: chunked\r\n", 501),
            ];
            for (fields, status) in cases {
                let all = responses(raw(&fs, format!("{head}{fields}\r\nhi")));
                assert_eq!(all[0].status, status, "{fields:?}");
            }
            assert_eq!(fs.get("f").as_deref(), Some(&b"hi"[..]));
            let max = format!("{head}Content-Length: 1048576\r\n\r\n");
            assert_eq!(wire(&fs, max), "", "MAX_BODY is allowed, cut short here");
        }
    }

    mod compression {
        use super::*;
        use flate2::read::GzDecoder;

        fn echo(accept: &str) -> Response {
            ask(get("/echo/abc", &format!("Accept-Encoding: {accept}\r\n")))
        }

        #[test]
        fn gzip_when_it_is_accepted() {
            let vary = Some("Accept-Encoding");
            for accept in ["gzip", "GZip", "a, gzip, b", "br;q=1.0, gzip ; q=0.5"] {
                let res = echo(accept);
                let fields = (res.header("Content-Encoding"), res.header("Vary"));
                assert_eq!(fields, (Some("gzip"), vary), "{accept}");
                let mut body = String::new();
                let mut gunzip = GzDecoder::new(&res.body[..]);
                gunzip.read_to_string(&mut body).unwrap();
                assert_eq!(body, "abc", "{accept}");
            }
        }

        #[test]
        fn identity_otherwise_but_still_vary() {
            let vary = Some("Accept-Encoding");
            for accept in ["", "br", "gzip;q=0", "gzip; Q=0.000", "x-gzip, gzipx"] {
                let res = echo(accept);
                let fields = (res.header("Content-Encoding"), res.header("Vary"));
                assert_eq!(fields, (None, vary), "{accept}");
                assert_eq!(show(&res), "200 abc", "{accept}");
            }
        }

        #[test]
        fn only_200s_with_a_body_are_negotiated() {
            let (fs, gzip) = (MemFs::default(), "Accept-Encoding: gzip\r\n");
            let inputs = [get("/", gzip), get("/x", gzip), get("/files/f", gzip)];
            for input in inputs.into_iter().chain([post("/files/f", "")]) {
                let res = &responses(raw(&fs, input.clone()))[0];
                let fields = (res.header("Vary"), res.header("Content-Encoding"));
                assert_eq!(fields, (None, None), "{input}");
            }
            fs.put("f", b"file".to_vec());
            let res = &responses(raw(&fs, get("/files/f", gzip)))[0];
            assert_eq!(res.header("Content-Encoding"), Some("gzip"));
            let head = wire(&fs, get("/files/f", gzip).replace("GET", "HEAD"));
            let length = format!("Content-Length: {}\r\n\r\n", res.body.len());
            assert!(head.ends_with(&length), "the gzipped length: {head:?}");
        }
    }

    mod persistent {
        use super::*;

        fn close() -> Option<String> {
            Some("close".into())
        }

        #[test]
        fn pipelined_requests_are_answered_in_order_until_the_end() {
            let (one, two) = (get("/echo/1", ""), post("/files/f", "2"));
            let input = [one, two, get("/files/f", ""), get("/x", "")].concat();
            let expected = ["200 1", "201 ", "200 2", "404 "];
            assert_eq!(statuses(&MemFs::default(), input.clone()), expected);
            assert!(closes(input.clone()).iter().all(|(_, c)| c.is_none()));
            let mut stream = ScriptedStream::new(input).with_max_read(4096);
            serve(&mut stream, &MemFs::default(), &ManualClock::new(T0_MS)).unwrap();
            let got: Vec<_> = responses(stream.written()).iter().map(show).collect();
            assert_eq!(got, expected, "with every request in one read");
        }

        #[test]
        fn connection_close_is_the_last_request_answered() {
            for field in ["close", "keep-alive, CLOSE"] {
                let last = get("/echo/b", &format!("Connection: {field}\r\n"));
                let got = closes([get("/", ""), last, get("/", "")].concat());
                assert_eq!(got, [(200, None), (200, close())], "{field:?}");
            }
        }

        #[test]
        fn malformed_requests_are_400_then_close() {
            #[rustfmt::skip]
            let bad = [
                "GET  / HTTP/1.1\r\n", "GET / HTTP/1.0\r\n", "GET / http/1.1\r\n",
                "G(T / HTTP/1.1\r\n", "GET index.html HTTP/1.1\r\n", "GET / HTTP/1.1 x\r\n",
                " / HTTP/1.1\r\n", "GET /\x7f HTTP/1.1\r\n", "GET /\u{e9} HTTP/1.1\r\n",
                "GET / HTTP/1.1\n", "GET / HTTP/1.1\r\nHost : x\r\n", "GET / HTTP/1.1\r\n fold\r\n",
                "GET / HTTP/1.1\r\nNoColon\r\n", "GET / HTTP/1.1\r\n: x\r\n",
                "GET / HTTP/1.1\r\nX: \0\r\n",
            ];
            let ok = get("/", "");
            for bad in bad {
                let got = closes(format!("{ok}{bad}Host: x\r\n\r\n{ok}"));
                assert_eq!(got, [(200, None), (400, close())], "{bad:?}");
            }
            let latin1 = b"GET /\xe9 HTTP/1.1\r\nHost: x\r\n\r\nGET /";
            assert_eq!(closes(latin1.as_slice()), [(400, close())]);
        }

        #[test]
        fn a_request_line_over_the_limit_is_414() {
            let fixed = "GET /echo/ HTTP/1.1\r\n".len();
            let at_limit = "x".repeat(8 * 1024 - fixed); // 8 KiB
            let res = ask(get(&format!("/echo/{at_limit}"), ""));
            assert_eq!(res.body.len(), at_limit.len(), "exactly the limit");
            let over = get(&format!("/echo/{at_limit}x"), "");
            assert_eq!(closes(over + &get("/", "")), [(414, close())]);
        }

        #[test]
        fn headers_over_the_limit_are_431() {
            let used = "Host: localhost\r\nX-Pad: \r\n\r\n".len();
            let pad = |n| get("/", &format!("X-Pad: {}\r\n", "p".repeat(n)));
            let res = ask(pad(8 * 1024 - used));
            assert_eq!(res.status, 200, "exactly the limit");
            let over = pad(8 * 1024 - used + 1);
            assert_eq!(closes(over + &get("/", "")), [(431, close())]);
            let many = "X-A: 1\r\n".repeat(1024);
            let res = ask(get("/", &many));
            assert_eq!(res.status, 431, "the limit is on all the lines together");
        }

        #[test]
        fn a_request_cut_short_gets_no_answer() {
            let body = "POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\nabc";
            for cut in ["GET /echo/x HTTP/1.1\r\nHost: lo", body] {
                let got = closes(get("/", "") + cut);
                assert_eq!(got, [(200, None)], "{cut:?}");
            }
        }

        #[test]
        fn connections_stay_open_and_share_the_files_over_tcp() {
            let addr = start_server(MemFs::default());
            let (mut a, mut a_in) = connect(addr);
            a.write_all(get("/files/shared", "").as_bytes()).unwrap();
            assert_eq!(read_response(&mut a_in).status, 404);
            let (mut b, mut b_in) = connect(addr); // while `a` is open and idle
            let post = post("/files/shared", "hello");
            b.write_all(post.as_bytes()).unwrap();
            assert_eq!(read_response(&mut b_in).status, 201);
            let last = get("/files/shared", "Connection: close\r\n");
            a.write_all(last.as_bytes()).unwrap();
            let res = read_response(&mut a_in);
            assert_eq!(show(&res), "200 hello");
            assert_eq!(res.header("Connection"), Some("close"));
            let closed = a_in.read(&mut [0; 1]).unwrap();
            assert_eq!(closed, 0, "then the server closes the connection");
        }
    }
}
