//! `backlings reset [NAME | FILE] [--yes]`: put the shipped version of an exercise back, after
//! keeping the learner's version in a backup file. Nothing a learner wrote is ever lost.
//!
//! Without a name it resets the current exercise, which the learner did not name: it asks
//! first, in a terminal, unless `--yes` says the answer. Without a terminal and without
//! `--yes` it refuses, so that a script never waits on a question.

use super::Consent;
use crate::course::exercise::Exercise;
use crate::error::{Error, Result};
use crate::progress::reset_file;

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
    let question = format!(
        "Reset {} ({}) to the shipped version? Your version is saved first.",
        exercise.name,
        exercise.path().display()
    );
    let no_terminal = Error::usage(format!(
        "`backlings reset` without a name resets the current exercise, {}, and asks first; \
         there is no terminal to ask in.\n  \
         Pass --yes to reset it (your version is saved first), or name it: `backlings reset {}`.",
        exercise.name, exercise.name
    ));
    super::ask(&question, no_terminal)
}
