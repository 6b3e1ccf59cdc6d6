//! # A queue with acks, visibility timeouts and a dead-letter queue
//!
//! Roadmap step: **Message brokers** (<https://roadmap.sh/backend>): a worker can crash
//! half-way through a job, so a queue never deletes a message when it hands it out, only
//! when the worker acknowledges it. That is *at-least-once* delivery.
//!
//! Amazon SQS semantics, on a `Clock`:
//!
//! 1. `receive`: the oldest visible message (lowest id). It stays in the queue but is
//!    hidden (in flight) for the visibility timeout, and visible again at exactly
//!    `received + timeout`. Each receive adds 1 to its `receive_count` and hands out a
//!    new `Receipt`.
//! 2. A receipt is good for ONE delivery, while it is in flight: it goes stale when the
//!    timeout passes, when the message is received again, acked or nacked. `ack` and
//!    `nack` with a stale receipt change nothing and return `Err(Stale)`: that worker lost
//!    its lease, another one may be working on the message.
//! 3. `ack`: delete the message for good. `nack`: make it visible again at once.
//! 4. A message received `max_receives` times and still not acked is poison: when it
//!    would be received once more, move it to the dead-letter queue instead (with its
//!    count) and go on with the next visible message.
//!
//! Standards:
//! - <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html>
//! - <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html>
//! - <https://www.rabbitmq.com/docs/confirms> (AMQP 0-9-1 acks, nacks and redelivery)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::Clock;
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: u64,
    pub body: String,
    pub receive_count: u32,
}

/// Proof of one delivery. Only the queue can make one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    message_id: u64,
    delivery: u64,
}

/// The error of an `ack` or `nack` whose receipt is no longer live.
#[derive(Debug, PartialEq, Eq)]
pub struct Stale;

/// A message in flight: which delivery holds it, and until when.
#[derive(Debug, Clone, Copy)]
struct Lease {
    receipt: Receipt,
    visible_at_ms: u64,
}

struct Entry {
    message: Message,
    lease: Option<Lease>,
}

pub struct Queue<'a> {
    clock: &'a dyn Clock,
    timeout_ms: u64,
    max_receives: u32,
    next_id: u64,
    deliveries: u64,
    messages: BTreeMap<u64, Entry>,
    dead_letters: Vec<Message>,
}

impl<'a> Queue<'a> {
    pub fn new(clock: &'a dyn Clock, visibility_timeout: Duration, max_receives: u32) -> Self {
        Queue {
            clock,
            timeout_ms: visibility_timeout.as_millis() as u64,
            max_receives,
            next_id: 1,
            deliveries: 0,
            messages: BTreeMap::new(),
            dead_letters: Vec::new(),
        }
    }

    /// Enqueues a message and returns its id.
    pub fn send(&mut self, body: &str) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let message = Message {
            id,
            body: body.to_string(),
            receive_count: 0,
        };
        let lease = None;
        self.messages.insert(id, Entry { message, lease });
        id
    }

    /// Messages not yet acked nor dead-lettered, in flight or not.
    pub fn pending(&self) -> usize {
        self.messages.len()
    }

    pub fn dead_letters(&self) -> &[Message] {
        &self.dead_letters
    }

    pub fn receive(&mut self) -> Option<(Message, Receipt)> {
        // TODO: the first message without a live lease; dead-letter it if it was already
        // received `max_receives` times; else count the receive, lease it, and hand out a
        // receipt for this delivery.
        todo!()
    }

    /// The entry that `receipt` still holds a live lease on.
    fn leased(&mut self, receipt: &Receipt) -> Result<&mut Entry, Stale> {
        // TODO: the entry, if `receipt` is the delivery that holds its lease and the lease
        // has not run out; otherwise `Stale`.
        todo!()
    }

    pub fn ack(&mut self, receipt: &Receipt) -> Result<(), Stale> {
        // TODO: a live receipt deletes the message.
        todo!()
    }

    pub fn nack(&mut self, receipt: &Receipt) -> Result<(), Stale> {
        // TODO: a live receipt ends the lease: the message is visible again.
        todo!()
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::ManualClock;

    const T0: u64 = 1_700_000_000_000;
    const TIMEOUT: Duration = Duration::from_secs(30);
    const MS: Duration = Duration::from_millis(1);

    fn take(q: &mut Queue) -> (String, u32, Receipt) {
        let (message, receipt) = q.receive().expect("a visible message");
        (message.body, message.receive_count, receipt)
    }

    #[test]
    fn a_received_message_is_hidden_until_acked() {
        let clock = ManualClock::new(T0);
        let mut q = Queue::new(&clock, TIMEOUT, 3);
        assert_eq!((q.send("a"), q.send("b")), (1, 2));
        let (body, count, a) = take(&mut q);
        assert_eq!((body.as_str(), count), ("a", 1), "oldest first");
        let (body, _, b) = take(&mut q);
        assert_eq!(body, "b", "a is in flight, so b is next");
        assert_eq!(q.receive(), None, "both are in flight");
        assert_eq!(q.pending(), 2, "in flight is still in the queue");
        assert_eq!(q.ack(&a), Ok(()));
        assert_eq!(q.pending(), 1);
        clock.advance(TIMEOUT);
        assert_eq!(take(&mut q).0, "b", "b was never acked");
        assert_eq!(q.receive(), None, "an acked message never comes back");
        assert_ne!(a, b);
    }

    #[test]
    fn an_unacked_message_comes_back_after_the_visibility_timeout() {
        let clock = ManualClock::new(T0);
        let mut q = Queue::new(&clock, TIMEOUT, 5);
        q.send("job");
        let (first, r1) = q.receive().unwrap();
        clock.advance(TIMEOUT - MS);
        assert_eq!(q.receive(), None, "29.999 s: still in flight");
        clock.advance(MS);
        let (again, r2) = q.receive().expect("visible again at exactly 30 s");
        assert_eq!((again.id, again.body.as_str()), (first.id, "job"));
        assert_eq!(again.receive_count, 2, "the second delivery");
        assert_ne!(r1, r2, "a receipt per delivery");
        clock.advance(TIMEOUT + TIMEOUT);
        assert_eq!(take(&mut q).1, 3, "every timeout is one more receive");
    }

    #[test]
    fn a_receipt_is_good_for_one_delivery_only() {
        let clock = ManualClock::new(T0);
        let mut q = Queue::new(&clock, TIMEOUT, 5);
        q.send("job");
        let (_, _, slow) = take(&mut q); // worker A stalls...
        clock.advance(TIMEOUT);
        let (_, _, fast) = take(&mut q); // ...worker B gets the message
        assert_eq!(q.ack(&slow), Err(Stale), "A's lease is over");
        assert_eq!(q.nack(&slow), Err(Stale), "A cannot give B's delivery back");
        assert_eq!(q.receive(), None, "B still holds the message");
        assert_eq!(q.ack(&fast), Ok(()));
        assert_eq!(q.ack(&fast), Err(Stale), "acked already");
        assert_eq!(q.pending(), 0);
    }

    #[test]
    fn an_ack_after_the_timeout_is_rejected() {
        let clock = ManualClock::new(T0);
        let mut q = Queue::new(&clock, TIMEOUT, 5);
        q.send("in time");
        q.send("late");
        let (_, _, in_time) = take(&mut q);
        let (_, _, late) = take(&mut q);
        clock.advance(TIMEOUT - MS);
        assert_eq!(q.ack(&in_time), Ok(()), "29.999 s: in time");
        clock.advance(MS);
        assert_eq!(q.ack(&late), Err(Stale), "30 s: the lease is over");
        assert_eq!(q.nack(&late), Err(Stale));
        assert_eq!(q.pending(), 1, "the late ack deleted nothing");
        let (body, count, _) = take(&mut q);
        assert_eq!((body.as_str(), count), ("late", 2), "so it is redelivered");
    }

    #[test]
    fn nack_makes_the_message_visible_at_once() {
        let clock = ManualClock::new(T0);
        let mut q = Queue::new(&clock, TIMEOUT, 5);
        q.send("a");
        let (_, _, a) = take(&mut q);
        q.send("b");
        assert_eq!(q.nack(&a), Ok(()));
        assert_eq!(q.nack(&a), Err(Stale), "a nack ends the delivery");
        assert_eq!(q.ack(&a), Err(Stale));
        let (body, count, a2) = take(&mut q);
        assert_eq!((body.as_str(), count), ("a", 2), "redelivered, before b");
        assert_eq!(q.ack(&a2), Ok(()));
        assert_eq!(take(&mut q).0, "b");
    }

    #[test]
    fn after_max_receives_the_message_goes_to_the_dead_letter_queue() {
        let clock = ManualClock::new(T0);
        let mut q = Queue::new(&clock, TIMEOUT, 3);
        q.send("poison");
        q.send("ok");
        for attempt in 1..=3 {
            let (body, count, r) = take(&mut q);
            assert_eq!((body.as_str(), count), ("poison", attempt));
            if attempt == 2 {
                clock.advance(TIMEOUT); // a crash instead of a nack
            } else {
                q.nack(&r).unwrap();
            }
        }
        assert!(q.dead_letters().is_empty(), "3 receives are allowed");
        let (body, _, ok) = take(&mut q);
        assert_eq!(body, "ok", "the 4th receive dead-letters poison");
        let poison = Message {
            id: 1,
            body: "poison".into(),
            receive_count: 3,
        };
        let dead = vec![poison];
        assert_eq!(q.dead_letters(), dead);
        assert_eq!(q.pending(), 1, "only ok is left");
        q.ack(&ok).unwrap();
        clock.advance(TIMEOUT);
        assert_eq!(q.receive(), None);
        assert_eq!(q.dead_letters(), dead, "dead letters stay for a human");
    }

    #[test]
    fn one_receive_allowed_means_no_second_chance() {
        let clock = ManualClock::new(T0);
        let mut q = Queue::new(&clock, TIMEOUT, 1);
        q.send("once");
        let (_, count, r) = take(&mut q);
        assert_eq!(count, 1);
        q.nack(&r).unwrap();
        assert_eq!(q.receive(), None, "dead-lettered, nothing else to receive");
        assert_eq!(q.dead_letters().len(), 1);
        assert_eq!(q.pending(), 0);
    }
}
