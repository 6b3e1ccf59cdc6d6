//! The course as its files describe it: where it is (the nearest folder with `info.toml`, from
//! wherever a command runs), `info.toml` (the ordered exercises), each exercise's files and
//! bins, the exercise package's manifest, and where shipped and bundled versions of a file
//! come from.
//!
//! Uses the foundations and [`sandbox::limits`](crate::sandbox::limits) (what `info.toml` may
//! set); nothing here builds or runs anything.

use std::path::{Path, PathBuf};

use package::ExercisePackage;

use crate::error::{Error, Result};

pub mod bundled;
pub mod exercise;
#[cfg(test)]
pub mod fixture;
mod info_file;
pub mod light_manifest;
mod lookup;
pub mod name;
pub mod package;
pub mod partition;
pub mod shipped;

pub use info_file::{Course, INFO_FILE, is_valid_dir};

/// The course around the current directory and its exercise package.
pub fn load_here() -> Result<(Course, ExercisePackage)> {
    let root = root_here()?;
    let course = Course::load(&root)?;
    let package = ExercisePackage::locate(&root)?;
    Ok((course, package))
}

/// The current directory.
pub fn here() -> Result<PathBuf> {
    std::env::current_dir()
        .map_err(|e| Error::environment(format!("cannot read the current directory: {e}")))
}

/// The root of the course the current directory is in, found as cargo finds its manifest,
/// so that every command works from any folder of the course; an error outside any course.
pub fn root_here() -> Result<PathBuf> {
    let here = here()?;
    find_root(&here).ok_or_else(|| {
        Error::usage(format!(
            "no course here: neither {} nor any folder above it has {INFO_FILE}.\n  \
             Run backlings inside a course (the folder with info.toml, exercises/ and \
             solutions/, or any folder in it), or write one: `backlings init` writes the \
             bundled course, `backlings dev new PATH` starts a course of your own.",
            here.display()
        ))
    })
}

/// The course `dir` is in: the nearest folder at or above it with `info.toml`. Anything there
/// but a folder counts (a named pipe, a broken link), so that loading it says what is wrong
/// with it, rather than a course further up being taken for it.
pub fn find_root(dir: &Path) -> Option<PathBuf> {
    let holds_info = |d: &Path| {
        let info = d.join(INFO_FILE);
        info.symlink_metadata().is_ok() && !info.is_dir()
    };
    dir.ancestors()
        .find(|d| holds_info(d))
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_course_is_the_nearest_folder_above_with_an_info_file() {
        let dir = tempfile::tempdir().unwrap();
        let outer = dir.path().join("outer");
        let inner = outer.join("inner");
        std::fs::create_dir_all(inner.join("exercises/01_ch")).unwrap();
        std::fs::write(outer.join(INFO_FILE), "").unwrap();
        assert_eq!(
            find_root(&inner.join("exercises/01_ch")),
            Some(outer.clone())
        );
        std::fs::write(inner.join(INFO_FILE), "").unwrap();
        assert_eq!(
            find_root(&inner.join("exercises/01_ch")),
            Some(inner.clone())
        );
        assert_eq!(find_root(&inner), Some(inner));
    }

    #[test]
    fn a_folder_named_like_the_info_file_is_no_course() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(INFO_FILE)).unwrap();
        assert_eq!(find_root(dir.path()), None);
    }
}
