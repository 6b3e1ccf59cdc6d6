//! The course file, `info.toml`: the ordered list of exercises and the messages around them.
//!
//! The format is a superset of rustlings' third-party format, so a rustlings course loads
//! unchanged; backlings adds `spec` (links to the standards an exercise follows) and `timeout`.
//! Every problem is reported with the file, line and column it comes from and how to fix it.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::course::bundled;
use crate::course::exercise::{Exercise, Stage};
use crate::course::name;
use crate::error::{Error, Result};
use crate::files::{self, Problem, line_col, visible};
use crate::sandbox::limits::{self, Limits};

/// The name of the course file in a course directory.
pub const INFO_FILE: &str = "info.toml";

/// Seconds an exercise's program or tests may run when `timeout` is not given.
pub const DEFAULT_TIMEOUT_SECS: u64 = 10;

/// `dev check`'s compile budget when `compile_budget_secs` is not given: a save that takes
/// longer than this to compile no longer feels immediate.
pub const DEFAULT_COMPILE_BUDGET: Duration = Duration::from_millis(1500);

/// The largest `timeout` accepted: beyond an hour it is surely a typo.
const MAX_TIMEOUT_SECS: u64 = 3600;

/// A loaded, validated course.
#[derive(Debug, Clone)]
pub struct Course {
    /// The course directory: where `info.toml`, `exercises/` and `solutions/` are.
    pub root: PathBuf,
    pub welcome_message: Option<String>,
    pub final_message: Option<String>,
    pub exercises: Vec<Exercise>,
    /// How long a solution may take to compile from scratch (`dev check`); `None`: no limit.
    pub compile_budget: Option<Duration>,
    /// The course file is the bundled course's (a clone, or a directory written by `init`).
    pub bundled: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InfoFile {
    format_version: Spanned<i64>,
    welcome_message: Option<String>,
    final_message: Option<String>,
    compile_budget_secs: Option<Spanned<toml::Value>>,
    memory_mb: Option<Spanned<i64>>,
    file_size_mb: Option<Spanned<i64>>,
    processes: Option<Spanned<i64>>,
    #[serde(default)]
    exercises: Vec<Spanned<ExerciseEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExerciseEntry {
    name: Spanned<String>,
    dir: Option<Spanned<String>>,
    #[serde(default = "default_true")]
    test: bool,
    #[serde(default)]
    strict_clippy: bool,
    #[serde(default)]
    hint: String,
    #[serde(default)]
    recipe: String,
    #[serde(default)]
    skip_check_unsolved: bool,
    #[serde(default)]
    spec: Vec<String>,
    timeout: Option<Spanned<i64>>,
    memory_mb: Option<Spanned<i64>>,
    file_size_mb: Option<Spanned<i64>>,
    processes: Option<Spanned<i64>>,
    stages: Option<Spanned<Vec<StageEntry>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StageEntry {
    title: String,
    tests: String,
}

/// A plain Rust identifier: what a test module may be called.
fn is_module_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
}

fn default_true() -> bool {
    true
}

impl Course {
    /// Loads `info.toml` from `root` and checks it: names, directories, exercise files.
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(INFO_FILE);
        let source = files::read_text(&path).map_err(|e| match e.problem {
            Problem::Missing => Error::usage(format!(
                "no course here: {} does not exist.\n  \
                 Run backlings in a course directory (one with info.toml, exercises/ and solutions/).",
                path.display()
            )),
            _ => e.into(),
        })?;
        Self::parse(root, &path, &source)
    }

    /// Parses and validates the text of a course file. `path` is only used in messages.
    pub fn parse(root: &Path, path: &Path, source: &str) -> Result<Self> {
        let parser = Parser { path, source };
        let info: InfoFile = toml::from_str(source).map_err(|e| {
            parser.located(
                e.span(),
                e.message(),
                "fix the entry; the README's \"Writing a course\" section lists every field",
            )
        })?;
        if *info.format_version.get_ref() != 1 {
            return Err(parser.located(
                Some(info.format_version.span()),
                &format!(
                    "unsupported format_version {}",
                    info.format_version.get_ref()
                ),
                "this backlings reads format_version = 1",
            ));
        }
        if info.exercises.is_empty() {
            return Err(parser.located(
                None,
                "the course lists no exercises",
                "add an [[exercises]] table for each exercise, in learning order \
                 (`backlings dev add NAME --dir CHAPTER` writes one with its files)",
            ));
        }
        let compile_budget = parser.compile_budget(info.compile_budget_secs)?;
        let course_limits = parser.limits(
            [info.memory_mb, info.file_size_mb, info.processes],
            Limits::DEFAULT,
        )?;
        let mut seen = HashMap::new();
        let mut exercises = Vec::with_capacity(info.exercises.len());
        for entry in info.exercises {
            exercises.push(parser.exercise(root, entry, &mut seen, course_limits)?);
        }
        Ok(Self {
            root: root.to_path_buf(),
            welcome_message: non_empty(info.welcome_message),
            final_message: non_empty(info.final_message),
            exercises,
            compile_budget,
            // Then its solutions and shipped exercises can come from the binary.
            bundled: bundled::file(Path::new(INFO_FILE)) == Some(source.as_bytes()),
        })
    }

    /// Writes the solution of a finished `exercise` if the course is the bundled one and the
    /// file is missing (a course written by `init` starts without them, as in rustlings).
    pub fn reveal_solution(&self, exercise: &Exercise) -> Result<()> {
        if !self.bundled {
            return Ok(());
        }
        bundled::reveal_solution(&self.root, &exercise.solution_path())
    }
}

/// Reading one course file: every error names its file, line and column.
struct Parser<'s> {
    path: &'s Path,
    source: &'s str,
}

impl Parser<'_> {
    /// An error at `span` of the file: what is wrong, and how to fix it.
    fn located(&self, span: Option<Range<usize>>, message: &str, help: &str) -> Error {
        Error::course(render_located(self.path, self.source, span, message, help))
    }

    /// `compile_budget_secs`: the default when absent, `None` when 0 (the check is off).
    fn compile_budget(&self, value: Option<Spanned<toml::Value>>) -> Result<Option<Duration>> {
        let Some(value) = value else {
            return Ok(Some(DEFAULT_COMPILE_BUDGET));
        };
        let secs = match value.get_ref() {
            toml::Value::Integer(i) => Some(*i as f64),
            toml::Value::Float(f) => Some(*f),
            _ => None,
        };
        match secs {
            Some(0.0) => Ok(None),
            Some(s) if s > 0.0 && s <= MAX_TIMEOUT_SECS as f64 => {
                Ok(Some(Duration::from_secs_f64(s)))
            }
            _ => Err(self.located(
                Some(value.span()),
                "invalid compile_budget_secs",
                "give the seconds a solution may take to compile, such as 1.5 (0 turns the check off)",
            )),
        }
    }

    /// The limits set by `[memory_mb, file_size_mb, processes]`, `defaults` for those unset.
    fn limits(&self, values: [Option<Spanned<i64>>; 3], defaults: Limits) -> Result<Limits> {
        let [memory, file_size, processes] = values;
        Ok(Limits {
            memory_mb: self.limit(&limits::MEMORY_MB, memory, defaults.memory_mb)?,
            file_size_mb: self.limit(&limits::FILE_SIZE_MB, file_size, defaults.file_size_mb)?,
            processes: self.limit(&limits::PROCESSES, processes, defaults.processes)?,
        })
    }

    fn limit(
        &self,
        field: &limits::Field,
        value: Option<Spanned<i64>>,
        default: u64,
    ) -> Result<u64> {
        match value {
            None => Ok(default),
            Some(v) if field.range.contains(v.get_ref()) => Ok(*v.get_ref() as u64),
            Some(v) => Err(self.located(
                Some(v.span()),
                &format!("invalid {} {}", field.key, v.get_ref()),
                &format!(
                    "give {}, from {} to {}",
                    field.meaning,
                    field.range.start(),
                    field.range.end()
                ),
            )),
        }
    }

    /// One `[[exercises]]` entry, checked: a valid, unique name (`seen` holds the names so
    /// far, by their lower-case form), a directory inside `exercises/`, a timeout and limits in range (`course_limits`
    /// for those unset), and a regular file where the exercise should be.
    fn exercise(
        &self,
        root: &Path,
        entry: Spanned<ExerciseEntry>,
        seen: &mut HashMap<String, (String, Range<usize>)>,
        course_limits: Limits,
    ) -> Result<Exercise> {
        let entry_span = entry.span();
        let entry = entry.into_inner();
        let name_span = entry.name.span();
        let name = entry.name.into_inner();
        if let Some(problem) = name::problem(&name) {
            return Err(self.located(
                Some(name_span),
                &format!("invalid exercise name {name:?}: {problem}"),
                &format!(
                    "names may use {} (they become file and binary names)",
                    name::ALLOWED
                ),
            ));
        }
        // Names that differ only in case would be one file on macOS and Windows.
        if let Some((first, span)) = seen.get(&name.to_ascii_lowercase()) {
            let (line, _) = line_col(self.source, span.start);
            let what = if *first == name {
                format!("duplicate exercise name {name:?} (first used on line {line})")
            } else {
                format!(
                    "exercise name {name:?} differs from {first:?} (line {line}) only in case: \
                     they would be one file on macOS and Windows"
                )
            };
            return Err(self.located(
                Some(name_span),
                &what,
                "every exercise needs a unique name; rename one of them",
            ));
        }
        seen.insert(name.to_ascii_lowercase(), (name.clone(), name_span.clone()));
        let stages = self.stages(entry.stages, entry.test)?;
        let exercise = Exercise {
            name,
            dir: entry.dir.map(|dir| self.dir(dir)).transpose()?,
            test: entry.test,
            strict_clippy: entry.strict_clippy,
            hint: entry.hint.trim().to_string(),
            recipe: entry.recipe.trim().to_string(),
            skip_check_unsolved: entry.skip_check_unsolved,
            spec: entry.spec,
            timeout: self.timeout(entry.timeout)?,
            limits: self.limits(
                [entry.memory_mb, entry.file_size_mb, entry.processes],
                course_limits,
            )?,
            stages,
        };
        if let Err(e) = files::require_regular(&root.join(exercise.path())) {
            let help = match e.problem {
                Problem::Missing => "create the file, or fix this entry's name and dir",
                _ => e.advice(),
            };
            return Err(self.located(
                Some(entry_span.start..name_span.end),
                &format!(
                    "exercise {:?}: {} {}",
                    exercise.name,
                    exercise.path().display(),
                    e.what()
                ),
                help,
            ));
        }
        Ok(exercise)
    }

    /// An entry's `stages`: each with a title and a test module of its own, for an exercise
    /// graded by its tests.
    fn stages(&self, stages: Option<Spanned<Vec<StageEntry>>>, test: bool) -> Result<Vec<Stage>> {
        let Some(stages) = stages else {
            return Ok(Vec::new());
        };
        let span = stages.span();
        let stages = stages.into_inner();
        let problem = if !test && !stages.is_empty() {
            Some("stages group tests, and this exercise has none (test = false)".to_string())
        } else {
            stages.iter().enumerate().find_map(|(i, stage)| {
                let module = &stage.tests;
                if stage.title.trim().is_empty() {
                    Some(format!("stage {} has no title", i + 1))
                } else if !is_module_name(module) {
                    Some(format!(
                        "stage {} names the test module {module:?}, which is not a Rust module name",
                        i + 1
                    ))
                } else if stages[..i].iter().any(|s| s.tests == *module) {
                    Some(format!("two stages name the test module {module:?}"))
                } else {
                    None
                }
            })
        };
        if let Some(problem) = problem {
            return Err(self.located(
                Some(span),
                &format!("invalid stages: {problem}"),
                "write stages = [{ title = \"respond with 200\", tests = \"respond\" }, …]: \
                 each stage's tests in a module of its own inside `mod tests`",
            ));
        }
        Ok(stages
            .into_iter()
            .map(|s| Stage {
                title: s.title.trim().to_string(),
                tests: s.tests,
            })
            .collect())
    }

    /// An entry's `dir`: one folder name inside `exercises/`.
    fn dir(&self, dir: Spanned<String>) -> Result<String> {
        let span = dir.span();
        let dir = dir.into_inner();
        if !is_valid_dir(&dir) {
            return Err(self.located(
                Some(span),
                &format!("invalid dir {dir:?}: it must stay inside exercises/"),
                "use one folder name such as \"01_http\" (no '/', '\\', '..' or absolute paths)",
            ));
        }
        Ok(dir)
    }

    /// An entry's `timeout`, in whole seconds; the default when unset.
    fn timeout(&self, timeout: Option<Spanned<i64>>) -> Result<Duration> {
        let Some(t) = timeout else {
            return Ok(Duration::from_secs(DEFAULT_TIMEOUT_SECS));
        };
        let secs = *t.get_ref();
        if !(1..=MAX_TIMEOUT_SECS as i64).contains(&secs) {
            return Err(self.located(
                Some(t.span()),
                &format!("invalid timeout {secs}"),
                &format!("give a whole number of seconds from 1 to {MAX_TIMEOUT_SECS}"),
            ));
        }
        Ok(Duration::from_secs(secs as u64))
    }
}

fn non_empty(message: Option<String>) -> Option<String> {
    message
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
}

/// A chapter folder: one plain path component, so it cannot leave `exercises/`.
pub fn is_valid_dir(dir: &str) -> bool {
    !dir.is_empty()
        && dir != "."
        && dir != ".."
        && dir
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
        && !dir.starts_with('.')
}

/// An error message in the compiler's style: `path:line:column`, the line itself, a caret
/// under the span, and what to do about it.
fn render_located(
    path: &Path,
    source: &str,
    span: Option<Range<usize>>,
    message: &str,
    help: &str,
) -> String {
    let Some(span) = span else {
        return format!("{}: {}\n  help: {help}", path.display(), visible(message));
    };
    let (line, column) = line_col(source, span.start);
    // The file's text is shown with its control characters made visible, the caret under it.
    let text = source.lines().nth(line - 1).unwrap_or("");
    let before: String = text.chars().take(column - 1).collect();
    let indent = visible(&before).chars().count();
    let width = source[span.clone()]
        .lines()
        .next()
        .map_or(1, |l| visible(l).chars().count())
        .max(1);
    let gutter = line.to_string().len();
    format!(
        "{}:{line}:{column}: {}\n{:gutter$} |\n{line} | {}\n{:gutter$} | {}{}\n  help: {help}",
        path.display(),
        visible(message),
        "",
        visible(text),
        "",
        " ".repeat(indent),
        "^".repeat(width),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> Result<Course> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("exercises/01_ch")).unwrap();
        std::fs::write(dir.path().join("exercises/01_ch/one.rs"), "").unwrap();
        std::fs::write(dir.path().join("exercises/two.rs"), "").unwrap();
        Course::parse(dir.path(), Path::new("info.toml"), source)
    }

    fn error(source: &str) -> String {
        parse(source).unwrap_err().report()
    }

    const ONE: &str =
        "format_version = 1\n[[exercises]]\nname = \"one\"\ndir = \"01_ch\"\nhint = \"h\"\n";

    #[test]
    fn a_minimal_course_loads_with_defaults() {
        let course = parse(ONE).unwrap();
        let ex = &course.exercises[0];
        assert_eq!(ex.name, "one");
        assert!(ex.test);
        assert!(!ex.strict_clippy);
        assert_eq!(ex.timeout, Duration::from_secs(DEFAULT_TIMEOUT_SECS));
        assert_eq!(ex.path(), Path::new("exercises/01_ch/one.rs"));
    }

    #[test]
    fn backlings_additions_and_rustlings_fields_are_read() {
        let course = parse(
            "format_version = 1\nwelcome_message = \" hi \"\n[[exercises]]\nname = \"two\"\ntest = false\n\
             strict_clippy = true\nskip_check_unsolved = true\nhint = \"\"\"\n  look\n\"\"\"\n\
             spec = [\"https://www.rfc-editor.org/rfc/rfc9110\"]\ntimeout = 3\n",
        )
        .unwrap();
        let ex = &course.exercises[0];
        assert_eq!(course.welcome_message.as_deref(), Some("hi"));
        assert_eq!(ex.dir, None);
        assert_eq!(ex.path(), Path::new("exercises/two.rs"));
        assert!(!ex.test && ex.strict_clippy && ex.skip_check_unsolved);
        assert_eq!(ex.hint, "look");
        assert_eq!(ex.spec, ["https://www.rfc-editor.org/rfc/rfc9110"]);
        assert_eq!(ex.timeout, Duration::from_secs(3));
    }

    #[test]
    fn a_syntax_error_names_line_and_column() {
        let msg = error("format_version = 1\n[[exercises]\n");
        assert!(msg.starts_with("info.toml:2:"), "{msg}");
    }

    #[test]
    fn a_type_error_names_the_field_position() {
        let msg = error(&ONE.replace("hint = \"h\"", "hint = \"h\"\ntest = \"yes\""));
        assert!(msg.starts_with("info.toml:6:8:"), "{msg}");
    }

    #[test]
    fn an_unknown_field_is_rejected_with_its_position() {
        let msg = error(&format!("{ONE}colour = \"red\"\n"));
        assert!(msg.starts_with("info.toml:6:1:"), "{msg}");
        assert!(msg.contains("colour"), "{msg}");
    }

    #[test]
    fn a_duplicate_name_points_at_the_second_and_names_the_first() {
        let msg = error(&format!("{ONE}{}", &ONE[19..]));
        assert!(
            msg.starts_with(
                "info.toml:7:8: duplicate exercise name \"one\" (first used on line 3)"
            ),
            "{msg}"
        );
    }

    #[test]
    fn names_that_cannot_be_files_or_bins_are_rejected_at_their_position() {
        for bad in ["a-b", "a b", "../x", "", "a.b", "deps"] {
            let msg = error(&ONE.replace("\"one\"", &format!("{bad:?}")));
            assert!(msg.contains("invalid exercise name"), "{bad}: {msg}");
            assert!(msg.starts_with("info.toml:3:8:"), "{msg}");
        }
    }

    #[test]
    fn names_with_capitals_and_leading_digits_load_as_rustlings_loads_them() {
        let source = ONE.replace("\"one\"", "\"4_PartialEq\"");
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("exercises/01_ch")).unwrap();
        std::fs::write(dir.path().join("exercises/01_ch/4_PartialEq.rs"), "").unwrap();
        let course = Course::parse(dir.path(), Path::new("info.toml"), &source).unwrap();
        assert_eq!(course.exercises[0].name, "4_PartialEq");
    }

    #[test]
    fn names_that_differ_only_in_case_are_rejected_as_one_file() {
        let msg = error(&format!("{ONE}{}", ONE[19..].replace("\"one\"", "\"One\"")));
        assert!(
            msg.starts_with(
                "info.toml:7:8: exercise name \"One\" differs from \"one\" (line 3) only in case"
            ),
            "{msg}"
        );
    }

    #[test]
    fn dirs_that_leave_the_course_are_rejected() {
        for bad in ["..", "/etc", "a/b", "a\\\\b", "", ".hidden"] {
            let msg = error(&ONE.replace("\"01_ch\"", &format!("\"{bad}\"")));
            assert!(msg.contains("must stay inside exercises/"), "{bad}: {msg}");
            assert!(msg.starts_with("info.toml:4:7:"), "{msg}");
        }
    }

    #[test]
    fn a_missing_exercise_file_is_reported_at_its_entry() {
        let msg = error(&ONE.replace("\"one\"", "\"three\""));
        assert!(
            msg.starts_with(
                "info.toml:2:1: exercise \"three\": exercises/01_ch/three.rs does not exist"
            ),
            "{msg}"
        );
        assert!(msg.contains("help: create the file"), "{msg}");
    }

    #[test]
    fn other_format_versions_and_empty_courses_are_rejected() {
        assert!(error(&ONE.replace("= 1", "= 2")).contains("unsupported format_version 2"));
        assert!(error("format_version = 1\n").contains("lists no exercises"));
    }

    #[test]
    fn the_compile_budget_defaults_and_can_be_changed_or_turned_off() {
        let budget = |line: &str| parse(&format!("{line}\n{ONE}")).map(|c| c.compile_budget);
        assert_eq!(budget("").unwrap(), Some(DEFAULT_COMPILE_BUDGET));
        assert_eq!(
            budget("compile_budget_secs = 2.5").unwrap(),
            Some(Duration::from_millis(2500))
        );
        assert_eq!(
            budget("compile_budget_secs = 3").unwrap(),
            Some(Duration::from_secs(3))
        );
        assert_eq!(budget("compile_budget_secs = 0").unwrap(), None);
        let msg = budget("compile_budget_secs = -1").unwrap_err().report();
        assert!(
            msg.starts_with("info.toml:1:23: invalid compile_budget_secs"),
            "{msg}"
        );
        assert!(budget("compile_budget_secs = \"fast\"").is_err());
    }

    #[test]
    fn limits_have_defaults_the_course_may_change_and_an_exercise_may_set_its_own() {
        assert_eq!(parse(ONE).unwrap().exercises[0].limits, Limits::DEFAULT);
        let course_wide = ONE.replace(
            "format_version = 1\n",
            "format_version = 1\nmemory_mb = 256\n",
        );
        assert_eq!(
            parse(&course_wide).unwrap().exercises[0].limits.memory_mb,
            256
        );
        let own = format!("{course_wide}memory_mb = 2048\nfile_size_mb = 1\nprocesses = 64\n");
        let limits = parse(&own).unwrap().exercises[0].limits;
        assert_eq!(
            (limits.memory_mb, limits.file_size_mb, limits.processes),
            (2048, 1, 64)
        );
        let msg = error(&format!("{ONE}memory_mb = 8\n"));
        assert!(
            msg.starts_with("info.toml:6:13: invalid memory_mb 8"),
            "{msg}"
        );
    }

    #[test]
    fn timeouts_must_be_positive() {
        let msg = error(&format!("{ONE}timeout = 0\n"));
        assert!(
            msg.starts_with("info.toml:6:11: invalid timeout 0"),
            "{msg}"
        );
    }

    #[test]
    fn the_caret_sits_under_the_span() {
        let msg = error(&ONE.replace("\"one\"", "\"O-e\""));
        assert!(
            msg.contains("3 | name = \"O-e\"\n  |        ^^^^^\n"),
            "{msg}"
        );
    }
}
