//! # A wide-column time series: partitions, clustering order, TTL and tombstones
//!
//! Roadmap step: **Column databases / time-series databases** (<https://roadmap.sh/backend>):
//! Cassandra stores a table as partitions (here: one per sensor), and sorts the rows of a
//! partition by their clustering key (here: the reading's timestamp). "The last N readings
//! of sensor X" or "sensor X between 10:00 and 11:00" then read one contiguous slice.
//!
//! 1. `Cell::value_at` / `Cell::dead_since`: a cell is a value or a tombstone (a delete).
//!    A value with a TTL is live while `now < expires_ms`; once expired it counts as a
//!    tombstone written at `expires_ms`.
//! 2. `write`: last write wins by write time (`written_ms`): a cell only replaces one
//!    written at the same time or before it. A delete is a write too, so a late write
//!    with an older timestamp (a skewed clock) cannot bring deleted data back.
//! 3. `query`: the live rows of one partition with `range.start <= ts < range.end`, oldest
//!    or newest first, at most `limit` of them (counted after hiding dead rows).
//! 4. `downsample`: per bucket of `bucket_ms` aligned on the epoch (a minute bucket starts
//!    at `ts - ts % 60_000`): start, count, min, max, average; empty buckets are left out.
//! 5. `compact`: purge the cells dead for at least `gc_grace_ms` (Cassandra's
//!    `gc_grace_seconds`: a tombstone must live long enough to reach every replica);
//!    return how many.
//!
//! Standards:
//! - <https://cassandra.apache.org/doc/latest/data_modeling/intro.html>
//! - <https://cassandra.apache.org/doc/latest/cassandra/managing/operating/compaction/tombstones.html>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::Clock;
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// `None`: a tombstone.
    pub value: Option<f64>,
    pub written_ms: u64,
    pub expires_ms: Option<u64>,
}

impl Cell {
    /// The value, if the cell is live at `now`.
    pub fn value_at(&self, now: u64) -> Option<f64> {
        self.value
            .filter(|_| self.expires_ms.is_none_or(|e| now < e))
    }

    /// Since when the cell has been dead (a tombstone or an expired value), if it is.
    pub fn dead_since(&self, now: u64) -> Option<u64> {
        match (self.value, self.expires_ms) {
            (None, _) => Some(self.written_ms),
            (Some(_), Some(expires)) if now >= expires => Some(expires),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Oldest,
    Newest,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub start_ms: u64,
    pub count: usize,
    pub min: f64,
    pub max: f64,
    pub avg: f64,
}

pub struct Table<'a> {
    clock: &'a dyn Clock,
    /// Partition key -> clustering key (the reading's timestamp) -> cell.
    partitions: BTreeMap<String, BTreeMap<u64, Cell>>,
}

impl<'a> Table<'a> {
    pub fn new(clock: &'a dyn Clock) -> Self {
        let partitions = BTreeMap::new();
        Table { clock, partitions }
    }

    pub fn insert(&mut self, sensor: &str, ts: u64, value: f64, ttl_ms: Option<u64>) {
        let written_ms = self.clock.now_unix_ms();
        let expires_ms = ttl_ms.map(|ttl| written_ms.saturating_add(ttl));
        let value = Some(value);
        self.write(
            sensor,
            ts,
            Cell {
                value,
                written_ms,
                expires_ms,
            },
        );
    }

    pub fn delete(&mut self, sensor: &str, ts: u64) {
        let written_ms = self.clock.now_unix_ms();
        let tombstone = Cell {
            value: None,
            written_ms,
            expires_ms: None,
        };
        self.write(sensor, ts, tombstone);
    }

    /// Cells held, tombstones included.
    pub fn stored(&self, sensor: &str) -> usize {
        self.partitions.get(sensor).map_or(0, BTreeMap::len)
    }

    fn write(&mut self, sensor: &str, ts: u64, cell: Cell) {
        let rows = self.partitions.entry(sensor.to_string()).or_default();
        match rows.entry(ts) {
            Entry::Occupied(old) if old.get().written_ms > cell.written_ms => {}
            Entry::Occupied(mut old) => {
                old.insert(cell);
            }
            Entry::Vacant(slot) => {
                slot.insert(cell);
            }
        }
    }

    pub fn query(
        &self,
        sensor: &str,
        range: Range<u64>,
        order: Order,
        limit: usize,
    ) -> Vec<(u64, f64)> {
        let now = self.clock.now_unix_ms();
        // `BTreeMap::range` panics on a reversed range.
        let (Some(rows), false) = (self.partitions.get(sensor), range.is_empty()) else {
            return Vec::new();
        };
        let live = rows
            .range(range)
            .filter_map(|(&ts, cell)| Some((ts, cell.value_at(now)?)));
        match order {
            Order::Oldest => live.take(limit).collect(),
            Order::Newest => live.rev().take(limit).collect(),
        }
    }

    pub fn downsample(&self, sensor: &str, range: Range<u64>, bucket_ms: u64) -> Vec<Bucket> {
        let mut buckets: Vec<Bucket> = Vec::new();
        for (ts, value) in self.query(sensor, range, Order::Oldest, usize::MAX) {
            let start_ms = ts - ts % bucket_ms;
            match buckets.last_mut() {
                Some(b) if b.start_ms == start_ms => {
                    b.count += 1;
                    b.min = b.min.min(value);
                    b.max = b.max.max(value);
                    b.avg += value; // the sum, until the end
                }
                _ => buckets.push(Bucket {
                    start_ms,
                    count: 1,
                    min: value,
                    max: value,
                    avg: value,
                }),
            }
        }
        for bucket in &mut buckets {
            bucket.avg /= bucket.count as f64;
        }
        buckets
    }

    pub fn compact(&mut self, gc_grace_ms: u64) -> usize {
        let now = self.clock.now_unix_ms();
        let mut purged = 0;
        for rows in self.partitions.values_mut() {
            let before = rows.len();
            rows.retain(|_, cell| {
                cell.dead_since(now)
                    .is_none_or(|dead| now < dead.saturating_add(gc_grace_ms))
            });
            purged += before - rows.len();
        }
        purged
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::ManualClock;
    use std::time::Duration;
    use Order::*;

    /// 20 s into a minute: buckets are aligned on the epoch, not on the first reading.
    const T0: u64 = 1_700_000_000_000;
    const VALUES: [f64; 8] = [20.0, 21.0, 23.0, 22.0, 19.5, 20.5, 25.0, 24.0];

    /// Reading `k` of sensor t1, every 15 s from T0.
    fn ts(k: u64) -> u64 {
        T0 + 15_000 * k
    }

    /// t1: the 8 `VALUES`; t2: two readings in between. The clock reads T0 + 1 h.
    fn table(clock: &ManualClock) -> Table<'_> {
        let mut table = Table::new(clock);
        for (k, value) in (0..).zip(VALUES) {
            table.insert("t1", ts(k), value, None);
        }
        table.insert("t2", ts(1) + 1, 5.0, None);
        table.insert("t2", ts(2) + 1, 6.0, None);
        table
    }

    fn readings(ks: &[u64]) -> Vec<(u64, f64)> {
        ks.iter().map(|&k| (ts(k), VALUES[k as usize])).collect()
    }

    fn after(clock: &ManualClock, ms: u64) {
        clock.advance(Duration::from_millis(ms));
    }

    #[test]
    #[rustfmt::skip]
    fn a_range_is_half_open_and_read_in_clustering_order() {
        let clock = ManualClock::new(T0 + 3_600_000);
        let t = table(&clock);
        let (all, some) = (0..u64::MAX, ts(1)..ts(4));
        assert_eq!(t.query("t1", some.clone(), Oldest, 10), readings(&[1, 2, 3]));
        assert_eq!(t.query("t1", some, Newest, 10), readings(&[3, 2, 1]));
        assert_eq!(t.query("t1", all.clone(), Newest, 3), readings(&[7, 6, 5]), "the last 3");
        assert_eq!(t.query("t1", all.clone(), Oldest, 2), readings(&[0, 1]));
        assert_eq!(t.query("t2", all.clone(), Oldest, 9), [(ts(1) + 1, 5.0), (ts(2) + 1, 6.0)]);
        assert_eq!(t.query("t1", all, Oldest, 0), [], "limit 0");
        assert_eq!(t.query("t1", ts(4)..ts(1), Oldest, 9), [], "a reversed range");
        assert_eq!(t.query("t1", ts(2)..ts(2), Oldest, 9), [], "an empty range");
        assert_eq!(t.query("nope", 0..u64::MAX, Oldest, 9), [], "no such partition");
    }

    #[test]
    #[rustfmt::skip]
    fn an_insert_is_an_upsert_and_the_last_write_wins() {
        let clock = ManualClock::new(T0 + 3_600_000);
        let mut t = table(&clock);
        t.insert("t1", ts(0), 99.0, None);
        t.insert("t1", ts(0), 98.0, None); // the same millisecond: the later arrival wins
        assert_eq!(t.query("t1", ts(0)..ts(1), Oldest, 9), [(ts(0), 98.0)]);
        assert_eq!(t.stored("t1"), 8, "still one row per timestamp");
        clock.set(T0); // a writer whose clock is an hour behind
        t.insert("t1", ts(0), 1.0, None);
        assert_eq!(t.query("t1", ts(0)..ts(1), Oldest, 9), [(ts(0), 98.0)], "an older write");
    }

    #[test]
    #[rustfmt::skip]
    fn expired_rows_are_hidden_and_do_not_count_for_the_limit() {
        let clock = ManualClock::new(T0 + 3_600_000);
        let mut t = table(&clock);
        t.insert("t1", ts(6), 60.0, Some(10_000));
        t.insert("t1", ts(7), 70.0, Some(20_000));
        let newest = |t: &Table| t.query("t1", 0..u64::MAX, Newest, 2);
        assert_eq!(newest(&t), [(ts(7), 70.0), (ts(6), 60.0)]);
        after(&clock, 9_999);
        assert_eq!(newest(&t), [(ts(7), 70.0), (ts(6), 60.0)], "1 ms before expiry");
        after(&clock, 1);
        assert_eq!(newest(&t), [(ts(7), 70.0), (ts(5), VALUES[5])], "ts(6) expired");
        after(&clock, 10_000);
        assert_eq!(newest(&t), readings(&[5, 4]));
        assert_eq!(t.stored("t1"), 8, "expired rows are still stored");
    }

    #[test]
    #[rustfmt::skip]
    fn a_delete_is_a_tombstone_that_hides_older_writes() {
        let clock = ManualClock::new(T0 + 3_600_000);
        let mut t = table(&clock);
        t.delete("t1", ts(3));
        t.delete("t1", ts(3) + 1); // a row that never existed gets a tombstone too
        assert_eq!(t.query("t1", ts(2)..ts(5), Oldest, 9), readings(&[2, 4]));
        assert_eq!(t.stored("t1"), 9);
        clock.set(T0 + 3_599_999); // a late write from before the delete: no resurrection
        t.insert("t1", ts(3), 33.0, None);
        assert_eq!(t.query("t1", ts(3)..ts(4), Oldest, 9), []);
        clock.set(T0 + 3_600_001);
        t.insert("t1", ts(3), 33.0, None);
        assert_eq!(t.query("t1", ts(3)..ts(4), Oldest, 9), [(ts(3), 33.0)]);
        assert_eq!(t.query("t2", 0..u64::MAX, Oldest, 9).len(), 2, "another partition");
    }

    #[test]
    #[rustfmt::skip]
    fn compaction_purges_dead_cells_once_gc_grace_has_passed() {
        let clock = ManualClock::new(T0 + 3_600_000);
        let mut t = table(&clock);
        t.delete("t1", ts(0)); // dead since now
        t.insert("t1", ts(1), 1.0, Some(5_000)); // dead in 5 s
        t.insert("t1", ts(2), 2.0, Some(60_000)); // dead in 60 s
        t.delete("t2", ts(1) + 1);
        assert_eq!(t.compact(10_000), 0, "nothing dead for 10 s yet");
        after(&clock, 9_999);
        assert_eq!(t.compact(10_000), 0);
        after(&clock, 1);
        assert_eq!(t.compact(10_000), 2, "the tombstones, at exactly gc_grace");
        assert_eq!((t.stored("t1"), t.stored("t2")), (7, 1));
        after(&clock, 4_999);
        assert_eq!(t.compact(10_000), 0);
        after(&clock, 1);
        assert_eq!(t.compact(10_000), 1, "expired 10 s ago");
        after(&clock, 100_000);
        assert_eq!(t.compact(10_000), 1);
        assert_eq!(t.query("t1", 0..u64::MAX, Oldest, 9), readings(&[3, 4, 5, 6, 7]));
        let cell = Cell { value: Some(1.0), written_ms: 0, expires_ms: Some(10) };
        let dead = (cell.dead_since(9), cell.dead_since(10), cell.dead_since(11));
        assert_eq!(dead, (None, Some(10), Some(10)), "dead from its expiry on");
    }

    /// `(start, count, min, max, avg)`, the average rounded to 1/1000.
    fn rounded(buckets: Vec<Bucket>) -> Vec<(u64, usize, f64, f64, i64)> {
        let round = |b: Bucket| {
            (
                b.start_ms,
                b.count,
                b.min,
                b.max,
                (b.avg * 1000.0).round() as i64,
            )
        };
        buckets.into_iter().map(round).collect()
    }

    #[test]
    #[rustfmt::skip]
    fn downsampling_per_minute_buckets_aligned_on_the_epoch() {
        let clock = ManualClock::new(T0 + 3_600_000);
        let mut t = table(&clock);
        let minute = T0 - 20_000; // the minute T0 is in
        assert_eq!(rounded(t.downsample("t1", 0..u64::MAX, 60_000)), [
            (minute, 3, 20.0, 23.0, 21_333),
            (minute + 60_000, 4, 19.5, 25.0, 21_750),
            (minute + 120_000, 1, 24.0, 24.0, 24_000),
        ]);
        t.delete("t1", ts(6));
        assert_eq!(rounded(t.downsample("t1", ts(2)..ts(7), 60_000)), [
            (minute, 1, 23.0, 23.0, 23_000),
            (minute + 60_000, 3, 19.5, 22.0, 20_667),
        ], "a range, without the deleted reading");
        assert_eq!(rounded(t.downsample("t1", ts(0)..ts(3), 30_000)), [
            (minute, 1, 20.0, 20.0, 20_000),
            (minute + 30_000, 2, 21.0, 23.0, 22_000),
        ], "30 s buckets");
        assert_eq!(t.downsample("nope", 0..u64::MAX, 60_000), []);
    }
}
