//! Input from files never becomes a command-line option, a path outside the course, a hang or
//! a terminal control sequence: state.toml, info.toml, Cargo.toml and exercise files are read
//! as hostile.

use std::path::Path;
use std::time::Duration;

use predicates::prelude::*;

use crate::common::pty::PATIENCE;
use crate::common::{Ex, FAILS, PASSES, TestCourse, files_under};

/// The learner's text in the exercise that reset is asked to restore.
const MINE: &str = "fn main() {} // the learner's work\n";

fn mkfifo(path: &Path) {
    let _ = std::fs::remove_file(path);
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: `c` is a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

#[test]
fn a_shipped_commit_that_is_an_option_never_reaches_git() {
    let course = TestCourse::new(&[Ex::new("first", FAILS)]);
    course.git_commit_all("shipped");
    course.write(&TestCourse::exercise("first"), MINE);
    let outside = tempfile::tempdir().unwrap();
    // `git show --output=X:./exercises/...` would write there: the directory is ready for it.
    let target = format!("{}/out", outside.path().display());
    std::fs::create_dir_all(format!("{target}:./exercises/01_basics")).unwrap();
    course.write(
        ".backlings/state.toml",
        &format!("shipped_commit = \"--output={target}\"\n"),
    );

    course
        .backlings(&["reset", "first"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("not a git commit id")
                .and(predicate::str::contains(".backlings/state.toml"))
                .and(predicate::str::contains("delete the line")),
        );

    assert_eq!(files_under(outside.path(), ""), Vec::<&Path>::new());
    assert_eq!(course.read(&TestCourse::exercise("first")), MINE);
    assert!(!course.file(".backlings/backups").exists());
}

#[test]
fn state_names_that_point_outside_the_course_are_dropped() {
    let outside = tempfile::tempdir().unwrap();
    let course = TestCourse::new(&[Ex::new("first", PASSES)]);
    let escape = format!("../../../../../..{}/x", outside.path().display());
    course.write(
        ".backlings/state.toml",
        &format!("current = {escape:?}\ndone = [\"../first\", {escape:?}]\n"),
    );
    course
        .backlings(&["run"])
        .assert()
        .success()
        .stdout(predicate::str::contains("first"))
        .stderr(
            predicate::str::contains("is no longer in the course: starting at the first one")
                .and(predicate::str::contains("\"../first\"")),
        );
    assert_eq!(files_under(outside.path(), ""), Vec::<&Path>::new());
    let state = course.read(".backlings/state.toml");
    assert!(
        state.contains("current = \"first\"") && state.contains("done = [\"first\"]"),
        "{state}"
    );
}

#[test]
fn course_files_that_are_named_pipes_are_refused_without_hanging() {
    for file in [
        "info.toml",
        "Cargo.toml",
        ".backlings/state.toml",
        "exercises/01_basics/first.rs",
    ] {
        let course = TestCourse::new(&[Ex::new("first", PASSES)]);
        std::fs::create_dir_all(course.file(".backlings")).unwrap();
        // Nothing ever writes into the pipe: reading it would block for ever.
        mkfifo(&course.file(file));
        course
            .backlings(&["run"])
            .timeout(PATIENCE)
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains(format!(
                    "{file} is a named pipe (FIFO), not a regular file"
                ))
                .and(predicate::str::contains("reads only regular files")),
            );
    }
}

#[test]
fn backlings_temporary_files_are_not_stray_files() {
    let course = TestCourse::new(&[Ex::new("first", FAILS)]);
    // What a write killed between creating its temporary file and renaming it leaves.
    course.write(
        "exercises/01_basics/.backlings-Zx81Qa.tmp",
        "fn main() {}\n",
    );
    course.write("solutions/01_basics/.backlings-9fTq2B.tmp", "");
    course
        .backlings(&["dev", "check"])
        .assert()
        .success()
        .stdout("1 passed, 0 failed\n");
    // A file of anyone else is still one nobody uses.
    course.write("exercises/01_basics/.tmpAbC123", "");
    course
        .backlings(&["dev", "check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "stray file exercises/01_basics/.tmpAbC123",
        ));
}

#[test]
fn escape_sequences_in_a_broken_course_file_are_shown_not_obeyed() {
    let course = TestCourse::new(&[Ex::new("first", PASSES)]);
    let info = course.read("info.toml");
    course.write(
        "info.toml",
        &format!("{info}\x1b]0;PWNED\x07\x1b[?1049h\x1bc = 1\n"),
    );
    let output = course
        .backlings(&["list"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = crate::common::stderr(&output);
    assert!(
        !stderr.contains(['\x1b', '\x07']),
        "control characters reached the terminal: {stderr:?}"
    );
    assert!(stderr.contains("\\u{1b}]0;PWNED"), "{stderr}");
}

#[test]
fn no_file_in_dot_backlings_can_make_backlings_run_a_command() {
    // A planted "recipe" (the rustc command the fast path replays) naming another program:
    // backlings keeps its recipes beside the binaries in target/, never in .backlings/.
    let course = TestCourse::new(&[Ex::new("first", FAILS)]);
    let pwned = course.file("pwned");
    // The environment the recipe says it was learned in: this one, as backlings reads it.
    let mut build_env: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| {
            [
                "RUSTC",
                "RUSTFLAGS",
                "RUSTUP_",
                "CARGO_BUILD_",
                "CARGO_PROFILE_",
                "CARGO_TARGET_",
            ]
            .iter()
            .any(|p| k.starts_with(p))
                || ["CARGO_HOME", "CARGO_INCREMENTAL", "CARGO_ENCODED_RUSTFLAGS"]
                    .contains(&k.as_str())
        })
        .collect();
    build_env.sort();
    let recipe = serde_json::json!({
        "root": course.path(), "bin": "first", "env": [], "program": "/bin/sh",
        "args": ["-c", format!("touch {}", pwned.display())],
        "executable": "/bin/true", "stamp": [], "build_env": build_env,
    });
    course.write(".backlings/recipes/first.json", &recipe.to_string());
    course.backlings(&["run", "first"]).assert().code(1);
    assert!(!pwned.exists(), "a command from .backlings/ was run");
}

#[test]
fn a_dot_backlings_link_that_came_with_the_course_is_never_written_through() {
    let course = TestCourse::new(&[Ex::new("first", PASSES)]);
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), course.file(".backlings")).unwrap();
    course.backlings(&["run", "first"]).assert().code(2).stderr(
        predicate::str::contains(".backlings is a link").and(predicate::str::contains(
            "never through a link that may lead outside the course",
        )),
    );
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);

    // A link one level down is refused alike.
    std::fs::remove_file(course.file(".backlings")).unwrap();
    std::fs::create_dir(course.file(".backlings")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), course.file(".backlings/backups")).unwrap();
    course.write(&TestCourse::exercise("first"), MINE);
    course
        .backlings(&["reset", "first", "--yes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("backups is a link"));
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    assert_eq!(course.read(&TestCourse::exercise("first")), MINE);
}
