//! One exercise of a course: its files, its binary names, and how it is checked.

use std::path::PathBuf;
use std::time::Duration;

use crate::sandbox::limits::Limits;

/// An entry of `info.toml`, validated.
#[derive(Debug, Clone)]
pub struct Exercise {
    pub name: String,
    /// The chapter folder under `exercises/` and `solutions/`; `None` for a flat course.
    pub dir: Option<String>,
    /// `true`: the exercise is done when its tests pass; `false`: when its `main` exits 0.
    pub test: bool,
    /// Clippy must report nothing, not even warnings.
    pub strict_clippy: bool,
    /// The first hint: a nudge that names the concept without giving the answer away.
    pub hint: String,
    /// The second hint, for a learner who asks again: the steps. Empty when the course has
    /// only one hint per exercise (rustlings' format).
    pub recipe: String,
    /// The shipped version already passes (e.g. a "read this" exercise): `dev check` does not
    /// require it to fail.
    pub skip_check_unsolved: bool,
    /// Links to the standards the exercise follows.
    pub spec: Vec<String>,
    /// How long its tests or program may run.
    pub timeout: Duration,
    /// What its tests or program may use.
    pub limits: Limits,
    /// Its tests grouped into ordered stages (a capstone built step by step); empty for an
    /// exercise graded as a whole.
    pub stages: Vec<Stage>,
}

/// One stage of an exercise: the tests in one module of the file's test module, which pass
/// only once the stages before them do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// What the stage asks for, as the learner reads it: "respond with 200".
    pub title: String,
    /// The module that holds the stage's tests (`mod respond { … }` inside `mod tests`).
    pub tests: String,
}

/// How much of an exercise's hint to show: a learner who is stuck gets the nudge first and
/// the recipe only when asking again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HintDepth {
    Nudge,
    Recipe,
}

/// Which of an exercise's two files is meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variant {
    /// The file the learner edits, under `exercises/`.
    Exercise,
    /// The reference solution, under `solutions/`.
    Solution,
}

impl Exercise {
    /// The learner's file, relative to the course directory.
    pub fn path(&self) -> PathBuf {
        self.variant_path(Variant::Exercise)
    }

    /// The reference solution, relative to the course directory.
    pub fn solution_path(&self) -> PathBuf {
        self.variant_path(Variant::Solution)
    }

    /// The file of `variant`, relative to the course directory.
    pub fn variant_path(&self, variant: Variant) -> PathBuf {
        file_of(&self.name, self.dir.as_deref(), variant)
    }

    /// The cargo binary target that builds `variant` (rustlings' convention: `X` and `X_sol`).
    pub fn bin_name(&self, variant: Variant) -> String {
        match variant {
            Variant::Exercise => self.name.clone(),
            Variant::Solution => format!("{}_sol", self.name),
        }
    }

    /// The chapter shown in lists: the folder, or `-` for a flat course.
    pub fn chapter(&self) -> &str {
        self.dir.as_deref().unwrap_or("-")
    }
}

/// Where the `variant` file of exercise `name` in chapter `dir` lives, relative to the course
/// directory: `exercises/[dir/]name.rs` or `solutions/[dir/]name.rs`.
pub fn file_of(name: &str, dir: Option<&str>, variant: Variant) -> PathBuf {
    let mut path = PathBuf::from(match variant {
        Variant::Exercise => "exercises",
        Variant::Solution => "solutions",
    });
    if let Some(dir) = dir {
        path.push(dir);
    }
    path.push(format!("{name}.rs"));
    path
}
