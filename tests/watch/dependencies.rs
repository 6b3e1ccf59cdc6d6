//! The course's dependencies build in the background: exercises that need none of them get
//! their verdict at once, an exercise that needs one waits with a progress bar, and quitting
//! stops the build.
//!
//! The dependency's build script blocks on a named pipe until the test opens it: the build
//! is "slow" for exactly as long as the test wants, with no clock involved.

use std::path::Path;
use std::process::Command;

use crate::common::pty::Watch;
use crate::common::{Ex, FAILS, PASSES, TestCourse, ends_soon, wait_for_pids};

/// A build script that records its pid, then waits until `gate` (a named pipe) is opened
/// for writing and closed.
const BLOCKING_BUILD_SCRIPT: &str = r#"
use std::io::Read;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let course = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../..");
    std::fs::write(course.join("build-script.pid"), format!("{}\n", std::process::id())).unwrap();
    let mut gate = std::fs::File::open(course.join("gate")).unwrap();
    gate.read_to_end(&mut Vec::new()).unwrap();
}
"#;

/// An exercise whose test needs the crate `slow`.
const USES_SLOW: &str = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn answers() {\n        assert_eq!(slow::answer(), 42);\n    }\n}\n";

/// A course whose first exercise needs no crate and whose second needs `slow`, which does
/// not finish building until [`open_gate`].
fn course_with_a_slow_dependency() -> TestCourse {
    let course = TestCourse::new(&[Ex::new("first", FAILS), Ex::new("second", USES_SLOW)]);
    course.depend_on(
        "slow",
        "pub fn answer() -> u8 {\n    42\n}\n",
        Some(BLOCKING_BUILD_SCRIPT),
    );
    let status = Command::new("mkfifo")
        .arg(course.file("gate"))
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo");
    course
}

/// Lets the blocked build script finish.
fn open_gate(course: &TestCourse) {
    drop(
        std::fs::OpenOptions::new()
            .write(true)
            .open(course.file("gate"))
            .unwrap(),
    );
}

fn build_script_pid(course: &TestCourse, watch: &Watch) -> u32 {
    let pid_file = course.file("build-script.pid");
    wait_for_pids(Path::new(&pid_file), 1, || watch_alive(watch))[0]
}

fn watch_alive(watch: &Watch) -> bool {
    crate::common::is_running(watch.pid())
}

#[test]
fn an_exercise_that_needs_no_crate_is_checked_while_the_dependencies_build() {
    let course = course_with_a_slow_dependency();
    let mut watch = Watch::start(&course);
    let build_script = build_script_pid(&course, &watch);
    watch.expect("first: 1 of 1 tests fail");
    assert!(
        crate::common::is_running(build_script),
        "the dependency build is still blocked"
    );

    std::fs::write(course.file(&TestCourse::exercise("first")), PASSES).unwrap();
    watch.expect("first is done!");
    watch.press("n");
    let frame = watch.expect("Waiting for slow");
    assert!(
        frame.contains(" units, "),
        "a progress bar with units: {frame}"
    );
    assert!(frame.contains(" elapsed"), "the time so far: {frame}");

    open_gate(&course);
    watch.expect("second is done!");
    watch.press("q");
    watch.expect_exit();
}

#[test]
fn quitting_stops_the_background_build() {
    let course = course_with_a_slow_dependency();
    let mut watch = Watch::start(&course);
    let build_script = build_script_pid(&course, &watch);
    watch.expect("first: 1 of 1 tests fail");
    watch.press("q");
    watch.expect_exit();
    assert!(
        ends_soon(build_script),
        "the build script of the background build was stopped"
    );
}
