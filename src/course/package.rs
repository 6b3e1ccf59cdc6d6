//! The exercise package: the Cargo manifest whose `[[bin]]` targets are the exercises (`X`)
//! and their solutions (`X_sol`).
//!
//! In a rustlings-format course it is the course's own `Cargo.toml`. In a course that also
//! holds other packages (this repository: the runner at the root, the course in `course/`),
//! the root manifest is a workspace and the exercise package is the member that declares bins.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::course::light_manifest;
use crate::error::{Error, Result};
use crate::files;

/// The manifest of the package that builds the exercises.
#[derive(Debug, Clone)]
pub struct ExercisePackage {
    /// Absolute or course-relative path of the package's `Cargo.toml`.
    pub manifest_path: PathBuf,
    /// Declared bins: name → source path, normalised relative to the course directory.
    pub bins: BTreeMap<String, PathBuf>,
    /// Where backlings builds: `target/backlings/`, not cargo's default `target/`. An editor's
    /// rust-analyzer (or the learner's own `cargo`) building in `target/` holds its lock for as
    /// long as it runs, minutes on a first open; a check waiting for that lock would freeze.
    pub target_dir: PathBuf,
    /// The course directory the package builds.
    pub root: PathBuf,
    /// The crates a bin can name beyond std: the package's dependencies and its library. A
    /// bin that names none of them can be built without them (see [`crate::build::light`]).
    pub crates: Vec<String>,
    /// The manifest of the package without dependencies, when the package has any.
    pub light_manifest: Option<String>,
    /// It has a library: building that builds every dependency and nothing of a learner's.
    pub has_lib: bool,
}

impl ExercisePackage {
    /// Finds the exercise package of the course in `root`.
    pub fn locate(root: &Path) -> Result<Self> {
        let root_manifest = root.join("Cargo.toml");
        let table = read_manifest(&root_manifest)?;
        if table.contains_key("package") && table.contains_key("bin") {
            return Self::from_table(root, &root_manifest, &table, &table);
        }
        let members = table
            .get("workspace")
            .and_then(|w| w.get("members"))
            .and_then(|m| m.as_array())
            .into_iter()
            .flatten()
            .filter_map(|m| m.as_str());
        for member in members {
            let manifest = root.join(member).join("Cargo.toml");
            let member_table = read_manifest(&manifest)?;
            if member_table.contains_key("bin") {
                return Self::from_table(root, &manifest, &member_table, &table);
            }
        }
        Err(Error::course(format!(
            "{} declares no exercise binaries, and no workspace member does.\n  \
             The exercise package lists each exercise as a [[bin]] target: \
             {{ name = \"X\", path = \"exercises/<dir>/X.rs\" }} and {{ name = \"X_sol\", path = \"solutions/<dir>/X.rs\" }}.",
            root_manifest.display()
        )))
    }

    /// The package declared by `table` (read from `manifest`) in the workspace whose root
    /// manifest is `workspace`.
    fn from_table(
        root: &Path,
        manifest: &Path,
        table: &toml::Table,
        workspace: &toml::Table,
    ) -> Result<Self> {
        let package_dir = manifest.parent().unwrap_or(root);
        let mut bins = BTreeMap::new();
        for bin in table["bin"].as_array().into_iter().flatten() {
            let (Some(name), Some(path)) = (
                bin.get("name").and_then(|n| n.as_str()),
                bin.get("path").and_then(|p| p.as_str()),
            ) else {
                return Err(Error::course(format!(
                    "{}: every [[bin]] needs a `name` and a `path`",
                    manifest.display()
                )));
            };
            let relative = relative_to(root, &package_dir.join(path));
            bins.insert(name.to_string(), relative);
        }
        let crates = crate_names(table);
        let light_manifest = (!crates.is_empty())
            .then(|| light_manifest::manifest(root, table, workspace, &bins))
            .flatten();
        Ok(Self {
            manifest_path: manifest.to_path_buf(),
            bins,
            target_dir: build_dir(root),
            root: root.to_path_buf(),
            crates,
            light_manifest,
            has_lib: table.contains_key("lib") || package_dir.join("src/lib.rs").is_file(),
        })
    }
}

/// Where backlings builds the course in `root`: its own directory in `target/` (see
/// [`ExercisePackage::target_dir`]). What backlings keeps about builds (the rustc commands it
/// replays, the compile failures it remembers, the content each binary came from) lives here
/// too, beside the binaries cargo itself runs: whoever can write here can already replace them,
/// so nothing in `.backlings/` can make backlings run a command.
pub fn build_dir(root: &Path) -> PathBuf {
    root.join("target").join("backlings")
}

/// The names under which a bin of the package in `table` can use other crates: its
/// dependencies of every kind (keys, `-` as `_`) and its library (when it has dependencies
/// of its own: a library alone costs a bin nothing to wait for).
fn crate_names(table: &toml::Table) -> Vec<String> {
    let sections = ["dependencies", "dev-dependencies"];
    let targets = table
        .get("target")
        .and_then(|t| t.as_table())
        .into_iter()
        .flat_map(|t| t.values())
        .filter_map(|t| t.as_table());
    let mut names: Vec<String> = std::iter::once(table)
        .chain(targets)
        .flat_map(|t| sections.iter().filter_map(|s| t.get(*s)?.as_table()))
        .flat_map(|deps| deps.keys())
        .map(|name| name.replace('-', "_"))
        .filter(|name| is_crate_name(name))
        .collect();
    if names.is_empty() {
        return names;
    }
    let package_name = table
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str());
    let lib_name = table
        .get("lib")
        .and_then(|l| l.get("name"))
        .and_then(|n| n.as_str())
        .or(package_name);
    names.extend(
        lib_name
            .map(|n| n.replace('-', "_"))
            .filter(|n| is_crate_name(n)),
    );
    names.sort();
    names.dedup();
    names
}

/// A name cargo accepts for a crate (`-` already made `_`). Names are shown to learners
/// ("Waiting for rusqlite"); a key of the manifest that is no crate name (control characters,
/// escape sequences) names nothing cargo could build, so it is not kept.
fn is_crate_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric())
}

fn read_manifest(path: &Path) -> Result<toml::Table> {
    let text = files::read_text(path)?;
    text.parse::<toml::Table>()
        .map_err(|e| Error::course(format!("{}: {e}", path.display())))
}

/// `path` relative to `root`, both resolved [lexically](files::lexical) (no file system access,
/// so a missing file still gets a comparable path).
fn relative_to(root: &Path, path: &Path) -> PathBuf {
    let (root, path) = (files::lexical(root), files::lexical(path));
    path.strip_prefix(&root)
        .map(Path::to_path_buf)
        .unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rustlings_manifest_at_the_root_is_the_exercise_package() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "bin = [\n  { name = \"a\", path = \"exercises/01/a.rs\" },\n  { name = \"a_sol\", path = \"solutions/01/a.rs\" },\n]\n\n[package]\nname = \"x\"\n",
        )
        .unwrap();
        let package = ExercisePackage::locate(dir.path()).unwrap();
        assert_eq!(package.manifest_path, dir.path().join("Cargo.toml"));
        assert_eq!(package.bins["a"], Path::new("exercises/01/a.rs"));
        assert_eq!(package.bins["a_sol"], Path::new("solutions/01/a.rs"));
    }

    #[test]
    fn a_workspace_member_with_bins_is_the_exercise_package() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("course")).unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"runner\"\n[workspace]\nmembers = [\"course\"]\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("course/Cargo.toml"),
            "[package]\nname = \"c\"\n[[bin]]\nname = \"a\"\npath = \"../exercises/01/a.rs\"\n",
        )
        .unwrap();
        let package = ExercisePackage::locate(dir.path()).unwrap();
        assert_eq!(package.manifest_path, dir.path().join("course/Cargo.toml"));
        assert_eq!(package.bins["a"], Path::new("exercises/01/a.rs"));
    }

    #[test]
    fn only_real_crate_names_are_kept_from_the_dependency_tables() {
        let table: toml::Table = "[package]\nname = \"my-course\"\n[dependencies]\n\
             serde-json = \"1\"\n\"\\u001b[2Jclear\" = \"1\"\n\
             [target.'cfg(unix)'.dev-dependencies]\nlibc = \"0.2\"\n"
            .parse()
            .unwrap();
        assert_eq!(crate_names(&table), ["libc", "my_course", "serde_json"]);
    }

    #[test]
    fn no_bins_anywhere_is_an_error_that_explains_the_layout() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        let err = ExercisePackage::locate(dir.path()).unwrap_err();
        assert!(
            err.report().contains("declares no exercise binaries"),
            "{err}"
        );
    }
}
