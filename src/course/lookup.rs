//! Finding the exercise a learner means: by its name, with the closest names suggested on a
//! typo, or by the path of its file, relative to where the learner stands or absolute.

use std::path::{Path, PathBuf};

use crate::course::Course;
use crate::error::{Error, Result};

/// How alike (Jaro-Winkler, 0 to 1) a name must be to a typo to be suggested for it.
const ALIKE: f64 = 0.8;

/// Names this much less alike than the most alike one are not suggested with it: for
/// "intro_status", intro_status_line (0.94) but not intro_port (0.86).
const MARGIN: f64 = 0.05;

/// At most this many names are suggested.
const SUGGESTIONS: usize = 3;

impl Course {
    /// The exercise called `name`, or an error that suggests the closest names.
    pub fn find(&self, name: &str) -> Result<usize> {
        self.exercises
            .iter()
            .position(|e| e.name == name)
            .ok_or_else(|| self.unknown_name(name))
    }

    /// The exercise `given` means: its name, or the path of its file (relative to `cwd`, or
    /// absolute) inside the course.
    pub fn resolve(&self, given: &str, cwd: &Path) -> Result<usize> {
        // Names hold none of these (see `course::name`); paths to an exercise always do.
        if !given.contains(['/', '\\', '.']) {
            return self.find(given);
        }
        let relative = self.inside(given, cwd)?;
        if let Some(index) = self.exercises.iter().position(|e| e.path() == relative) {
            return Ok(index);
        }
        let solution_of = self
            .exercises
            .iter()
            .find(|e| e.solution_path() == relative);
        let help = match solution_of {
            Some(e) => format!(
                "It is the solution of {}; give its exercise, {}, or its name.",
                e.name,
                e.path().display()
            ),
            None => "Give an exercise's name or its file; `backlings list` shows them.".into(),
        };
        Err(Error::usage(format!(
            "{given} is not an exercise of this course.\n  {help}"
        )))
    }

    /// `given`'s path inside the course, relative to its root, through any symbolic links.
    fn inside(&self, given: &str, cwd: &Path) -> Result<PathBuf> {
        let real = |path: &Path| std::fs::canonicalize(path);
        let file = real(&cwd.join(given)).map_err(|e| {
            Error::usage(format!(
                "no exercise at {given}: {e}.\n  \
                 Give an exercise's name or its file; `backlings list` shows them."
            ))
        })?;
        let root =
            real(&self.root).map_err(|e| Error::io("read the course directory", &self.root, e))?;
        match file.strip_prefix(&root) {
            Ok(relative) => Ok(relative.to_path_buf()),
            Err(_) => Err(Error::usage(format!(
                "{given} is outside the course in {}.\n  \
                 Give one of its exercises, by name or by its file under exercises/.",
                self.root.display()
            ))),
        }
    }

    fn unknown_name(&self, name: &str) -> Error {
        let alike = self.alike(name);
        let suggestion = match alike.as_slice() {
            [] => String::new(),
            [one] => format!("; did you mean {one}?"),
            [rest @ .., last] => format!("; did you mean {} or {last}?", rest.join(", ")),
        };
        Error::usage(format!(
            "no exercise named {name:?} in this course{suggestion}\n  \
             Run `backlings list` to see the names."
        ))
    }

    /// The names most like `typo`, most alike first, ignoring case.
    fn alike(&self, typo: &str) -> Vec<&str> {
        let typo = typo.to_lowercase();
        let mut scored: Vec<(f64, &str)> = self
            .exercises
            .iter()
            .map(|e| {
                (
                    strsim::jaro_winkler(&typo, &e.name.to_lowercase()),
                    &*e.name,
                )
            })
            .filter(|(score, _)| *score >= ALIKE)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let best = scored.first().map_or(0.0, |(score, _)| *score);
        scored
            .into_iter()
            .take_while(|(score, _)| *score >= best - MARGIN)
            .take(SUGGESTIONS)
            .map(|(_, n)| n)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::fixture::course_of;

    const NAMES: [&str; 4] = [
        "intro_status_line",
        "intro_port",
        "http_request_line",
        "4_PartialEq",
    ];

    fn error(result: Result<usize>) -> String {
        result.unwrap_err().report()
    }

    #[test]
    fn a_typo_suggests_the_closest_name() {
        let (_dir, course) = course_of(&NAMES);
        let msg = error(course.find("intro_status"));
        assert!(
            msg.starts_with(
                "no exercise named \"intro_status\" in this course; did you mean intro_status_line?"
            ),
            "{msg}"
        );
        assert!(error(course.find("4_partialeq")).contains("did you mean 4_PartialEq?"));
    }

    #[test]
    fn several_close_names_are_suggested_closest_first() {
        let (_dir, course) = course_of(&NAMES);
        let msg = error(course.find("intro_"));
        assert!(
            msg.contains("did you mean intro_port or intro_status_line?"),
            "{msg}"
        );
    }

    #[test]
    fn a_name_like_no_other_suggests_nothing_but_the_list() {
        let (_dir, course) = course_of(&NAMES);
        let msg = error(course.find("zzz"));
        assert!(!msg.contains("did you mean"), "{msg}");
        assert!(msg.contains("`backlings list`"), "{msg}");
    }

    #[test]
    fn an_exercise_is_found_by_its_path_from_where_one_stands_or_absolute() {
        let (dir, course) = course_of(&NAMES);
        let root = dir.path();
        assert_eq!(course.resolve("exercises/intro_port.rs", root).unwrap(), 1);
        let inside = root.join("exercises");
        assert_eq!(
            course.resolve("./http_request_line.rs", &inside).unwrap(),
            2
        );
        let absolute = root.join("exercises/4_PartialEq.rs");
        let elsewhere = Path::new("/");
        assert_eq!(
            course
                .resolve(absolute.to_str().unwrap(), elsewhere)
                .unwrap(),
            3
        );
        assert_eq!(course.resolve("intro_port", elsewhere).unwrap(), 1);
    }

    #[test]
    fn a_path_outside_the_course_says_so() {
        let (_dir, course) = course_of(&NAMES);
        let other = tempfile::tempdir().unwrap();
        std::fs::write(other.path().join("x.rs"), "").unwrap();
        let msg = error(course.resolve("x.rs", other.path()));
        assert!(msg.starts_with("x.rs is outside the course in "), "{msg}");
    }

    #[test]
    fn a_path_to_no_exercise_says_so() {
        let (dir, course) = course_of(&NAMES);
        std::fs::write(dir.path().join("exercises/notes.md"), "").unwrap();
        let msg = error(course.resolve("exercises/notes.md", dir.path()));
        assert!(
            msg.starts_with("exercises/notes.md is not an exercise of this course."),
            "{msg}"
        );
        let msg = error(course.resolve("exercises/gone.rs", dir.path()));
        assert!(
            msg.starts_with("no exercise at exercises/gone.rs: "),
            "{msg}"
        );
    }
}
