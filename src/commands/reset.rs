//! `backlings reset NAME`: put the shipped version of an exercise back, after keeping the
//! learner's version in a backup file. Nothing a learner wrote is ever lost.

use crate::error::Result;
use crate::progress::reset_file;

pub fn run(name: &str) -> Result<i32> {
    let (course, _) = crate::course::load_here()?;
    let mut state = crate::progress::load(&course)?;
    let exercise = &course.exercises[course.find(name)?];
    let message = reset_file(&course, exercise, state.shipped_commit()?)?;
    println!("{message}");
    state.set_done(&exercise.name, false);
    state.save(&course)?;
    Ok(0)
}
