//! Everything the watch loop reacts to arrives as one [`Event`] on one channel: saves from
//! the file watcher, keys and resizes from the terminal, results from check threads. The
//! sources block while nothing happens, so an idle watch mode does no work at all.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;

use crossterm::event::{self as term, KeyEvent, KeyEventKind};
use notify::{EventKind, RecursiveMode, Watcher};

use crate::cargo::Progress;
use crate::check::Outcome;
use crate::course::Course;
use crate::error::{Error, Result};

pub enum Event {
    /// The file of exercise `index` was written, replaced or removed.
    Saved(usize),
    Key(KeyEvent),
    Resize,
    /// Cargo's progress during a check's build.
    Progress(Progress),
    /// Check number `id` finished.
    Checked(u64, Result<Outcome>),
    /// Checking all exercises (`c`) finished.
    CheckedAll(Result<Vec<Outcome>>),
}

/// Watches the exercises directory (not single files: editors that save by renaming a new
/// file over the old one would end a single-file watch) and reports saves of exercise files.
/// Other files, such as editors' temporary and backup files, are ignored.
pub fn watch_exercises(course: &Course, tx: Sender<Event>) -> Result<notify::RecommendedWatcher> {
    let files: HashMap<PathBuf, usize> = course
        .exercises
        .iter()
        .enumerate()
        .map(|(i, e)| (course.root.join(e.path()), i))
        .collect();
    let dir = course.root.join("exercises");
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if !is_write(&event.kind) {
            return;
        }
        for path in &event.paths {
            if let Some(&index) = files.get(path) {
                let _ = tx.send(Event::Saved(index));
            }
        }
    })
    .map_err(|e| watch_error(&dir, e))?;
    watcher
        .watch(&dir, RecursiveMode::Recursive)
        .map_err(|e| watch_error(&dir, e))?;
    Ok(watcher)
}

/// Events that can change a file's contents; reads by the compiler (open, access, close
/// without write) are not saves.
fn is_write(kind: &EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode};
    matches!(
        kind,
        EventKind::Create(_)
            | EventKind::Modify(_)
            | EventKind::Remove(_)
            | EventKind::Access(AccessKind::Close(AccessMode::Write))
    )
}

fn watch_error(dir: &Path, e: notify::Error) -> Error {
    Error::usage(format!(
        "could not watch {} for changes: {e}\n  \
         Use `backlings run` after each save instead, or raise the inotify limit \
         (fs.inotify.max_user_watches).",
        dir.display()
    ))
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
