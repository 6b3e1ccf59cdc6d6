//! The record of what `backlings init` wrote (and `update` later brought in): each file's
//! contents as the learner got them, under `.backlings/delivered/`. `update` compares the
//! learner's file with it to know whether they changed it, and uses it as the base of a
//! three-way merge when they did.
//!
//! Paths come from the bundled course (the caller's list) or from listing the record's own
//! folder, never from what a file in it says, so nothing in `.backlings/` can name a file
//! outside it.

use std::path::Path;

use super::store;
use crate::error::Result;
use crate::files::{self, Problem};

/// Records `contents` as the version of `relative` (a course-relative path) the learner has.
pub fn record(root: &Path, relative: &str, contents: &[u8]) -> Result<()> {
    files::write_atomically(&store::delivered_dir(root).join(relative), contents)
}

/// The recorded version of `relative`, or `None` when there is none (a file new in this
/// version, or a course written before `init` kept a record).
pub fn recorded(root: &Path, relative: &str) -> Result<Option<Vec<u8>>> {
    match files::read(&store::delivered_dir(root).join(relative)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if matches!(e.problem, Problem::Missing) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Forgets the record of `relative`, a file the course no longer has (a path found in the
/// record: it names a file inside the record's folder only).
pub fn forget(root: &Path, relative: &str) -> Result<()> {
    let path = store::delivered_dir(root).join(relative);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(crate::error::Error::io("remove", &path, e))
        }
        _ => Ok(()),
    }
}

/// Whether the course in `root` has a record at all.
pub fn exists(root: &Path) -> bool {
    store::delivered_dir(root).is_dir()
}
