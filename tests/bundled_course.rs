//! The course shipped in this repository passes its own author check: every exercise fails
//! as shipped, every solution passes clippy-clean, the manifest matches info.toml.
//!
//! The first run builds the course's dependencies (a few minutes on 2 cores); afterwards it
//! takes about a second. The compile budget is left to CI's own `dev check` jobs
//! (.github/workflows/ci.yml): tests do not assert how fast something compiles.

mod common;

use assert_cmd::Command;
use common::shipped;
use predicates::prelude::*;

/// The course as shipped (committed), checked in a directory of its own: the checkout may be
/// where someone learns, with solved exercises that would pass "as shipped" and others that
/// do not compile mid-edit. To check edits of your own before committing them, run
/// `cargo run -- dev check` in the checkout.
#[test]
fn the_bundled_course_passes_dev_check() {
    let info = String::from_utf8(shipped::file("info.toml")).unwrap();
    let exercises = info.matches("[[exercises]]").count();
    Command::cargo_bin("backlings")
        .unwrap()
        .current_dir(shipped::course())
        .args(["dev", "check", "--compile-budget", "0"])
        .assert()
        .success()
        .stdout(predicate::str::ends_with(format!(
            "{exercises} passed, 0 failed\n"
        )));
}

/// Curriculum amendment: hints come in two steps. A learner who is stuck gets a nudge first
/// (the concept and the standard's section), and the recipe only when asking again; so every
/// bundled exercise has both, and the nudge is not the recipe.
#[test]
fn every_bundled_exercise_has_a_nudge_and_a_recipe() {
    let info: toml::Table = String::from_utf8(shipped::file("info.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let mut missing = Vec::new();
    for entry in info["exercises"].as_array().unwrap() {
        let field = |key: &str| entry.get(key).and_then(|v| v.as_str()).unwrap_or("").trim();
        let (nudge, recipe) = (field("hint"), field("recipe"));
        if nudge.is_empty() || recipe.is_empty() || nudge == recipe {
            missing.push(field("name").to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "these exercises need a hint (the nudge) and a different recipe: {missing:?}"
    );
}
