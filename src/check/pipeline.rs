//! The check pipeline: is an exercise (or a solution) done?
//!
//! Done means it compiles; if it has tests they pass, else its `main` exits 0; and with strict
//! clippy, clippy reports nothing. One code path serves one exercise and a whole course: build
//! every requested bin in one cargo invocation (the test-harness build reports compile errors
//! too, so a save costs one compile), run the binaries ourselves in parallel under their time
//! limits, then clippy the ones that must be clippy-clean.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::build::cargo::{self, Build, Mode, ProgressFn};
use crate::build::compiled::{self, Ledger};
use crate::build::dependencies::Dependencies;
use crate::build::failures::KnownFailure;
use crate::build::fast_path::Recipe;
use crate::build::light;
use crate::check::libtest::{self, TestCounts};
use crate::check::results;
use crate::course::Course;
use crate::course::exercise::{Exercise, Variant};
use crate::course::package::ExercisePackage;
use crate::error::{Error, Result};
use crate::files::{self, Lock};
use crate::sandbox::guard::Sandbox;
use crate::sandbox::limits::Limits;
use crate::sandbox::process::{self, Cancel, Exit, OUTPUT_CAP};

/// One file to check.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub exercise: &'a Exercise,
    pub variant: Variant,
    /// Clippy must be clean: the exercise's `strict_clippy`, or always for solutions in
    /// `dev check`.
    pub strict: bool,
}

impl<'a> Item<'a> {
    /// The learner's file, with the exercise's own clippy setting.
    pub fn exercise(exercise: &'a Exercise) -> Self {
        Self {
            exercise,
            variant: Variant::Exercise,
            strict: exercise.strict_clippy,
        }
    }

    fn bin(&self) -> String {
        self.exercise.bin_name(self.variant)
    }
}

/// The verdict on one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Done,
    /// It does not compile.
    CompileError,
    /// Tests ran and some failed (or the test binary crashed).
    TestsFailed,
    /// The program (an exercise without tests) exited unsuccessfully.
    ProgramFailed,
    /// Tests or program ran past the exercise's time limit and were killed.
    TimedOut,
    /// Tests or program used more memory than the exercise's limit.
    OutOfMemory,
    /// Everything passed but clippy has something to say (strict exercises).
    ClippyWarnings,
    /// A newer check replaced this one.
    Cancelled,
    /// It could not be built for want of disk space: nothing is known about the code.
    DiskFull,
}

impl Verdict {
    /// Whether the check learned something about the code, so that progress may be recorded:
    /// not when it was cancelled or could not build for want of disk space.
    pub fn is_conclusive(self) -> bool {
        !matches!(self, Verdict::Cancelled | Verdict::DiskFull)
    }

    /// A few words for one-line reports.
    pub fn summary(self) -> &'static str {
        match self {
            Verdict::Done => "done",
            Verdict::CompileError => "does not compile",
            Verdict::TestsFailed => "tests fail",
            Verdict::ProgramFailed => "program fails",
            Verdict::TimedOut => "timed out",
            Verdict::OutOfMemory => "used too much memory",
            Verdict::ClippyWarnings => "clippy warnings",
            Verdict::Cancelled => "cancelled",
            Verdict::DiskFull => "not checked: the disk is full",
        }
    }
}

/// The result of checking one file: the verdict and what explains it.
#[derive(Debug)]
pub struct Outcome {
    pub verdict: Verdict,
    /// Compiler and clippy messages, rendered.
    pub diagnostics: String,
    /// What the tests or the program printed (capped).
    pub output: String,
    /// The test harness's counts, when tests ran.
    pub tests: Option<TestCounts>,
    /// The time limit, for the timeout message.
    pub timeout_secs: u64,
    /// The limits it ran with, for the messages when it went past one.
    pub limits: Limits,
}

#[cfg(test)]
impl Outcome {
    /// An outcome with only a verdict, for tests of what consumes outcomes (watch mode's
    /// state machine) without running a check.
    pub fn of(verdict: Verdict) -> Self {
        Self {
            verdict,
            diagnostics: String::new(),
            output: String::new(),
            tests: None,
            timeout_secs: 10,
            limits: Limits::DEFAULT,
        }
    }
}

/// How checks are carried out: colour, progress reporting, cancellation.
#[derive(Clone)]
pub struct Options {
    pub color: bool,
    pub progress: Option<ProgressFn>,
    pub cancel: Cancel,
    /// Run test harnesses with libtest's full output, one `test <name> ... ok` line per
    /// test, for the per-test reports of [`crate::report::formats`]; otherwise `-q`.
    pub per_test: bool,
    /// Keep the rustc command of every bin a batch build compiles (see [`crate::build::fast_path`]):
    /// `dev check`'s compile budget replays them. Otherwise only single checks keep theirs.
    pub keep_recipes: bool,
    /// The dependency build running in the background, if any: items that name a crate wait
    /// for it (showing its progress), items that name none are checked at once.
    pub dependencies: Option<Arc<Dependencies>>,
}

/// Checks every item: those whose source names none of the package's crates in the light
/// package (see [`light`]), at once; the others in the package itself, after the background
/// dependency build if there is one. Outcomes come back in the order of `items`.
pub fn check_all(
    course: &Course,
    package: &ExercisePackage,
    items: &[Item],
    options: &Options,
) -> Result<Vec<Outcome>> {
    let light = light::package(package)?;
    // Each bin's lock, whichever package builds it, before its file is read: the route, like
    // the verdict, is about the bytes read here.
    let _locks = lock_bins(&package.target_dir, items)?;
    let sources: Vec<Source> = items
        .iter()
        .map(|i| Source::read(&course.root, i, package))
        .collect();
    let (mut light_items, mut full_items) = (Vec::new(), Vec::new());
    let mut waiting_for = BTreeSet::new();
    for (i, source) in sources.iter().enumerate() {
        if std::ptr::eq(
            light::route(package, light.as_ref(), &source.crates),
            package,
        ) {
            full_items.push(i);
            waiting_for.extend(source.crates.iter().cloned());
        } else {
            light_items.push(i);
        }
    }
    let mut outcomes: Vec<Option<Outcome>> = items.iter().map(|_| None).collect();
    let mut check_group = |package: &ExercisePackage, group: &[usize]| -> Result<()> {
        if group.is_empty() {
            return Ok(());
        }
        let group_items: Vec<Item> = group.iter().map(|&i| items[i]).collect();
        let group_sources: Vec<Source> = group.iter().map(|&i| sources[i].clone()).collect();
        let checked = check_in(course, package, &group_items, group_sources, options)?;
        for (&i, outcome) in group.iter().zip(checked) {
            outcomes[i] = Some(outcome);
        }
        Ok(())
    };
    if let Some(light) = &light {
        check_group(light, &light_items)?;
    }
    if !full_items.is_empty() {
        let crates: Vec<String> = waiting_for.into_iter().collect();
        match (&options.dependencies, &options.progress) {
            (Some(dependencies), progress) => {
                dependencies.wait(&crates, progress.as_ref(), &options.cancel)
            }
            (None, Some(report)) => report(cargo::Progress::Needs(crates.into())),
            (None, None) => {}
        }
    }
    check_group(package, &full_items)?;
    Ok(outcomes
        .into_iter()
        .map(|o| o.expect("every item was checked"))
        .collect())
}

/// Checks every item in `package` (whose files were read as `sources`), building all of them
/// in one cargo graph and running them in parallel. Outcomes come back in the order of `items`.
fn check_in(
    course: &Course,
    package: &ExercisePackage,
    items: &[Item],
    sources: Vec<Source>,
    options: &Options,
) -> Result<Vec<Outcome>> {
    let bins_for = |test: bool| -> Vec<String> {
        items
            .iter()
            .filter(|i| i.exercise.test == test)
            .map(Item::bin)
            .collect()
    };
    let hashes: HashMap<String, Option<String>> = items
        .iter()
        .zip(&sources)
        .map(|(item, source)| (item.bin(), source.hash.clone()))
        .collect();
    let tests_build = build_bins(
        &course.root,
        package,
        &bins_for(true),
        true,
        &hashes,
        options,
    )?;
    let programs_build = build_bins(
        &course.root,
        package,
        &bins_for(false),
        false,
        &hashes,
        options,
    )?;

    let outcomes: Vec<Mutex<Option<Outcome>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    // One item (every save) needs no pool, nor the cgroup files that size one.
    let workers = match items.len() {
        0 | 1 => 1,
        n => std::thread::available_parallelism().map_or(1, |p| p.get().min(n)),
    };
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(i) else { break };
                    let build = if item.exercise.test {
                        &tests_build
                    } else {
                        &programs_build
                    };
                    let declared = sources[i].declared_tests;
                    let outcome = run_one(item, declared, build, package, options);
                    *outcomes[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
                }
            });
        }
    });
    let mut outcomes: Vec<Outcome> = outcomes
        .into_iter()
        .map(|o| {
            o.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every item was checked")
        })
        .collect();

    let strict: Vec<usize> = (0..items.len())
        .filter(|&i| items[i].strict && outcomes[i].verdict == Verdict::Done)
        .collect();
    if !strict.is_empty() {
        let bins: Vec<String> = strict.iter().map(|&i| items[i].bin()).collect();
        let clippy = cargo::build(
            package,
            &bins,
            Mode::Clippy,
            options.color,
            false,
            options.progress.clone(),
            &options.cancel,
        )?;
        for i in strict {
            let outcome = &mut outcomes[i];
            let bin = items[i].bin();
            if clippy.cancelled {
                outcome.verdict = Verdict::Cancelled;
            } else if clippy.diagnostics.get(&bin).is_some_and(|d| !d.is_empty()) {
                outcome.verdict = Verdict::ClippyWarnings;
                outcome.diagnostics = clippy.rendered(&bin);
            } else if !clippy.success && clippy.failed.contains(&bin) {
                outcome.verdict = Verdict::ClippyWarnings;
                outcome.diagnostics = clippy.failure_text(&bin);
            }
        }
    }
    Ok(outcomes)
}

/// Takes the lock of every bin of `items`, in one order so that two processes cannot wait
/// for each other. Two backlings processes checking the same file at once (watch mode, and
/// `run` in another terminal) would otherwise build a binary over the one the other is
/// starting ("Text file busy"); with the locks, one check waits for the other.
fn lock_bins(target_dir: &Path, items: &[Item]) -> Result<Vec<Lock>> {
    let dir = target_dir.join("locks");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
    let bins: BTreeSet<String> = items.iter().map(Item::bin).collect();
    bins.iter()
        .map(|bin| Ok(Lock::exclusive(&dir.join(format!("{bin}.lock")))?))
        .collect()
}

/// What a check knows of a file before building it: read before building, since the
/// verdict is about these bytes.
#[derive(Clone)]
struct Source {
    /// The hash of its bytes (see [`compiled`]); `None` when it cannot be read.
    hash: Option<String>,
    /// How many tests it declares.
    declared_tests: usize,
    /// The crates of the exercise package it names (see [`light`]).
    crates: Vec<String>,
}

impl Source {
    fn read(root: &Path, item: &Item, package: &ExercisePackage) -> Self {
        let path = root.join(item.exercise.variant_path(item.variant));
        let bytes = files::read(&path).ok();
        Self {
            hash: bytes.as_deref().map(compiled::content_hash),
            declared_tests: bytes.as_deref().map_or(0, |b| {
                results::declared_tests(&String::from_utf8_lossy(b)).len()
            }),
            crates: light::crates_named(package, bytes.as_deref()),
        }
    }
}

/// Builds the test harnesses (`test`) or the programs of `bins`, whose sources have `hashes`.
/// A bin whose failure to compile is known and still current is not compiled again (see
/// [`crate::build::failures`]); new failures are remembered.
fn build_bins(
    root: &Path,
    package: &ExercisePackage,
    bins: &[String],
    test: bool,
    hashes: &HashMap<String, Option<String>>,
    options: &Options,
) -> Result<Build> {
    let (mut known, mut rest) = (Vec::new(), Vec::new());
    for bin in bins {
        match KnownFailure::load(root, bin, test, options.color) {
            Some(failure) => known.push(failure),
            None => rest.push(bin.clone()),
        }
    }
    let manifest = &package.manifest_path;
    let cargo = |mode| {
        let progress = options.progress.clone();
        cargo::build(
            package,
            &rest,
            mode,
            options.color,
            true,
            progress,
            &options.cancel,
        )
    };
    let started = SystemTime::now();
    let mut build = match rest.as_slice() {
        [] => Build {
            success: true,
            ..Build::default()
        },
        [bin] if test => build_one_test(root, package, bin, options)?,
        _ if test => {
            // Selecting the bins is quickest while they all compile; past a failure, only
            // the whole test set can keep going.
            let build = cargo(Mode::Test)?;
            if build.success || build.cancelled {
                build
            } else {
                cargo(Mode::TestKeepGoing)?
            }
        }
        _ => cargo(Mode::Build)?,
    };
    if !build.cancelled {
        rebuild_unvouched(package, &mut build, &rest, test, hashes, options)?;
    }
    if !build.cancelled {
        KnownFailure::record(root, manifest, &rest, test, options.color, &build, started);
        if options.keep_recipes && rest.len() > 1 {
            for recipe in Recipe::learn_all(root, manifest, &rest, test, &build.invocations) {
                recipe.save(&package.target_dir);
            }
        }
    }
    for failure in known {
        failure.apply(&mut build);
    }
    Ok(build)
}

/// Makes sure that every binary `build` hands over was compiled from the bytes now on disk.
/// A binary cargo called fresh (by modification times) whose source content the
/// [`Ledger`] does not vouch for is deleted and built again; then every binary built is
/// recorded with the content it came from.
fn rebuild_unvouched(
    package: &ExercisePackage,
    build: &mut Build,
    bins: &[String],
    test: bool,
    hashes: &HashMap<String, Option<String>>,
    options: &Options,
) -> Result<()> {
    let ledger = Ledger::new(&package.target_dir);
    let hash = |bin: &str| hashes.get(bin).and_then(Option::as_deref);
    let unvouched: Vec<String> = bins
        .iter()
        .filter(|bin| build.fresh.contains(*bin))
        .filter(|bin| !hash(bin).is_some_and(|h| ledger.vouches_for(bin, test, h)))
        .cloned()
        .collect();
    if !unvouched.is_empty() {
        for bin in &unvouched {
            if let Some(executable) = build.executables.remove(bin) {
                // Cargo rebuilds a unit whose output is missing.
                let _ = std::fs::remove_file(executable);
            }
        }
        let mode = match (test, unvouched.len()) {
            (false, _) => Mode::Build,
            (true, 1) => Mode::Test,
            (true, _) => Mode::TestKeepGoing,
        };
        let again = cargo::build(
            package,
            &unvouched,
            mode,
            options.color,
            true,
            options.progress.clone(),
            &options.cancel,
        )?;
        build.replace_bins(again, &unvouched);
    }
    for bin in bins {
        if let (true, Some(hash)) = (build.executables.contains_key(bin), hash(bin)) {
            ledger.record(bin, test, hash);
        }
    }
    Ok(())
}

/// Builds the test harness of one bin, the path of every save: by replaying the rustc
/// command cargo used last time while nothing it depends on has changed (see
/// [`direct`](crate::build::fast_path)), else with cargo, learning the command for the next save.
fn build_one_test(
    root: &Path,
    package: &ExercisePackage,
    bin: &str,
    options: &Options,
) -> Result<Build> {
    let manifest = &package.manifest_path;
    if let Some(recipe) = Recipe::load(root, &package.target_dir, bin) {
        // rustc compiles whatever is on disk, whatever its modification time.
        if let Some(build) = recipe.compile(root, manifest, options.color, &options.cancel) {
            return Ok(build);
        }
        Recipe::forget(&package.target_dir, bin);
    }
    let bins = [bin.to_string()];
    let progress = options.progress.clone();
    let build = cargo::build(
        package,
        &bins,
        Mode::Test,
        options.color,
        true,
        progress,
        &options.cancel,
    )?;
    if let Some(recipe) = Recipe::learn(root, manifest, bin, true, &build.invocations) {
        recipe.save(&package.target_dir);
    }
    Ok(build)
}

/// Checks one item.
pub fn check_one(
    course: &Course,
    package: &ExercisePackage,
    item: Item,
    options: &Options,
) -> Result<Outcome> {
    Ok(check_all(course, package, &[item], options)?
        .pop()
        .expect("one item, one outcome"))
}

fn run_one(
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
