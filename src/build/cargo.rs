//! Building exercise binaries with cargo: one cargo invocation for any number of bins (so a
//! whole course builds in one graph over every core), its JSON messages sorted per bin, and
//! its own progress counter passed on so that the first, long build is never a silent wait.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use serde::Deserialize;

use crate::build::rustc::{self, Diagnostic, PathCleaner};
use crate::course::package::ExercisePackage;
use crate::error::{Error, Result};
use crate::sandbox::guard::{self, Sandbox};
use crate::sandbox::process::{self, Cancel, Streams};

/// What to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The test harness (`cargo test --no-run`): compile errors and a test binary in one go.
    /// Stops at the first bin that fails to compile.
    Test,
    /// The test harnesses of the package's whole test set, whatever fails on the way
    /// (`cargo build --tests --keep-going`); results are kept for the bins asked for.
    TestKeepGoing,
    /// The plain program (`cargo build`), for exercises without tests.
    Build,
    /// Clippy on the test profile, for `strict_clippy` exercises.
    Clippy,
    /// What every bin needs before it can compile: the dependencies and the library
    /// (`cargo build --lib`, or the bins given when the package has no library), at low CPU
    /// priority, so that the checks a learner waits for come first.
    Dependencies,
}

/// Cargo's own progress: `done` of `total` units, or waiting for another cargo's lock; or
/// a check waiting for the background build of the crates it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Units {
        done: u32,
        total: u32,
    },
    WaitingForLock,
    /// The next build is for files that name these crates (a build of the dependencies, if
    /// they are not built yet, is for them).
    Needs(Arc<[String]>),
    WaitingForCrates {
        crates: Arc<[String]>,
        done: u32,
        total: u32,
        /// How long the dependency build has been running.
        elapsed: Duration,
    },
}

/// Receives progress from the thread that reads cargo's stderr.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// The result of one cargo invocation, per requested bin.
#[derive(Debug, Default)]
pub struct Build {
    /// Bins that built: their executable (none in clippy mode).
    pub executables: HashMap<String, PathBuf>,
    /// Compiler (or clippy) messages of each bin, in the order cargo reported them.
    pub diagnostics: HashMap<String, Vec<Diagnostic>>,
    /// Bins whose compilation failed.
    pub failed: HashSet<String>,
    /// Bins cargo did not compile because it judged them fresh (by modification times).
    pub fresh: HashSet<String>,
    /// What cargo itself said on stderr (progress lines left out), for failures that no
    /// diagnostic explains, such as a broken manifest.
    pub cargo_stderr: String,
    /// The rustc command lines cargo printed (with `learn`): see [`crate::build::fast_path`].
    pub invocations: Vec<String>,
    /// Cargo's exit status was success.
    pub success: bool,
    pub cancelled: bool,
}

impl Build {
    /// Records a message of `bin`; an error marks the bin as failed.
    pub fn push_diagnostic(&mut self, bin: &str, diagnostic: Diagnostic) {
        if diagnostic.is_error() {
            self.failed.insert(bin.to_string());
        }
        self.diagnostics
            .entry(bin.to_string())
            .or_default()
            .push(diagnostic);
    }

    /// Takes over `other`'s results for `bins` (a second build of them), dropping this build's.
    pub fn replace_bins(&mut self, other: Build, bins: &[String]) {
        let mut other = other;
        for bin in bins {
            self.failed.remove(bin);
            self.fresh.remove(bin);
            self.executables.remove(bin);
            self.diagnostics.remove(bin);
            if other.failed.remove(bin) {
                self.failed.insert(bin.clone());
            }
            if other.fresh.remove(bin) {
                self.fresh.insert(bin.clone());
            }
            if let Some(executable) = other.executables.remove(bin) {
                self.executables.insert(bin.clone(), executable);
            }
            if let Some(diagnostics) = other.diagnostics.remove(bin) {
                self.diagnostics.insert(bin.clone(), diagnostics);
            }
        }
        self.cargo_stderr.push_str(&other.cargo_stderr);
        self.invocations.extend(other.invocations);
        self.success &= other.success;
        self.cancelled |= other.cancelled;
    }

    /// The diagnostics of `bin`, rendered and joined.
    pub fn rendered(&self, bin: &str) -> String {
        self.diagnostics
            .get(bin)
            .into_iter()
            .flatten()
            .map(|d| d.rendered.as_str())
            .collect()
    }

    /// Why `bin` has no result: its errors, or cargo's own complaint.
    pub fn failure_text(&self, bin: &str) -> String {
        let rendered = self.rendered(bin);
        if self.failed.contains(bin) && !rendered.is_empty() {
            rendered
        } else if self.cargo_stderr.trim().is_empty() {
            "cargo stopped without building it and without saying why\n".to_string()
        } else {
            self.cargo_stderr.clone()
        }
    }
}

#[derive(Deserialize)]
struct Message {
    reason: String,
    target: Option<Target>,
    profile: Option<Profile>,
    executable: Option<PathBuf>,
    fresh: Option<bool>,
    /// A `compiler-message`'s diagnostic, as rustc printed it.
    message: Option<rustc::Message>,
    package_id: Option<String>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

#[derive(Deserialize)]
struct Profile {
    test: bool,
}

/// The cargo to run: the one that started us if any (`cargo run`), else the one on PATH.
pub fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// One cargo invocation: which bins of which package, built how, reported where.
pub struct Request<'a> {
    pub package: &'a ExercisePackage,
    pub bins: &'a [String],
    pub mode: Mode,
    /// Diagnostics rendered with ANSI colours.
    pub color: bool,
    /// Cargo also prints the rustc commands it runs (`-vv`), so that the next check of a bin
    /// can replay its command (see [`crate::build::fast_path`]).
    pub learn: bool,
    /// Told of cargo's progress as it builds.
    pub progress: Option<ProgressFn>,
}

/// The cargo command line for `request`.
fn command(request: &Request) -> Command {
    let &Request {
        package,
        bins,
        mode,
        color,
        learn,
        ..
    } = request;
    let mut command = Command::new(cargo_program());
    // `cargo test` has no --keep-going, and `cargo build` selects test-mode bins only all
    // at once (--tests): a batch that must keep going past a broken bin builds the
    // package's whole test set in one graph and keeps what it asked for.
    let select_bins = match mode {
        Mode::Test => {
            command.args(["test", "--no-run"]);
            true
        }
        Mode::TestKeepGoing => {
            command.args(["build", "--tests", "--keep-going"]);
            false
        }
        Mode::Build => {
            command.args(["build", "--keep-going"]);
            true
        }
        Mode::Clippy => {
            command.args(["clippy", "--keep-going", "--profile", "test"]);
            true
        }
        Mode::Dependencies if bins.is_empty() => {
            command.args(["build", "--lib"]);
            false
        }
        Mode::Dependencies => {
            command.args(["build"]);
            true
        }
    };
    let format = if color {
        "--message-format=json-diagnostic-rendered-ansi"
    } else {
        "--message-format=json"
    };
    command
        .arg("--manifest-path")
        .arg(&package.manifest_path)
        .arg("--target-dir")
        .arg(&package.target_dir)
        .arg(format);
    for bin in bins.iter().filter(|_| select_bins) {
        command.args(["--bin", bin]);
    }
    if learn {
        command.arg("-vv");
    }
    command
        // Whole-graph builds compile each bin once; writing incremental caches for them costs
        // ~40% more (cold `dev check`). The fast path turns incremental on for the one bin a
        // learner keeps saving (see `direct`). Every cargo call here sets it alike, so that
        // cargo's fingerprints agree across single checks and batches.
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_TERM_PROGRESS_WHEN", "always")
        .env("CARGO_TERM_PROGRESS_WIDTH", "100")
        .env("CARGO_TERM_COLOR", "never");
    command
}

/// Builds the request's bins in one cargo invocation; `cancel` stops it.
pub fn build(request: Request, cancel: &Cancel) -> Result<Build> {
    let command = command(&request);
    let Request {
        package,
        bins,
        mode,
        progress,
        ..
    } = request;
    let manifest = &package.manifest_path;
    let streams = Streams {
        stdin: Stdio::null(),
        stdout: Stdio::piped(),
        stderr: Stdio::piped(),
    };
    let no_cargo = |why: &dyn std::fmt::Display| {
        Error::environment(format!(
            "could not run cargo ({why}).\n  backlings needs Rust's cargo on PATH: install it from https://rustup.rs"
        ))
    };
    let spawned = process::spawn_in_group(&command, streams, Sandbox::default(), cancel)
        .map_err(|e| no_cargo(&e))?;
    let Some(mut child) = spawned else {
        return Ok(Build {
            cancelled: true,
            ..Build::default()
        });
    };
    if mode == Mode::Dependencies {
        process::lower_priority(child.id());
    }

    let stderr = child.stderr.take().expect("stderr is piped");
    let stderr_reader = thread::spawn(move || read_stderr(stderr, progress));

    let wanted: HashSet<&str> = bins.iter().map(String::as_str).collect();
    let paths = PathCleaner::new(&package.root, manifest);
    let mut build = Build::default();
    let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    for line in stdout.lines() {
        let Ok(line) = line else { break };
        let Ok(message) = serde_json::from_str::<Message>(&line) else {
            continue;
        };
        record(&mut build, &wanted, mode, message, &paths);
    }
    let status = process::finish(child, cancel)
        .map_err(|e| Error::environment(format!("cargo failed: {e}")))?;
    let (stderr, invocations) = stderr_reader.join().unwrap_or_default();
    // The dependencies' compiler errors (from stdout) come first: they are the cause.
    build.cargo_stderr.push_str(&stderr);
    build.invocations = invocations;
    if status.code() == Some(guard::COULD_NOT_START) {
        return Err(no_cargo(&build.cargo_stderr.trim()));
    }
    build.success = status.success();
    build.cancelled = cancel.is_cancelled();
    Ok(build)
}

fn record(
    build: &mut Build,
    wanted: &HashSet<&str>,
    mode: Mode,
    message: Message,
    paths: &PathCleaner,
) {
    let Some(target) = message.target else { return };
    let is_bin = target.kind.iter().any(|k| k == "bin");
    match message.reason.as_str() {
        "compiler-message" if is_bin && wanted.contains(target.name.as_str()) => {
            let Some(m) = message.message else { return };
            build.push_diagnostic(&target.name, m.into_diagnostic(paths));
        }
        "compiler-message" => {
            // A dependency or the course's support library failed: every bin depends on it,
            // so its errors are what the learner needs to see.
            let Some(m) = message.message else { return };
            let diagnostic = m.into_diagnostic(paths);
            if diagnostic.is_error() {
                let package = message.package_id.unwrap_or_default();
                build
                    .cargo_stderr
                    .push_str(&format!("{}\n(in {package})\n", diagnostic.rendered));
            }
        }
        "compiler-artifact" if is_bin && wanted.contains(target.name.as_str()) => {
            let test_build = message.profile.is_some_and(|p| p.test);
            let matches_mode = match mode {
                Mode::Test | Mode::TestKeepGoing => test_build,
                Mode::Build => !test_build,
                Mode::Clippy | Mode::Dependencies => false,
            };
            if let (true, Some(exe)) = (matches_mode, message.executable) {
                if message.fresh == Some(true) {
                    build.fresh.insert(target.name.clone());
                }
                build.executables.insert(target.name, exe);
            }
        }
        _ => {}
    }
}

/// Reads cargo's stderr: progress lines go to `progress`, rustc command lines (`-vv`) and
/// the rest are returned.
fn read_stderr(stderr: impl Read, progress: Option<ProgressFn>) -> (String, Vec<String>) {
    let mut reader = BufReader::new(stderr);
    let mut kept = String::new();
    let mut invocations = Vec::new();
    let mut chunk = Vec::new();
    loop {
        chunk.clear();
        // Cargo redraws its progress bar with '\r'; other lines end with '\n'.
        match read_until_any(&mut reader, &mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&chunk);
        let line = line.trim_end_matches(['\r', '\n']);
        if let Some(p) = parse_progress(line) {
            if p == Progress::WaitingForLock {
                kept.push_str(line.trim());
                kept.push('\n');
            }
            if let Some(report) = &progress {
                report(p);
            }
        } else if line.trim_start().starts_with("Running `") {
            invocations.push(line.trim().to_string());
        } else if !line.trim().is_empty() && !is_noise(line) {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    (kept, invocations)
}

fn read_until_any(reader: &mut impl BufRead, out: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut read = 0;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(read);
        }
        if let Some(i) = buf.iter().position(|&b| b == b'\n' || b == b'\r') {
            out.extend_from_slice(&buf[..=i]);
            reader.consume(i + 1);
            return Ok(read + i + 1);
        }
        let n = buf.len();
        out.extend_from_slice(buf);
        reader.consume(n);
        read += n;
    }
}

/// Cargo's status lines that say nothing a learner needs.
fn is_noise(line: &str) -> bool {
    let word = line.split_whitespace().next().unwrap_or("");
    matches!(
        word,
        "Compiling" | "Finished" | "Checking" | "Executable" | "Fresh" | "Dirty" | "Locking"
            | "Adding"
    ) || line.starts_with("error: could not compile")
        || (word.starts_with('[') && line.contains("] ")) // build-script output under -vv
        || (line.starts_with("warning: `") && line.contains("generated"))
        || line.starts_with("warning: build failed, waiting for other jobs")
        // Under -vv, the command line of a rustc that failed, after its errors were shown.
        || line == "Caused by:"
        || line.trim_start().starts_with("process didn't exit successfully: `")
}

/// `    Building [=====>    ] 34/72: serde, syn` → 34 of 72 units.
fn parse_progress(line: &str) -> Option<Progress> {
    let line = line.trim_start();
    if line.starts_with("Blocking waiting for file lock") {
        return Some(Progress::WaitingForLock);
    }
    let rest = line.strip_prefix("Building [")?;
    let counts = rest.split_once(']')?.1.trim_start();
    let counts = counts.split(':').next()?;
    let (done, total) = counts.split_once('/')?;
    Some(Progress::Units {
        done: done.trim().parse().ok()?,
        total: total.trim().parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_progress_lines_are_read_as_units() {
        assert_eq!(
            parse_progress("    Building [=============>    ] 34/72: syn, serde(build)"),
            Some(Progress::Units {
                done: 34,
                total: 72
            })
        );
        assert_eq!(
            parse_progress("    Building [ ] 0/2: itoa"),
            Some(Progress::Units { done: 0, total: 2 })
        );
        assert_eq!(
            parse_progress("    Blocking waiting for file lock on build directory"),
            Some(Progress::WaitingForLock)
        );
        assert_eq!(parse_progress("   Compiling itoa v1.0.18"), None);
    }

    #[test]
    fn stderr_keeps_what_matters_and_reports_progress() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = seen.clone();
        let progress: ProgressFn = Arc::new(move |p| sink.lock().unwrap().push(p));
        let stderr = "   Compiling a v0.1.0\n    Building [==> ] 1/3: a\r    Building [====> ] 2/3: b\r\
                      error: no bin target named `nope`\n    Finished `dev` profile\n";
        let (kept, invocations) = read_stderr(stderr.as_bytes(), Some(progress));
        assert_eq!(kept, "error: no bin target named `nope`\n");
        assert!(invocations.is_empty());
        assert_eq!(
            *seen.lock().unwrap(),
            [
                Progress::Units { done: 1, total: 3 },
                Progress::Units { done: 2, total: 3 }
            ]
        );
    }
}
