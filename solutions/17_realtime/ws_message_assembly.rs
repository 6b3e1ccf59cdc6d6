//! # WebSocket messages: fragments, pings and the close handshake
//!
//! Roadmap step: **Real-time data: WebSockets** (<https://roadmap.sh/backend>): the
//! application sees messages, the wire carries frames. A message may come in fragments,
//! with pings between them; a close must be answered; and a peer that breaks the rules
//! is disconnected with the right status code.
//!
//! `Connection::on_frame` takes the frames of one client, decoded as `ws_frame_codec`
//! does (unmasked; control frames unfragmented and at most 125 bytes), and returns what
//! to do, in order. Your part:
//!
//! 1. `valid_close_code`: whether a peer may send this status (§7.4.1 and the IANA
//!    registry): 1000-1003, 1007-1014 and 3000-4999. 1005, 1006 and 1015 are reserved for
//!    reporting, never sent; the rest below 3000 is reserved or unassigned.
//! 2. `parse_close`: an empty payload is `(None, "")`; otherwise a big-endian status code
//!    (a 1-byte payload or a code that is not valid: `PROTOCOL_ERROR`) and a UTF-8 reason
//!    (or `INVALID_DATA`).
//! 3. `handle`: a Ping is answered with a Pong of the same payload; a Pong is ignored. A
//!    Close gives `Closed`, a Close echoing its status code (empty if it had none) and
//!    `Disconnect`. Text and Binary start a message (not while one is open:
//!    `PROTOCOL_ERROR`), Continuation adds to the open one (none open: `PROTOCOL_ERROR`).
//!    A message that grows over `max_message` bytes fails at once with `MESSAGE_TOO_BIG`.
//!    At FIN, emit it; text must be UTF-8 as a *whole* (a character may be split between
//!    fragments), else `INVALID_DATA`.
//!
//! `on_frame` (given) ignores everything after a close, and turns an error into a Close
//! with that code followed by `Disconnect` ("fail the WebSocket connection", §7.1.7).
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc6455#section-5.4> (fragmentation)
//! - <https://www.rfc-editor.org/rfc/rfc6455#section-5.5> (control frames: Close, Ping, Pong)
//! - <https://www.rfc-editor.org/rfc/rfc6455#section-7.4> (status codes)
//! - <https://www.rfc-editor.org/rfc/rfc6455#section-8.1> (UTF-8 handling)
//! - <https://www.iana.org/assignments/websocket/websocket.xhtml#close-code-number>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opcode {
    Continuation,
    Text,
    Binary,
    Close,
    Ping,
    Pong,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub fin: bool,
    pub opcode: Opcode,
    pub payload: Vec<u8>,
}

pub const PROTOCOL_ERROR: u16 = 1002;
pub const INVALID_DATA: u16 = 1007;
pub const MESSAGE_TOO_BIG: u16 = 1009;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A complete message for the application.
    Text(String),
    Binary(Vec<u8>),
    /// The peer closed the connection, with its status code (if any) and reason.
    Closed(Option<u16>, String),
    /// A frame to send to the peer.
    Send(Frame),
    /// Close the TCP connection.
    Disconnect,
}

/// A Close frame with this status code, or with an empty payload.
pub fn close_frame(code: Option<u16>) -> Frame {
    let payload = code.map(|c| c.to_be_bytes().to_vec()).unwrap_or_default();
    let (fin, opcode) = (true, Opcode::Close);
    Frame {
        fin,
        opcode,
        payload,
    }
}

pub fn valid_close_code(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999)
}

pub fn parse_close(payload: &[u8]) -> Result<(Option<u16>, String), u16> {
    let (code, reason) = match payload {
        [] => return Ok((None, String::new())),
        [_] => return Err(PROTOCOL_ERROR),
        [hi, lo, reason @ ..] => (u16::from_be_bytes([*hi, *lo]), reason),
    };
    if !valid_close_code(code) {
        return Err(PROTOCOL_ERROR);
    }
    let reason = String::from_utf8(reason.to_vec()).map_err(|_| INVALID_DATA)?;
    Ok((Some(code), reason))
}

pub struct Connection {
    max_message: usize,
    /// The open message: Text or Binary, and its bytes so far.
    open: Option<(Opcode, Vec<u8>)>,
    closed: bool,
}

impl Connection {
    pub fn new(max_message: usize) -> Self {
        let (open, closed) = (None, false);
        Connection {
            max_message,
            open,
            closed,
        }
    }

    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// What to do with the next frame from the peer.
    pub fn on_frame(&mut self, frame: Frame) -> Vec<Action> {
        if self.closed {
            return Vec::new();
        }
        self.handle(frame).unwrap_or_else(|code| {
            self.closed = true;
            vec![Action::Send(close_frame(Some(code))), Action::Disconnect]
        })
    }

    fn handle(&mut self, frame: Frame) -> Result<Vec<Action>, u16> {
        let Frame {
            fin,
            opcode,
            payload,
        } = frame;
        match opcode {
            Opcode::Ping => {
                let pong = Frame {
                    fin: true,
                    opcode: Opcode::Pong,
                    payload,
                };
                return Ok(vec![Action::Send(pong)]);
            }
            Opcode::Pong => return Ok(Vec::new()),
            Opcode::Close => {
                let (code, reason) = parse_close(&payload)?;
                self.closed = true;
                let echo = Action::Send(close_frame(code));
                return Ok(vec![Action::Closed(code, reason), echo, Action::Disconnect]);
            }
            Opcode::Text | Opcode::Binary if self.open.is_none() => {
                self.open = Some((opcode, Vec::new()));
            }
            Opcode::Continuation if self.open.is_some() => {}
            _ => return Err(PROTOCOL_ERROR),
        }
        let (_, bytes) = self.open.as_mut().expect("opened or continued above");
        // Count before buffering: a peer must not make us hold more than the limit.
        if bytes.len() + payload.len() > self.max_message {
            return Err(MESSAGE_TOO_BIG);
        }
        bytes.extend(payload);
        match self.open.take_if(|_| fin) {
            None => Ok(Vec::new()),
            Some((Opcode::Text, bytes)) => match String::from_utf8(bytes) {
                Ok(text) => Ok(vec![Action::Text(text)]),
                Err(_) => Err(INVALID_DATA),
            },
            Some((_, bytes)) => Ok(vec![Action::Binary(bytes)]),
        }
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::{Closed, Disconnect, Send};
    use Opcode::*;

    fn frame(fin: bool, opcode: Opcode, payload: &[u8]) -> Frame {
        let payload = payload.to_vec();
        Frame {
            fin,
            opcode,
            payload,
        }
    }

    /// Feeds `frames` to a new connection; every action, in order.
    fn run(max_message: usize, frames: &[Frame]) -> Vec<Action> {
        let mut conn = Connection::new(max_message);
        frames
            .iter()
            .flat_map(|f| conn.on_frame(f.clone()))
            .collect()
    }

    fn failed(code: u16) -> Vec<Action> {
        vec![Send(close_frame(Some(code))), Disconnect]
    }

    fn text(s: &str) -> Action {
        Action::Text(s.to_string())
    }

    fn binary(bytes: Vec<u8>) -> Action {
        Action::Binary(bytes)
    }

    #[test]
    fn whole_messages_are_delivered_as_they_come() {
        let frames = [
            frame(true, Text, b"Hello"),
            frame(true, Binary, &[0, 159, 255]),
            frame(true, Text, b""),
        ];
        let want = [text("Hello"), binary(vec![0, 159, 255]), text("")];
        assert_eq!(run(100, &frames), want);
    }

    #[test]
    fn fragments_are_joined_into_one_message() {
        let frames = [
            frame(false, Text, b"Hel"),
            frame(false, Continuation, b""),
            frame(true, Continuation, b"lo"),
            frame(false, Binary, &[1, 2]),
            frame(true, Continuation, &[3]),
            frame(true, Text, b"again"),
        ];
        let want = [text("Hello"), binary(vec![1, 2, 3]), text("again")];
        assert_eq!(run(100, &frames), want);
    }

    #[test]
    fn pings_between_fragments_are_answered_at_once_with_the_same_payload() {
        let frames = [
            frame(false, Text, b"Hel"),
            frame(true, Ping, b"are you there?"),
            frame(true, Pong, b"unsolicited, ignored"),
            frame(true, Continuation, b"lo"),
            frame(true, Ping, b""),
        ];
        let pong = |payload: &[u8]| Send(frame(true, Pong, payload));
        let want = [pong(b"are you there?"), text("Hello"), pong(b"")];
        assert_eq!(run(100, &frames), want);
    }

    #[test]
    fn fragments_out_of_order_fail_with_1002() {
        #[rustfmt::skip]
        let scripts = [
            vec![frame(true, Continuation, b"no start")],
            vec![frame(true, Text, b"done"), frame(false, Continuation, b"after the end")],
            vec![frame(false, Text, b"Hel"), frame(true, Text, b"lo")],
            vec![frame(false, Binary, b"1"), frame(false, Binary, b"2")],
            vec![frame(false, Text, b"a"), frame(true, Binary, b"b")],
        ];
        for frames in scripts {
            let mut want = run(100, &frames[..frames.len() - 1]);
            want.extend(failed(PROTOCOL_ERROR));
            assert_eq!(run(100, &frames), want, "{frames:?}");
        }
    }

    #[test]
    fn a_close_is_echoed_with_its_status_code() {
        let bye = frame(true, Close, b"\x03\xe8bye");
        let want = [
            Closed(Some(1000), "bye".into()),
            Send(close_frame(Some(1000))),
            Disconnect,
        ];
        assert_eq!(
            run(100, &[bye]),
            want,
            "the status, not the reason, is echoed"
        );
        let want = [
            Closed(None, String::new()),
            Send(close_frame(None)),
            Disconnect,
        ];
        assert_eq!(
            run(100, &[frame(true, Close, b"")]),
            want,
            "no status, none back"
        );
        assert_eq!(close_frame(Some(4000)).payload, [0x0f, 0xa0], "big-endian");
    }

    #[test]
    fn nothing_is_read_after_a_close_or_a_failure() {
        let mut conn = Connection::new(100);
        assert!(!conn.is_closed());
        conn.on_frame(frame(true, Close, b"\x03\xe9"));
        assert!(conn.is_closed());
        assert_eq!(conn.on_frame(frame(true, Ping, b"?")), [], "after a close");
        let mut conn = Connection::new(100);
        assert_eq!(conn.on_frame(frame(true, Continuation, b"")), failed(1002));
        assert!(conn.is_closed());
        assert_eq!(
            conn.on_frame(frame(true, Text, b"hi")),
            [],
            "after a failure"
        );
    }

    #[test]
    fn only_codes_a_peer_may_send_are_accepted() {
        let valid = [
            1000, 1001, 1002, 1003, 1007, 1008, 1010, 1011, 1012, 1014, 3000, 4999,
        ];
        let invalid = [
            0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535,
        ];
        for code in valid {
            assert!(valid_close_code(code), "{code} is valid");
            let payload = code.to_be_bytes();
            assert_eq!(parse_close(&payload), Ok((Some(code), String::new())));
        }
        for code in invalid {
            assert!(!valid_close_code(code), "{code} is not");
            let got = run(100, &[frame(true, Close, &code.to_be_bytes())]);
            assert_eq!(got, failed(PROTOCOL_ERROR), "a close with {code}");
        }
    }

    #[test]
    fn a_close_payload_is_a_code_and_a_utf8_reason() {
        assert_eq!(
            parse_close(b"\x03\xe9going away"),
            Ok((Some(1001), "going away".into()))
        );
        assert_eq!(
            parse_close(b"\x03"),
            Err(PROTOCOL_ERROR),
            "a 1-byte payload"
        );
        assert_eq!(
            parse_close(b"\x03\xe8\xc3\x28"),
            Err(INVALID_DATA),
            "bad reason"
        );
        let got = run(100, &[frame(true, Close, b"\x03")]);
        assert_eq!(got, failed(PROTOCOL_ERROR));
        let got = run(100, &[frame(true, Close, b"\x03\xe8\xff")]);
        assert_eq!(got, failed(INVALID_DATA));
    }

    #[test]
    fn text_is_checked_as_utf8_when_the_message_is_whole() {
        let euro = "€".as_bytes(); // e2 82 ac
        let frames = [
            frame(false, Text, &[b'1', euro[0]]),
            frame(false, Continuation, &euro[1..2]),
            frame(true, Continuation, &euro[2..]),
        ];
        assert_eq!(
            run(100, &frames),
            [text("1€")],
            "a character split in three"
        );
        let got = run(100, &[frame(true, Binary, &[0xc3, 0x28])]);
        assert_eq!(got, [binary(vec![0xc3, 0x28])], "binary is not text");
        #[rustfmt::skip]
        let bad = [vec![frame(true, Text, &[0xc3, 0x28])],
                   vec![frame(false, Text, b"ok"), frame(true, Continuation, &euro[..2])],
                   vec![frame(true, Text, &[0xed, 0xa0, 0x80])]]; // a UTF-16 surrogate
        for frames in bad {
            assert_eq!(run(100, &frames), failed(INVALID_DATA), "{frames:?}");
        }
    }

    #[test]
    fn a_message_over_the_limit_fails_with_1009_before_it_ends() {
        let ten = [frame(true, Binary, &[7; 10])];
        assert_eq!(run(10, &ten), [binary(vec![7; 10])], "exactly the limit");
        let split = [
            frame(false, Text, b"12345"),
            frame(true, Continuation, b"67890"),
        ];
        assert_eq!(run(10, &split), [text("1234567890")]);
        assert_eq!(
            run(10, &[frame(true, Text, &[b'x'; 11])]),
            failed(MESSAGE_TOO_BIG)
        );
        let growing = [
            frame(false, Binary, &[1; 6]),
            frame(false, Continuation, &[2; 5]),
        ];
        assert_eq!(
            run(10, &growing),
            failed(MESSAGE_TOO_BIG),
            "no need to wait for FIN"
        );
        let after = [
            frame(true, Text, b"12345678"),
            frame(true, Text, b"12345678"),
        ];
        assert_eq!(
            run(10, &after),
            [text("12345678"), text("12345678")],
            "per message"
        );
    }
}
