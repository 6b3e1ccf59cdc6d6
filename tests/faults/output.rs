//! Output is inert: whatever a test, a program or a course file holds reaches the terminal
//! with its control characters shown (`^[`, `^G`, `<U+009B>`), never acted on. A test that
//! prints a new window title, the alternate screen and a terminal reset leaves the learner's
//! terminal as it was, in `run` and in watch mode.

use std::process::{Command, Stdio};

use crate::common::pty::{Start, Watch, eventually};
use crate::common::{
    BYTES_SHOWN, Ex, FAILS, PASSES, PROGRAM_PRINTS_BYTES, PROGRAM_PRINTS_TAKEOVER, TAKEOVER,
    TAKEOVER_SHOWN, TEST_PRINTS_TAKEOVER, TestCourse, assert_inert, stdout,
};

/// A course of one exercise, `hostile`, with `source` and `extra` info.toml lines.
fn hostile(source: &str, extra: &str) -> TestCourse {
    TestCourse::new(&[Ex::new("hostile", source).extra(extra)])
}

/// What `backlings run` showed of a `hostile` exercise with `source` and `extra`: checked to
/// end with `code` and to hold no control sequence.
fn run_shown(source: &str, extra: &str, code: i32) -> String {
    let course = hostile(source, extra);
    let output = course.backlings(&["run", "hostile"]).output().unwrap();
    assert_eq!(output.status.code(), Some(code));
    assert_inert(&output.stdout, false);
    stdout(&output)
}

#[test]
fn a_failing_tests_escape_sequences_are_shown_not_obeyed_by_run() {
    let shown = run_shown(TEST_PRINTS_TAKEOVER, "", 1);
    assert!(
        shown.contains(&format!("before{TAKEOVER_SHOWN}after")),
        "{shown}"
    );
    assert!(shown.contains("the sum is wrong"), "{shown}");
}

#[test]
fn a_programs_escape_sequences_are_shown_not_obeyed_by_run() {
    // It exits 0: done.
    let shown = run_shown(PROGRAM_PRINTS_TAKEOVER, "test = false", 0);
    assert!(
        shown.contains(&format!("before{TAKEOVER_SHOWN}after")),
        "{shown}"
    );
    assert!(shown.contains("hostile is done!"), "{shown}");
}

#[test]
fn raw_bytes_a_program_writes_are_shown_visibly() {
    let shown = run_shown(PROGRAM_PRINTS_BYTES, "test = false", 1);
    assert!(shown.contains(BYTES_SHOWN), "{shown}");
}

#[test]
fn course_texts_are_shown_inert() {
    // TOML's \u escapes put any control character into a hint or a message.
    let course = TestCourse::new(&[Ex::new("hostile", PASSES)
        .extra("hint = \"see \\u001b]0;PWNED\\u0007 here\"\nspec = [\"https://x\\u001b[2J\"]")]);
    let info = course
        .read("info.toml")
        .replace("hint = \"Hint for hostile\"\n", "")
        .replace(
            "final_message = \"All done, congratulations\"",
            "final_message = \"All done\\u001b[?1049h\"",
        );
    course.write("info.toml", &info);

    let hint = course.backlings(&["hint", "hostile"]).output().unwrap();
    assert_inert(&hint.stdout, false);
    let shown = stdout(&hint);
    assert!(shown.contains("see ^[]0;PWNED^G here"), "{shown}");
    assert!(shown.contains("https://x^[[2J"), "{shown}");

    let run = course.backlings(&["run", "hostile"]).output().unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert_inert(&run.stdout, false);
    assert!(
        stdout(&run).contains("All done^[[?1049h"),
        "{}",
        stdout(&run)
    );
}

#[test]
fn stray_file_names_are_shown_inert_by_dev_check() {
    let course = TestCourse::new(&[Ex::new("first", FAILS)]);
    course.write(&format!("exercises/01_basics/x{TAKEOVER}.rs"), "");
    let output = course.backlings(&["dev", "check"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_inert(&output.stdout, false);
    let shown = stdout(&output);
    assert!(
        shown.contains(&format!(
            "stray file exercises/01_basics/x{TAKEOVER_SHOWN}.rs"
        )),
        "{shown}"
    );
}

#[test]
fn dev_check_verbose_shows_a_failing_solutions_output_inert() {
    let course = TestCourse::new(&[Ex::new("first", FAILS).solution(Some(TEST_PRINTS_TAKEOVER))]);
    let output = course
        .backlings(&["dev", "check", "--verbose"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_inert(&output.stdout, false);
    let shown = stdout(&output);
    assert!(
        shown.contains(&format!("before{TAKEOVER_SHOWN}after")),
        "{shown}"
    );
}

/// A test that says it has started (the file `started`), then waits to be killed.
const STARTS_THEN_WAITS: &str = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn waits() {\n        std::fs::write(\"started\", \"\").unwrap();\n        loop {\n            std::thread::park();\n        }\n    }\n}\n";

/// Only watch mode touches the terminal: a signal that ends `verify --format json` leaves
/// no escape sequence (such as "show the cursor") in the document it was writing.
#[test]
fn a_signal_leaves_no_escape_sequence_in_redirected_output() {
    let course = hostile(STARTS_THEN_WAITS, "");
    let verify = Command::new(assert_cmd::cargo::cargo_bin("backlings"))
        .current_dir(course.path())
        .args(["verify", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    eventually(
        || course.file("started").exists(),
        || "the test to start".to_string(),
    );
    // SAFETY: kill has no memory-safety preconditions.
    unsafe {
        libc::kill(verify.id() as libc::pid_t, libc::SIGTERM);
    }
    let output = verify.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(128 + libc::SIGTERM));
    assert!(
        !output.stdout.contains(&0x1b),
        "{:?}",
        String::from_utf8_lossy(&output.stdout)
    );
}

/// The learner's setting: colour on, watch mode, a test that prints the takeover. The
/// screen shows it visibly; after `q` the terminal has its old title, its main screen, line
/// mode and a cursor.
#[test]
fn watch_mode_shows_the_takeover_and_leaves_the_terminal_as_it_was() {
    let course = hostile(TEST_PRINTS_TAKEOVER, "");
    let mut watch = Watch::start_with(
        &course,
        Start {
            env: vec![],
            ..Start::default()
        },
    );
    watch.expect(&format!("before{TAKEOVER_SHOWN}after"));
    watch.expect("hostile: 1 of 1 tests fail");
    assert!(!watch.on_alternate_screen());
    watch.press("q");
    watch.expect_exit();

    assert_eq!(watch.window_title(), None, "the title was never set");
    assert!(!watch.on_alternate_screen());
    assert!(watch.terminal_is_cooked());
    assert!(!watch.cursor_hidden());
    let raw = watch.raw();
    for (sequence, what) in [
        (&b"\x1b]0;"[..], "set the title"),
        (b"\x1b[?1049h", "switch to the alternate screen"),
        (b"\x1bc", "reset the terminal"),
    ] {
        assert!(
            !raw.windows(sequence.len()).any(|w| w == sequence),
            "the test's output must not {what}"
        );
    }
    assert_inert(&raw_without_backlings_own_sequences(&raw), true);
}

/// What watch mode wrote, less the sequences backlings itself uses to draw: clearing the
/// screen, hiding and showing the cursor, its links (OSC 8), and raw mode's `\r\n`.
fn raw_without_backlings_own_sequences(raw: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw)
        .replace("\x1b[H\x1b[2J", "")
        .replace("\x1b[?25l", "")
        .replace("\x1b[?25h", "")
        .replace("\r\n", "\n");
    let mut kept = String::new();
    let mut rest = text.as_str();
    // OSC 8 links: ESC ] 8 ; ; target ESC \ … ESC ] 8 ; ; ESC \
    while let Some(start) = rest.find("\x1b]8;;") {
        kept.push_str(&rest[..start]);
        let end = rest[start..]
            .find("\x1b\\")
            .map_or(rest.len(), |i| start + i + 2);
        rest = &rest[end..];
    }
    kept.push_str(rest);
    kept.into_bytes()
}
