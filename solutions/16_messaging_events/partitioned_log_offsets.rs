//! # A partitioned log with offsets and consumer groups
//!
//! Roadmap step: **Message brokers: Kafka** (<https://roadmap.sh/backend>): a Kafka topic
//! is an append-only log split into partitions. Consumers do not delete what they read:
//! each group remembers how far it got (its committed offset), so it can stop, crash or
//! replay, and many groups can read the same records.
//!
//! 1. `fnv1a_32` and `partition_for`: a record's key picks its partition,
//!    `fnv1a_32(key) % partitions`, so all records of one key stay in order in one
//!    partition. The hash must be stable: std's `DefaultHasher` is not (its algorithm may
//!    change between Rust releases, and `HashMap`'s `RandomState` seeds it randomly in
//!    every process), so after a restart or an upgrade a key would move to another
//!    partition and its order would be lost. (Kafka itself uses murmur2.)
//! 2. `send`: append to the key's partition; a record's offset is its position in that
//!    partition, from 0, and is never reused nor renumbered.
//! 3. `read`: at most `max` records from `offset` on. Records before the log start were
//!    deleted: reading from there starts at the log start.
//! 4. `delete_before`: retention by offset, drop the records below `offset` (never past the
//!    end of the log).
//! 5. `Consumer`: `join` starts each assigned partition at the group's committed offset
//!    (the next record to read), or at the log start if the group never committed.
//!    `poll(max)` returns up to `max` records, partition by partition in ascending
//!    order, and moves the positions past them. `commit` saves the positions. A crash
//!    loses what was polled but not committed: the group reads it again (at least once).
//!
//! Standards:
//! - <https://kafka.apache.org/documentation/#intro_concepts_and_terms>
//! - <https://kafka.apache.org/documentation/#theconsumer> (offsets, consumer position)
//! - <https://kafka.apache.org/documentation/#semantics> (at-least-once)
//! - <https://datatracker.ietf.org/doc/html/draft-eastlake-fnv> (FNV-1a)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::collections::BTreeMap;

pub const FNV_OFFSET_BASIS: u32 = 0x811c_9dc5;
pub const FNV_PRIME: u32 = 0x0100_0193;

pub fn fnv1a_32(bytes: &[u8]) -> u32 {
    let mut hash = FNV_OFFSET_BASIS;
    for &b in bytes {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

pub fn partition_for(key: &str, partitions: u32) -> u32 {
    fnv1a_32(key.as_bytes()) % partitions
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub offset: u64,
    pub key: String,
    pub value: String,
}

#[derive(Default)]
struct Partition {
    /// The offset of `records[0]`.
    log_start: u64,
    records: Vec<Record>,
}

pub struct Topic {
    partitions: Vec<Partition>,
    /// (group, partition) → the offset of the next record the group will read.
    committed: BTreeMap<(String, u32), u64>,
}

impl Topic {
    pub fn new(partitions: u32) -> Self {
        let partitions = (0..partitions).map(|_| Partition::default()).collect();
        let committed = BTreeMap::new();
        Topic {
            partitions,
            committed,
        }
    }

    pub fn log_start(&self, partition: u32) -> u64 {
        self.partitions[partition as usize].log_start
    }

    /// The offset the next record of `partition` will get.
    pub fn end_offset(&self, partition: u32) -> u64 {
        let p = &self.partitions[partition as usize];
        p.log_start + p.records.len() as u64
    }

    pub fn committed(&self, group: &str, partition: u32) -> Option<u64> {
        self.committed.get(&(group.to_string(), partition)).copied()
    }

    /// Returns the record's partition and offset.
    pub fn send(&mut self, key: &str, value: &str) -> (u32, u64) {
        let partition = partition_for(key, self.partitions.len() as u32);
        let offset = self.end_offset(partition);
        let (key, value) = (key.to_string(), value.to_string());
        let record = Record { offset, key, value };
        self.partitions[partition as usize].records.push(record);
        (partition, offset)
    }

    pub fn read(&self, partition: u32, offset: u64, max: usize) -> Vec<Record> {
        let p = &self.partitions[partition as usize];
        // Offsets are not indexes once the log start has moved.
        let skip = offset.saturating_sub(p.log_start) as usize;
        p.records.iter().skip(skip).take(max).cloned().collect()
    }

    pub fn delete_before(&mut self, partition: u32, offset: u64) {
        let offset = offset.min(self.end_offset(partition));
        let p = &mut self.partitions[partition as usize];
        // Below the log start, nothing is left to delete.
        if let Some(count) = offset.checked_sub(p.log_start) {
            p.records.drain(..count as usize);
            p.log_start = offset;
        }
    }
}

pub struct Consumer {
    group: String,
    /// Assigned partition → the offset of the next record to read.
    positions: BTreeMap<u32, u64>,
}

impl Consumer {
    pub fn join(topic: &Topic, group: &str, partitions: &[u32]) -> Consumer {
        let start = |&p: &u32| (p, topic.committed(group, p).unwrap_or(topic.log_start(p)));
        let positions = partitions.iter().map(start).collect();
        let group = group.to_string();
        Consumer { group, positions }
    }

    pub fn position(&self, partition: u32) -> Option<u64> {
        self.positions.get(&partition).copied()
    }

    pub fn poll(&mut self, topic: &Topic, max: usize) -> Vec<(u32, Record)> {
        let mut polled = Vec::new();
        for (&partition, position) in &mut self.positions {
            let records = topic.read(partition, *position, max - polled.len());
            if let Some(last) = records.last() {
                // Not `+= len`: the first record may be past a deleted range.
                *position = last.offset + 1;
            }
            polled.extend(records.into_iter().map(|r| (partition, r)));
        }
        polled
    }

    pub fn commit(&self, topic: &mut Topic) {
        for (&partition, &position) in &self.positions {
            let key = (self.group.clone(), partition);
            topic.committed.insert(key, position);
        }
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(records: &[(u32, Record)]) -> Vec<&str> {
        records.iter().map(|(_, r)| r.value.as_str()).collect()
    }

    /// Partitions of 4: bob → 0, carol → 2, alice → 3, user-42 → 3.
    fn topic() -> Topic {
        let mut topic = Topic::new(4);
        for (key, value) in [("alice", "a1"), ("bob", "b1"), ("alice", "a2")] {
            topic.send(key, value);
        }
        for (key, value) in [("carol", "c1"), ("bob", "b2"), ("alice", "a3")] {
            topic.send(key, value);
        }
        topic
    }

    #[test]
    fn fnv1a_test_vectors_and_a_stable_partition() {
        assert_eq!(fnv1a_32(b""), 0x811c9dc5, "the offset basis");
        assert_eq!(fnv1a_32(b"a"), 0xe40c292c);
        assert_eq!(fnv1a_32(b"foobar"), 0xbf9cf968);
        assert_eq!(fnv1a_32(b"user-42"), 0x026073ab);
        assert_eq!(partition_for("user-42", 4), 3);
        assert_eq!(partition_for("user-42", 3), 0);
        assert_eq!(partition_for("user-7", 4), 2);
        assert_eq!(partition_for("bob", 4), 0);
        assert_eq!(partition_for("", 4), 1);
    }

    #[test]
    fn offsets_count_per_partition_from_zero() {
        let mut topic = topic();
        assert_eq!(topic.send("user-42", "u1"), (3, 3), "after a1, a2, a3");
        assert_eq!(topic.send("bob", "b3"), (0, 2));
        assert_eq!(topic.send("", "nobody"), (1, 0));
        let ends: Vec<u64> = (0..4).map(|p| topic.end_offset(p)).collect();
        assert_eq!(ends, [3, 1, 1, 4]);
        let offsets: Vec<u64> = topic.read(3, 0, 10).iter().map(|r| r.offset).collect();
        assert_eq!(offsets, [0, 1, 2, 3]);
    }

    #[test]
    fn each_key_keeps_its_order() {
        let topic = topic();
        let alice = topic.read(3, 0, 10);
        let got: Vec<(&str, &str)> = (alice.iter())
            .map(|r| (r.key.as_str(), r.value.as_str()))
            .collect();
        assert_eq!(got, [("alice", "a1"), ("alice", "a2"), ("alice", "a3")]);
        let bob: Vec<String> = topic.read(0, 0, 10).into_iter().map(|r| r.value).collect();
        assert_eq!(bob, ["b1", "b2"]);
        assert_eq!(topic.read(0, 1, 10)[0].value, "b2", "read from an offset");
        assert_eq!(topic.read(3, 1, 1).len(), 1, "at most max");
        assert!(topic.read(3, 3, 10).is_empty(), "nothing past the end");
        assert!(topic.read(1, 0, 10).is_empty(), "partition 1 got no key");
    }

    #[test]
    fn poll_returns_at_most_max_partition_by_partition() {
        let topic = topic();
        let mut consumer = Consumer::join(&topic, "billing", &[0, 1, 2, 3]);
        assert_eq!(values(&consumer.poll(&topic, 0)), Vec::<&str>::new());
        let first = consumer.poll(&topic, 3);
        assert_eq!(values(&first), ["b1", "b2", "c1"]);
        assert_eq!(first.iter().map(|(p, _)| *p).collect::<Vec<_>>(), [0, 0, 2]);
        assert_eq!(values(&consumer.poll(&topic, 2)), ["a1", "a2"]);
        assert_eq!(values(&consumer.poll(&topic, 5)), ["a3"]);
        assert!(consumer.poll(&topic, 5).is_empty(), "caught up");
        let positions: Vec<_> = (0..4).map(|p| consumer.position(p)).collect();
        assert_eq!(positions, [Some(2), Some(0), Some(1), Some(3)]);
    }

    #[test]
    fn after_a_crash_the_group_replays_from_its_committed_offset() {
        let mut topic = topic();
        let mut consumer = Consumer::join(&topic, "billing", &[0, 1, 2, 3]);
        assert_eq!(values(&consumer.poll(&topic, 3)), ["b1", "b2", "c1"]);
        consumer.commit(&mut topic);
        assert_eq!(topic.committed("billing", 0), Some(2));
        assert_eq!(
            topic.committed("billing", 3),
            Some(0),
            "nothing read there yet"
        );
        assert_eq!(values(&consumer.poll(&topic, 2)), ["a1", "a2"]);
        drop(consumer); // crashed before committing a1 and a2
        let mut restarted = Consumer::join(&topic, "billing", &[0, 1, 2, 3]);
        let again = restarted.poll(&topic, 10);
        assert_eq!(
            values(&again),
            ["a1", "a2", "a3"],
            "at least once: a1, a2 again"
        );
        restarted.commit(&mut topic);
        let mut later = Consumer::join(&topic, "billing", &[0, 1, 2, 3]);
        assert!(later.poll(&topic, 10).is_empty(), "all committed");
    }

    #[test]
    fn groups_and_partitions_are_independent() {
        let mut topic = topic();
        let mut bob_reader = Consumer::join(&topic, "billing", &[0]);
        let mut others = Consumer::join(&topic, "billing", &[2, 3]);
        assert_eq!(values(&bob_reader.poll(&topic, 10)), ["b1", "b2"]);
        assert_eq!(values(&others.poll(&topic, 1)), ["c1"]);
        bob_reader.commit(&mut topic);
        others.commit(&mut topic);
        assert_eq!(topic.committed("billing", 0), Some(2));
        assert_eq!(topic.committed("billing", 2), Some(1));
        assert_eq!(topic.committed("billing", 3), Some(0));
        assert_eq!(
            topic.committed("billing", 1),
            None,
            "nobody has partition 1"
        );
        assert_eq!(topic.committed("email", 0), None, "another group");
        let mut email = Consumer::join(&topic, "email", &[0, 3]);
        assert_eq!(
            values(&email.poll(&topic, 10)),
            ["b1", "b2", "a1", "a2", "a3"]
        );
        let mut billing = Consumer::join(&topic, "billing", &[3, 0]);
        assert_eq!(values(&billing.poll(&topic, 10)), ["a1", "a2", "a3"]);
    }

    #[test]
    fn retention_deletes_by_offset_without_renumbering() {
        let mut topic = topic();
        let mut consumer = Consumer::join(&topic, "slow", &[3]);
        assert_eq!(values(&consumer.poll(&topic, 1)), ["a1"]);
        consumer.commit(&mut topic);
        topic.delete_before(3, 2);
        assert_eq!((topic.log_start(3), topic.end_offset(3)), (2, 3));
        let kept = topic.read(3, 0, 10);
        assert_eq!((kept[0].offset, kept[0].value.as_str()), (2, "a3"));
        assert_eq!(topic.send("alice", "a4"), (3, 3), "offsets go on");
        topic.delete_before(3, 1);
        assert_eq!(topic.log_start(3), 2, "retention never brings records back");
        // The group had committed offset 1, which is gone: it resumes at the log start.
        let mut consumer = Consumer::join(&topic, "slow", &[3]);
        assert_eq!(values(&consumer.poll(&topic, 1)), ["a3"]);
        assert_eq!(consumer.position(3), Some(3));
        assert_eq!(values(&consumer.poll(&topic, 9)), ["a4"]);
        assert!(consumer.poll(&topic, 9).is_empty());
        topic.delete_before(3, 3);
        assert_eq!(topic.read(3, 0, 9)[0].value, "a4");
        topic.delete_before(0, 99);
        assert_eq!(
            (topic.log_start(0), topic.end_offset(0)),
            (2, 2),
            "not past the end"
        );
        assert_eq!(topic.send("bob", "b3"), (0, 2));
        let mut fresh = Consumer::join(&topic, "new", &[0]);
        assert_eq!(
            fresh.position(0),
            Some(2),
            "a new group starts at the log start"
        );
        assert_eq!(values(&fresh.poll(&topic, 9)), ["b3"]);
    }
}
