//! The layout of `.backlings/`, backlings' own folder in the course directory (ignored by git):
//! the one place that knows where the learner's progress, its lock, `reset`'s backups, the
//! compile budget's measurements and the record of what `init` wrote are kept. What backlings
//! keeps about builds is not here but in the build directory (see
//! [`crate::course::package::build_dir`]).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The folder's name, in the course directory.
const DATA_DIR: &str = ".backlings";

/// The learner's progress (see [`State`](super::State)): which exercise is current and which
/// are done.
pub fn state_file(root: &Path) -> PathBuf {
    root.join(DATA_DIR).join("state.toml")
}

/// Held while a process reads, merges and writes the state file, so that processes recording
/// progress at once do not undo each other.
pub fn lock_file(root: &Path) -> PathBuf {
    root.join(DATA_DIR).join("state.lock")
}

/// Where `reset` keeps the learner's version of a file before putting the shipped one back.
pub fn backups_dir(root: &Path) -> PathBuf {
    root.join(DATA_DIR).join("backups")
}

/// What `backlings init` (and then `update`) wrote, file by file under their course-relative
/// paths: the version the learner got, so that `update` knows which files they changed and
/// has the base of a three-way merge.
pub fn delivered_dir(root: &Path) -> PathBuf {
    root.join(DATA_DIR).join("delivered")
}

/// The compile budget's measurements of the solutions (see [`crate::authoring::budget`]), so
/// that a second `dev check` measures only what changed.
pub fn times_file(root: &Path) -> PathBuf {
    root.join(DATA_DIR).join("compile-times.json")
}

/// An error if `.backlings/` or a folder of it is anything but a folder of its own: a link
/// that came with a course (a clone, an archive) would have progress, backups and the record
/// written, and `update` remove files, wherever it leads, outside the course. Nothing there is
/// an error: backlings makes the folders as it needs them.
pub fn require_own(root: &Path) -> Result<()> {
    let data = root.join(DATA_DIR);
    for dir in [data.clone(), backups_dir(root), delivered_dir(root)] {
        match std::fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) => {
                let what = if meta.is_symlink() {
                    "a link"
                } else {
                    "not a folder"
                };
                return Err(Error::course(format!(
                    "{} is {what}: backlings keeps your progress and backups in {} and writes \
                     only into folders of its own, never through a link that may lead outside \
                     the course.\n  Remove it (backlings makes the folder again; move away \
                     anything of yours first): rm {}",
                    dir.display(),
                    data.display(),
                    dir.display()
                )));
            }
            Err(_) => {}
        }
    }
    Ok(())
}
