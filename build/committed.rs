//! The course as committed at `HEAD`: what build.rs embeds in a git checkout. Its own file so
//! that tests can run it on a repository of their own (tests/committed_course.rs).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The course's single files, relative to the repository root.
pub const FILES: &[&str] = &[
    "info.toml",
    "Cargo.lock",
    "rust-analyzer.toml",
    "course/Cargo.toml",
    "course/src/lib.rs",
];

/// The course's folders: every `.rs` file under them is embedded.
pub const DIRS: &[&str] = &["exercises", "solutions"];

/// Whether `path` (relative to the root, `/`-separated) is a course file. A path with an
/// empty, `.` or `..` part is none: it is copied under `OUT_DIR`, and must stay there.
fn is_course_file(path: &str) -> bool {
    let plain = path.split('/').all(|part| !matches!(part, "" | "." | ".."));
    plain
        && (FILES.contains(&path)
            || DIRS
                .iter()
                .any(|dir| path.starts_with(&format!("{dir}/")) && path.ends_with(".rs")))
}

/// The course files as committed at `HEAD`, sorted by path; `None` when `root` is not in a
/// git checkout, git is missing, or `HEAD` does not hold the course (a packaged crate
/// unpacked inside some other repository).
pub fn committed_course(root: &Path) -> Option<Vec<(String, Vec<u8>)>> {
    let mut listing = vec!["ls-tree", "-r", "-z", "HEAD", "--"];
    listing.extend(FILES);
    listing.extend(DIRS);
    let listed = git(root, &listing, None)?;
    let mut blobs = Vec::new();
    for record in listed.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        // `<mode> SP <type> SP <object> TAB <path>`, path relative to `root`.
        let record = String::from_utf8(record.to_vec()).ok()?;
        let (meta, path) = record.split_once('\t')?;
        let mut fields = meta.split(' ');
        let (mode, kind, object) = (fields.next()?, fields.next()?, fields.next()?);
        if kind == "blob" && mode != "120000" && is_course_file(path) {
            blobs.push((path.to_string(), object.to_string()));
        }
    }
    if !blobs.iter().any(|(path, _)| path == "info.toml") {
        return None;
    }
    let request: String = blobs
        .iter()
        .map(|(_, object)| format!("{object}\n"))
        .collect();
    let batch = git(root, &["cat-file", "--batch"], Some(request.as_bytes()))?;
    let mut rest = batch.as_slice();
    let mut files = Vec::new();
    for (path, _) in blobs {
        // `<object> SP blob SP <size> LF <contents> LF`
        let header_end = rest.iter().position(|&b| b == b'\n')?;
        let header = std::str::from_utf8(&rest[..header_end]).ok()?;
        let size: usize = header.rsplit(' ').next()?.parse().ok()?;
        let start = header_end + 1;
        let contents = rest.get(start..start + size)?.to_vec();
        rest = rest.get(start + size + 1..)?;
        files.push((path, contents));
    }
    files.sort();
    Some(files)
}

/// Reruns this script when `HEAD` moves: a checkout rewrites `HEAD`, a commit rewrites the
/// branch's ref (a loose file, created anew if the ref was packed) or `packed-refs`.
pub fn watch_head(root: &Path) {
    // Without this, a script that watches nothing that exists would rerun on any change.
    println!("cargo::rerun-if-changed=build.rs");
    let mut watched = vec![git_path(root, "HEAD"), git_path(root, "packed-refs")];
    if let Some(reference) = git(root, &["symbolic-ref", "-q", "HEAD"], None) {
        let reference = String::from_utf8_lossy(&reference).trim().to_string();
        // The ref's folder, not its file: a commit on a packed ref creates the file.
        if let Some(file) = git_path(root, &reference) {
            watched.push(file.parent().map(Path::to_path_buf));
        }
    }
    for path in watched.into_iter().flatten() {
        // A path that does not exist would make cargo rerun the script on every build.
        if path.exists() {
            println!("cargo::rerun-if-changed={}", path.display());
        }
    }
}

/// Where git keeps `name` (`HEAD`, `packed-refs`, `refs/heads/main`) for this checkout,
/// worktrees included.
fn git_path(root: &Path, name: &str) -> Option<PathBuf> {
    let output = git(root, &["rev-parse", "--git-path", name], None)?;
    // Relative to `root` unless git keeps it elsewhere (a worktree's common directory).
    Some(root.join(String::from_utf8_lossy(&output).trim()))
}

/// Runs git in `root` and returns what it printed, or `None` if it could not run or failed.
fn git(root: &Path, args: &[&str], input: Option<&[u8]>) -> Option<Vec<u8>> {
    let mut child = Command::new("git")
        .current_dir(root)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    if let Some(input) = input {
        // Written from a thread: git answers while it reads, and both pipes could fill.
        let mut stdin = child.stdin.take()?;
        let input = input.to_vec();
        std::thread::spawn(move || stdin.write_all(&input));
    }
    let mut output = Vec::new();
    child.stdout.take()?.read_to_end(&mut output).ok()?;
    child.wait().ok()?.success().then_some(output)
}
