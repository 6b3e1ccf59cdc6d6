//! # Consistent hashing: a ring with virtual nodes, and a shard router
//!
//! Roadmap step: **Sharding strategies** (<https://roadmap.sh/backend>): spread keys over
//! several databases so that adding one moves a fair share of the keys, not nearly all of
//! them as `hash(key) % n` does.
//!
//! Every node owns `vnodes` points on a ring of `u64`s; a key belongs to the node of the
//! first point at or after the key's hash, going clockwise and wrapping past `u64::MAX`
//! to the first point. Many points per node even out the share of each node.
//!
//! 1. `hash`: the first 8 bytes of the SHA-256 of the text, as a big-endian `u64`.
//! 2. `Ring::add`: the points of node `n` are the hashes of `"n#0"`, `"n#1"`, … up to
//!    `vnodes - 1`. `remove` deletes exactly that node's points.
//! 3. `Ring::node_at`: the clockwise lookup; `None` on an empty ring.
//! 4. `ShardRouter::rebalance`, run by `add_node` and `remove_node` after they changed the
//!    ring: move every stored key whose owner changed to its new shard (`shard_of`), and
//!    return how many keys moved.
//!
//! Standards:
//! - <https://dl.acm.org/doi/10.1145/258533.258660> (Karger et al. 1997, consistent hashing)
//! - <https://roadmap.sh/backend> → "Sharding Strategies"
//! - <https://nvlpubs.nist.gov/nistpubs/FIPS/NIST.FIPS.180-4.pdf> (SHA-256)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub fn hash(text: &str) -> u64 {
    // TODO: SHA-256 of the text; its first 8 bytes, big-endian.
    todo!()
}

pub struct Ring {
    vnodes: usize,
    /// Point on the ring → the node that owns it.
    points: BTreeMap<u64, String>,
}

impl Ring {
    pub fn new(vnodes: usize) -> Self {
        let points = BTreeMap::new();
        Ring { vnodes, points }
    }

    pub fn add(&mut self, node: &str) {
        // TODO: `vnodes` points, the hashes of "node#0", "node#1", ...
        todo!()
    }

    pub fn remove(&mut self, node: &str) {
        // TODO: delete the points this node owns.
        todo!()
    }

    pub fn node_at(&self, point: u64) -> Option<&str> {
        // TODO: the owner of the first point at or after `point`, wrapping to the first.
        todo!()
    }

    pub fn node_for(&self, key: &str) -> Option<&str> {
        self.node_at(hash(key))
    }
}

/// Keys and values spread over shards (databases), one per node of the ring.
pub struct ShardRouter {
    ring: Ring,
    shards: BTreeMap<String, BTreeMap<String, String>>,
}

impl ShardRouter {
    pub fn new(vnodes: usize, nodes: &[&str]) -> Self {
        let (mut ring, mut shards) = (Ring::new(vnodes), BTreeMap::new());
        for node in nodes {
            ring.add(node);
            shards.insert(node.to_string(), BTreeMap::new());
        }
        ShardRouter { ring, shards }
    }

    fn shard_of(&mut self, key: &str) -> &mut BTreeMap<String, String> {
        let node = self.ring.node_for(key).expect("the router has nodes");
        self.shards.entry(node.to_string()).or_default()
    }

    pub fn put(&mut self, key: &str, value: &str) {
        self.shard_of(key)
            .insert(key.to_string(), value.to_string());
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        let shard = self.shards.get(self.ring.node_for(key)?)?;
        shard.get(key).map(String::as_str)
    }

    /// How many keys `node` stores.
    pub fn shard_len(&self, node: &str) -> usize {
        self.shards.get(node).map_or(0, BTreeMap::len)
    }

    /// Moves every key that is not on its owner's shard; returns how many moved.
    fn rebalance(&mut self) -> usize {
        // TODO: take out of each shard the keys that the ring now gives to another node,
        // put them into their new shard, and count them.
        todo!()
    }

    pub fn add_node(&mut self, node: &str) -> usize {
        self.ring.add(node);
        self.rebalance()
    }

    /// The router must keep at least one node.
    pub fn remove_node(&mut self, node: &str) -> usize {
        self.ring.remove(node);
        let moved = self.rebalance();
        self.shards.remove(node);
        moved
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    const NODES: [&str; 3] = ["db-1", "db-2", "db-3"];

    fn keys() -> impl Iterator<Item = String> {
        (0..10_000).map(|i| format!("user:{i}"))
    }

    fn ring(vnodes: usize, nodes: &[&str]) -> Ring {
        let mut ring = Ring::new(vnodes);
        nodes.iter().for_each(|node| ring.add(node));
        ring
    }

    #[test]
    fn the_hash_is_the_first_8_bytes_of_sha256_big_endian() {
        assert_eq!(
            hash("abc"),
            0xba78_16bf_8f01_cfea,
            "FIPS 180-2's 'abc' vector"
        );
        assert_eq!(hash(""), 0xe3b0_c442_98fc_1c14);
        assert_eq!(hash("user:42"), 0xea3f_d43b_e1e5_7d62);
    }

    #[test]
    fn lookup_goes_clockwise_to_the_next_point_and_wraps() {
        let ring = ring(100, &NODES);
        assert_eq!(ring.points.len(), 300, "100 points per node");
        let first = 0x009d_77c7_644a_7d93; // hash("db-3#..."), the smallest point
        assert_eq!(ring.node_at(0), Some("db-3"));
        assert_eq!(
            ring.node_at(first),
            Some("db-3"),
            "a point owns its own spot"
        );
        assert_eq!(
            ring.node_at(first + 1),
            Some("db-2"),
            "the next point, 0x01ad…"
        );
        assert_eq!(
            ring.node_at(18_254_980_152_124_355_674),
            Some("db-2"),
            "the last"
        );
        assert_eq!(ring.node_at(u64::MAX), Some("db-3"), "past the end: wrap");
        assert_eq!(
            ring.node_for("user:70"),
            Some("db-3"),
            "hash 0xffe5…: wraps"
        );
        assert_eq!(ring.node_for("user:42"), ring.node_at(hash("user:42")));
        assert_eq!(Ring::new(100).node_for("user:42"), None, "an empty ring");
    }

    fn shares(ring: &Ring) -> BTreeMap<String, usize> {
        let mut shares = BTreeMap::new();
        for key in keys() {
            *shares
                .entry(ring.node_for(&key).unwrap().to_string())
                .or_default() += 1;
        }
        shares
    }

    #[test]
    fn virtual_nodes_even_out_the_load() {
        let one = shares(&ring(1, &NODES));
        assert_eq!(
            one["db-1"], 173,
            "one point each: db-1 gets 1.7% of the keys"
        );
        let many = shares(&ring(100, &NODES));
        let expected = [("db-1", 3374), ("db-2", 3431), ("db-3", 3195)];
        assert_eq!(many, expected.map(|(n, c)| (n.to_string(), c)).into());
    }

    #[test]
    fn adding_a_fourth_node_moves_about_a_quarter_of_the_keys_all_to_it() {
        let (before, after) = (
            ring(100, &NODES),
            ring(100, &["db-1", "db-2", "db-3", "db-4"]),
        );
        let mut moved = 0;
        for key in keys() {
            let (old, new) = (before.node_for(&key), after.node_for(&key));
            if old != new {
                assert_eq!(new, Some("db-4"), "{key} moved between old nodes");
                moved += 1;
            }
        }
        assert!((1_500..=3_500).contains(&moved), "{moved} of 10000 moved");
        let modulo = keys().filter(|k| hash(k) % 3 != hash(k) % 4).count();
        assert!((7_000..=8_000).contains(&modulo), "hash % n moves {modulo}");
    }

    #[test]
    fn removing_a_node_restores_the_previous_mapping() {
        let mut ring = ring(100, &NODES);
        let before: Vec<_> = keys()
            .map(|k| ring.node_for(&k).unwrap().to_string())
            .collect();
        ring.add("db-4");
        ring.remove("db-4");
        assert_eq!(ring.points.len(), 300);
        let after: Vec<_> = keys()
            .map(|k| ring.node_for(&k).unwrap().to_string())
            .collect();
        assert!(before == after, "add then remove must change nothing");
    }

    #[test]
    fn the_router_moves_only_the_keys_that_change_owner() {
        let mut router = ShardRouter::new(100, &NODES);
        for key in keys() {
            router.put(&key, &key.to_uppercase());
        }
        assert_eq!(router.shard_len("db-1"), 3374);
        let moved = router.add_node("db-4");
        assert_eq!(moved, 2527, "the keys db-4 now owns");
        assert_eq!(router.shard_len("db-4"), 2527);
        let db2 = router.shard_len("db-2");
        assert_eq!(router.remove_node("db-2"), db2, "exactly db-2's keys move");
        assert_eq!(router.shard_len("db-2"), 0);
        let total: usize = ["db-1", "db-3", "db-4"]
            .map(|n| router.shard_len(n))
            .iter()
            .sum();
        assert_eq!(total, 10_000, "no key lost or duplicated");
        for key in keys() {
            assert_eq!(router.get(&key), Some(key.to_uppercase().as_str()), "{key}");
        }
        assert_eq!(
            router.add_node("db-1"),
            0,
            "adding a node twice moves nothing"
        );
    }
}
