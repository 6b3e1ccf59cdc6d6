//! Bundled solutions that stand in for the ones a course does not show yet, so that
//! `dev check` checks every solution of a course written by `init`.
//!
//! Such a course starts without `solutions/`: each solution appears there when its exercise
//! is done ([`crate::course::Course::reveal_solution`]), so writing them all out to check them would
//! hand them out early. Instead the missing ones are written under the build directory, which
//! is the learner's as much as `target/` is, with a package of their own: the course's
//! manifest (its dependencies, library, lints and settings) with only their `_sol` bins. That
//! package builds in the course's build directory, so the dependencies the course has built
//! are the ones the solutions use, and nothing is built twice.

use std::path::{Path, PathBuf};

use crate::course::Course;
use crate::course::bundled;
use crate::course::exercise::{Exercise, Variant};
use crate::course::package::ExercisePackage;
use crate::error::{Error, Result};
use crate::files;

/// The folder, in the build directory, of the stand-ins' package.
const DIR: &str = "bundled-solutions";

/// The stand-in solutions of a course, ready to check.
pub struct StandIns {
    /// The course as seen from the stand-ins' package: its exercises, rooted where the
    /// stand-in solutions are. Check its `Variant::Solution` items only.
    pub course: Course,
    pub package: ExercisePackage,
}

impl StandIns {
    /// Writes the bundled solution of each exercise whose own solution file is missing, and
    /// their package; `None` when none needs one (every solution is there, or the course is
    /// not the bundled one, whose solutions the binary does not carry).
    ///
    /// All of them, also when `dev check` checks one partition: then partitions checked at
    /// once in one course write the same package, and none pulls a bin from under another.
    pub fn prepare(course: &Course, package: &ExercisePackage) -> Result<Option<Self>> {
        if !course.bundled {
            return Ok(None);
        }
        let standing_in: Vec<(&Exercise, &[u8])> = course
            .exercises
            .iter()
            .filter(|e| !course.root.join(e.solution_path()).is_file())
            .filter_map(|e| bundled::file(&e.solution_path()).map(|s| (e, s)))
            .collect();
        if standing_in.is_empty() {
            return Ok(None);
        }
        let root = package.target_dir.join(DIR);
        for (exercise, solution) in &standing_in {
            write_if_changed(&root.join(exercise.solution_path()), solution)?;
        }
        let bins: Vec<(String, PathBuf)> = standing_in
            .iter()
            .map(|(e, _)| (e.bin_name(Variant::Solution), e.solution_path()))
            .collect();
        let manifest = manifest(&package.manifest_path, &bins)?;
        write_if_changed(&root.join("Cargo.toml"), manifest.as_bytes())?;
        // The versions the course's own build uses, so that its built dependencies serve (the
        // lock file is at the course's root in a clone and in a course written by `init`).
        if let Ok(lock) = std::fs::read(course.root.join("Cargo.lock")) {
            write_if_changed(&root.join("Cargo.lock"), &lock)?;
        }
        // Read back as any exercise package is, but built in the course's build directory.
        let package = ExercisePackage {
            target_dir: package.target_dir.clone(),
            ..ExercisePackage::locate(&root)?
        };
        let course = Course {
            root,
            ..course.clone()
        };
        Ok(Some(Self { course, package }))
    }

    /// Whether `exercise`'s solution is checked here.
    pub fn has(&self, exercise: &Exercise) -> bool {
        self.package
            .bins
            .contains_key(&exercise.bin_name(Variant::Solution))
    }

    /// This package's copy of `exercise` (an exercise of the course it was prepared for).
    pub fn exercise(&self, exercise: &Exercise) -> &Exercise {
        self.course
            .exercises
            .iter()
            .find(|e| e.name == exercise.name)
            .expect("the stand-ins' course has the course's exercises")
    }
}

/// The manifest of the stand-ins' package: the course's, under a name of its own, with its
/// library at its absolute path (the package lies elsewhere), `bins` as its only bins, and a
/// workspace of its own (it lies inside the course, whose manifest does not list it).
///
/// The name matters: cargo tells a path package's builds apart by name, version and path
/// relative to the workspace root, which is the same (the root itself) for the course and
/// for this package. Under the course's name the two would take turns rebuilding each
/// other's library and bins.
fn manifest(course_manifest: &Path, bins: &[(String, PathBuf)]) -> Result<String> {
    let text = files::read_text(course_manifest)?;
    let mut table: toml::Table = text
        .parse()
        .map_err(|e| Error::course(format!("{}: {e}", course_manifest.display())))?;
    let name = table
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_string)
        .ok_or_else(|| {
            Error::course(format!(
                "{}: the exercise package has no [package] name",
                course_manifest.display()
            ))
        })?;
    if let Some(package) = table.get_mut("package").and_then(|p| p.as_table_mut()) {
        package.insert("name".into(), format!("{name}-{DIR}").into());
    }
    let package_dir = course_manifest.parent().unwrap_or(Path::new("."));
    if let Some(lib) = table.get_mut("lib").and_then(|l| l.as_table_mut()) {
        let path = lib
            .get("path")
            .and_then(|p| p.as_str())
            .unwrap_or("src/lib.rs");
        let absolute = package_dir.join(path).to_string_lossy().into_owned();
        lib.insert("path".into(), absolute.into());
        // The solutions use the library by the course's crate name, whatever this package's.
        if !lib.contains_key("name") {
            lib.insert("name".into(), name.replace('-', "_").into());
        }
    }
    let bins = bins
        .iter()
        .map(|(name, path)| {
            let mut bin = toml::Table::new();
            bin.insert("name".into(), name.clone().into());
            bin.insert("path".into(), path.to_string_lossy().into_owned().into());
            toml::Value::Table(bin)
        })
        .collect();
    table.insert("bin".into(), toml::Value::Array(bins));
    table.insert("workspace".into(), toml::Table::new().into());
    Ok(format!(
        "# Written by `backlings dev check`: the course's bundled solutions that solutions/ does\n\
         # not show yet, checked without handing them out.\n{table}"
    ))
}

/// Writes `contents` to `path` unless it already holds them: an unchanged file keeps its
/// modification time, so cargo does not build it again.
fn write_if_changed(path: &Path, contents: &[u8]) -> Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    files::write_atomically(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stand_ins_package_is_the_courses_with_only_their_bins_and_an_absolute_library() {
        let dir = tempfile::tempdir().unwrap();
        let manifest_path = dir.path().join("Cargo.toml");
        std::fs::write(
            &manifest_path,
            "[package]\nname = \"c\"\nautobins = false\n\n[lib]\nname = \"support\"\npath = \"support/lib.rs\"\n\n\
             [dependencies]\nserde = \"1\"\n\n[[bin]]\nname = \"a\"\npath = \"exercises/a.rs\"\n\n\
             [[bin]]\nname = \"a_sol\"\npath = \"solutions/a.rs\"\n\n[profile.dev]\nopt-level = 1\n",
        )
        .unwrap();
        let bins = [("a_sol".to_string(), PathBuf::from("solutions/a.rs"))];
        let written: toml::Table = manifest(&manifest_path, &bins).unwrap().parse().unwrap();
        let original: toml::Table = std::fs::read_to_string(&manifest_path)
            .unwrap()
            .parse()
            .unwrap();
        for key in ["dependencies", "profile"] {
            assert_eq!(written[key], original[key], "{key}");
        }
        assert_eq!(
            written["package"]["name"].as_str(),
            Some("c-bundled-solutions")
        );
        assert_eq!(written["package"]["autobins"].as_bool(), Some(false));
        assert_eq!(
            written["lib"]["path"].as_str(),
            Some(dir.path().join("support/lib.rs").to_str().unwrap())
        );
        assert_eq!(written["lib"]["name"].as_str(), Some("support"));
        let bins = written["bin"].as_array().unwrap();
        assert_eq!(bins.len(), 1);
        assert_eq!(bins[0]["name"].as_str(), Some("a_sol"));
        assert_eq!(bins[0]["path"].as_str(), Some("solutions/a.rs"));
        assert_eq!(written["workspace"], toml::Table::new().into());
    }
}
