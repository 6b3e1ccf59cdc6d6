//! Progress: which exercise is current and which are done, kept in `.backlings/state.toml` in
//! the course directory (ignored by git).
//!
//! The state is keyed by exercise name, so reordering `info.toml` keeps progress. Several
//! backlings processes may record progress on one course at once (watch mode in one terminal,
//! `run` or `verify` in another): a save takes a lock in `.backlings/`, reads the file again,
//! applies only what this process changed since it last read or wrote it, and writes the
//! result, so no process undoes what another recorded. Writes go to a temporary file that is
//! renamed over the old one, so a crash or a kill mid-write never leaves a truncated state.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::store;
use crate::course::Course;
use crate::course::shipped;
use crate::error::{Error, Result};
use crate::files::{self, Lock, Problem};

/// The learner's progress through one course.
#[derive(Debug)]
pub struct State {
    path: PathBuf,
    /// Index into the course's exercises. Each process keeps its own: another process moving
    /// on does not move the exercise watch mode shows; a move is recorded when it is saved.
    pub current: usize,
    done: BTreeSet<String>,
    /// For exercises graded in stages: how many stages pass, at most (the highest reached).
    stages: BTreeMap<String, usize>,
    /// The commit the course was at when the learner started, as recorded (checked only when
    /// used, so that a bad value is reported, never rewritten).
    shipped_commit: Option<String>,
    /// What this process last read from or wrote to the file: changes since are its news.
    synced: Synced,
    /// True when no state existed yet: the learner's very first start.
    pub is_new: bool,
    /// Problems found while loading (unknown names, an unreadable file), for the learner.
    pub warnings: Vec<String>,
}

#[derive(Debug)]
struct Synced {
    current: usize,
    done: BTreeSet<String>,
    stages: BTreeMap<String, usize>,
}

#[derive(Serialize, Deserialize, Default)]
struct StateFile {
    current: Option<String>,
    #[serde(default)]
    done: Vec<String>,
    shipped_commit: Option<String>,
    /// The stages passed, by exercise: a table after the other keys, as TOML needs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    stages: BTreeMap<String, usize>,
}

/// What the state file holds, with the names the course no longer has left out.
#[derive(Debug, Clone, Default, PartialEq)]
struct Record {
    current: Option<String>,
    done: BTreeSet<String>,
    shipped_commit: Option<String>,
    stages: BTreeMap<String, usize>,
}

/// The state file as found on disk.
enum OnDisk {
    Missing,
    /// Not TOML of the expected shape, or not UTF-8: where and why.
    Unreadable {
        located: String,
        advice: &'static str,
    },
    Found {
        record: Record,
        warnings: Vec<String>,
    },
}

impl State {
    /// Loads the state of `course`, or a fresh one. Names the course no longer has are dropped
    /// with a warning; a file that cannot be read is kept aside, never silently overwritten.
    pub fn load(course: &Course) -> Result<Self> {
        store::require_own(&course.root)?;
        let path = store::state_file(&course.root);
        let mut warnings = Vec::new();
        let mut on_disk = read(&path, course)?;
        if matches!(on_disk, OnDisk::Unreadable { .. }) {
            // Moving it aside is a change: under the lock, and only if it is still unreadable.
            let _lock = lock(&course.root)?;
            on_disk = read(&path, course)?;
            if let OnDisk::Unreadable { located, advice } = &on_disk {
                warnings.push(put_aside(&path, located, advice)?);
            }
        }
        let (record, is_new) = match on_disk {
            OnDisk::Missing => (Record::default(), true),
            OnDisk::Unreadable { .. } => (Record::default(), false),
            OnDisk::Found {
                record,
                warnings: found,
            } => {
                warnings.extend(found);
                (record, false)
            }
        };
        let current = match &record.current {
            Some(name) => index_of(course, name).unwrap_or(0),
            None => 0,
        };
        Ok(Self {
            path,
            current,
            synced: Synced {
                current,
                done: record.done.clone(),
                stages: record.stages.clone(),
            },
            done: record.done,
            stages: record.stages,
            shipped_commit: record.shipped_commit,
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

    /// How many stages of `name` passed at most so far (0 for an exercise without stages).
    pub fn stages_passed(&self, name: &str) -> usize {
        self.stages.get(name).copied().unwrap_or(0)
    }

    /// Records that `passed` stages of `name` pass, if that is more than before; whether it
    /// was.
    pub fn reach_stage(&mut self, name: &str, passed: usize) -> bool {
        let higher = passed > self.stages_passed(name);
        if higher {
            self.stages.insert(name.to_string(), passed);
        }
        higher
    }

    pub fn done_count(&self) -> usize {
        self.done.len()
    }

    /// Forgets which exercises are done and goes back to the first one: the learner starts
    /// over. The shipped baseline stays, so later resets restore the same version.
    pub fn start_over(&mut self) {
        self.done.clear();
        self.stages.clear();
        self.current = 0;
        // Recorded as a move even if this process was at the first exercise already: the file
        // may name another one.
        self.synced.current = usize::MAX;
    }

    /// The first exercise after `from` (in course order, wrapping around) that is not done.
    pub fn next_pending(&self, course: &Course, from: usize) -> Option<usize> {
        let n = course.exercises.len();
        (1..=n)
            .map(|step| (from + step) % n)
            .find(|&i| !self.is_done(&course.exercises[i].name))
    }

    /// The commit `reset` restores from: `None` when none was recorded, an error that says
    /// what to do when the recorded value is not a git object id (it never reaches git).
    pub fn shipped_commit(&self) -> Result<Option<&str>> {
        match &self.shipped_commit {
            None => Ok(None),
            Some(commit) if shipped::is_object_id(commit) => Ok(Some(commit)),
            Some(commit) => Err(Error::course(bad_commit(
                &self.path,
                commit,
                "reset cannot tell which version was shipped",
            ))),
        }
    }

    /// Records the commit the course is at as the shipped baseline, unless one is recorded.
    pub fn record_baseline(&mut self, commit: Option<String>) {
        if self.shipped_commit.is_none() {
            self.shipped_commit = commit.filter(|c| shipped::is_object_id(c));
        }
    }

    /// Records this process's changes since it last loaded or saved: under the lock, the file
    /// is read again, the changes are applied to what it holds now, and the result is written
    /// (atomically) and becomes this process's view, so what other processes recorded since
    /// shows here too. Nothing is written when nothing changed.
    pub fn save(&mut self, course: &Course) -> Result<()> {
        let _lock = lock(&course.root)?;
        let (base, exists) = match read(&self.path, course)? {
            OnDisk::Found { record, .. } => (record, true),
            OnDisk::Missing => (Record::default(), false),
            OnDisk::Unreadable { located, advice } => {
                self.warnings.push(put_aside(&self.path, &located, advice)?);
                // What this process knows is all that is left: it is written whole.
                let known = Record {
                    current: None,
                    done: self.done.clone(),
                    shipped_commit: None,
                    stages: self.stages.clone(),
                };
                (known, false)
            }
        };
        let merged = self.merged(base.clone(), course);
        if !exists || merged != base {
            write(&self.path, &merged)?;
        }
        self.done = merged.done;
        self.stages = merged.stages;
        self.shipped_commit = merged.shipped_commit;
        self.synced = Synced {
            current: self.current,
            done: self.done.clone(),
            stages: self.stages.clone(),
        };
        Ok(())
    }

    /// `record` with this process's changes applied: exercises it found done or not done
    /// since it last synced, the current exercise if it moved (or if the file names none), and
    /// the shipped baseline if the file has none.
    fn merged(&self, mut record: Record, course: &Course) -> Record {
        for name in self.done.difference(&self.synced.done) {
            record.done.insert(name.clone());
        }
        for name in self.synced.done.difference(&self.done) {
            record.done.remove(name);
        }
        for (name, &passed) in &self.stages {
            if self.synced.stages.get(name) != Some(&passed) {
                let before = record.stages.get(name).copied().unwrap_or(0);
                record.stages.insert(name.clone(), passed.max(before));
            }
        }
        for name in self.synced.stages.keys() {
            if !self.stages.contains_key(name) {
                record.stages.remove(name);
            }
        }
        if self.current != self.synced.current || record.current.is_none() {
            record.current = course.exercises.get(self.current).map(|e| e.name.clone());
        }
        if record.shipped_commit.is_none() {
            record.shipped_commit = self.shipped_commit.clone();
        }
        record
    }
}

fn index_of(course: &Course, name: &str) -> Option<usize> {
    course.exercises.iter().position(|e| e.name == name)
}

/// Takes the lock that makes read-merge-write of the state file of the course in `root` one
/// step.
fn lock(root: &Path) -> Result<Lock> {
    let path = store::lock_file(root);
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    Ok(Lock::exclusive(&path)?)
}

/// Reads the state file. Names the course no longer has are left out with a warning.
fn read(path: &Path, course: &Course) -> Result<OnDisk> {
    let text = match files::read_text(path) {
        Ok(text) => text,
        Err(e) => {
            return match e.problem {
                Problem::Missing => Ok(OnDisk::Missing),
                Problem::NotUtf8 { .. } => Ok(OnDisk::Unreadable {
                    located: e.to_string(),
                    advice: "save it as UTF-8",
                }),
                _ => Err(e.into()),
            };
        }
    };
    let file = match toml::from_str::<StateFile>(&text) {
        Ok(file) => file,
        Err(e) => {
            let at = match e.span() {
                Some(span) => {
                    let (line, column) = files::line_col(&text, span.start);
                    format!("{}:{line}:{column}", path.display())
                }
                None => path.display().to_string(),
            };
            return Ok(OnDisk::Unreadable {
                located: format!("{at}: {}", files::visible(e.message())),
                advice: "fix it",
            });
        }
    };

    let mut warnings = Vec::new();
    let mut done = BTreeSet::new();
    for name in file.done {
        if index_of(course, &name).is_some() {
            done.insert(name);
        } else {
            warnings.push(format!(
                "progress names an exercise the course no longer has, {name:?}: dropped"
            ));
        }
    }
    let current = file.current.filter(|name| {
        let known = index_of(course, name).is_some();
        if !known {
            warnings.push(format!(
                "the current exercise {name:?} is no longer in the course: starting at the first one"
            ));
        }
        known
    });
    if let Some(commit) = file
        .shipped_commit
        .as_deref()
        .filter(|c| !shipped::is_object_id(c))
    {
        warnings.push(bad_commit(
            path,
            commit,
            "reset will refuse to run until it is fixed",
        ));
    }
    // A name the course no longer has, or one without stages, was dropped with `done`'s
    // warning or means nothing: left out quietly.
    let stages = file
        .stages
        .into_iter()
        .filter_map(|(name, passed)| {
            let total = course.exercises[index_of(course, &name)?].stages.len();
            (total > 0).then(|| (name, passed.min(total)))
        })
        .collect();
    Ok(OnDisk::Found {
        record: Record {
            current,
            done,
            shipped_commit: file.shipped_commit,
            stages,
        },
        warnings,
    })
}

/// Why a recorded shipped commit is refused, what follows, and what to do.
fn bad_commit(path: &Path, commit: &str, consequence: &str) -> String {
    format!(
        "{} records shipped_commit = {commit:?}, which is not a git commit id \
         (40 or 64 hex digits), so {consequence}.\n  Set it to the commit the course was at \
         when you started (see `git log`), or delete the line to restore from the course's \
         current commit.",
        path.display()
    )
}

/// Moves an unreadable state file to the first free `state.toml.unreadable[.N]` (under the
/// lock, so no other process takes the same name), and says so.
fn put_aside(path: &Path, located: &str, advice: &str) -> Result<String> {
    let name = |n: usize| match n {
        1 => path.with_extension("toml.unreadable"),
        n => path.with_extension(format!("toml.unreadable.{n}")),
    };
    let aside = (1..)
        .map(name)
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .expect("some number is free");
    std::fs::rename(path, &aside).map_err(|e| Error::io("move aside", path, e))?;
    Ok(format!(
        "the progress file could not be read: {located}.\n  It was kept as {} and progress \
         starts afresh; to get it back, {advice} and rename it to {}.",
        aside.display(),
        path.display()
    ))
}

fn write(path: &Path, record: &Record) -> Result<()> {
    let file = StateFile {
        current: record.current.clone(),
        done: record.done.iter().cloned().collect(),
        shipped_commit: record.shipped_commit.clone(),
        stages: record.stages.clone(),
    };
    let text = format!(
        "# backlings progress. Delete this file to start the course over.\n{}",
        toml::to_string(&file).expect("the state serialises")
    );
    files::write_atomically(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A course of exercises `a`, `b` and `c`, and the state file's path.
    fn course() -> (tempfile::TempDir, Course, PathBuf) {
        let (dir, course) = crate::course::fixture::course_of(&["a", "b", "c"]);
        let path = store::state_file(dir.path());
        (dir, course, path)
    }

    fn done_on_disk(course: &Course) -> Vec<String> {
        let state = State::load(course).unwrap();
        let mut done: Vec<String> = state.done.into_iter().collect();
        done.sort();
        done
    }

    fn saved_with(course: &Course, done: &[&str]) {
        let mut state = State::load(course).unwrap();
        for name in done {
            state.set_done(name, true);
        }
        state.save(course).unwrap();
    }

    #[test]
    fn the_highest_stage_any_process_reached_is_kept_and_starting_over_clears_it() {
        let info = "format_version = 1\n[[exercises]]\nname = \"s\"\n\
                    stages = [{ title = \"a\", tests = \"a\" }, { title = \"b\", tests = \"b\" }, \
                    { title = \"c\", tests = \"c\" }]\n";
        let (_dir, course) = crate::course::fixture::course_from(&["s"], info);
        let mut first = State::load(&course).unwrap();
        let mut second = State::load(&course).unwrap();
        assert!(second.reach_stage("s", 2));
        second.save(&course).unwrap();
        assert!(first.reach_stage("s", 1));
        assert!(!first.reach_stage("s", 1), "not higher than before");
        first.save(&course).unwrap();
        assert_eq!(first.stages_passed("s"), 2, "the other process got further");
        assert_eq!(State::load(&course).unwrap().stages_passed("s"), 2);

        first.start_over();
        first.save(&course).unwrap();
        assert_eq!(State::load(&course).unwrap().stages_passed("s"), 0);
    }

    #[test]
    fn two_processes_that_record_different_exercises_keep_both() {
        let (_dir, course, _) = course();
        let mut watch = State::load(&course).unwrap();
        let mut run = State::load(&course).unwrap();

        run.set_done("b", true);
        run.save(&course).unwrap();
        watch.set_done("a", true);
        watch.save(&course).unwrap();

        assert_eq!(done_on_disk(&course), ["a", "b"]);
        assert!(
            watch.is_done("b"),
            "a save shows what the other process recorded"
        );
    }

    #[test]
    fn a_process_never_reverts_what_it_did_not_find_itself() {
        let (_dir, course, _) = course();
        saved_with(&course, &["a"]);
        let mut watch = State::load(&course).unwrap();
        let mut reset = State::load(&course).unwrap();

        reset.set_done("a", false);
        reset.save(&course).unwrap();
        // Watch mode still believes `a` is done, but only `c` is its news.
        watch.set_done("c", true);
        watch.save(&course).unwrap();

        assert_eq!(done_on_disk(&course), ["c"]);
        assert!(!watch.is_done("a"));
    }

    #[test]
    fn a_verdict_that_agrees_with_what_the_process_read_is_no_news() {
        let (_dir, course, _) = course();
        let mut verify = State::load(&course).unwrap();
        let mut watch = State::load(&course).unwrap();

        watch.set_done("a", true);
        watch.save(&course).unwrap();
        // verify checked `a` before watch mode's later check: not done, as it had read.
        verify.set_done("a", false);
        verify.set_done("b", true);
        verify.save(&course).unwrap();

        assert_eq!(done_on_disk(&course), ["a", "b"]);
    }

    #[test]
    fn a_finding_that_changes_what_the_process_read_is_recorded() {
        let (_dir, course, _) = course();
        saved_with(&course, &["a", "b"]);
        let mut run = State::load(&course).unwrap();
        run.set_done("a", false);
        run.save(&course).unwrap();
        assert_eq!(done_on_disk(&course), ["b"]);
    }

    #[test]
    fn the_current_exercise_moves_only_for_the_process_that_moves_it() {
        let (_dir, course, _) = course();
        let mut watch = State::load(&course).unwrap();
        let mut run = State::load(&course).unwrap();

        run.current = 1;
        run.save(&course).unwrap();
        watch.set_done("c", true);
        watch.save(&course).unwrap();

        assert_eq!(State::load(&course).unwrap().current, 1);
        assert_eq!(
            watch.current, 0,
            "watch mode's screen stays where the learner is"
        );
        watch.current = 2;
        watch.save(&course).unwrap();
        assert_eq!(State::load(&course).unwrap().current, 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_save_without_news_writes_nothing() {
        use std::os::unix::fs::MetadataExt;
        let (_dir, course, path) = course();
        saved_with(&course, &["a"]);
        let inode = std::fs::metadata(&path).unwrap().ino();
        let mut state = State::load(&course).unwrap();
        state.set_done("a", true);
        state.save(&course).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().ino(), inode);
    }

    #[test]
    fn a_deleted_state_file_gets_only_what_a_running_process_found_since() {
        let (_dir, course, path) = course();
        saved_with(&course, &["a", "b"]);
        let mut watch = State::load(&course).unwrap();
        // The learner starts over, as the file's first line says they may.
        std::fs::remove_file(&path).unwrap();
        watch.set_done("c", true);
        watch.save(&course).unwrap();
        assert_eq!(done_on_disk(&course), ["c"]);
    }

    #[test]
    fn every_unreadable_state_file_is_kept() {
        let (_dir, course, path) = course();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        for (n, garbage) in ["one = [", "two = ["].iter().enumerate() {
            std::fs::write(&path, garbage).unwrap();
            let state = State::load(&course).unwrap();
            let kept = match n {
                0 => path.with_extension("toml.unreadable"),
                _ => path.with_extension("toml.unreadable.2"),
            };
            assert_eq!(std::fs::read_to_string(&kept).unwrap(), *garbage);
            let warning = &state.warnings[0];
            assert!(
                warning.contains(&format!("{}:1:", path.display())),
                "{warning}"
            );
            assert!(
                warning.contains(&format!("kept as {}", kept.display())),
                "{warning}"
            );
        }
        assert_eq!(
            std::fs::read_to_string(path.with_extension("toml.unreadable")).unwrap(),
            "one = [",
            "the second did not overwrite the first"
        );
    }

    #[test]
    fn a_state_file_that_is_not_utf8_is_kept_aside_with_the_bad_bytes_position() {
        let (_dir, course, path) = course();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"done = [\"a\"]\ncurrent = \"\xff\"\n").unwrap();
        let state = State::load(&course).unwrap();
        let warning = &state.warnings[0];
        assert!(
            warning.contains(&format!("{}:2:12: the file is not UTF-8", path.display())),
            "{warning}"
        );
        assert!(warning.contains("save it as UTF-8"), "{warning}");
        assert!(path.with_extension("toml.unreadable").exists());
    }

    #[test]
    fn a_state_file_spoiled_while_a_process_runs_is_kept_and_the_process_writes_what_it_knows() {
        let (_dir, course, path) = course();
        saved_with(&course, &["a"]);
        let mut watch = State::load(&course).unwrap();
        std::fs::write(&path, "done = [\"a\"\n").unwrap();
        watch.set_done("b", true);
        watch.save(&course).unwrap();
        assert_eq!(done_on_disk(&course), ["a", "b"]);
        assert_eq!(
            std::fs::read_to_string(path.with_extension("toml.unreadable")).unwrap(),
            "done = [\"a\"\n"
        );
    }

    #[test]
    fn a_shipped_commit_that_is_not_an_object_id_is_refused_and_left_as_it_is() {
        let (_dir, course, path) = course();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "shipped_commit = \"--output=/tmp/x\"\n").unwrap();
        let mut state = State::load(&course).unwrap();
        assert!(
            state.warnings[0].contains("not a git commit id"),
            "{:?}",
            state.warnings
        );
        let error = state.shipped_commit().unwrap_err().report();
        assert!(error.contains("\"--output=/tmp/x\""), "{error}");
        assert!(error.contains("delete the line"), "{error}");

        state.record_baseline(Some("0".repeat(40)));
        state.set_done("a", true);
        state.save(&course).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("shipped_commit = \"--output=/tmp/x\""),
            "{text}"
        );
    }

    #[test]
    fn starting_over_clears_done_and_current_but_keeps_the_baseline() {
        let (_dir, course, _) = course();
        let commit = "0123456789abcdef0123456789abcdef01234567";
        let mut state = State::load(&course).unwrap();
        state.record_baseline(Some(commit.to_string()));
        state.set_done("a", true);
        state.current = 2;
        state.save(&course).unwrap();

        let mut state = State::load(&course).unwrap();
        state.start_over();
        state.save(&course).unwrap();

        let state = State::load(&course).unwrap();
        assert_eq!((state.done_count(), state.current), (0, 0));
        assert_eq!(state.shipped_commit().unwrap(), Some(commit));
    }

    #[test]
    fn only_an_object_id_is_recorded_as_the_baseline() {
        let (_dir, course, _) = course();
        let mut state = State::load(&course).unwrap();
        state.record_baseline(Some("--upload-pack=x".to_string()));
        assert_eq!(state.shipped_commit().unwrap(), None);
        let commit = "0123456789abcdef0123456789abcdef01234567";
        state.record_baseline(Some(commit.to_string()));
        state.record_baseline(Some("f".repeat(40)));
        assert_eq!(state.shipped_commit().unwrap(), Some(commit));
    }
}
