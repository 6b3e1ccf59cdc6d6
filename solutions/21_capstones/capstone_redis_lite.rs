//! # Capstone: a Redis server
//!
//! Roadmap step: **Redis** (<https://roadmap.sh/backend>): the cache, session store and
//! counter service behind most backends, from the server's side this time: commands read
//! from TCP in whatever pieces they arrive, keys that expire by themselves, transactions,
//! and many clients on one store. Every reply is byte for byte the one Redis 7 sends.
//!
//! The stages, each building on the last:
//! 1. `ping`: `Client::serve` answers a connection until it ends; `parse_command` takes one
//!    command off the front of the bytes read so far: a RESP array of bulk strings
//!    (`*1\r\n$4\r\nPING\r\n`) or an inline line (`PING\r\n`). `PING` → `+PONG`.
//! 2. `echo`: `ECHO msg` and `PING msg` → `msg` as a bulk string (binary safe).
//! 3. `set_get`: `SET k v`, `GET k` (`$-1` if missing), `DEL k…` (how many it removed),
//!    `INCR k` (from 0), and Redis's errors: unknown command, wrong number of arguments
//!    (`COMMANDS` has the arities), not an integer, overflow.
//! 4. `expiry`: `SET k v [EX s | PX ms] [NX | XX]`, `EXPIRE k s` (≤ 0 deletes), `TTL k`
//!    (-2 missing, -1 no expiry, else the seconds left, rounded); `Store::live`: a key is
//!    gone once the clock is past its deadline.
//! 5. `transactions`: `MULTI` opens a queue (`+QUEUED` for each command), `EXEC` runs it
//!    under ONE lock of the store and replies with an array, `DISCARD` drops it. A command
//!    refused while queuing makes EXEC fail (`-EXECABORT`); errors while running are
//!    elements of EXEC's reply.
//! 6. `clients`: many commands in one read (pipelining), clients interleaved on one store,
//!    and bad input: a protocol error is answered, then the connection is closed.
//!
//! Try it: `backlings serve capstone_redis_lite` listens on 127.0.0.1:6380 (or on the port
//! given as its argument); then `redis-cli -p 6380`, or `printf 'PING\r\n' | nc 127.0.0.1 6380`.
//!
//! Standards:
//! - <https://redis.io/docs/latest/develop/reference/protocol-spec/#sending-commands-to-a-redis-server>
//! - <https://redis.io/docs/latest/develop/reference/protocol-spec/#inline-commands>
//! - <https://redis.io/docs/latest/commands/set/> (and `/ttl/`, `/expire/`, `/incr/`)
//! - <https://redis.io/docs/latest/develop/interact/transactions/#errors-inside-a-transaction>
//! - <https://app.codecrafters.io/courses/redis/overview> (codecrafters' Redis stages)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::{Clock, SystemClock};
use std::collections::{HashMap, VecDeque};
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;

/// Redis's limits: a line without its CRLF (`PROTO_INLINE_MAX_SIZE`), a bulk string.
pub const MAX_LINE: usize = 64 * 1024;
pub const MAX_BULK: i64 = 512 * 1024 * 1024;

/// Redis's command table: name and arity, name included (`n`: exactly; `-n`: at least).
#[rustfmt::skip]
pub const COMMANDS: [(&str, i64); 11] = [
    ("ping", -1), ("echo", 2), ("set", -3), ("get", 2), ("del", -2), ("incr", 2),
    ("expire", 3), ("ttl", 2), ("multi", 1), ("exec", 1), ("discard", 1),
];
pub const NOT_AN_INTEGER: &str = "ERR value is not an integer or out of range";

pub fn wrong_arity(name: &str) -> String {
    format!("ERR wrong number of arguments for '{name}' command")
}

pub type Command = Vec<Vec<u8>>;

pub fn simple(s: &str) -> Vec<u8> {
    format!("+{s}\r\n").into_bytes()
}

/// An error reply. It may quote the client's bytes: CR and LF become spaces, as in Redis,
/// or they would end the reply early and start one the client did not cause (CWE-93).
pub fn error(msg: &str) -> Vec<u8> {
    format!("-{}\r\n", msg.replace(['\r', '\n'], " ")).into_bytes()
}

pub fn integer(n: i64) -> Vec<u8> {
    format!(":{n}\r\n").into_bytes()
}

/// A bulk string; `None`: the null bulk string `$-1`.
pub fn bulk(data: Option<&[u8]>) -> Vec<u8> {
    data.map_or(b"$-1\r\n".to_vec(), |data| {
        [format!("${}\r\n", data.len()).as_bytes(), data, b"\r\n"].concat()
    })
}

/// An integer as Redis reads one (`string2ll`): canonical decimal only (no `+`, no leading
/// zero, no space).
pub fn parse_int(bytes: &[u8]) -> Option<i64> {
    let n: i64 = std::str::from_utf8(bytes).ok()?.parse().ok()?;
    (n.to_string().as_bytes() == bytes).then_some(n)
}

pub struct Entry {
    pub value: Vec<u8>,
    /// Unix ms; `None`: the key does not expire.
    pub deadline_ms: Option<u64>,
}

pub struct Store {
    pub clock: Arc<dyn Clock>,
    pub entries: HashMap<Vec<u8>, Entry>,
}

impl Store {
    /// The entry of `key` if the key exists; every command looks keys up through here.
    pub fn live(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let now = self.clock.now_unix_ms();
        if self.entries.get(key)?.deadline_ms.is_some_and(|d| now > d) {
            self.entries.remove(key);
            return None;
        }
        self.entries.get_mut(key)
    }
}

/// The store all clients share; `lock` is the way in.
pub struct Db {
    store: Mutex<Store>,
    /// For tests: commands of another client, one of which runs first each time `lock`
    /// is called, as the OS scheduler may let another client in whenever the lock is free.
    cut_in: Mutex<VecDeque<Command>>,
}

impl Db {
    pub fn new(clock: Arc<dyn Clock>) -> Arc<Db> {
        let (entries, cut_in) = (HashMap::new(), Mutex::default());
        let store = Mutex::new(Store { clock, entries });
        Arc::new(Db { store, cut_in })
    }

    pub fn lock(&self) -> MutexGuard<'_, Store> {
        let mut store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        let mut cut_in = self.cut_in.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(command) = cut_in.pop_front() {
            execute(&mut store, &command);
        }
        store
    }

    /// For tests: `words` (split on spaces) run at the next `lock`, before its caller.
    pub fn cut_in(&self, words: &str) {
        let command = words.split(' ').map(|w| w.as_bytes().to_vec()).collect();
        let mut cut_in = self.cut_in.lock().unwrap_or_else(PoisonError::into_inner);
        cut_in.push_back(command);
    }
}

/// What parsing `buf` gives: `Ok(None)` while the bytes are incomplete; `Err(reason)`
/// for bytes that can never be a command (Redis answers `-ERR Protocol error: {reason}`).
pub type Parsed<T> = Result<Option<T>, String>;

/// The line at `buf[from..]` up to `end` (`\n` or `\r\n`), and where the next one starts;
/// `Err(too_big)` if it is already longer than `MAX_LINE`.
fn line<'b>(buf: &'b [u8], from: usize, end: &[u8], too_big: &str) -> Parsed<(&'b [u8], usize)> {
    let rest = buf.get(from..).unwrap_or_default();
    match rest.windows(end.len()).position(|w| w == end) {
        Some(at) => Ok(Some((&rest[..at], from + at + end.len()))),
        None if rest.len() > MAX_LINE => Err(too_big.to_string()),
        None => Ok(None),
    }
}

/// One command from the start of `buf`, and how many bytes it used (a blank line has no
/// words).
pub fn parse_command(buf: &[u8]) -> Parsed<(Command, usize)> {
    if buf.first() != Some(&b'*') {
        let Some((text, used)) = line(buf, 0, b"\n", "too big inline request")? else {
            return Ok(None);
        };
        let words = text
            .split(u8::is_ascii_whitespace)
            .filter(|w| !w.is_empty());
        return Ok(Some((words.map(<[u8]>::to_vec).collect(), used)));
    }
    let Some((count, mut pos)) = line(buf, 1, b"\r\n", "too big mbulk count string")? else {
        return Ok(None);
    };
    let count = parse_int(count).filter(|&n| n <= i64::from(i32::MAX));
    let mut words = Vec::new(); // not `with_capacity(count)`: count comes from the network
    for _ in 0..count.ok_or("invalid multibulk length")? {
        match buf.get(pos) {
            None => return Ok(None),
            Some(b'$') => {}
            Some(&other) => return Err(format!("expected '$', got '{}'", other as char)),
        }
        let Some((len, start)) = line(buf, pos + 1, b"\r\n", "too big bulk count string")? else {
            return Ok(None);
        };
        let len = parse_int(len).filter(|n| (0..=MAX_BULK).contains(n));
        let end = start + len.ok_or("invalid bulk length")? as usize;
        if buf.len() < end + 2 {
            return Ok(None);
        }
        words.push(buf[start..end].to_vec());
        pos = end + 2;
    }
    Ok(Some((words, pos)))
}

/// Runs one command whose name `COMMANDS` knows, with an arity it allows.
pub fn execute(store: &mut Store, command: &[Vec<u8>]) -> Vec<u8> {
    let name = String::from_utf8_lossy(&command[0]).to_ascii_lowercase();
    let now = store.clock.now_unix_ms();
    match (name.as_str(), &command[1..]) {
        ("ping", []) => simple("PONG"),
        ("ping" | "echo", [msg]) => bulk(Some(msg)),
        ("get", [key]) => bulk(store.live(key).map(|e| e.value.as_slice())),
        ("set", [key, value, options @ ..]) => {
            let (mut ttl, mut nx, mut options) = (None, None, options.iter());
            while let Some(option) = options.next() {
                // As in Redis: EX excludes PX, NX excludes XX; a repeat is allowed.
                match (option.to_ascii_uppercase().as_slice(), options.as_slice()) {
                    (b"EX", [n, ..]) if ttl.is_none_or(|(_, unit)| unit == 1000) => {
                        (ttl, _) = (Some((n, 1000)), options.next());
                    }
                    (b"PX", [n, ..]) if ttl.is_none_or(|(_, unit)| unit == 1) => {
                        (ttl, _) = (Some((n, 1)), options.next());
                    }
                    (b"NX", _) if nx != Some(false) => nx = Some(true),
                    (b"XX", _) if nx != Some(true) => nx = Some(false),
                    _ => return error("ERR syntax error"),
                }
            }
            let mut deadline_ms = None;
            if let Some((n, unit)) = ttl {
                let Some(n) = parse_int(n) else {
                    return error(NOT_AN_INTEGER);
                };
                let ms = u64::try_from(n).ok().filter(|&n| n > 0);
                deadline_ms = ms.and_then(|n| n.checked_mul(unit)?.checked_add(now));
                if deadline_ms.is_none() {
                    return error("ERR invalid expire time in 'set' command");
                }
            }
            // NX: only if the key is missing; XX: only if it exists.
            if nx.is_some_and(|nx| nx == store.live(key).is_some()) {
                return bulk(None);
            }
            let value = value.clone();
            store
                .entries
                .insert(key.clone(), Entry { value, deadline_ms });
            simple("OK")
        }
        ("del", keys) => {
            let mut removed = 0;
            for key in keys {
                if store.live(key).is_some() {
                    store.entries.remove(key);
                    removed += 1;
                }
            }
            integer(removed)
        }
        ("incr", [key]) => {
            let Some(entry) = store.live(key) else {
                let (value, deadline_ms) = (b"1".to_vec(), None);
                store
                    .entries
                    .insert(key.clone(), Entry { value, deadline_ms });
                return integer(1);
            };
            match parse_int(&entry.value).map(|n| n.checked_add(1)) {
                None => error(NOT_AN_INTEGER),
                Some(None) => error("ERR increment or decrement would overflow"),
                Some(Some(n)) => {
                    entry.value = n.to_string().into_bytes(); // in place: the TTL stays
                    integer(n)
                }
            }
        }
        ("expire", [key, seconds]) => {
            let Some(seconds) = parse_int(seconds) else {
                return error(NOT_AN_INTEGER);
            };
            let ms = seconds.checked_mul(1000);
            let Some(deadline) = ms.and_then(|ms| now.checked_add_signed(ms)) else {
                return error("ERR invalid expire time in 'expire' command");
            };
            let Some(entry) = store.live(key) else {
                return integer(0);
            };
            entry.deadline_ms = Some(deadline);
            if seconds <= 0 {
                store.entries.remove(key); // a deadline not in the future: gone now
            }
            integer(1)
        }
        ("ttl", [key]) => match store.live(key).map(|e| e.deadline_ms) {
            None => integer(-2),
            Some(None) => integer(-1),
            Some(Some(deadline)) => integer(((deadline - now + 500) / 1000) as i64),
        },
        _ => error(&wrong_arity(&name)),
    }
}

/// One connection, and its transaction if one is open.
pub struct Client {
    db: Arc<Db>,
    /// `Some` between MULTI and EXEC or DISCARD: the commands queued.
    queued: Option<Vec<Command>>,
    /// A command was refused while queuing: the EXEC must abort.
    dirty: bool,
}

impl Client {
    pub fn new(db: Arc<Db>) -> Self {
        let (queued, dirty) = (None, false);
        Client { db, queued, dirty }
    }

    /// Answers the commands of `conn` until it ends, or until a protocol error (answered,
    /// then the connection is closed). May be called again with more input.
    pub fn serve(&mut self, mut conn: impl Read + Write) -> io::Result<()> {
        let (mut buf, mut chunk) = (Vec::new(), [0u8; 4096]);
        loop {
            let mut replies = Vec::new();
            loop {
                match parse_command(&buf) {
                    Ok(None) => break,
                    Ok(Some((command, used))) => {
                        buf.drain(..used);
                        if !command.is_empty() {
                            replies.extend(self.handle(&command));
                        }
                    }
                    Err(reason) => {
                        replies.extend(error(&format!("ERR Protocol error: {reason}")));
                        return conn.write_all(&replies);
                    }
                }
            }
            conn.write_all(&replies)?; // one write for all the replies of a read
            match conn.read(&mut chunk)? {
                0 => return Ok(()),
                n => buf.extend_from_slice(&chunk[..n]),
            }
        }
    }

    /// The reply to one command of this connection.
    pub fn handle(&mut self, command: &[Vec<u8>]) -> Vec<u8> {
        let name = String::from_utf8_lossy(&command[0]).to_ascii_lowercase();
        let refused = match COMMANDS.iter().find(|(known, _)| *known == name) {
            None => {
                let typed = String::from_utf8_lossy(&command[0]);
                let args = command[1..].iter().map(|a| String::from_utf8_lossy(a));
                let args: String = args.map(|a| format!("'{a}' ")).collect();
                Some(format!(
                    "ERR unknown command '{typed}', with args beginning with: {args}"
                ))
            }
            Some(&(_, arity)) => {
                let n = command.len() as i64;
                let fits = if arity > 0 { n == arity } else { n >= -arity };
                (!fits).then(|| wrong_arity(&name))
            }
        };
        if let Some(message) = refused {
            self.dirty |= self.queued.is_some();
            return error(&message);
        }
        match (name.as_str(), self.queued.as_mut()) {
            ("multi", Some(_)) => error("ERR MULTI calls can not be nested"),
            ("multi", None) => {
                self.queued = Some(Vec::new());
                simple("OK")
            }
            ("exec", None) => error("ERR EXEC without MULTI"),
            ("discard", None) => error("ERR DISCARD without MULTI"),
            ("discard", Some(_)) => {
                (self.queued, self.dirty) = (None, false);
                simple("OK")
            }
            ("exec", Some(_)) => {
                let queued = self.queued.take().unwrap_or_default();
                if std::mem::take(&mut self.dirty) {
                    return error("EXECABORT Transaction discarded because of previous errors.");
                }
                let mut store = self.db.lock(); // once: no other client gets in between
                let mut replies = format!("*{}\r\n", queued.len()).into_bytes();
                for command in &queued {
                    replies.extend(execute(&mut store, command));
                }
                replies
            }
            (_, Some(queue)) => {
                queue.push(command.to_vec());
                simple("QUEUED")
            }
            (_, None) => execute(&mut self.db.lock(), command),
        }
    }
}

/// Serves each connection of `listener` on a thread of its own, all on one store.
pub fn accept_loop(listener: TcpListener, db: Arc<Db>) {
    for conn in listener.incoming().flatten() {
        let db = Arc::clone(&db);
        thread::spawn(move || Client::new(db).serve(conn));
    }
}

fn main() -> io::Result<()> {
    let port = std::env::args()
        .nth(1)
        .map_or(Ok(6380), |port| port.parse());
    let port: u16 = port.expect("usage: capstone_redis_lite [PORT]");
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
    println!("Listening on {}", listener.local_addr()?);
    io::stdout().flush()?;
    accept_loop(listener, Db::new(Arc::new(SystemClock)));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::{ManualClock, ScriptedStream};
    use std::net::{SocketAddr, TcpStream};
    use std::time::Duration;

    /// One connection to a store, and the store's clock.
    struct Session {
        client: Client,
        clock: Arc<ManualClock>,
    }

    /// Two connections to one fresh store.
    fn pair() -> (Session, Session) {
        let clock = Arc::new(ManualClock::new(1_700_000_000_000));
        let db = Db::new(clock.clone());
        let session = |client| Session {
            client,
            clock: clock.clone(),
        };
        (session(Client::new(db.clone())), session(Client::new(db)))
    }

    fn session() -> Session {
        pair().0
    }

    impl Session {
        /// Serves `conn` to its end; what the server wrote back.
        fn serve(&mut self, mut conn: ScriptedStream) -> String {
            let served = self.client.serve(&mut conn);
            served.expect("serve returns Ok at the end of the input");
            String::from_utf8_lossy(conn.written()).into_owned()
        }

        /// Checks the reply to `input`, sent one byte per read.
        fn says(&mut self, input: impl AsRef<[u8]>, want: &str) {
            let input = input.as_ref();
            let got = self.serve(ScriptedStream::new(input));
            assert_eq!(got, want, "reply to {:?}", String::from_utf8_lossy(input));
        }

        /// Checks the reply (+ CRLF) to each command, sent as a RESP array of its words;
        /// `+ms` moves the clock instead.
        fn talk(&mut self, steps: &[(&str, &str)]) {
            for (command, want) in steps {
                let Some(ms) = command.strip_prefix('+') else {
                    self.says(cmd(command), &format!("{want}\r\n"));
                    continue;
                };
                self.clock
                    .advance(Duration::from_millis(ms.parse().unwrap()));
            }
        }
    }

    /// The words of `line` as clients send them: a RESP array of bulk strings.
    fn cmd(line: &str) -> String {
        let words: Vec<&str> = line.split(' ').collect();
        let each = words.iter().map(|w| format!("${}\r\n{w}\r\n", w.len()));
        format!("*{}\r\n{}", words.len(), each.collect::<String>())
    }

    /// Serves a fresh store over real TCP on 127.0.0.1 (a free port); connects a client.
    fn tcp_client() -> (TcpStream, SocketAddr) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let db = Db::new(Arc::new(ManualClock::new(0)));
        thread::spawn(move || accept_loop(listener, db));
        (connect(addr), addr)
    }

    fn connect(addr: SocketAddr) -> TcpStream {
        let conn = TcpStream::connect(addr).unwrap();
        // A server that does not answer fails the test instead of hanging it.
        conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        conn
    }

    /// Writes `input`, then reads exactly as many bytes as `want` has.
    fn call(conn: &mut TcpStream, input: &str, want: &str) {
        conn.write_all(input.as_bytes()).unwrap();
        let mut got = vec![0; want.len()];
        let read = conn.read_exact(&mut got);
        assert!(read.is_ok(), "{input:?}: no {want:?} within 5 s: {read:?}");
        assert_eq!(String::from_utf8_lossy(&got), want, "{input:?}");
    }

    mod ping {
        use super::*;

        #[test]
        fn ping_gets_pong_as_a_resp_array_or_an_inline_command() {
            let mut s = session();
            s.says("*1\r\n$4\r\nPING\r\n", "+PONG\r\n");
            s.says("*1\r\n$4\r\nping\r\n", "+PONG\r\n"); // any case
            s.says("PING\r\n", "+PONG\r\n");
            s.says("\r\n  pInG \n", "+PONG\r\n"); // a blank line, spaces, LF alone
        }

        #[test]
        fn a_command_cut_short_is_not_answered_yet() {
            let mut s = session();
            for cut in [
                "*1\r\n$4\r\nPING\r",
                "*1\r\n$4\r\nPI",
                "*1\r\n",
                "*",
                "PING\r",
            ] {
                s.says(cut, "");
            }
            let chunks = ["*1\r", "\n$4\r\nPI", "NG\r", "\n"];
            assert_eq!(s.serve(ScriptedStream::from_chunks(chunks)), "+PONG\r\n");
        }

        #[test]
        fn several_pings_on_one_tcp_connection() {
            let (mut conn, _) = tcp_client();
            for _ in 0..3 {
                call(&mut conn, "*1\r\n$4\r\nPING\r\n", "+PONG\r\n");
            }
            call(&mut conn, "PING\r\n", "+PONG\r\n");
        }
    }

    mod echo {
        use super::*;

        #[test]
        fn echo_and_ping_with_a_message_reply_with_a_bulk_string() {
            let mut s = session();
            #[rustfmt::skip]
            s.talk(&[("ECHO hey", "$3\r\nhey"), ("PING hi", "$2\r\nhi"), ("echo x", "$1\r\nx")]);
            s.says("ECHO hello\r\n", "$5\r\nhello\r\n");
        }

        #[test]
        fn echo_is_binary_safe() {
            let mut s = session();
            s.says("*2\r\n$4\r\nECHO\r\n$4\r\na\r\nb\r\n", "$4\r\na\r\nb\r\n");
            s.says("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", "$0\r\n\r\n");
            s.says(
                b"*2\r\n$4\r\necho\r\n$2\r\n\xff\x00\r\n",
                "$2\r\n\u{fffd}\0\r\n",
            );
        }
    }

    mod set_get {
        use super::*;

        #[test]
        fn set_get_and_del() {
            #[rustfmt::skip]
            session().talk(&[
                ("GET k", "$-1"), ("SET k hello", "+OK"), ("GET k", "$5\r\nhello"),
                ("set k hi", "+OK"), ("get k", "$2\r\nhi"), ("SET other x", "+OK"),
                ("DEL k nope k", ":1"), ("GET k", "$-1"), ("GET other", "$1\r\nx"),
            ]);
        }

        #[test]
        fn incr_counts_from_zero_and_refuses_what_is_not_an_integer() {
            let mut s = session();
            #[rustfmt::skip]
            s.talk(&[
                ("INCR hits", ":1"), ("INCR hits", ":2"), ("GET hits", "$1\r\n2"),
                ("SET n -2", "+OK"), ("INCR n", ":-1"), ("INCR n", ":0"), ("INCR n", ":1"),
                ("SET max 9223372036854775807", "+OK"),
                ("INCR max", "-ERR increment or decrement would overflow"),
            ]);
            for value in ["abc", "1.5", "+1", "007", "-0", "9223372036854775808"] {
                let (set, get) = (format!("SET k {value}"), format!("${}", value.len()));
                let err = "-ERR value is not an integer or out of range";
                let get = format!("{get}\r\n{value}");
                s.talk(&[(&set, "+OK"), ("INCR k", err), ("GET k", &get)]);
            }
        }

        #[test]
        fn unknown_commands_and_wrong_arity_are_refused_as_redis_words_it() {
            let wrong = |name| format!("-ERR wrong number of arguments for '{name}' command");
            let (get, set, ping, echo) = (wrong("get"), wrong("set"), wrong("ping"), wrong("echo"));
            #[rustfmt::skip]
            session().talk(&[
                ("FOO bar baz", "-ERR unknown command 'FOO', with args beginning with: 'bar' 'baz' "),
                ("foo", "-ERR unknown command 'foo', with args beginning with: "),
                ("GET", &get), ("GET a b", &get), ("SET k", &set), ("PING a b", &ping),
                ("ECHO", &echo), ("DEL", &wrong("del")), ("INCR a b", &wrong("incr")),
            ]);
        }

        #[test]
        fn an_error_that_quotes_the_client_cannot_inject_a_reply() {
            let smuggled = "*2\r\n$9\r\nX\r\n+PWNED\r\n$3\r\na\nb\r\n";
            let want = "-ERR unknown command 'X  +PWNED', with args beginning with: 'a b' \r\n";
            session().says(smuggled, want); // CR and LF become spaces (CWE-93)
        }
    }

    mod expiry {
        use super::*;

        #[test]
        fn a_key_expires_once_the_clock_is_past_its_deadline() {
            #[rustfmt::skip]
            session().talk(&[
                ("SET a 1 PX 1500", "+OK"), ("set b 2 ex 2", "+OK"), ("+1500", ""),
                ("GET a", "$1\r\n1"), ("+1", ""), ("GET a", "$-1"), ("GET b", "$1\r\n2"),
                ("+500", ""), ("GET b", "$-1"), ("SET c 3 PX 1", "+OK"), ("+2", ""), ("DEL c", ":0"),
            ]);
        }

        #[test]
        fn ttl_is_minus_two_minus_one_or_the_seconds_left_rounded() {
            #[rustfmt::skip]
            session().talk(&[
                ("TTL nope", ":-2"), ("SET forever v", "+OK"), ("TTL forever", ":-1"),
                ("SET k v EX 10", "+OK"), ("TTL k", ":10"), ("+8500", ""), ("TTL k", ":2"),
                ("+1", ""), ("TTL k", ":1"), ("+1499", ""), ("TTL k", ":0"), ("+1", ""), ("TTL k", ":-2"),
            ]);
        }

        #[test]
        fn expire_sets_replaces_or_deletes() {
            #[rustfmt::skip]
            session().talk(&[
                ("EXPIRE k 10", ":0"), ("SET k v", "+OK"), ("EXPIRE k 10", ":1"), ("TTL k", ":10"),
                ("EXPIRE k 3", ":1"), ("+3001", ""), ("EXPIRE k 10", ":0"),
                ("SET k v", "+OK"), ("EXPIRE k 0", ":1"), ("GET k", "$-1"),
                ("SET k v", "+OK"), ("EXPIRE k -5", ":1"), ("TTL k", ":-2"),
                ("EXPIRE k 1x", "-ERR value is not an integer or out of range"),
                ("EXPIRE k 9223372036854775807", "-ERR invalid expire time in 'expire' command"),
            ]);
        }

        #[test]
        fn nx_xx_and_a_plain_set_that_clears_the_ttl() {
            #[rustfmt::skip]
            session().talk(&[
                ("SET k v NX", "+OK"), ("SET k w NX", "$-1"), ("GET k", "$1\r\nv"),
                ("SET x v XX", "$-1"), ("GET x", "$-1"), ("SET k w xx", "+OK"), ("GET k", "$1\r\nw"),
                ("SET e v PX 10", "+OK"), ("+11", ""), ("SET e w XX", "$-1"), // expired: missing
                ("SET e 1 nx EX 5", "+OK"), ("INCR e", ":2"), ("TTL e", ":5"), // INCR keeps it
                ("SET e 5 EX 60 NX", "$-1"), ("TTL e", ":5"), ("SET e 5", "+OK"), ("TTL e", ":-1"),
            ]);
        }

        #[test]
        fn bad_options_and_expire_times_are_refused_and_store_nothing() {
            let syntax = "-ERR syntax error";
            let invalid = "-ERR invalid expire time in 'set' command";
            let huge = "SET k v EX 9223372036854775807";
            #[rustfmt::skip]
            session().talk(&[
                ("SET k v EX 0", invalid), ("SET k v PX -1", invalid), (huge, invalid),
                ("SET k v EX ten", "-ERR value is not an integer or out of range"),
                ("SET k v EX", syntax), ("SET k v EX 1 PX 1", syntax), ("SET k v PX 1 EX 1", syntax),
                ("SET k v NX XX", syntax), ("SET k v XX NX", syntax), ("SET k v KEEP", syntax),
                ("GET k", "$-1"), ("SET k v PX 1 PX 2 NX NX", "+OK"), ("SET k v EX 1 EX 2 XX XX", "+OK"),
            ]);
        }
    }

    mod transactions {
        use super::*;

        #[test]
        fn multi_queues_commands_and_exec_runs_them_in_order() {
            let (mut s, mut other) = pair();
            #[rustfmt::skip]
            s.talk(&[("MULTI", "+OK"), ("SET k 1", "+QUEUED"), ("INCR k", "+QUEUED"), ("GET k", "+QUEUED")]);
            other.talk(&[("GET k", "$-1")]); // nothing ran yet
            #[rustfmt::skip]
            s.talk(&[("EXEC", "*3\r\n+OK\r\n:2\r\n$1\r\n2"), ("MULTI", "+OK"), ("EXEC", "*0")]);
        }

        #[test]
        fn discard_drops_the_queue_and_exec_or_discard_need_a_multi() {
            #[rustfmt::skip]
            session().talk(&[
                ("EXEC", "-ERR EXEC without MULTI"), ("DISCARD", "-ERR DISCARD without MULTI"),
                ("MULTI", "+OK"), ("SET k 1", "+QUEUED"), ("MULTI", "-ERR MULTI calls can not be nested"),
                ("DISCARD", "+OK"), ("GET k", "$-1"), ("EXEC", "-ERR EXEC without MULTI"),
            ]);
        }

        #[test]
        fn a_command_refused_while_queuing_aborts_the_exec() {
            let abort = "-EXECABORT Transaction discarded because of previous errors.";
            let get = "-ERR wrong number of arguments for 'get' command";
            #[rustfmt::skip]
            session().talk(&[
                ("MULTI", "+OK"), ("SET a 1", "+QUEUED"),
                ("NOPE", "-ERR unknown command 'NOPE', with args beginning with: "),
                ("SET b 1", "+QUEUED"), ("GET a b", get), ("EXEC", abort), ("GET a", "$-1"),
                ("MULTI", "+OK"), ("GET", get), ("DISCARD", "+OK"), // a new transaction is clean
                ("MULTI", "+OK"), ("INCR a", "+QUEUED"), ("EXEC", "*1\r\n:1"),
            ]);
        }

        #[test]
        fn errors_while_running_are_elements_of_execs_reply() {
            #[rustfmt::skip]
            session().talk(&[
                ("SET s abc", "+OK"), ("MULTI", "+OK"), ("INCR s", "+QUEUED"),
                ("SET k v EX 0", "+QUEUED"), ("PING a b", "+QUEUED"), ("SET k v", "+QUEUED"),
                ("EXEC", "*4\r\n-ERR value is not an integer or out of range\r\n\
                  -ERR invalid expire time in 'set' command\r\n\
                  -ERR wrong number of arguments for 'ping' command\r\n+OK"),
                ("GET k", "$1\r\nv"),
            ]);
        }

        #[test]
        fn exec_takes_the_lock_once_so_no_other_client_gets_in_between() {
            let mut s = session();
            #[rustfmt::skip]
            s.talk(&[("MULTI", "+OK"), ("INCR n", "+QUEUED"), ("INCR n", "+QUEUED"), ("INCR n", "+QUEUED")]);
            // Another client's INCR gets in the next two times the lock is taken.
            s.client.db.cut_in("INCR n");
            s.client.db.cut_in("INCR n");
            s.talk(&[("EXEC", "*3\r\n:2\r\n:3\r\n:4"), ("GET n", "$1\r\n5")]);
        }
    }

    mod clients {
        use super::*;

        const PIPELINE: &str = "PING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nv1\r\n\
            *2\r\n$3\r\nGET\r\n$1\r\nk\r\nMULTI\r\nINCR n\r\nEXEC\r\nECHO bye\r\n";
        const REPLIES: &str =
            "+PONG\r\n+OK\r\n$2\r\nv1\r\n+OK\r\n+QUEUED\r\n*1\r\n:1\r\n$3\r\nbye\r\n";

        #[test]
        fn pipelined_commands_in_one_read_all_get_their_replies() {
            let mut s = session();
            let mut one_read =
                |input: String| s.serve(ScriptedStream::new(input).with_max_read(4096));
            assert_eq!(one_read(PIPELINE.into()), REPLIES);
            let want: String = (1..=100).map(|n| format!(":{n}\r\n")).collect();
            assert_eq!(one_read("INCR hits\r\n".repeat(100)), want);
        }

        #[test]
        fn a_pipeline_cut_at_any_byte_gets_the_same_replies() {
            for cut in 0..=PIPELINE.len() {
                let conn = ScriptedStream::from_chunks([&PIPELINE[..cut], &PIPELINE[cut..]]);
                assert_eq!(session().serve(conn), REPLIES, "cut at {cut}");
            }
        }

        #[test]
        fn a_protocol_error_is_answered_then_the_connection_is_closed() {
            #[rustfmt::skip]
            let cases = [
                ("*x\r\n", "invalid multibulk length"), ("*2147483648\r\n", "invalid multibulk length"),
                ("*1\r\n+PING\r\n", "expected '$', got '+'"), ("*1\r\n$-1\r\n", "invalid bulk length"),
                ("*1\r\n$+4\r\nPING\r\n", "invalid bulk length"), ("*1\r\n$536870913\r\n", "invalid bulk length"),
            ];
            for (bad, reason) in cases {
                let mut conn = ScriptedStream::new(format!("PING\r\n{bad}PING\r\n"));
                session().client.serve(&mut conn).unwrap();
                let want = format!("+PONG\r\n-ERR Protocol error: {reason}\r\n");
                assert_eq!(String::from_utf8_lossy(conn.written()), want, "{bad:?}");
                assert!(
                    conn.unread().ends_with(b"PING\r\n"),
                    "{bad:?}: read no more"
                );
            }
        }

        #[test]
        fn lengths_from_the_network_are_not_trusted() {
            let mut s = session();
            // 2^31 - 1 words announced, one sent: wait for more, reserve no room for them.
            s.says("*2147483647\r\n$4\r\nPING\r\n", "");
            s.says("*1\r\n$536870912\r\n", ""); // 512 MiB: allowed, waits for the data
            let long = "a".repeat(65536); // 64 KiB without an end: may still end
            let mut fast = |input: String| s.serve(ScriptedStream::new(input).with_max_read(4096));
            assert_eq!(fast(long.clone()), "");
            let too_big = |what| format!("-ERR Protocol error: too big {what}\r\n");
            assert_eq!(fast(format!("{long}a")), too_big("inline request"));
            assert_eq!(fast(format!("*{long}a")), too_big("mbulk count string"));
            assert_eq!(
                fast(format!("*1\r\n${long}a")),
                too_big("bulk count string")
            );
        }

        #[test]
        fn two_tcp_clients_interleave_on_one_store() {
            let (mut a, addr) = tcp_client();
            let mut b = connect(addr);
            call(&mut a, &cmd("SET k 1"), "+OK\r\n");
            call(&mut b, &cmd("GET k"), "$1\r\n1\r\n");
            call(&mut a, "MULTI\r\nINCR k\r\n", "+OK\r\n+QUEUED\r\n");
            call(&mut b, &cmd("INCR k"), ":2\r\n");
            call(&mut a, &cmd("EXEC"), "*1\r\n:3\r\n");
            call(&mut b, PIPELINE, REPLIES);
            call(&mut a, "*1\r\n$4\r\nPI", "");
            call(&mut a, "NG\r\n*1\r\n", "+PONG\r\n");
            let error = "-ERR Protocol error: expected '$', got 'x'\r\n";
            call(&mut a, "x\r\n", error);
            let closed = a.read(&mut [0; 16]).map_err(|e| e.kind());
            assert_eq!(closed, Ok(0), "closed after a protocol error");
            call(&mut b, "GET k\r\n", "$2\r\nv1\r\n");
        }
    }
}
