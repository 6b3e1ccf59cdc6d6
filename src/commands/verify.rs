//! `backlings verify`: check every exercise (or one partition of them), record progress, and
//! close with `N passed, M failed`, or report in a CI format.

use super::{Reporting, selected};
use crate::check::{Item, Verdict};
use crate::cli::Batch;
use crate::error::Result;
use crate::progress::{self, Advance};
use crate::report;
use crate::report::formats::FileResult;

pub fn run(color: bool, batch: Batch) -> Result<i32> {
    let (course, package) = crate::course::load_here()?;
    let mut state = crate::progress::load(&course)?;
    let reporting = Reporting::new(batch, color);
    let exercises = selected(&course, batch.partition);
    let items: Vec<Item> = exercises.iter().map(|e| Item::exercise(e)).collect();
    let outcomes = reporting.check(&course, &package, &items)?;

    let mut passed = 0;
    let mut results = Vec::new();
    let mut unwritten = Vec::new();
    for (exercise, outcome) in exercises.iter().zip(&outcomes) {
        let done = outcome.verdict == Verdict::Done;
        passed += usize::from(done);
        let index = course.find(&exercise.name)?;
        let recorded = progress::record(&mut state, &course, index, outcome.verdict, Advance::Stay);
        unwritten.extend(
            recorded
                .hand_out_solution(&course)
                .err()
                .map(|e| e.report()),
        );
        if reporting.human() {
            let detail = if done { "" } else { outcome.verdict.summary() };
            println!("{}", report::line(done, &exercise.name, detail));
        }
        if reporting.per_test {
            let path = exercise.path();
            results.push(FileResult::from_outcome(
                exercise,
                &path,
                outcome,
                &course.root,
            ));
        }
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
    reporting.finish("backlings verify", &results);
    Ok(if failed == 0 { 0 } else { 1 })
}
