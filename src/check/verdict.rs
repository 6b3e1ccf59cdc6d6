//! The verdict on one checked file, and the outcome that explains it: what the compiler said,
//! what the tests or the program printed, and the limits they ran under.

use crate::check::libtest::TestCounts;
use crate::sandbox::limits::Limits;

/// The verdict on one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Done,
    /// It does not compile.
    CompileError,
    /// Tests ran and some failed (or the test binary crashed).
    TestsFailed,
    /// The program (an exercise without tests) exited unsuccessfully.
    ProgramFailed,
    /// Tests or program ran past the exercise's time limit and were killed.
    TimedOut,
    /// Tests or program used more memory than the exercise's limit.
    OutOfMemory,
    /// Everything passed but clippy has something to say (strict exercises).
    ClippyWarnings,
    /// A newer check replaced this one.
    Cancelled,
    /// It could not be built for want of disk space: nothing is known about the code.
    DiskFull,
}

impl Verdict {
    /// Whether the check learned something about the code, so that progress may be recorded:
    /// not when it was cancelled or could not build for want of disk space.
    pub fn is_conclusive(self) -> bool {
        !matches!(self, Verdict::Cancelled | Verdict::DiskFull)
    }

    /// A few words for one-line reports.
    pub fn summary(self) -> &'static str {
        match self {
            Verdict::Done => "done",
            Verdict::CompileError => "does not compile",
            Verdict::TestsFailed => "tests fail",
            Verdict::ProgramFailed => "program fails",
            Verdict::TimedOut => "timed out",
            Verdict::OutOfMemory => "used too much memory",
            Verdict::ClippyWarnings => "clippy warnings",
            Verdict::Cancelled => "cancelled",
            Verdict::DiskFull => "not checked: the disk is full",
        }
    }
}

/// The result of checking one file: the verdict and what explains it.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub verdict: Verdict,
    /// Compiler and clippy messages, rendered.
    pub diagnostics: String,
    /// What the tests or the program printed (capped).
    pub output: String,
    /// The test harness's counts, when tests ran.
    pub tests: Option<TestCounts>,
    /// The time limit, for the timeout message.
    pub timeout_secs: u64,
    /// The limits it ran with, for the messages when it went past one.
    pub limits: Limits,
    /// How far through its stages it got, for an exercise graded in stages.
    pub stage: Option<Staged>,
}

#[cfg(test)]
impl Outcome {
    /// An outcome with `verdict` and nothing to explain it, for tests of its consumers.
    pub fn of(verdict: Verdict) -> Self {
        Self {
            verdict,
            diagnostics: String::new(),
            output: String::new(),
            tests: None,
            timeout_secs: 10,
            limits: Limits::DEFAULT,
            stage: None,
        }
    }
}

/// How far through its stages a test run got (see [`super::stages`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staged {
    /// The stages that pass, all of them before the first that fails.
    pub passed: usize,
    pub total: usize,
}

impl Staged {
    /// The index of the first stage that fails, if one does.
    pub fn failing(self) -> Option<usize> {
        (self.passed < self.total).then_some(self.passed)
    }
}
