//! A broken info.toml gets a clear error with file, line and column, and exit code 2; never
//! a panic.

mod common;

use common::{Ex, PASSES, TestCourse};
use predicates::prelude::*;

/// A one-exercise course whose info.toml is then replaced by `info`.
fn course_with_info(info: &str) -> TestCourse {
    let course = TestCourse::new(&[Ex::new("first", PASSES)]);
    course.write("info.toml", info);
    course
}

const GOOD_ENTRY: &str = "[[exercises]]\nname = \"first\"\ndir = \"01_basics\"\nhint = \"h\"\n";

fn assert_course_error(info: &str, expected: &[&str]) {
    let course = course_with_info(info);
    let mut assert = course.backlings(&["list"]).assert().code(2).stdout("");
    for text in expected {
        assert = assert.stderr(predicate::str::contains(*text));
    }
    assert.stderr(predicate::str::contains("panicked").not());
}

#[test]
fn a_toml_syntax_error_names_line_and_column() {
    assert_course_error(
        &format!("format_version = 1\n{GOOD_ENTRY}name = \n"),
        &["info.toml:6:8:", "help:"],
    );
}

#[test]
fn a_type_error_names_the_value() {
    assert_course_error(
        &format!("format_version = 1\n{GOOD_ENTRY}test = \"yes\"\n"),
        &["info.toml:6:8:"],
    );
}

#[test]
fn an_unknown_field_is_an_error_not_ignored() {
    assert_course_error(
        &format!("format_version = 1\n{GOOD_ENTRY}hnit = \"typo\"\n"),
        &["info.toml:6:1:", "hnit"],
    );
}

#[test]
fn a_duplicate_name_is_rejected() {
    assert_course_error(
        &format!("format_version = 1\n{GOOD_ENTRY}\n{GOOD_ENTRY}"),
        &["info.toml:8:8: duplicate exercise name \"first\" (first used on line 3)"],
    );
}

#[test]
fn a_name_that_cannot_be_a_file_and_a_bin_is_rejected_with_the_reason() {
    assert_course_error(
        &format!(
            "format_version = 1\n{}",
            GOOD_ENTRY.replace("\"first\"", "\"First-One\"")
        ),
        &[
            "info.toml:3:8: invalid exercise name \"First-One\": '-' is not allowed",
            "letters (a-z, A-Z), digits and _",
        ],
    );
}

#[test]
fn a_dir_that_leaves_the_course_is_rejected() {
    for dir in ["..", "/tmp", "../01_basics", "01_basics/../.."] {
        assert_course_error(
            &format!(
                "format_version = 1\n{}",
                GOOD_ENTRY.replace("\"01_basics\"", &format!("{dir:?}"))
            ),
            &["info.toml:4:7: invalid dir", "must stay inside exercises/"],
        );
    }
}

#[test]
fn a_missing_exercise_file_is_reported_with_its_entry() {
    assert_course_error(
        &format!(
            "format_version = 1\n{}",
            GOOD_ENTRY.replace("\"first\"", "\"second\"")
        ),
        &[
            "info.toml:2:1: exercise \"second\": exercises/01_basics/second.rs does not exist",
            "create the file",
        ],
    );
}

#[test]
fn no_course_in_the_directory_says_where_to_run() {
    let empty = TestCourse::empty();
    empty.backlings(&["list"]).assert().code(2).stderr(
        predicate::str::contains("no course here").and(predicate::str::contains("info.toml")),
    );
}

#[test]
fn an_exercise_missing_from_the_manifest_is_named() {
    let course = TestCourse::new(&[Ex::new("first", PASSES)]);
    course.write_manifest(&[]);
    course.write(
        "Cargo.toml",
        &course.read("Cargo.toml").replace(
            "bin = [\n]",
            "bin = [\n  { name = \"other\", path = \"exercises/01_basics/first.rs\" },\n]",
        ),
    );
    course
        .backlings(&["run", "first"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no [[bin]] named \"first\""));
}

#[test]
fn an_info_toml_that_is_not_utf8_names_the_first_bad_byte_and_says_to_save_it_as_utf8() {
    let course = TestCourse::new(&[Ex::new("first", PASSES)]);
    let mut bytes = b"format_version = 1\n# caf".to_vec();
    bytes.extend(b"\xe9, in Latin-1\n");
    bytes.extend(GOOD_ENTRY.as_bytes());
    std::fs::write(course.file("info.toml"), bytes).unwrap();
    course.backlings(&["list"]).assert().code(2).stderr(
        predicate::str::contains("info.toml:2:6: the file is not UTF-8 text (byte 0xe9")
            .and(predicate::str::contains("Save the file as UTF-8")),
    );
}

#[test]
fn an_exercise_path_that_is_a_directory_is_called_a_directory() {
    let course = TestCourse::new(&[Ex::new("first", PASSES)]);
    let file = course.file(&TestCourse::exercise("first"));
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    course.backlings(&["list"]).assert().code(2).stderr(
        predicate::str::contains(
            "exercise \"first\": exercises/01_basics/first.rs is a directory, not a file",
        )
        .and(predicate::str::contains(
            "help: backlings reads a file there: rename the directory and put the file in its place",
        )),
    );
}
