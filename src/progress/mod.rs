//! The learner's progress in `.backlings/`: which exercise is current and which are done.
//!
//! Uses the course and check (a verdict is what gets recorded); reports show it, and commands
//! and watch mode record through it.

pub mod delivered;
mod record;
mod reset;
mod state;
pub mod store;

pub use record::{Advance, Moved, Recorded, record};
pub use reset::{Restored, back_up, reset_file, restore};
pub use state::State;

use crate::course::{Course, shipped};
use crate::error::Result;

/// The learner's progress, with its warnings printed, and on the very first start the
/// shipped baseline recorded for `reset`.
pub fn load(course: &Course) -> Result<State> {
    let mut state = State::load(course)?;
    for warning in &state.warnings {
        eprintln!("warning: {warning}");
    }
    if state.is_new {
        state.record_baseline(shipped::current_commit(&course.root));
        // Saved at once: whatever the first command is, later resets need the baseline.
        state.save(course)?;
    }
    Ok(state)
}
