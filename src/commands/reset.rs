//! `backlings reset [NAME | FILE] [--yes]`: put the shipped version of an exercise back, after
//! keeping the learner's version in a backup file. Nothing a learner wrote is ever lost.
//!
//! Without a name it resets the current exercise, which the learner did not name: it asks
//! first, in a terminal, unless `--yes` says the answer. Without a terminal and without
//! `--yes` it refuses, so that a script never waits on a question.

use std::io::{BufRead, IsTerminal, Write};

use crate::course::exercise::Exercise;
use crate::error::{Error, Result};
use crate::progress::reset_file;

/// Whether resetting the current exercise needs the learner's answer first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// Ask, in a terminal.
    Ask,
    /// Given on the command line (`--yes`).
    Given,
}

pub fn run(name: Option<&str>, consent: Consent) -> Result<i32> {
    let (course, _) = crate::course::load_here()?;
    let mut state = crate::progress::load(&course)?;
    let index = match name {
        Some(name) => course.resolve(name, &crate::course::here()?)?,
        None => state.current,
    };
    let exercise = &course.exercises[index];
    if name.is_none() && consent == Consent::Ask && !agreed(exercise)? {
        println!("Nothing was reset.");
        return Ok(0);
    }
    let message = reset_file(&course, exercise, state.shipped_commit()?)?;
    println!("{message}");
    state.set_done(&exercise.name, false);
    state.save(&course)?;
    Ok(0)
}

/// Asks the learner whether to reset `exercise`; an error without a terminal to ask in.
fn agreed(exercise: &Exercise) -> Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Error::usage(format!(
            "`backlings reset` without a name resets the current exercise, {}, and asks first; \
             there is no terminal to ask in.\n  \
             Pass --yes to reset it (your version is saved first), or name it: `backlings reset {}`.",
            exercise.name, exercise.name
        )));
    }
    print!(
        "Reset {} ({}) to the shipped version? Your version is saved first. [y/N] ",
        exercise.name,
        exercise.path().display()
    );
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
