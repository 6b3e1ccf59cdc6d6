//! # Capstone: a WebSocket chat server
//!
//! Roadmap step: **Real-time data: WebSockets** and **Asynchronism**
//! (<https://roadmap.sh/backend>): every chat client holds one connection open. The server
//! upgrades it from HTTP, reads masked frames, fans each message out to the client's room,
//! checks that silent peers are still there, and drops peers that break the rules or
//! cannot keep up, without one slow client holding back the others.
//!
//! Clients connect to `/chat/{room}?name={name}` (room and name: 1 to 16 ASCII letters,
//! digits, `-` or `_`). Everyone in the room, the sender too, gets `* ann joined lobby`,
//! `ann: hello` and `* ann left lobby` as text frames. Stages, each on top of the last:
//!
//! 1. **handshake**: `accept_key`, `has_token` and `check_upgrade`, in this order: a path
//!    not under `/chat/` is 404; not an HTTP/1.1 `GET` with a `Host`, `Upgrade: websocket`
//!    and `Connection: upgrade` is 400; `Sec-WebSocket-Version` not `13` is 426; a key that
//!    is not base64 of 16 bytes is 400; an `Origin` not in `ALLOWED_ORIGINS` is 403 (the
//!    defence against Cross-Site WebSocket Hijacking); a bad room or name is 400. Then
//!    `response`: the 101, or the refusal (a 426 names version 13 and `websocket`).
//! 2. **frames**: `decode_frame` (`Ok(None)` until the frame is whole; 1002 for a set RSV
//!    bit, an unknown opcode, an unmasked frame, a fragmented or over-125-byte control
//!    frame, a 64-bit length with its top bit set; 1009 for a length over `max`, at once)
//!    and `encode_frame` (FIN, no mask, the shortest length).
//! 3. **rooms**: `Hub::join`/`Hub::leave` (a `broadcast` channel per room, removed with its
//!    last member) and `chat`: the notices, each text message to the room as `name: text`,
//!    a Close answered with the same status code.
//! 4. **heartbeat**: a Ping gets a Pong with its payload; after `PING_AFTER` without a byte
//!    from the client, send a Ping; after `PONG_WAIT` more, close with 1001.
//! 5. **limits**: a message may come in fragments, at most `MAX_MESSAGE` bytes in all (1009,
//!    as soon as a header announces too much); text must be UTF-8 (1007); binary is
//!    refused (1003); a client that lags `ROOM_CAPACITY` messages behind is closed (1008).
//!
//! Try it: `backlings serve capstone_chat_websocket`, then `websocat
//! ws://127.0.0.1:9001/chat/lobby?name=ann` in two terminals, or the handshake alone:
//! `curl --include -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H
//! 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='
//! 'http://127.0.0.1:9001/chat/lobby?name=ann'`.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc6455#section-4.2> (the server's handshake),
//!   <https://www.rfc-editor.org/rfc/rfc6455#section-10.2> (Origin)
//! - <https://www.rfc-editor.org/rfc/rfc6455#section-5.2> (frames), §5.4 (fragments),
//!   §5.5 (control frames), <https://www.rfc-editor.org/rfc/rfc6455#section-7.4.1> (codes)
//! - <https://docs.rs/tokio/1.54.1/tokio/sync/broadcast/index.html> (lagging receivers)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use base64::{engine::general_purpose::STANDARD, Engine};
use sha1::{Digest, Sha1};
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::broadcast::{self, Receiver, Sender};
use tokio::time::{sleep_until, timeout, Instant};

pub const PORT: u16 = 9001;
pub const ALLOWED_ORIGINS: [&str; 2] = ["http://127.0.0.1:9001", "http://localhost:9001"];
pub const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
pub const MAX_HEAD: usize = 8 * 1024;
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
pub const MAX_MESSAGE: usize = 1024;
pub const ROOM_CAPACITY: usize = 16;
pub const PING_AFTER: Duration = Duration::from_secs(30);
pub const PONG_WAIT: Duration = Duration::from_secs(10);
// Opcodes (RFC 6455 §5.2).
pub const CONTINUATION: u8 = 0x0;
pub const TEXT: u8 = 0x1;
pub const BINARY: u8 = 0x2;
pub const CLOSE: u8 = 0x8;
pub const PING: u8 = 0x9;
pub const PONG: u8 = 0xA;

/// A connection's bytes: a TCP stream when served, an in-memory one in the tests. (A
/// trait object, not a generic: one copy of the server to compile, not two.)
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}
pub type Conn = Box<dyn Stream>;

/// An HTTP request head; header names in lower case.
pub struct Head {
    pub method: String,
    pub target: String,
    pub version: String,
    pub headers: Vec<(String, String)>,
}

impl Head {
    pub fn parse(text: &str) -> Option<Head> {
        let mut lines = text.split("\r\n");
        let line: Vec<&str> = lines.next()?.split(' ').collect();
        let [method, target, version] = line[..] else {
            return None;
        };
        let mut headers = Vec::new();
        for line in lines {
            let (name, value) = line.split_once(':')?;
            headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
        }
        let [method, target, version] = [method, target, version].map(String::from);
        Some(Head {
            method,
            target,
            version,
            headers,
        })
    }

    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let (_, value) = self.headers.iter().find(|(n, _)| n == name)?;
        Some(value)
    }
}

/// Reads a request head into `buf` (bytes after it stay there); `Err(status)` if it is
/// malformed (400) or too large (431).
async fn read_head(stream: &mut Conn, buf: &mut Vec<u8>) -> io::Result<Result<Head, u16>> {
    loop {
        let end = buf.windows(4).position(|w| w == b"\r\n\r\n");
        if end.map_or(buf.len(), |end| end + 4) > MAX_HEAD {
            return Ok(Err(431));
        }
        if let Some(end) = end {
            let head = std::str::from_utf8(&buf[..end]).ok().and_then(Head::parse);
            buf.drain(..end + 4);
            return Ok(head.ok_or(400));
        }
        if stream.read_buf(buf).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        426 => "Upgrade Required",
        _ => "Request Header Fields Too Large",
    }
}

/// An accepted upgrade.
pub struct Upgrade {
    pub room: String,
    pub name: String,
    pub accept: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub fin: bool,
    pub opcode: u8,
    pub payload: Vec<u8>,
}

/// The rooms, each a broadcast channel. (A `Vec`: a chat server has a few rooms.)
#[derive(Default)]
pub struct Hub {
    rooms: Mutex<Vec<(String, Sender<String>)>>,
}

impl Hub {
    /// `room:members` for each room, sorted.
    pub fn rooms(&self) -> Vec<String> {
        let rooms = self.rooms.lock().unwrap();
        let mut rooms: Vec<String> = (rooms.iter())
            .map(|(room, tx)| format!("{room}:{}", tx.receiver_count()))
            .collect();
        rooms.sort();
        rooms
    }
}

/// A room or a name: 1 to 16 ASCII letters, digits, `-` or `_`.
pub fn is_word(word: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    (1..=16).contains(&word.len()) && word.chars().all(allowed)
}

/// Serves every connection of `listener`, each in a task of its own.
pub async fn serve(listener: TcpListener, hub: Arc<Hub>) -> io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(connection(hub.clone(), Box::new(stream)));
    }
}

/// One connection: the handshake (within `HANDSHAKE_TIMEOUT`), then the chat.
pub async fn connection(hub: Arc<Hub>, mut stream: Conn) -> io::Result<()> {
    let mut buf = Vec::new();
    let Ok(head) = timeout(HANDSHAKE_TIMEOUT, read_head(&mut stream, &mut buf)).await else {
        return Ok(()); // a client that never finishes its request holds nothing
    };
    let outcome = head?.and_then(|head| check_upgrade(&head));
    stream.write_all(response(&outcome).as_bytes()).await?;
    match outcome {
        Ok(who) => chat(&hub, stream, buf, &who).await,
        Err(_) => stream.shutdown().await,
    }
}

/// Sends one frame.
async fn send(stream: &mut Conn, opcode: u8, payload: &[u8]) -> io::Result<()> {
    stream.write_all(&encode_frame(opcode, payload)).await
}

// Your part, stage by stage: the functions below (see their TODOs).

/// `Sec-WebSocket-Accept` for `key` (RFC 6455 §4.2.2).
pub fn accept_key(key: &str) -> String {
    // TODO (stage 1): base64 (standard, padded) of the SHA-1 of `key` then `GUID`.
    todo!()
}

/// Whether a comma-separated list in any line of header `name` holds `token` (any case).
pub fn has_token(head: &Head, name: &str, token: &str) -> bool {
    // TODO (stage 1): the items of every line of header `name`, each compared with
    // `token` (spaces and tabs around an item do not count).
    todo!()
}

/// The upgrade `head` asks for, or the status that refuses it.
pub fn check_upgrade(head: &Head) -> Result<Upgrade, u16> {
    // TODO (stage 1): the checks of the doc comment at the top, in its order: 404, 400,
    // 426, 400 (the key), 403, then the room and the name (`is_word`) or 400.
    todo!()
}

/// The response head to `outcome`: a 101, or a refusal with `Connection: close`.
pub fn response(outcome: &Result<Upgrade, u16>) -> String {
    // TODO (stage 1): the status line, then for a 101 the accept key, `Upgrade` and
    // `Connection`; for a refusal `Connection: close` and `Content-Length: 0` (a 426 also
    // names version 13 and `websocket`). The tests give the exact bytes.
    todo!()
}

/// The first frame of `buf`, unmasked, and the bytes it took; `Ok(None)` if it is not
/// whole yet; `Err(close code)` if it breaks the protocol or its payload is over `max`.
pub fn decode_frame(buf: &[u8], max: usize) -> Result<Option<(Frame, usize)>, u16> {
    // TODO (stage 2): FIN, RSV, opcode, MASK, the 7-, 16- or 64-bit length, the masking
    // key, the payload unmasked. 1002 or 1009 as soon as the header shows the fault.
    todo!()
}

/// A whole (FIN) unmasked frame, as a server sends it.
pub fn encode_frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    // TODO (stage 2): FIN and the opcode, the shortest length encoding, the payload.
    todo!()
}

impl Hub {
    /// A sender and a new receiver for `room`, created if needed.
    pub fn join(&self, room: &str) -> (Sender<String>, Receiver<String>) {
        // TODO (stage 3): find the room, or add it with a new channel of `ROOM_CAPACITY`;
        // its sender and a new receiver.
        todo!()
    }

    /// Drops `rx`; removes the room if that was its last receiver.
    pub fn leave(&self, room: &str, rx: Receiver<String>) {
        // TODO (stage 3): drop the receiver, then remove the room if it has none left.
        todo!()
    }
}

/// The chat of an upgraded connection (`buf`: bytes read after the request head).
pub async fn chat(hub: &Hub, mut stream: Conn, buf: Vec<u8>, who: &Upgrade) -> io::Result<()> {
    // TODO (stage 3): join the room and tell it "* {name} joined {room}"; `converse`; then
    // leave, tell the room "* {name} left {room}", send the Close `converse` asked for
    // (if any) and shut the stream down.
    todo!()
}

/// The frames of one client until the end: `Some(code)` to close with.
async fn converse(
    stream: &mut Conn,
    mut buf: Vec<u8>,
    who: &Upgrade,
    tx: &Sender<String>,
    rx: &mut Receiver<String>,
) -> io::Result<Option<u16>> {
    // TODO (stage 3): loop: handle every whole frame in `buf` (a decoding error ends with
    // its code); a Close is echoed with its status code and ends; a text message goes to
    // the room as "{name}: {text}". Then wait for whichever comes first: more bytes from
    // the client (0 bytes: it is gone) or a line from the room to send it.
    // TODO (stage 4): a Ping gets a Pong with its payload. `PING_AFTER` after the last
    // bytes from the client, send a Ping; if nothing comes `PONG_WAIT` after it, 1001.
    // TODO (stage 5): fragments (a Text without FIN, then Continuations) make one message
    // of at most `MAX_MESSAGE` bytes (1009); text must be UTF-8 (1007); Binary is refused
    // (1003); a Continuation with nothing to continue, or a new message before the end of
    // the last, is 1002. A client whose receiver lagged is closed with 1008.
    todo!()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let port = std::env::args()
        .nth(1)
        .map_or(PORT, |p| p.parse().expect("a port number"));
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    println!("Listening on {}", listener.local_addr()?);
    io::Write::flush(&mut io::stdout())?;
    serve(listener, Arc::default()).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;
    use tokio::{io::duplex, net::TcpStream, task::JoinHandle, time::sleep};

    const MASK: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];
    const SWITCHED: &str = "HTTP/1.1 101 Switching Protocols\r\n\
        Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\
        Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n";

    /// An upgrade request for `path` (or with this request line, if it has spaces);
    /// `change` replaces a header ("" removes it).
    fn request(path: &str, change: &[(&str, &str)]) -> Vec<u8> {
        let line = if path.contains(' ') {
            path.into()
        } else {
            format!("GET {path} HTTP/1.1")
        };
        let mut req = line + "\r\n";
        #[rustfmt::skip]
        let good = [("Host", "127.0.0.1:9001"), ("Upgrade", "websocket"),
            ("Connection", "Upgrade"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Version", "13"), ("Origin", ALLOWED_ORIGINS[0])];
        for (name, value) in good {
            let value = change.iter().find(|c| c.0 == name).map_or(value, |c| c.1);
            if !value.is_empty() {
                req += &format!("{name}: {value}\r\n");
            }
        }
        (req + "\r\n").into_bytes()
    }

    /// A frame as a client sends it: header byte `first`, payload masked with `MASK`.
    fn masked(first: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![first];
        match payload.len() {
            n if n < 126 => out.push(0x80 | n as u8),
            n => out.extend([0xFE].into_iter().chain((n as u16).to_be_bytes())),
        }
        out.extend(MASK);
        out.extend(payload.iter().zip(MASK.iter().cycle()).map(|(b, k)| b ^ k));
        out
    }

    /// A test client. Every wait is bounded by `limit` (virtual time when the clock is
    /// paused), so a wrong server fails the test instead of hanging it.
    struct Client {
        io: Conn,
        buf: Vec<u8>,
        task: Option<JoinHandle<io::Result<()>>>,
        limit: Duration,
    }

    impl Client {
        fn new(io: Conn, task: Option<JoinHandle<io::Result<()>>>, limit: Duration) -> Client {
            Client {
                io,
                buf: Vec::new(),
                task,
                limit,
            }
        }

        async fn write(&mut self, bytes: &[u8]) {
            let written = timeout(self.limit, self.io.write_all(bytes)).await;
            written.expect("the server does not read").expect("a write");
        }

        /// Reads until `buf` holds `n` bytes; false if the connection ends first.
        async fn fill(&mut self, n: usize) -> bool {
            while self.buf.len() < n {
                let read = timeout(self.limit, self.io.read_buf(&mut self.buf)).await;
                let read = read.expect("the server did not answer in time");
                if read.expect("a read") == 0 {
                    return false;
                }
            }
            true
        }

        async fn head(&mut self) -> String {
            let end = loop {
                if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break end + 4;
                }
                let more = self.fill(self.buf.len() + 1).await;
                assert!(more, "the connection ended in a response head");
            };
            String::from_utf8(self.buf.drain(..end).collect()).unwrap()
        }

        /// The next frame from the server: its first byte and its payload.
        async fn frame(&mut self) -> (u8, Vec<u8>) {
            assert!(self.fill(2).await, "the connection ended before a frame");
            let (b0, b1) = (self.buf[0], self.buf[1]);
            assert!(b1 < 0x80, "a server never masks its frames");
            let at = match b1 {
                126 => 4,
                127 => 10,
                _ => 2,
            };
            assert!(self.fill(at).await, "the connection ended in a frame");
            let len = (self.buf[2..at].iter()).fold(0, |len, &b| len << 8 | usize::from(b));
            let len = if at == 2 { usize::from(b1) } else { len };
            assert!(self.fill(at + len).await, "the connection ended in a frame");
            let frame: Vec<u8> = self.buf.drain(..at + len).collect();
            (b0, frame[at..].to_vec())
        }

        async fn ended(&mut self) {
            let more = self.fill(self.buf.len() + 1).await;
            assert!(!more, "the server should have closed: {:?}", self.buf);
        }
    }

    /// A client of `connection` through an in-memory socket of `size` bytes.
    async fn open(hub: &Arc<Hub>, request: &[u8], size: usize) -> Client {
        let (io, server) = duplex(size);
        let task = Some(tokio::spawn(connection(hub.clone(), Box::new(server))));
        let mut client = Client::new(Box::new(io), task, Duration::from_secs(600));
        client.write(request).await;
        client
    }

    /// A client of a server on `addr`, over TCP.
    async fn tcp(addr: SocketAddr, request: &[u8]) -> Client {
        let io = std::net::TcpStream::connect(addr).unwrap();
        io.set_nonblocking(true).unwrap();
        let io = Box::new(TcpStream::from_std(io).unwrap());
        // Real time: only a broken server waits this long.
        let mut client = Client::new(io, None, Duration::from_secs(5));
        client.write(request).await;
        client
    }

    /// A server on a free port of 127.0.0.1.
    async fn tcp_server(hub: &Arc<Hub>) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(serve(listener, hub.clone()));
        addr
    }

    /// The server's answer to `request`, once it closed the connection (unless a 101).
    async fn answer(hub: &Arc<Hub>, request: &[u8]) -> String {
        let mut client = open(hub, request, 4096).await;
        let head = client.head().await;
        if !head.starts_with("HTTP/1.1 101 ") {
            client.ended().await;
        }
        head
    }

    /// A step of a chat script. Clients are numbered from 0 in the order they join.
    #[derive(Clone, Copy)]
    enum Step {
        /// A client joins `room` as `name` through a socket buffer of `size` bytes (over
        /// TCP if the script has an address), past the 101 and its own join notice.
        Join(&'static str, &'static str, usize),
        /// The client sends a text frame; a frame (first byte, payload); raw bytes.
        Says(usize, &'static str),
        Sends(usize, u8, &'static [u8]),
        Writes(usize, &'static [u8]),
        /// The client's next frame: a text frame; any frame (first byte, payload).
        Hears(usize, &'static str),
        Gets(usize, u8, &'static [u8]),
        /// The client's next frame is a Close with this code, then the connection ends.
        Closed(usize, u16),
        /// The client hangs up; the server's side of it ends without an error.
        HangUp(usize),
        /// The clock moves on by this many seconds; the clock shows this many since the start.
        Sleep(u64),
        At(u64),
        /// `Hub::rooms`.
        Rooms(&'static [&'static str]),
    }
    use Step::*;

    /// A frame, as the assertions show it.
    fn show((first, payload): (u8, &[u8])) -> String {
        match (first, payload) {
            (0x81, text) => format!("text {:?}", String::from_utf8_lossy(text)),
            (0x88, &[a, b]) => format!("close {}", u16::from_be_bytes([a, b])),
            _ => format!("frame {first:#04x} {payload:?}"),
        }
    }

    struct Script {
        hub: Arc<Hub>,
        addr: Option<SocketAddr>,
        clients: Vec<Client>,
        start: Instant,
    }

    impl Script {
        fn new(addr: Option<SocketAddr>, hub: &Arc<Hub>) -> Script {
            let (hub, clients, start) = (hub.clone(), Vec::new(), Instant::now());
            Script {
                hub,
                addr,
                clients,
                start,
            }
        }

        async fn play(&mut self, steps: &[Step]) {
            for (n, &step) in steps.iter().enumerate() {
                let expected = match step {
                    Hears(c, text) => Some((c, 0x81, text.as_bytes())),
                    Gets(c, first, payload) => Some((c, first, payload)),
                    _ => None,
                };
                if let Some((c, first, payload)) = expected {
                    let (b0, got) = self.clients[c].frame().await;
                    let (got, want) = (show((b0, &got)), show((first, payload)));
                    assert_eq!(got, want, "step {n}: the next frame of client {c}");
                    continue;
                }
                let frame = match step {
                    Says(c, text) => Some((c, masked(0x81, text.as_bytes()))),
                    Sends(c, first, payload) => Some((c, masked(first, payload))),
                    Writes(c, bytes) => Some((c, bytes.to_vec())),
                    _ => None,
                };
                if let Some((c, bytes)) = frame {
                    self.clients[c].write(&bytes).await;
                    continue;
                }
                match step {
                    Join(room, name, size) => self.join(n, room, name, size).await,
                    Closed(c, code) => {
                        let (b0, got) = self.clients[c].frame().await;
                        let want = format!("close {code}");
                        assert_eq!(show((b0, &got)), want, "step {n}: client {c}");
                        self.clients[c].ended().await;
                    }
                    HangUp(c) => {
                        let (_, gone) = duplex(1);
                        self.clients[c].io = Box::new(gone); // the old one is dropped
                        let task = self.clients[c].task.take().unwrap();
                        let done = timeout(self.clients[c].limit, task).await.expect("it ends");
                        done.expect("no panic").expect("no error");
                    }
                    Sleep(secs) => sleep(Duration::from_secs(secs)).await,
                    At(secs) => {
                        let at = self.start.elapsed();
                        assert_eq!(at, Duration::from_secs(secs), "step {n}: the clock");
                    }
                    Rooms(rooms) => assert_eq!(self.hub.rooms(), rooms, "step {n}: the rooms"),
                    _ => unreachable!(),
                }
            }
        }

        async fn join(&mut self, n: usize, room: &str, name: &str, size: usize) {
            let req = request(&format!("/chat/{room}?name={name}"), &[]);
            let mut client = match self.addr {
                Some(addr) => tcp(addr, &req).await,
                None => open(&self.hub, &req, size).await,
            };
            let head = client.head().await;
            assert!(
                head.starts_with("HTTP/1.1 101 "),
                "step {n}: {name}: {head}"
            );
            let (b0, got) = client.frame().await;
            let want = format!("text \"* {name} joined {room}\"");
            assert_eq!(show((b0, &got)), want, "step {n}: {name}'s own join notice");
            self.clients.push(client);
        }
    }

    async fn play(steps: &[Step]) -> Script {
        let mut script = Script::new(None, &Arc::new(Hub::default()));
        script.play(steps).await;
        script
    }

    mod handshake {
        use super::*;

        fn lobby(name: &str) -> Vec<u8> {
            request(&format!("/chat/lobby?name={name}"), &[])
        }

        #[test]
        fn the_rfc_example_key_gives_the_rfc_accept_value() {
            let rfc = accept_key("dGhlIHNhbXBsZSBub25jZQ==");
            assert_eq!(rfc, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "RFC 6455 section 1.3");
            let other = accept_key("AQIDBAUGBwgJCgsMDQ4PEA==");
            assert_eq!(other, "C/0nmHhBztSRGR1CwL6Tf4ZjwpY=");
        }

        #[tokio::test(start_paused = true)]
        async fn an_upgrade_is_answered_101_even_one_byte_at_a_time() {
            let hub = Arc::new(Hub::default());
            for size in [4096, 1] {
                let mut client = open(&hub, &lobby("ann"), size).await;
                assert_eq!(client.head().await, SWITCHED, "a {size}-byte socket buffer");
            }
        }

        #[tokio::test(start_paused = true)]
        async fn each_request_gets_its_status_in_the_rfcs_order() {
            let hub = Arc::new(Hub::default());
            #[rustfmt::skip]
            let cases = [
                ("/chat/lobby?name=ann", "Connection", "keep-alive, Upgrade", 101),
                ("/chat/lobby?name=ann", "Connection", "keep-alive,\tUPGRADE ", 101),
                ("/chat/lobby?name=ann", "Upgrade", "h2c, WebSocket", 101),
                ("/chat/lobby?name=ann", "Origin", "", 101), // not a browser
                ("/chat/lobby?name=ann", "Origin", ALLOWED_ORIGINS[1], 101),
                ("/chat/a-b_C9?name=abcdefghijklmnop", "Host", "x", 101),
                ("/", "Upgrade", "", 404), ("/chat", "Host", "x", 404),
                ("/chatroom/lobby?name=ann", "Host", "x", 404),
                ("/chat/lobby?name=ann", "Connection", "keep-alive", 400),
                ("/chat/lobby?name=ann", "Connection", "upgrade-insecure", 400),
                ("/chat/lobby?name=ann", "Connection", "", 400),
                ("/chat/lobby?name=ann", "Upgrade", "websocket2", 400),
                ("/chat/lobby?name=ann", "Upgrade", "", 400),
                ("/chat/lobby?name=ann", "Host", "", 400),
                ("POST /chat/lobby?name=ann HTTP/1.1", "Host", "x", 400),
                ("GET /chat/lobby?name=ann HTTP/1.0", "Host", "x", 400),
                ("GET /chat/lobby?name=ann HTTP/2", "Host", "x", 400),
                ("/chat/lobby?name=ann", "Sec-WebSocket-Version", "8", 426),
                ("/chat/lobby?name=ann", "Sec-WebSocket-Version", "13, 8", 426),
                ("/chat/lobby?name=ann", "Sec-WebSocket-Version", "", 426),
                ("/chat/lobby?name=ann", "Sec-WebSocket-Key", "", 400),
                ("/chat/lobby?name=ann", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ", 400),
                ("/chat/lobby?name=ann", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25j", 400),
                ("/chat/lobby?name=ann", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZSE=", 400),
                ("/chat/lobby?name=ann", "Origin", "null", 403),
                ("/chat/lobby?name=ann", "Origin", "https://evil.example", 403),
                ("/chat/lobby?name=ann", "Origin", "http://127.0.0.1:9001.evil.example", 403),
                ("/chat/lobby?name=ann", "Origin", "HTTP://LOCALHOST:9001", 403),
                ("/chat/lobby?name=<b>ann</b>", "Origin", "null", 403),
                ("/chat/lobby?name=<b>ann</b>", "Host", "x", 400),
                ("/chat/lobby?name=abcdefghijklmnopq", "Host", "x", 400),
                ("/chat/lobby?name=", "Host", "x", 400), ("/chat/lobby", "Host", "x", 400),
                ("/chat/?name=ann", "Host", "x", 400), ("/chat/a.b?name=ann", "Host", "x", 400),
            ];
            for (path, name, value, status) in cases {
                let head = answer(&hub, &request(path, &[(name, value)])).await;
                let want = format!("HTTP/1.1 {status} ");
                assert!(head.starts_with(&want), "{path} {name}: {value:?}\n{head}");
            }
            let no_colon = &b"GET /chat/a?name=b HTTP/1.1\r\nHost\r\n\r\n"[..];
            for req in [no_colon, b"hello\r\n\r\n", b"GET / HTTP/1.1 x\r\n\r\n"] {
                let head = answer(&hub, req).await;
                let req = String::from_utf8_lossy(req);
                assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{req}");
            }
        }

        #[tokio::test(start_paused = true)]
        async fn refusals_close_the_connection_and_a_426_names_version_13() {
            let hub = Arc::new(Hub::default());
            let old = request("/chat/lobby?name=ann", &[("Sec-WebSocket-Version", "8")]);
            let want = "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n\
                Upgrade: websocket\r\nConnection: Upgrade, close\r\nContent-Length: 0\r\n\r\n";
            assert_eq!(answer(&hub, &old).await, want);
            let evil = request("/chat/a?name=b", &[("Origin", "https://evil.example")]);
            let want = "HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
            assert_eq!(answer(&hub, &evil).await, want);
            let not_found = "HTTP/1.1 404 Not Found\r\n";
            let too_large = "HTTP/1.1 431 Request Header Fields Too Large\r\n";
            for (size, want) in [(8192, not_found), (8193, too_large)] {
                let head = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(size - 23));
                let got = answer(&hub, head.as_bytes()).await;
                assert!(got.starts_with(want), "a head of {size} bytes: {got}");
            }
            let start = Instant::now();
            let mut slow = open(&hub, b"GET /chat/lobby?name=ann HTTP/1.1\r\n", 64).await;
            slow.ended().await;
            assert_eq!(start.elapsed(), HANDSHAKE_TIMEOUT, "an unfinished request");
        }

        #[tokio::test]
        async fn over_tcp_an_upgrade_is_answered_101_and_a_foreign_page_403() {
            let addr = tcp_server(&Arc::new(Hub::default())).await;
            let mut ann = tcp(addr, &lobby("ann")).await;
            assert_eq!(ann.head().await, SWITCHED);
            let evil = request("/chat/a?name=eve", &[("Origin", "https://evil.example")]);
            let mut eve = tcp(addr, &evil).await;
            assert!(eve.head().await.starts_with("HTTP/1.1 403 Forbidden\r\n"));
            eve.ended().await;
        }
    }

    mod frames {
        use super::*;

        fn frame(fin: bool, opcode: u8, payload: &[u8], used: usize) -> Option<(Frame, usize)> {
            let payload = payload.to_vec();
            Some((
                Frame {
                    fin,
                    opcode,
                    payload,
                },
                used,
            ))
        }

        #[test]
        fn the_rfc_masked_hello_decodes_once_whole() {
            let hello = [
                0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
            ];
            let want = frame(true, TEXT, b"Hello", 11);
            assert_eq!(decode_frame(&hello, MAX_MESSAGE), Ok(want.clone()));
            let more = [&hello[..], &hello[..3]].concat();
            assert_eq!(decode_frame(&more, 5), Ok(want), "the next frame waits");
            let long = masked(0x02, &[7; 300]);
            for cut in [0, 1, 2, 3, 4, 7, 8, 307] {
                assert_eq!(decode_frame(&long[..cut], 300), Ok(None), "{cut} bytes");
            }
            let want = frame(false, BINARY, &[7; 300], 308);
            assert_eq!(decode_frame(&long, 300), Ok(want), "a 16-bit length");
            let long64 = [0x80, 0xFF, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, b'h', b'i'];
            let want = frame(true, CONTINUATION, b"hi", 16);
            assert_eq!(decode_frame(&long64, 300), Ok(want), "a 64-bit length");
            assert_eq!(decode_frame(&long64[..15], 300), Ok(None));
        }

        #[test]
        fn a_frame_that_breaks_the_protocol_is_1002_from_its_header() {
            #[rustfmt::skip]
            let bad = [
                &[0x81, 0x05, b'H', b'e', b'l', b'l', b'o'][..], // not masked
                &[0xC1, 0x80], &[0xA1, 0x80], &[0x91, 0x80], // RSV1, RSV2, RSV3
                &[0x83, 0x80], &[0x87, 0x80], &[0x8B, 0x80], &[0x8F, 0x80], // reserved
                &[0x09, 0x80], &[0x08, 0x80], &[0x0A, 0x80], // fragmented control frames
                &[0x89, 0xFE], &[0x8A, 0xFF], // control frames over 125 bytes
                &[0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1], // 64-bit length, top bit set
            ];
            for buf in bad {
                assert_eq!(decode_frame(buf, 1 << 20), Err(1002), "{buf:02x?}");
            }
            let ping = masked(0x89, &[1; 125]);
            assert_eq!(decode_frame(&ping[..2], 124), Err(1009), "over the maximum");
            let want = frame(true, PING, &[1; 125], 131);
            assert_eq!(decode_frame(&ping, 125), Ok(want), "125 bytes is fine");
        }

        #[test]
        fn servers_send_unmasked_frames_with_the_shortest_length() {
            assert_eq!(
                encode_frame(TEXT, b"Hello"),
                b"\x81\x05Hello",
                "RFC 6455 5.7"
            );
            assert_eq!(encode_frame(PONG, b"Hello"), b"\x8A\x05Hello");
            assert_eq!(encode_frame(CLOSE, b""), [0x88, 0]);
            #[rustfmt::skip]
            let lengths: [(usize, &[u8]); 4] = [
                (125, &[0x82, 125]), (126, &[0x82, 126, 0, 126]),
                (65535, &[0x82, 126, 0xFF, 0xFF]), (65536, &[0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]),
            ];
            for (len, header) in lengths {
                let frame = encode_frame(BINARY, &vec![9; len]);
                assert_eq!(&frame[..header.len()], header, "{len} bytes");
                assert_eq!(frame.len(), header.len() + len);
            }
        }
    }

    mod rooms {
        use super::*;

        #[tokio::test(start_paused = true)]
        async fn three_clients_in_two_rooms() {
            #[rustfmt::skip]
            play(&[
                Join("lobby", "ann", 4096), Join("lobby", "bob", 4096),
                Hears(0, "* bob joined lobby"), Join("games", "cat", 4096),
                Rooms(&["games:1", "lobby:2"]),
                Says(0, "hi bob"), Hears(0, "ann: hi bob"), Hears(1, "ann: hi bob"),
                Says(1, "ann: I am ann 🙂"), // the names come from the server
                Hears(0, "bob: ann: I am ann 🙂"), Hears(1, "bob: ann: I am ann 🙂"),
                Says(2, "anyone?"), Hears(2, "cat: anyone?"), // nothing from the lobby
                Says(0, "bye"), Hears(0, "ann: bye"), // nothing from the games room
            ]).await;
        }

        #[tokio::test(start_paused = true)]
        async fn a_close_is_answered_and_the_room_hears_who_left() {
            #[rustfmt::skip]
            play(&[
                Join("lobby", "ann", 4096), Join("lobby", "bob", 4096),
                Hears(0, "* bob joined lobby"),
                Sends(1, 0x88, b"\x03\xe8bye"), Closed(1, 1000), // 1000 and a reason
                Hears(0, "* bob left lobby"), HangUp(1),
                Join("lobby", "cat", 4096), Sends(2, 0x88, b""), Gets(2, 0x88, b""),
                Hears(0, "* cat joined lobby"), Hears(0, "* cat left lobby"), HangUp(2),
                Rooms(&["lobby:1"]), HangUp(0), // without a Close: the connection just drops
                Rooms(&[]), // the last one out removes the room
            ]).await;
        }

        #[tokio::test(start_paused = true)]
        async fn frames_may_arrive_one_byte_or_several_at_a_time() {
            #[rustfmt::skip]
            play(&[
                Join("lobby", "ann", 1), Says(0, "one"), Hears(0, "ann: one"),
                Says(0, "two"), Hears(0, "ann: two"),
                Join("lobby", "bob", 4096), Hears(0, "* bob joined lobby"),
                Writes(1, &[0x81, 0x81, 0, 0, 0, 0, b'3', 0x81, 0x81, 0, 0, 0, 0, b'4',
                            0x81, 0x81, 0, 0, 0, 0, b'5']), // three frames, masking key 0
                Hears(1, "bob: 3"), Hears(1, "bob: 4"), Hears(1, "bob: 5"),
                Hears(0, "bob: 3"), Hears(0, "bob: 4"), Hears(0, "bob: 5"),
            ]).await;
        }
    }

    mod heartbeat {
        use super::*;

        #[tokio::test(start_paused = true)]
        async fn a_silent_client_is_pinged_then_closed_with_1001() {
            #[rustfmt::skip]
            play(&[
                Join("lobby", "ann", 4096), Join("lobby", "bob", 4096),
                Hears(0, "* bob joined lobby"),
                Sleep(20), Says(1, "ann?"), Hears(1, "bob: ann?"), Hears(0, "bob: ann?"),
                Gets(0, 0x89, b""), At(30), // a Ping: 30 s without a byte from ann
                Closed(0, 1001), At(40), // no Pong in 10 s
                Hears(1, "* ann left lobby"),
            ]).await;
        }

        #[tokio::test(start_paused = true)]
        async fn pings_are_answered_and_every_frame_resets_the_silence() {
            #[rustfmt::skip]
            play(&[
                Join("lobby", "ann", 4096), Sends(0, 0x89, b"you there?"),
                Gets(0, 0x8A, b"you there?"), At(0), // a Pong, at once
                Sleep(25), Says(0, "still here"), Hears(0, "ann: still here"),
                Gets(0, 0x89, b""), At(55), // 30 s after the message
                Sleep(9), Sends(0, 0x8A, b""), // the Pong
                Gets(0, 0x89, b""), At(94), // 30 s after the Pong
                Sends(0, 0x88, b"\x03\xe8"), Closed(0, 1000),
            ]).await;
        }
    }

    mod limits {
        use super::*;

        #[tokio::test(start_paused = true)]
        async fn a_message_may_come_in_fragments_with_control_frames_between() {
            let longest: &str = format!("ann: {}", "a".repeat(MAX_MESSAGE)).leak();
            #[rustfmt::skip]
            play(&[
                Join("lobby", "ann", 4096), Sends(0, 0x01, b"hel"),
                Sends(0, 0x89, b"p"), Gets(0, 0x8A, b"p"), // the Pong comes first
                Sends(0, 0x00, b"lo w\xc3"), Sends(0, 0x80, b"\xb6rld"), // a character in two
                Hears(0, "ann: hello w\u{f6}rld"),
                Says(0, &longest[5..]), Hears(0, longest), // the most allowed
            ]).await;
        }

        #[tokio::test(start_paused = true)]
        async fn a_message_over_the_limit_is_closed_with_1009_at_once() {
            #[rustfmt::skip]
            play(&[
                Join("lobby", "ann", 4096),
                Writes(0, &[0x81, 0xFE, 0x04, 0x01, 0, 0, 0, 0]), Closed(0, 1009), // no payload
                Join("lobby", "bob", 4096), Sends(1, 0x01, &[b'a'; 1000]),
                Sends(1, 0x00, &[b'a'; 24]), Sends(1, 0x80, b"!"), Closed(1, 1009), // 1025
            ]).await;
        }

        #[tokio::test(start_paused = true)]
        async fn bad_text_binary_and_stray_fragments_are_closed() {
            #[rustfmt::skip]
            let cases: [&[Step]; 6] = [
                &[Sends(0, 0x81, b"\xff"), Closed(0, 1007)],
                &[Sends(0, 0x01, b"\xc3"), Sends(0, 0x80, b"("), Closed(0, 1007)],
                &[Sends(0, 0x82, b"bin"), Closed(0, 1003)],
                &[Sends(0, 0x02, b"bi"), Closed(0, 1003)],
                &[Sends(0, 0x80, b"cont"), Closed(0, 1002)],
                &[Sends(0, 0x01, b"one"), Sends(0, 0x81, b"two"), Closed(0, 1002)],
            ];
            for case in cases {
                play(&[Join("lobby", "ann", 4096)]).await.play(case).await;
            }
        }

        #[tokio::test(start_paused = true)]
        async fn a_client_that_lags_behind_its_room_is_closed_with_1008() {
            // sid reads nothing for a while, through a 64-byte socket buffer.
            let mut steps = vec![Join("lobby", "sid", 64), Join("lobby", "bob", 4096)];
            let sent: Vec<&str> = (0..40)
                .map(|i| &*format!("bob: message {i}").leak())
                .collect();
            for line in &sent {
                steps.extend([Says(1, &line[5..]), Hears(1, line)]); // bob keeps up
            }
            steps.push(Hears(0, "* bob joined lobby"));
            let mut script = play(&steps).await;
            let (mut got, sid) = (Vec::new(), &mut script.clients[0]);
            let last = loop {
                match sid.frame().await {
                    (0x81, text) => got.push(String::from_utf8(text).unwrap()),
                    other => break other,
                }
            };
            assert_eq!(got, sent[..got.len()], "what sid got has no gaps");
            assert!(
                got.len() < sent.len() - ROOM_CAPACITY,
                "sid fell behind: {got:?}"
            );
            assert_eq!(show((last.0, &last.1)), "close 1008");
            sid.ended().await;
            script.play(&[Hears(1, "* sid left lobby")]).await;
        }

        #[tokio::test]
        async fn over_tcp_a_message_too_big_closes_only_its_sender() {
            let hub = Arc::new(Hub::default());
            let mut script = Script::new(Some(tcp_server(&hub).await), &hub);
            #[rustfmt::skip]
            script.play(&[
                Join("lobby", "ann", 0), Join("lobby", "bob", 0), Hears(0, "* bob joined lobby"),
                Says(1, "hello over TCP"), Hears(1, "bob: hello over TCP"),
                Hears(0, "bob: hello over TCP"),
                Writes(0, &[0x81, 0xFE, 0x04, 0x01, 0, 0, 0, 0]), Closed(0, 1009), // no payload
                Hears(1, "* ann left lobby"), Rooms(&["lobby:1"]),
            ]).await;
        }
    }
}
