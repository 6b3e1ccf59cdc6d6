//! `backlings dev update`: rewrites the exercise package's bin list from `info.toml`, so that
//! cargo builds exactly the exercises and solutions the course lists.

use crate::authoring::edits;
use crate::course::Course;
use crate::course::package::ExercisePackage;
use crate::error::Result;
use crate::files;

pub fn run() -> Result<i32> {
    let (course, package) = crate::course::load_here()?;
    let shown = shown_manifest(&course, &package);
    if write_bins(&course, &package)? {
        println!(
            "Updated {shown}: {} bins for {} exercises.",
            course.exercises.len() * 2,
            course.exercises.len()
        );
    } else {
        println!("{shown} already lists every exercise and solution of info.toml.");
    }
    Ok(0)
}

/// The package's manifest as the author sees it: relative to the course directory.
pub fn shown_manifest(course: &Course, package: &ExercisePackage) -> String {
    let path = &package.manifest_path;
    path.strip_prefix(&course.root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Writes the bins `info.toml` calls for into the package's manifest. Returns whether it
/// changed.
pub fn write_bins(course: &Course, package: &ExercisePackage) -> Result<bool> {
    let path = &package.manifest_path;
    let manifest = files::read_text(path)?;
    let bins = edits::expected_bins(course, path);
    let updated = edits::with_bins(&manifest, path, &bins)?;
    if updated == manifest {
        return Ok(false);
    }
    files::write_atomically(path, updated.as_bytes())?;
    Ok(true)
}
