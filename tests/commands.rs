//! The learner's commands as a learner uses them: run, hint, list, reset, verify, and watch
//! mode's refusal to start without a terminal.

mod common;

use common::pty::Watch;
use common::{BROKEN, Ex, FAILS, PASSES, TestCourse, stdout};
use predicates::prelude::*;

#[test]
fn run_reports_a_compile_error_with_the_compilers_message_and_exit_1() {
    let course = TestCourse::new(&[Ex::new("first", BROKEN)]);
    course.backlings(&["run", "first"]).assert().code(1).stdout(
        predicate::str::contains("mismatched types")
            .and(predicate::str::contains(
                "--> exercises/01_basics/first.rs:2:",
            ))
            .and(predicate::str::contains("first does not compile yet")),
    );
}

#[test]
fn run_reports_failing_tests_with_their_messages() {
    let course = TestCourse::new(&[Ex::new("first", FAILS)]);
    course.backlings(&["run", "first"]).assert().code(1).stdout(
        predicate::str::contains("the sum is wrong")
            .and(predicate::str::contains("first: 1 of 1 tests fail")),
    );
}

/// Two failing tests, declared in the order of their names.
const FAILS_TWICE: &str = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn a_first() {\n        assert_eq!(1 + 1, 3, \"the first is wrong\");\n    }\n\n    #[test]\n    fn b_second() {\n        assert_eq!(2 + 2, 5, \"the second is wrong\");\n    }\n}\n";

#[test]
fn run_shows_the_first_failure_in_file_order_in_full_and_the_others_in_one_line() {
    let course = TestCourse::new(&[Ex::new("first", FAILS_TWICE)]);
    let output = course.backlings(&["run", "first"]).output().unwrap();
    let shown = stdout(&output);
    assert!(
        shown.starts_with(
            "✗ a_first failed at exercises/01_basics/first.rs:7:9\n  \
             assertion `left == right` failed: the first is wrong\n    left: 2\n   right: 3\n\n\
             Also failing:\n  ✗ b_second  exercises/01_basics/first.rs:12:9\n\n"
        ),
        "{shown}"
    );
    assert!(!shown.contains("the second is wrong"), "{shown}");
    assert!(
        shown.contains("fix the code, then run `backlings run` again (or start watch mode"),
        "{shown}"
    );
    assert!(shown.contains("`backlings run --verbose` shows the full output"));
}

#[test]
fn run_verbose_shows_every_failure_in_full() {
    let course = TestCourse::new(&[Ex::new("first", FAILS_TWICE)]);
    course
        .backlings(&["run", "--verbose", "first"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("---- tests::a_first stdout ----")
                .and(predicate::str::contains("the second is wrong"))
                .and(predicate::str::contains("--verbose").not()),
        );
}

#[test]
fn run_of_a_solved_exercise_says_done_points_to_the_solution_and_moves_on() {
    let course = TestCourse::new(&[Ex::new("first", PASSES), Ex::new("second", FAILS)]);
    course.backlings(&["run"]).assert().success().stdout(
        predicate::str::contains("first is done!")
            .and(predicate::str::contains("solutions/01_basics/first.rs"))
            .and(predicate::str::contains("Next up: second")),
    );
    course
        .backlings(&["list"])
        .assert()
        .stdout(predicate::str::contains(
            ">   2  01_basics  second    pending",
        ));
}

#[test]
fn run_of_a_program_exercise_judges_by_exit_code_and_shows_its_output() {
    let course = TestCourse::new(&[
        Ex::new("ok", "fn main() {\n    println!(\"hello from main\");\n}\n").extra("test = false"),
        Ex::new("bad", "fn main() {\n    std::process::exit(3);\n}\n").extra("test = false"),
    ]);
    course.backlings(&["run", "ok"]).assert().success().stdout(
        predicate::str::contains("hello from main").and(predicate::str::contains("ok is done!")),
    );
    course
        .backlings(&["run", "bad"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "the program did not exit successfully",
        ));
}

#[test]
fn strict_clippy_exercises_are_not_done_with_clippy_warnings() {
    let warns = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {\n        let v = vec![1];\n        assert!(v.len() == 1 || v.len() >= 1);\n        assert_eq!(v.iter().count(), 1);\n    }\n}\n";
    let course = TestCourse::new(&[Ex::new("first", warns).extra("strict_clippy = true")]);
    course.backlings(&["run", "first"]).assert().code(1).stdout(
        predicate::str::contains("clippy has warnings").and(predicate::str::contains("clippy::")),
    );
}

#[test]
fn run_of_an_unknown_exercise_is_a_usage_error() {
    let course = TestCourse::new(&[Ex::new("first", PASSES)]);
    course.backlings(&["run", "nope"]).assert().code(2).stderr(
        predicate::str::contains("no exercise named \"nope\"")
            .and(predicate::str::contains("backlings list")),
    );
}

#[test]
fn output_is_plain_without_a_terminal() {
    let course = TestCourse::new(&[Ex::new("first", BROKEN)]);
    let output = course.backlings(&["run", "first"]).output().unwrap();
    assert!(!stdout(&output).contains('\u{1b}'), "{}", stdout(&output));
}

#[test]
fn hint_shows_the_hint_and_the_spec_links() {
    let course = TestCourse::new(&[
        Ex::new("first", PASSES).extra("spec = [\"https://www.rfc-editor.org/rfc/rfc9110\"]")
    ]);
    course
        .backlings(&["hint", "first"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Hint for first").and(predicate::str::contains(
                "https://www.rfc-editor.org/rfc/rfc9110",
            )),
        );
    course
        .backlings(&["hint"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Hint for first"));
}

#[test]
fn hint_gives_the_nudge_first_and_the_recipe_when_asked_for_more() {
    let course = TestCourse::new(&[Ex::new("first", FAILS)
        .extra("recipe = \"Step one, then step two.\"\nspec = [\"https://example.org/std\"]")]);
    let nudge = course.backlings(&["hint", "first"]).output().unwrap();
    let nudge = stdout(&nudge);
    assert!(nudge.contains("Hint for first"), "{nudge}");
    assert!(
        !nudge.contains("Step one"),
        "the recipe waits to be asked for:\n{nudge}"
    );
    assert!(
        nudge.contains("`backlings hint first --more` shows the recipe"),
        "says how to ask again:\n{nudge}"
    );
    assert!(nudge.contains("https://example.org/std"), "{nudge}");

    let more = course.backlings(&["hint", "--more"]).output().unwrap();
    let more = stdout(&more);
    assert!(
        more.contains("Hint for first") && more.contains("Step one, then step two."),
        "{more}"
    );
    assert!(
        !more.contains("--more"),
        "nothing further to ask for:\n{more}"
    );
}

#[test]
fn a_single_rustlings_style_hint_is_shown_without_a_promise_of_more() {
    let course = TestCourse::new(&[Ex::new("first", FAILS)]);
    for args in [&["hint"][..], &["hint", "--more"]] {
        let output = course.backlings(args).output().unwrap();
        let text = stdout(&output);
        assert!(text.contains("Hint for first"), "{text}");
        assert!(
            !text.contains("recipe"),
            "{args:?}: no recipe to offer:\n{text}"
        );
    }
}

#[test]
fn list_prints_a_plain_table_grouped_by_chapter_with_status_and_current_marker() {
    let course = TestCourse::new(&[Ex::new("first", PASSES), Ex::new("second", FAILS)]);
    course
        .backlings(&["list"])
        .assert()
        .success()
        .stdout("    #  chapter    exercise  status\n── 01_basics (01_basics): 0/2 done\n>   1  01_basics  first     pending\n    2  01_basics  second    pending\n\n0/2 done\n");
}

#[test]
fn progress_draws_the_chapters_as_a_roadmap_with_the_current_one_marked() {
    let course = TestCourse::new(&[Ex::new("first", PASSES), Ex::new("second", FAILS)]);
    course.backlings(&["run", "first"]).assert().success();
    let output = course.backlings(&["progress"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let shown = stdout(&output);
    assert!(shown.starts_with("Roadmap  1/2 done\n\n"), "{shown}");
    assert!(
        shown.contains(">  0 01_basics")
            && shown.contains("[==========          ] 1/2  ← you are here"),
        "{shown}"
    );
    assert!(!shown.contains('\u{1b}'), "no colour in a pipe:\n{shown}");
}

#[test]
fn reset_restores_the_shipped_version_after_backing_up_the_learners() {
    let course = TestCourse::new(&[Ex::new("first", FAILS)]);
    course.git_commit_all("course as shipped");
    let file = TestCourse::exercise("first");
    course.write(&file, "// my attempt\n");

    course
        .backlings(&["reset", "first"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Your version is saved as .backlings/backups/first.1.rs",
        ));
    assert_eq!(course.read(&file), FAILS);
    assert_eq!(
        course.read(".backlings/backups/first.1.rs"),
        "// my attempt\n"
    );

    // A second reset of other work never overwrites the first backup.
    course.write(&file, "// second attempt\n");
    course.backlings(&["reset", "first"]).assert().success();
    assert_eq!(
        course.read(".backlings/backups/first.1.rs"),
        "// my attempt\n"
    );
    assert_eq!(
        course.read(".backlings/backups/first.2.rs"),
        "// second attempt\n"
    );
}

#[test]
fn reset_restores_what_was_shipped_even_after_the_learner_committed_work() {
    let course = TestCourse::new(&[Ex::new("first", FAILS)]);
    course.git_commit_all("course as shipped");
    // The first start records the shipped commit.
    course.backlings(&["list"]).assert().success();
    let file = TestCourse::exercise("first");
    course.write(&file, PASSES);
    course.git_commit_all("my solution");

    course.backlings(&["reset", "first"]).assert().success();
    assert_eq!(course.read(&file), FAILS);
    assert_eq!(course.read(".backlings/backups/first.1.rs"), PASSES);
}

#[test]
fn reset_without_git_says_why_and_touches_nothing() {
    let course = TestCourse::new(&[Ex::new("first", FAILS)]);
    let file = TestCourse::exercise("first");
    course.write(&file, "// mine\n");
    course
        .backlings(&["reset", "first"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "could not find the shipped version",
        ));
    assert_eq!(course.read(&file), "// mine\n");
}

#[test]
fn verify_checks_everything_and_closes_with_the_counts() {
    let course = TestCourse::new(&[
        Ex::new("first", PASSES),
        Ex::new("second", FAILS),
        Ex::new("third", BROKEN),
    ]);
    course
        .backlings(&["verify"])
        .assert()
        .code(1)
        .stdout("✓ first\n✗ second: tests fail\n✗ third: does not compile\n1 passed, 2 failed\n");
    course
        .backlings(&["list"])
        .assert()
        .stdout(predicate::str::contains("1  01_basics  first     done"));

    course.write(&TestCourse::exercise("second"), PASSES);
    course.write(&TestCourse::exercise("third"), PASSES);
    course
        .backlings(&["verify"])
        .assert()
        .success()
        .stdout(predicate::str::ends_with("3 passed, 0 failed\n"));
}

#[test]
fn verify_in_a_terminal_counts_the_exercises_checked_on_a_bar_it_clears_at_the_end() {
    let course = TestCourse::new(&[Ex::new("first", PASSES), Ex::new("second", FAILS)]);
    let mut verify = Watch::start_with_args(&course, &["verify"]);
    verify.expect_exit();
    let written = String::from_utf8_lossy(&verify.raw()).into_owned();
    assert!(
        written.contains("/2 checked (last: "),
        "no bar of exercises checked in:\n{written}"
    );
    assert!(verify.shows("1 passed, 1 failed"));
    assert!(!verify.shows("checked (last:"), "the bar is cleared");
}

#[test]
fn watch_mode_without_a_terminal_points_to_run_and_verify() {
    let course = TestCourse::new(&[Ex::new("first", PASSES)]);
    course.backlings(&[]).assert().code(3).stderr(
        predicate::str::contains("watch mode needs a terminal")
            .and(predicate::str::contains("backlings run"))
            .and(predicate::str::contains("backlings verify")),
    );
}

#[test]
fn every_command_has_help() {
    let course = TestCourse::new(&[Ex::new("first", PASSES)]);
    for args in [
        &["--help"][..],
        &["run", "--help"],
        &["hint", "--help"],
        &["list", "--help"],
        &["reset", "--help"],
        &["verify", "--help"],
        &["dev", "check", "--help"],
    ] {
        course
            .backlings(args)
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage: backlings"));
    }
}
