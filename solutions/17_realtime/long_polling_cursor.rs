//! # Long polling with a cursor, and no lost wake-ups
//!
//! Roadmap step: **Real-time data: Long polling and short polling**
//! (<https://roadmap.sh/backend>): a client that asks "anything new?" every second makes
//! a request per second and still learns news up to a second late. A long poll holds the
//! request open until there is news (or a timeout), and answers at once.
//!
//! `Board` keeps the messages, numbered 1, 2, 3... A client's cursor is the last id it has
//! seen: `GET /messages?since=N` returns the messages after `N`. `query` reads them as a
//! database would: what is stored when it starts, after `QUERY_TIME`.
//!
//! 1. `publish`: store the message with the next id, wake *every* waiting long poll.
//! 2. `long_poll`: one request (count it once). If there are messages after `since`, 200
//!    with them; otherwise wait for a new one and look again. At `LONG_POLL_TIMEOUT` after
//!    the request came in, 204 with none. A message published while a query is running
//!    must not be missed: be ready for the wake-up *before* you look (tokio's `Notify`:
//!    create the `notified()` future first, or use a `watch` channel).
//! 3. `read_messages`: a client that follows the board from cursor 0 until it has `count`
//!    messages. `Polling::Short(every)`: a short poll every `every` (a
//!    `tokio::time::interval`, first one at once). `Polling::Long`: a long poll, and the
//!    next one as soon as it returns, also after a 204.
//!
//! The tests run on a paused clock, where every time is exact.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc6202#section-2> (HTTP long polling)
//! - <https://www.rfc-editor.org/rfc/rfc6202#section-2.2> (its issues: latency, timeouts)
//! - <https://docs.rs/tokio/1.54.1/tokio/sync/struct.Notify.html#method.notified>
//!   (no lost wake-ups with `notify_waiters`)
//! - <https://docs.rs/tokio/1.54.1/tokio/time/fn.timeout.html>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::{interval, sleep, timeout};

pub const LONG_POLL_TIMEOUT: Duration = Duration::from_secs(30);
/// What one read of the stored messages takes: a database round trip.
pub const QUERY_TIME: Duration = Duration::from_millis(5);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: u64,
    pub text: String,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Reply {
    /// 200 with messages (a short poll may have none); 204 for a long poll that timed out.
    pub status: u16,
    pub messages: Vec<Message>,
}

#[derive(Default)]
pub struct Board {
    messages: Mutex<Vec<Message>>,
    new_message: Notify,
    requests: AtomicU32,
}

#[derive(Debug, Clone, Copy)]
pub enum Polling {
    Short(Duration),
    Long,
}

impl Board {
    pub fn new() -> Self {
        Self::default()
    }

    /// The requests served so far.
    pub fn requests(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The messages after `since`, as stored when the query starts.
    async fn query(&self, since: u64) -> Vec<Message> {
        let after = {
            let stored = self.messages.lock().unwrap();
            stored.iter().filter(|m| m.id > since).cloned().collect()
        };
        sleep(QUERY_TIME).await;
        after
    }

    /// `GET /messages?since=N`: whatever is there, at once.
    pub async fn short_poll(&self, since: u64) -> Reply {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let messages = self.query(since).await;
        Reply {
            status: 200,
            messages,
        }
    }

    /// Stores a message; its id.
    pub fn publish(&self, text: &str) -> u64 {
        let mut messages = self.messages.lock().unwrap();
        let id = messages.len() as u64 + 1;
        let text = text.to_string();
        messages.push(Message { id, text });
        drop(messages);
        self.new_message.notify_waiters();
        id
    }

    /// `GET /messages?since=N&wait=30`: the next messages, as soon as there are some.
    pub async fn long_poll(&self, since: u64) -> Reply {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let wait = async {
            loop {
                // Registered now, so a publish during the query below still wakes us.
                let notified = self.new_message.notified();
                let messages = self.query(since).await;
                if !messages.is_empty() {
                    return messages;
                }
                notified.await;
            }
        };
        // One deadline for the whole request, queries included.
        match timeout(LONG_POLL_TIMEOUT, wait).await {
            Ok(messages) => Reply {
                status: 200,
                messages,
            },
            Err(_) => Reply {
                status: 204,
                messages: Vec::new(),
            },
        }
    }
}

/// Follows `board` from cursor 0 until `count` messages have come.
pub async fn read_messages(board: &Board, count: usize, polling: Polling) -> Vec<Message> {
    let mut seen: Vec<Message> = Vec::new();
    let mut ticks = match polling {
        Polling::Short(every) => Some(interval(every)),
        Polling::Long => None,
    };
    while seen.len() < count {
        let cursor = seen.last().map_or(0, |m| m.id);
        let reply = match ticks.as_mut() {
            Some(ticks) => {
                ticks.tick().await;
                board.short_poll(cursor).await
            }
            None => board.long_poll(cursor).await,
        };
        seen.extend(reply.messages);
    }
    seen
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use tokio::time::{sleep_until, Instant};

    const fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn texts(messages: &[Message]) -> Vec<&str> {
        messages.iter().map(|m| m.text.as_str()).collect()
    }

    fn show(reply: &Reply) -> (u16, Vec<&str>) {
        (reply.status, texts(&reply.messages))
    }

    /// Runs `work` while `script` publishes `(at ms, text)`; fails instead of waiting
    /// for ever for news that never comes.
    async fn with_script<T>(
        board: &Board,
        script: &[(u64, &str)],
        work: impl Future<Output = T>,
    ) -> T {
        let start = Instant::now();
        let publisher = async {
            for &(at, text) in script {
                sleep_until(start + ms(at)).await;
                board.publish(text);
            }
        };
        let both = async { tokio::join!(work, publisher).0 };
        let limit = Duration::from_secs(120);
        timeout(limit, both)
            .await
            .expect("still waiting after 2 (virtual) minutes")
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_poll_with_news_answers_after_one_query() {
        let board = Board::new();
        assert_eq!((board.publish("a"), board.publish("b")), (1, 2));
        let start = Instant::now();
        let reply = with_script(&board, &[], board.long_poll(0)).await;
        assert_eq!(show(&reply), (200, vec!["a", "b"]));
        assert_eq!(reply.messages[1].id, 2);
        assert_eq!(start.elapsed(), QUERY_TIME, "no waiting");
        let reply = board.short_poll(1).await;
        assert_eq!(show(&reply), (200, vec!["b"]), "after 1");
        assert_eq!(board.requests(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_poll_waits_for_the_next_message() {
        let board = Board::new();
        board.publish("old");
        let start = Instant::now();
        let reply = with_script(&board, &[(2500, "new")], board.long_poll(1)).await;
        assert_eq!(show(&reply), (200, vec!["new"]));
        assert_eq!(start.elapsed(), ms(2505), "woken at 2.5 s, then one query");
        assert_eq!(board.requests(), 1, "one request, however many queries");
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_poll_without_news_is_a_204_after_exactly_30_s() {
        let board = Board::new();
        board.publish("seen");
        let start = Instant::now();
        let reply = with_script(&board, &[], board.long_poll(1)).await;
        assert_eq!(show(&reply), (204, vec![]));
        assert_eq!(
            start.elapsed(),
            LONG_POLL_TIMEOUT,
            "the request's own deadline"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_message_published_during_the_query_is_not_lost() {
        let board = Board::new();
        let start = Instant::now();
        let reply = with_script(&board, &[(2, "hi")], board.long_poll(0)).await;
        assert_eq!(show(&reply), (200, vec!["hi"]), "a lost wake-up");
        assert_eq!(
            start.elapsed(),
            ms(10),
            "the 1st query missed it, the 2nd did not"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn one_message_wakes_every_waiting_long_poll() {
        let board = Board::new();
        let start = Instant::now();
        let polls =
            async { tokio::join!(board.long_poll(0), board.long_poll(0), board.long_poll(0)) };
        let (a, b, c) = with_script(&board, &[(1000, "all")], polls).await;
        for reply in [a, b, c] {
            assert_eq!(show(&reply), (200, vec!["all"]));
        }
        assert_eq!(start.elapsed(), ms(1005), "all at once");
    }

    #[tokio::test(start_paused = true)]
    async fn long_polling_needs_a_request_per_message_short_polling_one_per_second() {
        let script = [(2500, "a"), (6500, "b"), (9250, "c")];
        let board = Board::new();
        let start = Instant::now();
        let short = read_messages(&board, 3, Polling::Short(ms(1000)));
        assert_eq!(
            texts(&with_script(&board, &script, short).await),
            ["a", "b", "c"]
        );
        assert_eq!(board.requests(), 11, "one at 0 s, 1 s, ... 10 s");
        assert_eq!(start.elapsed(), ms(10_005), "c came 0.755 s late");
        let board = Board::new();
        let start = Instant::now();
        let long = read_messages(&board, 3, Polling::Long);
        assert_eq!(
            texts(&with_script(&board, &script, long).await),
            ["a", "b", "c"]
        );
        assert_eq!(board.requests(), 3, "one per message");
        assert_eq!(start.elapsed(), ms(9255), "c came one query late");
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_poll_that_times_out_is_repeated_at_once() {
        let board = Board::new();
        let start = Instant::now();
        let script = [(30_500, "late"), (30_501, "later")];
        let long = read_messages(&board, 2, Polling::Long);
        assert_eq!(
            texts(&with_script(&board, &script, long).await),
            ["late", "later"]
        );
        assert_eq!(board.requests(), 3, "204 at 30 s, then 2 answers");
        assert_eq!(start.elapsed(), ms(30_510), "asked again at 30 s: no pause");
    }
}
