//! `dev check`'s compile budget: how long each solution takes to compile from scratch (rustc
//! without incremental caches, dependencies already built), which is what a learner's first
//! check of that exercise costs. A solution over budget makes every save of its exercise slow.
//!
//! The rustc command comes from the recipe cargo's own build left (see [`crate::build::fast_path`]).
//!
//! The verdict must not depend on how busy the machine is, so no clock decides it. A compile's
//! cost is the CPU time rustc used (from `wait4`), which other processes inflate far less than
//! the time on the clock, and it is divided by the CPU time of a fixed reference compile
//! measured in the same run, with the same rustc, on the same machine: what is left is a ratio
//! that neither load nor a faster machine changes much. Multiplied by the reference compile's
//! time on the reference machine (an idle 2-core machine, see [`REFERENCE_SECS`]), it reads as
//! seconds there, the unit of the budget. A solution found over budget is measured again, each
//! time beside a fresh reference compile, and the lowest ratio counts.
//!
//! Costs within budget are kept in `.backlings/compile-times.json` by the solution's content
//! and command, so a second `dev check` measures only what changed. A cost over budget is never
//! kept: it is measured again on the next run, so one measurement on a busy machine cannot
//! fail a course for good.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::build::Artifact;
use crate::build::cargo::{self, Mode};
use crate::build::fast_path::Recipe;
use crate::build::light;
use crate::course::exercise::{Exercise, Variant};
use crate::course::package::ExercisePackage;
use crate::error::{Error, Result};
use crate::files;
use crate::progress::store;
use crate::sandbox::process::{self, Cancel};

#[derive(Serialize, Deserialize, Default)]
struct Times(BTreeMap<String, Measured>);

#[derive(Serialize, Deserialize)]
struct Measured {
    /// A hash of the solution's text and its rustc command: what the time was measured for.
    key: String,
    secs: f64,
}

/// Compiles of a solution over budget, at most: the best one counts, so that one compile
/// slowed by something else on the machine is not reported.
const TRIES: usize = 3;

/// The reference compile: a short std-only exercise with tests.
const REFERENCE_SOURCE: &str = include_str!("templates/compile_reference.rs");

/// Seconds the reference compile takes on the reference machine (2 cores, idle, rustc 1.95),
/// measured as `dev check` compiles it (`rustc --test`, no debug info). Change it only with
/// the reference source, measured again.
const REFERENCE_SECS: f64 = 0.22;

/// The from-scratch compile time of each solution of `exercises` (which must have built),
/// by exercise name. A solution whose time cannot be measured is left out.
pub fn measure(
    root: &Path,
    package: &ExercisePackage,
    exercises: &[&Exercise],
    budget: Duration,
) -> Result<HashMap<String, Duration>> {
    let mut recipes = HashMap::new();
    // Each solution is measured where it is built: the light package when it names no crate.
    let light = light::package(package)?;
    let mut groups: Vec<(&ExercisePackage, Artifact, Vec<String>)> = Vec::new();
    for exercise in exercises {
        let source = std::fs::read(root.join(exercise.solution_path())).ok();
        let crates = light::crates_named(package, source.as_deref());
        let chosen = light::route(package, light.as_ref(), &crates);
        let bin = exercise.bin_name(Variant::Solution);
        let artifact = Artifact::of(exercise);
        match groups
            .iter_mut()
            .find(|(p, a, _)| std::ptr::eq(*p, chosen) && *a == artifact)
        {
            Some((_, _, bins)) => bins.push(bin),
            None => groups.push((chosen, artifact, vec![bin])),
        }
    }
    for (package, artifact, bins) in groups {
        recipes.extend(recipes_for(root, package, &bins, artifact)?);
    }

    store::require_own(root)?;
    let times_path = store::times_file(root);
    let mut times: Times = std::fs::read(&times_path)
        .ok()
        .and_then(|t| serde_json::from_slice(&t).ok())
        .unwrap_or_default();
    let mut measured = HashMap::new();
    let mut changed = false;
    let mut reference: Option<Reference> = None;
    for exercise in exercises {
        let bin = exercise.bin_name(Variant::Solution);
        let Some(recipe) = recipes.get(&bin) else {
            continue;
        };
        let Ok(source) = std::fs::read(root.join(exercise.solution_path())) else {
            continue;
        };
        let key = format!("{:016x}", key(&source, recipe));
        let known = times.0.get(&bin).filter(|m| m.key == key).map(|m| m.secs);
        let secs = match known {
            Some(secs) => secs,
            None => {
                let reference = match &mut reference {
                    Some(reference) => reference,
                    None => {
                        eprintln!(
                            "Measuring what new or changed solutions cost to compile from scratch (compile budget)…"
                        );
                        reference.insert(Reference::new(recipe.program())?)
                    }
                };
                let Some(cost) = best_cost(root, recipe, reference, budget)? else {
                    continue;
                };
                let secs = cost.as_secs_f64();
                if cost <= budget {
                    changed = true;
                    times.0.insert(bin.clone(), Measured { key, secs });
                }
                secs
            }
        };
        measured.insert(exercise.name.clone(), Duration::from_secs_f64(secs));
    }
    if changed && let Ok(json) = serde_json::to_vec_pretty(&times) {
        // Only a cache: a failure to keep it costs time on the next run, nothing else.
        let _ = files::write_atomically(&times_path, &json);
    }
    Ok(measured)
}

/// The current recipes of `bins`. The build that just ran left one for every bin it compiled;
/// a bin that was already up to date and has none is compiled once more to learn it.
fn recipes_for(
    root: &Path,
    package: &ExercisePackage,
    bins: &[String],
    artifact: Artifact,
) -> Result<HashMap<String, Recipe>> {
    let mut recipes: HashMap<String, Recipe> = bins
        .iter()
        .filter_map(|b| Recipe::load(root, &package.target_dir, b).map(|r| (b.clone(), r)))
        .collect();
    let missing: Vec<String> = bins
        .iter()
        .filter(|b| !recipes.contains_key(*b))
        .cloned()
        .collect();
    if missing.is_empty() {
        return Ok(recipes);
    }
    let cargo = |learn| {
        let request = cargo::Request {
            package,
            bins: &missing,
            mode: match artifact {
                Artifact::TestHarness => Mode::Test,
                Artifact::Program => Mode::Build,
            },
            color: false,
            learn,
            progress: None,
        };
        cargo::build(request, &Cancel::default())
    };
    let fresh = cargo(false)?; // without -vv: only to know which bins cargo builds
    // Cargo compiles (and prints the command of) a bin whose output is gone.
    for executable in fresh.executables.values() {
        let _ = std::fs::remove_file(executable);
    }
    let built = cargo(true)?; // with -vv: their rustc commands
    let manifest = &package.manifest_path;
    for recipe in Recipe::learn_all(root, manifest, &missing, artifact, &built.invocations) {
        recipe.save(&package.target_dir);
        recipes.insert(recipe.bin().to_string(), recipe);
    }
    Ok(recipes)
}

/// The reference compile, ready to be measured.
struct Reference {
    dir: tempfile::TempDir,
    rustc: String,
    /// The lowest CPU time measured so far.
    best: Duration,
}

impl Reference {
    /// Writes the reference source and measures its compile once with `rustc`.
    fn new(rustc: &str) -> Result<Self> {
        let dir = tempfile::tempdir()
            .map_err(|e| Error::io("create", Path::new("a temporary directory"), e))?;
        let source = dir.path().join("compile_reference.rs");
        std::fs::write(&source, REFERENCE_SOURCE).map_err(|e| Error::io("write", &source, e))?;
        let mut reference = Self {
            dir,
            rustc: rustc.to_string(),
            best: Duration::MAX,
        };
        reference.measure()?;
        Ok(reference)
    }

    /// Compiles the reference once more; returns its CPU time.
    fn measure(&mut self) -> Result<Duration> {
        let mut command = Command::new(&self.rustc);
        command
            .args(["--edition", "2021", "--crate-type", "bin", "--test"])
            .args(["-C", "debuginfo=0", "--out-dir", "out"])
            .arg("compile_reference.rs")
            .current_dir(self.dir.path());
        let (success, cpu) = process::run_for_cpu_time(&command)
            .map_err(|e| Error::environment(format!("could not run {}: {e}", self.rustc)))?;
        if !success || cpu.is_zero() {
            return Err(Error::environment(format!(
                "the compile budget's reference program did not compile with {}.\n  \
                 Turn the budget off with --compile-budget 0, and report this as a bug.",
                self.rustc
            )));
        }
        self.best = self.best.min(cpu);
        Ok(cpu)
    }

    /// `cpu`, measured beside a reference compile that took `reference`, in seconds of the
    /// reference machine.
    fn normalise(cpu: Duration, reference: Duration) -> Duration {
        Duration::from_secs_f64(cpu.as_secs_f64() / reference.as_secs_f64() * REFERENCE_SECS)
    }
}

/// What `recipe` costs to compile from scratch, in seconds of the reference machine. The first
/// compile is set against the fastest reference compile so far; a cost within reach of the
/// budget (over half of it, where load could tip the verdict) is measured again beside a fresh
/// reference compile, up to [`TRIES`] times while it stays over budget, and the lowest ratio
/// counts. `None` when it does not compile.
fn best_cost(
    root: &Path,
    recipe: &Recipe,
    reference: &mut Reference,
    budget: Duration,
) -> Result<Option<Duration>> {
    let Some(cpu) = cpu_time_from_scratch(root, recipe)? else {
        return Ok(None);
    };
    let mut best = Reference::normalise(cpu, reference.best);
    for attempt in 0..TRIES {
        let settled = if attempt == 0 { budget / 2 } else { budget };
        if best <= settled {
            break;
        }
        let beside = reference.measure()?;
        let Some(cpu) = cpu_time_from_scratch(root, recipe)? else {
            return Ok(None);
        };
        best = best.min(Reference::normalise(cpu, beside));
    }
    Ok(Some(best))
}

/// The CPU time `recipe`'s command takes without incremental caches, into a scratch directory
/// (the build's own artifacts stay as they are): what a learner's first check of the file
/// costs. `None` when it does not compile.
fn cpu_time_from_scratch(root: &Path, recipe: &Recipe) -> Result<Option<Duration>> {
    let scratch = tempfile::tempdir()
        .map_err(|e| Error::io("create", Path::new("a temporary directory"), e))?;
    let mut args = Vec::with_capacity(recipe.args().len());
    let mut words = recipe.args().iter();
    while let Some(arg) = words.next() {
        match arg.as_str() {
            "--out-dir" => {
                words.next();
                args.push(arg.clone());
                args.push(scratch.path().to_string_lossy().into_owned());
            }
            "-C" if words
                .clone()
                .next()
                .is_some_and(|a| a.starts_with("incremental=")) =>
            {
                words.next();
            }
            _ => args.push(arg.clone()),
        }
    }
    let mut command = Command::new(recipe.program());
    command
        .args(&args)
        .envs(recipe.env().iter().map(|(k, v)| (k, v)))
        .current_dir(root);
    let (success, cpu) = process::run_for_cpu_time(&command)
        .map_err(|e| Error::environment(format!("could not run {}: {e}", recipe.program())))?;
    Ok(success.then_some(cpu))
}

fn key(source: &[u8], recipe: &Recipe) -> u64 {
    let mut hasher = DefaultHasher::new();
    source.hash(&mut hasher);
    recipe.hash_inputs(&mut hasher);
    hasher.finish()
}
