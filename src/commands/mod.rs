//! The commands, one module each. Every command loads the course the same way, then does its
//! one job; data flows one way: course → exercise → check → report → progress state.

pub mod completions;
pub mod dev_add;
pub mod dev_check;
pub mod dev_new;
pub mod dev_update;
pub mod hint;
pub mod init;
pub mod list;
pub mod progress;
pub mod reset;
pub mod reset_all;
pub mod run;
pub mod serve;
pub mod update;
pub mod verify;

use std::path::PathBuf;

use crate::check::{self, Item, Options, Outcome};
use crate::cli::Batch;
use crate::course::Course;
use crate::course::exercise::Exercise;
use crate::course::package::ExercisePackage;
use crate::course::partition::Partition;
use crate::error::{Error, Result};
use crate::report::build_progress::BuildProgress;
use crate::report::formats::{self, FileResult, Format};
use crate::report::{self, Reporter};

/// Checks `items` from a command line with `options`: cargo's progress shown on stderr while
/// the build runs (above all the first, long build of the dependencies), and every event of
/// the check fed to `reporters` as it happens.
pub fn check_with_progress(
    course: &Course,
    package: &ExercisePackage,
    items: &[Item],
    options: Options,
    reporters: &mut [&mut dyn Reporter],
) -> Result<Vec<Outcome>> {
    let mut progress = BuildProgress::new();
    let mut all: Vec<&mut dyn Reporter> = vec![&mut progress];
    all.extend(reporters.iter_mut().map(|r| &mut **r as &mut dyn Reporter));
    report::follow(&mut all, |events| {
        let options = Options {
            events: Some(events),
            ..options
        };
        check::check_all(course, package, items, &options)
    })
}

/// An error if `info.toml` lists an exercise that the exercise package does not build.
pub fn require_bin(package: &ExercisePackage, bin: &str, source: PathBuf) -> Result<()> {
    if package.bins.contains_key(bin) {
        return Ok(());
    }
    Err(Error::course(format!(
        "{} has no [[bin]] named {bin:?}, so it cannot build {}.\n  \
         Add {{ name = \"{bin}\", path = \"…/{}\" }} to its bin list.",
        package.manifest_path.display(),
        source.display(),
        source.display()
    )))
}

/// The exercises a batch command checks: all of them, or one partition, in course order.
pub fn selected(course: &Course, partition: Option<Partition>) -> Vec<&Exercise> {
    let in_partition = |position: usize| partition.is_none_or(|p| p.contains(position));
    let positions = course.exercises.iter().enumerate();
    positions
        .filter(|(i, _)| in_partition(*i))
        .map(|(_, e)| e)
        .collect()
}

/// How a batch command (`verify`, `dev check`) reports, decided once from its arguments.
pub struct Reporting {
    pub format: Format,
    /// Colour: only for people, never inside JSON or XML.
    pub color: bool,
    /// Per-test results are needed: a machine format, or annotations on GitHub Actions.
    pub per_test: bool,
    /// See [`Options::keep_recipes`].
    pub keep_recipes: bool,
    github: bool,
}

impl Reporting {
    pub fn new(batch: Batch, color: bool) -> Self {
        let github = formats::on_github_actions();
        let human = batch.format == Format::Human;
        Self {
            format: batch.format,
            color: color && human,
            per_test: !human || github,
            keep_recipes: false,
            github,
        }
    }

    /// Checks `items` as this report needs them, feeding `reporters` (see
    /// [`check_with_progress`]).
    pub fn check(
        &self,
        course: &Course,
        package: &ExercisePackage,
        items: &[Item],
        reporters: &mut [&mut dyn Reporter],
    ) -> Result<Vec<Outcome>> {
        let options = Options {
            per_test: self.per_test,
            keep_recipes: self.keep_recipes,
            ..Options::new(self.color)
        };
        check_with_progress(course, package, items, options, reporters)
    }

    pub fn human(&self) -> bool {
        self.format == Format::Human
    }

    /// Writes the machine-readable report on stdout, and on GitHub Actions one annotation
    /// per failure on stderr.
    pub fn finish(&self, suite: &str, results: &[FileResult]) {
        match self.format {
            Format::Human => {}
            Format::Json => print!("{}", formats::json(results)),
            Format::Junit => print!("{}", formats::junit(suite, results)),
        }
        if self.github {
            for annotation in formats::github_annotations(results) {
                eprintln!("{annotation}");
            }
        }
    }
}

/// Whether a command that changes the learner's files needs their answer first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// Ask, in a terminal.
    Ask,
    /// Given on the command line (`--yes`).
    Given,
}

/// Asks `question` on the terminal and reads a yes (`y`, `yes`, any case); anything else is a
/// no. Without a terminal to ask in, the error `no_terminal` (it says to pass `--yes`): a
/// script must never wait on a question.
pub fn ask(question: &str, no_terminal: Error) -> Result<bool> {
    use std::io::{BufRead, IsTerminal, Write};
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(no_terminal);
    }
    print!("{question} [y/N] ");
    std::io::stdout()
        .flush()
        .map_err(|e| Error::environment("could not ask on the terminal").caused_by(e))?;
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::environment("could not read the answer").caused_by(e))?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
