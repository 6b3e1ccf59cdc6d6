//! Failing tests as a learner reads them: the first failure in the order the file declares
//! its tests (not the order they finished), in full (what it printed, its assertion, where it
//! panicked), cut to fit a 24-row terminal together with the verdict; the other failures one
//! line each (name and location). libtest's whole report stays one key (or `--verbose`) away.
//! Locations in the checked file are links that terminals open, where colour is on.
//!
//! Computed from the outcome only when it is shown, never on the way to a verdict.

use std::path::Path;

use console::style;

use super::file_link;
use crate::check::libtest::{self, TestReport};
use crate::check::results::{declared_tests, same_test, shown_name};
use crate::check::stages::stage_of;
use crate::course::exercise::Stage;
use crate::inert::{self, Colour};

/// At most this many lines of the first failure's printed output and panic message.
const FIRST_FAILURE_LINES: usize = 8;
/// At most this many other failures, one line each.
const OTHER_FAILURES: usize = 3;

/// The checked file: where it is in the course, and what it held.
pub struct Checked<'a> {
    /// Relative to the course, as panics name it (`exercises/…`).
    pub path: &'a Path,
    pub root: &'a Path,
    pub source: &'a str,
    /// For an exercise graded in stages: its stages and the one that fails, whose failures
    /// alone are shown (the later stages' tests fail too, and are not the learner's concern
    /// yet).
    pub stage: Option<(&'a [Stage], usize)>,
}

/// The failures of a test run's `output` on the `file` checked; `None` when no failed test
/// can be read from the output (a crash before the harness reported).
pub fn layout(output: &str, file: &Checked) -> Option<String> {
    let (path, source) = (file.path, file.source);
    let mut failed = in_file_order(libtest::tests(output), source);
    if let Some((stages, failing)) = file.stage {
        failed.retain(|test| stage_of(stages, &test.name) == failing);
    }
    let (first, others) = failed.split_first()?;
    let mut text = first_failure(first, file);
    if !others.is_empty() {
        text.push_str("\n\nAlso failing:");
        for failure in others.iter().take(OTHER_FAILURES) {
            text.push_str(&format!(
                "\n  {} {}  {}",
                style("✗").red(),
                shown(shown_name(&failure.name)),
                linked(&location(failure, path, source), file)
            ));
        }
        if others.len() > OTHER_FAILURES {
            text.push_str(&format!("\n  … and {} more", others.len() - OTHER_FAILURES));
        }
    }
    Some(text)
}

/// The failed tests, in the order `source` declares them; tests it does not show come last,
/// in the harness's order.
fn in_file_order(tests: Vec<TestReport>, source: &str) -> Vec<TestReport> {
    let declared = declared_tests(source);
    let mut failed: Vec<TestReport> = tests.into_iter().filter(|t| !t.passed).collect();
    failed.sort_by_key(|test| declared_position(&declared, &test.name).unwrap_or(usize::MAX));
    failed
}

/// Where libtest's test `name` is among the `declared` tests: by its path, else by its
/// function's name.
fn declared_position(declared: &[(String, u32)], name: &str) -> Option<usize> {
    let exact = declared.iter().position(|(path, _)| path == name);
    exact.or_else(|| declared.iter().position(|(path, _)| same_test(name, path)))
}

/// `✗ NAME failed at LOCATION`, then what it printed and its panic message, cut to
/// [`FIRST_FAILURE_LINES`] (the message is kept over the printed output's first lines).
fn first_failure(test: &TestReport, file: &Checked) -> String {
    let mut text = format!(
        "{} {} failed at {}",
        style("✗").red().bold(),
        style(shown(shown_name(&test.name))).bold(),
        linked(&location(test, file.path, file.source), file)
    );
    let (printed, message) = match &test.failure {
        Some(failure) => (
            failure.printed.as_str(),
            failure.panic.as_ref().map_or("", |p| p.message.as_str()),
        ),
        None => ("", ""),
    };
    let message: Vec<&str> = message.lines().collect();
    let printed: Vec<&str> = printed.lines().collect();
    // The message first: the printed output's first lines are what can go.
    let message_room = if message.len() > FIRST_FAILURE_LINES {
        FIRST_FAILURE_LINES - 1
    } else {
        message.len()
    };
    let printed_room = FIRST_FAILURE_LINES.saturating_sub(message.len());
    let mut body: Vec<String> = Vec::new();
    if printed.len() <= printed_room {
        body.extend(printed.iter().map(|l| l.to_string()));
    } else if printed_room > 0 {
        let keep = printed_room - 1;
        body.push(format!("… {} lines printed before", printed.len() - keep));
        body.extend(
            printed[printed.len() - keep..]
                .iter()
                .map(|l| l.to_string()),
        );
    }
    body.extend(message[..message_room].iter().map(|l| l.to_string()));
    if message.len() > message_room {
        body.push(format!("… {} more lines", message.len() - message_room));
    }
    for line in body {
        text.push_str("\n  ");
        text.push_str(&shown(&line));
    }
    text
}

/// Where `test` failed: its panic's `path:line:col`, else the line of its `fn` in `source`.
fn location(test: &TestReport, path: &Path, source: &str) -> String {
    if let Some(panic) = test.failure.as_ref().and_then(|f| f.panic.as_ref()) {
        return panic.location.clone();
    }
    let declared = declared_tests(source);
    let line = declared_position(&declared, &test.name).map(|i| declared[i].1);
    match line {
        Some(line) => format!("{}:{line}", path.display()),
        None => path.display().to_string(),
    }
}

/// `location`, its file a link that terminals open (see [`file_link`]) when it is the file
/// checked; inert text otherwise.
fn linked(location: &str, file: &Checked) -> String {
    let path = file.path.display().to_string();
    match location.strip_prefix(&path) {
        Some(rest) if rest.is_empty() || rest.starts_with(':') => format!(
            "{}{}",
            file_link(file.path, &file.root.join(file.path)),
            shown(rest)
        ),
        _ => shown(location),
    }
}

/// Text from the test run, made inert (colour kept only when backlings shows colour).
fn shown(text: &str) -> String {
    inert::text(text, Colour::when(console::colors_enabled()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "#[cfg(test)]\nmod tests {\n    #[test]\n    fn first() {}\n\n    #[test]\n    fn second() {}\n\n    #[test]\n    fn third() {}\n\n    #[test]\n    fn fourth() {}\n}\n";

    /// libtest's report of a run where `failed` tests failed, in the order given (the order
    /// they finished), each with a panic at `line`.
    fn output(failed: &[(&str, u32)]) -> String {
        let mut out = String::from("\nrunning 4 tests\n");
        for (name, _) in failed {
            out.push_str(&format!("test tests::{name} ... FAILED\n"));
        }
        out.push_str("\nfailures:\n\n");
        for (name, line) in failed {
            out.push_str(&format!(
                "---- tests::{name} stdout ----\n\nthread 'tests::{name}' (42) panicked at \
                 course/../exercises/x.rs:{line}:9:\nassertion `left == right` failed\n  \
                 left: 1\n right: 2\nnote: run with `RUST_BACKTRACE=1` environment variable to \
                 display a backtrace\n\n"
            ));
        }
        out.push_str("\nfailures:\n\ntest result: FAILED. 0 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n");
        out
    }

    fn layout_of(out: &str) -> String {
        let file = Checked {
            path: Path::new("exercises/x.rs"),
            root: Path::new("/course"),
            source: SOURCE,
            stage: None,
        };
        layout(out, &file).expect("failures")
    }

    #[test]
    fn the_first_failure_in_file_order_comes_first_in_full() {
        let text = layout_of(&output(&[("third", 10), ("second", 7)]));
        assert!(
            text.starts_with(
                "✗ second failed at exercises/x.rs:7:9\n  assertion `left == right` failed\n    \
                 left: 1\n   right: 2\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn the_other_failures_follow_one_line_each_with_their_location() {
        let text = layout_of(&output(&[("fourth", 13), ("third", 10), ("second", 7)]));
        assert!(
            text.ends_with(
                "Also failing:\n  ✗ third  exercises/x.rs:10:9\n  ✗ fourth  exercises/x.rs:13:9"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_long_message_is_cut_and_says_how_much_is_left() {
        let long: String = (1..=20).map(|i| format!("line {i}\n")).collect();
        let out = output(&[("first", 4)]).replace("assertion `left == right` failed\n", &long);
        let text = layout_of(&out);
        assert_eq!(text.lines().count(), 1 + FIRST_FAILURE_LINES, "{text}");
        assert!(text.ends_with("  … 15 more lines"), "{text}");
    }

    #[test]
    fn printed_output_keeps_its_last_lines_when_room_is_short() {
        let printed: String = (1..=10).map(|i| format!("step {i}\n")).collect();
        let out = output(&[("first", 4)]).replace(
            "---- tests::first stdout ----\n\n",
            &format!("---- tests::first stdout ----\n{printed}"),
        );
        let text = layout_of(&out);
        assert_eq!(text.lines().count(), 1 + FIRST_FAILURE_LINES, "{text}");
        assert!(
            text.contains("  … 6 lines printed before\n  step 7\n"),
            "{text}"
        );
    }

    #[test]
    fn a_failure_without_a_panic_points_at_its_fn() {
        let out = "running 1 test\ntest tests::third ... FAILED\n\nfailures:\n\n---- tests::third stdout ----\nError: \"no\"\n\nfailures:\n    tests::third\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n";
        assert!(layout_of(out).starts_with("✗ third failed at exercises/x.rs:10\n  Error: \"no\""));
    }

    #[test]
    fn no_failed_test_in_the_output_is_no_layout() {
        let file = Checked {
            path: Path::new("x.rs"),
            root: Path::new("/course"),
            source: SOURCE,
            stage: None,
        };
        assert_eq!(layout("running 2 tests\n", &file), None);
    }

    #[test]
    fn more_failures_than_fit_are_counted() {
        let out = output(&[("first", 4), ("second", 7), ("third", 10), ("fourth", 13)]);
        let extra = out.replace(
            "test tests::fourth ... FAILED\n",
            "test tests::fourth ... FAILED\ntest tests::generated ... FAILED\n",
        );
        assert!(layout_of(&extra).ends_with("\n  … and 1 more"));
    }
}
