//! A course in rustlings' third-party format, exactly as rustlings 6.5 writes it, works with
//! backlings unchanged: `run`, `hint`, `verify`, `dev check` and `dev update` (watch mode:
//! tests/watch/journey.rs).

mod common;

use common::TestCourse;
use common::rustlings::FILES;
use predicates::prelude::*;

/// Puts the reference solution of `relative` (an exercise path) in place of the exercise.
fn solve(course: &TestCourse, relative: &str) {
    let solution = course.read(&relative.replacen("exercises/", "solutions/", 1));
    course.write(relative, &solution);
}

#[test]
fn run_hint_and_verify_work_on_a_rustlings_course() {
    let course = TestCourse::rustlings();
    course
        .backlings(&["verify"])
        .assert()
        .code(1)
        .stdout(predicate::str::ends_with("0 passed, 2 failed\n"));
    course
        .backlings(&["run", "greet"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("greet: 1 of 1 tests fail"));
    course
        .backlings(&["hint", "greet"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Hello, not bye."));

    solve(&course, "exercises/01_greet/greet.rs");
    course
        .backlings(&["run", "greet"])
        .assert()
        .success()
        .stdout(predicate::str::contains("greet is done!"));
    course
        .backlings(&["run", "compile_me"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("compile_me does not compile yet"));

    solve(&course, "exercises/compile_me.rs");
    course
        .backlings(&["run", "compile_me"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("x is 5").and(predicate::str::contains(
                "We hope that you found the exercises helpful :D",
            )),
        );
    course
        .backlings(&["verify"])
        .assert()
        .success()
        .stdout(predicate::str::ends_with("2 passed, 0 failed\n"));
}

#[test]
fn dev_check_passes_and_dev_update_leaves_rustlings_manifest_as_it_is() {
    let course = TestCourse::rustlings();
    // The compile budget is off: tests do not assert how fast something compiles.
    course
        .backlings(&["dev", "check", "--compile-budget", "0"])
        .assert()
        .success()
        .stdout("2 passed, 0 failed\n");
    course
        .backlings(&["dev", "update"])
        .assert()
        .success()
        .stdout("Cargo.toml already lists every exercise and solution of info.toml.\n");
    let manifest = FILES.iter().find(|(p, _)| *p == "Cargo.toml").unwrap().1;
    assert_eq!(course.read("Cargo.toml"), manifest);
}

/// Renames exercises of the rustlings course: each `(chapter folder, from, to)`, files,
/// entries and bins.
fn renamed(course: &TestCourse, names: &[(&str, &str, &str)]) {
    for (dir, from, to) in names {
        for file in ["info.toml", "Cargo.toml"] {
            let text = course
                .read(file)
                .replace(&format!("\"{from}\""), &format!("\"{to}\""))
                .replace(&format!("\"{from}_sol\""), &format!("\"{to}_sol\""))
                .replace(&format!("/{from}.rs\""), &format!("/{to}.rs\""));
            course.write(file, &text);
        }
        for folder in ["exercises", "solutions"] {
            std::fs::rename(
                course.file(&format!("{folder}/{dir}{from}.rs")),
                course.file(&format!("{folder}/{dir}{to}.rs")),
            )
            .unwrap();
        }
    }
}

#[test]
fn names_with_capitals_and_leading_digits_work_as_in_rustlings() {
    let course = TestCourse::rustlings();
    renamed(
        &course,
        &[
            ("01_greet/", "greet", "4_Greet"),
            ("", "compile_me", "CompileMe"),
        ],
    );
    course
        .backlings(&["dev", "check", "--compile-budget", "0"])
        .assert()
        .success()
        .stdout("2 passed, 0 failed\n");
    course
        .backlings(&["verify"])
        .assert()
        .code(1)
        .stdout(predicate::str::ends_with("0 passed, 2 failed\n"));
    course
        .backlings(&["run", "4_greet"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean 4_Greet?"));
    solve(&course, "exercises/01_greet/4_Greet.rs");
    course
        .backlings(&["run", "4_Greet"])
        .assert()
        .success()
        .stdout(predicate::str::contains("4_Greet is done!"));
    course
        .backlings(&["run", "exercises/CompileMe.rs"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("CompileMe does not compile yet"));
}
