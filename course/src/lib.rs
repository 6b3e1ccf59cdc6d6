//! `backend_support`: the course's shared test support (curriculum §1 rules 2, 3, 4 and 7).
//!
//! Backend code that reads the wall clock, the OS random number generator or a
//! real socket cannot be tested deterministically. Exercises from chapter 04 on
//! therefore take these dependencies as parameters:
//!
//! - time through a [`Clock`]: [`SystemClock`] in production, [`ManualClock`] in tests;
//! - randomness through a [`RandomSource`]: [`OsRandom`] in production,
//!   [`SeqRandom`] or [`FixedRandom`] in tests;
//! - connections as `impl Read + Write`: a [`ScriptedStream`] (or a
//!   `std::io::Cursor`) in tests;
//! - the HTTP/1.1 plumbing of the API capstones, and a loopback client for
//!   their tests: [`http1`].
//!
//! `intro_clock_trait` builds a small version of the clock part by hand; this
//! crate is the shared reference version.

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

// ---------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------

/// Where code that depends on time gets "now" from, so that tests can control it.
///
/// `Send + Sync` so that one clock can be shared (`Arc<dyn Clock>`, `&dyn Clock`)
/// by threads and tokio tasks.
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch (1970-01-01T00:00:00Z).
    fn now_unix_ms(&self) -> u64;
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now_unix_ms(&self) -> u64 {
        (**self).now_unix_ms()
    }
}

impl<C: Clock + ?Sized> Clock for Box<C> {
    fn now_unix_ms(&self) -> u64 {
        (**self).now_unix_ms()
    }
}

/// Lets a test keep one `Arc` to a [`ManualClock`] and hand a clone to the code under test.
impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now_unix_ms(&self) -> u64 {
        (**self).now_unix_ms()
    }
}

/// The real wall clock, for production code. Tests use [`ManualClock`] instead.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix_ms(&self) -> u64 {
        // A clock set before 1970 reads as the epoch rather than panicking a server.
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        u64::try_from(since_epoch.as_millis()).unwrap_or(u64::MAX)
    }
}

/// A clock that only moves when a test moves it, so expiry, timeouts and TTLs
/// can be tested to the millisecond without waiting.
///
/// It uses an [`AtomicU64`], so `advance` and `set` take `&self`: the test can move
/// the clock while the code under test holds a reference (or an `Arc`) to it,
/// from any thread.
#[derive(Debug, Default)]
pub struct ManualClock {
    now_ms: AtomicU64,
}

impl ManualClock {
    /// A clock that reads `start_unix_ms` until it is moved.
    pub fn new(start_unix_ms: u64) -> Self {
        ManualClock {
            now_ms: AtomicU64::new(start_unix_ms),
        }
    }

    /// Moves the clock forward by `by`, truncated to whole milliseconds.
    ///
    /// # Panics
    /// If the time would no longer fit in a `u64` of milliseconds (a bug in the test).
    pub fn advance(&self, by: Duration) {
        let by_ms =
            u64::try_from(by.as_millis()).expect("ManualClock::advance: duration too large");
        // SeqCst: the simplest ordering to reason about; speed does not matter here.
        self.now_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                now.checked_add(by_ms)
            })
            .expect("ManualClock::advance: time overflowed u64 milliseconds");
    }

    /// Sets the time to `unix_ms`. Unlike [`advance`](Self::advance) it may move
    /// the clock backwards, to test clock skew between machines.
    pub fn set(&self, unix_ms: u64) {
        self.now_ms.store(unix_ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_unix_ms(&self) -> u64 {
        self.now_ms.load(Ordering::SeqCst)
    }
}

// ---------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------

/// Where salts, session IDs, nonces, CSRF tokens and jitter get their random
/// bytes from, so that tests can make them predictable.
///
/// `Send + Sync` so that one source can be shared by threads and tokio tasks.
pub trait RandomSource: Send + Sync {
    /// Fills `buf` entirely with random bytes.
    fn fill(&self, buf: &mut [u8]);
}

impl<R: RandomSource + ?Sized> RandomSource for &R {
    fn fill(&self, buf: &mut [u8]) {
        (**self).fill(buf);
    }
}

impl<R: RandomSource + ?Sized> RandomSource for Box<R> {
    fn fill(&self, buf: &mut [u8]) {
        (**self).fill(buf);
    }
}

impl<R: RandomSource + ?Sized> RandomSource for Arc<R> {
    fn fill(&self, buf: &mut [u8]) {
        (**self).fill(buf);
    }
}

/// The operating system's cryptographically secure random number generator
/// (through `getrandom::fill`), for production code.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRandom;

impl RandomSource for OsRandom {
    /// # Panics
    /// If the OS cannot provide random bytes. Carrying on with predictable
    /// "random" values (guessable session IDs) would be worse than stopping.
    fn fill(&self, buf: &mut [u8]) {
        getrandom::fill(buf).expect("the operating system's random number generator failed");
    }
}

/// Deterministic "randomness" for tests: the bytes count up, `0, 1, 2, …, 255, 0, 1, …`,
/// continuing from one call to the next.
///
/// The expected values are easy to write by hand: the first 16-byte session ID is
/// `000102030405060708090a0b0c0d0e0f`, the next one starts at `10`. Calls never
/// return the same bytes twice in a row, but the sequence repeats every 256 bytes:
/// with 16-byte IDs, the 17th equals the 1st. A test that needs more distinct
/// values than that uses longer IDs or [`SeqRandom::starting_at`] on several sources.
#[derive(Debug, Default)]
pub struct SeqRandom {
    // The position in the endless 0..=255 sequence; an atomic so `fill` takes `&self`.
    next: AtomicU64,
}

impl SeqRandom {
    /// A source whose first byte is 0.
    pub fn new() -> Self {
        Self::starting_at(0)
    }

    /// A source whose first byte is `first`, counting up (and wrapping) from there.
    pub fn starting_at(first: u8) -> Self {
        SeqRandom {
            next: AtomicU64::new(u64::from(first)),
        }
    }
}

impl RandomSource for SeqRandom {
    fn fill(&self, buf: &mut [u8]) {
        // Reserve the whole range at once, so concurrent calls get disjoint runs.
        let start = self.next.fetch_add(buf.len() as u64, Ordering::SeqCst);
        for (offset, byte) in (0u64..).zip(buf.iter_mut()) {
            // Truncating to u8 is the wrap-around at 256.
            *byte = start.wrapping_add(offset) as u8;
        }
    }
}

/// Deterministic "randomness" for tests: the given bytes, repeated.
///
/// Every call starts again at the beginning of the pattern, so the same request
/// always gets the same bytes: use it to reproduce a test vector that fixes the
/// random part (a known salt, nonce or CSRF random value), or to test that
/// equal randomness gives equal output.
#[derive(Debug, Clone)]
pub struct FixedRandom {
    pattern: Vec<u8>,
}

impl FixedRandom {
    /// A source that fills every buffer with `pattern`, repeated as often as needed.
    ///
    /// # Panics
    /// If `pattern` is empty.
    pub fn new(pattern: impl Into<Vec<u8>>) -> Self {
        let pattern = pattern.into();
        assert!(!pattern.is_empty(), "FixedRandom needs at least one byte");
        FixedRandom { pattern }
    }
}

impl RandomSource for FixedRandom {
    fn fill(&self, buf: &mut [u8]) {
        for (byte, &value) in buf.iter_mut().zip(self.pattern.iter().cycle()) {
            *byte = value;
        }
    }
}

// ---------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------

/// A fake connection for testing servers and codecs without the network.
///
/// Reading returns the scripted input, by default **one byte per `read` call**:
/// the kernel may split a TCP stream anywhere, and a parser that assumes one
/// `read` returns a whole request (or a whole line) fails at once. Writing
/// records every byte; [`written`](Self::written) gives them back.
///
/// ```
/// use backend_support::ScriptedStream;
/// use std::io::{Read, Write};
///
/// let mut stream = ScriptedStream::new("PING\r\n");
/// let mut buf = [0u8; 64];
/// assert_eq!(stream.read(&mut buf).unwrap(), 1); // only "P"
/// stream.write_all(b"+PONG\r\n").unwrap();
/// assert_eq!(stream.written(), b"+PONG\r\n");
/// ```
///
/// A server written as `fn serve(conn: &mut impl Read + Write)` (or taking the
/// stream by value and generic over `Read + Write`) can be called with
/// `&mut stream`, which leaves the test free to inspect the stream afterwards.
#[derive(Debug, Clone)]
pub struct ScriptedStream {
    input: Vec<u8>,
    /// Position of the next unread input byte.
    pos: usize,
    /// End offsets of the scripted chunks; a read never crosses one.
    chunk_ends: Vec<usize>,
    max_read: usize,
    max_write: usize,
    written: Vec<u8>,
}

impl ScriptedStream {
    /// A stream whose reads return `input` one byte at a time, then end of stream.
    pub fn new(input: impl Into<Vec<u8>>) -> Self {
        let input = input.into();
        ScriptedStream {
            chunk_ends: vec![input.len()],
            input,
            pos: 0,
            max_read: 1,
            max_write: usize::MAX,
            written: Vec::new(),
        }
    }

    /// A stream whose reads return the given chunks as they come (each `read`
    /// returns at most the rest of one chunk, never bytes of two chunks), then
    /// end of stream. For tests of a specific split, e.g. a CRLF cut in two:
    /// `ScriptedStream::from_chunks(["GET / HTTP/1.1\r", "\n\r\n"])`.
    pub fn from_chunks<I, C>(chunks: I) -> Self
    where
        I: IntoIterator<Item = C>,
        C: AsRef<[u8]>,
    {
        let mut stream = ScriptedStream::new(Vec::new());
        stream.chunk_ends.clear();
        for chunk in chunks {
            stream.input.extend_from_slice(chunk.as_ref());
            stream.chunk_ends.push(stream.input.len());
        }
        stream.max_read = usize::MAX;
        stream
    }

    /// Lets each `read` return up to `max` bytes instead of one.
    ///
    /// # Panics
    /// If `max` is 0 (a read of 0 bytes means end of stream).
    #[must_use]
    pub fn with_max_read(mut self, max: usize) -> Self {
        assert!(max > 0, "a read of 0 bytes would mean end of stream");
        self.max_read = max;
        self
    }

    /// Lets each `write` accept at most `max` bytes (by default it accepts all),
    /// to catch code that calls `write` and ignores how much was written instead
    /// of calling `write_all`.
    ///
    /// # Panics
    /// If `max` is 0 (`write_all` would fail with `WriteZero`).
    #[must_use]
    pub fn with_max_write(mut self, max: usize) -> Self {
        assert!(max > 0, "a write of 0 bytes means the peer is gone");
        self.max_write = max;
        self
    }

    /// Everything written to the stream so far.
    pub fn written(&self) -> &[u8] {
        &self.written
    }

    /// The input that has not been read yet: lets a test check that a parser
    /// stopped exactly at the end of a message (pipelined requests).
    pub fn unread(&self) -> &[u8] {
        &self.input[self.pos..]
    }
}

impl Read for ScriptedStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // The end of the chunk that holds `pos` (the first end beyond it).
        let chunk_end = self
            .chunk_ends
            .iter()
            .copied()
            .find(|&end| end > self.pos)
            .unwrap_or(self.input.len());
        let n = (chunk_end - self.pos).min(self.max_read).min(buf.len());
        buf[..n].copy_from_slice(&self.input[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl Write for ScriptedStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = buf.len().min(self.max_write);
        self.written.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// HTTP/1.1 connections, for the API capstones
// ---------------------------------------------------------------------------

/// The HTTP/1.1 plumbing of the capstones that build an API on top of HTTP
/// (`capstone_notes_api`, `capstone_shop_orders`): reading requests off a
/// connection, writing responses, a thread per TCP connection, and a loopback
/// client for their tests. Those capstones are about what an API does;
/// `01_http` and `capstone_http_server` teach the parsing itself.
///
/// Nothing here is generic, so an exercise that uses it compiles none of it
/// again: the capstones stay within their compile budget.
pub mod http1 {
    use super::ScriptedStream;
    use http::{Request, Response};
    use std::fmt::Write as _;
    use std::io::{self, BufRead, BufReader, Read, Write};
    use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
    use std::sync::Arc;
    use std::thread;
    use std::time::Duration;

    /// The longest request line or header line: 8 KiB, with its CRLF.
    pub const MAX_LINE: u64 = 8 * 1024;

    /// A connection of any kind: a `TcpStream`, a [`ScriptedStream`].
    pub trait Conn: Read + Write {}
    impl<C: Read + Write> Conn for C {}

    impl ScriptedStream {
        /// This stream as a [`Conn`], for [`serve`].
        pub fn as_conn(&mut self) -> &mut dyn Conn {
            self
        }
    }

    /// What answers a connection's requests: each request read, or the error
    /// (`InvalidData`) of one that could not be read, after which the
    /// connection closes.
    pub type App<'a> = &'a mut dyn FnMut(Result<Request<Vec<u8>>, io::Error>) -> Response<Vec<u8>>;

    /// The same, shared by the threads of [`listen`].
    pub type SharedApp =
        Arc<dyn Fn(Result<Request<Vec<u8>>, io::Error>) -> Response<Vec<u8>> + Send + Sync>;

    fn invalid(why: &str) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, why)
    }

    /// A line without its CRLF; `None` at the end of the input.
    fn next_line(conn: &mut dyn BufRead) -> io::Result<Option<String>> {
        let mut line = String::new();
        match conn.take(MAX_LINE).read_line(&mut line)? {
            0 => Ok(None),
            _ if !line.ends_with('\n') => Err(invalid("line cut short or too long")),
            _ => Ok(Some(line.trim_end_matches(['\r', '\n']).to_string())),
        }
    }

    /// One HTTP/1.1 request off `conn`; `Ok(None)` at the end of the connection.
    /// `InvalidData` for a malformed request: another version, a line over
    /// [`MAX_LINE`], a header without a colon, a chunked body (not read here),
    /// a bad or larger `Content-Length` than `max_body`.
    pub fn read_request(
        conn: &mut dyn BufRead,
        max_body: usize,
    ) -> io::Result<Option<Request<Vec<u8>>>> {
        let Some(start) = next_line(conn)? else {
            return Ok(None);
        };
        let mut words = start.split(' ');
        let (Some(method), Some(target), Some("HTTP/1.1"), None) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            return Err(invalid("bad request line"));
        };
        let mut req = Request::builder().method(method).uri(target);
        let mut length = None;
        loop {
            let header = next_line(conn)?.ok_or(invalid("headers cut short"))?;
            if header.is_empty() {
                break;
            }
            let (name, value) = header.split_once(':').ok_or(invalid("bad header"))?;
            if name.eq_ignore_ascii_case("transfer-encoding") {
                return Err(invalid("no chunked bodies here"));
            }
            if name.eq_ignore_ascii_case("content-length") {
                let value = value.trim().parse().map_err(|_| invalid("bad length"))?;
                // Two lengths that differ: which one a proxy used is unknown (RFC 9112 §6.3).
                if length.is_some_and(|length| length != value) {
                    return Err(invalid("conflicting lengths"));
                }
                length = Some(value);
            }
            req = req.header(name, value.trim());
        }
        let length = length.unwrap_or(0);
        if length > max_body {
            return Err(invalid("body too large"));
        }
        let mut body = vec![0; length];
        conn.read_exact(&mut body)?;
        req.body(body).map(Some).map_err(|_| invalid("bad request"))
    }

    /// Writes `res` with its `Content-Length` (none on a 204 or a 304: RFC 9110 §8.6).
    pub fn write_response(conn: &mut dyn Write, res: &Response<Vec<u8>>) -> io::Result<()> {
        let status = res.status();
        let reason = status.canonical_reason().unwrap_or("");
        let mut head = format!("HTTP/1.1 {} {reason}\r\n", status.as_str());
        for (name, value) in res.headers() {
            let value = String::from_utf8_lossy(value.as_bytes());
            let _ = write!(head, "{name}: {value}\r\n");
        }
        if !matches!(status.as_u16(), 204 | 304) {
            let _ = write!(head, "content-length: {}\r\n", res.body().len());
        }
        head.push_str("\r\n");
        conn.write_all(&[head.as_bytes(), res.body()].concat())?;
        conn.flush()
    }

    /// Answers the requests of one connection with `app` until it ends, asks to
    /// close (`Connection: close`), or sends a malformed request (answered by
    /// `app`, with `Connection: close`). Other errors of the connection end it.
    pub fn serve(conn: &mut dyn Conn, max_body: usize, app: App) -> io::Result<()> {
        let mut conn = BufReader::new(conn);
        loop {
            let req = match read_request(&mut conn, max_body) {
                Ok(Some(req)) => req,
                Ok(None) => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                    let mut res = app(Err(e));
                    res.headers_mut()
                        .insert(http::header::CONNECTION, "close".parse().unwrap());
                    return write_response(conn.get_mut(), &res);
                }
                Err(e) => return Err(e),
            };
            let close = req
                .headers()
                .get(http::header::CONNECTION)
                .is_some_and(|v| v == "close");
            write_response(conn.get_mut(), &app(Ok(req)))?;
            if close {
                return Ok(());
            }
        }
    }

    /// Serves each connection of `listener` on a thread of its own, all with `app`.
    pub fn listen(listener: TcpListener, max_body: usize, app: SharedApp) {
        for mut conn in listener.incoming().flatten() {
            let app = Arc::clone(&app);
            thread::spawn(move || serve(&mut conn, max_body, &mut |req| app(req)));
        }
    }

    /// For tests: [`listen`] on a free port of 127.0.0.1, on a thread of its own.
    pub fn listen_in_background(max_body: usize, app: SharedApp) -> SocketAddr {
        let listener =
            TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free port on 127.0.0.1");
        let addr = listener.local_addr().expect("its address");
        thread::spawn(move || listen(listener, max_body, app));
        addr
    }

    /// A test's HTTP/1.1 client: raw requests out, one response at a time in.
    pub struct Client {
        conn: BufReader<TcpStream>,
    }

    impl Client {
        /// Connects to `addr`. A server that does not answer within 5 s fails
        /// the test instead of hanging it.
        pub fn connect(addr: SocketAddr) -> Client {
            let conn = TcpStream::connect(addr).expect("the server accepts");
            conn.set_read_timeout(Some(Duration::from_secs(5)))
                .expect("a timeout");
            Client {
                conn: BufReader::new(conn),
            }
        }

        /// Sends `raw`, reads one response: its head (status line and headers,
        /// as sent) and its body (`Content-Length` bytes of it, as UTF-8).
        pub fn exchange(&mut self, raw: &str) -> (String, String) {
            self.conn
                .get_mut()
                .write_all(raw.as_bytes())
                .expect("the request is sent");
            let (mut head, mut line) = (String::new(), String::new());
            while line != "\r\n" {
                line.clear();
                let read = self.conn.read_line(&mut line);
                assert!(
                    matches!(read, Ok(1..)),
                    "a response within 5 s: {read:?} {head}"
                );
                head.push_str(&line);
            }
            let length = head
                .to_ascii_lowercase()
                .split("content-length: ")
                .nth(1)
                .map(|n| {
                    n.lines()
                        .next()
                        .unwrap_or_default()
                        .parse()
                        .expect("a Content-Length")
                });
            let mut body = vec![0; length.unwrap_or(0)];
            self.conn.read_exact(&mut body).expect("the whole body");
            (head, String::from_utf8(body).expect("a UTF-8 body"))
        }

        /// Whether the server has closed the connection (nothing more to read).
        pub fn closed(&mut self) -> bool {
            matches!(self.conn.read(&mut [0; 1]), Ok(0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_advance_and_set() {
        let clock = ManualClock::new(1_000);
        assert_eq!(clock.now_unix_ms(), 1_000);
        clock.advance(Duration::from_millis(1));
        assert_eq!(clock.now_unix_ms(), 1_001);
        clock.advance(Duration::from_secs(60));
        assert_eq!(clock.now_unix_ms(), 61_001);
        clock.advance(Duration::from_micros(1_999)); // truncated to 1 ms
        assert_eq!(clock.now_unix_ms(), 61_002);
        clock.set(500); // backwards is allowed
        assert_eq!(clock.now_unix_ms(), 500);
        assert_eq!(ManualClock::default().now_unix_ms(), 0);
    }

    #[test]
    #[should_panic(expected = "overflowed")]
    fn manual_clock_overflow_panics() {
        ManualClock::new(u64::MAX).advance(Duration::from_millis(1));
    }

    #[test]
    fn manual_clock_is_shared_through_arc_and_threads() {
        let clock = Arc::new(ManualClock::new(0));
        let handed_out: Arc<dyn Clock> = clock.clone();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..100 {
                        clock.advance(Duration::from_millis(1));
                    }
                });
            }
        });
        assert_eq!(handed_out.now_unix_ms(), 400);
        // The blanket impls: `&C`, `Box<C>`, `Arc<C>` are clocks too.
        fn read(clock: impl Clock) -> u64 {
            clock.now_unix_ms()
        }
        assert_eq!(read(&*clock), 400);
        assert_eq!(read(Box::new(ManualClock::new(3))), 3);
        assert_eq!(read(handed_out), 400);
    }

    #[test]
    fn system_clock_counts_milliseconds() {
        // Only the unit is checked: milliseconds since 1970 are between 2020
        // (1.6e12) and the year 2286 (1e13); seconds or microseconds are not.
        let now = SystemClock.now_unix_ms();
        assert!(
            (1_600_000_000_000..10_000_000_000_000).contains(&now),
            "{now}"
        );
    }

    #[test]
    fn seq_random_counts_across_calls_and_wraps() {
        let random = SeqRandom::new();
        let mut first = [0u8; 4];
        let mut second = [0u8; 3];
        random.fill(&mut first);
        random.fill(&mut second);
        assert_eq!(first, [0, 1, 2, 3]);
        assert_eq!(second, [4, 5, 6]);
        random.fill(&mut []);

        let mut long = [0u8; 300];
        SeqRandom::new().fill(&mut long);
        assert_eq!(long[255], 255);
        assert_eq!(long[256], 0);

        let mut wrap = [0u8; 3];
        SeqRandom::starting_at(254).fill(&mut wrap);
        assert_eq!(wrap, [254, 255, 0]);
    }

    #[test]
    fn seq_random_gives_disjoint_runs_to_threads() {
        let random = SeqRandom::new();
        let runs: Vec<[u8; 8]> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        let mut buf = [0u8; 8];
                        random.fill(&mut buf);
                        buf
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut all: Vec<u8> = runs.concat();
        all.sort_unstable();
        assert_eq!(all, (0..32).collect::<Vec<u8>>());
    }

    #[test]
    fn fixed_random_repeats_its_pattern_from_the_start() {
        let random = FixedRandom::new([1, 2, 3]);
        let mut buf = [0u8; 5];
        random.fill(&mut buf);
        assert_eq!(buf, [1, 2, 3, 1, 2]);
        random.fill(&mut buf);
        assert_eq!(buf, [1, 2, 3, 1, 2]);

        let mut two = [0u8; 2];
        FixedRandom::new(vec![0xAB]).fill(&mut two);
        assert_eq!(two, [0xAB, 0xAB]);
    }

    #[test]
    #[should_panic(expected = "at least one byte")]
    fn fixed_random_rejects_an_empty_pattern() {
        FixedRandom::new(Vec::new());
    }

    #[test]
    fn os_random_fills_the_buffer() {
        // 64 zero bytes from a working CSPRNG has probability 2^-512.
        let mut buf = [0u8; 64];
        OsRandom.fill(&mut buf);
        assert_ne!(buf, [0u8; 64]);
        let shared: Arc<dyn RandomSource> = Arc::new(OsRandom);
        shared.fill(&mut buf);
    }

    /// Reads until end of stream, one `read` call at a time, and returns the
    /// size of every read.
    fn read_sizes(stream: &mut ScriptedStream, buf_len: usize) -> (Vec<u8>, Vec<usize>) {
        let (mut data, mut sizes) = (Vec::new(), Vec::new());
        let mut buf = vec![0u8; buf_len];
        loop {
            let n = stream.read(&mut buf).unwrap();
            if n == 0 {
                return (data, sizes);
            }
            data.extend_from_slice(&buf[..n]);
            sizes.push(n);
        }
    }

    #[test]
    fn scripted_stream_reads_one_byte_at_a_time_by_default() {
        let mut stream = ScriptedStream::new("abc");
        let (data, sizes) = read_sizes(&mut stream, 16);
        assert_eq!(data, b"abc");
        assert_eq!(sizes, [1, 1, 1]);
        assert_eq!(
            stream.read(&mut [0u8; 4]).unwrap(),
            0,
            "stays at end of stream"
        );
        assert!(stream.unread().is_empty());
    }

    #[test]
    fn scripted_stream_max_read_and_small_buffers() {
        let mut stream = ScriptedStream::new(b"abcdefg".to_vec()).with_max_read(3);
        assert_eq!(read_sizes(&mut stream, 16).1, [3, 3, 1]);

        let mut stream = ScriptedStream::new("abcdefg").with_max_read(100);
        assert_eq!(read_sizes(&mut stream, 2).1, [2, 2, 2, 1]);
    }

    #[test]
    fn scripted_stream_chunks_are_never_merged() {
        let mut stream = ScriptedStream::from_chunks(["GET / HTTP/1.1\r", "", "\n\r\n"]);
        let mut buf = [0u8; 64];
        assert_eq!(stream.read(&mut buf).unwrap(), 15);
        assert_eq!(stream.unread(), b"\n\r\n");
        let (data, sizes) = read_sizes(&mut stream, 64);
        assert_eq!((data.as_slice(), sizes), (&b"\n\r\n"[..], vec![3]));

        let mut stream = ScriptedStream::from_chunks([b"abcd".as_slice(), b"ef"]).with_max_read(3);
        assert_eq!(read_sizes(&mut stream, 64).1, [3, 1, 2]);
    }

    #[test]
    fn scripted_stream_records_writes() {
        let mut stream = ScriptedStream::new("");
        stream.write_all(b"HTTP/1.1 200 OK\r\n").unwrap();
        write!(stream, "Content-Length: {}\r\n\r\n", 0).unwrap();
        stream.flush().unwrap();
        assert_eq!(
            stream.written(),
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        );
    }

    #[test]
    fn scripted_stream_partial_writes() {
        let mut stream = ScriptedStream::new("").with_max_write(4);
        assert_eq!(stream.write(b"hello world").unwrap(), 4);
        assert_eq!(stream.written(), b"hell");
        stream.write_all(b"o world").unwrap();
        assert_eq!(stream.written(), b"hello world");
    }

    #[test]
    fn scripted_stream_can_be_lent_to_the_code_under_test() {
        // A "server" that takes its connection by value, as servers often do.
        fn echo_line<S: Read + Write>(mut conn: S) -> io::Result<()> {
            let mut line = Vec::new();
            let mut byte = [0u8; 1];
            while conn.read(&mut byte)? == 1 {
                line.push(byte[0]);
                if byte[0] == b'\n' {
                    break;
                }
            }
            conn.write_all(&line)
        }

        let mut stream = ScriptedStream::new("hi\nrest");
        echo_line(&mut stream).unwrap(); // `&mut ScriptedStream` is `Read + Write` too
        assert_eq!(stream.written(), b"hi\n");
        assert_eq!(stream.unread(), b"rest");
    }
}
