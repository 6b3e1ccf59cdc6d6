//! The terminal in watch mode: raw mode for single keys, restored however the program ends
//! (quit, Ctrl-C, SIGTERM, SIGHUP, SIGQUIT, an error, a panic). Nothing a check printed can
//! change the terminal's state (see [`crate::inert`]), so there is no title or screen to put
//! back; backlings itself never uses the alternate screen. The screen is cleared, never purged: what was
//! on it is first scrolled into the learner's scrollback, which stays.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::{cursor, execute, terminal};

/// The name of the threads that run checks: the panic hook leaves their panics to the check's
/// own handler (`effects::catch_bug`), which reports them on screen.
pub const CHECK_THREAD: &str = "check";

/// Watch mode has set the terminal up. Only then is there anything to restore: the other
/// commands may write to a file or a pipe, where a "show the cursor" sequence does not belong.
static SET_UP: AtomicBool = AtomicBool::new(false);

/// Raw mode while alive; the terminal as it was once dropped.
pub struct RawTerminal;

impl RawTerminal {
    pub fn enter() -> std::io::Result<Self> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // A check's panic is reported on screen and watch mode goes on (see
            // `catch_bug`); any other ends the program, and must be readable.
            if std::thread::current().name() != Some(CHECK_THREAD) {
                restore();
                previous(info);
            }
        }));
        let (_, rows) = size();
        let mut out = std::io::stdout();
        write!(out, "{}", "\n".repeat(usize::from(rows)))?;
        SET_UP.store(true, Ordering::SeqCst);
        // From here on, whatever fails, dropping `raw` restores the terminal.
        let raw = Self;
        terminal::enable_raw_mode()?;
        execute!(out, cursor::Hide)?;
        Ok(raw)
    }
}

impl Drop for RawTerminal {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves raw mode and shows the cursor, once, if watch mode set the terminal up: the panic
/// hook, a signal and the end of watch mode may each call it.
pub fn restore() {
    if SET_UP.swap(false, Ordering::SeqCst) {
        let _ = terminal::disable_raw_mode();
        let _ = execute!(std::io::stdout(), cursor::Show);
    }
}

/// Hands the terminal to a program that runs in it (an editor): raw mode off, cursor shown.
pub fn suspend() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(std::io::stdout(), cursor::Show);
}

/// Takes the terminal back after [`suspend`]; the caller draws the screen again.
pub fn resume() {
    let _ = terminal::enable_raw_mode();
    let _ = execute!(std::io::stdout(), cursor::Hide);
}

/// Replaces what is on screen with `text` (raw mode needs `\r\n` line ends).
pub fn draw(text: &str) {
    let mut out = std::io::stdout().lock();
    // Home, then clear the screen: `2J` keeps the scrollback, unlike `3J`.
    let _ = write!(out, "\x1b[H\x1b[2J{}", text.replace('\n', "\r\n"));
    let _ = out.flush();
}

/// Columns and rows, with a sane default when the terminal does not say (some report 0×0).
pub fn size() -> (u16, u16) {
    match terminal::size() {
        Ok((columns, rows)) if columns > 0 && rows > 0 => (columns, rows),
        _ => (80, 24),
    }
}
