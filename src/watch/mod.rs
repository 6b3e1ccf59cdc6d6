//! Watch mode (`backlings` with no command): the learner's loop. Save the current exercise →
//! it is checked → the verdict is on screen → `n` moves on.
//!
//! The logic is a state machine with no I/O ([`app`]): it takes [`events::Event`]s (saves,
//! keys, verdicts, file contents) and returns [`effects::Effect`]s (check, cancel, save
//! progress, reset a file…). The executor ([`effects`]) carries them out, on threads of their
//! own where they take time, so keys work while a check runs; the loop ([`event_loop`]) ties
//! them together and draws the [`screen`], which only reads the machine's state. How saves
//! are noticed is the [`watcher`]'s; the [`terminal`], the [`editor`] `e` opens, the
//! learner's [`settings`] and the optional log ([`trace`]) are their own modules.

mod app;
mod editor;
mod effects;
mod event_loop;
mod events;
mod screen;
mod settings;
mod terminal;
mod trace;
mod watcher;

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::mpsc;

use crate::error::{Error, Result};

use app::{App, Mode};
use effects::{Effect, Executor};

pub use terminal::restore as restore_terminal;
pub use watcher::Noticing;

/// Runs watch mode on the course in the current directory until the learner quits.
/// `editor` (`--editor`) overrides the editor that `e` opens (see [`editor::choose`]).
pub fn run(color: bool, noticing: Noticing, editor: Option<&str>) -> Result<i32> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(Error::environment(
            "watch mode needs a terminal.\n  Without one, use `backlings run [NAME]` to check one exercise, \
             or `backlings verify` to check them all.",
        ));
    }
    let editor = editor::of_learner(editor)?;
    let (course, package) = crate::course::load_here()?;
    let state = crate::progress::load(&course)?;
    trace::init();
    let (tx, rx) = mpsc::channel();
    let mut watching = watcher::start(&course, noticing, tx.clone())?;

    let course = Arc::new(course);
    let mut executor = Executor::new(course.clone(), Arc::new(package), color, editor, tx.clone());
    let mode = match noticing {
        Noticing::Manual => Mode::Manual,
        Noticing::Events | Noticing::Polling => Mode::Watch,
    };
    let mut app = App::new(course, state, mode, watching.note.take());
    executor.run(Effect::SaveProgress, app.progress_mut())?;

    let _terminal = terminal::RawTerminal::enter()
        .map_err(|e| Error::environment("could not set up the terminal").caused_by(e))?;
    let (keys_go_on, go_on) = mpsc::channel();
    events::read_terminal(tx, go_on);
    event_loop::run(app, executor, rx, keys_go_on)?;
    Ok(0)
}
