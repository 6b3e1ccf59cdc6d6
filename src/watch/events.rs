//! Everything watch mode's state machine reacts to is one [`Event`]. Saves (from the watcher),
//! keys and resizes (from the terminal) and the results of checks (from their threads) arrive
//! on one channel; the sources block while nothing happens, so an idle watch mode does no
//! work at all. What the executor learns while carrying out an effect (a file's content, a
//! reset done, the debounce timer run out) comes back as an event too, at once.

use std::sync::mpsc::{Receiver, Sender};
use std::time::Duration;

use crossterm::event::{self as term, KeyEvent, KeyEventKind};

use crate::build::cargo::Progress;
use crate::check::Outcome;
use crate::error::Result;

/// Names one check of the current exercise, so that the verdict (or progress) of a check that
/// was cancelled since can be told from the one the screen waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CheckId(pub u64);

/// Whether a check may be skipped when the file holds what was (or is being) checked already:
/// editors often write the same content twice, and `touch` changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recheck {
    /// A save: skipped when the content is unchanged.
    IfChanged,
    /// The learner asked (`r`), or what is known may be out of date (watch mode starts, all
    /// exercises were checked).
    Always,
}

/// A step of the check of every exercise (from the check's events), for its progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllStep {
    /// Cargo built `done` of `total` units.
    Building { done: u32, total: u32 },
    /// The binaries are built: tests and programs run.
    Built,
    /// Exercise `index` has its verdict.
    Finished(usize),
}

/// Something watch mode reacts to (see [`super::app::App::update`]).
#[derive(Debug)]
pub enum Event {
    /// The file of exercise `index` was written, replaced or removed.
    Saved(usize),
    /// The watcher may have missed events: look at the current exercise again.
    Rescan,
    /// The debounce timer ran out: the save has settled.
    DebounceOver,
    /// The content of exercise `index`'s file, as asked for with `recheck`:
    /// a fingerprint, or `None` when it cannot be read (missing, or not a regular file).
    Read {
        index: usize,
        recheck: Recheck,
        fingerprint: Option<u64>,
    },
    /// A key pressed (what it does depends on the screen shown).
    Key(KeyEvent),
    /// The terminal's size changed: the screen is drawn again to fit.
    Resize,
    /// Cargo's progress during check `id`'s build, `elapsed` since the check started.
    Progress {
        id: CheckId,
        progress: Progress,
        elapsed: Duration,
    },
    /// Check `id` finished; `content` is the fingerprint of the file once it had (`None`:
    /// unreadable), so that a verdict is never shown for content that is no longer on disk.
    Checked {
        id: CheckId,
        outcome: Result<Outcome>,
        content: Option<u64>,
    },
    /// Checking all exercises (`c`) went a step further.
    AllStep(AllStep),
    /// Checking all exercises (`c`) finished.
    CheckedAll(Result<Vec<Outcome>>),
    /// The current exercise's file was reset (the message for the learner), or why not.
    Reset(Result<String>),
    /// A done exercise's solution could not be handed out: why.
    HandOutFailed(String),
    /// The editor ran (a terminal editor has ended), or why it could not.
    Edited(std::result::Result<(), String>),
}

/// Reads keys and resizes on a thread of its own for as long as the program runs. After each
/// one it waits for `go_on`: the loop says so once the key is handled, so that no key typed
/// into an editor that `e` opened in the terminal is read here.
pub fn read_terminal(tx: Sender<Event>, go_on: Receiver<()>) {
    std::thread::spawn(move || {
        while let Ok(event) = term::read() {
            let event = match event {
                term::Event::Key(key) if key.kind != KeyEventKind::Release => Event::Key(key),
                term::Event::Resize(..) => Event::Resize,
                _ => continue,
            };
            if tx.send(event).is_err() || go_on.recv().is_err() {
                break;
            }
        }
    });
}
