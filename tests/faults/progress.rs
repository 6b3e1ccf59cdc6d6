//! Progress is never lost: any number of backlings processes on one course record what each
//! learned without undoing what another recorded.

use std::process::{Command, Stdio};

use crate::common::pty::Watch;
use crate::common::{Ex, FAILS, PASSES, TestCourse, stderr, stdout};

/// The names `.backlings/state.toml` lists as done.
fn done(course: &TestCourse) -> Vec<String> {
    let text = course.read(".backlings/state.toml");
    let table: toml::Table = text.parse().expect("the state file is TOML");
    table["done"]
        .as_array()
        .expect("a done list")
        .iter()
        .map(|name| name.as_str().unwrap().to_string())
        .collect()
}

/// Exercises checked at once, each by a process of its own. (Each name once per round: two
/// processes checking the same exercise at once is a matter of the check, not of progress.)
const RACERS: [&str; 4] = ["a", "b", "c", "d"];

#[test]
fn runs_racing_on_one_course_keep_every_exercise_they_found_done() {
    let exercises: Vec<Ex> = RACERS.iter().map(|name| Ex::new(name, PASSES)).collect();
    let course = TestCourse::new(&exercises);
    // Built once, so that the racing runs spend their time checking, not waiting for cargo.
    course.backlings(&["verify"]).assert().success();
    for round in 0..5 {
        std::fs::remove_file(course.file(".backlings/state.toml")).unwrap();
        let runs: Vec<_> = RACERS
            .iter()
            .map(|name| {
                Command::new(env!("CARGO_BIN_EXE_backlings"))
                    .current_dir(course.path())
                    .args(["run", name])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("backlings starts")
            })
            .collect();
        for run in runs {
            let output = run.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "round {round}: {}{}",
                stdout(&output),
                stderr(&output)
            );
        }
        assert_eq!(done(&course), RACERS, "round {round}");
    }
}

#[test]
fn watch_mode_keeps_what_a_run_in_another_terminal_recorded() {
    let course = TestCourse::new(&[Ex::new("first", FAILS), Ex::new("second", FAILS)]);
    let mut watch = Watch::start(&course);
    watch.expect("first: 1 of 1 tests fail");

    // In another terminal, the learner solves the second exercise.
    course.write(&TestCourse::exercise("second"), PASSES);
    course.backlings(&["run", "second"]).assert().success();
    assert_eq!(done(&course), ["second"]);

    // Watch mode's next save of progress keeps it, and shows it.
    course.write(&TestCourse::exercise("first"), PASSES);
    let frame = watch.expect("first is done!");
    assert!(frame.contains("] 2/2"), "both count:\n{frame}");
    watch.press("q");
    assert!(watch.expect_exit().success());
    assert_eq!(done(&course), ["first", "second"]);
}
