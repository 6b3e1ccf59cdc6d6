//! `backlings run [NAME]`: check one exercise and print the verdict.

use console::style;

use super::{check_with_progress, require_bin};
use crate::check::{Item, Verdict};
use crate::course::exercise::Variant;
use crate::error::Result;
use crate::report;

/// Checks `name` (default: the current exercise). Exit code 0 when it is done, 1 when not.
pub fn run(name: Option<String>, color: bool) -> Result<i32> {
    let (course, package) = crate::course::load_here()?;
    let mut state = crate::progress::load(&course)?;
    let index = match name {
        Some(name) => course.find(&name)?,
        None => state.current,
    };
    let exercise = &course.exercises[index];
    require_bin(&package, &exercise.name, exercise.path())?;

    let outcome = check_with_progress(
        &course,
        &package,
        &[Item::exercise(exercise)],
        color,
        false,
        false,
    )?
    .pop()
    .expect("one item, one outcome");
    let done = outcome.verdict == Verdict::Done;
    // Written before the report, which points at it; a failure to write it is only a warning,
    // after the verdict and the progress it earned.
    let revealed = if done {
        course.reveal_solution(exercise)
    } else {
        Ok(())
    };
    print!(
        "{}",
        report::outcome(exercise, Variant::Exercise, &outcome, &course.root)
    );

    if outcome.verdict.is_conclusive() {
        state.set_done(&exercise.name, done);
    }
    if done && index == state.current {
        match state.next_pending(&course, index) {
            Some(next) => {
                state.current = next;
                println!(
                    "Next up: {} ({})",
                    style(&course.exercises[next].name).bold(),
                    course.exercises[next].path().display()
                );
            }
            None => {
                if let Some(message) = &course.final_message {
                    println!("\n{}", report::inert(message));
                }
            }
        }
    }
    state.save(&course)?;
    if let Err(e) = revealed {
        eprintln!("warning: {}", e.message);
    }
    Ok(if done { 0 } else { 1 })
}
