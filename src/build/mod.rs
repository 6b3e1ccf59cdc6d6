//! Building exercise binaries: cargo for a batch or a first build, the [fast path](fast_path)
//! (rustc replayed) for a save, the [light package](light) while the dependencies build in
//! the [background](dependencies), and what is remembered between builds: which source each
//! binary came from ([`compiled`]) and which files are known not to compile ([`failures`]).
//!
//! Uses the course and the sandbox; knows nothing of verdicts.

pub mod cargo;
pub mod compiled;
pub mod crates;
pub mod dependencies;
pub mod failures;
pub mod fast_path;
pub mod light;
pub mod rustc;

use serde::{Deserialize, Serialize};

use crate::course::exercise::Exercise;

/// What a bin is built as: the test harness of its `#[test]`s (`cargo test`), or its program
/// (`cargo build`). The two are different binaries, each with its own recipe, ledger entry
/// and known failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Artifact {
    TestHarness,
    Program,
}

impl Artifact {
    /// What `exercise` is checked with: its tests, or its `main` (`test = false`).
    pub fn of(exercise: &Exercise) -> Self {
        if exercise.test {
            Artifact::TestHarness
        } else {
            Artifact::Program
        }
    }

    /// Whether rustc builds it with `--test` (cargo's `profile.test`).
    pub fn is_test(self) -> bool {
        self == Artifact::TestHarness
    }

    /// The extension that tells the two apart in file names kept per bin.
    pub fn file_kind(self) -> &'static str {
        match self {
            Artifact::TestHarness => "test",
            Artifact::Program => "bin",
        }
    }
}
