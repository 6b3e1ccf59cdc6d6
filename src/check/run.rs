//! Running one built binary the way a grader does: its tests (or its program) under the
//! exercise's limits and time limit, in the sandbox, and judging how it ended. A test run is
//! trusted only when libtest's closing line accounts for every test the file declares.

use std::path::Path;
use std::process::Command;

use super::request::{Item, Options};
use super::verdict::{Outcome, Verdict};
use crate::build::cargo::Build;
use crate::check::{libtest, stages};
use crate::course::package::ExercisePackage;
use crate::sandbox::guard::Sandbox;
use crate::sandbox::process::{self, Exit, OUTPUT_CAP};

/// Runs `item`'s binary from `build` (its file declares `declared_tests` tests) and judges it.
pub fn run_one(
    item: &Item,
    declared_tests: usize,
    build: &Build,
    package: &ExercisePackage,
    options: &Options,
) -> Outcome {
    let target_dir = &package.target_dir;
    let package_dir = package.manifest_path.parent().unwrap_or(Path::new("."));
    let bin = item.bin();
    let exercise = item.exercise;
    let mut outcome = Outcome {
        verdict: Verdict::Cancelled,
        diagnostics: build.rendered(&bin),
        output: String::new(),
        tests: None,
        timeout_secs: exercise.timeout.as_secs(),
        limits: exercise.limits,
        stage: None,
    };
    if build.cancelled || options.cancel.is_cancelled() {
        return outcome;
    }
    let Some(executable) = build.executables.get(&bin) else {
        outcome.diagnostics = build.failure_text(&bin);
        outcome.verdict = if out_of_space(&outcome.diagnostics, target_dir) {
            Verdict::DiskFull
        } else {
            Verdict::CompileError
        };
        return outcome;
    };

    let mut command = Command::new(executable);
    command.current_dir(package_dir).env("RUST_BACKTRACE", "0");
    if exercise.test {
        let color = if options.color { "always" } else { "never" };
        command.args(["--color", color]);
        if !options.per_test {
            command.arg("-q");
        }
    }
    let sandbox = Sandbox {
        limits: Some(exercise.limits),
        isolate_network: true,
    };
    let run = process::run(
        &command,
        sandbox,
        Some(exercise.timeout),
        OUTPUT_CAP,
        &options.cancel,
    );
    let finished = match run {
        Ok(finished) => finished,
        Err(e) => {
            outcome.verdict = Verdict::ProgramFailed;
            outcome.output = format!("could not start {}: {e}\n", executable.display());
            return outcome;
        }
    };
    outcome.output = finished.output.text();
    let report = exercise
        .test
        .then(|| libtest::Report::read(&outcome.output));
    outcome.tests = report.as_ref().and_then(|r| r.counts());
    let (verdict, why) = judge(finished.exit, report.as_ref(), declared_tests, &outcome);
    outcome.verdict = verdict;
    outcome.stage = stages::grade(&exercise.stages, verdict, &outcome.output);
    if let Some(why) = why {
        if !outcome.output.is_empty() && !outcome.output.ends_with('\n') {
            outcome.output.push('\n');
        }
        outcome.output.push_str(&format!("\n({why})\n"));
    }
    outcome
}

/// The verdict on a finished run, and what to add to its output when the output alone does not
/// say what happened. A test run is done only when libtest reported, in its closing line, that
/// every test the file declares passed: exiting early with code 0 is not a pass.
fn judge(
    exit: Exit,
    report: Option<&libtest::Report>,
    declared_tests: usize,
    outcome: &Outcome,
) -> (Verdict, Option<String>) {
    let failed = if report.is_some() {
        Verdict::TestsFailed
    } else {
        Verdict::ProgramFailed
    };
    match exit {
        Exit::Cancelled => (Verdict::Cancelled, None),
        Exit::TimedOut => (Verdict::TimedOut, None),
        Exit::Signal(libc::SIGABRT) if outcome.output.contains("memory allocation of ") => {
            (Verdict::OutOfMemory, None)
        }
        Exit::Signal(libc::SIGXFSZ) => (
            failed,
            Some(format!(
                "it wrote a file larger than {} MiB, the limit for files, and was stopped",
                outcome.limits.file_size_mb
            )),
        ),
        Exit::Signal(signal) => (
            failed,
            Some(format!(
                "the process was killed by signal {signal} ({}): a crash, an abort or a stack overflow?",
                signal_name(signal)
            )),
        ),
        Exit::Code(code) => match report {
            None if code == 0 => (Verdict::Done, None),
            None => (failed, None),
            Some(report) => match report.missing(declared_tests) {
                None if code == 0 => (Verdict::Done, None),
                None => (failed, None),
                Some(missing) => (failed, Some(missing.explain(code))),
            },
        },
    }
}

/// Free space below which a failed build is put down to the disk: linking one exercise
/// writes tens of MiB.
const LOW_SPACE: u64 = 100 * 1024 * 1024;

/// Whether a build that left no binary failed for want of disk space rather than because of
/// the code: the system said so, or the drive of the build directory is nearly full and no
/// error points into a source file (a linker killed by SIGBUS on a full disk says nothing
/// about space).
fn out_of_space(failure: &str, target_dir: &Path) -> bool {
    let plain = console::strip_ansi_codes(failure);
    let said_so = [
        "No space left on device",
        "os error 28",
        "Disk quota exceeded",
    ]
    .iter()
    .any(|words| plain.contains(words));
    let points_at_code = plain
        .lines()
        .any(|line| line.trim_start().starts_with("--> "));
    said_so || (!points_at_code && free_space(target_dir).is_some_and(|free| free < LOW_SPACE))
}

/// Bytes free for an unprivileged user on the drive of `dir` (or of its closest existing
/// ancestor).
fn free_space(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let existing = dir.ancestors().find(|d| d.exists())?;
    let path = std::ffi::CString::new(existing.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs fills a zeroed struct for a NUL-terminated path.
    let mut stats: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(path.as_ptr(), &mut stats) } != 0 {
        return None;
    }
    Some(stats.f_bavail as u64 * stats.f_frsize as u64)
}

/// A signal's usual name, for people.
fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGABRT => "SIGABRT",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGTERM => "SIGTERM",
        libc::SIGPIPE => "SIGPIPE",
        _ => "another signal",
    }
}
