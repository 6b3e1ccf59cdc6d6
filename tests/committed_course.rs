//! The course embedded in the binary is the committed one (issue: a learner's solved files
//! ended up in `cargo install --path .` and in every course `init` wrote). build.rs reads it
//! with `build/committed.rs`, run here on repositories of the tests' own.

#[allow(dead_code)] // `watch_head` is build.rs's; these tests cover what is embedded.
#[path = "../build/committed.rs"]
mod committed;

use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A course in `dir` with one exercise, committed as shipped.
fn committed_course_in(repo: &Path, dir: &Path) {
    write(&dir.join("info.toml"), "format_version = 1\n");
    write(&dir.join("course/Cargo.toml"), "[package]\n");
    write(&dir.join("exercises/01_http/status.rs"), "// shipped\n");
    write(&dir.join("solutions/01_http/status.rs"), "// solution\n");
    write(&dir.join("exercises/README.md"), "not a course file\n");
    git(repo, &["init", "-q"]);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "shipped"]);
}

fn embedded(dir: &Path) -> Vec<(String, String)> {
    committed::committed_course(dir)
        .expect("a committed course")
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

#[test]
fn a_learners_edits_and_new_files_are_not_embedded() {
    let repo = tempfile::tempdir().unwrap();
    committed_course_in(repo.path(), repo.path());
    write(
        &repo.path().join("exercises/01_http/status.rs"),
        "// solved!\n",
    );
    write(
        &repo.path().join("exercises/01_http/mine.rs"),
        "// untracked\n",
    );
    std::fs::remove_file(repo.path().join("solutions/01_http/status.rs")).unwrap();

    assert_eq!(
        embedded(repo.path()),
        [
            ("course/Cargo.toml", "[package]\n"),
            ("exercises/01_http/status.rs", "// shipped\n"),
            ("info.toml", "format_version = 1\n"),
            ("solutions/01_http/status.rs", "// solution\n"),
        ]
        .map(|(p, t)| (p.to_string(), t.to_string()))
    );
}

#[test]
fn a_new_commit_is_what_gets_embedded() {
    let repo = tempfile::tempdir().unwrap();
    committed_course_in(repo.path(), repo.path());
    write(&repo.path().join("exercises/01_http/status.rs"), "// v2\n");
    git(repo.path(), &["commit", "-q", "-am", "v2"]);
    assert!(embedded(repo.path()).contains(&(
        "exercises/01_http/status.rs".to_string(),
        "// v2\n".to_string()
    )));
}

#[test]
fn a_course_in_a_subfolder_of_the_repository_is_found_with_paths_relative_to_it() {
    let repo = tempfile::tempdir().unwrap();
    let course = repo.path().join("vendor/backlings");
    committed_course_in(repo.path(), &course);
    let paths: Vec<String> = embedded(&course).into_iter().map(|(p, _)| p).collect();
    assert!(
        paths.contains(&"exercises/01_http/status.rs".to_string()),
        "{paths:?}"
    );
}

#[test]
fn files_the_repository_does_not_track_are_read_from_disk_instead() {
    // A packaged crate unpacked under an ignored folder of some repository (as
    // `cargo package` verifies it under target/package/), or a directory outside git.
    let repo = tempfile::tempdir().unwrap();
    committed_course_in(repo.path(), repo.path());
    let unpacked = repo.path().join("target/package/backlings-0.1.0");
    write(&unpacked.join("info.toml"), "format_version = 1\n");
    assert!(committed::committed_course(&unpacked).is_none());

    let outside = tempfile::tempdir().unwrap();
    write(&outside.path().join("info.toml"), "format_version = 1\n");
    assert!(committed::committed_course(outside.path()).is_none());
}
