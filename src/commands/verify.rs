//! `backlings verify`: check every exercise, record progress, and close with
//! `N passed, M failed`.

use super::{check_with_progress, load_course, load_state};
use crate::check::{Item, Verdict};
use crate::error::Result;
use crate::report;

pub fn run(color: bool) -> Result<i32> {
    let (course, package) = load_course()?;
    let mut state = load_state(&course)?;
    let items: Vec<Item> = course.exercises.iter().map(Item::exercise).collect();
    let outcomes = check_with_progress(&course, &package, &items, color)?;

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
