//! The bundled course as shipped: its committed version in this checkout, never the working
//! tree, where a learner who learns in the clone has solved exercises and left others
//! mid-edit. Without git (a packaged crate) the files are all there is.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The checkout these tests belong to.
pub fn checkout() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs git in the checkout; `None` when git is missing or fails (no checkout, no `HEAD`).
fn git(args: &[&str]) -> Option<Vec<u8>> {
    let output = Command::new("git")
        .current_dir(checkout())
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output.status.success().then_some(output.stdout)
}

fn committed() -> bool {
    git(&["ls-tree", "HEAD", "--", "info.toml"]).is_some_and(|out| !out.is_empty())
}

/// The shipped contents of `relative`, a course file.
pub fn file(relative: &str) -> Vec<u8> {
    if committed() {
        git(&["show", &format!("HEAD:./{relative}")])
            .unwrap_or_else(|| panic!("{relative} is not committed"))
    } else {
        std::fs::read(checkout().join(relative)).unwrap()
    }
}

/// The shipped files under `dir` (`exercises`, `solutions`), relative to the course root.
pub fn files_under(dir: &str) -> Vec<PathBuf> {
    if !committed() {
        return super::files_under(checkout(), dir);
    }
    let listed = git(&["ls-tree", "-r", "-z", "--name-only", "HEAD", "--", dir]).unwrap();
    let mut files: Vec<PathBuf> = listed
        .split(|&b| b == 0)
        .filter(|name| !name.is_empty())
        .map(|name| PathBuf::from(String::from_utf8(name.to_vec()).unwrap()))
        .collect();
    files.sort();
    files
}

/// The shipped course written out in a directory of its own, `target/tmp/shipped-course/`:
/// info.toml, the exercise package and its lock file, exercises and solutions, under a
/// workspace manifest with the checkout's profiles (opt-level 2 for the dependencies).
///
/// The directory stays between runs, with its build directory: the course's dependencies are
/// built there once, apart from the checkout's own `target/backlings/`, where a learner's
/// checks must never wait for or be rebuilt by the tests. Only the files whose contents
/// changed are rewritten (and stray ones removed), so cargo rebuilds only what changed.
pub fn course() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("shipped-course");
    let paths = [
        "info.toml",
        "Cargo.lock",
        "course",
        "exercises",
        "solutions",
    ];
    let staging = tempfile::tempdir().unwrap();
    if committed() {
        let mut archive = Command::new("git")
            .current_dir(checkout())
            .args(["archive", "--format=tar", "HEAD", "--"])
            .args(paths)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let unpacked = Command::new("tar")
            .current_dir(staging.path())
            .args(["-xf", "-"])
            .stdin(archive.stdout.take().unwrap())
            .status()
            .unwrap();
        assert!(archive.wait().unwrap().success() && unpacked.success());
    } else {
        let status = Command::new("cp")
            .arg("-R")
            .args(paths.map(|p| checkout().join(p)))
            .arg(staging.path())
            .status()
            .unwrap();
        assert!(status.success());
    }
    let ours: toml::Table = String::from_utf8(file("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let mut manifest = toml::Table::new();
    for key in ["workspace", "profile"] {
        manifest.insert(key.to_string(), ours[key].clone());
    }
    std::fs::write(staging.path().join("Cargo.toml"), manifest.to_string()).unwrap();
    super::sync(staging.path(), &dir);
    dir
}

/// The build directory of [`course`], where the course's dependencies are built: other
/// tests that build a course of the same dependencies link theirs here (`target` → this).
pub fn build_target() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("shipped-course")
        .join("target")
}
