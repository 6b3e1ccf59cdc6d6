//! Cargo keeps what built and compiles what failed again, every time. backlings remembers a
//! compile failure with everything it depended on, so that checking a whole course does not
//! compile unchanged broken exercises again, and shows exactly what the compile showed.
//!
//! As in `fast_path.rs`, taking cargo away (`CARGO` names a program that does not exist)
//! tells apart what was compiled from what was known.

mod common;

use common::{
    BROKEN, CHAPTER, Ex, NO_CARGO, PASSES, TestCourse, assert_needs_cargo, shown, stdout,
};

/// A syntax error: rustc stops before it writes the dep-info that names the sources.
const SYNTAX_ERROR: &str = "fn price() -> {\n    1\n}\n\nfn main() {}\n";

fn verify_without_cargo(course: &TestCourse) -> std::process::Output {
    course
        .backlings(&["verify"])
        .env("CARGO", NO_CARGO)
        .output()
        .unwrap()
}

#[test]
fn checking_the_course_again_does_not_compile_unchanged_broken_exercises() {
    let course = TestCourse::new(&[Ex::new("typo", BROKEN), Ex::new("syntax", SYNTAX_ERROR)]);
    let compiled = course.backlings(&["verify"]).output().unwrap();
    assert_eq!(compiled.status.code(), Some(1), "{}", stdout(&compiled));

    let known = verify_without_cargo(&course);
    assert_eq!(shown(&known), shown(&compiled));
    assert!(stdout(&known).contains("0 passed, 2 failed"));
}

#[test]
fn a_remembered_failure_shows_what_the_compiler_said() {
    let course = TestCourse::new(&[Ex::new("typo", BROKEN), Ex::new("syntax", SYNTAX_ERROR)]);
    course.backlings(&["verify"]).assert().code(1);
    // Neither was checked on its own, so there is no rustc command to replay: only the
    // remembered failure can answer without cargo.
    let run = |name| course.backlings(&["run", name]);
    let remembered: Vec<_> = ["typo", "syntax"]
        .map(|name| run(name).env("CARGO", NO_CARGO).output().unwrap())
        .into();
    std::fs::remove_dir_all(course.file("target/backlings/failures")).unwrap();
    for (name, remembered) in ["typo", "syntax"].into_iter().zip(remembered) {
        let compiled = run(name).output().unwrap();
        assert_eq!(shown(&remembered), shown(&compiled), "{name}");
        assert!(stdout(&compiled).contains("error"), "{name}");
    }
}

#[test]
fn an_edited_exercise_is_compiled_again() {
    let course = TestCourse::new(&[Ex::new("typo", BROKEN), Ex::new("syntax", SYNTAX_ERROR)]);
    course.backlings(&["verify"]).assert().code(1);

    course.write(
        &TestCourse::exercise("syntax"),
        &SYNTAX_ERROR.replace("price", "cost"),
    );
    assert_needs_cargo(&course, "syntax");
    course.backlings(&["verify"]).assert().code(1);
    assert!(stdout(&verify_without_cargo(&course)).contains("0 passed, 2 failed"));

    course.write(&TestCourse::exercise("typo"), PASSES);
    let without_cargo = verify_without_cargo(&course);
    assert_eq!(without_cargo.status.code(), Some(3));
    course
        .backlings(&["verify"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("1 passed, 1 failed"));
}

#[test]
fn a_changed_manifest_forgets_every_failure() {
    let course = TestCourse::new(&[Ex::new("typo", BROKEN), Ex::new("syntax", SYNTAX_ERROR)]);
    course.backlings(&["verify"]).assert().code(1);
    let manifest = course.read("Cargo.toml");
    course.write("Cargo.toml", &format!("{manifest}# edited\n"));
    assert_needs_cargo(&course, "typo");
    assert_needs_cargo(&course, "syntax");
}

#[test]
fn a_file_that_pulls_in_modules_is_not_remembered_without_dep_info() {
    // With a syntax error there is no dep-info to say which module files were read, so the
    // failure cannot be keyed on them.
    let split = format!("mod helpers;\n{SYNTAX_ERROR}");
    let course = TestCourse::new(&[Ex::new("split", &split), Ex::new("typo", BROKEN)]);
    course.write(
        &format!("exercises/{CHAPTER}/split/helpers.rs"),
        "pub fn help() {}\n",
    );
    course.backlings(&["verify"]).assert().code(1);
    assert_needs_cargo(&course, "split");
    let without_cargo = verify_without_cargo(&course);
    assert_eq!(
        without_cargo.status.code(),
        Some(3),
        "split is compiled again"
    );
}
