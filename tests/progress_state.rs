//! Progress is kept by exercise name in .backlings/state.toml: it survives a restart and a
//! reordering of info.toml, and names the course no longer has are dropped with a warning.

mod common;

use common::{Ex, FAILS, PASSES, TestCourse};
use predicates::prelude::*;

#[test]
fn progress_survives_a_restart() {
    let course = TestCourse::new(&[Ex::new("first", PASSES), Ex::new("second", FAILS)]);
    course.backlings(&["run"]).assert().success();
    // A new process reads what the last one wrote.
    course.backlings(&["list"]).assert().stdout(
        predicate::str::contains("    1  01_basics  first     done").and(predicate::str::contains(
            ">   2  01_basics  second    pending",
        )),
    );
}

#[test]
fn progress_survives_reordering_the_course() {
    let course = TestCourse::new(&[Ex::new("first", PASSES), Ex::new("second", FAILS)]);
    course.backlings(&["run"]).assert().success();
    let info = course.read("info.toml");
    let (head, entries) = info.split_once("\n[[exercises]]").unwrap();
    let (first, second) = entries.split_once("\n[[exercises]]").unwrap();
    course.write(
        "info.toml",
        &format!("{head}\n[[exercises]]{second}\n[[exercises]]{first}"),
    );

    course.backlings(&["list"]).assert().stdout(
        predicate::str::contains(">   1  01_basics  second    pending")
            .and(predicate::str::contains("    2  01_basics  first     done")),
    );
}

#[test]
fn names_no_longer_in_the_course_are_dropped_with_a_warning() {
    let course = TestCourse::new(&[Ex::new("first", PASSES)]);
    course.write(
        ".backlings/state.toml",
        "current = \"gone\"\ndone = [\"first\", \"removed\"]\n",
    );
    course
        .backlings(&["list"])
        .assert()
        .success()
        .stderr(
            predicate::str::contains("\"removed\": dropped").and(predicate::str::contains(
                "\"gone\" is no longer in the course",
            )),
        )
        .stdout(predicate::str::contains(">   1  01_basics  first     done"));
}

#[test]
fn an_unreadable_state_file_is_kept_aside_not_lost() {
    let course = TestCourse::new(&[Ex::new("first", PASSES)]);
    course.write(".backlings/state.toml", "this is = not [valid toml\n");
    course
        .backlings(&["run"])
        .assert()
        .success()
        .stderr(predicate::str::contains("could not be read"));
    assert_eq!(
        course.read(".backlings/state.toml.unreadable"),
        "this is = not [valid toml\n"
    );
    assert!(
        course
            .read(".backlings/state.toml")
            .contains("done = [\"first\"]")
    );
}

#[test]
fn a_second_unreadable_state_file_does_not_overwrite_the_first() {
    let course = TestCourse::new(&[Ex::new("first", PASSES)]);
    course.write(".backlings/state.toml", "first = [broken\n");
    course.backlings(&["list"]).assert().success().stderr(
        predicate::str::contains("state.toml:1:16: unclosed array")
            .and(predicate::str::contains("kept as "))
            .and(predicate::str::contains(
                "state.toml.unreadable and progress starts afresh",
            ))
            .and(predicate::str::contains("fix it and rename it to")),
    );
    course.write(".backlings/state.toml", "second = [broken\n");
    course
        .backlings(&["list"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "state.toml.unreadable.2 and progress starts afresh",
        ));
    assert_eq!(
        course.read(".backlings/state.toml.unreadable"),
        "first = [broken\n"
    );
    assert_eq!(
        course.read(".backlings/state.toml.unreadable.2"),
        "second = [broken\n"
    );
}

#[test]
fn a_state_file_that_is_not_utf8_is_kept_aside_with_the_position_of_the_bad_byte() {
    let course = TestCourse::new(&[Ex::new("first", PASSES)]);
    course.write(".backlings/state.toml", "");
    std::fs::write(
        course.file(".backlings/state.toml"),
        b"current = \"first\"\ndone = [\"caf\xe9\"]\n",
    )
    .unwrap();
    course.backlings(&["list"]).assert().success().stderr(
        predicate::str::contains("state.toml:2:13: the file is not UTF-8 text (byte 0xe9").and(
            predicate::str::contains("save it as UTF-8 and rename it to"),
        ),
    );
    assert!(course.file(".backlings/state.toml.unreadable").exists());
}

#[test]
fn the_state_file_is_replaced_whole_never_left_as_a_temporary() {
    let course = TestCourse::new(&[Ex::new("first", PASSES), Ex::new("second", FAILS)]);
    course.backlings(&["run"]).assert().success();
    course.backlings(&["run"]).assert().code(1);
    let names = |dir: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(course.file(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        names(".backlings"),
        ["state.lock", "state.toml"],
        "the lock that makes each save one step is the only other file"
    );
    assert_eq!(
        names("target/backlings/recipes"),
        ["first.json", "second.json"],
        "the rustc commands learned for the fast path, beside the binaries, never in .backlings"
    );
}
