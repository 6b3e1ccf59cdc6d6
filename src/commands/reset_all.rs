//! `backlings reset --all`: start the course over. Every exercise the learner changed gets its
//! shipped version back, each backed up first exactly as `reset NAME` does, and progress is
//! cleared (the shipped baseline stays). It asks first; scripts pass `--yes`.

use super::Consent;
use crate::course::Course;
use crate::course::exercise::Exercise;
use crate::course::shipped;
use crate::error::{Error, Result};
use crate::files::{self, Problem};
use crate::progress::{self, Restored};

pub fn run(consent: Consent) -> Result<i32> {
    let (course, _) = crate::course::load_here()?;
    let mut state = progress::load(&course)?;
    let commit = state.shipped_commit()?;
    let changed = changed_exercises(&course, commit)?;
    if consent == Consent::Ask && !confirmed(changed.len())? {
        println!("Nothing was reset.");
        return Ok(0);
    }
    let mut restored = 0;
    for exercise in &changed {
        let path = exercise.path();
        match progress::restore(&course, exercise, commit)? {
            Restored::AlreadyShipped => continue,
            Restored::WasMissing => println!("{}: restored (it was missing)", path.display()),
            Restored::BackedUp(backup) => println!(
                "{}: restored; yours is saved as {}",
                path.display(),
                backup.display()
            ),
        }
        restored += 1;
    }
    state.start_over();
    state.save(&course)?;
    println!(
        "Started over: {restored} of {} exercises restored to their shipped versions, progress \
         cleared. Your versions are in .backlings/backups/.",
        course.exercises.len()
    );
    Ok(0)
}

/// The exercises whose file differs from the shipped version (or is missing), in course
/// order.
fn changed_exercises<'c>(course: &'c Course, commit: Option<&str>) -> Result<Vec<&'c Exercise>> {
    let mut changed = Vec::new();
    for exercise in &course.exercises {
        let relative = exercise.path();
        let shipped = shipped::shipped_contents(course, commit, &relative)?;
        let same = match files::read(&course.root.join(&relative)) {
            Ok(mine) => mine == shipped,
            Err(e) if matches!(e.problem, Problem::Missing) => false,
            Err(e) => return Err(e.into()),
        };
        if !same {
            changed.push(exercise);
        }
    }
    Ok(changed)
}

/// Asks in the terminal whether to go on; without a terminal, refuses and says to pass
/// `--yes`.
fn confirmed(changed: usize) -> Result<bool> {
    let question = format!(
        "Start over? {changed} exercise(s) you changed go back to their shipped versions (yours \
         are kept in .backlings/backups/) and your progress is cleared."
    );
    let no_terminal = Error::usage(
        "reset --all restores every exercise you changed and clears your progress, so it \
         asks first, and there is no terminal to ask in.\n  \
         Pass --yes to go ahead: backlings reset --all --yes",
    );
    super::ask(&question, no_terminal)
}
