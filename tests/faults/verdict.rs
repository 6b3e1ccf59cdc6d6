//! A verdict nobody can fake: it is about the bytes on disk, and a test run passes only when the
//! test harness accounted for every test of the file.

use std::process::Command;
use std::time::{Duration, SystemTime};

use predicates::prelude::*;

use crate::common::{BROKEN, Ex, FAILS, PASSES, TestCourse, stdout};

/// An exercise whose code under test ends the process with `exit_code` before any test can
/// fail, while another test asserts `1 == 2`.
fn exits_mid_run(exit_code: i32) -> String {
    format!(
        "fn status() -> u32 {{\n    std::process::exit({exit_code})\n}}\n\nfn main() {{}}\n\n\
         #[cfg(test)]\nmod tests {{\n    use super::*;\n\n    #[test]\n    fn a_status() {{\n        \
         assert_eq!(status(), 1);\n    }}\n\n    #[test]\n    fn b_impossible() {{\n        \
         assert_eq!(1, 2);\n    }}\n}}\n"
    )
}

#[test]
fn exiting_with_code_0_before_the_tests_report_is_not_a_pass() {
    let course = TestCourse::new(&[Ex::new("cheat", &exits_mid_run(0))]);
    course
        .backlings(&["run", "cheat"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "the tests stopped before reporting: the code under test exited with code 0",
        ));
    course
        .backlings(&["verify"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("0 passed, 1 failed"));
}

#[test]
fn an_abort_is_a_failure_that_names_its_signal() {
    let aborts = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn aborts() {\n        std::process::abort();\n    }\n}\n";
    let course = TestCourse::new(&[Ex::new("aborts", aborts)]);
    course
        .backlings(&["run", "aborts"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("killed by signal 6 (SIGABRT)"));
}

#[test]
fn a_harness_that_reports_nothing_is_a_failure() {
    // Code that runs before main, as a static constructor, ends the process before libtest
    // prints a word.
    let silent = "#[used]\n#[unsafe(link_section = \".init_array\")]\nstatic EXIT_EARLY: extern \"C\" fn() = {\n    \
                  extern \"C\" fn exit_early() {\n        std::process::exit(0);\n    }\n    exit_early\n};\n\n\
                  fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn never_runs() {\n        \
                  assert_eq!(1, 2);\n    }\n}\n";
    let course = TestCourse::new(&[Ex::new("silent", silent)]);
    course
        .backlings(&["run", "silent"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "the test harness reported nothing: the code under test exited with code 0",
        ));
}

#[test]
fn fewer_tests_than_the_file_declares_is_not_a_pass() {
    // A test hidden behind a cfg that is never set still counts as declared.
    let hidden = PASSES.replace("    #[test]\n    fn adds", "    #[test]\n    fn hidden_but_declared() {}\n\n    #[cfg(any())]\n    #[test]\n    fn never() {}\n\n    #[test]\n    fn adds");
    let course = TestCourse::new(&[Ex::new("hidden", &hidden)]);
    course
        .backlings(&["run", "hidden"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "the file declares 3 tests, but the test harness accounted for only 2",
        ));
}

#[test]
fn a_memory_hog_is_stopped_at_the_courses_limit() {
    let hog = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn hogs() {\n        \
               let mut kept = Vec::new();\n        loop {\n            kept.push(vec![1u8; 1 << 20]);\n        }\n    }\n}\n";
    let course = TestCourse::new(&[Ex::new("hog", hog).extra("memory_mb = 64")]);
    course
        .backlings(&["run", "hog"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "hog used more than 64 MiB of memory and was stopped",
        ));
}

#[test]
fn a_print_flood_held_by_the_test_harness_is_stopped_at_the_limit() {
    // libtest keeps a test's prints in memory until the test ends.
    let flood = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn floods() {\n        \
                 loop {\n            println!(\"spam spam spam spam spam spam spam spam spam spam\");\n        }\n    }\n}\n";
    let course = TestCourse::new(&[Ex::new("flood", flood).extra("memory_mb = 64")]);
    course
        .backlings(&["run", "flood"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("used more than 64 MiB of memory"));
}

/// Sets the modification time of the course file `relative` to a day ago: older than any
/// build, as a restored backup, `cp -p`, `rsync -a` or an unpacked archive leaves it.
fn backdate(course: &TestCourse, relative: &str) {
    let file = std::fs::File::options()
        .write(true)
        .open(course.file(relative))
        .unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(86_400))
        .unwrap();
}

#[test]
fn a_file_put_back_with_an_old_modification_time_is_checked_again() {
    let course = TestCourse::new(&[Ex::new("restored", FAILS)]);
    let exercise = TestCourse::exercise("restored");
    course.write(&exercise, PASSES);
    course.backlings(&["verify"]).assert().success();

    // `mv ex.bak ex.rs`: the shipped, failing content is back, dated before the last build.
    course.write(&exercise, FAILS);
    backdate(&course, &exercise);
    course
        .backlings(&["verify"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("0 passed, 1 failed"));
    course
        .backlings(&["run", "restored"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("the sum is wrong"));
    course.backlings(&["dev", "check"]).assert().success();
}

#[test]
fn a_solution_put_back_with_an_old_modification_time_is_judged_as_it_is() {
    let course = TestCourse::new(&[Ex::new("shipped", FAILS)]);
    course.backlings(&["dev", "check"]).assert().success();
    // The shipped exercise is replaced by a copy of the solution, dated in the past: it now
    // passes as shipped, and dev check must say so.
    let exercise = TestCourse::exercise("shipped");
    course.write(&exercise, PASSES);
    backdate(&course, &exercise);
    let output = course.backlings(&["dev", "check"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("passes as shipped"),
        "{}",
        stdout(&output)
    );
}

/// A course laid out like this repository: a workspace whose member `course/` builds the
/// exercises from `../exercises/…`, so cargo records them by absolute path. Its exercise does
/// not compile, so backlings remembers that failure in the build directory.
fn workspace_course() -> TestCourse {
    let course = TestCourse::new(&[Ex::new("copied", BROKEN)]);
    let manifest = course
        .read("Cargo.toml")
        .replace("exercises/", "../exercises/")
        .replace("solutions/", "../solutions/");
    std::fs::remove_file(course.file("Cargo.toml")).unwrap();
    course.write("course/Cargo.toml", &manifest);
    course.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"course\"]\nresolver = \"3\"\n",
    );
    course
}

#[test]
fn a_course_copied_with_its_build_directory_checks_its_own_files() {
    let original = workspace_course();
    original.backlings(&["run", "copied"]).assert().code(1);

    let copy = TestCourse::empty();
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", original.path().display()))
        .arg(copy.path())
        .status()
        .unwrap();
    assert!(status.success());
    copy.write(&TestCourse::exercise("copied"), PASSES);
    copy.backlings(&["run", "copied"]).assert().success();
    // The original was neither read nor written by the copy's checks.
    original
        .backlings(&["run", "copied"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("does not compile"));
}

#[test]
fn checks_of_one_exercise_racing_each_other_all_get_its_verdict() {
    // Watch mode and `run` in another terminal may check one file at the same moment: each
    // must get the verdict, none "Text file busy" from the other's build.
    let course = TestCourse::new(&[Ex::new("raced", PASSES)]);
    for round in 0..3 {
        course.write(
            &TestCourse::exercise("raced"),
            &format!("{PASSES}// round {round}\n"),
        );
        let racers: Vec<std::process::Child> = (0..3)
            .map(|_| {
                std::process::Command::new(assert_cmd::cargo::cargo_bin("backlings"))
                    .current_dir(course.path())
                    .args(["run", "raced"])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for racer in racers {
            let output = racer.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "round {round}: {}{}",
                stdout(&output),
                crate::common::stderr(&output)
            );
        }
    }
}

#[test]
fn a_full_disk_is_no_verdict_on_the_code() {
    let course = TestCourse::new(&[Ex::new("full", FAILS)]);
    let exercise = TestCourse::exercise("full");
    course.write(&exercise, PASSES);
    course.backlings(&["run", "full"]).assert().success();
    // A tiny file system over the build directory, in a mount namespace of the check's own:
    // the next build runs out of space.
    let mounts = Command::new("unshare")
        .args(["-U", "-r", "-m", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !mounts {
        eprintln!("skipped: this kernel lets no user mount a file system");
        return;
    }
    course.write(&exercise, &format!("{PASSES}// edited\n"));
    let script = format!(
        "mount -t tmpfs -o size=64k tmpfs target && exec {} run full",
        assert_cmd::cargo::cargo_bin("backlings").display()
    );
    let output = Command::new("unshare")
        .args(["-U", "-r", "-m", "sh", "-c", &script])
        .current_dir(course.path())
        .output()
        .unwrap();
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        out.contains("full could not be built: the disk is full"),
        "{out}"
    );
    assert!(!out.contains("does not compile"), "{out}");
    course
        .backlings(&["list"])
        .assert()
        .stdout(predicate::str::is_match(r"(?m)full\s+done").unwrap());
}

#[test]
fn a_file_past_the_size_limit_stops_the_test() {
    let writer = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn writes() {\n        \
                  use std::io::Write;\n        let mut file = std::fs::File::create(\"big.bin\").unwrap();\n        \
                  let chunk = vec![0u8; 1 << 20];\n        for _ in 0..2 {\n            file.write_all(&chunk).unwrap();\n        }\n    }\n}\n";
    let course = TestCourse::new(&[Ex::new("big", writer).extra("file_size_mb = 1")]);
    course
        .backlings(&["run", "big"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "it wrote a file larger than 1 MiB, the limit for files",
        ));
    let written = std::fs::metadata(course.file("big.bin")).unwrap().len();
    assert!(written <= 1 << 20, "{written} bytes written");
}
