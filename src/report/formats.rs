//! What `verify` and `dev check` report for CI: Exercism's results.json (version 3) or JUnit
//! XML on stdout, and GitHub Actions annotations on stderr. The human format stays with the
//! commands; this module only sees per-file results.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::Reporter;
use crate::check::results::{self, Status, TestCase};
use crate::check::{Event, Outcome, Verdict};
use crate::course::exercise::Exercise;
use crate::inert::{self, Colour};

/// How a batch command reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// One line per exercise and a closing count, for people.
    #[default]
    Human,
    /// Exercism's test-runner results.json (version 3), one per exercise, in one document.
    Json,
    /// JUnit XML, which GitHub, GitLab and Jenkins display.
    Junit,
}

/// Exercism caps each test's `output` at this many characters.
const OUTPUT_LIMIT: usize = 500;

/// The result of one exercise (or, in `dev check`, of one exercise with its solution).
#[derive(Debug, Clone)]
pub struct FileResult {
    pub name: String,
    /// The checked file, relative to the course directory.
    pub path: String,
    pub status: Status,
    /// Why nothing ran (a compile error), or what went wrong outside any test.
    pub message: Option<String>,
    /// Where `message` points, when it points at a line.
    pub line: Option<u32>,
    pub tests: Vec<TestCase>,
    /// For an exercise graded in stages: how far it got.
    pub stage: Option<StageResult>,
}

/// How far an exercise graded in stages got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageResult {
    pub passed: usize,
    pub total: usize,
    /// The title of the first stage that fails, if one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failing: Option<String>,
}

impl FileResult {
    /// A passing result with no tests yet.
    pub fn new(name: &str, path: &Path) -> Self {
        FileResult {
            name: name.to_string(),
            path: path.display().to_string(),
            status: Status::Pass,
            message: None,
            line: None,
            tests: Vec::new(),
            stage: None,
        }
    }

    /// The result of checking `exercise`'s file at `path` (relative to `root`).
    pub fn from_outcome(exercise: &Exercise, path: &Path, outcome: &Outcome, root: &Path) -> Self {
        // Colour dropped, any other control shown visibly, as in the terminal.
        let plain = |text: &str| inert::text(text, Colour::Strip).trim().to_string();
        let mut result = FileResult::new(&exercise.name, path);
        result.stage = outcome.stage.map(|staged| StageResult {
            passed: staged.passed,
            total: staged.total,
            failing: staged
                .failing()
                .and_then(|i| exercise.stages.get(i))
                .map(|stage| plain(&stage.title)),
        });
        if outcome.verdict == Verdict::CompileError {
            result.status = Status::Error;
            result.message = Some(plain(&outcome.diagnostics));
            result.line = results::diagnostic_line(&outcome.diagnostics);
            return result;
        }
        if exercise.test {
            let source = std::fs::read_to_string(root.join(path)).unwrap_or_default();
            result.tests = results::test_cases(outcome, path, &source);
        } else {
            let failed =
                outcome.verdict != Verdict::Done && outcome.verdict != Verdict::ClippyWarnings;
            let problem = failed.then(|| format!("the program {}", outcome.verdict.summary()));
            let mut main = TestCase::rule("main", problem, None);
            main.output = plain(&outcome.output);
            result.tests.push(main);
        }
        let broken = |t: &TestCase| t.status != Status::Pass;
        if !matches!(outcome.verdict, Verdict::Done | Verdict::ClippyWarnings)
            && !result.tests.iter().any(broken)
        {
            // It failed, yet no test says so (the harness crashed before reporting).
            let mut run = TestCase::rule("run", Some(outcome.verdict.summary().to_string()), None);
            run.status = Status::Error;
            run.output = plain(&outcome.output);
            result.tests.push(run);
        }
        if outcome.verdict == Verdict::ClippyWarnings {
            let diagnostics = &outcome.diagnostics;
            let line = results::diagnostic_line(diagnostics);
            result
                .tests
                .push(TestCase::rule("clippy", Some(plain(diagnostics)), line));
        }
        result.settle();
        result
    }

    /// Sets `status` from the tests: a failing or unfinished test fails the file.
    pub fn settle(&mut self) {
        if self.status != Status::Error && self.tests.iter().any(|t| t.status != Status::Pass) {
            self.status = Status::Fail;
        }
    }
}

/// Collects each checked file's [`FileResult`] as its verdict arrives: the reporter behind
/// `verify`'s JSON, JUnit and GitHub annotations.
pub struct FileResults<'a> {
    exercises: &'a [&'a Exercise],
    root: &'a Path,
    results: Vec<Option<FileResult>>,
}

impl<'a> FileResults<'a> {
    /// For a check whose items are the files of `exercises`, in the course at `root`.
    pub fn new(exercises: &'a [&'a Exercise], root: &'a Path) -> Self {
        Self {
            exercises,
            root,
            results: exercises.iter().map(|_| None).collect(),
        }
    }

    /// The results in the order of the exercises; a file without a verdict has none.
    pub fn into_results(self) -> Vec<FileResult> {
        self.results.into_iter().flatten().collect()
    }
}

impl Reporter for FileResults<'_> {
    fn on(&mut self, event: &Event) {
        if let Event::Finished { index, outcome } = event {
            let exercise = self.exercises[*index];
            let path = exercise.path();
            let result = FileResult::from_outcome(exercise, &path, outcome, self.root);
            self.results[*index] = Some(result);
        }
    }
}

/// results.json (version 3) for a whole batch: its own tests, and every exercise's document.
#[derive(Serialize)]
struct JsonDocument<'a> {
    version: u8,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    tests: Vec<JsonTest<'a>>,
    passed: usize,
    failed: usize,
    exercises: Vec<JsonExercise<'a>>,
}

/// One exercise's results.json.
#[derive(Serialize)]
struct JsonExercise<'a> {
    version: u8,
    name: &'a str,
    path: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    tests: Vec<JsonTest<'a>>,
    /// backlings' addition, for an exercise graded in stages.
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<&'a StageResult>,
}

#[derive(Serialize)]
struct JsonTest<'a> {
    name: std::borrow::Cow<'a, str>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
}

impl<'a> JsonTest<'a> {
    fn of(case: &'a TestCase) -> Self {
        Self {
            name: case.name.as_str().into(),
            status: case.status.as_str(),
            message: case.message.as_deref(),
            output: (!case.output.is_empty()).then(|| capped(&case.output)),
        }
    }
}

/// The whole batch's tests, named `exercise/test`; an exercise that did not compile is one
/// `exercise/compile` error.
fn batch_tests(results: &[FileResult]) -> Vec<JsonTest<'_>> {
    let mut tests = Vec::new();
    for r in results {
        if r.status == Status::Error {
            tests.push(JsonTest {
                name: format!("{}/compile", r.name).into(),
                status: "error",
                message: r.message.as_deref().or(Some("does not compile")),
                output: None,
            });
        }
        for t in &r.tests {
            let name = format!("{}/{}", r.name, t.name).into();
            tests.push(JsonTest {
                name,
                ..JsonTest::of(t)
            });
        }
    }
    tests
}

/// The whole batch as one JSON document. It is itself a results.json for the whole course
/// (tests named `exercise/test`; an exercise that did not compile is one `exercise/compile`
/// error), with every exercise's own results.json in `exercises`, and the counts.
pub fn json(results: &[FileResult]) -> String {
    let status = overall(results);
    let first_error = results.iter().find(|r| r.status == Status::Error);
    let failed = results.iter().filter(|r| r.status != Status::Pass).count();
    let document = JsonDocument {
        version: 3,
        status: status.as_str(),
        message: first_error
            .filter(|_| status == Status::Error)
            .map(|r| r.message.as_deref().unwrap_or("does not compile")),
        tests: batch_tests(results),
        passed: results.len() - failed,
        failed,
        exercises: results
            .iter()
            .map(|r| JsonExercise {
                version: 3,
                name: &r.name,
                path: &r.path,
                status: r.status.as_str(),
                message: r.message.as_deref(),
                tests: r.tests.iter().map(JsonTest::of).collect(),
                stage: r.stage.as_ref(),
            })
            .collect(),
    };
    let mut text =
        json_inert(&serde_json::to_string_pretty(&document).expect("plain data serializes"));
    text.push('\n');
    text
}

/// A JSON document made safe to print. serde escapes C0 controls; DEL, C1 controls and
/// bidirectional controls become `\uXXXX` here too, so a terminal acts on none of them, and
/// `##[` becomes `#\u0023[`, which a GitHub Actions log does not read as a workflow command.
/// Outside strings a JSON document holds none of these characters, and inside them the
/// escape stands for the same character: a JSON reader gets the same values.
fn json_inert(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous = '\0';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let control =
            matches!(c, '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        let command = c == '#' && previous == '#' && chars.peek() == Some(&'[');
        if control || command {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
        previous = c;
    }
    out
}

/// The batch's status: error only if nothing ran anywhere.
fn overall(results: &[FileResult]) -> Status {
    if results.iter().all(|r| r.status == Status::Pass) {
        Status::Pass
    } else if !results.is_empty() && results.iter().all(|r| r.status == Status::Error) {
        Status::Error
    } else {
        Status::Fail
    }
}

fn capped(output: &str) -> String {
    if output.chars().count() <= OUTPUT_LIMIT {
        return output.to_string();
    }
    let kept: String = output.chars().take(OUTPUT_LIMIT).collect();
    format!("{kept}\n[output cut at {OUTPUT_LIMIT} characters]")
}

/// The batch as JUnit XML: one `<testsuite>` per exercise. A file that did not compile gets
/// a test case `compile` with an `<error>`.
pub fn junit(suite: &str, results: &[FileResult]) -> String {
    let cases_of = |r: &FileResult| -> Vec<TestCase> {
        let mut cases = Vec::new();
        if r.status == Status::Error {
            let mut compile = TestCase::rule("compile", r.message.clone(), r.line);
            compile.status = Status::Error;
            cases.push(compile);
        }
        cases.extend(r.tests.iter().cloned());
        cases
    };
    let count = |cases: &[TestCase], status| cases.iter().filter(|c| c.status == status).count();
    let all: Vec<(&FileResult, Vec<TestCase>)> = results.iter().map(|r| (r, cases_of(r))).collect();
    let every: Vec<TestCase> = all.iter().flat_map(|(_, c)| c.clone()).collect();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        escape(suite),
        every.len(),
        count(&every, Status::Fail),
        count(&every, Status::Error)
    );
    for (result, cases) in &all {
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" file=\"{}\">",
            escape(&result.name),
            cases.len(),
            count(cases, Status::Fail),
            count(cases, Status::Error),
            escape(&result.path)
        );
        if let Some(stage) = &result.stage {
            xml.push_str("    <properties>\n");
            let mut property = |name: &str, value: &str| {
                let _ = writeln!(
                    xml,
                    "      <property name=\"{name}\" value=\"{}\"/>",
                    escape(value)
                );
            };
            property("stages_passed", &stage.passed.to_string());
            property("stages_total", &stage.total.to_string());
            if let Some(failing) = &stage.failing {
                property("stage_failing", failing);
            }
            xml.push_str("    </properties>\n");
        }
        for case in cases {
            let file = case.file.as_deref().unwrap_or(&result.path);
            let line = case
                .line
                .map(|l| format!(" line=\"{l}\""))
                .unwrap_or_default();
            let _ = write!(
                xml,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\"{line}",
                escape(&case.name),
                escape(&result.name),
                escape(file)
            );
            let message = case.message.as_deref().unwrap_or_default();
            let first = message.lines().next().unwrap_or_default();
            let element = match case.status {
                Status::Pass if case.output.is_empty() => {
                    xml.push_str("/>\n");
                    continue;
                }
                Status::Pass => None,
                Status::Fail => Some("failure"),
                Status::Error => Some("error"),
            };
            xml.push_str(">\n");
            if let Some(element) = element {
                let _ = writeln!(
                    xml,
                    "      <{element} message=\"{}\">{}</{element}>",
                    escape(first),
                    escape_text(message)
                );
            }
            if !case.output.is_empty() {
                let _ = writeln!(
                    xml,
                    "      <system-out>{}</system-out>",
                    escape_text(&case.output)
                );
            }
            xml.push_str("    </testcase>\n");
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// Element content: line breaks and tabs stay as they are.
fn escape_text(text: &str) -> String {
    xml(text, Xml::Content)
}

/// An attribute value: line breaks and tabs as character references, so they survive.
fn escape(text: &str) -> String {
    xml(text, Xml::Attribute)
}

/// Where text goes in an XML document.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Xml {
    Attribute,
    Content,
}

/// Text for XML. Test output may hold any byte: control characters, which XML 1.0 forbids
/// and terminals act on, are shown visibly (see [`inert`]), and the two non-characters it
/// also forbids as the text `<U+FFFE>`, `<U+FFFF>`. The report may be printed in a CI log, so what
/// GitHub Actions reads as a workflow command (see [`inert_for_actions`]) is written with a
/// character reference: a `:` that begins a line as `&#58;`, the `[` of `##[` as `&#91;`.
/// An XML reader gets the text back unchanged.
fn xml(text: &str, place: Xml) -> String {
    let text = inert::text(text, Colour::Strip);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut line_start = true;
    let mut hashes = 0;
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' if place == Xml::Attribute => out.push_str("&#10;"),
            '\t' if place == Xml::Attribute => out.push_str("&#9;"),
            ':' if line_start => out.push_str("&#58;"),
            '[' if hashes >= 2 => out.push_str("&#91;"),
            '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "&lt;U+{:04X}&gt;", u32::from(c));
            }
            c => out.push(c),
        }
        line_start = c == '\n' || (line_start && c.is_whitespace());
        hashes = if c == '#' { hashes + 1 } else { 0 };
    }
    out
}

/// Whether failures should also be GitHub Actions annotations.
pub fn on_github_actions() -> bool {
    std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true")
}

/// One `::error file=…,line=…,title=…::…` workflow command per failure, pointing at the compile
/// error's or the failing assertion's line.
pub fn github_annotations(results: &[FileResult]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut annotate = |file: &str, line: Option<u32>, title: &str, message: &str| {
        let line = line.map(|l| format!(",line={l}")).unwrap_or_default();
        // Inert first: the log is also read in terminals, and no control character may
        // reach the runner (`\r` would end the command early).
        let inert = |text: &str| inert::text(text, Colour::Strip);
        lines.push(format!(
            "::error file={}{line},title={}::{}",
            property(&inert(file)),
            property(&inert(title)),
            data(&inert(message))
        ));
    };
    for result in results {
        if result.status == Status::Error {
            let message = result.message.as_deref().unwrap_or("does not compile");
            let title = format!("{} does not compile", result.name);
            annotate(&result.path, result.line, &title, message);
        }
        for case in result.tests.iter().filter(|c| c.status != Status::Pass) {
            let file = case.file.as_deref().unwrap_or(&result.path);
            let title = format!("{}: {}", result.name, case.name);
            let message = case.message.as_deref().unwrap_or("failed");
            annotate(file, case.line, &title, message);
        }
    }
    lines
}

/// Human output made safe for a GitHub Actions log, where the runner acts on every line that
/// begins with `::` (after white space) and on `##[` anywhere in a line: such a `::` gets a
/// `\` before it and `##[` becomes `##\[`. Text from a test or a file name then reads the
/// same to a person and commands nothing. (A zero-width character would not do: the runner
/// compares culture-sensitively, which ignores such characters.)
pub fn inert_for_actions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut line_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let command_start = line_start && c == ':' && chars.peek() == Some(&':');
        if command_start || (c == '[' && out.ends_with("##")) {
            out.push('\\');
        }
        out.push(c);
        line_start = matches!(c, '\n' | '\r') || (line_start && c.is_whitespace());
    }
    out
}

/// A workflow command's message: `%`, CR and LF escaped.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,` escaped.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(status: Status, tests: Vec<TestCase>) -> FileResult {
        FileResult {
            name: "adds".to_string(),
            path: "exercises/01_basics/adds.rs".to_string(),
            status,
            message: None,
            line: None,
            tests,
            stage: None,
        }
    }

    #[test]
    fn long_output_is_cut_with_a_notice() {
        let long = "x".repeat(OUTPUT_LIMIT + 1);
        let cut = capped(&long);
        assert!(cut.starts_with(&"x".repeat(OUTPUT_LIMIT)));
        assert!(cut.ends_with("[output cut at 500 characters]"), "{cut}");
        assert_eq!(capped("short"), "short");
    }

    #[test]
    fn xml_escapes_markup_and_shows_control_characters() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1b}[31mred\u{1b}[0m\u{1b}]0;title\u{7}\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;red^[]0;title^G&#10;"
        );
        assert_eq!(
            escape_text("nul \0 c1 \u{9b} bidi \u{202e} non-characters \u{fffe}\u{ffff}\r\n\tend"),
            "nul ^@ c1 &lt;U+009B&gt; bidi &lt;U+202E&gt; non-characters &lt;U+FFFE&gt;&lt;U+FFFF&gt;\n\tend"
        );
    }

    #[test]
    fn xml_text_cannot_be_read_as_a_workflow_command() {
        assert_eq!(
            escape_text("::error::fake\n  ::add-mask::x\nok: a::b ##[error]y"),
            "&#58;:error::fake\n  &#58;:add-mask::x\nok: a::b ##&#91;error]y"
        );
    }

    #[test]
    fn json_shows_no_control_and_no_workflow_command() {
        let raw = "{\"a\": \"del \u{7f} c1 \u{9b} bidi \u{2067} ##[error]x ###[y # [\"}";
        let shown = json_inert(raw);
        assert_eq!(
            shown,
            "{\"a\": \"del \\u007f c1 \\u009b bidi \\u2067 #\\u0023[error]x ##\\u0023[y # [\"}"
        );
        let value: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(value["a"], raw[7..raw.len() - 2], "the same text, escaped");
    }

    #[test]
    fn human_text_for_actions_commands_nothing_and_reads_the_same() {
        assert_eq!(
            inert_for_actions(
                "::error::a\n\t ::set-output name=x::y\nkeep a::b and :: here\n##[group]z ###[w"
            ),
            "\\::error::a\n\t \\::set-output name=x::y\nkeep a::b and :: here\n##\\[group]z ###\\[w"
        );
    }

    #[test]
    fn annotations_escape_their_properties_and_message() {
        let mut failing = TestCase::rule("sum", Some("50% wrong:\nleft: 2".to_string()), Some(7));
        failing.status = Status::Fail;
        let lines = github_annotations(&[result(Status::Fail, vec![failing])]);
        assert_eq!(
            lines,
            [
                "::error file=exercises/01_basics/adds.rs,line=7,title=adds%3A sum::50%25 wrong:%0Aleft: 2"
            ]
        );
    }

    #[test]
    fn annotations_carry_no_control_character() {
        let message = "left: \u{1b}]0;PWNED\u{7}\rfake line\u{9b}";
        let mut failing = TestCase::rule("sum", Some(message.to_string()), None);
        failing.status = Status::Fail;
        let lines = github_annotations(&[result(Status::Fail, vec![failing])]);
        assert_eq!(
            lines,
            [
                "::error file=exercises/01_basics/adds.rs,title=adds%3A sum::left: ^[]0;PWNED^G^Mfake line<U+009B>"
            ]
        );
    }

    #[test]
    fn the_batch_status_is_error_only_when_nothing_ran() {
        let error = result(Status::Error, vec![]);
        let pass = result(Status::Pass, vec![]);
        assert_eq!(overall(&[error.clone(), error.clone()]), Status::Error);
        assert_eq!(overall(&[error, pass.clone()]), Status::Fail);
        assert_eq!(overall(&[pass]), Status::Pass);
    }
}
