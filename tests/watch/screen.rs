//! What the learner reads on watch mode's screen: failing tests in the order the file declares
//! them, fitted to a small terminal, with the full output a key away.

use crate::common::pty::{LEARNER_CONFIG, Start, Watch};
use crate::common::{Ex, FAILS, PASSES, TestCourse};

/// `count` failing tests named `t1`…, each printing a few lines first.
fn failing_tests(count: usize) -> String {
    let mut source = String::from("fn main() {}\n\n#[cfg(test)]\nmod tests {\n");
    for i in 1..=count {
        source.push_str(&format!(
            "    #[test]\n    fn t{i}() {{\n        println!(\"step one\\nstep two\\nstep three\");\n        \
             assert_eq!(vec![{i}, 2, 3], vec![1, 2, 4], \"test {i} is wrong\");\n    }}\n\n"
        ));
    }
    source.push_str("}\n");
    source
}

#[test]
fn the_first_failure_in_file_order_fits_a_24_row_screen_with_the_verdict_and_keys() {
    let course = TestCourse::new(&[Ex::new("first", &failing_tests(6))]);
    let mut watch = Watch::start_with(
        &course,
        Start {
            size: (80, 24),
            ..Start::default()
        },
    );
    // A whole frame, from the failure to the keys on its last line: the screen read later may
    // be in the middle of the next one.
    let frame = watch.expect_where("the verdict and the keys", |frame| {
        frame.contains("Press f for the full output.") && frame.contains("q:quit")
    });
    let rows: Vec<&str> = frame.lines().collect();
    let shown = frame.clone();
    assert!(
        rows.iter()
            .any(|row| row.starts_with("✗ t1 failed at exercises/01_basics/first.rs:8:9")),
        "the first failure is on screen, not scrolled off:\n{shown}"
    );
    for wanted in [
        "test 1 is wrong",
        "Also failing:",
        "✗ t2  exercises/",
        "… and 2 more",
    ] {
        assert!(shown.contains(wanted), "{wanted:?} on screen:\n{shown}");
    }
    assert!(!shown.contains("test 2 is wrong"), "{shown}");
    assert!(
        shown.contains("Current exercise:") && shown.contains("q:quit"),
        "{shown}"
    );
    assert!(frame.contains("6 of 6 tests fail"), "{frame}");

    watch.press("f");
    watch.expect("test result: FAILED. 0 passed; 6 failed");
    watch.press("f");
    watch.expect("Press f for the full output.");
}

/// Watch mode's environment with `EDITOR` as given: no colour, outside VS Code's terminal, and
/// no `VISUAL` to take precedence.
fn editor_env(editor: String) -> Vec<(&'static str, String)> {
    vec![
        ("NO_COLOR", "1".to_string()),
        ("TERM_PROGRAM", String::new()),
        ("VISUAL", String::new()),
        ("EDITOR", editor),
    ]
}

/// An editor for the tests: records whether the terminal was handed over (cooked, not raw)
/// and the arguments it got, then writes a passing version into the file (its last argument).
fn editor_script(course: &TestCourse) -> String {
    let script = course.file("fake-editor.sh");
    let passes = course.file("passes.rs");
    std::fs::write(&passes, PASSES).unwrap();
    let body = format!(
        "#!/bin/sh\nstty -a > {seen}.stty\nprintf '%s\\n' \"$@\" > {seen}.args\n\
         for last; do :; done\ncp {passes} \"$last\"\n",
        seen = course.file("editor").display(),
        passes = passes.display()
    );
    std::fs::write(&script, body).unwrap();
    let mut permissions = std::fs::metadata(&script).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&script, permissions).unwrap();
    script.display().to_string()
}

#[test]
fn e_opens_the_exercise_in_the_editor_with_the_terminal_handed_over_and_checks_the_save() {
    let course = TestCourse::new(&[Ex::new("first", FAILS), Ex::new("second", FAILS)]);
    let editor = editor_script(&course);
    let mut watch = Watch::start_with(
        &course,
        Start {
            env: editor_env(format!("{editor} --wait")),
            ..Start::default()
        },
    );
    watch.expect("1 of 1 tests fail");
    watch.press("e");
    // The whole frame: the verdict, and the keys back on its last line.
    watch.expect_where("the verdict with the keys", |frame| {
        frame.contains("first is done!") && frame.contains("e:edit")
    });
    let args = course.read("editor.args");
    assert_eq!(
        args,
        format!(
            "--wait\n{}\n",
            course.file("exercises/01_basics/first.rs").display()
        )
    );
    let stty = course.read("editor.stty");
    assert!(
        stty.contains(" icanon") && stty.contains(" echo"),
        "the editor got a cooked terminal:\n{stty}"
    );
}

#[test]
fn the_editor_setting_in_the_learners_config_comes_before_editor() {
    let course = TestCourse::new(&[Ex::new("first", FAILS)]);
    let editor = editor_script(&course);
    course.write(
        &format!("{LEARNER_CONFIG}/backlings/config.toml"),
        &format!("editor = \"{editor} --from-settings\"\n"),
    );
    let mut watch = Watch::start_with(
        &course,
        Start {
            env: editor_env("/nonexistent/editor".to_string()),
            ..Start::default()
        },
    );
    watch.expect("1 of 1 tests fail");
    watch.press("e");
    watch.expect("first is done!");
    assert!(course.read("editor.args").starts_with("--from-settings\n"));
}

#[test]
fn a_mistyped_setting_stops_watch_mode_with_its_place_in_the_file() {
    let course = TestCourse::new(&[Ex::new("first", FAILS)]);
    course.write(
        &format!("{LEARNER_CONFIG}/backlings/config.toml"),
        "edtior = \"vim\"\n",
    );
    let mut watch = Watch::start(&course);
    assert_eq!(watch.expect_exit().code(), Some(2));
    assert!(watch.shows("backlings/config.toml:1:1: unknown field `edtior`"));
}

#[test]
fn e_without_an_editor_says_how_to_set_one() {
    let course = TestCourse::new(&[Ex::new("first", FAILS)]);
    let mut watch = Watch::start_with(
        &course,
        Start {
            env: editor_env(String::new()),
            ..Start::default()
        },
    );
    watch.expect("1 of 1 tests fail");
    watch.press("e");
    watch.expect("No editor is set: set $VISUAL or $EDITOR");
}

#[test]
fn the_list_searches_by_name_and_resets_the_selected_exercise_after_asking() {
    let course = TestCourse::new(&[
        Ex::new("first", FAILS),
        Ex::new("second", FAILS),
        Ex::new("third", FAILS),
    ]);
    course.git_commit_all("course as shipped");
    let second = TestCourse::exercise("second");
    course.write(&second, "// my attempt\n");
    let mut watch = Watch::start(&course);
    watch.expect("1 of 1 tests fail");

    watch.press("l");
    watch.expect("/: search");
    watch.press("/sec");
    let screen = watch.expect("Search: sec_");
    assert!(
        screen.contains("second") && !screen.contains("first") && !screen.contains("third"),
        "{screen}"
    );
    watch.press("\r");
    watch.press("x");
    watch.expect("Reset second to the shipped version? Your version is kept as a backup. (y/n)");
    watch.press("y");
    watch.expect("Your version is saved as .backlings/backups/second.1.rs");
    assert_eq!(course.read(&second), FAILS);
}

#[test]
fn a_staged_exercise_shows_its_first_failing_stage_and_only_its_failures() {
    let staged = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    mod respond {\n        #[test]\n        fn ok() {\n            panic!(\"no 200 yet\");\n        }\n    }\n\n    mod routes {\n        #[test]\n        fn ok() {\n            panic!(\"no routes yet\");\n        }\n    }\n}\n";
    let stages = "stages = [{ title = \"respond with 200\", tests = \"respond\" }, { title = \"routes\", tests = \"routes\" }]";
    let course = TestCourse::new(&[Ex::new("server", staged).extra(stages)]);
    let mut watch = Watch::start(&course);
    let frame = watch.expect("stage 1 of 2, respond with 200: 1 test fails");
    assert!(frame.contains("no 200 yet"), "{frame}");
    assert!(
        !frame.contains("no routes yet"),
        "a later stage's failure: {frame}"
    );
}
