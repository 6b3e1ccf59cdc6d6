//! The runner's source is layered: a module may use its own folder and the layers below it,
//! never one above (data flows one way: course → build → check → progress → report → the
//! commands and watch mode). Checked on the `use` paths of every file in `src/`.

use std::path::{Path, PathBuf};

/// The folders and root modules of `src/`, lowest layer first. Modules on one line are peers
/// and must not use each other.
const LAYERS: &[&[&str]] = &[
    &["error", "inert"],
    &["files"],
    &["sandbox"],
    &["course"],
    &["build"],
    &["check"],
    &["progress"],
    &["report"],
    &["authoring"],
    &["cli"],
    &["commands", "watch"],
    &["main"],
];

fn layer_of(module: &str) -> Option<(usize, &'static str)> {
    LAYERS.iter().enumerate().find_map(|(level, peers)| {
        peers
            .iter()
            .find(|peer| **peer == module)
            .map(|peer| (level, *peer))
    })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a file names as `crate::X`, outside comments.
fn used_modules(source: &str) -> Vec<String> {
    let mut used = Vec::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            used.push(name);
        }
    }
    used
}

#[test]
fn no_module_uses_a_layer_above_its_own_or_a_peer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let top = relative.components().next().unwrap().as_os_str();
        let top = top.to_str().unwrap().trim_end_matches(".rs");
        if top == "templates" || relative.starts_with("authoring/templates") {
            continue;
        }
        let (level, own) = layer_of(top)
            .unwrap_or_else(|| panic!("src/{} is in no layer of LAYERS", relative.display()));
        for used in used_modules(&std::fs::read_to_string(file).unwrap()) {
            let Some((used_level, used_module)) = layer_of(&used) else {
                wrong.push(format!(
                    "src/{} uses crate::{used}, in no layer",
                    relative.display()
                ));
                continue;
            };
            if used_level > level || (used_level == level && used_module != own) {
                wrong.push(format!(
                    "src/{} ({own}) uses crate::{used}",
                    relative.display()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_scan_sees_uses_and_skips_comments() {
    let source = "use crate::build::cargo;\n/// see [`crate::watch`]\nlet x = crate::check::run(); // crate::main\n";
    assert_eq!(used_modules(source), ["build", "check"]);
}
