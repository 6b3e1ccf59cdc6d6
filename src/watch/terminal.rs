//! The terminal in watch mode: raw mode for single keys, restored however the program ends
//! (quit, Ctrl-C, an error, a panic). The screen is cleared, never purged: the learner's
//! scrollback stays.

use std::io::Write;

use crossterm::{cursor, execute, terminal};

/// Raw mode while alive; the terminal as it was once dropped.
pub struct RawTerminal;

impl RawTerminal {
    pub fn enter() -> std::io::Result<Self> {
        terminal::enable_raw_mode()?;
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        execute!(std::io::stdout(), cursor::Hide)?;
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

/// Columns and rows, with a sane default when the terminal does not say.
pub fn size() -> (u16, u16) {
    terminal::size().unwrap_or((80, 24))
}
