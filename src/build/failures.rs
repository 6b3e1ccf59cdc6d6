//! Compile failures remembered, so that a batch does not compile unchanged broken files again.
//!
//! Cargo keeps what built and rebuilds what failed, every time. A shipped course is mostly
//! exercises that do not compile yet, so a warm `dev check` or `verify` spent most of its time
//! recompiling files nobody had touched. A [`KnownFailure`] keeps a bin's diagnostics with the
//! rustc command cargo ran (its [`Recipe`], stamped like the fast path's) and the stamps of the
//! bin's own source files from rustc's dep-info. While all of those match, the bin's result
//! is known without compiling; any change, and cargo builds it again.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::build::Artifact;
use crate::build::cargo::Build;
use crate::build::compiled;
use crate::build::fast_path::{self, Recipe};
use crate::build::rustc::Diagnostic;
use crate::course::package;
use crate::files;

/// A bin whose compilation failed, and everything that failure depends on.
#[derive(Serialize, Deserialize)]
pub struct KnownFailure {
    bin: String,
    artifact: Artifact,
    color: bool,
    recipe: Recipe,
    /// The bin's own sources by content: a file put back with an old modification time is
    /// still a change.
    sources: Vec<(PathBuf, Option<String>)>,
    diagnostics: Vec<Diagnostic>,
}

fn path(root: &Path, bin: &str, artifact: Artifact) -> PathBuf {
    package::build_dir(root)
        .join("failures")
        .join(format!("{bin}.{}.json", artifact.file_kind()))
}

impl KnownFailure {
    /// The remembered failure of `bin`, if nothing it depends on has changed since.
    pub fn load(root: &Path, bin: &str, artifact: Artifact, color: bool) -> Option<Self> {
        let text = std::fs::read(path(root, bin, artifact)).ok()?;
        let known: KnownFailure = serde_json::from_slice(&text).ok()?;
        // The sources first: after a save they differ, and that costs one stat, not the
        // dozens of the recipe's stamp (this runs on every save).
        let current = known.bin == bin
            && known.recipe.belongs_to(root)
            && known.artifact == artifact
            && known.color == color
            && known
                .sources
                .iter()
                .all(|(path, hash)| hash_of(path) == *hash)
            && known.recipe.is_current();
        current.then_some(known)
    }

    /// Puts the failure into `build`, as if cargo had just reported it.
    pub fn apply(self, build: &mut Build) {
        for diagnostic in self.diagnostics {
            build.push_diagnostic(&self.bin, diagnostic);
        }
    }

    /// Remembers the failures among `bins` that `build` reports, and forgets the failures of
    /// bins that built. A failure is kept only when cargo's `-vv` command for it is known
    /// and none of its sources changed after `started` (a save during the build).
    pub fn record(
        root: &Path,
        manifest: &Path,
        bins: &[String],
        artifact: Artifact,
        color: bool,
        build: &Build,
        started: SystemTime,
    ) {
        let failed: HashSet<&str> = build.failed.iter().map(String::as_str).collect();
        for bin in bins {
            if !failed.contains(bin.as_str()) {
                if build.executables.contains_key(bin) {
                    let _ = std::fs::remove_file(path(root, bin, artifact));
                }
                continue;
            }
            let Some(recipe) = Recipe::learn(root, manifest, bin, artifact, &build.invocations)
            else {
                continue;
            };
            let Some(sources) = fast_path::own_sources(root, &recipe, started) else {
                continue;
            };
            let sources = sources
                .into_iter()
                .map(|path| {
                    let hash = hash_of(&path);
                    (path, hash)
                })
                .collect();
            let known = KnownFailure {
                bin: bin.clone(),
                artifact,
                color,
                recipe,
                sources,
                diagnostics: build.diagnostics.get(bin).cloned().unwrap_or_default(),
            };
            if let Ok(json) = serde_json::to_vec(&known) {
                let _ = files::write_atomically(&path(root, bin, artifact), &json);
            }
        }
    }
}

/// The content hash of `path`, `None` when it cannot be read.
fn hash_of(path: &Path) -> Option<String> {
    std::fs::read(path)
        .ok()
        .map(|bytes| compiled::content_hash(&bytes))
}
