//! A check never stands in the learner's way: a save cancels it (with every process it
//! started), keys work while it runs, and another tool building in the course does not make
//! it wait.

use std::fs;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use crate::common::pty::{Watch, content_id, eventually};
use crate::common::{Ex, FAILS, PASSES, TestCourse};

/// An exercise whose test starts a long-lived child process, writes the child's pid to
/// `pid_file`, and never ends.
fn never_ends(pid_file: &Path) -> String {
    format!(
        "fn main() {{}}\n\n#[cfg(test)]\nmod tests {{\n    #[test]\n    fn waits() {{\n        \
         let child = std::process::Command::new(\"sleep\").arg(\"600\").spawn().unwrap();\n        \
         std::fs::write({:?}, child.id().to_string()).unwrap();\n        \
         loop {{\n            std::thread::park();\n        }}\n    }}\n}}\n",
        pid_file.display().to_string()
    )
}

/// A course whose first exercise's check never ends, given 10 minutes before it times out.
fn course_with_endless_check() -> (TestCourse, PathBuf, String) {
    let course = TestCourse::new(&[
        Ex::new("first", FAILS).extra("timeout = 600"),
        Ex::new("second", FAILS),
    ]);
    let pid_file = course.file("test-child.pid");
    let endless = never_ends(&pid_file);
    course.write(&TestCourse::exercise("first"), &endless);
    (course, pid_file, endless)
}

/// Waits until the endless test has started its child, and returns the child's pid.
fn child_started(pid_file: &Path) -> i32 {
    let read = || fs::read_to_string(pid_file).ok()?.trim().parse().ok();
    eventually(|| read().is_some(), || "the test to start its child".into());
    read().unwrap()
}

/// Whether `pid` still runs (a zombie waiting for its parent to reap it does not).
fn runs(pid: i32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit(')')
            .next()
            .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
    })
}

/// Waits until `pid` has ended.
fn assert_ends(pid: i32) {
    eventually(|| !runs(pid), || format!("process {pid} to end"));
}

#[test]
fn a_save_during_a_check_cancels_it_with_its_processes_and_checks_the_new_content() {
    let (course, pid_file, endless) = course_with_endless_check();
    let mut watch = Watch::start(&course);
    watch.expect("Checking first…");
    let child = child_started(&pid_file);

    fs::write(course.file(&TestCourse::exercise("first")), PASSES).unwrap();
    watch.expect("first is done!");
    assert_ends(child);
    let log = watch.log();
    assert!(
        log.contains(&format!("cancel first {}", content_id(&endless))),
        "{log:?}"
    );
    assert_eq!(
        watch.checks_of("first"),
        [content_id(&endless), content_id(PASSES)]
    );
}

#[test]
fn keys_work_while_a_check_runs_and_q_ends_it() {
    let (course, pid_file, _) = course_with_endless_check();
    let mut watch = Watch::start(&course);
    watch.expect("Checking first…");
    let child = child_started(&pid_file);

    watch.press("h");
    let frame = watch.expect("Hint for first");
    assert!(frame.contains("Checking first…"), "{frame}");
    watch.press("q");
    assert!(watch.expect_exit().success());
    assert_ends(child);
    assert!(watch.terminal_is_cooked());
}

#[test]
fn another_build_in_the_course_does_not_make_a_check_wait() {
    // rust-analyzer (or the learner's own cargo) building in the default target directory
    // holds its lock for as long as it builds: minutes when a course is first opened.
    let course = TestCourse::new(&[Ex::new("first", FAILS), Ex::new("second", FAILS)]);
    let lock_path = course.file("target/debug/.cargo-lock");
    fs::create_dir_all(lock_path.parent().unwrap()).unwrap();
    let lock = fs::File::create(&lock_path).unwrap();
    // SAFETY: flock on a file this test owns.
    assert_eq!(unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) }, 0);

    let mut watch = Watch::start(&course);
    watch.expect("first: 1 of 1 tests fail");
    fs::write(course.file(&TestCourse::exercise("first")), PASSES).unwrap();
    watch.expect("first is done!");
    drop(lock);
}
