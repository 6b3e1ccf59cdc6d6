//! `backlings list`: every exercise with its chapter and status, the current one marked,
//! grouped by chapter with each chapter's progress.

use std::io::IsTerminal;

use crate::error::Result;

use crate::report::list;

pub fn run() -> Result<i32> {
    let (course, _) = crate::course::load_here()?;
    let state = crate::progress::load(&course)?;
    print!(
        "{}",
        list::grouped(&course, &state, std::io::stdout().is_terminal())
    );
    Ok(0)
}
