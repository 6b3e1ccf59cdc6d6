//! The stamp of what a recipe depends on besides its own words: the toolchain, the manifests,
//! the dependency artifacts and the sources they were built from (by length and modification
//! time), and the environment variables that change what cargo would pass to rustc. Also the
//! dep-info files rustc writes, which say what sources a compile read.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::Recipe;

/// What a recipe depends on, as it was when cargo ran the command.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Stamp {
    /// Files with their length and modification time (`None`: the file did not exist).
    files: Vec<(PathBuf, Option<(u64, u128)>)>,
    /// The variables of the environment that change the build (see [`affects_build`]).
    env: Vec<(String, String)>,
}

impl Stamp {
    /// `files` and the environment, as they are now.
    pub(super) fn of(files: Vec<PathBuf>) -> Self {
        let files = files
            .into_iter()
            .map(|p| {
                let s = file_stamp(&p);
                (p, s)
            })
            .collect();
        Self {
            files,
            env: build_env(),
        }
    }

    /// Every file is as it was when stamped, and so is the environment.
    pub(super) fn is_current(&self) -> bool {
        self.env == build_env() && self.files.iter().all(|(path, s)| file_stamp(path) == *s)
    }

    /// The stamped files: what a hash of a compile's inputs takes in.
    pub(super) fn files(&self) -> &[(PathBuf, Option<(u64, u128)>)] {
        &self.files
    }
}

/// Environment variables that change what cargo would pass to rustc. Not `CARGO` (which
/// cargo binary runs; the rustc it would run is stamped) nor what `cargo run` sets for
/// backlings itself, so that `cargo run` and an installed backlings share recipes.
fn affects_build(key: &str) -> bool {
    [
        "RUSTC",
        "RUSTFLAGS",
        "RUSTUP_",
        "CARGO_BUILD_",
        "CARGO_PROFILE_",
        "CARGO_TARGET_",
    ]
    .iter()
    .any(|prefix| key.starts_with(prefix))
        || matches!(
            key,
            "CARGO_HOME" | "CARGO_INCREMENTAL" | "CARGO_ENCODED_RUSTFLAGS"
        )
}

fn build_env() -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> =
        std::env::vars().filter(|(k, _)| affects_build(k)).collect();
    env.sort();
    env
}

/// The sources the recipe's last compile read (the exercise file, and any module it pulled
/// in), from the dep-info rustc writes even when type checking fails. A syntax error stops
/// rustc before it writes one: then the crate's root file alone, if it pulls in no other file.
/// `None` when the sources are unknown, or one changed after `since` (during the build).
pub fn own_sources(root: &Path, recipe: &Recipe, since: SystemTime) -> Option<Vec<PathBuf>> {
    let mut dep_info = recipe.executable().as_os_str().to_owned();
    dep_info.push(".d");
    let since = since.duration_since(UNIX_EPOCH).ok()?.as_nanos();
    let mut sources = local_sources(root, Path::new(&dep_info));
    if sources.is_empty() {
        let file = root.join(recipe.args().iter().find(|a| a.ends_with(".rs"))?);
        if reads_other_files(&std::fs::read_to_string(&file).ok()?) {
            return None;
        }
        sources.push(file);
    }
    let before = sources
        .iter()
        .all(|path| file_stamp(path).is_some_and(|(_, mtime)| mtime < since));
    before.then_some(sources)
}

/// Whether a source file may read others: an out-of-line module (`mod name;`), `#[path]` or
/// an `include…!` macro. Errs on the side of yes.
fn reads_other_files(source: &str) -> bool {
    source.contains("include")
        || source.contains("#[path")
        || source.lines().any(|line| {
            let line = line.trim();
            line.ends_with(';') && line.split_whitespace().any(|word| word == "mod")
        })
}

/// The sources inside the course listed in a dep-info file (for a dependency artifact: the
/// support library's). Registry sources never change.
pub(super) fn local_sources(root: &Path, dep_info: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(dep_info) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| l.strip_suffix(':'))
        .map(|p| root.join(p.replace("\\ ", " ")))
        .filter(|p| p.starts_with(root) && !p.starts_with(root.join("target")))
        .collect()
}

fn file_stamp(path: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some((meta.len(), mtime.as_nanos()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_may_read_others_is_recognised() {
        assert!(reads_other_files("mod helpers;\nfn main() {}"));
        assert!(reads_other_files("pub(crate) mod helpers ;"));
        assert!(reads_other_files(
            "const S: &str = include_str!(\"a.txt\");"
        ));
        assert!(reads_other_files("#[path = \"x.rs\"]\nmod m { }"));
        assert!(!reads_other_files(
            "mod tests {\n    use super::*;\n}\nfn main() {}"
        ));
    }
}
