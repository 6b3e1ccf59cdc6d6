//! Everything the watch loop reacts to arrives as one [`Event`] on one channel: saves from
//! the watcher, keys and resizes from the terminal, results from check threads. The sources
//! block while nothing happens, so an idle watch mode does no work at all.

use std::sync::mpsc::Sender;

use crossterm::event::{self as term, KeyEvent, KeyEventKind};

use crate::build::cargo::Progress;
use crate::check::Outcome;
use crate::error::Result;

pub enum Event {
    /// The file of exercise `index` was written, replaced or removed.
    Saved(usize),
    /// The watcher may have missed events: look at the current exercise again.
    Rescan,
    Key(KeyEvent),
    Resize,
    /// Cargo's progress during a check's build.
    Progress(Progress),
    /// Check number `id` finished.
    Checked(u64, Result<Outcome>),
    /// Checking all exercises (`c`) finished.
    CheckedAll(Result<Vec<Outcome>>),
}

/// Reads keys and resizes on a thread of its own for as long as the program runs.
pub fn read_terminal(tx: Sender<Event>) {
    std::thread::spawn(move || {
        while let Ok(event) = term::read() {
            let event = match event {
                term::Event::Key(key) if key.kind != KeyEventKind::Release => Event::Key(key),
                term::Event::Resize(..) => Event::Resize,
                _ => continue,
            };
            if tx.send(event).is_err() {
                break;
            }
        }
    });
}
