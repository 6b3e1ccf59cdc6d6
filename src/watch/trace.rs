//! An optional log of what watch mode noticed and did: every file event (and whether it
//! counted as a save of an exercise), every check started, cancelled and shown. Set
//! `BACKLINGS_WATCH_LOG=<file>` when saves seem to go unnoticed, and attach the file to the
//! report; the tests read it to prove that each save is checked exactly once.

use std::fmt;
use std::fs::File;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

static LOG: OnceLock<Option<Mutex<File>>> = OnceLock::new();

/// Opens the log named by `BACKLINGS_WATCH_LOG`, if any. A log that cannot be opened is
/// reported and skipped: it must never stop the learner's loop.
pub fn init() {
    LOG.get_or_init(|| {
        let path = std::env::var_os("BACKLINGS_WATCH_LOG")?;
        match File::options().create(true).append(true).open(&path) {
            Ok(file) => Some(Mutex::new(file)),
            Err(e) => {
                eprintln!(
                    "warning: cannot write the watch log {}: {e}",
                    std::path::Path::new(&path).display()
                );
                None
            }
        }
    });
}

/// Appends one line, when logging.
pub fn log(line: fmt::Arguments) {
    if let Some(Some(file)) = LOG.get() {
        let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(file, "{line}");
    }
}
