//! Where `reset` gets the shipped version of an exercise.
//!
//! Never from the file the learner edits, and never from a copy built into the runner from
//! `exercises/` (in a clone, rebuilding the runner would embed the learner's edits). The
//! shipped version is the one in git at the commit the course was at when the learner first
//! started, recorded in the progress state. With none recorded (the course was not a git
//! checkout then, as after `backlings init`): the bundled course's copy if this is the bundled
//! course, else `HEAD`.
//!
//! The recorded commit comes from a file, so it is trusted no more than one: it must be a git
//! object id, and git is called so that no value can be read as an option.

use std::path::Path;
use std::process::Command;

use crate::course::Course;
use crate::course::bundled;
use crate::error::{Error, Result};

/// The commit checked out in `root` now, to record as the shipped baseline. `None` when
/// `root` is not in a git checkout or git is missing: reset then falls back to `HEAD`.
pub fn current_commit(root: &Path) -> Option<String> {
    let output = git(root, &["rev-parse", "--verify", "-q", "HEAD"]).ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
        .filter(|c| is_object_id(c))
}

/// Whether `text` is a full git object id: 40 (SHA-1) or 64 (SHA-256) lowercase hex digits.
/// Nothing else is ever passed to git as a commit.
pub fn is_object_id(text: &str) -> bool {
    matches!(text.len(), 40 | 64)
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
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
    let rev = match commit {
        Some(commit) if is_object_id(commit) => commit,
        Some(commit) => {
            return Err(Error::course(format!(
                "the recorded shipped commit {commit:?} is not a git commit id, so reset cannot \
                 tell which version of {} was shipped.",
                relative.display()
            )));
        }
        None => "HEAD",
    };
    // `./` keeps the path relative to the course directory; `--end-of-options` makes sure
    // that whatever follows is a revision, never an option.
    let spec = format!("{rev}:./{}", relative.to_string_lossy().replace('\\', "/"));
    let output = git(root, &["show", "--end-of-options", &spec]).map_err(|e| {
        Error::environment(format!(
            "reset needs git to find the shipped version of {}, and git could not be run ({e}).\n  \
             Install git, or restore the file from the course's original download.",
            relative.display()
        ))
    })?;
    if !output.status.success() {
        return Err(Error::course(format!(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_full_lowercase_hex_object_ids_are_commits() {
        let sha1 = "0d59f3f389316b93a6997f208fac1381b7c6ee1c";
        assert!(is_object_id(sha1));
        assert!(is_object_id(&"ab".repeat(32)));
        for bad in [
            "--output=/tmp/x",
            "HEAD",
            "",
            &sha1[..39],
            &sha1.to_uppercase(),
            &format!("{sha1}0"),
            &format!("-{}", &sha1[1..]),
            &"g".repeat(40),
        ] {
            assert!(!is_object_id(bad), "{bad}");
        }
    }

    #[test]
    fn a_commit_that_is_not_an_object_id_never_reaches_git() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("exercises")).unwrap();
        std::fs::write(dir.path().join("exercises/a.rs"), "").unwrap();
        let info = "format_version = 1\n[[exercises]]\nname = \"a\"\n";
        let course = Course::parse(dir.path(), Path::new("info.toml"), info).unwrap();
        let option = "--output=/tmp/x";
        let error = shipped_contents(&course, Some(option), Path::new("exercises/a.rs"))
            .unwrap_err()
            .report();
        // git would have answered that the directory is not a repository.
        assert!(error.contains("is not a git commit id"), "{error}");
    }
}
