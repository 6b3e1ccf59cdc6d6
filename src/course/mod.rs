//! The course as its files describe it: `info.toml` (the ordered exercises), each exercise's
//! files and bins, the exercise package's manifest, and where shipped and bundled versions of
//! a file come from.
//!
//! Uses the foundations and [`sandbox::limits`](crate::sandbox::limits) (what `info.toml` may
//! set); nothing here builds or runs anything.

use package::ExercisePackage;

use crate::error::{Error, Result};

pub mod bundled;
pub mod exercise;
#[cfg(test)]
pub mod fixture;
mod info_file;
pub mod light_manifest;
pub mod package;
pub mod partition;
pub mod shipped;

pub use info_file::{Course, INFO_FILE, is_valid_dir, is_valid_name};

/// The course in the current directory and its exercise package.
pub fn load_here() -> Result<(Course, ExercisePackage)> {
    let root = std::env::current_dir()
        .map_err(|e| Error::environment(format!("cannot read the current directory: {e}")))?;
    let course = Course::load(&root)?;
    let package = ExercisePackage::locate(&root)?;
    Ok((course, package))
}
