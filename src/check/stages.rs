//! Grading an exercise in stages, as codecrafters grades its servers: the tests of stage 1,
//! then stage 2's, and so on. A stage passes when none of its tests failed and every stage
//! before it passed; the learner sees the first stage that fails, never a later one.
//!
//! A stage's tests are those in its module (`tests::respond::…` for `tests = "respond"`). A
//! test in no stage's module counts with the last stage: it is checked once all are done.

use super::libtest;
use super::verdict::{Staged, Verdict};
use crate::course::exercise::Stage;

/// The stage (index into `stages`) that libtest's test `name` (`tests::respond::ok`) belongs
/// to: the one whose module is in its path, else the last.
pub fn stage_of(stages: &[Stage], name: &str) -> usize {
    let modules: Vec<&str> = name.split("::").collect();
    let modules = &modules[..modules.len().saturating_sub(1)];
    stages
        .iter()
        .position(|stage| modules.contains(&stage.tests.as_str()))
        .unwrap_or(stages.len().saturating_sub(1))
}

/// How far a run with `verdict` and `output` got through `stages`; `None` for an exercise
/// without stages, or a run that says nothing about them: it did not compile, ran out of time
/// or memory, or crashed before a failure could be read.
pub fn grade(stages: &[Stage], verdict: Verdict, output: &str) -> Option<Staged> {
    if stages.is_empty() {
        return None;
    }
    let total = stages.len();
    match verdict {
        Verdict::Done | Verdict::ClippyWarnings => Some(Staged {
            passed: total,
            total,
        }),
        Verdict::TestsFailed => {
            let passed = libtest::tests(output)
                .iter()
                .filter(|test| !test.passed)
                .map(|test| stage_of(stages, &test.name))
                .min()?;
            Some(Staged { passed, total })
        }
        _ => None,
    }
}

/// The stages of `stages` whose test module `source` does not declare (`mod NAME {`): their
/// tests would count with the last stage, and the stage would pass with no test at all.
pub fn undeclared<'s>(stages: &'s [Stage], source: &str) -> Vec<&'s Stage> {
    let declared: Vec<&str> = source
        .lines()
        .filter_map(|line| {
            let rest = line.trim_start().strip_prefix("mod ")?;
            Some(rest.trim_end().strip_suffix('{')?.trim_end())
        })
        .collect();
    stages
        .iter()
        .filter(|stage| !declared.contains(&stage.tests.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stages(modules: &[&str]) -> Vec<Stage> {
        modules
            .iter()
            .map(|m| Stage {
                title: format!("the {m} stage"),
                tests: m.to_string(),
            })
            .collect()
    }

    fn failing(names: &[&str]) -> String {
        let mut out = String::from("\nrunning 9 tests\n");
        for name in names {
            out.push_str(&format!("test {name} ... FAILED\n"));
        }
        out
    }

    #[test]
    fn the_first_stage_with_a_failed_test_is_where_the_learner_stands() {
        let stages = stages(&["respond", "routes", "headers"]);
        let output = failing(&["tests::headers::date", "tests::routes::echo"]);
        let staged = grade(&stages, Verdict::TestsFailed, &output).unwrap();
        assert_eq!(
            staged,
            Staged {
                passed: 1,
                total: 3
            }
        );
        assert_eq!(staged.failing(), Some(1));
    }

    #[test]
    fn a_test_in_no_stage_counts_with_the_last_and_a_module_matches_whole() {
        let stages = stages(&["respond", "routes"]);
        assert_eq!(stage_of(&stages, "tests::extra"), 1);
        assert_eq!(stage_of(&stages, "tests::responders::x"), 1);
        assert_eq!(stage_of(&stages, "tests::respond::x"), 0);
        assert_eq!(
            stage_of(&stages, "respond"),
            1,
            "a test named like a module"
        );
    }

    #[test]
    fn a_stage_whose_module_the_file_does_not_declare_is_found() {
        let stages = stages(&["respond", "routes"]);
        let source =
            "mod tests {\n    mod respond {\n        #[test]\n        fn ok() {}\n    }\n}\n";
        let missing: Vec<&str> = undeclared(&stages, source)
            .iter()
            .map(|s| s.tests.as_str())
            .collect();
        assert_eq!(missing, ["routes"]);
    }

    #[test]
    fn done_passes_every_stage_and_a_run_that_says_nothing_grades_nothing() {
        let stages = stages(&["a", "b"]);
        let all = Staged {
            passed: 2,
            total: 2,
        };
        assert_eq!(grade(&stages, Verdict::Done, ""), Some(all));
        assert_eq!(all.failing(), None);
        assert_eq!(grade(&stages, Verdict::TimedOut, ""), None);
        assert_eq!(grade(&stages, Verdict::TestsFailed, "crashed\n"), None);
        assert_eq!(grade(&[], Verdict::Done, ""), None);
    }
}
