//! Courses for unit tests: exercises in a temporary directory, each with an empty file, parsed
//! from their `info.toml` text without cargo.

use std::path::Path;

use super::Course;

/// A course of exercises named `names`, in that order, and the directory that holds it (the
/// course is gone when it is dropped).
pub fn course_of(names: &[&str]) -> (tempfile::TempDir, Course) {
    let mut info = String::from("format_version = 1\n");
    for name in names {
        info.push_str(&format!("[[exercises]]\nname = \"{name}\"\n"));
    }
    course_from(names, &info)
}

/// The course `info` describes, whose exercises are `names`.
pub fn course_from(names: &[&str], info: &str) -> (tempfile::TempDir, Course) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("exercises")).unwrap();
    for name in names {
        std::fs::write(dir.path().join(format!("exercises/{name}.rs")), "").unwrap();
    }
    let course = Course::parse(dir.path(), Path::new("info.toml"), info).unwrap();
    (dir, course)
}
