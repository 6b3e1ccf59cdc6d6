//! A learner's way through a course: start, read the verdict, fix and save, move on, reach
//! the end, come back.

use crate::common::pty::Watch;
use crate::common::{BROKEN, Ex, FAILS, PASSES, TestCourse};

#[test]
fn a_learner_goes_from_the_first_exercise_to_the_last_by_saving_fixes() {
    let course = TestCourse::new(&[Ex::new("first", FAILS), Ex::new("second", BROKEN)]);
    let mut watch = Watch::start(&course);
    watch.expect("Welcome to the test course");
    watch.expect("first: 1 of 1 tests fail");

    watch.press("n");
    watch.expect("Finish this exercise first");

    course.write(&TestCourse::exercise("first"), PASSES);
    let frame = watch.expect("first is done!");
    assert!(frame.contains("] 1/2"), "progress counts it:\n{frame}");

    watch.press("n");
    watch.expect("second does not compile yet");
    watch.press("h");
    watch.expect("Hint for second");

    course.write(&TestCourse::exercise("second"), PASSES);
    watch.expect("second is done!");
    watch.press("n");
    watch.expect("All done, congratulations");
    watch.press("q");
    assert!(watch.expect_exit().success());

    // Progress survived: the next start opens on the final screen, not an error.
    let mut watch = Watch::start(&course);
    watch.expect("All exercises done!");
    watch.expect("All done, congratulations");
    watch.press("q");
    assert!(watch.expect_exit().success());
}

#[test]
fn h_shows_the_nudge_then_the_recipe_then_hides_the_hint() {
    let course =
        TestCourse::new(&[Ex::new("first", FAILS).extra("recipe = \"Step one, then step two.\"")]);
    let mut watch = Watch::start(&course);
    watch.expect("first: 1 of 1 tests fail");
    watch.press("h");
    let nudge = watch.expect_where("the nudge, and h offering the recipe", |frame| {
        frame.contains("Press h again for the recipe") && frame.contains("h:recipe")
    });
    assert!(nudge.contains("Hint for first"), "{nudge}");
    assert!(!nudge.contains("Step one"), "the recipe waits:\n{nudge}");

    watch.press("h");
    watch.expect_where("the recipe, and h hiding the hint", |frame| {
        frame.contains("Step one, then step two.") && frame.contains("h:hide hint")
    });

    watch.press("h");
    watch.expect_where("the hint hidden again", |frame| {
        !frame.contains("Hint for first") && frame.contains("h:hint")
    });
    watch.press("q");
    assert!(watch.expect_exit().success());
}

#[test]
fn list_jumps_and_reset_restores_with_a_backup() {
    let course = TestCourse::new(&[Ex::new("first", FAILS), Ex::new("second", BROKEN)]);
    course.git_commit_all("shipped");
    let mut watch = Watch::start(&course);
    watch.expect("first: 1 of 1 tests fail");

    watch.press("c");
    watch.expect("Checked all exercises: 0 of 2 done.");

    watch.press("l");
    watch.expect("Enter: go to exercise");
    watch.press("j");
    watch.press("\r");
    watch.expect("second does not compile yet");

    course.write(
        &TestCourse::exercise("second"),
        "fn main() {} // my attempt\n",
    );
    watch.expect("second is done!");
    watch.press("x");
    watch.expect("(y/n)");
    watch.press("y");
    watch.expect("Your version is saved as .backlings/backups/second.1.rs");
    watch.expect("second does not compile yet");
    watch.press("q");
    watch.expect_exit();
    assert_eq!(
        course.read(".backlings/backups/second.1.rs"),
        "fn main() {} // my attempt\n"
    );
    assert_eq!(course.read(&TestCourse::exercise("second")), BROKEN);
}

#[test]
fn a_rustlings_course_runs_unchanged_in_watch_mode() {
    let course = TestCourse::rustlings();
    let mut watch = Watch::start(&course);
    watch.expect("Welcome to these community Rustlings exercises.");
    watch.expect("greet: 1 of 1 tests fail");

    let solved = course.read("solutions/01_greet/greet.rs");
    course.write("exercises/01_greet/greet.rs", &solved);
    watch.expect("greet is done!");
    watch.press("n");
    watch.expect("compile_me does not compile yet");

    course.write(
        "exercises/compile_me.rs",
        &course.read("solutions/compile_me.rs"),
    );
    watch.expect("compile_me is done!");
    watch.press("n");
    watch.expect("We hope that you found the exercises helpful :D");
    watch.press("q");
    assert!(watch.expect_exit().success());
}
