//! Putting the shipped version of an exercise back, after keeping the learner's version in
//! `.backlings/backups/`: backups never overwrite each other, so nothing a learner wrote is lost.

use std::path::{Path, PathBuf};

use super::store;
use crate::course::Course;
use crate::course::exercise::Exercise;
use crate::course::shipped;
use crate::error::Result;
use crate::files::{self, Problem};

/// What restoring one exercise did.
pub enum Restored {
    /// The file was already the shipped version: nothing was written.
    AlreadyShipped,
    /// The file was missing, and the shipped version was written.
    WasMissing,
    /// The learner's version was saved here (a path inside the course), then replaced.
    BackedUp(PathBuf),
}

/// Restores `exercise`'s file from the shipped version, backing up what is there first.
/// Returns the message for the learner.
pub fn reset_file(course: &Course, exercise: &Exercise, commit: Option<&str>) -> Result<String> {
    let relative = exercise.path();
    Ok(match restore(course, exercise, commit)? {
        Restored::AlreadyShipped => format!(
            "{} is already as shipped: nothing to reset.",
            relative.display()
        ),
        Restored::WasMissing => format!("Restored {} (it was missing).", relative.display()),
        Restored::BackedUp(backup) => format!(
            "Reset {} to the shipped version.\nYour version is saved as {}",
            relative.display(),
            backup.display()
        ),
    })
}

/// Restores `exercise`'s file from the shipped version, backing up what is there first, and
/// says what it did.
pub fn restore(course: &Course, exercise: &Exercise, commit: Option<&str>) -> Result<Restored> {
    let (root, relative, name) = (&course.root, &exercise.path(), &exercise.name);
    let shipped = shipped::shipped_contents(course, commit, relative)?;
    let path = root.join(relative);
    let mine = match files::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(e) if matches!(e.problem, Problem::Missing) => None,
        // A directory or a pipe in its place is not replaced: it may hold the learner's work.
        Err(e) => return Err(e.into()),
    };
    if mine.as_deref() == Some(shipped.as_slice()) {
        return Ok(Restored::AlreadyShipped);
    }
    let backup = match &mine {
        Some(bytes) => Some(keep(root, name, "rs", bytes)?),
        None => None,
    };
    files::write_atomically(&path, &shipped)?;
    Ok(match backup {
        Some(backup) => Restored::BackedUp(backup),
        None => Restored::WasMissing,
    })
}

/// Keeps `bytes`, the learner's version of the course file `relative`, in
/// `.backlings/backups/STEM.N.EXT` before it is replaced; returns that path, relative to the
/// course. An exercise's backups are named as `reset` names them.
pub fn back_up(root: &Path, relative: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let stem = relative.file_stem().unwrap_or_default().to_string_lossy();
    let extension = relative.extension().unwrap_or_default().to_string_lossy();
    keep(root, &stem, &extension, bytes)
}

/// Writes `bytes` to the first free backup path for `stem` and `extension`.
fn keep(root: &Path, stem: &str, extension: &str, bytes: &[u8]) -> Result<PathBuf> {
    let backup = free_backup_path(root, stem, extension);
    files::write_atomically(&backup, bytes)?;
    Ok(backup.strip_prefix(root).unwrap_or(&backup).to_path_buf())
}

/// `.backlings/backups/STEM.N.EXT` with the first N not yet taken: backups never overwrite
/// each other.
fn free_backup_path(root: &Path, stem: &str, extension: &str) -> PathBuf {
    let dir = store::backups_dir(root);
    (1..)
        .map(|n| dir.join(format!("{stem}.{n}.{extension}")))
        .find(|p| !p.exists())
        .expect("some number is free")
}
