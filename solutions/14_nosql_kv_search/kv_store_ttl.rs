//! # A Redis-like key-value store with expiry
//!
//! Roadmap step: **Key-value databases / Redis** (<https://roadmap.sh/backend>): sessions,
//! rate-limit counters and cache entries live in a store whose keys expire by themselves.
//!
//! The store follows the Redis commands' semantics, over a `Clock`:
//!
//! 1. `live`: lazy expiry. A key with a deadline is expired once the clock is PAST it
//!    (`now > deadline`, as Redis's `keyIsExpired`); reading an expired key deletes it.
//!    Every command sees an expired key as missing.
//! 2. `set`: `SET key value [EX s | PX ms] [NX | XX]`: `Ok(true)` for `OK`, `Ok(false)` for
//!    nil (NX: only if missing; XX: only if present). A plain SET clears the old TTL. An
//!    expire time of 0, or one whose deadline overflows, is `InvalidExpireTime`.
//! 3. `get`, `del` (how many keys it removed), `expire` (`false` for a missing key; a
//!    timeout <= 0 deletes the key at once), `pttl`/`ttl`: -2 missing, -1 no expiry, else
//!    the time left (`ttl` rounds to the nearest second, as Redis does: `(ms + 500) / 1000`).
//! 4. `incr`: a missing key counts as 0. The value must be a canonical decimal `i64` (no
//!    `+`, no leading zero, no space: Redis's `string2ll`); INCR keeps the key's TTL.
//! 5. `sweep`: delete every expired key now (Redis's active expiry), return how many.
//!
//! Standards:
//! - <https://redis.io/docs/latest/commands/set/>
//! - <https://redis.io/docs/latest/commands/ttl/>
//! - <https://redis.io/docs/latest/commands/expire/>
//! - <https://redis.io/docs/latest/commands/incr/>
//! - <https://app.codecrafters.io/courses/redis/stages/yz1> (codecrafters Redis, "Expiry")
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::Clock;
use std::collections::HashMap;
use std::fmt;

/// `EX`/`PX` of SET; `Never`: no option, the key does not expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    Never,
    Seconds(u64),
    Millis(u64),
}

/// `NX`: only set a missing key; `XX`: only set an existing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cond {
    Always,
    Nx,
    Xx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KvError {
    NotAnInteger,
    Overflow,
    InvalidExpireTime,
}

impl fmt::Display for KvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KvError::NotAnInteger => "ERR value is not an integer or out of range",
            KvError::Overflow => "ERR increment or decrement would overflow",
            KvError::InvalidExpireTime => "ERR invalid expire time in 'set' command",
        })
    }
}

struct Entry {
    value: String,
    /// Unix ms; `None`: no expiry.
    deadline_ms: Option<u64>,
}

pub struct Store<'a> {
    clock: &'a dyn Clock,
    entries: HashMap<String, Entry>,
}

impl<'a> Store<'a> {
    pub fn new(clock: &'a dyn Clock) -> Self {
        let entries = HashMap::new();
        Store { clock, entries }
    }

    /// Keys held in memory, expired ones not yet deleted included.
    pub fn stored(&self) -> usize {
        self.entries.len()
    }

    /// The entry of `key` if it is live; an expired one is deleted.
    fn live(&mut self, key: &str) -> Option<&mut Entry> {
        let now = self.clock.now_unix_ms();
        let deadline = self.entries.get(key)?.deadline_ms;
        if deadline.is_some_and(|d| now > d) {
            self.entries.remove(key);
            return None;
        }
        self.entries.get_mut(key)
    }

    pub fn set(&mut self, key: &str, value: &str, ex: Expiry, cond: Cond) -> Result<bool, KvError> {
        let now = self.clock.now_unix_ms();
        // Like Redis, check the arguments before anything else.
        let ms = match ex {
            Expiry::Never => None,
            Expiry::Seconds(s) => Some(s.checked_mul(1000)),
            Expiry::Millis(ms) => Some(Some(ms)),
        };
        let deadline_ms = match ms {
            None => None,
            Some(Some(ms)) if ms > 0 => {
                Some(now.checked_add(ms).ok_or(KvError::InvalidExpireTime)?)
            }
            Some(_) => return Err(KvError::InvalidExpireTime),
        };
        let exists = self.live(key).is_some();
        if (cond == Cond::Nx && exists) || (cond == Cond::Xx && !exists) {
            return Ok(false);
        }
        let value = value.to_string(); // a new entry: without EX/PX, no TTL any more
        self.entries
            .insert(key.to_string(), Entry { value, deadline_ms });
        Ok(true)
    }

    pub fn get(&mut self, key: &str) -> Option<String> {
        self.live(key).map(|e| e.value.clone())
    }

    pub fn del(&mut self, keys: &[&str]) -> usize {
        let mut removed = 0;
        for key in keys {
            // `live` first: an expired key is deleted too, but it does not count.
            if self.live(key).is_some() {
                self.entries.remove(*key);
                removed += 1;
            }
        }
        removed
    }

    pub fn expire(&mut self, key: &str, seconds: i64) -> bool {
        let now = self.clock.now_unix_ms();
        let Some(entry) = self.live(key) else {
            return false;
        };
        if seconds <= 0 {
            self.entries.remove(key); // a deadline in the past: gone at once
        } else {
            let ms = seconds.unsigned_abs().saturating_mul(1000);
            entry.deadline_ms = Some(now.saturating_add(ms));
        }
        true
    }

    pub fn pttl(&mut self, key: &str) -> i64 {
        let now = self.clock.now_unix_ms();
        match self.live(key).map(|e| e.deadline_ms) {
            None => -2,
            Some(None) => -1,
            Some(Some(d)) => i64::try_from(d - now).unwrap_or(i64::MAX),
        }
    }

    pub fn ttl(&mut self, key: &str) -> i64 {
        match self.pttl(key) {
            ms if ms < 0 => ms,
            ms => (ms + 500) / 1000,
        }
    }

    pub fn incr(&mut self, key: &str) -> Result<i64, KvError> {
        let Some(entry) = self.live(key) else {
            let (value, deadline_ms) = ("1".to_string(), None);
            self.entries
                .insert(key.to_string(), Entry { value, deadline_ms });
            return Ok(1);
        };
        let n: i64 = entry.value.parse().map_err(|_| KvError::NotAnInteger)?;
        // Round trip: "+1", "007", "-0" and " 1" are not how Redis writes an integer.
        if n.to_string() != entry.value {
            return Err(KvError::NotAnInteger);
        }
        let n = n.checked_add(1).ok_or(KvError::Overflow)?;
        entry.value = n.to_string(); // in place: the deadline stays
        Ok(n)
    }

    pub fn sweep(&mut self) -> usize {
        let now = self.clock.now_unix_ms();
        let before = self.entries.len();
        self.entries
            .retain(|_, e| e.deadline_ms.is_none_or(|d| now <= d));
        before - self.entries.len()
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::ManualClock;
    use std::time::Duration;

    const T0: u64 = 1_700_000_000_000;

    /// Runs a redis-cli-like session from `T0`: `COMMAND => reply`, separated by `;` or
    /// newlines. `ADVANCE ms` moves the clock; `STORED` is `stored()`; `SWEEP`, `sweep()`.
    fn run(script: &str) {
        let clock = ManualClock::new(T0);
        let mut kv = Store::new(&clock);
        let int = |n: i64| format!("(integer) {n}");
        let num = |s: Option<&&str>| s.unwrap().parse::<u64>().unwrap();
        let steps = script.split(['\n', ';']).map(str::trim);
        for step in steps.filter(|s| !s.is_empty()) {
            let (cmd, want) = step.split_once(" => ").unwrap_or((step, ""));
            let got = match cmd.split_whitespace().collect::<Vec<_>>()[..] {
                ["ADVANCE", ms] => {
                    clock.advance(Duration::from_millis(num(Some(&ms))));
                    String::new()
                }
                ["STORED"] => int(kv.stored() as i64),
                ["SWEEP"] => int(kv.sweep() as i64),
                ["GET", k] => kv.get(k).map_or("(nil)".into(), |v| format!("{v:?}")),
                ["DEL", ref keys @ ..] => int(kv.del(keys) as i64),
                ["EXPIRE", k, s] => int(kv.expire(k, s.parse().unwrap()) as i64),
                ["TTL", k] => int(kv.ttl(k)),
                ["PTTL", k] => int(kv.pttl(k)),
                ["INCR", k] => kv.incr(k).map_or_else(|e| e.to_string(), int),
                ["SET", k, v, ref opts @ ..] => {
                    let (mut ex, mut cond, mut opts) = (Expiry::Never, Cond::Always, opts.iter());
                    while let Some(&opt) = opts.next() {
                        match opt {
                            "EX" => ex = Expiry::Seconds(num(opts.next())),
                            "PX" => ex = Expiry::Millis(num(opts.next())),
                            "NX" => cond = Cond::Nx,
                            _ => cond = Cond::Xx,
                        }
                    }
                    let reply = kv
                        .set(k, v, ex, cond)
                        .map(|ok| ["(nil)", "OK"][ok as usize]);
                    reply.map_or_else(|e| e.to_string(), str::to_string)
                }
                _ => panic!("bad test script: {step}"),
            };
            assert_eq!(got, want, "{cmd}\n--- in this session:\n{script}");
        }
    }

    #[test]
    fn set_get_and_del() {
        run(
            r#"GET greeting => (nil); SET greeting hello => OK; SET greeting hi => OK
            GET greeting => "hi"; SET other x => OK
            DEL greeting nope greeting => (integer) 1; GET greeting => (nil); GET other => "x""#,
        );
    }

    #[test]
    fn nx_xx_matrix_where_an_expired_key_counts_as_missing() {
        let states = ["", "SET k old => OK", "SET k old PX 10 => OK"]; // missing, live, expired
        let table = [
            ("", ["OK"; 3]),
            ("NX", ["OK", "(nil)", "OK"]),
            ("XX", ["(nil)", "OK", "(nil)"]),
        ];
        for (cond, row) in table {
            for (state, reply) in states.iter().zip(row) {
                let value = match reply {
                    "OK" => r#""new""#,
                    _ if state.ends_with("PX 10 => OK") || state.is_empty() => "(nil)",
                    _ => r#""old""#,
                };
                run(&format!(
                    "{state}; ADVANCE 11; SET k new {cond} => {reply}; GET k => {value}"
                ));
            }
        }
    }

    #[test]
    fn a_key_expires_once_the_clock_is_past_its_deadline_and_a_read_deletes_it() {
        run(r#"SET px a PX 1500 => OK; SET ex b EX 2 => OK
            ADVANCE 1500; GET px => "a"
            ADVANCE 1; STORED => (integer) 2; GET px => (nil); STORED => (integer) 1
            GET ex => "b"; ADVANCE 500; GET ex => (nil)"#);
    }

    #[test]
    fn ttl_is_minus_two_minus_one_or_the_seconds_left_rounded() {
        run(
            "TTL nope => (integer) -2; PTTL nope => (integer) -2; SET forever v => OK
            TTL forever => (integer) -1; PTTL forever => (integer) -1
            SET k v EX 10 => OK; TTL k => (integer) 10; ADVANCE 8500
            PTTL k => (integer) 1500; TTL k => (integer) 2; ADVANCE 1; TTL k => (integer) 1
            ADVANCE 1499; PTTL k => (integer) 0; TTL k => (integer) 0
            ADVANCE 1; TTL k => (integer) -2",
        );
    }

    #[test]
    fn a_plain_set_clears_the_ttl_and_a_failed_set_keeps_it() {
        run(
            r#"SET k v1 EX 5 => OK; SET k v2 EX 60 NX => (nil); PTTL k => (integer) 5000
            SET k v3 PX 20000 XX => OK; PTTL k => (integer) 20000
            SET k v4 => OK; TTL k => (integer) -1; ADVANCE 30000; GET k => "v4""#,
        );
    }

    #[test]
    fn invalid_expire_times_are_refused_and_store_nothing() {
        let max = u64::MAX - T0; // the largest PX whose deadline fits in a u64
        let (s, big) = (u64::MAX / 999, max + 1);
        let err = "ERR invalid expire time in 'set' command";
        run(&format!(
            "SET k v EX 0 => {err}; SET k v PX 0 => {err}; SET k v EX {s} => {err}
            SET k v PX {big} => {err}; STORED => (integer) 0; SET k v PX {max} => OK"
        ));
    }

    #[test]
    fn expire_sets_replaces_or_deletes() {
        run("EXPIRE k 10 => (integer) 0; SET k v => OK
            EXPIRE k 10 => (integer) 1; PTTL k => (integer) 10000
            EXPIRE k 3 => (integer) 1; PTTL k => (integer) 3000
            ADVANCE 3001; EXPIRE k 10 => (integer) 0
            SET k v => OK; EXPIRE k 0 => (integer) 1; STORED => (integer) 0
            SET k v => OK; EXPIRE k -5 => (integer) 1; TTL k => (integer) -2");
    }

    #[test]
    fn incr_counts_from_zero_and_keeps_the_ttl() {
        let max = i64::MAX;
        run(&format!(
            r#"INCR hits => (integer) 1; TTL hits => (integer) -1
            SET n -2 EX 10 => OK; INCR n => (integer) -1; INCR n => (integer) 0
            INCR n => (integer) 1; GET n => "1"; PTTL n => (integer) 10000
            ADVANCE 10001; INCR n => (integer) 1; TTL n => (integer) -1
            SET max {max} => OK; INCR max => ERR increment or decrement would overflow
            GET max => "{max}""#
        ));
    }

    #[test]
    fn incr_refuses_values_that_are_not_canonical_integers() {
        let clock = ManualClock::new(T0);
        let mut kv = Store::new(&clock);
        let bad = [
            "abc",
            "",
            "1.5",
            " 1",
            "1 ",
            "+1",
            "007",
            "-0",
            "9223372036854775808",
        ];
        for value in bad {
            kv.set("k", value, Expiry::Never, Cond::Always).unwrap();
            assert_eq!(
                kv.incr("k"),
                Err(KvError::NotAnInteger),
                "INCR on {value:?}"
            );
            assert_eq!(kv.get("k").as_deref(), Some(value), "unchanged");
        }
        let msg = KvError::NotAnInteger.to_string();
        assert_eq!(msg, "ERR value is not an integer or out of range");
    }

    #[test]
    fn sweep_deletes_every_expired_key_and_only_those() {
        run(
            "SET a v PX 100 => OK; SET b v PX 200 => OK; SET c v PX 300 => OK
            SET forever v => OK; SWEEP => (integer) 0
            ADVANCE 200; SWEEP => (integer) 1; STORED => (integer) 3
            ADVANCE 1000; SWEEP => (integer) 2; STORED => (integer) 1
            SET gone v PX 1 => OK; ADVANCE 2
            DEL gone forever => (integer) 1; STORED => (integer) 0",
        );
    }
}
