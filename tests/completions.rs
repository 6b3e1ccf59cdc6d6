//! `backlings completions SHELL`: shell completion of commands, options and, for `run`, `hint`
//! and `reset`, the exercise names of the course the learner is in.

mod common;

use std::process::Command as StdCommand;

use common::{Ex, PASSES, TestCourse, assert_inert, stdout};

/// What backlings offers for the last word of `words` (a command line being typed), asked the
/// way fish's completion script asks it: one candidate a line, a tab before its help.
fn candidates(course: &TestCourse, words: &[&str]) -> Vec<String> {
    let mut args = vec!["--", "backlings"];
    args.extend(words);
    let output = course
        .backlings(&args)
        .env("BACKLINGS_COMPLETE", "fish")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", common::stderr(&output));
    assert_inert(&output.stdout, false);
    let text = stdout(&output);
    text.lines()
        .map(|line| line.split('\t').next().unwrap_or_default().to_string())
        .collect()
}

fn course() -> TestCourse {
    TestCourse::new(&[
        Ex::new("first", PASSES),
        Ex::new("second", PASSES),
        Ex::new("fifth", PASSES),
    ])
}

#[test]
fn a_completion_script_is_written_for_every_shell() {
    let course = course();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = course.backlings(&["completions", shell]).output().unwrap();
        assert!(
            output.status.success(),
            "{shell}: {}",
            common::stderr(&output)
        );
        assert_inert(&output.stdout, false);
        let script = stdout(&output);
        assert!(script.contains("BACKLINGS_COMPLETE"), "{shell}: {script}");
        assert!(script.contains("backlings"), "{shell}: {script}");
    }
    course.backlings(&["completions", "tcsh"]).assert().code(2);
}

#[test]
fn run_hint_and_reset_complete_the_exercise_names_of_the_course_here() {
    let course = course();
    for command in ["run", "hint", "reset"] {
        assert_eq!(
            candidates(&course, &[command, "f"]),
            ["first", "fifth"],
            "{command}"
        );
    }
    assert_eq!(candidates(&course, &["run", "s"]), ["second"]);
}

#[test]
fn commands_complete_too() {
    let course = course();
    let offered = candidates(&course, &["ver"]);
    assert_eq!(offered, ["verify"]);
}

#[test]
fn a_course_that_does_not_load_offers_no_names_and_nothing_it_holds() {
    let course = course();
    let info = course.read("info.toml");
    course.write(
        "info.toml",
        &info.replace("name = \"fifth\"", "name = \"f\\u001b]0;PWNED\\u0007\""),
    );
    assert_eq!(candidates(&course, &["run", "f"]), Vec::<String>::new());
    let nowhere = TestCourse::empty();
    assert_eq!(candidates(&nowhere, &["hint", ""]), ["--more", "--help"]);
}

/// The bash script in a real bash: what pressing Tab after `backlings hint fi` offers.
#[test]
fn bash_completes_exercise_names_through_the_script() {
    let course = course();
    let backlings = assert_cmd::cargo::cargo_bin("backlings");
    let bin_dir = backlings.parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = StdCommand::new("bash")
        .current_dir(course.path())
        .env("PATH", path)
        .args([
            "-c",
            "source <(backlings completions bash) && COMP_WORDS=(backlings hint fi) && \
             COMP_CWORD=2 && _clap_complete_backlings backlings fi && \
             printf '%s\\n' \"${COMPREPLY[@]}\"",
        ])
        .output()
        .expect("bash is installed");
    assert!(output.status.success(), "{}", common::stderr(&output));
    assert_eq!(stdout(&output), "first\nfifth\n");
}
