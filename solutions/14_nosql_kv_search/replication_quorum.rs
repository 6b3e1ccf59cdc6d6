//! # Replication with quorums: R + W > N
//!
//! Roadmap step: **Replication / CAP theorem** (<https://roadmap.sh/backend>): Dynamo,
//! Cassandra and Riak keep N copies of every key. A write waits for W replicas, a read asks
//! R of them; when R + W > N every read quorum overlaps every write quorum, so a read always
//! sees the latest write. With R = W = 1 the store stays available while replicas are down,
//! and pays for it with stale reads: CAP's trade-off, one consistency level at a time.
//!
//! Here N = 3, versions come from the coordinator (`version`, +1 per accepted write), and a
//! replica is up or down.
//!
//! 1. `up_replicas`: the indexes of the replicas that are up, in order.
//! 2. `write(key, value, w)`: fewer than `w` replicas up is `Unavailable` and writes
//!    nothing (Cassandra fails fast). Otherwise the next version goes to every replica that
//!    is up; return it.
//! 3. `read(key, r)`: fewer than `r` up is `Unavailable`. Otherwise ask the FIRST `r`
//!    replicas that are up, answer with the newest version among their answers (`None` if
//!    none has the key), and read-repair: send that version to each of them that answered
//!    with an older one or nothing, counting each in `repairs`.
//!
//! Standards:
//! - <https://www.allthingsdistributed.com/files/amazon-dynamo-sosp2007.pdf> (§4.5)
//! - <https://cassandra.apache.org/doc/latest/cassandra/architecture/dynamo.html>
//! - <https://doi.org/10.1145/564585.564601> (Gilbert & Lynch, the CAP theorem)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::collections::BTreeMap;

pub const N: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned {
    pub version: u64,
    pub value: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum QuorumError {
    Unavailable { needed: usize, up: usize },
}

pub struct Replica {
    pub up: bool,
    data: BTreeMap<String, Versioned>,
}

impl Replica {
    pub fn get(&self, key: &str) -> Option<&Versioned> {
        self.data.get(key)
    }

    /// Stores `new` unless the replica already has this version or a newer one.
    fn apply(&mut self, key: &str, new: Versioned) {
        if self.get(key).is_none_or(|old| old.version < new.version) {
            self.data.insert(key.to_string(), new);
        }
    }
}

pub struct Cluster {
    pub replicas: [Replica; N],
    /// The version of the last accepted write.
    version: u64,
    /// How many replicas read repair has updated.
    pub repairs: usize,
}

impl Default for Cluster {
    fn default() -> Self {
        let replica = |_| Replica {
            up: true,
            data: BTreeMap::new(),
        };
        let replicas = std::array::from_fn(replica);
        Cluster {
            replicas,
            version: 0,
            repairs: 0,
        }
    }
}

impl Cluster {
    fn up_replicas(&self) -> Vec<usize> {
        (0..N).filter(|&i| self.replicas[i].up).collect()
    }

    pub fn write(&mut self, key: &str, value: &str, w: usize) -> Result<u64, QuorumError> {
        let up = self.up_replicas();
        if up.len() < w {
            return Err(QuorumError::Unavailable {
                needed: w,
                up: up.len(),
            });
        }
        self.version += 1;
        let new = Versioned {
            version: self.version,
            value: value.to_string(),
        };
        for i in up {
            self.replicas[i].apply(key, new.clone());
        }
        Ok(self.version)
    }

    pub fn read(&mut self, key: &str, r: usize) -> Result<Option<String>, QuorumError> {
        let up = self.up_replicas();
        if up.len() < r {
            return Err(QuorumError::Unavailable {
                needed: r,
                up: up.len(),
            });
        }
        let asked = &up[..r];
        let answers = asked.iter().filter_map(|&i| self.replicas[i].get(key));
        let Some(newest) = answers.max_by_key(|v| v.version).cloned() else {
            return Ok(None);
        };
        for &i in asked {
            let stale = self.replicas[i]
                .get(key)
                .is_none_or(|v| v.version < newest.version);
            if stale {
                self.replicas[i].apply(key, newest.clone());
                self.repairs += 1;
            }
        }
        Ok(Some(newest.value))
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use QuorumError::Unavailable;

    /// `(version, value)` held by each replica for `key`.
    fn held(c: &Cluster, key: &str) -> [Option<(u64, String)>; N] {
        std::array::from_fn(|i| c.replicas[i].get(key).map(|v| (v.version, v.value.clone())))
    }

    fn v(version: u64, value: &str) -> Option<(u64, String)> {
        Some((version, value.to_string()))
    }

    /// Marks down exactly the replicas in `down`.
    fn down(c: &mut Cluster, down: &[usize]) {
        for (i, replica) in c.replicas.iter_mut().enumerate() {
            replica.up = !down.contains(&i);
        }
    }

    #[test]
    fn a_write_goes_to_every_replica_that_is_up() {
        let mut c = Cluster::default();
        assert_eq!(c.write("k", "a", 2), Ok(1));
        assert_eq!(held(&c, "k"), [v(1, "a"), v(1, "a"), v(1, "a")]);
        down(&mut c, &[2]);
        assert_eq!(c.write("k", "b", 2), Ok(2));
        assert_eq!(
            held(&c, "k"),
            [v(2, "b"), v(2, "b"), v(1, "a")],
            "2 missed it"
        );
        assert_eq!(c.write("other", "x", 1), Ok(3), "one version counter");
        assert_eq!(held(&c, "other"), [v(3, "x"), v(3, "x"), None]);
    }

    #[test]
    fn too_few_replicas_up_is_unavailable_and_changes_nothing() {
        let mut c = Cluster::default();
        c.write("k", "a", 3).unwrap();
        down(&mut c, &[0, 2]);
        assert_eq!(c.write("k", "b", 2), Err(Unavailable { needed: 2, up: 1 }));
        assert_eq!(
            held(&c, "k"),
            [v(1, "a"), v(1, "a"), v(1, "a")],
            "no partial write"
        );
        assert_eq!(c.read("k", 2), Err(Unavailable { needed: 2, up: 1 }));
        assert_eq!(
            c.write("k", "c", 1),
            Ok(2),
            "a refused write takes no version"
        );
        assert_eq!(c.read("k", 1), Ok(Some("c".into())));
        down(&mut c, &[0, 1, 2]);
        assert_eq!(c.read("k", 1), Err(Unavailable { needed: 1, up: 0 }));
        down(&mut c, &[]);
        assert_eq!(
            c.write("k", "d", 3),
            Ok(3),
            "all three up: W = 3 is possible"
        );
    }

    /// Every set of replicas that can be down (listed as bits: 0b101 = replicas 0 and 2).
    fn down_sets() -> impl Iterator<Item = Vec<usize>> {
        (0..8u8).map(|bits| (0..N).filter(|i| bits & (1 << i) != 0).collect())
    }

    #[test]
    fn overlapping_quorums_never_read_stale_data() {
        for (w, r) in [(2, 2), (3, 1), (1, 3), (3, 3), (2, 3), (3, 2)] {
            for down_at_write in down_sets() {
                for down_at_read in down_sets() {
                    let mut c = Cluster::default();
                    c.write("k", "old", 3).unwrap();
                    down(&mut c, &down_at_write);
                    if c.write("k", "new", w).is_err() {
                        continue; // not accepted: "old" is still the latest write
                    }
                    down(&mut c, &down_at_read);
                    let Ok(got) = c.read("k", r) else { continue };
                    let at = format!("W={w} R={r}, down {down_at_write:?} then {down_at_read:?}");
                    assert_eq!(got.as_deref(), Some("new"), "stale read with {at}");
                }
            }
        }
    }

    #[test]
    fn w1_r1_stays_available_and_can_read_stale_data() {
        let mut c = Cluster::default();
        c.write("k", "old", 1).unwrap();
        down(&mut c, &[0, 1]); // a partition: only replica 2 is reachable
        assert_eq!(
            c.write("k", "new", 1),
            Ok(2),
            "available: one replica is enough"
        );
        assert_eq!(
            c.write("k", "newer", 2),
            Err(Unavailable { needed: 2, up: 1 })
        );
        down(&mut c, &[]);
        assert_eq!(
            c.read("k", 1),
            Ok(Some("old".into())),
            "replica 0 answered alone: stale"
        );
        assert_eq!(
            c.read("k", 2),
            Ok(Some("old".into())),
            "0 and 1: both stale"
        );
        assert_eq!(c.read("k", 3), Ok(Some("new".into())), "R + W = 4 > 3");
    }

    #[test]
    fn read_repair_updates_the_stale_replicas_it_read_and_converges() {
        let mut c = Cluster::default();
        c.write("k", "a", 1).unwrap();
        down(&mut c, &[0]);
        c.write("k", "b", 1).unwrap();
        down(&mut c, &[0, 1]);
        c.write("k", "c", 1).unwrap();
        assert_eq!(held(&c, "k"), [v(1, "a"), v(2, "b"), v(3, "c")]);
        down(&mut c, &[0]);
        assert_eq!(c.read("k", 2), Ok(Some("c".into())), "asks 1 and 2");
        assert_eq!(
            held(&c, "k"),
            [v(1, "a"), v(3, "c"), v(3, "c")],
            "0 was down: not read"
        );
        assert_eq!(c.repairs, 1);
        down(&mut c, &[]);
        assert_eq!(
            c.read("k", 1),
            Ok(Some("a".into())),
            "0 alone is still stale"
        );
        assert_eq!(c.repairs, 1, "one answer: nothing to compare");
        assert_eq!(c.read("k", 2), Ok(Some("c".into())));
        assert_eq!(
            held(&c, "k"),
            [v(3, "c"), v(3, "c"), v(3, "c")],
            "converged, same version"
        );
        assert_eq!(c.read("k", 3), Ok(Some("c".into())));
        assert_eq!(c.repairs, 2, "nothing left to repair");
    }

    #[test]
    fn a_missing_key_is_none_and_a_replica_without_it_is_repaired() {
        let mut c = Cluster::default();
        assert_eq!(c.read("nope", 3), Ok(None));
        assert_eq!((held(&c, "nope"), c.repairs), ([None, None, None], 0));
        down(&mut c, &[0]);
        c.write("k", "a", 2).unwrap();
        down(&mut c, &[]);
        assert_eq!(c.read("k", 3), Ok(Some("a".into())));
        assert_eq!(
            (held(&c, "k"), c.repairs),
            ([v(1, "a"), v(1, "a"), v(1, "a")], 1)
        );
    }
}
