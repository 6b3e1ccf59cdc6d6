//! The fast path of a save: once cargo has compiled an exercise, backlings replays cargo's own
//! rustc command instead of running cargo again, and the learner sees exactly what cargo's
//! build would have shown. Whenever the command might have changed, cargo runs again.
//!
//! Each test takes cargo away (`CARGO` names a program that does not exist) to tell the two
//! paths apart: with no cargo, only a replayed rustc command can build the exercise.

mod common;

use common::{BROKEN, Ex, FAILS, NO_CARGO, PASSES, TestCourse, assert_needs_cargo, shown, stderr};

/// A save that changes the file without moving any line the messages point at.
fn save_again(course: &TestCourse, name: &str, contents: &str) {
    course.write(
        &TestCourse::exercise(name),
        &format!("{contents}// saved again\n"),
    );
}

#[test]
fn a_later_save_replays_rustc_and_shows_what_cargo_showed() {
    let course = TestCourse::new(&[
        Ex::new("broken", BROKEN),
        Ex::new("fails", FAILS),
        Ex::new("passes", PASSES),
    ]);
    for (name, contents) in [("broken", BROKEN), ("fails", FAILS), ("passes", PASSES)] {
        let with_cargo = course.backlings(&["run", name]).output().unwrap();
        save_again(&course, name, contents);
        let replayed = course
            .backlings(&["run", name])
            .env("CARGO", NO_CARGO)
            .output()
            .unwrap();
        assert_eq!(shown(&replayed), shown(&with_cargo), "{name}");
        assert!(
            stderr(&replayed).is_empty(),
            "{name}: {}",
            stderr(&replayed)
        );
    }
}

#[test]
fn a_changed_manifest_sends_the_next_check_back_to_cargo() {
    let course = TestCourse::new(&[Ex::new("first", FAILS)]);
    course.backlings(&["run", "first"]).assert().code(1);
    let manifest = course.read("Cargo.toml");
    course.write("Cargo.toml", &format!("{manifest}# edited\n"));
    save_again(&course, "first", FAILS);
    assert_needs_cargo(&course, "first");
}

/// An exercise that uses the course's support library, as the bundled course's exercises
/// use `backend_support`.
const USES_SUPPORT: &str = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn answer() {\n        assert_eq!(support::answer(), 42, \"the answer is wrong\");\n    }\n}\n";

#[test]
fn a_changed_support_library_is_rebuilt_by_cargo_before_the_exercise() {
    let course = TestCourse::new(&[Ex::new("first", USES_SUPPORT)]);
    let manifest = course.read("Cargo.toml");
    course.write(
        "Cargo.toml",
        &format!("{manifest}\n[lib]\nname = \"support\"\npath = \"support/lib.rs\"\n"),
    );
    course.write("support/lib.rs", "pub fn answer() -> u32 {\n    41\n}\n");
    course
        .backlings(&["run", "first"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("the answer is wrong"));
    save_again(&course, "first", USES_SUPPORT);
    course
        .backlings(&["run", "first"])
        .env("CARGO", NO_CARGO)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("the answer is wrong"));

    course.write("support/lib.rs", "pub fn answer() -> u32 {\n    42\n}\n");
    assert_needs_cargo(&course, "first");
    course
        .backlings(&["run", "first"])
        .assert()
        .success()
        .stdout(predicates::str::contains("first is done"));
}
