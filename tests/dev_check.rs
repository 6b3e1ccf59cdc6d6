//! `backlings dev check`, the course author's and CI's check of a whole course.

mod common;

use common::pty::Watch;
use common::{BROKEN, Ex, FAILS, PASSES, TestCourse};
use predicates::prelude::*;

#[test]
fn a_sound_course_passes() {
    let course = TestCourse::new(&[Ex::new("first", FAILS), Ex::new("second", BROKEN)]);
    course
        .backlings(&["dev", "check"])
        .assert()
        .success()
        .stdout("2 passed, 0 failed\n");
}

#[test]
fn in_a_terminal_a_bar_counts_exercises_and_solutions_checked_and_names_the_last() {
    let course = TestCourse::new(&[Ex::new("first", FAILS), Ex::new("second", FAILS)]);
    let mut check = Watch::start_with_args(&course, &["dev", "check"]);
    check.expect_exit();
    let written = String::from_utf8_lossy(&check.raw()).into_owned();
    assert!(
        written.contains("/4 checked (last: "),
        "no bar of the 2 exercises and 2 solutions checked in:\n{written}"
    );
    assert!(
        written.contains("'s solution)"),
        "solutions are named as such"
    );
    assert!(check.shows("2 passed, 0 failed"));
    assert!(!check.shows("checked (last:"), "the bar is cleared");
}

#[test]
fn an_exercise_that_passes_as_shipped_is_a_problem_unless_marked() {
    let course = TestCourse::new(&[
        Ex::new("too_easy", PASSES),
        Ex::new("read_only", PASSES).extra("skip_check_unsolved = true"),
    ]);
    course.backlings(&["dev", "check"]).assert().code(1).stdout(
        "✗ too_easy: passes as shipped: it must fail until the learner fixes it (or set skip_check_unsolved = true)\n\
         (run `backlings dev check --verbose` to see the compiler and test output)\n1 passed, 1 failed\n",
    );
}

#[test]
fn an_exercise_called_course_is_counted_as_an_exercise() {
    let course = TestCourse::new(&[Ex::new("course", PASSES), Ex::new("second", FAILS)]);
    course.backlings(&["dev", "check"]).assert().code(1).stdout(
        predicate::str::contains("✗ course: passes as shipped")
            .and(predicate::str::ends_with("1 passed, 1 failed\n")),
    );
}

#[test]
fn a_failing_or_unclean_solution_is_a_problem_with_details_on_request() {
    let clippy_unclean = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {\n        let v = vec![1];\n        assert_eq!(v.iter().count(), 1);\n    }\n}\n";
    let course = TestCourse::new(&[
        Ex::new("wrong", FAILS).solution(Some(FAILS)),
        Ex::new("unclean", FAILS).solution(Some(clippy_unclean)),
    ]);
    course.backlings(&["dev", "check"]).assert().code(1).stdout(
        predicate::str::contains("✗ wrong: the solution solutions/01_basics/wrong.rs: tests fail")
            .and(predicate::str::contains(
                "✗ unclean: the solution solutions/01_basics/unclean.rs: clippy warnings",
            ))
            .and(predicate::str::ends_with("0 passed, 2 failed\n")),
    );
    course
        .backlings(&["dev", "check", "--verbose"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("the sum is wrong").and(predicate::str::contains("clippy::")),
        );
}

#[test]
fn entries_need_a_hint_and_a_solution() {
    let course = TestCourse::new(&[Ex::new("first", FAILS).solution(None)]);
    course.write(
        "info.toml",
        &course
            .read("info.toml")
            .replace("hint = \"Hint for first\"", "hint = \"  \""),
    );
    course.backlings(&["dev", "check"]).assert().code(1).stdout(
        predicate::str::contains("✗ first: has no hint")
            .and(predicate::str::contains(
                "✗ first: has no solution: solutions/01_basics/first.rs is missing",
            ))
            .and(predicate::str::ends_with("0 passed, 1 failed\n")),
    );
}

#[test]
fn stray_files_and_manifest_disagreements_are_reported() {
    let course = TestCourse::new(&[Ex::new("first", FAILS)]);
    course.write("exercises/01_basics/old.rs", "fn main() {}\n");
    course.write("exercises/README.md", "Chapter notes are fine.\n");
    let manifest = course.read("Cargo.toml").replace(
        "solutions/01_basics/first.rs",
        "solutions/01_basics/elsewhere.rs",
    );
    course.write(
        "Cargo.toml",
        &manifest.replace(
            "bin = [\n",
            "bin = [\n  { name = \"extra\", path = \"exercises/01_basics/old.rs\" },\n",
        ),
    );
    course.backlings(&["dev", "check"]).assert().code(1).stdout(
        predicate::str::contains("✗ course: stray file exercises/01_basics/old.rs")
            .and(predicate::str::contains("builds \"extra\", which is not an exercise of info.toml"))
            .and(predicate::str::contains(
                "✗ first: the [[bin]] \"first_sol\" builds solutions/01_basics/elsewhere.rs, but info.toml says solutions/01_basics/first.rs",
            ))
            .and(predicate::str::contains("README.md").not())
            .and(predicate::str::ends_with("0 passed, 2 failed\n")),
    );
}
