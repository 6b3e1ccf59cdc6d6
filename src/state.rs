//! Progress: which exercise is current and which are done, kept in `.backlings/state.toml` in
//! the course directory (ignored by git).
//!
//! The state is keyed by exercise name, so reordering `info.toml` keeps progress. Every write
//! goes to a temporary file in the same directory that is then renamed over the old one, so a
//! crash or a kill mid-write never leaves a truncated state behind.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::course::Course;
use crate::error::{Error, Result};

/// backlings' own folder in the course directory: progress and reset backups.
pub const DATA_DIR: &str = ".backlings";
const STATE_FILE: &str = "state.toml";

/// The learner's progress through one course.
#[derive(Debug)]
pub struct State {
    path: PathBuf,
    /// Index into the course's exercises.
    pub current: usize,
    done: BTreeSet<String>,
    /// The commit the course was at when the learner started: reset restores from it.
    pub shipped_commit: Option<String>,
    /// True when no state existed yet: the learner's very first start.
    pub is_new: bool,
    /// Problems found while loading (unknown names, an unreadable file), for the learner.
    pub warnings: Vec<String>,
}

#[derive(Serialize, Deserialize, Default)]
struct StateFile {
    current: Option<String>,
    #[serde(default)]
    done: Vec<String>,
    shipped_commit: Option<String>,
}

impl State {
    /// Loads the state of `course`, or a fresh one. Names the course no longer has are dropped
    /// with a warning; a file that cannot be read is kept aside, never silently overwritten.
    pub fn load(course: &Course) -> Result<Self> {
        let path = course.root.join(DATA_DIR).join(STATE_FILE);
        let mut warnings = Vec::new();
        let (file, is_new) = match std::fs::read_to_string(&path) {
            Ok(text) => match toml::from_str::<StateFile>(&text) {
                Ok(file) => (file, false),
                Err(e) => {
                    let aside = path.with_extension("toml.unreadable");
                    std::fs::rename(&path, &aside)
                        .map_err(|e| Error::io("move aside", &path, e))?;
                    warnings.push(format!(
                        "the progress file {} could not be read ({}); it was kept as {} and progress starts afresh",
                        path.display(),
                        e.message(),
                        aside.display()
                    ));
                    (StateFile::default(), false)
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (StateFile::default(), true),
            Err(e) => return Err(Error::io("read", &path, e)),
        };

        let index_of = |name: &str| course.exercises.iter().position(|e| e.name == name);
        let mut done = BTreeSet::new();
        for name in file.done {
            if index_of(&name).is_some() {
                done.insert(name);
            } else {
                warnings.push(format!(
                    "progress names an exercise the course no longer has, {name:?}: dropped"
                ));
            }
        }
        let current = match file.current.as_deref() {
            None => 0,
            Some(name) => index_of(name).unwrap_or_else(|| {
                warnings.push(format!(
                    "the current exercise {name:?} is no longer in the course: starting at the first one"
                ));
                0
            }),
        };
        Ok(Self {
            path,
            current,
            done,
            shipped_commit: file.shipped_commit,
            is_new,
            warnings,
        })
    }

    pub fn is_done(&self, name: &str) -> bool {
        self.done.contains(name)
    }

    /// Records whether `name` is done.
    pub fn set_done(&mut self, name: &str, done: bool) {
        if done {
            self.done.insert(name.to_string());
        } else {
            self.done.remove(name);
        }
    }

    pub fn done_count(&self) -> usize {
        self.done.len()
    }

    /// The first exercise after `from` (in course order, wrapping around) that is not done.
    pub fn next_pending(&self, course: &Course, from: usize) -> Option<usize> {
        let n = course.exercises.len();
        (1..=n)
            .map(|step| (from + step) % n)
            .find(|&i| !self.is_done(&course.exercises[i].name))
    }

    /// Writes the state atomically: a temporary file in the same directory, renamed into place.
    pub fn save(&self, course: &Course) -> Result<()> {
        let file = StateFile {
            current: course.exercises.get(self.current).map(|e| e.name.clone()),
            done: self.done.iter().cloned().collect(),
            shipped_commit: self.shipped_commit.clone(),
        };
        let text = format!(
            "# backlings progress. Delete this file to start the course over.\n{}",
            toml::to_string(&file).expect("the state serialises")
        );
        write_atomically(&self.path, text.as_bytes())
    }
}

/// Replaces `path` with `contents` so that readers see the old file or the new one, never a
/// mix: a temporary file in the same directory, synced, then renamed over `path`.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    let mut temp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io("write in", dir, e))?;
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
