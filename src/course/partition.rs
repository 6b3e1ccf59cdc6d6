//! `--partition K/N`: N CI jobs share one course. Exercise i (0-based, in `info.toml` order)
//! belongs to partition `i % N + 1`, so the partitions are disjoint, cover the course, and
//! each gets exercises from every chapter (early and late exercises cost differently).

use std::fmt;
use std::str::FromStr;

/// Partition `index` of `count`, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    pub index: usize,
    pub count: usize,
}

impl Partition {
    /// Whether the exercise at `position` (0-based, in `info.toml` order) is in this partition.
    pub fn contains(self, position: usize) -> bool {
        position % self.count + 1 == self.index
    }

    /// Whether problems of the course as a whole (stray files, the manifest) are reported
    /// here: in the first partition only, so that each is reported once.
    pub fn owns_course_problems(self) -> bool {
        self.index == 1
    }
}

impl FromStr for Partition {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let usage = || format!("{text:?} is not K/N with 1 <= K <= N (for example 2/4)");
        let (index, count) = text.split_once('/').ok_or_else(usage)?;
        let (index, count): (usize, usize) = (
            index.trim().parse().map_err(|_| usage())?,
            count.trim().parse().map_err(|_| usage())?,
        );
        if index == 0 || index > count {
            return Err(usage());
        }
        Ok(Partition { index, count })
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_cover_every_position_exactly_once() {
        for count in 1..=7 {
            for position in 0..50 {
                let owners = (1..=count)
                    .filter(|&index| Partition { index, count }.contains(position))
                    .count();
                assert_eq!(owners, 1, "position {position} of {count} partitions");
            }
        }
    }

    #[test]
    fn k_of_n_is_parsed_and_checked() {
        assert_eq!("2/4".parse(), Ok(Partition { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1", "a/b", "1/0", "-1/2", ""] {
            assert!(bad.parse::<Partition>().is_err(), "{bad:?}");
        }
    }
}
