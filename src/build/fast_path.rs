//! The fast path for one save: replay the rustc invocation that cargo itself made for the same
//! bin, instead of running cargo again.
//!
//! After a one-line edit, `cargo test --no-run --bin X` spends about a third of its time
//! deciding that nothing but `X` needs work (≈135 ms with the course's dependency graph). The
//! rustc command cargo runs for `X` is the same every time as long as the manifests, the lock
//! file, the toolchain, the environment and the dependency artifacts are unchanged. So the
//! first check of a bin goes through cargo (`-vv` prints that command), the command is kept as
//! a [`Recipe`] with a stamp of everything it depends on, and later checks run rustc directly
//! while the stamp still matches. Anything unexpected falls back to cargo.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::build::Artifact;
use crate::build::cargo::Build;
use crate::build::rustc::{Line, PathCleaner};
use crate::files;
use crate::sandbox::guard::Sandbox;
use crate::sandbox::process::{self, Cancel, Streams};

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

/// Errors that mean the recipe no longer fits the artifacts on disk, not the learner's code.
const STALE_CODES: &[&str] = &[
    "E0460", "E0461", "E0462", "E0463", "E0464", "E0514", "E0519",
];

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
    build_env: Vec<(String, String)>,
}

/// Files with their length and modification time (`None`: the file did not exist).
pub type Stamp = Vec<(PathBuf, Option<(u64, u128)>)>;

/// Every file is as it was when stamped.
fn stamp_matches(stamp: &Stamp) -> bool {
    stamp.iter().all(|(path, s)| file_stamp(path) == *s)
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
                    stamp: stamped(files),
                    build_env: build_env(),
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
        (&self.program, &self.args, &self.env, &self.stamp).hash(hasher);
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
            let _ = std::fs::create_dir_all(target_dir.join("recipes"));
            let _ = files::write_atomically(&recipe_path(target_dir, &self.bin), &json);
        }
    }

    /// Drops the saved recipe of `bin`.
    pub fn forget(target_dir: &Path, bin: &str) {
        let _ = std::fs::remove_file(recipe_path(target_dir, bin));
    }

    /// Nothing the command depends on has changed since cargo ran it.
    pub fn is_current(&self) -> bool {
        self.build_env == build_env() && stamp_matches(&self.stamp)
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

    /// Compiles the test harness of the bin with rustc directly. `None` when the result
    /// cannot be trusted (rustc missing, dependency artifacts gone): the caller asks cargo.
    pub fn compile(
        &self,
        root: &Path,
        manifest: &Path,
        color: bool,
        cancel: &Cancel,
    ) -> Option<Build> {
        let mut command = Command::new(&self.program);
        command
            .args(self.args.iter().map(|a| with_color(a, color)))
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .current_dir(root);
        let streams = Streams {
            stdin: Stdio::null(),
            stdout: Stdio::null(),
            stderr: Stdio::piped(),
        };
        let Ok(spawned) = process::spawn_in_group(&command, streams, Sandbox::default(), cancel)
        else {
            return None;
        };
        let Some(mut child) = spawned else {
            return Some(Build {
                cancelled: true,
                ..Build::default()
            });
        };
        let stderr = BufReader::new(child.stderr.take().expect("stderr is piped"));
        let paths = PathCleaner::new(root, manifest);
        let mut build = Build::default();
        let mut stale = false;
        let mut built = None;
        for line in stderr.lines() {
            let Ok(line) = line else { break };
            match serde_json::from_str::<Line>(&line) {
                // Cargo prints its own summary instead of these two.
                Ok(Line::Diagnostic(m)) if m.is_summary() => {}
                Ok(Line::Diagnostic(m)) => {
                    stale |= STALE_CODES.contains(&m.code());
                    build.push_diagnostic(&self.bin, m.into_diagnostic(&paths));
                }
                Ok(Line::Artifact { artifact, emit }) if emit == "link" => {
                    built = Some(artifact);
                }
                Ok(_) => {}
                Err(_) => {
                    build.cargo_stderr.push_str(&line);
                    build.cargo_stderr.push('\n');
                }
            }
        }
        let status = process::finish(child, cancel).ok()?;
        build.cancelled = cancel.is_cancelled();
        if build.cancelled {
            return Some(build);
        }
        if stale || (!status.success() && !build.failed.contains(&self.bin)) {
            return None;
        }
        build.success = status.success();
        if build.success {
            let executable = built.unwrap_or_else(|| self.executable.clone());
            build.executables.insert(self.bin.clone(), executable);
        }
        Some(build)
    }
}

/// Cargo asks for rendered diagnostics with or without colour; so do we, per check.
fn with_color(arg: &str, color: bool) -> String {
    match arg.strip_prefix("--json=") {
        Some(kinds) => {
            let mut kinds: Vec<&str> = kinds
                .split(',')
                .filter(|k| *k != "diagnostic-rendered-ansi")
                .collect();
            if color {
                kinds.insert(0, "diagnostic-rendered-ansi");
            }
            format!("--json={}", kinds.join(","))
        }
        None => arg.to_string(),
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

fn build_env() -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> =
        std::env::vars().filter(|(k, _)| affects_build(k)).collect();
    env.sort();
    env
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
                    .or_insert_with_key(|d| local_sources(root, d))
                    .iter()
                    .cloned(),
            );
        }
    }
    let mut seen = HashSet::new();
    files.retain(|f| seen.insert(f.clone()));
    files
}

/// The sources the recipe's last compile read (the exercise file, and any module it pulled
/// in), from the dep-info rustc writes even when type checking fails. A syntax error stops
/// rustc before it writes one: then the crate's root file alone, if it pulls in no other file.
/// `None` when the sources are unknown, or one changed after `since` (during the build).
pub fn own_sources(root: &Path, recipe: &Recipe, since: SystemTime) -> Option<Vec<PathBuf>> {
    let mut dep_info = recipe.executable.clone().into_os_string();
    dep_info.push(".d");
    let since = since.duration_since(UNIX_EPOCH).ok()?.as_nanos();
    let mut sources = local_sources(root, Path::new(&dep_info));
    if sources.is_empty() {
        let file = root.join(recipe.args.iter().find(|a| a.ends_with(".rs"))?);
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
fn local_sources(root: &Path, dep_info: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(dep_info) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| l.strip_suffix(':'))
        .map(|p| root.join(p.replace("\\ ", " ")))
        .filter(|p| p.starts_with(root) && !p.starts_with(root.join("target")))
        .collect()
}

fn stamped(files: Vec<PathBuf>) -> Stamp {
    files
        .into_iter()
        .map(|p| {
            let s = file_stamp(&p);
            (p, s)
        })
        .collect()
}

fn file_stamp(path: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some((meta.len(), mtime.as_nanos()))
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

    #[test]
    fn colour_is_chosen_per_check() {
        let json = "--json=diagnostic-rendered-ansi,artifacts,future-incompat";
        assert_eq!(with_color(json, false), "--json=artifacts,future-incompat");
        assert_eq!(with_color(&with_color(json, false), true), json);
        assert_eq!(with_color("--test", false), "--test");
    }
}
