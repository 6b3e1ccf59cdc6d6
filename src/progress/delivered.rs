//! The record of what `backlings init` wrote (and `update` later brought in): each file's
//! contents as the learner got them, under `.backlings/delivered/`. `update` compares the
//! learner's file with it to know whether they changed it, and uses it as the base of a
//! three-way merge when they did.
//!
//! Paths always come from the bundled course (the caller's list), never from what is in the
//! record, so nothing in `.backlings/` can name a file outside it.

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

/// Whether the course in `root` has a record at all.
pub fn exists(root: &Path) -> bool {
    store::delivered_dir(root).is_dir()
}
