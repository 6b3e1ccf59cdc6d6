//! Reading and writing course files without trusting them.
//!
//! A course file can be anything a file system holds: a directory where a file should be, a
//! named pipe that blocks whoever opens it, bytes that are not UTF-8. Reading opens without
//! blocking and then checks what was opened (so a swap between a check and the open cannot
//! hang backlings either), refuses all but regular files, and says what the file is and what
//! to do. Writing is atomic, through a temporary file whose name says it is backlings', so
//! that one left behind by a kill is never taken for a learner's or an author's file.

use std::ffi::OsStr;
use std::fmt;
use std::fs::{File, FileType, OpenOptions};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use crate::error::Error;

/// How backlings' temporary files start and end: `.backlings-XXXXXX.tmp`.
const TEMP_PREFIX: &str = ".backlings-";
const TEMP_SUFFIX: &str = ".tmp";

/// Why a course file could not be used.
#[derive(Debug)]
pub enum Problem {
    Missing,
    Directory,
    /// A named pipe, socket or device: `kind` says which, for the message.
    Special {
        kind: &'static str,
    },
    /// Text that is not UTF-8: where the first invalid byte is (1-based).
    NotUtf8 {
        line: usize,
        column: usize,
        byte: u8,
    },
    Io(std::io::Error),
}

/// A course file that could not be used, and why.
#[derive(Debug)]
pub struct FileError {
    pub path: PathBuf,
    pub problem: Problem,
}

impl FileError {
    fn new(path: &Path, problem: Problem) -> Self {
        Self {
            path: path.to_path_buf(),
            problem,
        }
    }

    /// What is wrong with the file, after its name: "is a directory, not a file".
    pub fn what(&self) -> String {
        match &self.problem {
            Problem::Missing => "does not exist".to_string(),
            Problem::Directory => "is a directory, not a file".to_string(),
            Problem::Special { kind } => format!("is {kind}, not a regular file"),
            Problem::NotUtf8 { byte, .. } => {
                format!("is not UTF-8 text (byte 0x{byte:02x} is not valid UTF-8)")
            }
            Problem::Io(e) => format!("could not be read: {e}"),
        }
    }

    /// What to do about it.
    pub fn advice(&self) -> &'static str {
        match &self.problem {
            Problem::Missing => "create the file, or restore it from the course's download",
            Problem::Directory => {
                "backlings reads a file there: rename the directory and put the file in its place"
            }
            Problem::Special { .. } => {
                "backlings reads only regular files (opening anything else could hang): \
                 replace it with the file itself"
            }
            Problem::NotUtf8 { .. } => {
                "save the file as UTF-8 (most editors: \"Save with Encoding\"; or `iconv -t UTF-8`)"
            }
            Problem::Io(_) => "check that the file exists and that you may read it",
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.problem {
            Problem::NotUtf8 { line, column, .. } => {
                write!(f, "{path}:{line}:{column}: the file {}", self.what())
            }
            _ => write!(f, "{path} {}", self.what()),
        }
    }
}

impl std::error::Error for FileError {}

impl From<FileError> for Error {
    fn from(e: FileError) -> Self {
        let message = format!("{e}.\n  {}.", capitalised(e.advice()));
        match e.problem {
            // The file system refused: not something the course's files can fix.
            Problem::Io(_) => Error::environment(message),
            _ => Error::course(message),
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The bytes of the regular file at `path`.
pub fn read(path: &Path) -> Result<Vec<u8>, FileError> {
    let mut file = open_regular(path, OpenOptions::new().read(true))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| FileError::new(path, Problem::Io(e)))?;
    Ok(bytes)
}

/// The text of the regular file at `path`; bytes that are not UTF-8 are reported with the
/// line and column of the first one.
pub fn read_text(path: &Path) -> Result<String, FileError> {
    String::from_utf8(read(path)?).map_err(|e| {
        let bytes = e.as_bytes();
        let valid = e.utf8_error().valid_up_to();
        // The bytes before the first invalid one are valid UTF-8 by definition.
        let before = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        let (line, column) = line_col(before, valid);
        FileError::new(
            path,
            Problem::NotUtf8 {
                line,
                column,
                byte: bytes[valid],
            },
        )
    })
}

/// Whether `path` is a regular file (links followed), without opening it.
pub fn require_regular(path: &Path) -> Result<(), FileError> {
    let kind = std::fs::metadata(path)
        .map_err(|e| FileError::new(path, from_io(e)))?
        .file_type();
    check_type(path, kind)
}

/// 1-based line and column (in characters) of byte `offset` of `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..offset].chars().count() + 1;
    (line, column)
}

/// An exclusive lock on a lock file, created if need be; released when dropped (and by the
/// system when the process dies, so a killed backlings never leaves a course locked).
pub struct Lock {
    _file: File,
}

impl Lock {
    /// Waits for and takes the lock on `path`.
    pub fn exclusive(path: &Path) -> Result<Self, FileError> {
        let file = open_regular(
            path,
            OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false),
        )?;
        match file.lock() {
            Ok(()) => Ok(Self { _file: file }),
            // A file system without locks: going on unlocked is what every process did before.
            Err(e) if e.kind() == std::io::ErrorKind::Unsupported => Ok(Self { _file: file }),
            Err(e) => Err(FileError::new(path, Problem::Io(e))),
        }
    }
}

/// Opens `path` as `options` say, without blocking on a named pipe or a device, and keeps
/// it only if what was opened is a regular file.
fn open_regular(path: &Path, options: &mut OpenOptions) -> Result<File, FileError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options
        .open(path)
        .map_err(|e| FileError::new(path, from_io(e)))?;
    let kind = file
        .metadata()
        .map_err(|e| FileError::new(path, Problem::Io(e)))?
        .file_type();
    check_type(path, kind)?;
    Ok(file)
}

fn from_io(e: std::io::Error) -> Problem {
    match e.kind() {
        std::io::ErrorKind::NotFound => Problem::Missing,
        std::io::ErrorKind::IsADirectory => Problem::Directory,
        _ => Problem::Io(e),
    }
}

fn check_type(path: &Path, kind: FileType) -> Result<(), FileError> {
    if kind.is_file() {
        return Ok(());
    }
    let problem = if kind.is_dir() {
        Problem::Directory
    } else {
        Problem::Special {
            kind: special_kind(kind),
        }
    };
    Err(FileError::new(path, problem))
}

#[cfg(unix)]
fn special_kind(kind: FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn special_kind(_kind: FileType) -> &'static str {
    "not a file"
}

/// `text` from a file, safe to quote in a message: control characters (escape sequences that
/// would drive the terminal, line breaks that would fake a line of the message) are shown as
/// escapes such as `\u{1b}`.
pub fn visible(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            c if c.is_control() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// `path` with `.` and `..` resolved lexically: without the file system, so a file that does
/// not exist yet still gets a comparable path, and a link is not followed. Rustc and cargo name
/// files through detours such as `course/../exercises/x.rs`; a `..` with nothing before it to
/// undo is kept (`../x.rs`).
pub fn lexical(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// Every file below `root/dir`, relative to `root`, sorted. A link is listed, never followed;
/// a folder that cannot be read is passed over.
pub fn under(root: &Path, dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(root.join(&dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let relative = dir.join(entry.file_name());
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(relative);
            } else {
                files.push(relative);
            }
        }
    }
    files.sort();
    files
}

/// Whether a file name is one of backlings' temporary files: left behind only when a write
/// was killed, never a learner's or an author's file.
pub fn is_temporary(name: &OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with(TEMP_PREFIX) && n.ends_with(TEMP_SUFFIX))
}

/// Replaces `path` with `contents` so that readers see the old file or the new one, never a
/// mix: a temporary file in the same directory (see [`is_temporary`]), synced, then renamed
/// over `path`.
pub fn write_atomically(path: &Path, contents: &[u8]) -> crate::error::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| Error::io("write in", dir, e))?;
    // Keep the permissions of the file being replaced (tempfile creates files as 0600).
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = temp.as_file().set_permissions(meta.permissions());
    }
    temp.write_all(contents)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| Error::io("write", temp.path(), e))?;
    temp.persist(path)
        .map_err(|e| Error::io("replace", path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn fifo(path: &Path) {
        let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: `c` is a valid C string.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("info.toml");
        fifo(&pipe);
        // No writer ever opens the pipe: a blocking open or read would never return.
        let error = read_text(&pipe).unwrap_err();
        assert!(matches!(error.problem, Problem::Special { .. }), "{error}");
        assert!(
            error
                .to_string()
                .ends_with("is a named pipe (FIFO), not a regular file"),
            "{error}"
        );
        assert!(matches!(
            require_regular(&pipe).unwrap_err().problem,
            Problem::Special { .. }
        ));
        assert!(Lock::exclusive(&pipe).is_err(), "not even as a lock file");
    }

    #[test]
    fn a_directory_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        for error in [
            read(dir.path()).unwrap_err(),
            require_regular(dir.path()).unwrap_err(),
        ] {
            assert!(matches!(error.problem, Problem::Directory), "{error}");
            assert!(error.to_string().ends_with("is a directory, not a file"));
        }
    }

    #[test]
    fn a_missing_file_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let error = read(&dir.path().join("nope")).unwrap_err();
        assert!(matches!(error.problem, Problem::Missing), "{error}");
    }

    #[test]
    fn text_that_is_not_utf8_is_located_at_its_first_bad_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("info.toml");
        std::fs::write(&path, b"format_version = 1\nhint = \"caf\xe9 \xff\"\n").unwrap();
        let error = read_text(&path).unwrap_err();
        let Problem::NotUtf8 { line, column, byte } = error.problem else {
            panic!("{error}");
        };
        assert_eq!((line, column, byte), (2, 12, 0xe9));
        let message = Error::from(read_text(&path).unwrap_err()).report();
        assert!(
            message.starts_with(&format!("{}:2:12: the file is not UTF-8", path.display())),
            "{message}"
        );
        assert!(message.contains("Save the file as UTF-8"), "{message}");
    }

    #[test]
    fn quoted_text_cannot_drive_the_terminal() {
        assert_eq!(
            visible("a\x1b]0;PWNED\x07\nb"),
            "a\\u{1b}]0;PWNED\\u{7}\\nb"
        );
        assert_eq!(visible("café = 1"), "café = 1");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(line_col("é = 1\nää x", 11), (2, 3));
        assert_eq!(line_col("ab", 0), (1, 1));
    }

    #[test]
    fn detours_are_resolved_without_the_file_system() {
        let lexical = |p: &str| lexical(Path::new(p));
        assert_eq!(
            lexical("course/../exercises/./x.rs"),
            Path::new("exercises/x.rs")
        );
        assert_eq!(lexical("/c/course/../x.rs:3:9"), Path::new("/c/x.rs:3:9"));
        assert_eq!(lexical("../x.rs"), Path::new("../x.rs"));
        assert_eq!(lexical("a/../../x.rs"), Path::new("../x.rs"));
    }

    #[test]
    fn atomic_writes_leave_no_file_but_the_target_and_use_recognisable_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.toml");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["state.toml"]);

        // What a killed write leaves behind is recognisably backlings'.
        let left = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(dir.path())
            .unwrap();
        assert!(is_temporary(left.path().file_name().unwrap()));
        for learners in ["x.rs", ".tmpAbC123", "x.rs.tmp", ".backlings-notes.md"] {
            assert!(!is_temporary(OsStr::new(learners)), "{learners}");
        }
    }
}
