//! `backlings update`: in a course written by `init`, after installing a newer backlings, bring
//! in the course version this binary carries, keeping the learner's work.
//!
//! The new version is written into a temporary folder the way `init` writes it, then each of
//! its files is compared with the learner's and with the record of what they got
//! ([`progress::delivered`]):
//! - a file they never changed is replaced by the new version;
//! - a file they changed is merged with the new version where a three-way merge (`git
//!   merge-file`, base: the version they got) is clean, their version backed up first;
//!   otherwise it is kept as it is and the new version is written beside it;
//! - a file new in this version is added;
//! - a file the learner got earlier that this version no longer has is kept, and named.
//!
//! `Cargo.lock` is cargo's file, not the learner's: cargo rewrites it as it likes, and the
//! new version's crates must come at the versions it pins. It is always replaced, the
//! learner's backed up first when it is not the one they got.
//!
//! Without a record (a course written before `init` kept one), every other file that differs
//! from the new version counts as changed. `info.toml` is a file like the others, so new exercises
//! take their place in the order unless the learner edited it. Progress is keyed by name and
//! stays as it is; solutions already handed out stay too.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::course::Course;
use crate::error::{Error, Result};
use crate::files::{self, Problem};
use crate::progress::{self, delivered};
use crate::report;

/// What happened to one file of the new version.
enum Outcome {
    /// Nothing to bring in: the learner's file is the new version already, or the new
    /// version did not change it.
    Same,
    Added,
    /// The learner had not changed it: the new version replaced it.
    Replaced,
    /// The learner's changes and the new version, merged; theirs before is backed up here.
    Merged {
        backup: PathBuf,
    },
    /// Cargo's file, which the learner's cargo had rewritten, replaced by the new version;
    /// theirs before is backed up here.
    Relocked {
        backup: PathBuf,
    },
    /// The learner's file is kept; the new version is written here, beside it.
    Beside {
        new: PathBuf,
    },
}

pub fn run() -> Result<i32> {
    let root = std::env::current_dir()
        .map_err(|e| Error::environment(format!("cannot read the current directory: {e}")))?;
    require_init_course(&root)?;
    progress::store::require_own(&root)?;
    let incoming = tempfile::tempdir()
        .map_err(|e| Error::environment(format!("cannot create a temporary folder: {e}")))?;
    let (_, paths) = super::init::write_course(incoming.path())?;
    let mut kept = 0;
    for relative in &paths {
        let new = files::read(&incoming.path().join(relative))?;
        let outcome = update_file(&root, relative, &new)?;
        if let Some(line) = describe(relative, &outcome) {
            println!("{line}");
        }
        kept += usize::from(matches!(outcome, Outcome::Beside { .. }));
    }
    for relative in dropped(&root, &paths) {
        println!(
            "{}: not in the new version of the course; kept as it is",
            report::inert(&relative)
        );
        delivered::forget(&root, &relative)?;
    }
    let course = Course::load(&root)?;
    println!(
        "The course is at the version of backlings {} ({} exercises); your progress is kept.",
        env!("CARGO_PKG_VERSION"),
        course.exercises.len()
    );
    if kept > 0 {
        println!(
            "{kept} file(s) you changed are kept as they are, with the new version beside each \
             (.new): compare them and take what you need."
        );
    }
    Ok(0)
}

/// Refuses a directory that `init` did not write: a clone of backlings updates with git.
fn require_init_course(root: &Path) -> Result<()> {
    if root.join("course/Cargo.toml").is_file() {
        return Err(Error::usage(format!(
            "{} is a clone of backlings, not a course written by `backlings init`.\n  \
             Bring in a newer course with git: git pull",
            root.display()
        )));
    }
    if !delivered::exists(root) && !root.join(super::init::LIBRARY.1).is_file() {
        return Err(Error::usage(format!(
            "no course written by `backlings init` here ({} has no {}).\n  \
             Run backlings update in the course's directory.",
            root.display(),
            super::init::LIBRARY.1
        )));
    }
    Ok(())
}

/// The files the learner got from an earlier version that the new one (`paths`) no longer
/// has, and which are still there: kept, since they may hold the learner's work, and named
/// once (their record is forgotten). The record only says which to look at; nothing is done
/// to them.
fn dropped(root: &Path, paths: &[String]) -> Vec<String> {
    let record = progress::store::delivered_dir(root);
    files::under(&record, Path::new(""))
        .into_iter()
        .filter_map(|path| path.to_str().map(str::to_string))
        .filter(|relative| !paths.contains(relative))
        .filter(|relative| std::fs::symlink_metadata(root.join(relative)).is_ok())
        .collect()
}

/// The lock file of the course's crates, which cargo writes.
const CARGO_LOCK: &str = "Cargo.lock";

/// Brings the new version `new` of `relative` into the course at `root`, and records what the
/// learner has from it now.
fn update_file(root: &Path, relative: &str, new: &[u8]) -> Result<Outcome> {
    let path = root.join(relative);
    let mine = match files::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if matches!(e.problem, Problem::Missing) => {
            files::write_atomically(&path, new)?;
            delivered::record(root, relative, new)?;
            return Ok(Outcome::Added);
        }
        Err(e) => return Err(e.into()),
    };
    let base = delivered::recorded(root, relative)?;
    let outcome = if relative == CARGO_LOCK && mine != new {
        let backup = (base.as_deref() != Some(mine.as_slice()))
            .then(|| progress::back_up(root, Path::new(relative), &mine))
            .transpose()?;
        files::write_atomically(&path, new)?;
        match backup {
            Some(backup) => Outcome::Relocked { backup },
            None => Outcome::Replaced,
        }
    } else if mine == new || base.as_deref() == Some(new) {
        // The learner has the new version, or this version brings nothing new to the file.
        Outcome::Same
    } else if base.as_deref() == Some(mine.as_slice()) {
        files::write_atomically(&path, new)?;
        Outcome::Replaced
    } else if let Some(merged) = base.and_then(|base| merge(&mine, &base, new)) {
        let backup = progress::back_up(root, Path::new(relative), &mine)?;
        files::write_atomically(&path, &merged)?;
        Outcome::Merged { backup }
    } else {
        // The record keeps the version their file comes from: the base of a later merge.
        let beside = beside(&path, new);
        files::write_atomically(&beside, new)?;
        let beside = beside.strip_prefix(root).unwrap_or(&beside).to_path_buf();
        return Ok(Outcome::Beside { new: beside });
    };
    delivered::record(root, relative, new)?;
    Ok(outcome)
}

/// `PATH.new`, or `PATH.new.N` with the first N not taken, unless it holds `new` already: a
/// file there may be the learner's.
fn beside(path: &Path, new: &[u8]) -> PathBuf {
    let name = |n: usize| {
        let mut name = path.as_os_str().to_owned();
        name.push(if n == 1 {
            ".new".to_string()
        } else {
            format!(".new.{n}")
        });
        PathBuf::from(name)
    };
    (1..)
        .map(name)
        .find(|p| std::fs::symlink_metadata(p).is_err() || files::read(p).is_ok_and(|b| b == new))
        .expect("some number is free")
}

/// The three-way merge of `mine` and `new` from `base`, if git is there and it is clean.
fn merge(mine: &[u8], base: &[u8], new: &[u8]) -> Option<Vec<u8>> {
    let dir = tempfile::tempdir().ok()?;
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).ok().map(|()| path)
    };
    let (mine, base, new) = (
        write("mine", mine)?,
        write("base", base)?,
        write("new", new)?,
    );
    // Absolute paths of our own files: none can be read as an option.
    let output = Command::new("git")
        .args(["merge-file", "-p", "-q"])
        .args([&mine, &base, &new])
        .output()
        .ok()?;
    output.status.success().then_some(output.stdout)
}

/// The line that tells the learner what happened to `relative`; none when nothing did.
fn describe(relative: &str, outcome: &Outcome) -> Option<String> {
    Some(match outcome {
        Outcome::Same => return None,
        Outcome::Added => format!("{relative}: added"),
        Outcome::Replaced => format!("{relative}: updated"),
        Outcome::Merged { backup } => format!(
            "{relative}: your changes merged into the new version; yours before is saved as {}",
            backup.display()
        ),
        Outcome::Relocked { backup } => format!(
            "{relative}: updated (cargo had changed it; yours before is saved as {})",
            backup.display()
        ),
        Outcome::Beside { new } => format!(
            "{relative}: you changed it, so it is kept; the new version is {}",
            new.display()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_version_goes_beside_a_file_without_overwriting_anything() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.rs");
        assert_eq!(beside(&path, b"new"), dir.path().join("x.rs.new"));
        std::fs::write(dir.path().join("x.rs.new"), "mine").unwrap();
        assert_eq!(beside(&path, b"new"), dir.path().join("x.rs.new.2"));
        std::fs::write(dir.path().join("x.rs.new.2"), "new").unwrap();
        assert_eq!(
            beside(&path, b"new"),
            dir.path().join("x.rs.new.2"),
            "the same new version again"
        );
    }

    #[test]
    fn a_clean_merge_takes_both_sides_and_a_conflict_none() {
        let base = b"one\ntwo\nthree\nfour\nfive\n";
        let mine = b"one\ntwo\nthree\nfour\nfive, mine\n";
        let new = b"one, new\ntwo\nthree\nfour\nfive\n";
        assert_eq!(
            merge(mine, base, new).as_deref(),
            Some(&b"one, new\ntwo\nthree\nfour\nfive, mine\n"[..])
        );
        assert_eq!(
            merge(mine, base, b"one\ntwo\nthree\nfour\nfive, new\n"),
            None
        );
    }
}
