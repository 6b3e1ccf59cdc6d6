//! The learner's terminal: left as it was found however watch mode ends, redrawn on resize,
//! scrollback kept, colour only when wanted, readable when narrow.

use crate::common::pty::{Start, Watch};
use crate::common::{Ex, FAILS, PASSES, TestCourse};

fn course() -> TestCourse {
    TestCourse::new(&[Ex::new("first", FAILS), Ex::new("second", FAILS)])
}

/// Starts watch mode (debug builds panic on `p`), ends it with `end`, and checks that the
/// terminal is back in line mode with its cursor shown. Returns how backlings exited.
fn ended_by(end: impl FnOnce(&TestCourse, &mut Watch)) -> (std::process::ExitStatus, Watch) {
    let course = course();
    let mut watch = Watch::start_with(
        &course,
        Start {
            env: vec![
                ("NO_COLOR", "1".to_string()),
                ("BACKLINGS_PANIC_KEY", "p".to_string()),
            ],
            ..Start::default()
        },
    );
    watch.expect("first: 1 of 1 tests fail");
    assert!(!watch.terminal_is_cooked(), "watch mode reads single keys");
    assert!(watch.cursor_hidden());

    end(&course, &mut watch);
    let status = watch.expect_exit();
    assert!(watch.terminal_is_cooked(), "the terminal is restored");
    assert!(!watch.cursor_hidden(), "the cursor is shown again");
    (status, watch)
}

#[test]
fn q_restores_the_terminal() {
    let (status, _) = ended_by(|_, watch| watch.press("q"));
    assert_eq!(status.code(), Some(0));
}

#[test]
fn ctrl_c_restores_the_terminal() {
    let (status, _) = ended_by(|_, watch| watch.press("\x03"));
    assert_eq!(status.code(), Some(0));
}

#[test]
fn sigterm_restores_the_terminal() {
    let (status, _) = ended_by(|_, watch| watch.signal(libc::SIGTERM));
    assert_eq!(status.code(), Some(128 + libc::SIGTERM));
}

#[test]
fn sighup_and_sigquit_restore_the_terminal() {
    for signal in [libc::SIGHUP, libc::SIGQUIT] {
        let (status, _) = ended_by(|_, watch| watch.signal(signal));
        assert_eq!(status.code(), Some(128 + signal));
    }
}

#[test]
fn an_error_that_ends_watch_mode_restores_the_terminal_and_is_readable() {
    // Progress cannot be recorded once .backlings is a file: solving the exercise ends watch
    // mode with that error.
    let (status, mut watch) = ended_by(|course, watch| {
        std::fs::remove_dir_all(course.file(".backlings")).unwrap();
        course.write(".backlings", "not a directory");
        course.write(&TestCourse::exercise("first"), PASSES);
        watch.expect_exit();
    });
    assert_eq!(status.code(), Some(3));
    watch.expect("error: could not");
}

#[test]
fn a_panic_restores_the_terminal_and_its_message_is_readable() {
    let (status, mut watch) = ended_by(|_, watch| watch.press("p"));
    assert_eq!(status.code(), Some(4));
    watch.expect("BACKLINGS_PANIC_KEY=p was pressed");
}

#[test]
fn a_resize_redraws_the_screen_for_the_new_width() {
    let course = course();
    let mut watch = Watch::start(&course);
    // The bar takes the room the width leaves, up to 60 columns.
    let progress_bar_of = |columns: usize| {
        move |frame: &str| {
            frame.lines().any(|line| {
                line.starts_with("Progress: [") && line.ends_with("] 0/2") && line.len() == columns
            })
        }
    };
    watch.expect_where("a progress bar 76 columns wide", progress_bar_of(76));
    watch.resize(40, 30);
    watch.expect_where("a progress bar 39 columns wide", progress_bar_of(39));
}

#[test]
fn a_narrow_terminal_splits_no_word() {
    let course = TestCourse::new(&[
        Ex::new("first", FAILS),
        Ex::new("a_longer_exercise_name", FAILS),
        Ex::new("an_exercise_with_a_very_long_name", FAILS),
    ]);
    let mut watch = Watch::start_with(
        &course,
        Start {
            size: (40, 40),
            ..Start::default()
        },
    );
    watch.expect("first: 1 of 1 tests fail");
    watch.press("h");
    watch.expect_where("the hint, down to the keys", |frame| {
        frame.contains("Hint for first") && frame.contains("q:quit")
    });
    let rows = watch.rows();
    for i in 0..rows.len() {
        assert!(
            !watch.row_wrapped(i as u16),
            "row {i} runs on into the next:\n{}",
            rows.join("\n")
        );
    }
    for words in [
        "c:check all",
        "Welcome to the test course",
        "Hint for first",
    ] {
        assert!(
            rows.iter().any(|row| row.contains(words)),
            "{words:?} on one row:\n{}",
            rows.join("\n")
        );
    }

    // The list drops its chapter column rather than wrapping rows.
    watch.press("l");
    watch.expect("Enter: go to exercise");
    let rows = watch.rows();
    for row in [
        "    2 a_longer_exercise_name pending",
        "    3 an_exercise_with_a_very_l… pending",
    ] {
        assert!(
            rows.iter().any(|r| r.trim_end() == row),
            "{row:?} in\n{}",
            rows.join("\n")
        );
    }
    assert!(
        (0..rows.len()).all(|i| !watch.row_wrapped(i as u16)),
        "{}",
        rows.join("\n")
    );
}

#[test]
fn the_screen_is_cleared_but_the_scrollback_is_kept() {
    let course = course();
    let mut watch = Watch::start_with(
        &course,
        Start {
            shell: Some("echo 'what the learner did before'; exec {}"),
            ..Start::default()
        },
    );
    watch.expect("first: 1 of 1 tests fail");
    assert!(
        watch.scrollback().contains("what the learner did before"),
        "{}",
        watch.scrollback()
    );
    let raw = watch.raw();
    for (sequence, what) in [
        (&b"\x1b[3J"[..], "purge the scrollback"),
        (b"\x1b[?1049h", "switch to the alternate screen"),
    ] {
        assert!(
            !raw.windows(sequence.len()).any(|w| w == sequence),
            "backlings must not {what}"
        );
    }
}

/// Whether `raw` sets a colour or another text attribute (SGR: `ESC [ … m`).
fn styled(raw: &[u8]) -> bool {
    raw.windows(2).enumerate().any(|(i, w)| {
        w == b"\x1b["
            && raw[i + 2..]
                .iter()
                .find(|b| !(b.is_ascii_digit() || **b == b';'))
                .is_some_and(|&end| end == b'm')
    })
}

#[test]
fn no_color_turns_styles_off() {
    let course = course();
    let mut watch = Watch::start(&course);
    watch.expect("first: 1 of 1 tests fail");
    assert!(!styled(&watch.raw()));
    watch.press("q");
    watch.expect_exit();

    let mut colourful = Watch::start_with(
        &course,
        Start {
            env: vec![],
            ..Start::default()
        },
    );
    colourful.expect("first: 1 of 1 tests fail");
    assert!(styled(&colourful.raw()), "without NO_COLOR there is colour");
}
