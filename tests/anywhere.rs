//! Commands work from anywhere in a course, as cargo does from anywhere in a package, and take
//! an exercise by its name or by its file; a typo gets the closest names, and `reset` of the
//! exercise nobody named asks first.

mod common;

use common::pty::{Start, Watch};
use common::{CHAPTER, Ex, FAILS, PASSES, TestCourse, stdout};
use predicates::prelude::*;

/// A course of two exercises, `first` (failing) and `second`, committed as shipped.
fn course() -> TestCourse {
    let course = TestCourse::new(&[Ex::new("first", FAILS), Ex::new("second", PASSES)]);
    course.git_commit_all("course as shipped");
    course
}

#[test]
fn every_command_finds_the_course_from_a_subfolder() {
    let course = course();
    let chapter = course.file(&format!("exercises/{CHAPTER}"));
    let run = course
        .backlings(&["run", "first"])
        .current_dir(&chapter)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1), "{}", stdout(&run));
    // Paths shown stay relative to the course's root.
    assert!(
        stdout(&run).contains(&TestCourse::exercise("first")),
        "{}",
        stdout(&run)
    );
    course
        .backlings(&["list"])
        .current_dir(&chapter)
        .assert()
        .success()
        .stdout(predicate::str::contains("0/2 done"));
    course
        .backlings(&["hint"])
        .current_dir(course.file("exercises"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Hint for first"));
    course
        .backlings(&["dev", "update"])
        .current_dir(&chapter)
        .assert()
        .success();
}

#[test]
fn watch_mode_starts_from_a_subfolder() {
    let course = course();
    let mut watch = Watch::start_with(
        &course,
        Start {
            shell: Some(&format!("cd exercises/{CHAPTER} && exec {{}}")),
            ..Start::default()
        },
    );
    watch.expect("first: 1 of 1 tests fail");
    watch.press("q");
    assert!(watch.expect_exit().success());
}

#[test]
fn outside_any_course_the_error_says_so_and_what_to_do() {
    let nowhere = TestCourse::empty();
    std::fs::create_dir(nowhere.file("deeper")).unwrap();
    nowhere
        .backlings(&["run"])
        .current_dir(nowhere.file("deeper"))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("no course here")
                .and(predicate::str::contains(
                    "nor any folder above it has info.toml",
                ))
                .and(predicate::str::contains("backlings init")),
        );
}

#[test]
fn init_inside_a_course_refuses_and_names_the_course() {
    let course = course();
    let chapter = course.file(&format!("exercises/{CHAPTER}"));
    course
        .backlings(&["init"])
        .current_dir(&chapter)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("is inside the course in")
                .and(predicate::str::contains(
                    course.path().canonicalize().unwrap().to_str().unwrap(),
                ))
                .and(predicate::str::contains(
                    "a course cannot be written inside another",
                )),
        );
    assert!(!chapter.join("backlings").exists());
}

#[test]
fn dev_new_inside_a_course_refuses_too() {
    let course = course();
    course
        .backlings(&["dev", "new", "mine"])
        .current_dir(course.file("exercises"))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("a course cannot be written inside another")
                .and(predicate::str::contains("`backlings dev new ~/<DIR>`")),
        );
    assert!(!course.file("exercises/mine").exists());
}

#[test]
fn run_takes_an_exercise_file_relative_to_where_one_stands_or_absolute() {
    let course = course();
    course
        .backlings(&["run", "first.rs"])
        .current_dir(course.file(&format!("exercises/{CHAPTER}")))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("first: 1 of 1 tests fail"));
    let absolute = course.file(&TestCourse::exercise("second"));
    course
        .backlings(&["hint", absolute.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("Hint for second"));
}

#[test]
fn a_path_outside_the_course_or_to_no_exercise_is_an_error_that_says_so() {
    let course = course();
    let elsewhere = TestCourse::empty();
    elsewhere.write("x.rs", PASSES);
    let outside = elsewhere.file("x.rs");
    course
        .backlings(&["run", outside.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is outside the course in"));
    course
        .backlings(&["reset", &format!("solutions/{CHAPTER}/first.rs")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "is not an exercise of this course.\n  It is the solution of first; give its exercise, {}",
            TestCourse::exercise("first")
        )));
}

#[test]
fn a_typo_suggests_the_closest_name() {
    let course = course();
    course
        .backlings(&["run", "frist"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no exercise named \"frist\" in this course; did you mean first?",
        ));
}

#[test]
fn reset_without_a_name_and_without_a_terminal_refuses_and_points_to_yes() {
    let course = course();
    let file = TestCourse::exercise("first");
    course.write(&file, "// mine\n");
    course.backlings(&["reset"]).assert().code(2).stderr(
        predicate::str::contains("resets the current exercise, first, and asks first")
            .and(predicate::str::contains("Pass --yes")),
    );
    assert_eq!(course.read(&file), "// mine\n");
}

#[test]
fn reset_yes_resets_the_current_exercise_without_asking() {
    let course = course();
    let file = TestCourse::exercise("first");
    course.write(&file, "// mine\n");
    course
        .backlings(&["reset", "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Your version is saved as .backlings/backups/first.1.rs",
        ));
    assert_eq!(course.read(&file), FAILS);
}

#[test]
fn reset_in_a_terminal_asks_first_and_only_yes_resets() {
    let course = course();
    let file = TestCourse::exercise("first");
    course.write(&file, "// mine\n");
    let mut declined = Watch::start_with_args(&course, &["reset"]);
    declined.expect(
        "Reset first (exercises/01_basics/first.rs) to the shipped version? Your version is \
         saved first. [y/N]",
    );
    declined.press("\r");
    // Waiting for the exit first reads everything it wrote.
    assert!(declined.expect_exit().success());
    assert!(declined.shows("Nothing was reset."));
    assert_eq!(course.read(&file), "// mine\n");

    let mut agreed = Watch::start_with_args(&course, &["reset"]);
    agreed.expect("[y/N]");
    agreed.press("y\r");
    assert!(agreed.expect_exit().success());
    assert!(agreed.shows("Your version is saved as .backlings/backups/first.1.rs"));
    assert_eq!(course.read(&file), FAILS);
}
