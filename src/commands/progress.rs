//! `backlings progress`: the course as the roadmap it follows, chapter by chapter, with the
//! learner's place on it.

use crate::error::Result;
use crate::report::roadmap;

pub fn run() -> Result<i32> {
    let (course, _) = crate::course::load_here()?;
    let state = crate::progress::load(&course)?;
    print!("{}", roadmap::map(&course, &state));
    Ok(0)
}
