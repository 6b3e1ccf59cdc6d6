//! The limits code under test runs with, like a grader's: what a course may set in `info.toml`
//! (for the whole course, or per exercise), their defaults, and the ranges accepted. The
//! [guard](crate::sandbox::guard) applies them.

use std::ops::RangeInclusive;

/// Limits for each process of an exercise's tests or program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Private writable memory per process (`RLIMIT_DATA`), in MiB.
    pub memory_mb: u64,
    /// The largest file a process may write (`RLIMIT_FSIZE`), in MiB.
    pub file_size_mb: u64,
    /// How many processes and threads the tests may start (`RLIMIT_NPROC`).
    pub processes: u64,
}

impl Limits {
    /// What an exercise gets unless `info.toml` says otherwise: far more than any exercise of
    /// the bundled course needs, far from exhausting a learner's machine.
    pub const DEFAULT: Limits = Limits {
        memory_mb: 1024,
        file_size_mb: 64,
        processes: 512,
    };
}

/// One limit as `info.toml` names it.
pub struct Field {
    pub key: &'static str,
    /// Accepted values: below them a Rust test harness cannot start, above them it is surely
    /// a typo.
    pub range: RangeInclusive<i64>,
    /// What the value means, for the message that rejects one.
    pub meaning: &'static str,
}

pub const MEMORY_MB: Field = Field {
    key: "memory_mb",
    range: 16..=65536,
    meaning: "the MiB each process of a test or program may use",
};

pub const FILE_SIZE_MB: Field = Field {
    key: "file_size_mb",
    range: 1..=65536,
    meaning: "the MiB a test or program may write to one file",
};

pub const PROCESSES: Field = Field {
    key: "processes",
    range: 16..=100_000,
    meaning: "how many processes and threads a test or program may start",
};
