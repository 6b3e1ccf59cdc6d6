//! # intro_binary_search_ids: searching and merging sorted data
//!
//! Roadmap step: *data structures and algorithms* (arrays, searching, sorting).
//! Databases keep keys sorted (a B-tree index, a sorted run in an LSM tree) for
//! exactly these two operations: find one key in O(log n) and merge two sorted
//! lists in a single pass.
//!
//! Your task:
//! - `find_id(ids, target)`: `ids` is sorted in ascending order and may contain
//!   duplicates. Return `Some(i)` with `ids[i] == target` (any such `i` when the
//!   value occurs more than once), or `None`. Use binary search, written by hand:
//!   no `slice::binary_search`, `contains` or linear scan.
//! - `merge_sorted(a, b)`: both inputs are sorted ascending; return all their
//!   elements, sorted ascending, duplicates included (`[1, 2] + [2]` is `[1, 2, 2]`).
//!   Walk both slices once, without calling a sort.
//!
//! Standard: the backend roadmap's DS&A step, <https://roadmap.sh/backend>;
//! binary search: <https://en.wikipedia.org/wiki/Binary_search_algorithm>
//!
//! The tests at the bottom are the specification: make them pass without editing them.

use std::cmp::Ordering;

/// Finds the position of `target` in the ascending slice `ids`.
pub fn find_id(ids: &[u64], target: u64) -> Option<usize> {
    // Invariant: if `target` is in `ids`, it is at a position in the half-open
    // window `lo..hi`. The window shrinks every round, so the loop ends.
    let mut lo = 0;
    let mut hi = ids.len();
    while lo < hi {
        // `lo + (hi - lo) / 2` is always inside the window and never overflows.
        let mid = lo + (hi - lo) / 2;
        match ids[mid].cmp(&target) {
            Ordering::Equal => return Some(mid),
            // `mid` itself is too small, so the window starts after it.
            Ordering::Less => lo = mid + 1,
            // `hi` is exclusive, so `mid` is excluded by making it the new end.
            Ordering::Greater => hi = mid,
        }
    }
    None
}

/// Merges two ascending slices into one ascending `Vec`, keeping duplicates.
pub fn merge_sorted(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        // On a tie take from `a` first (a stable merge); both copies are kept.
        if a[i] <= b[j] {
            merged.push(a[i]);
            i += 1;
        } else {
            merged.push(b[j]);
            j += 1;
        }
    }
    // One input is used up; the rest of the other is already sorted.
    merged.extend_from_slice(&a[i..]);
    merged.extend_from_slice(&b[j..]);
    merged
}

fn main() {
    // You may experiment here; the tests below are what counts.
}

#[cfg(test)]
mod tests {
    use super::{find_id, merge_sorted};

    /// A tiny pseudo-random generator (xorshift64): the same cases on every run.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        /// A number in `0..n`.
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        /// A sorted list with up to 40 values in `0..50`, so duplicates are common.
        fn sorted_ids(&mut self) -> Vec<u64> {
            let len = self.below(41);
            let mut ids: Vec<u64> = (0..len).map(|_| self.below(50)).collect();
            ids.sort_unstable();
            ids
        }
    }

    /// Checks `find_id` against the standard library on one case.
    fn check_find(ids: &[u64], target: u64) {
        match (find_id(ids, target), ids.binary_search(&target)) {
            (Some(i), Ok(_)) => assert!(
                i < ids.len() && ids[i] == target,
                "find_id({ids:?}, {target}) returned Some({i}), which does not hold {target}"
            ),
            (None, Err(_)) => {}
            (got, _) => panic!("find_id({ids:?}, {target}) returned {got:?}"),
        }
    }

    #[test]
    fn empty_and_single_element() {
        assert_eq!(find_id(&[], 42), None);
        assert_eq!(find_id(&[7], 7), Some(0));
        assert_eq!(find_id(&[7], 6), None);
        assert_eq!(find_id(&[7], 8), None);
    }

    #[test]
    fn finds_every_position_of_unique_ids() {
        // With unique values there is exactly one right answer.
        for len in 0..=20 {
            let ids: Vec<u64> = (0..len).map(|i| 10 * i + 5).collect();
            for (i, &id) in ids.iter().enumerate() {
                assert_eq!(find_id(&ids, id), Some(i), "find_id({ids:?}, {id})");
            }
            // Below the first, between every two neighbours, above the last.
            for missing in (0..=len).map(|i| 10 * i) {
                assert_eq!(find_id(&ids, missing), None, "find_id({ids:?}, {missing})");
            }
        }
    }

    #[test]
    fn extreme_values() {
        let ids = [0, 1, u64::MAX - 1, u64::MAX];
        assert_eq!(find_id(&ids, 0), Some(0));
        assert_eq!(find_id(&ids, u64::MAX), Some(3));
        assert_eq!(find_id(&ids, 2), None);
        assert_eq!(find_id(&[5, 6], 0), None);
        assert_eq!(find_id(&[5, 6], u64::MAX), None);
    }

    #[test]
    fn duplicates() {
        // Any index holding the target is a correct answer.
        check_find(&[7, 7, 7, 7], 7);
        check_find(&[1, 2, 2, 2, 3], 2);
        check_find(&[1, 1, 2], 1);
        check_find(&[1, 2, 2], 2);
        assert_eq!(find_id(&[7, 7, 7], 6), None);
        assert_eq!(find_id(&[7, 7, 7], 8), None);
        assert_eq!(find_id(&[1, 1, 3, 3], 2), None);
    }

    #[test]
    fn generated_cases_match_std() {
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        for _ in 0..200 {
            let ids = rng.sorted_ids();
            // Targets from a slightly wider range, so misses happen as well.
            let target = rng.below(55);
            check_find(&ids, target);
            if let Some(&first) = ids.first() {
                check_find(&ids, first);
                check_find(&ids, ids[ids.len() - 1]);
            }
        }
    }

    #[test]
    fn merge_edges() {
        assert_eq!(merge_sorted(&[], &[]), Vec::<u64>::new());
        assert_eq!(merge_sorted(&[1, 2], &[]), vec![1, 2]);
        assert_eq!(merge_sorted(&[], &[1, 2]), vec![1, 2]);
        assert_eq!(merge_sorted(&[1, 2, 3], &[4, 5]), vec![1, 2, 3, 4, 5]);
        assert_eq!(merge_sorted(&[4, 5], &[1, 2, 3]), vec![1, 2, 3, 4, 5]);
        assert_eq!(merge_sorted(&[1, 4, 9], &[2, 3, 10]), [1, 2, 3, 4, 9, 10]);
    }

    #[test]
    fn merge_keeps_duplicates() {
        assert_eq!(merge_sorted(&[1, 2], &[2]), vec![1, 2, 2]);
        assert_eq!(merge_sorted(&[1, 2, 2], &[2, 3]), vec![1, 2, 2, 2, 3]);
        assert_eq!(merge_sorted(&[5, 5], &[5, 5]), vec![5, 5, 5, 5]);
        let extremes = [0, u64::MAX];
        assert_eq!(
            merge_sorted(&extremes, &extremes),
            [0, 0, u64::MAX, u64::MAX]
        );
    }

    #[test]
    fn generated_merges_match_std() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..200 {
            let (a, b) = (rng.sorted_ids(), rng.sorted_ids());
            let mut expected = [a.as_slice(), b.as_slice()].concat();
            expected.sort_unstable();
            assert_eq!(merge_sorted(&a, &b), expected, "merge_sorted({a:?}, {b:?})");
        }
    }
}
