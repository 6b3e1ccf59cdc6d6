//! # Publish/subscribe through a topic exchange
//!
//! Roadmap step: **Message brokers** (<https://roadmap.sh/backend>): a publisher sends an
//! event once, with a routing key like `order.eu.created`; the broker copies it to every
//! queue whose binding pattern matches, and the publisher knows none of them.
//!
//! The AMQP 0-9-1 topic exchange (RabbitMQ):
//!
//! 1. `topic_matches`: keys and patterns are words separated by `.` (an empty string has
//!    zero words). In a pattern, a whole word `*` matches exactly one word and a whole word
//!    `#` matches zero or more words; any other word matches itself only. Patterns come
//!    from subscribers, so matching must not blow up on many `#`: keep it to
//!    O(pattern words × key words).
//! 2. `publish`: send a copy to each subscriber with at least one matching pattern, once
//!    even if several match, and return how many got it. A subscriber that dropped its
//!    `Receiver` is gone: remove it, and do not count it.
//! 3. `unsubscribe`: remove the subscriber. Its channel closes (the `Sender` is dropped),
//!    so its consumer sees the end of the stream after the messages already sent.
//!
//! Standards:
//! - <https://www.rabbitmq.com/tutorials/amqp-concepts#exchange-topic>
//! - <https://www.rabbitmq.com/tutorials/tutorial-five-python> (`*` and `#`)
//! - <https://doc.rust-lang.org/std/sync/mpsc/index.html>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::collections::BTreeMap;
use std::sync::mpsc::{channel, Receiver, Sender};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub routing_key: String,
    pub body: String,
}

pub type SubscriberId = u64;

fn words(s: &str) -> Vec<&str> {
    if s.is_empty() {
        Vec::new()
    } else {
        s.split('.').collect()
    }
}

pub fn topic_matches(pattern: &str, routing_key: &str) -> bool {
    // TODO: match the pattern's words against the key's words: `*` is one word, `#` is
    // zero or more. Without backtracking: track which key prefixes the pattern so far
    // can match.
    todo!()
}

struct Subscriber {
    patterns: Vec<String>,
    sender: Sender<Message>,
}

#[derive(Default)]
pub struct Exchange {
    next_id: SubscriberId,
    subscribers: BTreeMap<SubscriberId, Subscriber>,
}

impl Exchange {
    pub fn new() -> Self {
        Self::default()
    }

    /// A queue bound with `patterns`: its id and the end its consumer reads.
    pub fn subscribe(&mut self, patterns: &[&str]) -> (SubscriberId, Receiver<Message>) {
        let (sender, receiver) = channel();
        let patterns = patterns.iter().map(|p| p.to_string()).collect();
        self.next_id += 1;
        let subscriber = Subscriber { patterns, sender };
        self.subscribers.insert(self.next_id, subscriber);
        (self.next_id, receiver)
    }

    pub fn subscriber_count(&self) -> usize {
        self.subscribers.len()
    }

    pub fn publish(&mut self, routing_key: &str, body: &str) -> usize {
        // TODO: one copy per subscriber with a matching pattern; forget subscribers whose
        // receiver is gone; return how many got a copy.
        todo!()
    }

    /// Returns whether `id` was subscribed.
    pub fn unsubscribe(&mut self, id: SubscriberId) -> bool {
        // TODO: forget the subscriber (dropping its sender closes its channel).
        todo!()
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::TryRecvError;

    fn bodies(rx: &Receiver<Message>) -> Vec<String> {
        rx.try_iter().map(|m| m.body).collect()
    }

    #[test]
    fn the_pattern_matrix() {
        #[rustfmt::skip]
        let cases = [
            ("a.*.c", "a.b.c", true),
            ("a.*.c", "a.c", false),         // `*` is exactly one word
            ("a.*.c", "a.b.b.c", false),
            ("a.*.c", "a.b.c.d", false),
            ("a.*.c", "x.b.c", false),
            ("#.error", "error", true),      // `#` can be zero words
            ("#.error", "app.error", true),
            ("#.error", "app.db.error", true),
            ("#.error", "app.error.retry", false),
            ("#.error", "app.errors", false), // words, not substrings
            ("#", "a.b.c", true),
            ("#", "a", true),
            ("#", "", true),                 // the empty key has zero words
            ("a.#.c", "a.c", true),          // zero words in the middle
            ("a.#.c", "a.b.c", true),
            ("a.#.c", "a.b.x.y.c", true),
            ("a.#.c", "a.c.c", true),
            ("a.#.c", "a.b", false),
            ("a.#.c", "b.a.c", false),
            ("a.#.#.c", "a.c", true),
            ("a.#", "a", true),
            ("a.#", "ab.c", false),
            ("#.a.b", "a.x.a.b", true),      // `#` must not stop at the first `a`
            ("*", "a", true),
            ("*", "a.b", false),
            ("*", "", false),
            ("*.*", "a", false),
            ("#.*", "a", true),
            ("#.*", "", false),
            ("*.#.*", "a", false),
            ("*.#.*", "a.b.c", true),
            ("a.b", "a.b", true),
            ("a.b", "a.b.c", false),
            ("a.b", "a", false),
            ("a*.c", "ab.c", false),         // a wildcard is a whole word
            ("a*.c", "a*.c", true),
            ("", "", true),
            ("", "a", false),
        ];
        for (pattern, key, expected) in cases {
            let got = topic_matches(pattern, key);
            assert_eq!(got, expected, "pattern {pattern:?}, routing key {key:?}");
        }
    }

    #[test]
    fn many_hashes_do_not_blow_up() {
        // Backtracking tries every way to split 40 words among 12 `#`s: hours of work.
        let pattern = format!("{}b", "#.a.".repeat(12));
        let key = "a.".repeat(40);
        assert!(!topic_matches(&pattern, &key[..key.len() - 1]));
        assert!(topic_matches(&pattern, &format!("{key}b")));
    }

    #[test]
    fn a_message_goes_to_every_matching_subscriber_once() {
        let mut exchange = Exchange::new();
        let (_, errors) = exchange.subscribe(&["#.error"]);
        let (_, eu) = exchange.subscribe(&["order.eu.*"]);
        let (_, audit) = exchange.subscribe(&["#"]);
        let (_, both) = exchange.subscribe(&["order.#", "*.eu.created"]);
        assert_eq!(exchange.publish("order.eu.created", "o1"), 3);
        assert_eq!(exchange.publish("order.us.created", "o2"), 2);
        assert_eq!(exchange.publish("db.error", "e1"), 2);
        assert_eq!(exchange.publish("order.eu.created", "o3"), 3);
        assert_eq!(bodies(&errors), ["e1"]);
        assert_eq!(bodies(&eu), ["o1", "o3"]);
        assert_eq!(bodies(&audit), ["o1", "o2", "e1", "o3"], "in publish order");
        assert_eq!(bodies(&both), ["o1", "o2", "o3"], "two matches, one copy");
        let routed = Message {
            routing_key: "order.eu.created".into(),
            body: "o4".into(),
        };
        exchange.publish("order.eu.created", "o4");
        assert_eq!(eu.try_recv(), Ok(routed), "the routing key travels along");
    }

    #[test]
    fn a_message_nobody_matches_is_dropped() {
        let mut exchange = Exchange::new();
        let (_, rx) = exchange.subscribe(&["order.*"]);
        assert_eq!(exchange.publish("order.eu.created", "lost"), 0);
        assert_eq!(exchange.publish("order.created", "kept"), 1);
        assert_eq!(bodies(&rx), ["kept"], "nothing is stored for later");
        let (_, none) = exchange.subscribe(&[]);
        assert_eq!(
            exchange.publish("order.created", "x"),
            1,
            "no binding, no copy"
        );
        assert_eq!(none.try_recv(), Err(TryRecvError::Empty));
    }

    #[test]
    fn no_delivery_after_unsubscribe() {
        let mut exchange = Exchange::new();
        let (alice, rx_alice) = exchange.subscribe(&["chat.#"]);
        let (bob, rx_bob) = exchange.subscribe(&["chat.*"]);
        assert_ne!(alice, bob);
        assert_eq!(exchange.publish("chat.general", "hi"), 2);
        assert!(exchange.unsubscribe(alice));
        assert!(!exchange.unsubscribe(alice), "already gone");
        assert_eq!(exchange.publish("chat.general", "bye"), 1, "only bob");
        assert_eq!(exchange.subscriber_count(), 1);
        assert_eq!(bodies(&rx_alice), ["hi"], "what was sent before stays");
        let end = rx_alice.try_recv();
        assert_eq!(
            end,
            Err(TryRecvError::Disconnected),
            "the channel is closed"
        );
        assert_eq!(bodies(&rx_bob), ["hi", "bye"]);
        assert!(exchange.unsubscribe(bob));
        assert_eq!(exchange.publish("chat.general", "anyone?"), 0);
    }

    #[test]
    fn a_subscriber_that_dropped_its_receiver_is_removed() {
        let mut exchange = Exchange::new();
        let (_, gone) = exchange.subscribe(&["#"]);
        let (_, other) = exchange.subscribe(&["logs.*"]);
        let (_, stays) = exchange.subscribe(&["metrics.*"]);
        drop(gone);
        drop(other);
        assert_eq!(exchange.publish("metrics.cpu", "42"), 1, "a closed channel");
        assert_eq!(
            exchange.subscriber_count(),
            2,
            "only the matching one is seen"
        );
        assert_eq!(exchange.publish("logs.app", "x"), 0);
        assert_eq!(exchange.subscriber_count(), 1);
        assert_eq!(bodies(&stays), ["42"]);
    }
}
