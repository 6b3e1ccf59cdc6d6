//! # File uploads: validate, rename, serve as a download
//!
//! Roadmap step: **Web security** (<https://roadmap.sh/backend>): accepting files from
//! users without letting them upload a web shell, overwrite other files, or make the
//! browser run HTML they uploaded.
//!
//! 1. `sanitize_display_name`: the name we show, never a path. Keep what follows the
//!    last `/` or `\`; drop control characters and bidi overrides (U+202A–U+202E,
//!    U+2066–U+2069); trim spaces and dots at both ends; if nothing is left, `"file"`.
//!    If it is longer than `MAX_NAME_CHARS` characters, cut it to exactly that many:
//!    shorten the part before the last `.` so the extension survives, as long as at
//!    least one character of that part stays; otherwise keep the first characters.
//! 2. `store`: more than `MAX_BYTES` (1 MiB) is `TooLarge` (413), checked first. The extension
//!    of the sanitized name (after its last `.`, any case) picks a `KINDS` entry; the
//!    declared `Content-Type` (any case, no parameters) must be its MIME type and the body
//!    must start with its magic bytes, else `Unsupported` (415). The storage name is 16
//!    bytes from the `RandomSource` in base64url without padding, `.`, the kind's first
//!    extension: user input never becomes part of a path.
//! 3. `content_disposition`: `attachment; filename*=UTF-8''<name>`, the name's UTF-8
//!    bytes percent-encoded (uppercase hex) except RFC 8187 `attr-char`s: letters,
//!    digits and ``!#$&+-.^_`|~``.
//!
//! Standards:
//! - <https://cheatsheetseries.owasp.org/cheatsheets/File_Upload_Cheat_Sheet.html>
//!   (see its "Filename Sanitization" and "Upload and Download Limits" sections)
//! - <https://www.rfc-editor.org/rfc/rfc6266#section-4.1> (Content-Disposition)
//! - <https://www.rfc-editor.org/rfc/rfc8187#section-3.2.1> (`filename*` encoding)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::RandomSource;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

pub const MAX_BYTES: usize = 1024 * 1024;
pub const MAX_NAME_CHARS: usize = 100;

pub struct Kind {
    pub extensions: &'static [&'static str],
    pub mime: &'static str,
    pub magic: &'static [u8],
}

/// The only types this service accepts.
#[rustfmt::skip]
pub const KINDS: [Kind; 3] = [
    Kind { extensions: &["png"], mime: "image/png", magic: b"\x89PNG" },
    Kind { extensions: &["jpg", "jpeg"], mime: "image/jpeg", magic: b"\xFF\xD8\xFF" },
    Kind { extensions: &["pdf"], mime: "application/pdf", magic: b"%PDF-" },
];

pub struct Upload<'a> {
    /// The file name the client sent, e.g. `../../etc/cron.d/x.png`.
    pub filename: &'a str,
    /// The `Content-Type` the client declared.
    pub content_type: &'a str,
    pub body: &'a [u8],
}

#[derive(Debug, PartialEq, Eq)]
pub struct Stored {
    /// The random name on disk (or the object key).
    pub storage_name: String,
    pub display_name: String,
    /// Our MIME type for the kind, not the client's spelling.
    pub mime: &'static str,
}

/// The discriminant is the HTTP status code: `error as u16`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadError {
    TooLarge = 413,
    Unsupported = 415,
}

pub fn sanitize_display_name(filename: &str) -> String {
    let base = filename.rsplit(['/', '\\']).next().unwrap_or_default();
    let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    let keep = |c: &char| !c.is_control() && !bidi(*c);
    let cleaned: String = base.chars().filter(keep).collect();
    let name = cleaned.trim_matches(|c: char| c.is_whitespace() || c == '.');
    if name.is_empty() {
        return "file".to_string();
    }
    if name.chars().count() <= MAX_NAME_CHARS {
        return name.to_string();
    }
    // Count characters, not bytes: slicing a `str` in the middle of one would panic.
    match name.rsplit_once('.') {
        // Room for the extension, its `.` and at least one character before it.
        Some((stem, ext)) if ext.chars().count() + 2 <= MAX_NAME_CHARS => {
            let keep = MAX_NAME_CHARS - 1 - ext.chars().count();
            format!("{}.{ext}", stem.chars().take(keep).collect::<String>())
        }
        _ => name.chars().take(MAX_NAME_CHARS).collect(),
    }
}

pub fn store(upload: &Upload, rng: &dyn RandomSource) -> Result<Stored, UploadError> {
    if upload.body.len() > MAX_BYTES {
        return Err(UploadError::TooLarge);
    }
    let display_name = sanitize_display_name(upload.filename);
    let ext = display_name.rsplit_once('.').map(|(_, ext)| ext);
    let ext = ext.ok_or(UploadError::Unsupported)?;
    let kind = KINDS
        .iter()
        .find(|k| k.extensions.iter().any(|e| e.eq_ignore_ascii_case(ext)))
        .ok_or(UploadError::Unsupported)?;
    let declared = upload.content_type.split(';').next().unwrap_or_default();
    // The extension, the declared type and the content itself must all agree.
    if !declared.trim().eq_ignore_ascii_case(kind.mime) || !upload.body.starts_with(kind.magic) {
        return Err(UploadError::Unsupported);
    }
    let mut random = [0u8; 16];
    rng.fill(&mut random);
    let storage_name = format!("{}.{}", URL_SAFE_NO_PAD.encode(random), kind.extensions[0]);
    #[rustfmt::skip]
    let stored = Stored { storage_name, display_name, mime: kind.mime };
    Ok(stored)
}

pub fn content_disposition(display_name: &str) -> String {
    let mut header = String::from("attachment; filename*=UTF-8''");
    for &b in display_name.as_bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            header.push(char::from(b));
        } else {
            header.push_str(&format!("%{b:02X}"));
        }
    }
    header
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::SeqRandom;
    use UploadError::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0";
    const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";

    fn upload(filename: &str, content_type: &str, body: &[u8]) -> Result<Stored, UploadError> {
        #[rustfmt::skip]
        let upload = Upload { filename, content_type, body };
        store(&upload, &SeqRandom::new())
    }

    #[test]
    fn matching_uploads_get_a_random_storage_name() {
        #[rustfmt::skip]
        let cases = [
            ("cat.png", "image/png", PNG, "cat.png", "image/png", "png"),
            ("Holiday.JPEG", "IMAGE/JPEG", JPEG, "Holiday.JPEG", "image/jpeg", "jpg"),
            ("photo.jpg", "image/jpeg; charset=binary", JPEG, "photo.jpg", "image/jpeg", "jpg"),
            ("../../etc/x.png", "image/png", PNG, "x.png", "image/png", "png"),
            ("C:\\Users\\ada\\résumé 2024.pdf", "application/pdf", PDF, "résumé 2024.pdf", "application/pdf", "pdf"),
            ("shell.php.png", "image/png", PNG, "shell.php.png", "image/png", "png"),
        ];
        for (filename, content_type, body, display, mime, ext) in cases {
            let storage_name = format!("AAECAwQFBgcICQoLDA0ODw.{ext}");
            #[rustfmt::skip]
            let expected = Stored { storage_name, display_name: display.into(), mime };
            assert_eq!(
                upload(filename, content_type, body),
                Ok(expected),
                "{filename:?}"
            );
        }
        let rng = SeqRandom::new();
        #[rustfmt::skip]
        let up = Upload { filename: "a.pdf", content_type: "application/pdf", body: PDF };
        let (first, second) = (store(&up, &rng).unwrap(), store(&up, &rng).unwrap());
        assert_eq!(second.storage_name, "EBESExQVFhcYGRobHB0eHw.pdf");
        assert_ne!(first.storage_name, second.storage_name);
    }

    #[test]
    fn mismatches_are_415() {
        #[rustfmt::skip]
        let cases = [
            ("cat.png", "image/png", PDF), ("cat.png", "image/jpeg", PNG),
            ("cat.png", "text/html", b"<script>alert(1)</script>".as_slice()),
            ("cat.png", "image/png", b"\x89PN".as_slice()), ("cat.png", "image/png", b"".as_slice()),
            ("cat.png", "image/png", b" \x89PNG\r\n\x1a\n".as_slice()), ("doc.pdf", "application/pdf", JPEG),
            ("shell.php", "image/png", PNG), ("shell.png.php", "image/png", PNG),
            ("cat.svg", "image/svg+xml", b"<svg/>".as_slice()), ("png", "image/png", PNG),
            ("cat.png.", "image/png", PDF), ("cat.gif", "image/png", PNG), ("cat.", "image/png", PNG),
            ("cat.png", "image/pngx", PNG), ("cat.png", "image/png+xml", PNG),
        ];
        for (filename, content_type, body) in cases {
            let got = upload(filename, content_type, body);
            assert_eq!(got, Err(Unsupported), "{filename:?} {content_type:?}");
        }
        assert_eq!(Unsupported as u16, 415);
    }

    #[test]
    fn the_size_limit_is_413_and_checked_first() {
        let mut body = PNG.to_vec();
        body.resize(1024 * 1024, 0);
        let png = |body: &[u8]| upload("big.png", "image/png", body);
        assert!(png(&body).is_ok(), "exactly 1 MiB is allowed");
        body.push(0);
        assert_eq!(png(&body), Err(TooLarge), "one byte over 1 MiB");
        assert_eq!(upload("big.exe", "text/plain", &body), Err(TooLarge));
        assert_eq!(TooLarge as u16, 413);
    }

    #[test]
    fn display_names_are_sanitized() {
        let long = format!("{}.png", "a".repeat(300));
        let cut = format!("{}.png", "a".repeat(96));
        let long_no_ext = "é".repeat(150);
        #[rustfmt::skip]
        let cases = [
            ("../../x.png", "x.png"), ("..\\..\\windows\\win.ini", "win.ini"),
            ("in\u{0}voice\r\n.pdf", "invoice.pdf"), ("bell\u{7}\u{7f}\u{85}.png", "bell.png"),
            ("invoice\u{202E}gnp.exe", "invoicegnp.exe"), ("  ..report.pdf. . ", "report.pdf"),
            ("../..", "file"), ("", "file"), ("dir/", "file"), ("résumé 2024.pdf", "résumé 2024.pdf"),
            (long.as_str(), cut.as_str()), (long_no_ext.as_str(), &long_no_ext[..200]),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize_display_name(input), expected, "{input:?}");
        }
    }

    #[test]
    fn long_names_are_cut_to_exactly_max_name_chars() {
        let name = |stem: usize, ext: usize| format!("{}.{}", "a".repeat(stem), "e".repeat(ext));
        #[rustfmt::skip]
        let cases = [
            (name(95, 4), name(95, 4)), (name(96, 4), name(95, 4)),
            // The longest extension that survives leaves one character before the `.`.
            (name(5, 98), name(1, 98)), (name(5, 99), name(5, 94)), (name(1, 99), name(1, 98)),
            ("é".repeat(100), "é".repeat(100)), ("é".repeat(101), "é".repeat(100)),
        ];
        for (input, expected) in cases {
            let got = sanitize_display_name(&input);
            assert_eq!(got, expected, "{} characters", input.chars().count());
            assert!(got.chars().count() <= MAX_NAME_CHARS);
        }
    }

    #[test]
    fn content_disposition_exact() {
        #[rustfmt::skip]
        let cases = [
            ("cat.png", "attachment; filename*=UTF-8''cat.png"),
            ("résumé 2024.pdf", "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9%202024.pdf"),
            ("a\"b;c'd%.pdf", "attachment; filename*=UTF-8''a%22b%3Bc%27d%25.pdf"),
            ("x!#$&+-.^_`|~y", "attachment; filename*=UTF-8''x!#$&+-.^_`|~y"),
            ("日本.png", "attachment; filename*=UTF-8''%E6%97%A5%E6%9C%AC.png"),
        ];
        for (name, expected) in cases {
            assert_eq!(content_disposition(name), expected, "{name:?}");
        }
    }
}
