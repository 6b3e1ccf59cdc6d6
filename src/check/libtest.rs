//! Reading what libtest, Rust's test harness, reports: about a whole run, how many tests it
//! started and its closing line; about each test, its result line (`test tests::adds ... ok`)
//! and, for a failure, the block of what it printed and its panic; and where its failures
//! section starts. A test run is trusted only when that closing line is there and accounts for
//! every test the file declares; a process that exits 0 without it (the code under test called
//! `std::process::exit`) did not pass.
//!
//! libtest's JSON output is nightly-only, so this reads its stable human output, in both its
//! pretty and its quiet (`-q`) form, with or without colour.

use std::path::Path;

use crate::files;

/// The line that opens libtest's failures section (and, after the blocks, its list of names).
const FAILURES: &str = "failures:";

/// `test result: FAILED. 5 passed; 2 failed; …`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestCounts {
    pub passed: u32,
    pub failed: u32,
}

/// What libtest said about the run as a whole.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// `running N tests`: how many tests the harness started.
    pub running: Option<u32>,
    /// The closing line, if the harness got that far.
    pub summary: Option<Summary>,
}

/// libtest's closing line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub passed: u32,
    pub failed: u32,
    pub ignored: u32,
}

/// Why a run's report does not show every declared test passing, though none failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Not a word from the harness: it never started, or something replaced it.
    NoReport,
    /// The harness started tests but never printed its closing line.
    Stopped,
    /// The closing line accounts for fewer tests than the file declares.
    Fewer { declared: usize, reported: u32 },
}

impl Report {
    /// Reads the harness's lines from a run's output (colour codes allowed).
    pub fn read(output: &str) -> Self {
        let plain = console::strip_ansi_codes(output);
        let mut report = Report::default();
        for line in plain.lines() {
            let line = line.trim_end();
            if report.running.is_none()
                && let Some(count) = line
                    .strip_prefix("running ")
                    .and_then(|rest| rest.strip_suffix(" tests").or(rest.strip_suffix(" test")))
            {
                report.running = count.parse().ok();
            }
            if let Some(rest) = line.strip_prefix("test result: ") {
                report.summary = Summary::read(rest).or(report.summary);
            }
        }
        report
    }

    /// The passed and failed counts of the closing line.
    pub fn counts(&self) -> Option<TestCounts> {
        self.summary.map(|s| TestCounts {
            passed: s.passed,
            failed: s.failed,
        })
    }

    /// What keeps this report from showing all `declared` tests passed, when no test failed.
    /// `None` when the report is complete (it may still list failures).
    pub fn missing(&self, declared: usize) -> Option<Missing> {
        match (self.running, self.summary) {
            (None, None) => Some(Missing::NoReport),
            (_, None) => Some(Missing::Stopped),
            (_, Some(summary)) if summary.failed > 0 => None,
            (_, Some(summary)) => {
                let reported = summary.passed + summary.ignored;
                let started = self.running.unwrap_or(reported);
                if (reported as usize) < declared || reported < started {
                    Some(Missing::Fewer { declared, reported })
                } else {
                    None
                }
            }
        }
    }
}

impl Summary {
    /// `ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s`
    fn read(rest: &str) -> Option<Self> {
        let count = |what: &str| -> Option<u32> {
            rest.split(';')
                .map(str::trim)
                .find_map(|part| {
                    part.rsplit_once(". ")
                        .map_or(part, |(_, p)| p)
                        .strip_suffix(what)
                })
                .and_then(|n| n.trim().parse().ok())
        };
        Some(Summary {
            passed: count(" passed")?,
            failed: count(" failed")?,
            ignored: count(" ignored").unwrap_or(0),
        })
    }
}

impl Missing {
    /// The sentence a learner reads, for a harness that ended with exit `code`.
    pub fn explain(self, code: i32) -> String {
        let ended = if code == 0 {
            "the code under test exited with code 0 (std::process::exit?), which is not a pass"
                .to_string()
        } else {
            format!("the process exited with code {code}")
        };
        match self {
            Missing::NoReport => {
                format!("the test harness reported nothing: {ended}")
            }
            Missing::Stopped => format!("the tests stopped before reporting: {ended}"),
            Missing::Fewer { declared, reported } => format!(
                "the file declares {declared} tests, but the test harness accounted for only \
                 {reported}: every test must run and pass"
            ),
        }
    }
}

/// One test as libtest reports it.
#[derive(Debug, PartialEq, Eq)]
pub struct TestReport {
    /// Its full name (`tests::adds`).
    pub name: String,
    /// `ok`, not `FAILED`.
    pub passed: bool,
    /// The `---- tests::adds stdout ----` block of a failed test.
    pub failure: Option<Failure>,
}

/// What a failed test printed, and how it panicked.
#[derive(Debug, PartialEq, Eq)]
pub struct Failure {
    pub printed: String,
    pub panic: Option<Panic>,
}

/// A test's panic: where (`path:line:col`, the path as the learner opens it), and its message.
#[derive(Debug, PartialEq, Eq)]
pub struct Panic {
    pub location: String,
    pub message: String,
}

/// The tests in libtest's output (colour codes allowed), in its order, with their failure
/// blocks: every test of the pretty form, only the failed ones of the quiet form. Ignored
/// tests did not run: they are left out.
pub fn tests(output: &str) -> Vec<TestReport> {
    let plain = console::strip_ansi_codes(output);
    let mut tests: Vec<TestReport> = plain
        .lines()
        .filter_map(|line| {
            let (name, result) = line.strip_prefix("test ")?.rsplit_once(" ... ")?;
            let passed = match result.trim() {
                "ok" => true,
                "FAILED" => false,
                _ => return None,
            };
            Some(TestReport {
                name: name.to_string(),
                passed,
                failure: None,
            })
        })
        .collect();
    // The blocks from the output as it was: what a test printed may hold escape sequences,
    // which the reader must see (made inert), not lose.
    for (name, block) in failure_blocks(output) {
        let (printed, panic) = split_panic(&block);
        let failure = Some(Failure { printed, panic });
        match tests.iter_mut().find(|t| t.name == name) {
            Some(test) => test.failure = failure,
            // The quiet form (`-q`) has no result lines: a failure block is a failed test.
            None => tests.push(TestReport {
                name,
                passed: false,
                failure,
            }),
        }
    }
    tests
}

/// libtest's report from its failures section on, plain or coloured, if it has one.
pub fn failures_section(output: &str) -> Option<&str> {
    let start = output
        .find(&format!("\n{FAILURES}\n"))
        .or_else(|| output.find(&format!("\n\u{1b}[0m{FAILURES}")));
    start.map(|i| &output[i + 1..])
}

/// `---- tests::x stdout ----` blocks: the test's name and everything it printed, as it
/// printed it. libtest's own lines are recognized with its colour codes stripped.
fn failure_blocks(output: &str) -> Vec<(String, String)> {
    let mut blocks: Vec<(String, String)> = Vec::new();
    let mut open = false;
    for line in output.lines() {
        let plain = if line.contains('\x1b') {
            console::strip_ansi_codes(line)
        } else {
            std::borrow::Cow::Borrowed(line)
        };
        let header = plain
            .strip_prefix("---- ")
            .and_then(|rest| rest.strip_suffix(" stdout ----"));
        if let Some(name) = header {
            blocks.push((name.to_string(), String::new()));
            open = true;
        } else if plain == FAILURES || plain.starts_with("test result:") {
            open = false;
        } else if open && let Some((_, text)) = blocks.last_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    for (_, text) in &mut blocks {
        *text = text.trim_end().to_string();
    }
    blocks
}

/// Splits a failure block into what the test printed and its panic: the location
/// (`path:line:col`) and the message, from `thread 'x' (id) panicked at path:line:col:` on,
/// without the thread (its id differs on every run) and the backtrace note.
fn split_panic(block: &str) -> (String, Option<Panic>) {
    let start = block.match_indices("thread '").map(|(i, _)| i).find(|&i| {
        block[i..]
            .lines()
            .next()
            .is_some_and(|l| l.contains(" panicked at "))
    });
    let Some(start) = start else {
        return (block.to_string(), None);
    };
    let mut lines = block[start..].lines();
    let header = lines.next().unwrap_or_default();
    let location = header.split(" panicked at ").nth(1).unwrap_or_default();
    let location = normalized(location.trim_end_matches(':'));
    let message: Vec<&str> = lines
        .filter(|l| !l.starts_with("note: run with `RUST_BACKTRACE"))
        .collect();
    let panic = Panic {
        location,
        message: message.join("\n"),
    };
    (block[..start].trim_end().to_string(), Some(panic))
}

/// `course/../exercises/x.rs:3:9` → `exercises/x.rs:3:9`: rustc names files relative to the
/// package, which may sit beside the exercises.
fn normalized(location: &str) -> String {
    files::lexical(Path::new(location))
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSED: &str = "\nrunning 3 tests\n...\ntest result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\n";

    #[test]
    fn a_complete_passing_run_misses_nothing() {
        let report = Report::read(PASSED);
        assert_eq!(report.running, Some(3));
        assert_eq!(
            report.counts(),
            Some(TestCounts {
                passed: 3,
                failed: 0
            })
        );
        assert_eq!(report.missing(3), None);
    }

    #[test]
    fn colour_and_the_pretty_format_read_alike() {
        let coloured = "running 1 test\ntest tests::a ... \u{1b}[32mok\u{1b}[0m\n\ntest result: \u{1b}[32mok\u{1b}[0m. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n";
        let report = Report::read(coloured);
        assert_eq!(report.running, Some(1));
        assert_eq!(report.missing(1), None);
    }

    #[test]
    fn failures_are_counted_and_are_not_missing_tests() {
        let out = "running 7 tests\n..F.F..\nfailures:\n\ntest result: FAILED. 5 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n";
        let report = Report::read(out);
        assert_eq!(
            report.counts(),
            Some(TestCounts {
                passed: 5,
                failed: 2
            })
        );
        assert_eq!(report.missing(7), None);
    }

    #[test]
    fn a_run_that_exits_before_its_closing_line_is_stopped() {
        let report = Report::read("\nrunning 8 tests\n...");
        assert_eq!(report.missing(8), Some(Missing::Stopped));
        assert!(Missing::Stopped.explain(0).starts_with(
            "the tests stopped before reporting: the code under test exited with code 0"
        ));
    }

    #[test]
    fn silence_is_no_report() {
        assert_eq!(Report::read("").missing(2), Some(Missing::NoReport));
        assert_eq!(
            Report::read("thread 'main' panicked").missing(2),
            Some(Missing::NoReport)
        );
    }

    #[test]
    fn fewer_tests_than_the_file_declares_are_missing_ones() {
        let report = Report::read(PASSED);
        assert_eq!(
            report.missing(4),
            Some(Missing::Fewer {
                declared: 4,
                reported: 3
            })
        );
    }

    #[test]
    fn ignored_tests_are_accounted_for() {
        let out = "running 2 tests\n.i\ntest result: ok. 1 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s\n";
        assert_eq!(Report::read(out).missing(2), None);
    }

    #[test]
    fn each_test_is_read_with_its_failure_block_and_panic() {
        let out = "running 3 tests\ntest tests::a ... ok\ntest tests::b ... ignored\n\
                   test tests::c ... \u{1b}[31mFAILED\u{1b}[0m\n\nfailures:\n\n\
                   ---- tests::c stdout ----\nsum: 3\n\nthread 'tests::c' (7) panicked at \
                   course/../exercises/x.rs:7:9:\nthe sum is wrong\n\
                   note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\n\
                   failures:\n    tests::c\n\ntest result: FAILED. 1 passed; 1 failed; 1 ignored; \
                   0 measured; 0 filtered out; finished in 0.00s\n";
        let reports = tests(out);
        assert_eq!(
            reports,
            [
                TestReport {
                    name: "tests::a".to_string(),
                    passed: true,
                    failure: None,
                },
                TestReport {
                    name: "tests::c".to_string(),
                    passed: false,
                    failure: Some(Failure {
                        printed: "sum: 3".to_string(),
                        panic: Some(Panic {
                            location: "exercises/x.rs:7:9".to_string(),
                            message: "the sum is wrong".to_string(),
                        }),
                    }),
                },
            ]
        );
    }

    #[test]
    fn the_quiet_form_reports_its_failed_tests_from_their_blocks() {
        let out = "\nrunning 2 tests\n.F\nfailures:\n\n---- tests::b stdout ----\n\
                   thread 'tests::b' (7) panicked at exercises/x.rs:4:9:\nno\n\n\n\
                   failures:\n    tests::b\n\ntest result: FAILED. 1 passed; 1 failed; 0 ignored; \
                   0 measured; 0 filtered out; finished in 0.00s\n";
        let reports = tests(out);
        assert_eq!(reports.len(), 1, "{reports:?}");
        assert_eq!(
            (reports[0].name.as_str(), reports[0].passed),
            ("tests::b", false)
        );
        let panic = reports[0].failure.as_ref().and_then(|f| f.panic.as_ref());
        assert_eq!(
            panic.map(|p| p.location.as_str()),
            Some("exercises/x.rs:4:9")
        );
    }

    #[test]
    fn panic_locations_lose_their_detours() {
        assert_eq!(
            normalized("course/../exercises/x.rs:3:9"),
            "exercises/x.rs:3:9"
        );
        assert_eq!(normalized("../x.rs:1:1"), "../x.rs:1:1");
    }

    #[test]
    fn the_failures_section_starts_at_its_heading_plain_or_coloured() {
        let plain = "\nrunning 3 tests\n.F.\nfailures:\n\n---- tests::a stdout ----\nboom\n";
        assert_eq!(
            failures_section(plain),
            Some("failures:\n\n---- tests::a stdout ----\nboom\n")
        );
        let coloured = "running 1 test\nF\n\u{1b}[0mfailures:\n";
        assert_eq!(failures_section(coloured), Some("\u{1b}[0mfailures:\n"));
        assert_eq!(failures_section("running 1 test\n.\n"), None);
    }
}
