//! # Server-sent events: the `text/event-stream` format, both ways
//!
//! Roadmap step: **Real-time data: Server-Sent Events** (<https://roadmap.sh/backend>):
//! when only the server talks, a plain HTTP response that never ends is enough. Events
//! are blocks of `field: value` lines ended by a blank line; the browser's `EventSource`
//! reconnects by itself and sends `Last-Event-ID`, so the server can resume.
//!
//! 1. `serialize`: `id:`, `event:`, `retry:` (when set), one `data:` line per line of
//!    `data` (split at CRLF, CR or LF), a blank line; each `name: value`. Refuse (with the
//!    field's name) an `id` or `event` holding CR or LF, and an `id` holding NUL: a value
//!    taken from user input would otherwise inject fields or whole events.
//! 2. `Parser::feed`: bytes in any chunks. Lines end at CRLF, LF or CR (a CRLF may be split
//!    between two chunks: it is still one line break); one leading BOM is ignored; each
//!    line is decoded as UTF-8 (invalid bytes become U+FFFD).
//! 3. `process_line`, WHATWG's "interpreting an event stream": a blank line dispatches; a
//!    line starting with `:` is a comment; otherwise the field is up to the first `:`
//!    (the whole line if none), the value after it without one leading space. `event` sets
//!    the type; `data` appends the value and a LF; `id` sets the id buffer unless the value
//!    holds NUL; `retry` sets the reconnection time if the value is only ASCII digits;
//!    other fields are ignored.
//! 4. `dispatch`: the last event ID becomes the id buffer (both persist across events).
//!    Empty data: reset the type, dispatch nothing. Else the event, with one trailing LF
//!    of its data removed, type `message` if none was set; reset data and type.
//! 5. `respond`: `200`, `Content-Type: text/event-stream`, `Cache-Control: no-cache`, and
//!    the events of `log` after the one whose id is the request's `Last-Event-ID` (all of
//!    them without the header, or for an id the log does not hold).
//!
//! Standards:
//! - <https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream>
//! - <https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation>
//! - <https://html.spec.whatwg.org/multipage/server-sent-events.html#the-last-event-id-header>
//! - <https://html.spec.whatwg.org/multipage/server-sent-events.html#authoring-notes>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::{Request, Response};
use std::mem;

/// A comment line and a blank line: it keeps proxies from closing an idle stream.
pub const HEARTBEAT: &str = ": ping\n\n";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: String,
    pub retry_ms: Option<u64>,
}

/// The field whose value cannot be sent.
#[derive(Debug, PartialEq, Eq)]
pub struct InvalidField(pub &'static str);

/// An event as `EventSource` hands it to the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub event_type: String,
    pub data: String,
    pub last_event_id: String,
}

pub fn serialize(event: &Event) -> Result<String, InvalidField> {
    let holds = |value: &Option<String>, chars: &[char]| {
        value.as_deref().is_some_and(|v| v.contains(chars))
    };
    if holds(&event.id, &['\r', '\n', '\0']) {
        return Err(InvalidField("id"));
    }
    if holds(&event.event, &['\r', '\n']) {
        return Err(InvalidField("event"));
    }
    let mut out = String::new();
    for (name, value) in [("id", &event.id), ("event", &event.event)] {
        if let Some(value) = value {
            out += &format!("{name}: {value}\n");
        }
    }
    if let Some(ms) = event.retry_ms {
        out += &format!("retry: {ms}\n");
    }
    for line in event.data.split("\r\n").flat_map(|l| l.split(['\r', '\n'])) {
        out += &format!("data: {line}\n");
    }
    out.push('\n');
    Ok(out)
}

#[derive(Debug, Default)]
pub struct Parser {
    /// The bytes of the line read so far.
    line: Vec<u8>,
    /// The last byte was a CR: a LF right after it ends no line.
    after_cr: bool,
    /// A first line was read (only that one may start with a BOM).
    started: bool,
    data: String,
    event_type: String,
    id_buffer: String,
    last_event_id: String,
    retry_ms: Option<u64>,
}

impl Parser {
    pub fn new() -> Self {
        Self::default()
    }

    /// The id `EventSource` would send as `Last-Event-ID` when it reconnects.
    pub fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    /// The reconnection time the server asked for.
    pub fn retry_ms(&self) -> Option<u64> {
        self.retry_ms
    }

    /// The events that `chunk` completes.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Received> {
        let mut events = Vec::new();
        for &byte in chunk {
            if mem::take(&mut self.after_cr) && byte == b'\n' {
                continue; // the LF of a CRLF
            }
            if byte != b'\r' && byte != b'\n' {
                self.line.push(byte);
                continue;
            }
            self.after_cr = byte == b'\r';
            let bytes = mem::take(&mut self.line);
            let mut line = String::from_utf8_lossy(&bytes).into_owned();
            if !mem::replace(&mut self.started, true) && line.starts_with('\u{FEFF}') {
                line.remove(0);
            }
            events.extend(self.process_line(&line));
        }
        events
    }

    fn process_line(&mut self, line: &str) -> Option<Received> {
        if line.is_empty() {
            return self.dispatch();
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event_type = value.to_string(),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
            }
            "id" if !value.contains('\0') => self.id_buffer = value.to_string(),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry_ms = value.parse().ok().or(self.retry_ms);
            }
            _ => {} // a comment has the empty field name: ignored like unknown fields
        }
        None
    }

    fn dispatch(&mut self) -> Option<Received> {
        self.last_event_id.clone_from(&self.id_buffer);
        let event_type = mem::take(&mut self.event_type);
        let mut data = mem::take(&mut self.data);
        if data.is_empty() {
            return None;
        }
        data.pop(); // the LF after the last data line
        Some(Received {
            event_type: if event_type.is_empty() {
                "message".to_string()
            } else {
                event_type
            },
            data,
            last_event_id: self.last_event_id.clone(),
        })
    }
}

pub fn respond(log: &[Event], req: &Request<()>) -> Response<String> {
    let last = req.headers().get("last-event-id");
    let last = last.and_then(|v| v.to_str().ok());
    let seen = log
        .iter()
        .position(|e| last.is_some() && e.id.as_deref() == last);
    let missing = &log[seen.map_or(0, |i| i + 1)..];
    let body: String = missing.iter().filter_map(|e| serialize(e).ok()).collect();
    Response::builder()
        .header(CONTENT_TYPE, "text/event-stream")
        .header(CACHE_CONTROL, "no-cache")
        .body(body)
        .expect("valid headers")
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: Option<&str>, event: Option<&str>, data: &str) -> Event {
        let (id, event) = (id.map(String::from), event.map(String::from));
        let (data, retry_ms) = (data.to_string(), None);
        Event {
            id,
            event,
            data,
            retry_ms,
        }
    }

    fn got(event_type: &str, data: &str, last_event_id: &str) -> Received {
        let (event_type, data) = (event_type.to_string(), data.to_string());
        let last_event_id = last_event_id.to_string();
        Received {
            event_type,
            data,
            last_event_id,
        }
    }

    fn parse(stream: &str) -> Vec<Received> {
        Parser::new().feed(stream.as_bytes())
    }

    fn message(data: &str, id: &str) -> Received {
        got("message", data, id)
    }

    #[test]
    fn events_serialize_field_by_field() {
        let mut e = event(Some("42"), Some("price"), "YHOO\n+2\n10");
        e.retry_ms = Some(3000);
        let want = "id: 42\nevent: price\nretry: 3000\ndata: YHOO\ndata: +2\ndata: 10\n\n";
        assert_eq!(serialize(&e).unwrap(), want);
        let plain = serialize(&event(None, None, "a\r\nb\rc\n")).unwrap();
        assert_eq!(
            plain, "data: a\ndata: b\ndata: c\ndata: \n\n",
            "every line break"
        );
        assert_eq!(
            serialize(&event(Some(""), None, "")).unwrap(),
            "id: \ndata: \n\n"
        );
    }

    #[test]
    fn a_value_that_would_break_its_line_is_refused() {
        for id in ["1\ndata: forged", "1\r", "1\0"] {
            let e = event(Some(id), None, "x");
            assert_eq!(serialize(&e), Err(InvalidField("id")), "{id:?}");
        }
        for name in ["a\nb", "a\rb"] {
            let e = event(None, Some(name), "x");
            assert_eq!(serialize(&e), Err(InvalidField("event")), "{name:?}");
        }
        assert!(
            serialize(&event(None, Some("a\0b"), "x")).is_ok(),
            "NUL is fine there"
        );
    }

    #[test]
    fn the_whatwg_examples_parse_as_the_spec_says() {
        let stock = parse("data: YHOO\ndata: +2\ndata: 10\n\n");
        assert_eq!(stock, [message("YHOO\n+2\n10", "")]);
        let stream = ": test stream\n\ndata: first event\nid: 1\n\n\
            data:second event\nid\n\ndata:  third event\n\n";
        let want = [
            message("first event", "1"),
            message("second event", ""),
            message(" third event", ""),
        ];
        assert_eq!(
            parse(stream),
            want,
            "`id` alone resets; one space is stripped"
        );
        let empty = parse("data\n\ndata\ndata\n\ndata:");
        assert_eq!(
            empty,
            [message("", ""), message("\n", "")],
            "the last one is unfinished"
        );
        assert_eq!(
            parse("data:test\n\ndata: test\n\n"),
            vec![message("test", ""); 2]
        );
    }

    #[test]
    fn an_id_with_nul_is_ignored_and_the_last_id_persists() {
        let stream = "id: 1\ndata: a\n\ndata: b\n\nid: 2\0x\ndata: c\n\n";
        let want = [message("a", "1"), message("b", "1"), message("c", "1")];
        let mut parser = Parser::new();
        assert_eq!(parser.feed(stream.as_bytes()), want);
        assert_eq!(parser.last_event_id(), "1");
    }

    #[test]
    fn an_id_takes_effect_when_its_event_is_dispatched() {
        let mut parser = Parser::new();
        assert_eq!(parser.feed(b"id: 7\n\n"), [], "no data, no event");
        assert_eq!(parser.last_event_id(), "7", "but the id counts");
        assert_eq!(parser.feed(b"data: x\nid: 8\n"), []);
        assert_eq!(parser.last_event_id(), "7", "8 is not dispatched yet");
        assert_eq!(parser.feed(b"\n"), [message("x", "8")]);
        assert_eq!(parser.last_event_id(), "8");
    }

    #[test]
    fn retry_takes_only_ascii_digits() {
        let mut parser = Parser::new();
        assert_eq!(parser.retry_ms(), None);
        parser.feed(b"retry: 2500\n");
        assert_eq!(parser.retry_ms(), Some(2500));
        for bad in [
            "+5",
            "1.5",
            " 300",
            "3e3",
            "",
            "-1",
            "\u{0663}",
            "99999999999999999999",
        ] {
            parser.feed(format!("retry: {bad}\n").as_bytes());
            assert_eq!(parser.retry_ms(), Some(2500), "retry: {bad:?} is ignored");
        }
        parser.feed(b"retry:100\n");
        assert_eq!(parser.retry_ms(), Some(100));
    }

    #[test]
    fn the_event_type_defaults_to_message_and_is_reset() {
        let stream = "event: add\ndata: 1\n\ndata: 2\n\nevent: lost\n\ndata: 3\n\n";
        let want = [got("add", "1", ""), message("2", ""), message("3", "")];
        assert_eq!(parse(stream), want);
    }

    #[test]
    fn comments_and_unknown_fields_are_ignored() {
        let stream = format!("{HEARTBEAT}: note\nfoo: bar\nData: x\ndata: kept\n\n{HEARTBEAT}");
        assert_eq!(parse(&stream), [message("kept", "")]);
        assert_eq!(
            parse("data: a:b: c\n\n"),
            [message("a:b: c", "")],
            "split at the first"
        );
    }

    #[test]
    fn chunks_of_any_size_give_the_same_events() {
        let stream = "\u{FEFF}id: 1\r\ndata: a\r\n\r\ndata: b\rdata: c\r\rdata: d\n\n";
        let want = [message("a", "1"), message("b\nc", "1"), message("d", "1")];
        assert_eq!(parse(stream), want, "CRLF, CR and LF; a leading BOM");
        let mut parser = Parser::new();
        let one_by_one: Vec<_> = stream.bytes().flat_map(|b| parser.feed(&[b])).collect();
        assert_eq!(one_by_one, want, "1-byte chunks");
        for at in 0..stream.len() {
            let mut parser = Parser::new();
            let mut events = parser.feed(&stream.as_bytes()[..at]);
            events.extend(parser.feed(&stream.as_bytes()[at..]));
            assert_eq!(events, want, "split at {at}");
        }
    }

    #[test]
    fn a_crlf_split_between_chunks_is_one_line_break() {
        let mut parser = Parser::new();
        assert_eq!(parser.feed(b"data: a\r"), []);
        assert_eq!(parser.feed(b"\ndata: b\r\n\r"), [message("a\nb", "")]);
        assert_eq!(
            parser.feed(b"\n\n"),
            [],
            "\\r\\n is one blank line, \\n another"
        );
    }

    #[test]
    fn only_a_leading_bom_is_skipped_and_bad_utf8_is_replaced() {
        let events = parse("\u{FEFF}data: 1\n\n\u{FEFF}data: 2\n\ndata: 3\n\n");
        assert_eq!(events, [message("1", ""), message("3", "")]);
        let events = Parser::new().feed(b"data: \xff\xfeok\n\n");
        assert_eq!(events, [message("\u{FFFD}\u{FFFD}ok", "")]);
    }

    #[test]
    fn serialized_events_parse_back_the_same() {
        let mut e3 = event(Some("3"), None, "");
        e3.retry_ms = Some(10);
        let sent = [
            event(Some("1"), Some("chat"), "hi\nthere"),
            event(None, None, " x "),
            e3,
        ];
        let stream: String = sent
            .iter()
            .map(|e| serialize(e).unwrap() + HEARTBEAT)
            .collect();
        let mut parser = Parser::new();
        let events: Vec<_> = stream.bytes().flat_map(|b| parser.feed(&[b])).collect();
        let want = [
            got("chat", "hi\nthere", "1"),
            message(" x ", "1"),
            message("", "3"),
        ];
        assert_eq!(events, want);
        assert_eq!(parser.retry_ms(), Some(10));
    }

    #[test]
    fn a_reconnecting_client_gets_exactly_the_events_it_missed() {
        let log: Vec<Event> = (1..=4)
            .map(|n| event(Some(&n.to_string()), None, &format!("m{n}")))
            .collect();
        let send = |last: Option<&str>| {
            let mut req = Request::builder().uri("/events");
            if let Some(id) = last {
                req = req.header("Last-Event-ID", id);
            }
            let res = respond(&log, &req.body(()).unwrap());
            assert_eq!(res.status(), 200);
            assert_eq!(res.headers()["content-type"], "text/event-stream");
            assert_eq!(res.headers()["cache-control"], "no-cache");
            let data: Vec<_> = parse(res.body()).into_iter().map(|e| e.data).collect();
            data.join(",")
        };
        assert_eq!(send(Some("2")), "m3,m4");
        assert_eq!(send(Some("4")), "", "up to date");
        assert_eq!(send(None), "m1,m2,m3,m4", "a new client");
        assert_eq!(send(Some("99")), "m1,m2,m3,m4", "an id we do not know");
        assert_eq!(send(Some("")), "m1,m2,m3,m4");
    }
}
