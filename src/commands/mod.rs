//! The commands, one module each. Every command loads the course the same way, then does its
//! one job; data flows one way: course → exercise → check → report → progress state.

pub mod dev_check;
pub mod hint;
pub mod list;
pub mod reset;
pub mod run;
pub mod verify;

use std::path::PathBuf;

use crate::check::{self, Item, Options, Outcome};
use crate::course::Course;
use crate::error::{Error, Result};
use crate::manifest::ExercisePackage;
use crate::process::Cancel;
use crate::progress::BuildProgress;
use crate::shipped;
use crate::state::State;

/// The course in the current directory and its exercise package.
pub fn load_course() -> Result<(Course, ExercisePackage)> {
    let root = std::env::current_dir()
        .map_err(|e| Error::usage(format!("cannot read the current directory: {e}")))?;
    let course = Course::load(&root)?;
    let package = ExercisePackage::locate(&root)?;
    Ok((course, package))
}

/// The learner's progress, with its warnings printed, and on the very first start the
/// shipped baseline recorded for `reset`.
pub fn load_state(course: &Course) -> Result<State> {
    let mut state = State::load(course)?;
    for warning in &state.warnings {
        eprintln!("warning: {warning}");
    }
    if state.is_new && state.shipped_commit.is_none() {
        state.shipped_commit = shipped::current_commit(&course.root);
        // Saved at once: whatever the first command is, later resets need the baseline.
        state.save(course)?;
    }
    Ok(state)
}

/// Checks `items` from a command line: colour as decided, cargo's progress shown on stderr
/// while the build runs (above all the first, long build of the dependencies).
pub fn check_with_progress(
    course: &Course,
    package: &ExercisePackage,
    items: &[Item],
    color: bool,
) -> Result<Vec<Outcome>> {
    let progress = BuildProgress::new();
    let options = Options {
        color,
        progress: Some(progress.callback(items.len())),
        cancel: Cancel::default(),
    };
    check::check_all(course, package, items, &options)
}

/// An error if `info.toml` lists an exercise that the exercise package does not build.
pub fn require_bin(package: &ExercisePackage, bin: &str, source: PathBuf) -> Result<()> {
    if package.bins.contains_key(bin) {
        return Ok(());
    }
    Err(Error::usage(format!(
        "{} has no [[bin]] named {bin:?}, so it cannot build {}.\n  \
         Add {{ name = \"{bin}\", path = \"…/{}\" }} to its bin list.",
        package.manifest_path.display(),
        source.display(),
        source.display()
    )))
}
