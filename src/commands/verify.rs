//! `backlings verify`: check every exercise, record progress, and close with
//! `N passed, M failed`.

use super::{load_course, load_state, options};
use crate::check::{self, Item, Verdict};
use crate::error::Result;
use crate::progress::BuildProgress;
use crate::report;

pub fn run(color: bool) -> Result<i32> {
    let (course, package) = load_course()?;
    let mut state = load_state(&course)?;
    let items: Vec<Item> = course.exercises.iter().map(Item::exercise).collect();
    let progress = BuildProgress::new();
    let outcomes = check::check_all(
        &course,
        &package,
        &items,
        &options(color, &progress, items.len()),
    )?;
    drop(progress);

    let mut passed = 0;
    for (exercise, outcome) in course.exercises.iter().zip(&outcomes) {
        let done = outcome.verdict == Verdict::Done;
        passed += usize::from(done);
        state.set_done(&exercise.name, done);
        let detail = if done { "" } else { outcome.verdict.summary() };
        println!("{}", report::line(done, &exercise.name, detail));
    }
    state.save(&course)?;
    let failed = outcomes.len() - passed;
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 { 0 } else { 1 })
}
