//! `dev check`'s compile budget: how long each solution takes to compile from scratch (rustc
//! without incremental caches, dependencies already built), which is what a learner's first
//! check of that exercise costs. A solution over budget makes every save of its exercise slow.
//!
//! The rustc command comes from the recipe cargo's own build left (see [`crate::direct`]).
//! Times are kept in `.backlings/compile-times.json` by the solution's content and command, so
//! a second `dev check` measures only what changed.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::cargo::{self, Mode};
use crate::direct::Recipe;
use crate::error::Result;
use crate::exercise::{Exercise, Variant};
use crate::manifest::ExercisePackage;
use crate::process::Cancel;
use crate::state::{self, DATA_DIR};

const TIMES_FILE: &str = "compile-times.json";

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

/// The from-scratch compile time of each solution of `exercises` (which must have built),
/// by exercise name. A solution whose time cannot be measured is left out.
pub fn measure(
    root: &Path,
    package: &ExercisePackage,
    exercises: &[&Exercise],
    budget: Duration,
) -> Result<HashMap<String, Duration>> {
    let mut recipes = HashMap::new();
    for test in [true, false] {
        let bins: Vec<String> = exercises
            .iter()
            .filter(|e| e.test == test)
            .map(|e| e.bin_name(Variant::Solution))
            .collect();
        recipes.extend(recipes_for(root, package, &bins, test)?);
    }

    let times_path = root.join(DATA_DIR).join(TIMES_FILE);
    let mut times: Times = std::fs::read(&times_path)
        .ok()
        .and_then(|t| serde_json::from_slice(&t).ok())
        .unwrap_or_default();
    let mut measured = HashMap::new();
    let mut changed = false;
    let mut announced = false;
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
        if known.is_none() && !announced {
            announced = true;
            eprintln!(
                "Timing how long new or changed solutions take to compile from scratch (compile budget)…"
            );
        }
        let secs = match known {
            Some(secs) => secs,
            None => match best_time(root, recipe, budget)? {
                Some(time) => {
                    changed = true;
                    let secs = time.as_secs_f64();
                    times.0.insert(bin.clone(), Measured { key, secs });
                    secs
                }
                None => continue,
            },
        };
        measured.insert(exercise.name.clone(), Duration::from_secs_f64(secs));
    }
    if changed && let Ok(json) = serde_json::to_vec_pretty(&times) {
        // Only a cache: a failure to keep it costs time on the next run, nothing else.
        let _ = state::write_atomically(&times_path, &json);
    }
    Ok(measured)
}

/// The current recipes of `bins`. The build that just ran left one for every bin it compiled;
/// a bin that was already up to date and has none is compiled once more to learn it.
fn recipes_for(
    root: &Path,
    package: &ExercisePackage,
    bins: &[String],
    test: bool,
) -> Result<HashMap<String, Recipe>> {
    let mut recipes: HashMap<String, Recipe> = bins
        .iter()
        .filter_map(|b| Recipe::load(root, b).map(|r| (b.clone(), r)))
        .collect();
    let missing: Vec<String> = bins
        .iter()
        .filter(|b| !recipes.contains_key(*b))
        .cloned()
        .collect();
    if missing.is_empty() {
        return Ok(recipes);
    }
    let mode = if test { Mode::Test } else { Mode::Build };
    let cancel = Cancel::default();
    let fresh = cargo::build(package, &missing, mode, false, false, None, &cancel)?;
    // Cargo compiles (and prints the command of) a bin whose output is gone.
    for executable in fresh.executables.values() {
        let _ = std::fs::remove_file(executable);
    }
    let built = cargo::build(package, &missing, mode, false, true, None, &cancel)?;
    let manifest = &package.manifest_path;
    for recipe in Recipe::learn_all(root, manifest, &missing, test, &built.invocations) {
        recipe.save(root);
        recipes.insert(recipe.bin().to_string(), recipe);
    }
    Ok(recipes)
}

/// The from-scratch compile time of `recipe`, compiled again (up to [`TRIES`] times) while it
/// is over `budget`.
fn best_time(root: &Path, recipe: &Recipe, budget: Duration) -> Result<Option<Duration>> {
    let mut best: Option<Duration> = None;
    for _ in 0..TRIES {
        let Some(time) = recipe.time_from_scratch(root)? else {
            return Ok(None);
        };
        let best = best.insert(best.map_or(time, |b| b.min(time)));
        if *best <= budget {
            break;
        }
    }
    Ok(best)
}

fn key(source: &[u8], recipe: &Recipe) -> u64 {
    let mut hasher = DefaultHasher::new();
    source.hash(&mut hasher);
    recipe.hash_inputs(&mut hasher);
    hasher.finish()
}
