//! What a check's outcome looks like to its reader: a person ([`human`], with a
//! [build progress bar](build_progress)) or CI ([`formats`]: JSON, JUnit, GitHub annotations).
//! Everything shown from a process or a file is made [inert](crate::inert) here.
//!
//! Uses the course, check and progress (the list shows it); never records anything.

pub mod build_progress;
pub mod checked_bar;
mod failures;
pub mod formats;
pub mod hint;
mod human;
pub mod list;
pub mod roadmap;
pub mod verdict_lines;

pub use human::{Detail, Place, failing_stage, file_link, inert, init_color, line, outcome};

use std::sync::{Arc, mpsc};

use crate::check::{Event, EventFn};

/// A consumer of a check's [events](crate::check::events): fed on the thread that started the
/// check, one event at a time, in the order they happened.
pub trait Reporter {
    fn on(&mut self, event: &Event);
}

/// Runs `check` on a thread of its own, handing it the sink its events go to, and feeds each
/// event to every one of `reporters` here as it arrives. Returns what `check` returned.
pub fn follow<T: Send>(
    reporters: &mut [&mut dyn Reporter],
    check: impl FnOnce(EventFn) -> T + Send,
) -> T {
    let (tx, rx) = mpsc::channel();
    let sink: EventFn = Arc::new(move |event| {
        // The receiver outlives the check: it is dropped below, after the join.
        let _ = tx.send(event);
    });
    std::thread::scope(|scope| {
        let checking = scope.spawn(move || check(sink));
        // Ends when the check is over and its last sender dropped.
        for event in rx {
            for reporter in reporters.iter_mut() {
                reporter.on(&event);
            }
        }
        checking
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}
