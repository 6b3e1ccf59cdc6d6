//! Text that came from elsewhere (compilers, tests, programs, course files) made inert before
//! it is shown: a test that prints `ESC ] 0 ; title BEL` or `ESC [ ? 1049 h`, or a course
//! whose exercises print gzip or DNS bytes, must not retitle the learner's terminal, switch
//! its screen or move its cursor. Control characters are shown visibly instead, the way `cat
//! -v` and `less` show them (`^[`, `^G`, `<U+009B>`), so what was printed is still there to
//! read. Only colour (SGR: `ESC [ digits ; … m`) may pass, and only when colour is on; a block
//! that kept any ends with a reset, so it cannot leave the terminal coloured.
//!
//! backlings' own escape sequences (its styles, its OSC 8 links) are added after this, to
//! text that went through it. The work is one pass over the bytes, copying runs of ordinary
//! text whole: it runs on every verdict, over up to 1 MiB of output.

use std::fmt::Write as _;

/// What becomes of colour sequences in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    /// Kept as they are (colour is on), with a reset at the end of the text.
    Keep,
    /// Removed: they are formatting, not content, and no escape byte may pass.
    Strip,
}

impl Colour {
    /// `Keep` when colour is on.
    pub fn when(on: bool) -> Self {
        if on { Colour::Keep } else { Colour::Strip }
    }
}

/// Ends a block that kept colours.
const RESET: &str = "\x1b[0m";

/// The longest parameter list a kept colour sequence may have; longer ones are shown.
const MAX_SGR_PARAMETERS: usize = 64;

/// `raw` made safe to print: see the module documentation.
pub fn text(raw: &str, colour: Colour) -> String {
    let mut out = String::with_capacity(raw.len() + 16);
    push(&mut out, raw, colour);
    out
}

/// Appends `raw`, made safe to print, to `out`.
pub fn push(out: &mut String, raw: &str, colour: Colour) {
    let bytes = raw.as_bytes();
    let mut kept_colour = false;
    // `raw[copied..i]` is ordinary text not yet copied.
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !SUSPECT[usize::from(bytes[i])] {
            i += 1;
            continue;
        }
        let Some((len, shown)) = classify(bytes, i) else {
            i += 1;
            continue;
        };
        out.push_str(&raw[copied..i]);
        match shown {
            Shown::Nothing => {}
            Shown::Colour if colour == Colour::Keep => {
                out.push_str(&raw[i..i + len]);
                kept_colour = true;
            }
            Shown::Colour => {}
            Shown::Caret(b) => {
                out.push('^');
                out.push(char::from(b));
            }
            Shown::CodePoint(c) => {
                let _ = write!(out, "<U+{c:04X}>");
            }
        }
        i += len;
        copied = i;
    }
    out.push_str(&raw[copied..]);
    if kept_colour {
        out.push_str(RESET);
    }
}

/// How a control sequence or character is shown.
enum Shown {
    /// Not at all: the `\r` of `\r\n`.
    Nothing,
    /// A colour sequence: kept or dropped, as [`Colour`] says.
    Colour,
    /// `^` and this character, as `cat -v` shows C0 controls and DEL.
    Caret(u8),
    /// `<U+XXXX>`: C1 controls and bidirectional overrides, which have no caret form.
    CodePoint(u32),
}

/// Bytes that may begin something to neutralise: C0 controls other than tab and line feed,
/// DEL, and the lead bytes of the UTF-8 encodings of C1 controls (`C2 80..9F`) and of
/// bidirectional controls (`E2 80 AA..AE`, `E2 81 A6..A9`). Everything else is copied as is.
const SUSPECT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b != b'\n' as usize && b != b'\t' as usize;
        b += 1;
    }
    table[0x7f] = true;
    table[0xc2] = true;
    table[0xe2] = true;
    table
};

/// What begins at `bytes[i]` (a [`SUSPECT`] byte), and its length; `None` when it is
/// ordinary text after all (a lead byte of some other character).
fn classify(bytes: &[u8], i: usize) -> Option<(usize, Shown)> {
    let next = |k: usize| bytes.get(i + k).copied();
    match bytes[i] {
        b'\r' if next(1) == Some(b'\n') => Some((1, Shown::Nothing)),
        0x1b => match sgr_len(&bytes[i..]) {
            Some(len) => Some((len, Shown::Colour)),
            None => Some((1, Shown::Caret(b'['))),
        },
        b @ 0x00..=0x1f => Some((1, Shown::Caret(b ^ 0x40))),
        0x7f => Some((1, Shown::Caret(b'?'))),
        0xc2 => match next(1)? {
            c1 @ 0x80..=0x9f => Some((2, Shown::CodePoint(u32::from(c1)))),
            _ => None,
        },
        0xe2 => {
            // U+202A..U+202E are E2 80 AA..AE; U+2066..U+2069 are E2 81 A6..A9.
            let point = match (next(1)?, next(2)?) {
                (0x80, low @ 0xaa..=0xae) => 0x2000 | u32::from(low - 0x80),
                (0x81, low @ 0xa6..=0xa9) => 0x2040 | u32::from(low - 0x80),
                _ => return None,
            };
            Some((3, Shown::CodePoint(point)))
        }
        _ => None,
    }
}

/// The length of the colour sequence `ESC [ params m` at the start of `bytes`, if there is
/// one: params are digits, `;` and `:` (as in `38:2::255:0:0`), at most
/// [`MAX_SGR_PARAMETERS`] of them. Any other sequence is not kept.
fn sgr_len(bytes: &[u8]) -> Option<usize> {
    if bytes.get(1) != Some(&b'[') {
        return None;
    }
    let parameters = bytes[2..]
        .iter()
        .take(MAX_SGR_PARAMETERS + 1)
        .take_while(|b| b.is_ascii_digit() || **b == b';' || **b == b':')
        .count();
    (parameters <= MAX_SGR_PARAMETERS && bytes.get(2 + parameters) == Some(&b'm'))
        .then_some(2 + parameters + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (what was printed, shown with colour off, shown with colour on)
    const TABLE: &[(&str, &str, &str)] = &[
        (
            "plain text, tabs\tand\nlines",
            "plain text, tabs\tand\nlines",
            "plain text, tabs\tand\nlines",
        ),
        (
            "unicode: ü ß → ✓ 日本",
            "unicode: ü ß → ✓ 日本",
            "unicode: ü ß → ✓ 日本",
        ),
        (
            "windows\r\nline ends\r\n",
            "windows\nline ends\n",
            "windows\nline ends\n",
        ),
        (
            "progress 10%\rprogress 99%",
            "progress 10%^Mprogress 99%",
            "progress 10%^Mprogress 99%",
        ),
        ("\x1b[31mred\x1b[0m", "red", "\x1b[31mred\x1b[0m\x1b[0m"),
        (
            "\x1b[1;38;5;9mbold\x1b[m",
            "bold",
            "\x1b[1;38;5;9mbold\x1b[m\x1b[0m",
        ),
        (
            "\x1b[38:2::255:0:0mtrue colour",
            "true colour",
            "\x1b[38:2::255:0:0mtrue colour\x1b[0m",
        ),
        (
            "title \x1b]0;PWNED\x07",
            "title ^[]0;PWNED^G",
            "title ^[]0;PWNED^G",
        ),
        (
            "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
            "^[]8;;http://x^[\\link^[]8;;^[\\",
            "^[]8;;http://x^[\\link^[]8;;^[\\",
        ),
        (
            "\x1b]52;c;ZXZpbA==\x07",
            "^[]52;c;ZXZpbA==^G",
            "^[]52;c;ZXZpbA==^G",
        ),
        ("\x1b[?1049h\x1bc", "^[[?1049h^[c", "^[[?1049h^[c"),
        ("\x1b[2J\x1b[H\x1b[3J", "^[[2J^[[H^[[3J", "^[[2J^[[H^[[3J"),
        ("\x1bP1$r\x1b\\", "^[P1$r^[\\", "^[P1$r^[\\"),
        ("\x1b[31", "^[[31", "^[[31"),
        ("\x1b", "^[", "^["),
        (
            "bell\x07 back\x08space nul\x00 del\x7f",
            "bell^G back^Hspace nul^@ del^?",
            "bell^G back^Hspace nul^@ del^?",
        ),
        ("\x0b\x0c\x1f", "^K^L^_", "^K^L^_"),
        (
            "c1 csi \u{9b}2J nel \u{85} st \u{9c}",
            "c1 csi <U+009B>2J nel <U+0085> st <U+009C>",
            "c1 csi <U+009B>2J nel <U+0085> st <U+009C>",
        ),
        (
            "bidi \u{202e}evil\u{202c} \u{2066}x\u{2069}",
            "bidi <U+202E>evil<U+202C> <U+2066>x<U+2069>",
            "bidi <U+202E>evil<U+202C> <U+2066>x<U+2069>",
        ),
        (
            "near bidi \u{2028} \u{2065} \u{202f} \u{a0}",
            "near bidi \u{2028} \u{2065} \u{202f} \u{a0}",
            "near bidi \u{2028} \u{2065} \u{202f} \u{a0}",
        ),
    ];

    #[test]
    fn controls_are_shown_visibly_and_colour_only_passes_when_on() {
        for (raw, off, on) in TABLE {
            assert_eq!(text(raw, Colour::Strip), *off, "colour off: {raw:?}");
            assert_eq!(text(raw, Colour::Keep), *on, "colour on: {raw:?}");
        }
    }

    /// Every byte value, twice: no control character is left but tab and line feed (the
    /// input holds no colour sequence, so colour on keeps none either).
    #[test]
    fn no_control_character_remains_of_arbitrary_bytes() {
        let every_byte: Vec<u8> = (0..=255).chain(0..=255).collect();
        let raw = String::from_utf8_lossy(&every_byte);
        for colour in [Colour::Strip, Colour::Keep] {
            let shown = text(&raw, colour);
            let controls = shown
                .chars()
                .filter(|c| c.is_control() && *c != '\n' && *c != '\t')
                .count();
            assert_eq!(controls, 0, "{colour:?}: {shown:?}");
        }
    }

    #[test]
    fn overlong_colour_sequences_are_shown() {
        let long = format!("\x1b[{}m", "1;".repeat(40));
        assert_eq!(
            text(&long, Colour::Keep),
            format!("^[[{}m", "1;".repeat(40))
        );
    }
}
