//! `backlings reset --all`: the learner starts the course over. Every exercise they changed
//! gets its shipped version back, each of theirs kept as a backup, and progress is cleared.

mod common;

use common::pty::{Start, Watch};
use common::{Ex, FAILS, TestCourse, stdout};
use predicates::prelude::*;

/// A course in git with three exercises: `first` and `third` changed by the learner, `second`
/// as shipped; `first` done and `third` current.
fn course_with_work() -> TestCourse {
    let course = TestCourse::new(&[
        Ex::new("first", FAILS),
        Ex::new("second", FAILS),
        Ex::new("third", FAILS),
    ]);
    course.git_commit_all("course as shipped");
    // The first start records the shipped commit.
    course.backlings(&["list"]).assert().success();
    course.write(&TestCourse::exercise("first"), "// my first attempt\n");
    course.write(&TestCourse::exercise("third"), "// my third attempt\n");
    let state = course.read(".backlings/state.toml");
    let state = state.replace("current = \"first\"", "current = \"third\"");
    course.write(
        ".backlings/state.toml",
        &state.replace("done = []", "done = [\"first\"]"),
    );
    course
}

fn state(course: &TestCourse) -> toml::Table {
    course.read(".backlings/state.toml").parse().unwrap()
}

#[test]
fn reset_all_restores_every_changed_exercise_keeps_each_backup_and_clears_progress() {
    let course = course_with_work();
    let baseline = state(&course)["shipped_commit"].clone();
    // An earlier backup of `first` is never overwritten.
    course.write(".backlings/backups/first.1.rs", "// an older attempt\n");

    let output = course
        .backlings(&["reset", "--all", "--yes"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", common::stderr(&output));
    assert_eq!(
        stdout(&output),
        "exercises/01_basics/first.rs: restored; yours is saved as .backlings/backups/first.2.rs\n\
         exercises/01_basics/third.rs: restored; yours is saved as .backlings/backups/third.1.rs\n\
         Started over: 2 of 3 exercises restored to their shipped versions, progress cleared. \
         Your versions are in .backlings/backups/.\n"
    );
    for name in ["first", "second", "third"] {
        assert_eq!(course.read(&TestCourse::exercise(name)), FAILS, "{name}");
    }
    assert_eq!(
        course.read(".backlings/backups/first.1.rs"),
        "// an older attempt\n"
    );
    assert_eq!(
        course.read(".backlings/backups/first.2.rs"),
        "// my first attempt\n"
    );
    assert_eq!(
        course.read(".backlings/backups/third.1.rs"),
        "// my third attempt\n"
    );
    let backups = std::fs::read_dir(course.file(".backlings/backups")).unwrap();
    assert_eq!(
        backups.count(),
        3,
        "one backup per changed file, and the older one"
    );

    let state = state(&course);
    assert_eq!(state["done"], toml::Value::Array(vec![]));
    assert_eq!(state["current"].as_str(), Some("first"));
    assert_eq!(state["shipped_commit"], baseline, "the baseline is kept");
}

#[test]
fn reset_all_without_a_terminal_refuses_unless_given_yes_and_touches_nothing() {
    let course = course_with_work();
    let before = course.read(".backlings/state.toml");
    course
        .backlings(&["reset", "--all"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Pass --yes"));
    assert_eq!(
        course.read(&TestCourse::exercise("first")),
        "// my first attempt\n"
    );
    assert_eq!(course.read(".backlings/state.toml"), before);
    assert!(!course.file(".backlings/backups").exists());
}

#[test]
fn reset_all_asks_first_in_a_terminal_and_does_nothing_unless_told_yes() {
    let course = course_with_work();
    let start = |course| {
        Watch::start_with(
            course,
            Start {
                args: &["reset", "--all"],
                ..Start::default()
            },
        )
    };
    let mut declined = start(&course);
    declined.expect("2 exercise(s) you changed");
    declined.press("n\n");
    // Waiting for the exit first reads everything it wrote.
    assert_eq!(declined.expect_exit().code(), Some(0));
    assert!(declined.shows("Nothing was reset."));
    assert_eq!(
        course.read(&TestCourse::exercise("first")),
        "// my first attempt\n"
    );

    let mut agreed = start(&course);
    agreed.expect("[y/N]");
    agreed.press("y\n");
    assert_eq!(agreed.expect_exit().code(), Some(0));
    assert!(agreed.shows("Started over: 2 of 3"));
    assert_eq!(course.read(&TestCourse::exercise("first")), FAILS);
}

#[test]
fn reset_all_and_a_name_do_not_go_together() {
    let course = course_with_work();
    course
        .backlings(&["reset", "first", "--all"])
        .assert()
        .code(2);
}
