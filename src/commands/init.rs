//! `backlings init [DIR]`: writes the bundled course into a new directory, for learners who
//! installed backlings (`cargo install`) instead of cloning its repository.
//!
//! Solutions stay in the binary: each is written to `solutions/` when its exercise is done
//! (see [`crate::course::Course::reveal_solution`]).

use std::path::Path;

use crate::authoring::edits;
use crate::authoring::scaffold;
use crate::course::Course;
use crate::course::bundled;
use crate::error::{Error, Result};
use crate::files;
use crate::progress;

/// The exercise package, in this repository a workspace member (`course/`), becomes the
/// course's root package, rustlings-style: its library moves to `support/`.
const PACKAGE: &str = "course/Cargo.toml";
pub const LIBRARY: (&str, &str) = ("course/src/lib.rs", "support/lib.rs");

/// The build settings of this repository's root manifest for the course's dependencies,
/// which a workspace member cannot carry (a test keeps them equal), and an empty workspace: the course is a workspace of its
/// own, so that it builds wherever it is written, also inside another cargo workspace (a
/// learner's projects folder), which would otherwise claim it and refuse to build it.
const ROOT_SETTINGS: &str = r#"
# A workspace of its own: a cargo workspace in a folder above does not claim this course.
[workspace]

# argon2 at OWASP parameters costs ~0.5 s per hash at opt-level 0 and ~40 ms at opt-level 2;
# this also compiles the bundled SQLite with -O2.
[profile.dev.package."*"]
opt-level = 2
# Each save links the exercise against these: without their debug info it is faster.
debug = false
"#;

const SOLUTIONS_README: &str = "# Solutions\n\n\
Each exercise's reference solution appears here when you finish the exercise: compare it \
with yours.\n";

/// Writes the course into `dir`, which must be new or empty, and in no course, and records
/// what it wrote (see [`progress::delivered`]), so that `backlings update` can tell the
/// learner's changes apart.
pub fn run(dir: &Path) -> Result<i32> {
    scaffold::refuse_inside_a_course(dir, "backlings init")?;
    scaffold::create_empty_dir(dir, "backlings init")?;
    let (course, written) = write_course(dir)?;
    for relative in &written {
        let contents = files::read(&dir.join(relative))?;
        progress::delivered::record(dir, relative, &contents)?;
    }
    println!(
        "Wrote the backlings course ({} exercises) to {}.\n\
         Start learning:\n  cd {}\n  backlings\n\
         The first exercises need no crate and are checked at once; the course's dependencies \
         build in the background meanwhile (once, a few minutes on a small machine).",
        course.exercises.len(),
        dir.display(),
        scaffold::shell_word(dir)
    );
    Ok(0)
}

/// Writes the bundled course into `dir`, where none of its files may exist yet: returns the
/// course and the course-relative paths written, in a stable order. `update` writes the new
/// version this way too, into a folder of its own, to compare it with the learner's.
pub fn write_course(dir: &Path) -> Result<(Course, Vec<String>)> {
    let mut written = Vec::new();
    for (path, contents) in bundled::FILES {
        let path = match *path {
            PACKAGE => continue,
            p if p == LIBRARY.0 => LIBRARY.1,
            p if p.starts_with("solutions/") => continue,
            p => p,
        };
        scaffold::write(dir, path, contents)?;
        written.push(path.to_string());
    }
    let course = Course::load(dir)?;
    let generated = [
        ("Cargo.toml", manifest(&course)?),
        (".gitignore", scaffold::GITIGNORE.to_string()),
        ("solutions/README.md", SOLUTIONS_README.to_string()),
    ];
    for (path, contents) in generated {
        scaffold::write(dir, path, contents.as_bytes())?;
        written.push(path.to_string());
    }
    written.sort();
    Ok((course, written))
}

/// The exercise package as the course's root manifest: bins and library from the root, the
/// repository's build settings, a workspace of its own.
fn manifest(course: &Course) -> Result<String> {
    let path = course.root.join("Cargo.toml");
    let package = bundled::file(Path::new(PACKAGE)).and_then(|b| std::str::from_utf8(b).ok());
    let Some(package) = package else {
        return Err(Error::internal(format!(
            "this backlings was built without {PACKAGE}: build it from a complete checkout"
        )));
    };
    let package = package.replacen(
        &format!("path = \"{}\"", &LIBRARY.0["course/".len()..]),
        &format!("path = \"{}\"", LIBRARY.1),
        1,
    );
    let bins = edits::expected_bins(course, &path);
    Ok(edits::with_bins(&package, &path, &bins)? + ROOT_SETTINGS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_manifest_builds_the_library_and_every_bin_with_this_repositorys_settings() {
        let dir = tempfile::tempdir().unwrap();
        let course = dir.path().join("c");
        run(&course).unwrap();
        let ours: toml::Table = include_str!("../../Cargo.toml").parse().unwrap();
        let written: toml::Table = std::fs::read_to_string(course.join("Cargo.toml"))
            .unwrap()
            .parse()
            .unwrap();
        // A registry package's manifest says `debug = 0` for `debug = false`.
        // The settings of the course's dependencies; the runner's own dependencies have
        // settings of their own in this repository, which a course does not need.
        let settings = |t: &toml::Table| {
            t["profile"]["dev"]["package"]["*"]
                .to_string()
                .replace("debug = 0", "debug = false")
        };
        assert_eq!(settings(&written), settings(&ours));
        assert_eq!(written["workspace"], toml::Table::new().into());
        assert_eq!(written["lib"]["path"].as_str(), Some(LIBRARY.1));
        assert!(course.join(LIBRARY.1).is_file());
        let bins = written["bin"].as_array().unwrap();
        assert_eq!(
            bins[0]["path"].as_str(),
            Some("exercises/00_intro/intro_status_line.rs")
        );
        assert_eq!(
            bins.len(),
            2 * Course::load(&course).unwrap().exercises.len()
        );
    }
}
