//! `backlings verify`: check every exercise (or one partition of them), record progress, and
//! close with `N passed, M failed`, or report in a CI format.

use super::{Reporting, selected};
use crate::check::{Item, Verdict};
use crate::cli::Batch;
use crate::error::Result;
use crate::progress::{self, Advance};
use crate::report::Reporter;
use crate::report::formats::FileResults;
use crate::report::verdict_lines::VerdictLines;

pub fn run(color: bool, batch: Batch) -> Result<i32> {
    let (course, package) = crate::course::load_here()?;
    let mut state = crate::progress::load(&course)?;
    let reporting = Reporting::new(batch, color);
    let exercises = selected(&course, batch.partition);
    let items: Vec<Item> = exercises.iter().map(|e| Item::exercise(e)).collect();
    let mut lines = VerdictLines::new(&exercises);
    let mut files = FileResults::new(&exercises, &course.root);
    let mut reporters: Vec<&mut dyn Reporter> = Vec::new();
    if reporting.human() {
        reporters.push(&mut lines);
    }
    if reporting.per_test {
        reporters.push(&mut files);
    }
    let outcomes = reporting.check(&course, &package, &items, &mut reporters)?;
    drop(reporters);
    lines.clear();

    let mut passed = 0;
    let mut unwritten = Vec::new();
    for (exercise, outcome) in exercises.iter().zip(&outcomes) {
        let done = outcome.verdict == Verdict::Done;
        passed += usize::from(done);
        let index = course.find(&exercise.name)?;
        let recorded = progress::record(&mut state, &course, index, outcome, Advance::Stay);
        unwritten.extend(
            recorded
                .hand_out_solution(&course)
                .err()
                .map(|e| e.report()),
        );
    }
    state.save(&course)?;
    // After the verdicts and the progress they earned: a solution that could not be written
    // takes neither away.
    for message in unwritten {
        eprintln!("warning: {message}");
    }
    let failed = outcomes.len() - passed;
    if reporting.human() {
        println!("{passed} passed, {failed} failed");
    }
    reporting.finish("backlings verify", &files.into_results());
    Ok(if failed == 0 { 0 } else { 1 })
}
