//! A recipe: the rustc command cargo ran for one bin, learned from the command lines cargo
//! prints under `-vv`, with the [stamp](super::stamp) of what it depends on; and its file in
//! the build directory, where the next check finds it.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::stamp::{self, Stamp};
use crate::build::Artifact;
use crate::files;

/// The exact rustc command cargo ran for one test bin, and what it depends on.
#[derive(Debug, Serialize, Deserialize)]
pub struct Recipe {
    /// The course directory the command was learned in: a course copied elsewhere together
    /// with `.backlings/` must not build into the original's directories.
    root: PathBuf,
    bin: String,
    env: Vec<(String, String)>,
    program: String,
    args: Vec<String>,
    executable: PathBuf,
    stamp: Stamp,
}

/// Where the recipe of `bin` is kept, beside the binaries of the package whose target
/// directory is `target_dir` (a bin has one recipe in the light package and one in the full
/// one, see [`crate::build::light`]).
fn recipe_path(target_dir: &Path, bin: &str) -> PathBuf {
    target_dir.join("recipes").join(format!("{bin}.json"))
}

impl Recipe {
    /// The recipe for `bin`'s `artifact` from one of cargo's `-vv`
    /// "Running `…`" lines, if one is there.
    pub fn learn(
        root: &Path,
        manifest: &Path,
        bin: &str,
        artifact: Artifact,
        invocations: &[String],
    ) -> Option<Self> {
        Self::learn_all(root, manifest, &[bin.to_string()], artifact, invocations).pop()
    }

    /// The recipes of every bin of `bins` that cargo compiled in a batch build. Each command
    /// line is parsed once, and the support library's sources are read once for all bins.
    pub fn learn_all(
        root: &Path,
        manifest: &Path,
        bins: &[String],
        artifact: Artifact,
        invocations: &[String],
    ) -> Vec<Self> {
        let wanted: HashSet<&str> = bins.iter().map(String::as_str).collect();
        let mut sources = HashMap::new();
        invocations
            .iter()
            .filter_map(|line| {
                let words = split_shell_words(line)?;
                let split = words.iter().position(|w| !is_assignment(w))?;
                let (env, command) = words.split_at(split);
                let (program, args) = command.split_first()?;
                let crate_name = args.iter().position(|a| a == "--crate-name")?;
                let bin = args.get(crate_name + 1)?;
                if !wanted.contains(bin.as_str())
                    || args.iter().any(|a| a == "--test") != artifact.is_test()
                {
                    return None;
                }
                let env = env
                    .iter()
                    .filter_map(|w| w.split_once('='))
                    .filter(|(k, _)| !k.ends_with("MAKEFLAGS") && *k != "MFLAGS")
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                let files = watched_files(root, manifest, program, args, &mut sources);
                Some(Recipe {
                    root: root.to_path_buf(),
                    bin: bin.clone(),
                    env,
                    program: program.clone(),
                    args: with_incremental(args),
                    executable: executable(args, bin)?,
                    stamp: Stamp::of(files),
                })
            })
            .collect()
    }

    /// Whether the recipe was learned in the course directory `root`. Builds of two courses
    /// may share a build directory (a course copied with its `target/`, or linked to one).
    pub fn belongs_to(&self, root: &Path) -> bool {
        self.root == root
    }

    /// The bin this recipe compiles.
    pub fn bin(&self) -> &str {
        &self.bin
    }

    /// Feeds what the command's result depends on to `hasher`: the command, and the stamps of
    /// the toolchain, manifests and dependency artifacts.
    pub fn hash_inputs(&self, hasher: &mut impl Hasher) {
        (&self.program, &self.args, &self.env, self.stamp.files()).hash(hasher);
    }

    /// The saved recipe of `bin` in the target directory `target_dir`, if it is still valid.
    pub fn load(root: &Path, target_dir: &Path, bin: &str) -> Option<Self> {
        let text = std::fs::read(recipe_path(target_dir, bin)).ok()?;
        let recipe: Recipe = serde_json::from_slice(&text).ok()?;
        (recipe.belongs_to(root) && recipe.bin == bin && recipe.is_current()).then_some(recipe)
    }

    /// Keeps the recipe for the next check. A failure only costs speed, so it is ignored.
    pub fn save(&self, target_dir: &Path) {
        if let Ok(json) = serde_json::to_vec(self) {
            let _ = files::write_atomically(&recipe_path(target_dir, &self.bin), &json);
        }
    }

    /// Drops the saved recipe of `bin`.
    pub fn forget(target_dir: &Path, bin: &str) {
        let _ = std::fs::remove_file(recipe_path(target_dir, bin));
    }

    /// Nothing the command depends on has changed since cargo ran it.
    pub fn is_current(&self) -> bool {
        self.stamp.is_current()
    }

    /// The compiler this recipe runs.
    pub fn program(&self) -> &str {
        &self.program
    }

    /// The compiler's arguments, as cargo passed them (and compiling incrementally).
    pub fn args(&self) -> &[String] {
        &self.args
    }

    /// The environment cargo ran the compiler in.
    pub fn env(&self) -> &[(String, String)] {
        &self.env
    }

    /// The test executable the command writes, unless rustc says otherwise.
    pub(super) fn executable(&self) -> &Path {
        &self.executable
    }
}

/// The same command compiling incrementally. Cargo builds without incremental caches (see
/// [`cargo::build`](crate::build::cargo::build)), but a learner saves the same file over and over:
/// with the cache beside cargo's own, a save of a rusqlite exercise compiles in ≈200 ms
/// instead of ≈440 ms.
fn with_incremental(args: &[String]) -> Vec<String> {
    let mut args = args.to_vec();
    let has_incremental = args.iter().any(|a| a.starts_with("incremental="));
    let out_dir = args.iter().position(|a| a == "--out-dir");
    if let (false, Some(i)) = (has_incremental, out_dir)
        && let Some(dir) = args.get(i + 1).map(Path::new).and_then(Path::parent)
    {
        let cache = dir.join("incremental").to_string_lossy().into_owned();
        args.extend(["-C".to_string(), format!("incremental={cache}")]);
    }
    args
}

/// A shell word that sets a variable for the command: `KEY=value`.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(k, _)| {
        !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// `--out-dir D` and `-C extra-filename=E` name the test executable `D/<bin>E`.
fn executable(args: &[String], bin: &str) -> Option<PathBuf> {
    let out_dir = args.iter().position(|a| a == "--out-dir")?;
    let extra = args
        .iter()
        .find_map(|a| a.strip_prefix("extra-filename="))
        .unwrap_or("");
    Some(Path::new(args.get(out_dir + 1)?).join(format!("{bin}{extra}")))
}

/// Everything whose change would change cargo's command or make its artifacts stale.
/// `sources` remembers the local sources of each dependency artifact across calls.
fn watched_files(
    root: &Path,
    manifest: &Path,
    program: &str,
    args: &[String],
    sources: &mut HashMap<PathBuf, Vec<PathBuf>>,
) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = vec![
        root.join("Cargo.toml"),
        root.join("Cargo.lock"),
        manifest.to_path_buf(),
        root.join("rust-toolchain"),
        root.join("rust-toolchain.toml"),
        root.join(".cargo/config.toml"),
        root.join(".cargo/config"),
        PathBuf::from(program),
    ];
    for rlib in args
        .iter()
        .filter_map(|a| a.split_once('=').map(|(_, p)| p))
        .filter(|p| p.ends_with(".rlib") || p.ends_with(".so"))
    {
        let rlib = Path::new(rlib);
        files.push(rlib.to_path_buf());
        if let Some(stem) = rlib.file_stem().and_then(|s| s.to_str()) {
            let dep_info = rlib.with_file_name(format!("{}.d", stem.trim_start_matches("lib")));
            files.extend(
                sources
                    .entry(dep_info)
                    .or_insert_with_key(|d| stamp::local_sources(root, d))
                    .iter()
                    .cloned(),
            );
        }
    }
    let mut seen = HashSet::new();
    files.retain(|f| seen.insert(f.clone()));
    files
}

/// The words of one of cargo's "Running `…`" lines: a command line as cargo quotes it for a
/// POSIX shell, split by shlex (already in the course's build graph, through cc).
fn split_shell_words(line: &str) -> Option<Vec<String>> {
    let line = line.trim().strip_prefix("Running `")?.strip_suffix('`')?;
    shlex::split(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_compile_incrementally_into_cargos_cache_directory() {
        let args = |words: &str| words.split(' ').map(String::from).collect::<Vec<_>>();
        let without = args("--crate-name x --out-dir /t/debug/deps --test x.rs");
        assert_eq!(
            with_incremental(&without),
            args(
                "--crate-name x --out-dir /t/debug/deps --test x.rs -C incremental=/t/debug/incremental"
            )
        );
        let with = args("-C incremental=/elsewhere --out-dir /t/debug/deps");
        assert_eq!(with_incremental(&with), with);
    }

    #[test]
    fn cargo_command_lines_split_into_env_program_and_args() {
        let line = "     Running `CARGO_PKG_NAME=course CARGO_PKG_AUTHORS='' \
                    LD_LIBRARY_PATH='/t/deps:/lib' /bin/rustc --crate-name x_1 \
                    '--allow=clippy::todo' --check-cfg 'cfg(feature, values())' \
                    --out-dir /t/deps -C extra-filename=-abc --test it\\'s`";
        let words = split_shell_words(line).unwrap();
        assert_eq!(
            words,
            [
                "CARGO_PKG_NAME=course",
                "CARGO_PKG_AUTHORS=",
                "LD_LIBRARY_PATH=/t/deps:/lib",
                "/bin/rustc",
                "--crate-name",
                "x_1",
                "--allow=clippy::todo",
                "--check-cfg",
                "cfg(feature, values())",
                "--out-dir",
                "/t/deps",
                "-C",
                "extra-filename=-abc",
                "--test",
                "it's",
            ]
        );
        let recipe = Recipe::learn(
            Path::new("/nowhere"),
            Path::new("/nowhere/Cargo.toml"),
            "x_1",
            Artifact::TestHarness,
            &[line.into()],
        )
        .unwrap();
        assert_eq!(recipe.program, "/bin/rustc");
        assert_eq!(recipe.env.len(), 3);
        assert_eq!(recipe.executable, Path::new("/t/deps/x_1-abc"));
        let other = |bin, test| {
            Recipe::learn(
                Path::new("/n"),
                Path::new("/n/C"),
                bin,
                test,
                &[line.into()],
            )
        };
        assert!(
            other("x", Artifact::TestHarness).is_none(),
            "another bin's command"
        );
        assert!(
            other("x_1", Artifact::Program).is_none(),
            "the test harness is not the program"
        );
    }
}
