//! The light package: the exercise package without its dependencies, in the build directory.
//!
//! Cargo builds every dependency of a package before any of its bins, so on a fresh clone the
//! first exercise, which needs no crate at all, would wait for the whole course's dependency
//! graph (~95 s on an idle 2-core machine, many minutes on a busy one). A bin whose source
//! names none of the package's crates (see [`crate::build::crates`]) is built here instead: same
//! edition, lints, profiles and bins, no dependencies, its own target directory (so it never
//! waits for the lock of a dependency build). A file that compiles here compiles the same in
//! the full package: nothing it names differs.

use std::path::{Path, PathBuf};

use crate::build::compiled;
use crate::build::crates;
use crate::course::package::{ExercisePackage, build_dir};
use crate::error::{Error, Result};
use crate::files;

/// Where the light package of the course in `root` lives: a folder per course directory, since
/// courses can share a build directory (a linked `target/`), and the manifest names the
/// course's files by absolute path.
fn dir(root: &Path) -> PathBuf {
    let course = compiled::content_hash(root.as_os_str().as_encoded_bytes());
    build_dir(root).join("light").join(&course[..16])
}

/// The crates of `package` that `source` names; all of them when it could not be read.
pub fn crates_named(package: &ExercisePackage, source: Option<&[u8]>) -> Vec<String> {
    match source {
        Some(source) => crates::named(&String::from_utf8_lossy(source), &package.crates)
            .into_iter()
            .map(String::from)
            .collect(),
        None => package.crates.clone(),
    }
}

/// The package to build a file in that names `crates`: the light package when it names
/// none, else the package itself.
pub fn route<'p>(
    package: &'p ExercisePackage,
    light: Option<&'p ExercisePackage>,
    crates: &[String],
) -> &'p ExercisePackage {
    match light {
        Some(light) if crates.is_empty() => light,
        _ => package,
    }
}

/// The light package of `package`, its manifest written (only when it changed, so that cargo
/// and the fast path see the same file as last time). `None` when there is none.
pub fn package(package: &ExercisePackage) -> Result<Option<ExercisePackage>> {
    let Some(text) = &package.light_manifest else {
        return Ok(None);
    };
    let dir = dir(&package.root);
    let manifest_path = dir.join("Cargo.toml");
    if files::read(&manifest_path).ok().as_deref() != Some(text.as_bytes()) {
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
        files::write_atomically(&manifest_path, text.as_bytes())?;
    }
    Ok(Some(ExercisePackage {
        manifest_path,
        bins: package.bins.clone(),
        target_dir: dir.join("target"),
        root: package.root.clone(),
        crates: Vec::new(),
        light_manifest: None,
        has_lib: false,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::light_manifest::tests::COURSE;

    #[test]
    fn a_bin_naming_none_of_the_crates_goes_to_the_light_package() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), COURSE.replace("../", "")).unwrap();
        let full = ExercisePackage::locate(dir.path()).unwrap();
        assert_eq!(full.crates, ["serde", "support"]);
        let light = package(&full).unwrap().unwrap();
        let std_only = crates_named(&full, Some(b"fn main() {}"));
        assert!(std_only.is_empty());
        let chosen = route(&full, Some(&light), &std_only);
        assert_eq!(chosen.manifest_path, light.manifest_path);
        let uses_serde = crates_named(&full, Some(b"use serde::Serialize;"));
        assert_eq!(uses_serde, ["serde"]);
        assert_eq!(
            route(&full, Some(&light), &uses_serde).manifest_path,
            full.manifest_path
        );
        let unreadable = crates_named(&full, None);
        assert_eq!(
            route(&full, Some(&light), &unreadable).manifest_path,
            full.manifest_path
        );
    }
}
