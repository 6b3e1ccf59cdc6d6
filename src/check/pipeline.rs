//! The check pipeline: is an exercise (or a solution) done?
//!
//! Done means it compiles; if it has tests they pass, else its `main` exits 0; and with strict
//! clippy, clippy reports nothing. One code path serves one exercise and a whole course: build
//! every requested bin in one cargo invocation (the test-harness build reports compile errors
//! too, so a save costs one compile), run the binaries ourselves in parallel under their time
//! limits, then clippy the ones that must be clippy-clean.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use super::events::Event;
use super::request::{Item, Options};
use super::run::run_one;
use super::verdict::{Outcome, Verdict};
use crate::build::Artifact;
use crate::build::cargo::{self, Build, Mode};
use crate::build::compiled::{self, Ledger};
use crate::build::failures::KnownFailure;
use crate::build::fast_path::Recipe;
use crate::build::light;
use crate::check::results;
use crate::course::Course;
use crate::course::package::ExercisePackage;
use crate::error::{Error, Result};
use crate::files::{self, Lock};

/// Checks every item: those whose source names none of the package's crates in the light
/// package (see [`light`]), at once; the others in the package itself, after the background
/// dependency build if there is one. Outcomes come back in the order of `items`.
pub fn check_all(
    course: &Course,
    package: &ExercisePackage,
    items: &[Item],
    options: &Options,
) -> Result<Vec<Outcome>> {
    options.emit(Event::Started { items: items.len() });
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
        let checked = check_in(course, package, &group_items, group, group_sources, options)?;
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
        match &options.dependencies {
            Some(dependencies) => {
                dependencies.wait(&crates, options.progress().as_ref(), &options.cancel)
            }
            None => options.emit(Event::Building(cargo::Progress::Needs(crates.into()))),
        }
    }
    check_group(package, &full_items)?;
    Ok(outcomes
        .into_iter()
        .map(|o| o.expect("every item was checked"))
        .collect())
}

/// Checks every item in `package` (whose files were read as `sources`), building all of them
/// in one cargo graph and running them in parallel. Outcomes come back in the order of `items`;
/// events name each item by its index in the whole check, `indices`.
fn check_in(
    course: &Course,
    package: &ExercisePackage,
    items: &[Item],
    indices: &[usize],
    sources: Vec<Source>,
    options: &Options,
) -> Result<Vec<Outcome>> {
    let bins_for = |artifact: Artifact| -> Vec<String> {
        items
            .iter()
            .filter(|i| Artifact::of(i.exercise) == artifact)
            .map(Item::bin)
            .collect()
    };
    let hashes: HashMap<String, Option<String>> = items
        .iter()
        .zip(&sources)
        .map(|(item, source)| (item.bin(), source.hash.clone()))
        .collect();
    let build_all = |artifact| {
        let bins = bins_for(artifact);
        build_bins(&course.root, package, &bins, artifact, &hashes, options)
    };
    let tests_build = build_all(Artifact::TestHarness)?;
    let programs_build = build_all(Artifact::Program)?;
    options.emit(Event::Built);
    let built = |item: &Item| match Artifact::of(item.exercise) {
        Artifact::TestHarness => &tests_build,
        Artifact::Program => &programs_build,
    };
    let mut outcomes = run_all(items, indices, &sources, built, package, options);
    clippy_strict(items, indices, &mut outcomes, package, options)?;
    Ok(outcomes)
}

/// Runs every item's binary from its build (`built`), on as many threads as there are cores.
/// An item's outcome is an event as soon as it is final; a strict item that passed is not
/// final before clippy has spoken.
fn run_all<'b>(
    items: &[Item],
    indices: &[usize],
    sources: &[Source],
    built: impl Fn(&Item) -> &'b Build + Sync,
    package: &ExercisePackage,
    options: &Options,
) -> Vec<Outcome> {
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
                    let declared = sources[i].declared_tests;
                    let outcome = run_one(item, declared, built(item), package, options);
                    if !(item.strict && outcome.verdict == Verdict::Done) {
                        options.emit(Event::Finished {
                            index: indices[i],
                            outcome: outcome.clone(),
                        });
                    }
                    *outcomes[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
                }
            });
        }
    });
    outcomes
        .into_iter()
        .map(|o| {
            o.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every item was checked")
        })
        .collect()
}

/// Runs clippy on the strict items that passed, in one cargo invocation; what it has to say
/// makes them not done.
fn clippy_strict(
    items: &[Item],
    indices: &[usize],
    outcomes: &mut [Outcome],
    package: &ExercisePackage,
    options: &Options,
) -> Result<()> {
    let strict: Vec<usize> = (0..items.len())
        .filter(|&i| items[i].strict && outcomes[i].verdict == Verdict::Done)
        .collect();
    if strict.is_empty() {
        return Ok(());
    }
    let bins: Vec<String> = strict.iter().map(|&i| items[i].bin()).collect();
    let clippy = cargo_build(package, &bins, Mode::Clippy, options)?;
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
        options.emit(Event::Finished {
            index: indices[i],
            outcome: outcome.clone(),
        });
    }
    Ok(())
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

/// Builds the `artifact` of each of `bins`, whose sources have `hashes`.
/// A bin whose failure to compile is known and still current is not compiled again (see
/// [`crate::build::failures`]); new failures are remembered.
fn build_bins(
    root: &Path,
    package: &ExercisePackage,
    bins: &[String],
    artifact: Artifact,
    hashes: &HashMap<String, Option<String>>,
    options: &Options,
) -> Result<Build> {
    let (mut known, mut rest) = (Vec::new(), Vec::new());
    for bin in bins {
        match KnownFailure::load(root, bin, artifact, options.color) {
            Some(failure) => known.push(failure),
            None => rest.push(bin.clone()),
        }
    }
    let manifest = &package.manifest_path;
    let cargo = |mode| cargo_build(package, &rest, mode, options);
    let test = artifact.is_test();
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
        rebuild_unvouched(package, &mut build, &rest, artifact, hashes, options)?;
    }
    if !build.cancelled {
        KnownFailure::record(
            root,
            manifest,
            &rest,
            artifact,
            options.color,
            &build,
            started,
        );
        if options.keep_recipes && rest.len() > 1 {
            for recipe in Recipe::learn_all(root, manifest, &rest, artifact, &build.invocations) {
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
    artifact: Artifact,
    hashes: &HashMap<String, Option<String>>,
    options: &Options,
) -> Result<()> {
    let ledger = Ledger::new(&package.target_dir);
    let hash = |bin: &str| hashes.get(bin).and_then(Option::as_deref);
    let unvouched: Vec<String> = bins
        .iter()
        .filter(|bin| build.fresh.contains(*bin))
        .filter(|bin| !hash(bin).is_some_and(|h| ledger.vouches_for(bin, artifact, h)))
        .cloned()
        .collect();
    if !unvouched.is_empty() {
        for bin in &unvouched {
            if let Some(executable) = build.executables.remove(bin) {
                // Cargo rebuilds a unit whose output is missing.
                let _ = std::fs::remove_file(executable);
            }
        }
        let mode = match (artifact, unvouched.len()) {
            (Artifact::Program, _) => Mode::Build,
            (Artifact::TestHarness, 1) => Mode::Test,
            (Artifact::TestHarness, _) => Mode::TestKeepGoing,
        };
        let again = cargo_build(package, &unvouched, mode, options)?;
        build.replace_bins(again, &unvouched);
    }
    for bin in bins {
        if let (true, Some(hash)) = (build.executables.contains_key(bin), hash(bin)) {
            ledger.record(bin, artifact, hash);
        }
    }
    Ok(())
}

/// Builds the test harness of one bin, the path of every save: by replaying the rustc
/// command cargo used last time while nothing it depends on has changed (see
/// [the fast path](crate::build::fast_path)), else with cargo, learning the command for the next save.
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
    let build = cargo_build(package, &[bin.to_string()], Mode::Test, options)?;
    let learned = Recipe::learn(
        root,
        manifest,
        bin,
        Artifact::TestHarness,
        &build.invocations,
    );
    if let Some(recipe) = learned {
        recipe.save(&package.target_dir);
    }
    Ok(build)
}

/// Builds `bins` of `package` with cargo as `options` say. Every build but clippy's learns
/// the rustc commands (clippy's are not rustc's).
fn cargo_build(
    package: &ExercisePackage,
    bins: &[String],
    mode: Mode,
    options: &Options,
) -> Result<Build> {
    let request = cargo::Request {
        package,
        bins,
        mode,
        color: options.color,
        learn: mode != Mode::Clippy,
        progress: options.progress(),
    };
    cargo::build(request, &options.cancel)
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
