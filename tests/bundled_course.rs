//! The course shipped in this repository passes its own author check: every exercise fails
//! as shipped, every solution passes clippy-clean, the manifest matches info.toml.
//!
//! The first run builds the course's dependencies (a few minutes on 2 cores); afterwards it
//! takes about a second. The compile budget is left to CI's own `dev check` jobs
//! (.github/workflows/ci.yml): tests do not assert how fast something compiles.

use assert_cmd::Command;
use predicates::prelude::*;

#[test]
fn the_bundled_course_passes_dev_check() {
    let exercises = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/info.toml"))
        .unwrap()
        .matches("[[exercises]]")
        .count();
    Command::cargo_bin("backlings")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["dev", "check", "--compile-budget", "0"])
        .assert()
        .success()
        .stdout(predicate::str::ends_with(format!(
            "{exercises} passed, 0 failed\n"
        )));
}
