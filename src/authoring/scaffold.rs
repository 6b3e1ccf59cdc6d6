//! Writing new course files (`init`, `dev new`, `dev add`): into a directory that must be new
//! or empty, and never over a file that exists, so nobody's work is overwritten.

use std::io::Write;
use std::path::Path;

use crate::course::{self, INFO_FILE};
use crate::error::{Error, Result};

/// The `.gitignore` of a course backlings writes: the build and backlings' own folder.
pub const GITIGNORE: &str = "/target/\n/.backlings/\n";

/// An error if `dir` would be inside a course: a course in a course is a mistake (`init` run
/// in the course it wrote), and every command there would find the outer course's info.toml.
/// `command` names the caller in the message.
pub fn refuse_inside_a_course(dir: &Path, command: &str) -> Result<()> {
    let wanted = course::here()?.join(dir);
    // The part of `dir` that exists, through its symbolic links: the rest holds no course.
    let existing = wanted
        .ancestors()
        .enumerate()
        .find_map(|(depth, d)| Some((std::fs::canonicalize(d).ok()?, depth == 0)));
    let Some((existing, whole)) = existing else {
        return Ok(());
    };
    let Some(course) = course::find_root(&existing) else {
        return Ok(());
    };
    if whole && course == existing {
        return Err(Error::usage(format!(
            "{} already holds a course (it has {INFO_FILE}).\n  \
             To learn in it: cd {} && backlings. To write another, give a new directory: \
             {command} <DIR>",
            dir.display(),
            shell_word(dir)
        )));
    }
    Err(Error::usage(format!(
        "{} is inside the course in {}, which has {INFO_FILE}: a course cannot be written \
         inside another.\n  \
         To learn in that course, run `backlings` there; to write a new one, give a directory \
         outside it: `{command} ~/<DIR>`.",
        dir.display(),
        course.display()
    )))
}

/// Creates `dir`, or accepts it if it exists and is empty. `command` names the caller in the
/// message that refuses a non-empty directory.
pub fn create_empty_dir(dir: &Path, command: &str) -> Result<()> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Error::usage(format!(
                    "{} is not empty, and {command} writes only into a new or empty directory \
                     so that nothing in it is overwritten.\n  Give another directory: {command} <DIR>",
                    dir.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Err(Error::usage(format!(
            "{} is a file; {command} needs a new or empty directory.",
            dir.display()
        ))),
        Err(e) => Err(Error::io("read", dir, e)),
    }
}

/// `dir` as a person types it in a shell: quoted when it holds spaces or quotes.
pub fn shell_word(dir: &Path) -> String {
    let text = dir.display().to_string();
    if text
        .chars()
        .any(|c| c.is_whitespace() || "'\"$`\\".contains(c))
    {
        format!("'{}'", text.replace('\'', "'\\''"))
    } else {
        text
    }
}

/// Writes `contents` to `root/relative`, creating its folders; fails if the file exists.
pub fn write(root: &Path, relative: &str, contents: &[u8]) -> Result<()> {
    let path = root.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| Error::io("create", &path, e))?;
    file.write_all(contents)
        .map_err(|e| Error::io("write", &path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_new_or_empty_directories_are_accepted() {
        let temp = tempfile::tempdir().unwrap();
        create_empty_dir(&temp.path().join("a/b"), "x").unwrap();
        create_empty_dir(&temp.path().join("a/b"), "x").unwrap();
        write(temp.path(), "a/b/f.rs", b"mine").unwrap();
        let err = create_empty_dir(&temp.path().join("a"), "backlings init").unwrap_err();
        assert!(err.report().contains("is not empty"), "{err}");
        let err = create_empty_dir(&temp.path().join("a/b/f.rs"), "x").unwrap_err();
        assert!(err.report().contains("is a file"), "{err}");
    }

    #[test]
    fn directories_are_quoted_for_the_shell_when_needed() {
        assert_eq!(shell_word(Path::new("course")), "course");
        assert_eq!(shell_word(Path::new("My Course")), "'My Course'");
        assert_eq!(shell_word(Path::new("it's")), "'it'\\''s'");
    }

    #[test]
    fn an_existing_file_is_never_overwritten() {
        let temp = tempfile::tempdir().unwrap();
        write(temp.path(), "f.rs", b"mine").unwrap();
        assert!(write(temp.path(), "f.rs", b"theirs").is_err());
        assert_eq!(std::fs::read(temp.path().join("f.rs")).unwrap(), b"mine");
    }
}
