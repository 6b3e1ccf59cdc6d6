//! Watch mode driven like a learner drives it, through a real pseudo-terminal: start, read the
//! verdict, fix and save, press keys, reach the end, restart.

mod common;

use common::{BROKEN, Ex, FAILS, PASSES, TestCourse};
use rexpect::reader::Options;
use rexpect::session::{PtySession, spawn_with_options};

/// Upper bound for anything to appear on screen; reached only when something is wrong.
const PATIENCE_MS: u64 = 60_000;

fn watch(course: &TestCourse) -> PtySession {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("backlings"));
    command.current_dir(course.path()).env("NO_COLOR", "1");
    spawn_with_options(
        command,
        Options::new()
            .timeout_ms(Some(PATIENCE_MS))
            .strip_ansi_escape_codes(true),
    )
    .expect("backlings starts in a pseudo-terminal")
}

/// Types `keys` (the session's writer is line-buffered: flush, or a lone key never leaves).
fn press(screen: &mut PtySession, keys: &str) {
    screen.send(keys).unwrap();
    screen.flush().unwrap();
}

#[test]
fn a_learner_goes_from_the_first_exercise_to_the_last_by_saving_fixes() {
    let course = TestCourse::new(&[Ex::new("first", FAILS), Ex::new("second", BROKEN)]);
    let mut screen = watch(&course);
    screen.exp_string("Welcome to the test course").unwrap();
    screen.exp_string("first: 1 of 1 tests fail").unwrap();

    press(&mut screen, "n");
    screen.exp_string("Finish this exercise first").unwrap();

    course.write(&TestCourse::exercise("first"), PASSES);
    screen.exp_string("first is done!").unwrap();
    screen.exp_string("Progress: [").unwrap();
    screen.exp_string("1/2").unwrap();

    press(&mut screen, "n");
    screen.exp_string("second does not compile yet").unwrap();
    press(&mut screen, "h");
    screen.exp_string("Hint for second").unwrap();

    course.write(&TestCourse::exercise("second"), PASSES);
    screen.exp_string("second is done!").unwrap();
    press(&mut screen, "n");
    screen.exp_string("All done, congratulations").unwrap();
    press(&mut screen, "q");
    screen.exp_eof().unwrap();

    // Progress survived: the next start opens on the final screen.
    let mut screen = watch(&course);
    screen.exp_string("All exercises done!").unwrap();
    press(&mut screen, "q");
    screen.exp_eof().unwrap();
}

#[test]
fn list_jumps_and_reset_restores_with_a_backup() {
    let course = TestCourse::new(&[Ex::new("first", FAILS), Ex::new("second", BROKEN)]);
    course.git_commit_all("shipped");
    let mut screen = watch(&course);
    screen.exp_string("first: 1 of 1 tests fail").unwrap();

    press(&mut screen, "c");
    screen
        .exp_string("Checked all exercises: 0 of 2 done.")
        .unwrap();

    press(&mut screen, "l");
    screen.exp_string("Enter: go to exercise").unwrap();
    press(&mut screen, "j");
    press(&mut screen, "\r");
    screen.exp_string("second does not compile yet").unwrap();

    course.write(
        &TestCourse::exercise("second"),
        "fn main() {} // my attempt\n",
    );
    screen.exp_string("second is done!").unwrap();
    press(&mut screen, "x");
    screen.exp_string("(y/n)").unwrap();
    press(&mut screen, "y");
    screen
        .exp_string("Your version is saved as .backlings/backups/second.1.rs")
        .unwrap();
    screen.exp_string("second does not compile yet").unwrap();
    press(&mut screen, "q");
    screen.exp_eof().unwrap();
    assert_eq!(
        course.read(".backlings/backups/second.1.rs"),
        "fn main() {} // my attempt\n"
    );
    assert_eq!(course.read(&TestCourse::exercise("second")), BROKEN);
}
