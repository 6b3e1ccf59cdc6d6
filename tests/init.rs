//! `backlings init`: the bundled course, carried in the binary, written out for a learner who
//! installed backlings instead of cloning it. Solutions come out one by one, as exercises are
//! finished.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::{files_under, shipped, stderr, stdout};
use predicates::prelude::*;

fn backlings(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("backlings").unwrap();
    cmd.current_dir(dir).args(args).env_remove("NO_COLOR");
    cmd
}

fn read(path: impl AsRef<Path>) -> Vec<u8> {
    std::fs::read(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

#[test]
fn init_writes_the_course_without_solutions_into_a_new_directory_only() {
    let temp = tempfile::tempdir().unwrap();
    let output = backlings(temp.path(), &["init"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("cd backlings\n  backlings"),
        "{}",
        stdout(&output)
    );
    let course = temp.path().join("backlings");

    for file in ["info.toml", "rust-analyzer.toml"] {
        assert_eq!(read(course.join(file)), shipped::file(file), "{file}");
    }
    assert_eq!(
        read(course.join("support/lib.rs")),
        shipped::file("course/src/lib.rs"),
        "the exercises' support library"
    );
    let exercises = shipped::files_under("exercises");
    assert_eq!(files_under(&course, "exercises"), exercises);
    for file in &exercises {
        assert_eq!(
            read(course.join(file)),
            shipped::file(file.to_str().unwrap()),
            "{}",
            file.display()
        );
    }
    assert_eq!(
        files_under(&course, "solutions"),
        [Path::new("solutions/README.md")],
        "no solution before its exercise is done"
    );
    let manifest: toml::Table = String::from_utf8(read(course.join("Cargo.toml")))
        .unwrap()
        .parse()
        .unwrap();
    let ours: toml::Table = String::from_utf8(shipped::file("course/Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(manifest["dependencies"], ours["dependencies"]);
    assert!(
        course.join("Cargo.lock").is_file(),
        "dependency versions are pinned"
    );
    let ignored = String::from_utf8(read(course.join(".gitignore"))).unwrap();
    assert!(
        ignored.lines().any(|l| l == "/target/") && ignored.lines().any(|l| l == "/.backlings/")
    );

    let list = backlings(&course, &["list"]).output().unwrap();
    assert!(list.status.success(), "{}", stderr(&list));
    // Nothing done yet: each exercise is pending, or at the first of its stages.
    let listed = stdout(&list);
    let not_started = listed.matches("pending").count() + listed.matches("  stage 1 of ").count();
    assert_eq!(not_started, exercises.len(), "{listed}");

    // Never into a directory with something in it: the learner's files stay as they are.
    backlings(temp.path(), &["init"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "backlings already holds a course (it has info.toml).\n  To learn in it: cd backlings && backlings.",
        ));
    let notes = temp.path().join("mine/notes.txt");
    std::fs::create_dir(notes.parent().unwrap()).unwrap();
    std::fs::write(&notes, "my notes").unwrap();
    backlings(temp.path(), &["init", "mine"]).assert().code(2);
    assert_eq!(
        std::fs::read_dir(temp.path().join("mine")).unwrap().count(),
        1
    );
    assert_eq!(read(&notes), b"my notes");
}

#[test]
fn finishing_an_exercise_writes_its_solution_and_reset_works_without_git() {
    let temp = tempfile::tempdir().unwrap();
    backlings(temp.path(), &["init", "course"])
        .assert()
        .success();
    let course = temp.path().join("course");
    // The build directory where the tests build the course's dependencies
    // (tests/bundled_course.rs): a build of its own would take minutes. The course's package
    // sits elsewhere than the shipped course's `course/`, so cargo keeps the two packages'
    // artifacts apart and shares only the dependencies.
    std::fs::create_dir_all(shipped::build_target()).unwrap();
    std::os::unix::fs::symlink(shipped::build_target(), course.join("target")).unwrap();

    let exercise = "exercises/00_intro/intro_status_line.rs";
    let solution = "solutions/00_intro/intro_status_line.rs";
    std::fs::write(course.join(exercise), shipped::file(solution)).unwrap();
    backlings(&course, &["run", "intro_status_line"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "Compare with the reference solution: {solution}"
        )));
    assert_eq!(read(course.join(solution)), shipped::file(solution));
    assert!(
        !course
            .join("solutions/00_intro/intro_parse_port.rs")
            .exists()
    );

    // A file already there is the learner's: never overwritten.
    std::fs::write(course.join(solution), "my notes").unwrap();
    backlings(&course, &["run", "intro_status_line"])
        .assert()
        .success();
    assert_eq!(read(course.join(solution)), b"my notes");

    // No git here: reset restores the shipped version from the binary, keeping a backup.
    backlings(&course, &["reset", "intro_status_line"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            ".backlings/backups/intro_status_line.1.rs",
        ));
    assert_eq!(read(course.join(exercise)), shipped::file(exercise));
    assert_eq!(
        read(course.join(".backlings/backups/intro_status_line.1.rs")),
        shipped::file(solution)
    );

    // A solution that cannot be written (its folder is a link to nowhere) costs a warning,
    // never the verdict or the progress it earned.
    let exercise = "exercises/01_http/http_request_line.rs";
    let solution = "solutions/01_http/http_request_line.rs";
    std::fs::write(course.join(exercise), shipped::file(solution)).unwrap();
    std::os::unix::fs::symlink("/nonexistent/solutions", course.join("solutions/01_http")).unwrap();
    backlings(&course, &["run", "http_request_line"])
        .assert()
        .success()
        .stdout(predicate::str::contains("http_request_line is done!"))
        .stderr(predicate::str::contains("warning: could not"));
    backlings(&course, &["list"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"(?m)^.*http_request_line.*done").unwrap());
}
