//! Per-test results of one checked file, for the machine-readable formats: which tests ran,
//! in the order the file declares them, how each ended, and where a failure points.
//!
//! Built from what [`libtest`] reads of the test harness's output (each test's result, each
//! failure's block and panic) and from the source file (the order and lines of the `#[test]`
//! functions).

use std::path::Path;

use crate::check::{Outcome, Verdict, libtest};

/// How one test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pass,
    Fail,
    /// It never finished: the run timed out or crashed first.
    Error,
}

impl Status {
    /// The word Exercism's results.json uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
        }
    }
}

/// One test of a file, or one rule of `dev check` reported like a test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    /// libtest's name without the module path (`adds`, not `tests::adds`).
    pub name: String,
    pub status: Status,
    /// Why it failed: the panic message, or the rule that was broken.
    pub message: Option<String>,
    /// What the test printed before it failed.
    pub output: String,
    /// The line the failure points at (the panic's location), else the test's `fn` line.
    pub line: Option<u32>,
    /// The file the line is in, when it is not the checked file (a `dev check` rule about
    /// the shipped exercise or `info.toml`).
    pub file: Option<String>,
}

impl TestCase {
    /// A rule that held or did not, such as "clippy" or "fails as shipped".
    pub fn rule(name: &str, problem: Option<String>, line: Option<u32>) -> Self {
        Self {
            name: name.to_string(),
            status: if problem.is_some() {
                Status::Fail
            } else {
                Status::Pass
            },
            message: problem,
            output: String::new(),
            line,
            file: None,
        }
    }
}

/// The `#[test]` functions of `source`, in file order: each one's path from the top of the
/// file as libtest names it (`tests::adds`, `tests::respond::ok`) and its `fn` line (1-based).
/// Modules are followed by their indentation, as rustfmt lays them out; where a file is laid
/// out otherwise, [`same_test`] still matches a test by its function's name.
pub fn declared_tests(source: &str) -> Vec<(String, u32)> {
    let mut tests = Vec::new();
    // The modules the current line is in: each with the indentation of its `mod` line.
    let mut modules: Vec<(usize, &str)> = Vec::new();
    let mut attribute = false;
    for (i, raw) in source.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        while modules.last().is_some_and(|&(at, _)| indent <= at) {
            modules.pop();
        }
        if let Some(name) = module_opened(line) {
            modules.push((indent, name));
        } else if line.starts_with("#[test]") || line.starts_with("#[tokio::test") {
            attribute = true;
        } else if attribute && !line.starts_with("#[") && !line.starts_with("//") {
            attribute = false;
            let after_fn = line.split_once("fn ").map(|(_, rest)| rest);
            if let Some(name) = after_fn.and_then(|rest| rest.split(['(', '<', ' ']).next()) {
                let mut path: Vec<&str> = modules.iter().map(|&(_, m)| m).collect();
                path.push(name);
                tests.push((path.join("::"), i as u32 + 1));
            }
        }
    }
    tests
}

/// `mod NAME {` (or `pub mod`): the module a line opens, if it opens one.
fn module_opened(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix("pub ")
        .unwrap_or(line)
        .strip_prefix("mod ")?;
    let name = rest.strip_suffix('{')?.trim_end();
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
        .then_some(name)
}

/// Whether libtest's `reported` name and a `declared` path are the same test: the same path,
/// or, where the paths differ (a file rustfmt did not lay out), the same function name.
pub fn same_test(reported: &str, declared: &str) -> bool {
    reported == declared || short_name(reported) == short_name(declared)
}

/// A test's name as reports show it: its path below the file's test module (`adds` for
/// `tests::adds`, `respond::ok` for `tests::respond::ok`), so that tests of the same name in
/// different stages stay apart.
pub fn shown_name(path: &str) -> &str {
    match path.split_once("::") {
        Some((_, rest)) => rest,
        None => path,
    }
}

/// The tests of the checked file `path`: every test libtest reported, in the order `source`
/// declares them (tests the source does not show, such as generated ones, come last), and
/// every declared test that never reported as an error.
pub fn test_cases(outcome: &Outcome, path: &Path, source: &str) -> Vec<TestCase> {
    let declared = declared_tests(source);
    let mut reported = reported_tests(&outcome.output, path);
    let unfinished = match outcome.verdict {
        Verdict::TimedOut => format!(
            "the tests ran past the {} s time limit",
            outcome.timeout_secs
        ),
        _ => "the test binary ended before this test finished (a crash?)".to_string(),
    };
    let mut cases = Vec::new();
    for (path, line) in &declared {
        let name = shown_name(path).to_string();
        let exact = reported.iter().position(|case| case.name == *path);
        match exact.or_else(|| reported.iter().position(|case| same_test(&case.name, path))) {
            Some(i) => {
                let mut case = reported.remove(i);
                case.name = name;
                case.line = case.line.or(Some(*line));
                cases.push(case);
            }
            // Every test ran (or the run was filtered): nothing to say about this one.
            None if outcome.verdict == Verdict::Done => {}
            None => {
                cases.push(TestCase {
                    name,
                    status: Status::Error,
                    message: Some(unfinished.clone()),
                    output: String::new(),
                    line: Some(*line),
                    file: None,
                });
            }
        }
    }
    for mut case in reported {
        case.name = shown_name(&case.name).to_string();
        cases.push(case);
    }
    cases
}

/// `tests::adds` → `adds`: the name as the file declares it.
pub fn short_name(name: &str) -> &str {
    name.rsplit("::").next().unwrap_or(name)
}

/// The tests [libtest reported](libtest::tests), in its order. A panic's line counts only if
/// it is in `path` (not in a helper library).
fn reported_tests(output: &str, path: &Path) -> Vec<TestCase> {
    libtest::tests(output)
        .into_iter()
        .map(|test| reported_case(test, path))
        .collect()
}

/// The case of one reported test: a failure's panic gives its message and, in `path`, its line.
fn reported_case(test: libtest::TestReport, path: &Path) -> TestCase {
    let mut case = TestCase {
        name: test.name,
        status: if test.passed {
            Status::Pass
        } else {
            Status::Fail
        },
        message: None,
        output: String::new(),
        line: None,
        file: None,
    };
    if let Some(failure) = test.failure {
        let message = match failure.panic {
            Some(panic) => {
                case.line = file_and_line(&panic.location)
                    .filter(|(file, _)| Path::new(file).ends_with(path))
                    .map(|(_, line)| line);
                format!("{}\n  at {}", panic.message, panic.location)
            }
            None => "the test failed".to_string(),
        };
        case.message = Some(message);
        case.output = failure.printed;
    }
    case
}

/// `path:LINE:COL` → (`path`, LINE).
fn file_and_line(location: &str) -> Option<(&str, u32)> {
    let mut parts = location.trim().rsplitn(3, ':');
    let _column = parts.next()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?, line))
}

/// The first ` --> path:LINE:COL` of rendered compiler messages: where an annotation for a
/// compile error should point.
pub fn diagnostic_line(rendered: &str) -> Option<u32> {
    let plain = console::strip_ansi_codes(rendered);
    plain.lines().find_map(|line| {
        let location = line.trim_start().strip_prefix("--> ")?;
        file_and_line(location).map(|(_, line)| line)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::libtest::TestCounts;

    const SOURCE: &str = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn zeta() {}\n\n    #[test]\n    #[should_panic]\n    fn alpha() {}\n\n    #[tokio::test(start_paused = true)]\n    async fn middle() {}\n}\n";

    fn outcome(verdict: Verdict, output: &str) -> Outcome {
        Outcome {
            verdict,
            diagnostics: String::new(),
            output: output.to_string(),
            tests: Some(TestCounts {
                passed: 0,
                failed: 0,
            }),
            timeout_secs: 10,
            limits: crate::sandbox::limits::Limits::DEFAULT,
            stage: None,
        }
    }

    #[test]
    fn declared_tests_are_found_in_file_order_with_their_lines() {
        let declared = declared_tests(SOURCE);
        let expected = [
            ("tests::zeta", 6),
            ("tests::alpha", 10),
            ("tests::middle", 13),
        ];
        let expected: Vec<(String, u32)> =
            expected.iter().map(|(n, l)| (n.to_string(), *l)).collect();
        assert_eq!(declared, expected);
    }

    #[test]
    fn tests_of_one_name_in_two_modules_stay_apart() {
        let source = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    mod respond {\n        #[test]\n        fn over_tcp() {}\n    }\n\n    mod routes {\n        #[test]\n        fn over_tcp() {}\n    }\n}\n";
        let declared = declared_tests(source);
        let declared: Vec<&str> = declared.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            declared,
            ["tests::respond::over_tcp", "tests::routes::over_tcp"]
        );
        let output = "\nrunning 2 tests\ntest tests::routes::over_tcp ... FAILED\ntest tests::respond::over_tcp ... ok\n\nfailures:\n\n---- tests::routes::over_tcp stdout ----\nno route\n\nfailures:\n    tests::routes::over_tcp\n\ntest result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n";
        let cases = test_cases(
            &outcome(Verdict::TestsFailed, output),
            Path::new("exercises/x.rs"),
            source,
        );
        let seen: Vec<(&str, Status, Option<u32>)> = cases
            .iter()
            .map(|c| (c.name.as_str(), c.status, c.line))
            .collect();
        assert_eq!(
            seen,
            [
                ("respond::over_tcp", Status::Pass, Some(7)),
                ("routes::over_tcp", Status::Fail, Some(12)),
            ]
        );
    }

    #[test]
    fn libtest_output_becomes_cases_in_source_order_with_panic_locations() {
        let output = "\nrunning 3 tests\ntest tests::alpha ... ok\ntest tests::middle ... ok\ntest tests::zeta ... FAILED\n\nfailures:\n\n---- tests::zeta stdout ----\nsum so far: 3\n\nthread 'tests::zeta' (4242) panicked at exercises/x.rs:7:9:\nassertion `left == right` failed: the sum is wrong\n  left: 2\n right: 3\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\nfailures:\n    tests::zeta\n\ntest result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n";
        let cases = test_cases(
            &outcome(Verdict::TestsFailed, output),
            Path::new("exercises/x.rs"),
            SOURCE,
        );
        let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["zeta", "alpha", "middle"]);
        let zeta = &cases[0];
        assert_eq!(zeta.status, Status::Fail);
        assert_eq!(zeta.output, "sum so far: 3");
        assert_eq!(
            zeta.message.as_deref(),
            Some(
                "assertion `left == right` failed: the sum is wrong\n  left: 2\n right: 3\n  at exercises/x.rs:7:9"
            )
        );
        assert_eq!(zeta.line, Some(7), "the panic's line, not the fn's");
        let elsewhere = output.replace("exercises/x.rs:7", "support/src/lib.rs:70");
        let cases = test_cases(
            &outcome(Verdict::TestsFailed, &elsewhere),
            Path::new("exercises/x.rs"),
            SOURCE,
        );
        assert_eq!(
            cases[0].line,
            Some(6),
            "a panic in another file: the fn's line"
        );
        assert_eq!((cases[1].status, cases[1].line), (Status::Pass, Some(10)));
    }

    #[test]
    fn tests_that_never_reported_are_errors() {
        let output = "running 3 tests\ntest tests::alpha ... ok\n";
        let cases = test_cases(
            &outcome(Verdict::TimedOut, output),
            Path::new("x.rs"),
            SOURCE,
        );
        let statuses: Vec<(&str, Status)> =
            cases.iter().map(|c| (c.name.as_str(), c.status)).collect();
        assert_eq!(
            statuses,
            [
                ("zeta", Status::Error),
                ("alpha", Status::Pass),
                ("middle", Status::Error)
            ]
        );
        assert_eq!(
            cases[0].message.as_deref(),
            Some("the tests ran past the 10 s time limit")
        );
    }

    #[test]
    fn compile_errors_point_at_their_first_location() {
        let rendered = "error[E0308]: mismatched types\n --> exercises/01_basics/broken.rs:2:18\n  |\n2 |     let x: u32 = \"not a number\";\n";
        assert_eq!(diagnostic_line(rendered), Some(2));
        assert_eq!(diagnostic_line("error: could not compile"), None);
    }
}
