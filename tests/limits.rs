//! A check cannot hang, leave processes behind, or flood memory: the time limit kills the
//! whole process group, leftovers of a finished run are killed too, and output is capped.

mod common;

use common::{Ex, TestCourse, ends_soon, stdout};
use predicates::prelude::*;

/// A test that starts a long-running child (recording its pid) and then does `rest`.
fn spawns_child_then(rest: &str) -> String {
    format!(
        "fn main() {{}}\n\n#[cfg(test)]\nmod tests {{\n    #[test]\n    fn spawns() {{\n        \
         let child = std::process::Command::new(\"sleep\").arg(\"1000\").spawn().unwrap();\n        \
         std::fs::write(\"grandchild.pid\", child.id().to_string()).unwrap();\n        {rest}\n    }}\n}}\n"
    )
}

fn recorded_pid(course: &TestCourse) -> u32 {
    course.read("grandchild.pid").trim().parse().unwrap()
}

#[test]
fn a_test_past_its_time_limit_is_killed_with_its_children() {
    let course =
        TestCourse::new(&[Ex::new("spin", &spawns_child_then("loop {}")).extra("timeout = 1")]);
    course
        .backlings(&["run", "spin"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "spin timed out after 1 s (an infinite loop?)",
        ));
    let pid = recorded_pid(&course);
    assert!(
        ends_soon(pid),
        "the test's child {pid} survived the timeout"
    );
}

#[test]
fn children_left_behind_by_a_finished_run_are_killed() {
    let course = TestCourse::new(&[Ex::new("leaves", &spawns_child_then("assert!(true);"))]);
    course.backlings(&["run", "leaves"]).assert().success();
    let pid = recorded_pid(&course);
    assert!(ends_soon(pid), "the test's child {pid} outlived the check");
}

#[test]
fn a_print_loop_is_capped_and_killed() {
    let course = TestCourse::new(&[Ex::new(
        "chatty",
        "fn main() {\n    loop {\n        println!(\"spam spam spam spam spam spam spam spam\");\n    }\n}\n",
    )
    .extra("test = false\ntimeout = 1")]);
    let output = course.backlings(&["run", "chatty"]).output().unwrap();
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        out.contains("chatty timed out after 1 s"),
        "{}",
        &out[out.len() - 300..]
    );
    assert!(out.contains("bytes of output cut"), "the cut is announced");
    assert!(out.len() < 1_100_000, "kept {} bytes", out.len());
}

#[test]
fn failing_tests_that_print_a_lot_keep_the_head_and_the_tail() {
    let floods = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn floods() {\n        \
                  let line = \"x\".repeat(1023);\n        for _ in 0..4096 {\n            println!(\"{line}\");\n        }\n        \
                  panic!(\"the end of the flood\");\n    }\n}\n";
    let course = TestCourse::new(&[Ex::new("floods", floods)]);
    let summary = stdout(&course.backlings(&["run", "floods"]).output().unwrap());
    assert!(summary.contains("✗ floods failed at exercises/01_basics/floods.rs:"));
    assert!(summary.contains("the end of the flood"), "{summary}");
    let output = course
        .backlings(&["run", "--verbose", "floods"])
        .output()
        .unwrap();
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(out.contains("bytes of output cut"), "the cut is announced");
    assert!(
        out.contains("the end of the flood"),
        "the tail with the panic message is kept"
    );
    assert!(out.len() < 1_100_000, "kept {} bytes", out.len());
}

#[test]
fn a_signal_that_ends_backlings_ends_its_checks_too() {
    let course =
        TestCourse::new(&[Ex::new("spin", &spawns_child_then("loop {}")).extra("timeout = 600")]);
    let mut backlings = std::process::Command::new(assert_cmd::cargo::cargo_bin("backlings"))
        .current_dir(course.path())
        .args(["run", "spin"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The test writes its child's pid once it is running; wait for that, not for a time.
    let pid_file = course.file("grandchild.pid");
    while std::fs::read_to_string(&pid_file).map_or(true, |s| s.is_empty()) {
        assert!(
            backlings.try_wait().unwrap().is_none(),
            "backlings ended early"
        );
        std::thread::yield_now();
    }
    let pid = recorded_pid(&course);

    // SAFETY: kill has no memory-safety preconditions.
    unsafe { libc::kill(backlings.id() as libc::pid_t, libc::SIGTERM) };
    let status = backlings.wait().unwrap();
    assert_eq!(status.code(), Some(128 + libc::SIGTERM));
    assert!(ends_soon(pid), "the test's child {pid} survived backlings");
}
