//! Embeds the bundled course in the binary, so that `backlings init` can write it out after
//! `cargo install` (no clone needed). Generates `$OUT_DIR/bundled_files.rs`: one
//! `(path, contents)` pair per course file, in a stable order.

use std::path::{Path, PathBuf};

/// The course's single files, relative to the repository root.
const FILES: &[&str] = &[
    "info.toml",
    "Cargo.lock",
    "rust-analyzer.toml",
    "course/Cargo.toml",
    "course/src/lib.rs",
];

/// The course's folders: every `.rs` file under them is embedded.
const DIRS: &[&str] = &["exercises", "solutions"];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut paths: Vec<String> = FILES.iter().map(|f| f.to_string()).collect();
    for dir in DIRS {
        // A directory here makes cargo rerun the script when any file under it changes.
        println!("cargo::rerun-if-changed={dir}");
        collect_rs(&root, Path::new(dir), &mut paths);
    }
    for file in FILES {
        println!("cargo::rerun-if-changed={file}");
    }
    paths.sort();

    let mut out = String::from("pub static FILES: &[(&str, &[u8])] = &[\n");
    for path in &paths {
        let absolute = root.join(path);
        assert!(
            absolute.is_file(),
            "the bundled course needs {} (run the build from a backlings checkout)",
            absolute.display()
        );
        out.push_str(&format!(
            "    ({path:?}, include_bytes!({:?})),\n",
            absolute.display().to_string()
        ));
    }
    out.push_str("];\n");
    let target =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo")).join("bundled_files.rs");
    std::fs::write(&target, out).expect("OUT_DIR is writable");
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
