//! `backlings run [NAME | FILE]`: check one exercise and print the verdict.

use console::style;

use super::{check_with_progress, require_bin};
use crate::check::{Item, Options, Verdict};
use crate::course::exercise::Variant;
use crate::error::Result;
use crate::progress::{self, Advance, Moved};
use crate::report::{self, Detail, Place};

/// Checks `name`, an exercise's name or file (default: the current exercise). Exit code 0
/// when it is done, 1 when not. Failing tests show as a summary, or in full with `detail`.
pub fn run(name: Option<String>, detail: Detail, color: bool) -> Result<i32> {
    let (course, package) = crate::course::load_here()?;
    let mut state = crate::progress::load(&course)?;
    let index = match name {
        Some(name) => course.resolve(&name, &crate::course::here()?)?,
        None => state.current,
    };
    let exercise = &course.exercises[index];
    require_bin(&package, &exercise.name, exercise.path())?;

    let items = [Item::exercise(exercise)];
    let outcome = check_with_progress(&course, &package, &items, Options::new(color), &mut [])?
        .pop()
        .expect("one item, one outcome");
    let done = outcome.verdict == Verdict::Done;
    // Recorded before the report, which points at the solution it may write.
    let recorded = progress::record(&mut state, &course, index, &outcome, Advance::ToNextPending);
    let revealed = recorded.hand_out_solution(&course);
    print!(
        "{}",
        report::outcome(
            exercise,
            Variant::Exercise,
            &outcome,
            &course.root,
            (Place::Run, detail)
        )
    );
    match recorded.moved {
        Some(Moved::To(next)) => println!(
            "Next up: {} ({})",
            style(&course.exercises[next].name).bold(),
            course.exercises[next].path().display()
        ),
        Some(Moved::Finished) => {
            if let Some(message) = &course.final_message {
                println!("\n{}", report::inert(message));
            }
        }
        None => {}
    }
    state.save(&course)?;
    // Only a warning, after the verdict and the progress it earned.
    if let Err(e) = revealed {
        eprintln!("warning: {}", e.report());
    }
    Ok(if done { 0 } else { 1 })
}
