//! `backlings dev check`: for course authors and CI. Every exercise fails as shipped, every
//! solution passes and is clippy-clean, every entry has a hint and a solution, the exercise
//! package builds exactly what `info.toml` lists, and no stray files lie around.
//!
//! In a course written by `init`, the solutions that `solutions/` does not show yet are the
//! bundled ones, checked where they stand in ([`StandIns`]), never written into `solutions/`.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Reporting, selected};
use crate::authoring::budget;
use crate::authoring::stand_ins::StandIns;
use crate::check::results::{Status, TestCase};
use crate::check::{Item, Outcome, Verdict, stages};
use crate::cli::DevCheck;
use crate::course::Course;
use crate::course::exercise::{Exercise, Variant};
use crate::course::package::ExercisePackage;
use crate::error::Result;
use crate::files;
use crate::report;
use crate::report::checked_bar::CheckedBar;
use crate::report::formats::{self, FileResult};
use crate::sandbox::guard;

pub fn run(color: bool, options: DevCheck) -> Result<i32> {
    let DevCheck {
        verbose,
        compile_budget,
        batch,
    } = options;
    let (course, package) = crate::course::load_here()?;
    let budget = match compile_budget {
        Some(secs) if secs > 0.0 => Some(Duration::from_secs_f64(secs)),
        Some(_) => None,
        None => course.compile_budget,
    };
    let mut reporting = Reporting::new(batch, color);
    reporting.keep_recipes = budget.is_some();
    if verbose && let Some(why) = guard::network_isolation_unavailable() {
        eprintln!("note: code under test runs with the network here: {why}");
    }
    let exercises = selected(&course, batch.partition);
    let owns_course = batch.partition.is_none_or(|p| p.owns_course_problems());
    let stand_ins = StandIns::prepare(&course, &package)?;
    if let Some(stand_ins) = &stand_ins {
        eprintln!(
            "note: {} solutions are not in solutions/ yet (each appears when its exercise is \
             done): checking the bundled ones, in {}",
            stand_ins.package.bins.len(),
            stand_ins.course.root.display()
        );
    }
    let sources = Sources {
        course: &course,
        package: &package,
        stand_ins: stand_ins.as_ref(),
    };
    let items = sources.items(&exercises);
    let outcomes = check(&reporting, &sources, &items)?;
    let compile_times = match budget {
        Some(budget) => sources.compile_times(&items, &outcomes, budget)?,
        None => HashMap::new(),
    };

    let mut findings = Findings::default();
    if owns_course {
        findings.problems = course_problems(&course, &package);
        if reporting.per_test {
            findings
                .results
                .push(course_file_result(&findings.problems));
        }
    }
    let budget = Budget {
        limit: budget,
        times: compile_times,
    };
    for exercise in &exercises {
        let checked: Vec<(&Item, &Outcome)> = items
            .iter()
            .zip(&outcomes)
            .filter(|(item, _)| std::ptr::eq(item.exercise, *exercise))
            .collect();
        findings.assess(&sources, exercise, &checked, &budget, reporting.per_test);
    }
    findings.sort_in_course_order(&course);
    let failed_exercises: BTreeSet<&About> = findings.problems.iter().map(|(a, _)| a).collect();
    let failed = failed_exercises.len();
    let passed = exercises.len()
        - failed_exercises
            .iter()
            .filter(|about| matches!(about, About::Exercise(_)))
            .count();
    if reporting.human() {
        findings.print(verbose);
        println!("{passed} passed, {failed} failed");
    }
    reporting.finish("backlings dev check", &findings.results);
    Ok(if failed == 0 { 0 } else { 1 })
}

/// Where an exercise's files are checked: the course's, or for a solution that a course
/// written by `init` does not show yet, the bundled one standing in.
struct Sources<'a> {
    course: &'a Course,
    package: &'a ExercisePackage,
    stand_ins: Option<&'a StandIns>,
}

impl<'a> Sources<'a> {
    fn stands_in(&self, exercise: &Exercise) -> bool {
        self.stand_ins.is_some_and(|s| s.has(exercise))
    }

    /// Where `exercise`'s solution is read from.
    fn solution_root(&self, exercise: &Exercise) -> &'a Path {
        match self.stand_ins {
            Some(stand_ins) if self.stands_in(exercise) => stand_ins.course.root.as_path(),
            _ => self.course.root.as_path(),
        }
    }

    /// Every exercise of `exercises` and its solution where there is one, among the bins the
    /// package declares (the missing ones are problems already).
    fn items<'e>(&self, exercises: &[&'e Exercise]) -> Vec<Item<'e>> {
        let mut items = Vec::new();
        for exercise in exercises {
            items.push(Item::exercise(exercise));
            let solution = self.course.root.join(exercise.solution_path());
            if self.stands_in(exercise) || solution.is_file() {
                items.push(Item {
                    exercise,
                    variant: Variant::Solution,
                    strict: true,
                });
            }
        }
        items.retain(|i| {
            let bin = i.exercise.bin_name(i.variant);
            self.package.bins.contains_key(&bin)
        });
        items
    }

    /// How long each passing solution takes to compile from scratch, measured where it was
    /// built.
    fn compile_times(
        &self,
        items: &[Item],
        outcomes: &[Outcome],
        budget: Duration,
    ) -> Result<HashMap<String, Duration>> {
        let passing = |standing_in: bool| -> Vec<&Exercise> {
            items
                .iter()
                .zip(outcomes)
                .filter(|(i, o)| i.variant == Variant::Solution && o.verdict == Verdict::Done)
                .map(|(i, _)| i.exercise)
                .filter(|e| self.stands_in(e) == standing_in)
                .collect()
        };
        let root = &self.course.root;
        let mut times = budget::measure(root, self.package, &passing(false), budget)?;
        if let Some(stand_ins) = self.stand_ins {
            let theirs: Vec<&Exercise> = passing(true)
                .into_iter()
                .map(|e| stand_ins.exercise(e))
                .collect();
            let root = &stand_ins.course.root;
            times.extend(budget::measure(root, &stand_ins.package, &theirs, budget)?);
        }
        Ok(times)
    }
}

/// The compile budget, if one applies, and each passing solution's time.
struct Budget {
    limit: Option<Duration>,
    times: HashMap<String, Duration>,
}

impl Budget {
    /// The problem when `exercise`'s solution is over the budget.
    fn problem(&self, exercise: &Exercise) -> Option<String> {
        let (limit, time) = self.limit.zip(self.times.get(&exercise.name))?;
        (*time > limit).then(|| over_budget(*time, limit))
    }
}

/// What `dev check` found: one line per problem, the per-exercise CI results, and the
/// outcomes behind the problems for `--verbose`.
#[derive(Default)]
struct Findings<'a> {
    problems: Vec<(About, String)>,
    results: Vec<FileResult>,
    details: Vec<(&'a Exercise, Variant, &'a Outcome, &'a Path)>,
}

impl<'a> Findings<'a> {
    /// Adds what is wrong with `exercise`, whose files were `checked`; with `per_test`, its
    /// CI result too.
    fn assess(
        &mut self,
        sources: &Sources<'a>,
        exercise: &'a Exercise,
        checked: &[(&Item<'a>, &'a Outcome)],
        budget: &Budget,
        per_test: bool,
    ) {
        let stands_in = sources.stands_in(exercise);
        let entry = entry_problems(exercise, sources.course, sources.package, stands_in);
        let over_budget = budget.problem(exercise);
        let about = || About::Exercise(exercise.name.clone());
        let mut shipped = None;
        for (item, outcome) in checked {
            let Some(problem) = outcome_problem(item, outcome, stands_in) else {
                continue;
            };
            let root = match item.variant {
                Variant::Exercise => {
                    shipped = Some(problem.clone());
                    sources.course.root.as_path()
                }
                Variant::Solution => sources.solution_root(exercise),
            };
            self.problems.push((about(), problem));
            self.details
                .push((item.exercise, item.variant, *outcome, root));
        }
        if per_test {
            let solution = checked.iter().find(|(i, _)| i.variant == Variant::Solution);
            self.results.push(exercise_result(
                exercise,
                solution.map(|(_, o)| *o),
                shipped,
                budget.limit.map(|_| over_budget.clone()),
                &entry,
                sources.solution_root(exercise),
            ));
        }
        self.problems.extend(over_budget.map(|p| (about(), p)));
        self.problems
            .extend(entry.into_iter().map(|p| (about(), p)));
    }

    /// In course order, the course's own problems last.
    fn sort_in_course_order(&mut self, course: &Course) {
        self.problems.sort_by_key(|(about, _)| match about {
            About::Exercise(name) => course
                .exercises
                .iter()
                .position(|e| &e.name == name)
                .unwrap_or(usize::MAX),
            About::Course => usize::MAX,
        });
    }

    /// One line per problem; with `verbose`, the compiler and test output behind each.
    fn print(&self, verbose: bool) {
        // Problems name the course's files and `--verbose` shows what tests printed: made
        // inert by `report`, and on GitHub Actions, whose log acts on workflow commands,
        // unable to be one.
        let on_github = formats::on_github_actions();
        let show = |text: String| {
            if on_github {
                formats::inert_for_actions(&text)
            } else {
                text
            }
        };
        for (about, problem) in &self.problems {
            println!("{}", show(report::line(false, about.label(), problem)));
        }
        if verbose {
            for (exercise, variant, outcome, root) in &self.details {
                println!(
                    "\n── {} ({}) ──\n{}",
                    exercise.name,
                    exercise.variant_path(*variant).display(),
                    show(report::outcome(
                        exercise,
                        *variant,
                        outcome,
                        root,
                        (report::Place::DevCheck, report::Detail::Full)
                    ))
                );
            }
        } else if !self.problems.is_empty() {
            println!("(run `backlings dev check --verbose` to see the compiler and test output)");
        }
    }
}

/// Checks `items`, outcomes in their order: the solutions that stand in for missing ones in
/// their own package, everything else in the course's.
fn check(reporting: &Reporting, sources: &Sources, items: &[Item]) -> Result<Vec<Outcome>> {
    let (course, package, stand_ins) = (sources.course, sources.package, sources.stand_ins);
    let stands_in = |item: &Item| {
        item.variant == Variant::Solution && stand_ins.is_some_and(|s| s.has(item.exercise))
    };
    let (theirs, ours): (Vec<usize>, Vec<usize>) =
        (0..items.len()).partition(|&i| stands_in(&items[i]));
    let mut outcomes: Vec<Option<Outcome>> = items.iter().map(|_| None).collect();
    let mut bar = CheckedBar::new(items.len());
    let own: Vec<Item> = ours.iter().map(|&i| items[i]).collect();
    let checked = {
        let mut following = bar.follow(|i| label(&own[i]));
        reporting.check(course, package, &own, &mut [&mut following])?
    };
    for (&i, outcome) in ours.iter().zip(checked) {
        outcomes[i] = Some(outcome);
    }
    if let Some(stand_ins) = stand_ins.filter(|_| !theirs.is_empty()) {
        let moved: Vec<Item> = theirs
            .iter()
            .map(|&i| Item {
                exercise: stand_ins.exercise(items[i].exercise),
                ..items[i]
            })
            .collect();
        let mut following = bar.follow(|i| label(&moved[i]));
        let checked = reporting.check(
            &stand_ins.course,
            &stand_ins.package,
            &moved,
            &mut [&mut following],
        )?;
        for (&i, outcome) in theirs.iter().zip(checked) {
            outcomes[i] = Some(outcome);
        }
    }
    Ok(outcomes
        .into_iter()
        .map(|o| o.expect("every item was checked"))
        .collect())
}

/// One exercise in a CI report: its solution's tests (read from `solution_root`), then each
/// rule of `dev check` as a test of its own (the shipped file fails, the solution compiles
/// within the budget when there is one, the `info.toml` entry is complete).
/// How the progress bar names `item`.
fn label(item: &Item) -> String {
    match item.variant {
        Variant::Exercise => item.exercise.name.clone(),
        Variant::Solution => format!("{}'s solution", item.exercise.name),
    }
}

fn exercise_result(
    exercise: &Exercise,
    solution: Option<&Outcome>,
    shipped_problem: Option<String>,
    budget_problem: Option<Option<String>>,
    entry_problems: &[String],
    solution_root: &Path,
) -> FileResult {
    let path = exercise.solution_path();
    let mut result = match solution {
        Some(outcome) => FileResult::from_outcome(exercise, &path, outcome, solution_root),
        None => FileResult::new(&exercise.name, &path),
    };
    if result.status == Status::Error {
        // The rules below still run, so the solution's compile error is one failing test.
        let mut compile = TestCase::rule("compile", result.message.take(), result.line.take());
        compile.status = Status::Error;
        result.tests.insert(0, compile);
        result.status = Status::Fail;
    }
    let mut shipped = TestCase::rule("fails as shipped", shipped_problem, None);
    shipped.file = Some(exercise.path().display().to_string());
    result.tests.push(shipped);
    if let Some(problem) = budget_problem {
        let mut budget = TestCase::rule("compile budget", problem, None);
        budget.file = Some(path.display().to_string());
        result.tests.push(budget);
    }
    for problem in entry_problems {
        let mut entry = TestCase::rule("info.toml entry", Some(problem.clone()), None);
        entry.file = Some("info.toml".to_string());
        result.tests.push(entry);
    }
    result.settle();
    result
}

/// The problems of the course as a whole, as one report entry named `course`.
fn course_file_result(problems: &[(About, String)]) -> FileResult {
    let mut result = FileResult::new(COURSE, Path::new("info.toml"));
    result.tests = problems
        .iter()
        .map(|(_, p)| TestCase::rule("course files", Some(p.clone()), None))
        .collect();
    if result.tests.is_empty() {
        result
            .tests
            .push(TestCase::rule("course files", None, None));
    }
    result.settle();
    result
}

fn over_budget(time: Duration, budget: Duration) -> String {
    format!(
        "the solution takes {:.2} s to compile from scratch, over the budget of {} s (seconds of \
         an idle 2-core machine, from its CPU time beside a reference compile): every first \
         check of the exercise is that slow (shrink it, or raise compile_budget_secs in info.toml)",
        time.as_secs_f64(),
        budget.as_secs_f64()
    )
}

/// The label of problems that belong to no single exercise.
const COURSE: &str = "course";

/// What a problem is about: one exercise, or the course as a whole (which an exercise called
/// `course` is not).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum About {
    Exercise(String),
    Course,
}

impl About {
    /// The name a report line starts with.
    fn label(&self) -> &str {
        match self {
            About::Exercise(name) => name,
            About::Course => COURSE,
        }
    }
}

/// What is wrong with a checked file, if anything; `stands_in`: the solution checked is the
/// bundled one, not in `solutions/` yet.
fn outcome_problem(item: &Item, outcome: &Outcome, stands_in: bool) -> Option<String> {
    match item.variant {
        Variant::Exercise if outcome.verdict == Verdict::Done && !item.exercise.skip_check_unsolved => Some(
            "passes as shipped: it must fail until the learner fixes it (or set skip_check_unsolved = true)".to_string(),
        ),
        Variant::Exercise => None,
        Variant::Solution if outcome.verdict == Verdict::Done => None,
        Variant::Solution => Some(format!(
            "the {}solution {}: {}",
            if stands_in { "bundled " } else { "" },
            item.exercise.solution_path().display(),
            outcome.verdict.summary()
        )),
    }
}

/// What is missing from an exercise's entry; `solution_stands_in`: the bundled solution is
/// checked for the one `solutions/` does not show yet.
fn entry_problems(
    exercise: &Exercise,
    course: &Course,
    package: &ExercisePackage,
    solution_stands_in: bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    if exercise.hint.is_empty() {
        problems.push("has no hint".to_string());
    }
    let solution = exercise.solution_path();
    if !solution_stands_in && !course.root.join(&solution).is_file() {
        problems.push(format!(
            "has no solution: {} is missing",
            solution.display()
        ));
    }
    let source = files::read_text(&course.root.join(exercise.path())).unwrap_or_default();
    for stage in stages::undeclared(&exercise.stages, &source) {
        problems.push(format!(
            "stage {:?} names the test module {:?}, which {} does not declare",
            stage.title,
            stage.tests,
            exercise.path().display()
        ));
    }
    for variant in [Variant::Exercise, Variant::Solution] {
        let bin = exercise.bin_name(variant);
        let expected = exercise.variant_path(variant);
        match package.bins.get(&bin) {
            None => problems.push(format!(
                "{} has no [[bin]] {bin:?} (path {:?})",
                package.manifest_path.display(),
                expected.display().to_string()
            )),
            Some(path) if *path != expected => problems.push(format!(
                "the [[bin]] {bin:?} builds {}, but info.toml says {}",
                path.display(),
                expected.display()
            )),
            Some(_) => {}
        }
    }
    problems
}

/// Problems of the course as a whole: bins nobody listed, files nobody uses.
fn course_problems(course: &Course, package: &ExercisePackage) -> Vec<(About, String)> {
    let mut problems = Vec::new();
    let listed: BTreeSet<String> = course
        .exercises
        .iter()
        .flat_map(|e| [e.bin_name(Variant::Exercise), e.bin_name(Variant::Solution)])
        .collect();
    for bin in package.bins.keys().filter(|b| !listed.contains(*b)) {
        problems.push((
            About::Course,
            format!(
                "{} builds {bin:?}, which is not an exercise of info.toml (remove the [[bin]] or add the exercise)",
                package.manifest_path.display()
            ),
        ));
    }
    let expected: BTreeSet<PathBuf> = course
        .exercises
        .iter()
        .flat_map(|e| [e.path(), e.solution_path()])
        .collect();
    for top in ["exercises", "solutions"] {
        for file in files::under(&course.root, Path::new(top)) {
            let is_readme = file.file_name().is_some_and(|n| n == "README.md");
            // What a killed write of backlings' left behind is not the author's file.
            let is_ours = file.file_name().is_some_and(files::is_temporary);
            if !expected.contains(&file) && !is_readme && !is_ours {
                problems.push((
                    About::Course,
                    format!(
                        "stray file {}: no exercise of info.toml uses it",
                        file.display()
                    ),
                ));
            }
        }
    }
    problems
}
