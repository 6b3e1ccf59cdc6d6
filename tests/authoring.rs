//! Course authors' tools: `dev new` starts a course, `dev add` adds an exercise, `dev update`
//! rewrites the bin list from info.toml, and `dev check` keeps solutions within the compile
//! budget.

mod common;

use assert_cmd::Command;
use common::{Ex, FAILS, TestCourse, assert_shards_cover_the_course, stderr, stdout};
use predicates::prelude::*;

/// A course that `backlings dev new .` wrote into an empty directory.
fn new_course() -> TestCourse {
    let course = TestCourse::empty();
    course
        .backlings(&["dev", "new", "."])
        .assert()
        .success()
        .stdout(predicate::str::contains("backlings dev add NAME --dir"));
    for dir in ["exercises", "solutions"] {
        assert!(course.file(dir).is_dir(), "{dir}/ is created");
    }
    course
}

fn add(course: &TestCourse, name: &str, dir: &str) -> Command {
    course.backlings(&["dev", "add", name, "--dir", dir])
}

/// The exercise names in info.toml, in order.
fn names(course: &TestCourse) -> Vec<String> {
    let info: toml::Table = course.read("info.toml").parse().unwrap();
    info.get("exercises")
        .and_then(|e| e.as_array())
        .into_iter()
        .flatten()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect()
}

/// The bin names of the course's Cargo.toml, in order.
fn bins(course: &TestCourse) -> Vec<String> {
    let manifest: toml::Table = course.read("Cargo.toml").parse().unwrap();
    manifest["bin"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_new_course_with_one_added_exercise_passes_its_own_dev_check() {
    let course = new_course();
    for file in ["README.md", ".gitignore", "rust-analyzer.toml"] {
        assert!(course.file(file).is_file(), "{file}");
    }
    assert!(
        course.read("info.toml").contains("# [[exercises]]"),
        "a commented template"
    );
    let manifest: toml::Table = course.read("Cargo.toml").parse().unwrap();
    assert_eq!(
        manifest["dependencies"].as_table().map(|t| t.len()),
        Some(0)
    );
    assert_eq!(
        manifest["lints"]["rust"]["dead_code"].as_str(),
        Some("allow")
    );
    assert_eq!(manifest["package"]["name"].as_str(), Some("course"));
    assert_shards_cover_the_course(&course.read(".github/workflows/check.yml"));

    course
        .backlings(&["dev", "check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("lists no exercises"));

    add(&course, "status_line", "01_http").assert().success();
    let exercise = course.read("exercises/01_http/status_line.rs");
    for part in ["//! status_line:", "TODO", "#[cfg(test)]", "#[test]"] {
        assert!(exercise.contains(part), "{part} in:\n{exercise}");
    }
    assert!(course.file("solutions/01_http/status_line.rs").is_file());
    assert_eq!(names(&course), ["status_line"]);
    assert_eq!(bins(&course), ["status_line", "status_line_sol"]);

    // The compile budget is off: tests do not assert how fast something compiles.
    let check = course
        .backlings(&["dev", "check", "--compile-budget", "0"])
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
    assert_eq!(stdout(&check), "1 passed, 0 failed\n");
}

#[test]
fn dev_add_puts_the_entry_after_its_chapter_and_refuses_what_would_clash() {
    let course = new_course();
    add(&course, "a", "01_one").assert().success();
    add(&course, "b", "02_two").assert().success();
    add(&course, "c", "01_one")
        .assert()
        .success()
        .stdout(predicate::str::contains("exercises/01_one/c.rs"));
    assert_eq!(names(&course), ["a", "c", "b"]);
    assert_eq!(bins(&course), ["a", "a_sol", "c", "c_sol", "b", "b_sol"]);

    let info = course.read("info.toml");
    add(&course, "a", "03_three")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "already has an exercise named \"a\"",
        ));
    add(&course, "Bad-Name", "01_one")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid exercise name"));
    add(&course, "d", "../outside")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid chapter"));
    course.write("exercises/01_one/e.rs", "// mine\n");
    add(&course, "e", "01_one")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "exercises/01_one/e.rs already exists",
        ));
    assert_eq!(course.read("exercises/01_one/e.rs"), "// mine\n");
    assert_eq!(course.read("info.toml"), info, "nothing changed");
}

#[test]
fn dev_add_works_from_a_subfolder_with_names_as_rustlings_takes_them() {
    let course = new_course();
    std::fs::create_dir_all(course.file("exercises/01_one")).unwrap();
    let add_here = |name: &str| {
        let mut command = add(&course, name, "01_one");
        command.current_dir(course.file("exercises/01_one"));
        command
    };
    add_here("4_PartialEq").assert().success();
    assert!(course.file("exercises/01_one/4_PartialEq.rs").is_file());
    assert_eq!(bins(&course), ["4_PartialEq", "4_PartialEq_sol"]);
    add_here("4_partialeq")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "already has an exercise named \"4_PartialEq\"",
        ));
    add_here("a-b")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid exercise name \"a-b\": '-' is not allowed",
        ));
}

#[test]
fn dev_update_rewrites_the_bins_after_info_toml_is_edited_by_hand() {
    let course = new_course();
    add(&course, "kept", "01_one").assert().success();
    add(&course, "dropped", "01_one").assert().success();
    let info = course.read("info.toml");
    let dropped = info.rfind("[[exercises]]").unwrap();
    course.write("info.toml", &info[..dropped]);
    std::fs::remove_file(course.file("exercises/01_one/dropped.rs")).unwrap();
    std::fs::remove_file(course.file("solutions/01_one/dropped.rs")).unwrap();
    course
        .backlings(&["dev", "check", "--compile-budget", "0"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "builds \"dropped\", which is not an exercise",
        ));

    course
        .backlings(&["dev", "update"])
        .assert()
        .success()
        .stdout("Updated Cargo.toml: 2 bins for 1 exercises.\n");
    assert_eq!(bins(&course), ["kept", "kept_sol"]);
    course
        .backlings(&["dev", "check", "--compile-budget", "0"])
        .assert()
        .success();
}

#[test]
fn the_compile_budget_reports_slow_solutions_and_measures_each_version_once() {
    let course = TestCourse::new(&[Ex::new("first", FAILS)]);
    // No compile takes less than a millisecond: this budget is always exceeded.
    course
        .backlings(&["dev", "check", "--compile-budget", "0.001"])
        .assert()
        .code(1)
        .stdout(predicate::str::is_match(
            "✗ first: the solution takes [0-9.]+ s to compile from scratch, over the budget of 0.001 s \\(seconds of an idle 2-core machine",
        )
        .unwrap());
    // A cost over budget is never kept: a busy moment must not fail the course for good.
    let kept =
        std::fs::read_to_string(course.file(".backlings/compile-times.json")).unwrap_or_default();
    assert!(!kept.contains("first_sol"), "{kept}");
    let json = course
        .backlings(&[
            "dev",
            "check",
            "--compile-budget",
            "0.001",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let budget = report["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "first/compile budget")
        .expect("the budget is a test of its own");
    assert_eq!(budget["status"], "fail");

    // From info.toml: a budget no compile reaches.
    let info = course.read("info.toml");
    course.write(
        "info.toml",
        &info.replace("compile_budget_secs = 0", "compile_budget_secs = 1000"),
    );
    course.backlings(&["dev", "check"]).assert().success();

    // The time is kept per version of the solution: the kept one is used as long as the
    // solution is unchanged, and a changed solution is measured again.
    let times_path = ".backlings/compile-times.json";
    let mut times: serde_json::Value = serde_json::from_str(&course.read(times_path)).unwrap();
    times["first_sol"]["secs"] = 5000.0.into();
    course.write(times_path, &times.to_string());
    course
        .backlings(&["dev", "check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("takes 5000.00 s to compile"));
    let solution = course.read("solutions/01_basics/first.rs");
    course.write(
        "solutions/01_basics/first.rs",
        &format!("{solution}// changed\n"),
    );
    course.backlings(&["dev", "check"]).assert().success();
}
