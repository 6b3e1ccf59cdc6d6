//! Turning an outcome into what a person reads: compiler messages, the failing tests'
//! messages, and one closing line that says what to do next. Colour on a terminal, plain text
//! otherwise or with `NO_COLOR`.
//!
//! Whatever came from a process or a file goes through [`inert`] here, at the point where it
//! is shown, so that nothing it holds can drive the terminal; backlings' own styles and links
//! are added afterwards.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::Path;

use console::style;

use super::failures;
use crate::check::stages::stage_of;
use crate::check::{Outcome, Verdict, libtest};
use crate::course::exercise::{Exercise, Variant};
use crate::files;
use crate::inert::{self, Colour};

/// Whether to colour output: a terminal, `NO_COLOR` unset, `TERM` not `dumb`. Also tells the
/// `console` crate, so every `style(..)` follows the same decision.
pub fn init_color() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    let color = std::io::stdout().is_terminal() && !no_color && !dumb;
    console::set_colors_enabled(color);
    console::set_colors_enabled_stderr(color);
    color
}

/// Text from a process or a file (a course's messages, a compiler's output), made inert
/// for the terminal: colour kept only when backlings shows colour.
pub fn inert(text: &str) -> String {
    inert::text(text, Colour::when(console::colors_enabled()))
}

/// `path` as a link that terminals open on click (OSC 8), when colour is on. The link's
/// target is percent-encoded, so that no byte of the course's directory name can end the
/// sequence early.
pub fn file_link(shown: &Path, absolute: &Path) -> String {
    let text = inert::text(&shown.display().to_string(), Colour::Strip);
    if !console::colors_enabled() {
        return text;
    }
    format!(
        "\x1b]8;;file://{}\x1b\\{}\x1b]8;;\x1b\\",
        uri_path(absolute),
        style(text).underlined()
    )
}

/// `path` for a `file://` URI: bytes other than unreserved characters and `/` as `%XX`.
fn uri_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut uri = String::new();
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(char::from(b));
        } else {
            let _ = write!(uri, "%{b:02X}");
        }
    }
    uri
}

/// Where a verdict is read: what to do next, and how to see more, differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Watch mode: a save checks again; `f` shows the full output.
    Watch,
    /// `backlings run`: run it again, or start watch mode; `--verbose` shows the full output.
    Run,
    /// `backlings dev check`, for authors.
    DevCheck,
}

/// How much of failing tests' output to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The first failure in file order in full, the others one line each (see [`failures`]).
    Summary,
    /// libtest's whole report from its failures section on.
    Full,
}

impl Place {
    /// What the learner does once the code is fixed.
    fn next_step(self) -> &'static str {
        match self {
            Place::Watch => "then save",
            Place::Run => "then run `backlings run` again (or start watch mode: `backlings`)",
            Place::DevCheck => "then run `backlings dev check` again",
        }
    }

    /// How to see the whole test output, when only the summary shows.
    fn more(self) -> &'static str {
        match self {
            Place::Watch => " Press f for the full output.",
            Place::Run => " `backlings run --verbose` shows the full output.",
            Place::DevCheck => "",
        }
    }
}

/// The report of one check for a person in `place`: messages, output (as much as `detail`
/// says), and a closing line that says what to do next there.
pub fn outcome(
    exercise: &Exercise,
    variant: Variant,
    outcome: &Outcome,
    root: &Path,
    (place, detail): (Place, Detail),
) -> String {
    let mut text = String::new();
    let colour = Colour::when(console::colors_enabled());
    let summary = match (outcome.verdict, detail) {
        (Verdict::TestsFailed, Detail::Summary) => {
            let path = exercise.variant_path(variant);
            let source = files::read_text(&root.join(&path)).unwrap_or_default();
            let failing = outcome.stage.and_then(|staged| staged.failing());
            let file = failures::Checked {
                path: &path,
                root,
                source: &source,
                stage: failing.map(|k| (exercise.stages.as_slice(), k)),
            };
            failures::layout(&outcome.output, &file)
        }
        _ => None,
    };
    for block in explaining_blocks(exercise, outcome, summary.is_some()) {
        if !block.trim().is_empty() {
            inert::push(&mut text, block.trim_end(), colour);
            text.push_str("\n\n");
        }
    }
    if let Some(summary) = &summary {
        text.push_str(summary);
        text.push_str("\n\n");
    }
    text.push_str(&closing_line(exercise, outcome, place, summary.is_some()));
    if outcome.verdict == Verdict::Done && variant == Variant::Exercise {
        let solution = exercise.solution_path();
        if root.join(&solution).is_file() {
            text.push_str(&format!(
                "  Compare with the reference solution: {}\n",
                file_link(&solution, &root.join(&solution))
            ));
        }
    }
    text
}

/// What explains the verdict, in the order shown: compiler or clippy messages, then what the
/// tests (from their first failure) or the program printed.
fn explaining_blocks<'o>(
    exercise: &Exercise,
    outcome: &'o Outcome,
    summarized: bool,
) -> Vec<&'o str> {
    let (diagnostics, output) = (outcome.diagnostics.as_str(), outcome.output.as_str());
    match outcome.verdict {
        Verdict::Done if exercise.test => vec![diagnostics],
        Verdict::Done | Verdict::ProgramFailed => vec![diagnostics, output],
        // The summary of the failures, when there is one, takes the output's place.
        Verdict::TestsFailed if summarized => vec![diagnostics],
        Verdict::TestsFailed => vec![diagnostics, failures(output)],
        Verdict::CompileError | Verdict::ClippyWarnings | Verdict::DiskFull => vec![diagnostics],
        Verdict::TimedOut | Verdict::OutOfMemory => vec![output],
        Verdict::Cancelled => vec![],
    }
}

/// The verdict in one line that says what to do next in `place`, and how to see the full
/// output when only its `summary` shows.
fn closing_line(exercise: &Exercise, outcome: &Outcome, place: Place, summary: bool) -> String {
    let next = place.next_step();
    let name = style(&exercise.name).bold();
    let failed = style("✗").red().bold();
    match outcome.verdict {
        Verdict::Done => {
            let stages = match exercise.stages.len() {
                0 => String::new(),
                n => format!(" All {n} stages pass."),
            };
            format!("{} {name} is done!{stages}\n", style("✓").green().bold())
        }
        Verdict::CompileError => {
            format!("{failed} {name} does not compile yet: fix the first error above, {next}.\n")
        }
        Verdict::TestsFailed if let Some(stage) = failing_stage(exercise, outcome) => {
            let more = if summary { place.more() } else { "" };
            format!(
                "{failed} {name}: {stage}. Read the first failure above, fix the code, {next}.{more}\n"
            )
        }
        Verdict::TestsFailed => {
            let counts = match outcome.tests {
                Some(c) => format!("{} of {} tests fail", c.failed, c.passed + c.failed),
                None => "the tests fail".to_string(),
            };
            let more = if summary { place.more() } else { "" };
            format!(
                "{failed} {name}: {counts}. Read the first failure above, fix the code, {next}.{more}\n"
            )
        }
        Verdict::ProgramFailed => {
            format!("{failed} {name}: the program did not exit successfully.\n")
        }
        Verdict::TimedOut => format!(
            "{failed} {name} timed out after {} s (an infinite loop?)\n",
            outcome.timeout_secs
        ),
        Verdict::OutOfMemory => format!(
            "{failed} {name} used more than {} MiB of memory and was stopped (a collection that \
             keeps growing, or a loop that never ends?)\n",
            outcome.limits.memory_mb
        ),
        Verdict::ClippyWarnings => format!(
            "{} {name} works, but clippy has warnings, and this exercise must be clippy-clean.\n",
            style("✗").yellow().bold()
        ),
        Verdict::DiskFull => format!(
            "{failed} {name} could not be built: the disk is full. Free some space (old build \
             directories such as target/ are often large), {next}. Your progress is unchanged.\n"
        ),
        Verdict::Cancelled => format!("{name}: check cancelled.\n"),
    }
}

/// `stage 3 of 6, headers: 2 tests fail`: where an exercise graded in stages stands, when a
/// stage fails (the later ones are not counted: they are not the learner's concern yet).
pub fn failing_stage(exercise: &Exercise, outcome: &Outcome) -> Option<String> {
    let failing = outcome.stage?.failing()?;
    let stage = exercise.stages.get(failing)?;
    let failed = libtest::tests(&outcome.output)
        .iter()
        .filter(|test| !test.passed && stage_of(&exercise.stages, &test.name) == failing)
        .count();
    let tests = if failed == 1 {
        "test fails"
    } else {
        "tests fail"
    };
    Some(format!(
        "stage {} of {}, {}: {failed} {tests}",
        failing + 1,
        exercise.stages.len(),
        inert::text(&stage.title, Colour::Strip)
    ))
}

/// One line for `verify` and `dev check`. `label` and `detail` may name files of the
/// course, whatever their names hold: they are shown inert.
pub fn line(ok: bool, label: &str, detail: &str) -> String {
    let mark = if ok {
        style("✓").green()
    } else {
        style("✗").red()
    };
    let label = inert::text(label, Colour::Strip);
    let detail = inert::text(detail, Colour::Strip);
    if detail.is_empty() {
        format!("{mark} {label}")
    } else {
        format!("{mark} {label}: {detail}")
    }
}

/// libtest's report from the first failure on: the passing tests' dots are noise.
fn failures(output: &str) -> &str {
    crate::check::libtest::failures_section(output).unwrap_or(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_targets_are_percent_encoded_so_no_byte_ends_the_link() {
        let path = Path::new("/home/a b/\u{1b}\\x\u{7}/é~_.rs");
        assert_eq!(uri_path(path), "/home/a%20b/%1B%5Cx%07/%C3%A9~_.rs");
    }

    #[test]
    fn the_failures_section_skips_the_progress_dots() {
        let out = "\nrunning 3 tests\n.F.\nfailures:\n\n---- tests::a stdout ----\nboom\n";
        assert_eq!(
            failures(out),
            "failures:\n\n---- tests::a stdout ----\nboom\n"
        );
        assert_eq!(failures("no section"), "no section");
    }
}
