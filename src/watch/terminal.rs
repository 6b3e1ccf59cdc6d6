//! The terminal in watch mode: raw mode for single keys, restored however the program ends
//! (quit, Ctrl-C, SIGTERM, an error, a panic). The screen is cleared, never purged: what was
//! on it is first scrolled into the learner's scrollback, which stays.

use std::io::Write;

use crossterm::{cursor, execute, terminal};

/// Raw mode while alive; the terminal as it was once dropped.
pub struct RawTerminal;

impl RawTerminal {
    pub fn enter() -> std::io::Result<Self> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // A check's panic is reported on screen and watch mode goes on (see
            // `catch_bug`); any other ends the program, and must be readable.
            if std::thread::current().name() != Some(super::CHECK_THREAD) {
                restore();
                previous(info);
            }
        }));
        let (_, rows) = size();
        let mut out = std::io::stdout();
        write!(out, "{}", "\n".repeat(usize::from(rows)))?;
        terminal::enable_raw_mode()?;
        execute!(out, cursor::Hide)?;
        Ok(Self)
    }
}

impl Drop for RawTerminal {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves raw mode and shows the cursor; harmless when the terminal is not in raw mode.
pub fn restore() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(std::io::stdout(), cursor::Show);
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
