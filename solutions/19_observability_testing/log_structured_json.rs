//! # Structured JSON logs with trace context
//!
//! Roadmap step: **Observability: logging** (<https://roadmap.sh/backend>): logs are read by
//! machines first. One JSON object per line (JSON Lines), always the same keys in the same
//! order, lets a log pipeline index them; a `trace_id` from the W3C `traceparent` header ties
//! together the lines that one request wrote in every service it crossed. Logs are also an
//! attack surface: a secret written to them leaks to everyone who reads them, and a newline
//! smuggled into a message forges a record (CWE-117).
//!
//! 1. `rfc3339_utc`: the clock's milliseconds as `2024-03-09T15:59:59.999Z` (RFC 3339, UTC,
//!    always three fraction digits). `civil_from_days` gives the date.
//! 2. `is_sensitive` / `redact`: a key that contains `password`, `token`, `authorization`,
//!    `cookie` or `secret`, in any case, has its value (whatever it is) replaced by
//!    `"[REDACTED]"`, at any depth of nested objects and arrays.
//! 3. `parse_traceparent` (W3C Trace Context §3.2): `version-traceid-parentid-flags`, lowercase
//!    hex only. Version `ff` is invalid; version `00` is exactly 55 characters; a higher
//!    version may be longer, if a `-` follows the flags. An all-zero trace id or parent id
//!    is invalid.
//! 4. `random_id` / `TraceContext::child`: our span keeps the trace id, gets a fresh span id
//!    from `random` (drawn again while it is all zero) and keeps only the `sampled` flag.
//! 5. `Logger::log`: drop records below the minimum level; else write one line, the `Record`
//!    serialized by serde_json (which escapes CR, LF and every control character) plus `\n`.
//!    Fields are redacted and sorted by key, inside `fields` where they cannot overwrite
//!    `level` or `msg`.
//!
//! Standards:
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude>
//! - <https://cwe.mitre.org/data/definitions/117.html> (log neutralization)
//! - <https://www.w3.org/TR/trace-context/#traceparent-header>
//! - <https://www.w3.org/TR/trace-context/#versioning-of-traceparent>
//! - <https://www.rfc-editor.org/rfc/rfc3339#section-5.6>
//! - <https://jsonlines.org/>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::{Clock, RandomSource};
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::{self, Write};

pub const SENSITIVE: [&str; 5] = ["password", "token", "authorization", "cookie", "secret"];
pub const REDACTED: &str = "[REDACTED]";
/// The only flag that version 00 defines; the others are reserved and sent as 0.
pub const SAMPLED: u8 = 0x01;

/// The proleptic Gregorian date `(year, month 1-12, day 1-31)` of a day counted from
/// 1970-01-01 (Howard Hinnant's `civil_from_days`, for days on or after the epoch).
pub fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468; // days since 0000-03-01
    let (era, doe) = (z / 146_097, z % 146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of a year that starts in March
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (era * 400 + yoe + u64::from(month <= 2), month, day)
}

pub fn rfc3339_utc(unix_ms: u64) -> String {
    let (secs, ms) = (unix_ms / 1000, unix_ms % 1000);
    let (year, month, day) = civil_from_days(secs / 86_400);
    let (h, m, s) = (secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
}

pub fn is_sensitive(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SENSITIVE.iter().any(|word| key.contains(word))
}

pub fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if is_sensitive(key) {
                    *inner = Value::from(REDACTED);
                } else {
                    redact(inner);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceContext {
    pub trace_id: [u8; 16],
    /// The caller's span for a parsed header; ours for a child.
    pub span_id: [u8; 8],
    pub flags: u8,
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn lower_hex<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0; N];
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        *byte = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(out)
}

pub fn parse_traceparent(value: &str) -> Option<TraceContext> {
    let v = value.as_bytes();
    if v.len() < 55 || v[2] != b'-' || v[35] != b'-' || v[52] != b'-' {
        return None;
    }
    let [version] = lower_hex::<1>(&v[..2])?;
    let longer_ok = version != 0 && v.get(55).is_none_or(|&c| c == b'-');
    if version == 0xff || (v.len() > 55 && !longer_ok) {
        return None;
    }
    let trace_id = lower_hex(&v[3..35])?;
    let span_id = lower_hex(&v[36..52])?;
    let [flags] = lower_hex(&v[53..55])?;
    let valid = trace_id != [0; 16] && span_id != [0; 8];
    valid.then_some(TraceContext {
        trace_id,
        span_id,
        flags,
    })
}

pub fn random_id<const N: usize>(random: &dyn RandomSource) -> [u8; N] {
    let mut id = [0; N];
    while id == [0; N] {
        random.fill(&mut id);
    }
    id
}

impl TraceContext {
    /// The first span of a new trace, for a request without a valid `traceparent`.
    pub fn root(random: &dyn RandomSource) -> Self {
        let (trace_id, span_id) = (random_id(random), random_id(random));
        let flags = SAMPLED;
        TraceContext {
            trace_id,
            span_id,
            flags,
        }
    }

    pub fn child(&self, random: &dyn RandomSource) -> Self {
        TraceContext {
            trace_id: self.trace_id,
            span_id: random_id(random),
            flags: self.flags & SAMPLED,
        }
    }

    /// The header to send downstream: version 00.
    pub fn traceparent(&self) -> String {
        let (trace, span) = (hex(&self.trace_id), hex(&self.span_id));
        format!("00-{trace}-{span}-{:02x}", self.flags)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

/// One log line; serde writes the keys in this order.
#[derive(Serialize)]
pub struct Record<'a> {
    pub ts: String,
    pub level: Level,
    pub msg: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span_id: Option<String>,
    pub fields: Map<String, Value>,
}

pub struct Logger<'a, W: Write> {
    clock: &'a dyn Clock,
    min_level: Level,
    out: W,
}

impl<'a, W: Write> Logger<'a, W> {
    pub fn new(clock: &'a dyn Clock, min_level: Level, out: W) -> Self {
        Logger {
            clock,
            min_level,
            out,
        }
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    pub fn log(
        &mut self,
        level: Level,
        msg: &str,
        trace: Option<&TraceContext>,
        fields: &[(&str, Value)],
    ) -> io::Result<()> {
        if level < self.min_level {
            return Ok(());
        }
        let fields = fields.iter().map(|(k, v)| (k.to_string(), v.clone()));
        let mut fields = Value::Object(fields.collect());
        redact(&mut fields);
        let Value::Object(fields) = fields else {
            unreachable!("redact keeps an object an object")
        };
        let record = Record {
            ts: rfc3339_utc(self.clock.now_unix_ms()),
            level,
            msg,
            trace_id: trace.map(|t| hex(&t.trace_id)),
            span_id: trace.map(|t| hex(&t.span_id)),
            fields,
        };
        let mut line = serde_json::to_vec(&record)?;
        line.push(b'\n');
        self.out.write_all(&line)
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::{FixedRandom, ManualClock, SeqRandom};
    use serde_json::json;
    use std::sync::atomic::{AtomicBool, Ordering};

    const W3C_EXAMPLE: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    fn logged(min: Level, write: impl FnOnce(&mut Logger<'_, Vec<u8>>)) -> String {
        let clock = ManualClock::new(1_709_999_999_999);
        let mut logger = Logger::new(&clock, min, Vec::new());
        write(&mut logger);
        String::from_utf8(logger.into_inner()).expect("serde_json writes UTF-8")
    }

    #[test]
    fn timestamps_are_rfc3339_utc_with_milliseconds() {
        #[rustfmt::skip]
        let cases = [
            (0, "1970-01-01T00:00:00.000Z"),
            (68_256_000_000, "1972-03-01T00:00:00.000Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"), // 2000 is a leap year
            (951_868_799_999, "2000-02-29T23:59:59.999Z"),
            (1_700_000_000_123, "2023-11-14T22:13:20.123Z"),
            (1_709_999_999_999, "2024-03-09T15:59:59.999Z"),
            (4_107_542_400_000, "2100-03-01T00:00:00.000Z"), // 2100 is not
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        ];
        for (ms, expected) in cases {
            assert_eq!(rfc3339_utc(ms), expected, "{ms} ms after the epoch");
        }
    }

    #[test]
    fn a_record_is_one_json_line_with_a_fixed_key_order() {
        let ours = parse_traceparent(W3C_EXAMPLE)
            .unwrap()
            .child(&SeqRandom::new());
        let out = logged(Level::Info, |log| {
            let fields = [("user", json!("bob")), ("attempt", json!(2))];
            log.log(Level::Warn, "login failed", Some(&ours), &fields)
                .unwrap();
            log.log(Level::Info, "started", None, &[]).unwrap();
        });
        let expected = concat!(
            r#"{"ts":"2024-03-09T15:59:59.999Z","level":"WARN","msg":"login failed","#,
            r#""trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"0001020304050607","#,
            r#""fields":{"attempt":2,"user":"bob"}}"#,
            "\n",
            r#"{"ts":"2024-03-09T15:59:59.999Z","level":"INFO","msg":"started","fields":{}}"#,
            "\n",
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn records_below_the_minimum_level_are_dropped() {
        let out = logged(Level::Info, |log| {
            for level in [
                Level::Trace,
                Level::Debug,
                Level::Info,
                Level::Warn,
                Level::Error,
            ] {
                log.log(level, "x", None, &[]).unwrap();
            }
        });
        assert_eq!(out.lines().count(), 3, "INFO, WARN and ERROR:\n{out}");
        assert!(out.contains(r#""level":"INFO""#) && out.contains(r#""level":"ERROR""#));
        assert!(!out.contains("DEBUG") && !out.contains("TRACE"));
        let errors_only = logged(Level::Error, |log| {
            log.log(Level::Warn, "x", None, &[]).unwrap();
        });
        assert_eq!(errors_only, "");
    }

    #[test]
    fn secrets_are_redacted_in_any_case_at_any_depth() {
        let out = logged(Level::Trace, |log| {
            let headers =
                json!({"Accept": "*/*", "Authorization": "Bearer eyJ", "Cookie": "sid=1"});
            let fields = [
                ("Password", json!("hunter2")),
                ("access_token", json!("tok")),
                ("CLIENT_SECRET", json!({"v": 1})),
                ("headers", headers),
                ("attempts", json!([{"refresh_token": "r"}, {"ok": true}])),
                ("user", json!("bob")),
            ];
            log.log(Level::Info, "password reset for bob", None, &fields)
                .unwrap();
        });
        let record: Value = serde_json::from_str(&out).unwrap();
        let fields = json!({
            "CLIENT_SECRET": REDACTED, "Password": REDACTED, "access_token": REDACTED,
            "attempts": [{"refresh_token": REDACTED}, {"ok": true}],
            "headers": {"Accept": "*/*", "Authorization": REDACTED, "Cookie": REDACTED},
            "user": "bob",
        });
        assert_eq!(record["fields"], fields);
        assert_eq!(
            record["msg"], "password reset for bob",
            "keys, not messages"
        );
        assert!(!out.contains("hunter2") && !out.contains("eyJ") && !out.contains("sid=1"));
    }

    #[test]
    fn an_injected_newline_does_not_forge_a_record() {
        let forged = "bob\n{\"level\":\"INFO\",\"msg\":\"FAKE admin login\"}\r\nx";
        let out = logged(Level::Info, |log| {
            let fields = [("user\nFAKE", json!(forged)), ("level", json!("DEBUG"))];
            log.log(Level::Warn, forged, None, &fields).unwrap();
        });
        assert_eq!(out.lines().count(), 1, "one record, one line:\n{out}");
        assert!(!out.contains('\r') && out.ends_with("}\n"));
        let record: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(record["msg"], forged, "escaped, not lost");
        assert_eq!(
            record["level"], "WARN",
            "a field cannot overwrite the level"
        );
        assert_eq!(record["fields"]["user\nFAKE"], forged);
    }

    #[test]
    fn the_w3c_example_parses() {
        let parsed = parse_traceparent(W3C_EXAMPLE).expect("the spec's own example");
        assert_eq!(hex(&parsed.trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(
            parsed.span_id,
            [0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7]
        );
        assert_eq!(parsed.flags, 0x01);
        assert_eq!(parsed.traceparent(), W3C_EXAMPLE);
        let unsampled = parse_traceparent(&W3C_EXAMPLE.replace("-01", "-00")).unwrap();
        assert_eq!(unsampled.flags, 0);
        let other_flags = parse_traceparent(&W3C_EXAMPLE.replace("-01", "-fa")).unwrap();
        assert_eq!(other_flags.flags, 0xfa);
    }

    #[test]
    fn malformed_traceparents_are_rejected() {
        let (t, p) = ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7");
        let zero_trace = format!("00-{}-{p}-01", "0".repeat(32));
        let zero_parent = format!("00-{t}-{}-01", "0".repeat(16));
        #[rustfmt::skip]
        let bad = [
            format!("ff-{t}-{p}-01"),                  // version ff is invalid
            zero_trace, zero_parent,                   // all-zero ids are invalid
            format!("00-{}-{p}-01", t.to_uppercase()), // lowercase hex only
            format!("00-{t}-{}-01", p.to_uppercase()),
            format!("0A-{t}-{p}-01"), format!("00-{t}-{p}-0A"),
            format!("00-+bf92f3577b34da6a3ce929d0e0e4736-{p}-01"),
            format!("00-{t}-+0f067aa0ba902b7-01"), format!("+0-{t}-{p}-01"),
            format!("00-{t}-{p}-+1"), format!("00-{t}-{p}-0g"), format!("g0-{t}-{p}-01"),
            format!("00-{}x-{p}-01", &t[1..]), format!("00-{t}-{}x-01", &p[1..]),
            format!("00-{t}-{p}-01-"), format!("00-{t}-{p}-01x"), // 00 is 55 characters
            format!("00-{t}-{p}-1"), format!("00-{t}{p}-01"), format!("00_{t}-{p}-01"),
            format!("00-{t}_{p}-01"), format!("00-{t}-{p}_01"), format!(" 00-{t}-{p}-01"),
            format!("00-{t}-{p}-é"), format!("cc-{t}-{p}-01x"), String::new(),
        ];
        for header in bad {
            assert_eq!(parse_traceparent(&header), None, "{header:?} is invalid");
        }
    }

    #[test]
    fn a_higher_version_is_parsed_as_far_as_version_00_goes() {
        let (t, p) = ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7");
        for header in [
            format!("cc-{t}-{p}-01"),
            format!("cc-{t}-{p}-01-what-comes-next"),
        ] {
            let parsed = parse_traceparent(&header).expect("forward compatible");
            assert_eq!(parsed.traceparent(), W3C_EXAMPLE, "{header}, sent on as 00");
        }
    }

    #[test]
    fn a_child_keeps_the_trace_and_gets_a_new_span() {
        let parent = parse_traceparent(&W3C_EXAMPLE.replace("-01", "-ff")).unwrap();
        let child = parent.child(&SeqRandom::starting_at(0xa0));
        let expected = "00-4bf92f3577b34da6a3ce929d0e0e4736-a0a1a2a3a4a5a6a7-01";
        assert_eq!(
            child.traceparent(),
            expected,
            "only the sampled flag is kept"
        );
        let unsampled = parse_traceparent(&W3C_EXAMPLE.replace("-01", "-fe")).unwrap();
        assert_eq!(unsampled.child(&SeqRandom::new()).flags, 0);
        let root = TraceContext::root(&SeqRandom::new());
        let expected = "00-000102030405060708090a0b0c0d0e0f-1011121314151617-01";
        assert_eq!(root.traceparent(), expected);
    }

    /// Zeros on the first call, then 0x42s.
    struct ZerosFirst(AtomicBool);

    impl RandomSource for ZerosFirst {
        fn fill(&self, buf: &mut [u8]) {
            let byte = if self.0.swap(true, Ordering::SeqCst) {
                0x42
            } else {
                0
            };
            buf.fill(byte);
        }
    }

    #[test]
    fn an_all_zero_span_id_is_drawn_again() {
        let parent = parse_traceparent(W3C_EXAMPLE).unwrap();
        let child = parent.child(&ZerosFirst(AtomicBool::new(false)));
        assert_eq!(child.span_id, [0x42; 8], "all zeros is invalid: draw again");
        assert_eq!(
            random_id::<16>(&ZerosFirst(AtomicBool::new(false))),
            [0x42; 16]
        );
        assert_eq!(
            random_id::<2>(&FixedRandom::new([0, 1])),
            [0, 1],
            "one zero is fine"
        );
    }
}
