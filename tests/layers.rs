//! The runner's source is layered: a module may use its own folder and the layers below it,
//! never one above (data flows one way: course → build → check → progress → report → the
//! commands and watch mode), and no modules use each other in a circle, inside a folder either.
//! Checked on the `crate::` and `super::` paths of every file in `src/`, tests left out.

use std::collections::{BTreeMap, BTreeSet};
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

/// The code of `source` without its unit tests (`#[cfg(test)] mod tests { … }` runs to the end
/// of a file here), line by line without comments.
fn code_lines(source: &str) -> impl Iterator<Item = &str> {
    let end = source
        .find("#[cfg(test)]\nmod tests")
        .unwrap_or(source.len());
    source[..end]
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
}

/// The module a file of `src/` holds: `check::run` for `check/run.rs`, `check` for
/// `check/mod.rs`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The modules of `modules` that `source`, the code of `module`, names through `crate::` or
/// `super::` paths: for each path, the longest prefix that is a module.
fn module_uses(
    module: &[String],
    source: &str,
    modules: &BTreeSet<Vec<String>>,
) -> BTreeSet<Vec<String>> {
    let mut used = BTreeSet::new();
    for line in code_lines(source) {
        for (prefix, base) in [
            ("crate::", Vec::new()),
            ("super::", module[..module.len().saturating_sub(1)].to_vec()),
        ] {
            let mut rest = line;
            while let Some(at) = rest.find(prefix) {
                let before = rest[..at].chars().last();
                rest = &rest[at + prefix.len()..];
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    continue;
                }
                let path: Vec<String> = rest
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                    .next()
                    .unwrap_or("")
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect();
                let full: Vec<String> = base.iter().cloned().chain(path).collect();
                let longest = (1..=full.len())
                    .rev()
                    .find(|&k| modules.contains(&full[..k]));
                if let Some(k) = longest
                    && full[..k] != *module
                {
                    used.insert(full[..k].to_vec());
                }
            }
        }
    }
    used
}

/// A circle in `uses`, if there is one: the modules on it.
fn circle(uses: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<String>> {
    fn visit(
        module: &Vec<String>,
        uses: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        path: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|m| m == module) {
            return Some(path[start..].iter().map(|m| m.join("::")).collect());
        }
        if !done.insert(module.clone()) {
            return None;
        }
        path.push(module.clone());
        for used in uses.get(module).into_iter().flatten() {
            if let Some(found) = visit(used, uses, path, done) {
                return Some(found);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    uses.keys()
        .find_map(|m| visit(m, uses, &mut Vec::new(), &mut done))
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

#[test]
fn no_modules_use_each_other_in_a_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.retain(|f| {
        let relative = f.strip_prefix(&src).unwrap();
        !relative.starts_with("authoring/templates") && !relative.ends_with("tests.rs")
    });
    let modules: BTreeSet<Vec<String>> = files
        .iter()
        .map(|f| module_of(f.strip_prefix(&src).unwrap()))
        .collect();
    let uses: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = files
        .iter()
        .map(|f| {
            let module = module_of(f.strip_prefix(&src).unwrap());
            let used = module_uses(&module, &std::fs::read_to_string(f).unwrap(), &modules);
            (module, used)
        })
        .collect();
    assert_eq!(
        circle(&uses),
        None,
        "modules that use each other in a circle"
    );
}

#[test]
fn a_circle_between_two_sibling_modules_is_found() {
    let modules: BTreeSet<Vec<String>> = [
        vec!["check".to_string()],
        vec!["check".into(), "run".into()],
        vec!["check".into(), "pipeline".into()],
    ]
    .into();
    let run = vec!["check".to_string(), "run".into()];
    let pipeline = vec!["check".to_string(), "pipeline".into()];
    let uses: BTreeMap<_, _> = [
        (
            run.clone(),
            module_uses(&run, "use super::pipeline::Options;\n", &modules),
        ),
        (
            pipeline.clone(),
            module_uses(
                &pipeline,
                "use crate::check::run::run_one; // super::x\n",
                &modules,
            ),
        ),
    ]
    .into();
    assert_eq!(
        circle(&uses),
        Some(vec!["check::pipeline".to_string(), "check::run".into()])
    );
}
