//! # An O(1) LRU cache
//!
//! Roadmap step: **Caching** (<https://roadmap.sh/backend>): a cache holds a bounded number of
//! entries, so when it is full something must go. *Least recently used* evicts the entry that
//! was read or written the longest time ago: what Redis does (approximately) with
//! `maxmemory-policy allkeys-lru`.
//!
//! Both `get` and `put` must be O(1): a `HashMap` finds a key's node, and the nodes form a
//! doubly linked list from the most recently used (`head`) to the least (`tail`). The list
//! lives in a `Vec` and links are indices into it: no `unsafe`, no `Rc<RefCell<..>>`, no
//! `LinkedList` (which cannot unlink a node from the middle in O(1)).
//!
//! 1. `unlink(i)`: take node `i` out of the list, fixing its neighbours, `head` and `tail`.
//! 2. `push_front(i)`: make node `i` the head (the most recently used).
//! 3. `get`: a hit moves the entry to the front and counts a hit; a miss counts a miss.
//! 4. `put`: a new key goes to the front; an existing key gets the new value and moves to the
//!    front. When a new key arrives and the cache is full, the tail is evicted, its slot in
//!    `nodes` is reused for the new entry (the `Vec` never grows past `capacity`), and the
//!    evicted entry is returned.
//!
//! Standards:
//! - <https://redis.io/docs/latest/develop/reference/eviction/> (eviction policies, LRU)
//! - <https://en.wikipedia.org/wiki/Cache_replacement_policies#LRU>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::collections::HashMap;
use std::hash::Hash;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub hits: u64,
    pub misses: u64,
    pub evictions: u64,
}

#[derive(Debug)]
struct Node<K, V> {
    key: K,
    value: V,
    /// The next more recently used node (towards `head`).
    prev: Option<usize>,
    /// The next less recently used node (towards `tail`).
    next: Option<usize>,
}

#[derive(Debug)]
pub struct LruCache<K, V> {
    capacity: usize,
    /// Where each key's node is in `nodes`.
    map: HashMap<K, usize>,
    nodes: Vec<Node<K, V>>,
    /// The most recently used node.
    head: Option<usize>,
    /// The least recently used node: the next one to evict.
    tail: Option<usize>,
    stats: Stats,
}

impl<K: Hash + Eq + Clone, V> LruCache<K, V> {
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "an LRU cache needs room for an entry");
        LruCache {
            capacity,
            map: HashMap::with_capacity(capacity),
            nodes: Vec::with_capacity(capacity),
            head: None,
            tail: None,
            stats: Stats::default(),
        }
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Looks at an entry without making it recently used (and without counting).
    pub fn peek(&self, key: &K) -> Option<&V> {
        self.map.get(key).map(|&i| &self.nodes[i].value)
    }

    /// The keys from the most to the least recently used.
    pub fn keys_mru(&self) -> Vec<K> {
        let walk = std::iter::successors(self.head, |&i| self.nodes[i].next);
        // At most `len` steps, so that a list with a loop in it cannot hang the caller.
        let walk = walk.take(self.map.len());
        walk.map(|i| self.nodes[i].key.clone()).collect()
    }

    fn unlink(&mut self, i: usize) {
        let (prev, next) = (self.nodes[i].prev, self.nodes[i].next);
        match prev {
            Some(p) => self.nodes[p].next = next,
            None => self.head = next,
        }
        match next {
            Some(n) => self.nodes[n].prev = prev,
            None => self.tail = prev,
        }
    }

    fn push_front(&mut self, i: usize) {
        self.nodes[i].prev = None;
        self.nodes[i].next = self.head;
        match self.head {
            Some(h) => self.nodes[h].prev = Some(i),
            None => self.tail = Some(i),
        }
        self.head = Some(i);
    }

    pub fn get(&mut self, key: &K) -> Option<&V> {
        let Some(&i) = self.map.get(key) else {
            self.stats.misses += 1;
            return None;
        };
        self.stats.hits += 1;
        self.unlink(i);
        self.push_front(i);
        Some(&self.nodes[i].value)
    }

    /// Inserts or updates `key`; returns the entry evicted to make room, if any.
    pub fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        if let Some(&i) = self.map.get(&key) {
            self.nodes[i].value = value;
            self.unlink(i);
            self.push_front(i);
            return None;
        }
        let node = Node {
            key: key.clone(),
            value,
            prev: None,
            next: None,
        };
        if self.map.len() < self.capacity {
            self.nodes.push(node);
            let i = self.nodes.len() - 1;
            self.map.insert(key, i);
            self.push_front(i);
            return None;
        }
        // Full: the tail's slot becomes the new entry's.
        let i = self.tail.expect("a full cache has a tail");
        self.unlink(i);
        let old = std::mem::replace(&mut self.nodes[i], node);
        self.map.remove(&old.key);
        self.map.insert(key, i);
        self.push_front(i);
        self.stats.evictions += 1;
        Some((old.key, old.value))
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks the links both ways, the map and the slots; returns the keys, most recent first.
    fn order(cache: &LruCache<&'static str, u32>) -> Vec<&'static str> {
        let forward = cache.keys_mru();
        let backward = std::iter::successors(cache.tail, |&i| cache.nodes[i].prev);
        let backward = backward.take(cache.map.len()).map(|i| cache.nodes[i].key);
        let mut backward: Vec<_> = backward.collect();
        backward.reverse();
        assert_eq!(forward, backward, "the next and the prev links disagree");
        assert_eq!(
            forward.len(),
            cache.map.len(),
            "the list and the map disagree"
        );
        for (key, &i) in &cache.map {
            assert_eq!(&cache.nodes[i].key, key, "the map points at the wrong node");
        }
        assert!(cache.nodes.len() <= cache.capacity, "reuse evicted slots");
        forward
    }

    #[test]
    fn get_promotes_and_put_evicts_the_least_recently_used() {
        let mut cache = LruCache::new(3);
        assert_eq!(cache.put("a", 1), None);
        assert_eq!(cache.put("b", 2), None);
        assert_eq!(cache.put("c", 3), None);
        assert_eq!(order(&cache), ["c", "b", "a"]);
        assert_eq!(cache.get(&"a"), Some(&1));
        assert_eq!(order(&cache), ["a", "c", "b"], "a hit moves to the front");
        assert_eq!(
            cache.put("d", 4),
            Some(("b", 2)),
            "b is the least recently used"
        );
        assert_eq!(order(&cache), ["d", "a", "c"]);
        assert_eq!(cache.get(&"c"), Some(&3), "the tail is promoted");
        assert_eq!(cache.get(&"c"), Some(&3), "the head stays the head");
        assert_eq!(order(&cache), ["c", "d", "a"]);
        assert_eq!(cache.get(&"d"), Some(&4), "a middle node is promoted");
        assert_eq!(order(&cache), ["d", "c", "a"]);
        assert_eq!(cache.put("e", 5), Some(("a", 1)));
        assert_eq!(cache.put("f", 6), Some(("c", 3)));
        assert_eq!(order(&cache), ["f", "e", "d"]);
        assert_eq!(cache.get(&"a"), None);
    }

    #[test]
    fn updating_a_key_promotes_it_and_evicts_nothing() {
        let mut cache = LruCache::new(2);
        cache.put("a", 1);
        cache.put("b", 2);
        assert_eq!(cache.put("a", 10), None, "a is already there");
        assert_eq!(order(&cache), ["a", "b"]);
        assert_eq!(
            cache.peek(&"a"),
            Some(&10),
            "the new value replaces the old"
        );
        assert_eq!(cache.put("c", 3), Some(("b", 2)), "a was written after b");
        assert_eq!(cache.put("c", 30), None);
        assert_eq!(order(&cache), ["c", "a"]);
        assert_eq!(cache.stats().evictions, 1);
    }

    #[test]
    fn capacity_one_keeps_only_the_last_key() {
        let mut cache = LruCache::new(1);
        assert_eq!(cache.put("a", 1), None);
        assert_eq!(cache.put("a", 2), None, "an update is not an eviction");
        assert_eq!(order(&cache), ["a"]);
        assert_eq!(cache.put("b", 3), Some(("a", 2)));
        assert_eq!(order(&cache), ["b"]);
        assert_eq!(cache.get(&"a"), None);
        assert_eq!(cache.get(&"b"), Some(&3));
        assert_eq!(order(&cache), ["b"]);
        assert_eq!(cache.put("c", 4), Some(("b", 3)));
        assert_eq!((order(&cache), cache.nodes.len()), (vec!["c"], 1));
    }

    #[test]
    fn stats_count_hits_misses_and_evictions_and_peek_changes_nothing() {
        let mut cache = LruCache::new(2);
        cache.put("a", 1);
        cache.put("b", 2);
        assert_eq!((cache.peek(&"a"), cache.peek(&"z")), (Some(&1), None));
        assert_eq!(order(&cache), ["b", "a"], "peek does not promote");
        assert_eq!(cache.stats(), Stats::default(), "peek does not count");
        cache.get(&"a");
        cache.get(&"a");
        cache.get(&"z");
        cache.put("c", 3);
        let (hits, misses, evictions) = (2, 1, 1);
        assert_eq!(
            cache.stats(),
            Stats {
                hits,
                misses,
                evictions
            }
        );
    }

    #[test]
    fn a_long_script_matches_a_simple_model() {
        // The model: a Vec from the most to the least recently used, O(n) per operation.
        const KEYS: [&str; 8] = ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"];
        let mut cache = LruCache::new(5);
        let mut model: Vec<(&str, u32)> = Vec::new();
        let mut seed = 0x9E37_79B9_u32;
        for step in 0..2_000 {
            seed ^= seed << 13; // xorshift32: the same script on every run
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let key = KEYS[seed as usize % KEYS.len()];
            let found = model.iter().position(|&(k, _)| k == key);
            let entry = found.map(|at| model.remove(at));
            if seed.is_multiple_of(3) {
                let want = entry.map(|(_, v)| v);
                assert_eq!(cache.get(&key).copied(), want, "step {step}: get {key}");
                model.splice(0..0, entry); // a hit goes back in front
            } else {
                let evicted = (entry.is_none() && model.len() == 5).then(|| model.pop());
                assert_eq!(
                    cache.put(key, step),
                    evicted.flatten(),
                    "step {step}: put {key}"
                );
                model.insert(0, (key, step));
            }
            let keys: Vec<&str> = model.iter().map(|&(k, _)| k).collect();
            assert_eq!(order(&cache), keys, "step {step}");
        }
    }
}
