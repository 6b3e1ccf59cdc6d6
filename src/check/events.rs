//! What a check reports while it runs, for whoever shows it: the progress bar of `run`,
//! `verify` and `dev check`, `verify`'s verdict lines and CI reports, and watch mode's screen
//! (see [`crate::report::Reporter`]). The pipeline only emits; it never prints.
//!
//! For a check of N items: [`Event::Started`] once, then [`Event::Building`] while cargo works
//! and [`Event::Built`] when it is done, then [`Event::Finished`] with each item's outcome, in
//! any order (they run in parallel). A check whose items build in two packages (see
//! [`crate::build::light`]) builds twice: `Building`, `Built`, `Finished`s, then again.

use std::sync::Arc;

use super::verdict::Outcome;
use crate::build::cargo::{Progress, ProgressFn};

/// One step of a check. Items are named by their index in the list given to the check.
#[derive(Debug, Clone)]
pub enum Event {
    /// The check of `items` files begins.
    Started { items: usize },
    /// Cargo's progress, or a wait (for a lock, for the background build of crates).
    Building(Progress),
    /// The binaries are built (or known not to compile): the tests and programs run next.
    Built,
    /// Item `index` has its verdict.
    Finished { index: usize, outcome: Outcome },
}

/// Receives a check's events, from whichever thread produced them.
pub type EventFn = Arc<dyn Fn(Event) + Send + Sync>;

/// Cargo's progress as [`Event::Building`] events of `events`.
pub fn building(events: &EventFn) -> ProgressFn {
    let events = events.clone();
    Arc::new(move |progress| events(Event::Building(progress)))
}
