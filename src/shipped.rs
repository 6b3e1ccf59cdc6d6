//! Where `reset` gets the shipped version of an exercise.
//!
//! Never from the file the learner edits, and never from a copy built into the runner from
//! `exercises/` (in a clone, rebuilding the runner would embed the learner's edits). The
//! shipped version is the one in git at the commit the course was at when the learner first
//! started, recorded in the progress state. With none recorded (the course was not a git
//! checkout then, as after `backlings init`): the bundled course's copy if this is the bundled
//! course, else `HEAD`.

use std::path::Path;
use std::process::Command;

use crate::bundled;
use crate::course::Course;
use crate::error::{Error, Result};

/// The commit checked out in `root` now, to record as the shipped baseline. `None` when
/// `root` is not in a git checkout or git is missing: reset then falls back to `HEAD`.
pub fn current_commit(root: &Path) -> Option<String> {
    let output = git(root, &["rev-parse", "--verify", "-q", "HEAD"]).ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
        .filter(|c| !c.is_empty())
}

/// The shipped contents of `relative` (a path inside `course`'s directory).
pub fn shipped_contents(course: &Course, commit: Option<&str>, relative: &Path) -> Result<Vec<u8>> {
    if commit.is_none()
        && course.bundled
        && let Some(contents) = bundled::file(relative)
    {
        return Ok(contents.to_vec());
    }
    let root = &course.root;
    let rev = commit.unwrap_or("HEAD");
    let spec = format!("{rev}:./{}", relative.to_string_lossy().replace('\\', "/"));
    let output = git(root, &["show", &spec]).map_err(|e| {
        Error::usage(format!(
            "reset needs git to find the shipped version of {}, and git could not be run ({e}).\n  \
             Install git, or restore the file from the course's original download.",
            relative.display()
        ))
    })?;
    if !output.status.success() {
        return Err(Error::usage(format!(
            "could not find the shipped version of {} in git ({}): {}\n  \
             reset restores files from the git history of a cloned course; \
             restore it from the course's original download instead.",
            relative.display(),
            spec,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(output.stdout)
}

fn git(root: &Path, args: &[&str]) -> std::io::Result<std::process::Output> {
    Command::new("git").arg("-C").arg(root).args(args).output()
}
