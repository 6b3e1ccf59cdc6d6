//! Embeds the bundled course in the binary, so that `backlings init` can write it out after
//! `cargo install` (no clone needed). Generates `$OUT_DIR/bundled_files.rs`: one
//! `(path, contents)` pair per course file, in a stable order.
//!
//! In a git checkout the course is read from the committed tree (`HEAD`), never from the
//! working tree: a clone is where learners learn, and their edits must not become the course
//! that `init` writes and `reset` restores. It also means that saving an exercise does not
//! rebuild the runner; committing does. Built from a registry package (no git, or git that
//! does not track these files), the course is read from the files, some of them from where
//! the package carries them (`build/carried.rs`).

use std::path::{Path, PathBuf};

#[path = "build/carried.rs"]
mod carried;
#[path = "build/committed.rs"]
mod committed;

use committed::{DIRS, FILES, committed_course, watch_head};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let embedded = match committed_course(&root) {
        Some(files) => {
            watch_head(&root);
            let copies = out_dir.join("committed");
            files
                .into_iter()
                .map(|(path, contents)| {
                    let copy = copies.join(&path);
                    std::fs::create_dir_all(copy.parent().expect("a file has a parent"))
                        .expect("OUT_DIR is writable");
                    std::fs::write(&copy, contents).expect("OUT_DIR is writable");
                    (path, copy)
                })
                .collect()
        }
        None => working_tree_course(&root),
    };

    let mut out = String::from("pub static FILES: &[(&str, &[u8])] = &[\n");
    for (path, source) in &embedded {
        out.push_str(&format!(
            "    ({path:?}, include_bytes!({:?})),\n",
            source.display().to_string()
        ));
    }
    out.push_str("];\n");
    std::fs::write(out_dir.join("bundled_files.rs"), out).expect("OUT_DIR is writable");
}

/// The course as the files in `root` hold it, for a build outside git: a registry package,
/// or a copy of the repository without its history.
fn working_tree_course(root: &Path) -> Vec<(String, PathBuf)> {
    let mut paths: Vec<String> = FILES.iter().map(|f| f.to_string()).collect();
    for dir in DIRS {
        // A directory here makes cargo rerun the script when any file under it changes.
        println!("cargo::rerun-if-changed={dir}");
        collect_rs(root, Path::new(dir), &mut paths);
    }
    for file in FILES {
        println!("cargo::rerun-if-changed={}", carried::source_of(file));
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let absolute = root.join(carried::source_of(&path));
            assert!(
                absolute.is_file(),
                "the bundled course needs {} (run the build from a backlings checkout or its \
                 registry package)",
                absolute.display()
            );
            (path, absolute)
        })
        .collect()
}

/// Every `.rs` file under `root/dir`, as `/`-separated paths relative to `root`.
fn collect_rs(root: &Path, dir: &Path, paths: &mut Vec<String>) {
    let entries = std::fs::read_dir(root.join(dir))
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", root.join(dir).display()));
    for entry in entries {
        let entry = entry.expect("a readable directory entry");
        let relative = dir.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            collect_rs(root, &relative, paths);
        } else if relative.extension().is_some_and(|e| e == "rs") {
            let parts: Vec<_> = relative.iter().map(|p| p.to_string_lossy()).collect();
            paths.push(parts.join("/"));
        }
    }
}
