//! Nothing a check starts outlives it, whatever the code under test does and however backlings
//! ends, and code under test runs with a grader's limits.

use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::common::pty::Watch;
use crate::common::{Ex, PASSES, TestCourse, ends_soon, wait_for_pids};

/// Test code that starts a daemon the way a server does (a new session, a double fork), writes
/// the daemon's pid and its own to `pids` (one per line), then does `rest`.
fn starts_a_daemon_then(pids: &Path, rest: &str) -> String {
    format!(
        "fn main() {{}}\n\n#[cfg(test)]\nmod tests {{\n    #[test]\n    fn daemonizes() {{\n        \
         let out = std::process::Command::new(\"setsid\")\n            \
         .args([\"sh\", \"-c\", \"sleep 1000 </dev/null >/dev/null 2>&1 & echo $!\"])\n            \
         .output()\n            .unwrap();\n        \
         let daemon = String::from_utf8(out.stdout).unwrap();\n        \
         std::fs::write({pids:?}, format!(\"{{}}\\n{{}}\\n\", daemon.trim(), std::process::id())).unwrap();\n        \
         {rest}\n    }}\n}}\n",
        pids = pids.display().to_string()
    )
}

fn start(course: &TestCourse, args: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("backlings"))
        .current_dir(course.path())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn kill_9(child: &mut Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_daemon_started_by_a_test_ends_with_the_check() {
    let course = TestCourse::empty();
    let pids = course.file("pids");
    let course = TestCourse::new(&[Ex::new("daemon", &starts_a_daemon_then(&pids, ""))]);
    course.backlings(&["run", "daemon"]).assert().success();
    for pid in wait_for_pids(&pids, 2, || true) {
        assert!(ends_soon(pid), "process {pid} outlived the check");
    }
}

#[test]
fn kill_9_of_backlings_mid_test_leaves_no_process_behind() {
    let course = TestCourse::empty();
    let pids = course.file("pids");
    let endless = starts_a_daemon_then(&pids, "loop { std::thread::park(); }");
    let course = TestCourse::new(&[Ex::new("endless", &endless).extra("timeout = 600")]);
    let mut backlings = start(&course, &["run", "endless"]);
    let started = wait_for_pids(&pids, 2, || backlings.try_wait().unwrap().is_none());
    kill_9(&mut backlings);
    for pid in started {
        assert!(ends_soon(pid), "process {pid} outlived backlings");
    }
}

#[test]
fn kill_9_of_backlings_mid_build_leaves_no_cargo_behind() {
    // A build script that records its pid and cargo's, then waits forever: the build is
    // caught in the middle.
    let course = TestCourse::new(&[Ex::new("built", PASSES)]);
    let pids = course.file("pids");
    course.write(
        "build.rs",
        &format!(
            "fn main() {{\n    std::fs::write({:?}, format!(\"{{}}\\n{{}}\\n\", std::process::id(), \
             std::os::unix::process::parent_id())).unwrap();\n    loop {{\n        \
             std::thread::park();\n    }}\n}}\n",
            pids.display().to_string()
        ),
    );
    let mut backlings = start(&course, &["run", "built"]);
    let started = wait_for_pids(&pids, 2, || backlings.try_wait().unwrap().is_none());
    kill_9(&mut backlings);
    for pid in started {
        assert!(
            ends_soon(pid),
            "process {pid} (build script or cargo) outlived backlings"
        );
    }
}

#[test]
fn code_under_test_reaches_loopback_and_nothing_else() {
    // In a network namespace of its own the test sees one interface, lo; a server it starts on
    // loopback answers, and any other address is unreachable at once (no route), never a
    // wait for a timeout.
    let probe = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn network() {\n        \
                 let listener = std::net::TcpListener::bind(\"127.0.0.1:0\").unwrap();\n        \
                 std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();\n        \
                 let documentation_net = std::net::TcpStream::connect(\"192.0.2.1:80\");\n        \
                 assert!(documentation_net.is_err(), \"reached a non-loopback address\");\n        \
                 let devices = std::fs::read_to_string(\"/proc/self/net/dev\").unwrap();\n        \
                 let names: Vec<&str> = devices.lines().skip(2).filter_map(|l| l.split(':').next()).map(str::trim).collect();\n        \
                 assert_eq!(names, [\"lo\"], \"interfaces\");\n    }\n}\n";
    let course = TestCourse::new(&[Ex::new("network", probe)]);
    let namespaces = Command::new("unshare")
        .args(["-U", "-r", "-n", "true"])
        .status()
        .is_ok_and(|s| s.success());
    let run = course.backlings(&["run", "network"]).assert();
    if namespaces {
        run.success();
    } else {
        // Where the kernel refuses namespaces, checks still run, with the network, and
        // dev check --verbose says why.
        run.code(1);
        course
            .backlings(&["dev", "check", "--verbose"])
            .assert()
            .stderr(predicates::str::contains("tests can reach the network"));
    }
}

#[test]
fn a_shell_started_by_a_test_can_wait_for_its_children() {
    // The guard keeps the signals it waits for blocked; what it starts must not inherit that
    // (a shell with SIGCHLD blocked waits forever).
    let waits = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn waits() {\n        \
                 let status = std::process::Command::new(\"sh\")\n            \
                 .args([\"-c\", \"sleep 0 & wait\"])\n            .status()\n            .unwrap();\n        \
                 assert!(status.success());\n    }\n}\n";
    let course = TestCourse::new(&[Ex::new("waits", waits)]);
    course.backlings(&["run", "waits"]).assert().success();
}

/// Test code that appends its pid to `pids` and never ends.
fn endless_appending_to(pids: &Path) -> String {
    format!(
        "fn main() {{}}\n\n#[cfg(test)]\nmod tests {{\n    #[test]\n    fn waits() {{\n        \
         use std::io::Write;\n        \
         let mut file = std::fs::OpenOptions::new().append(true).create(true).open({:?}).unwrap();\n        \
         writeln!(file, \"{{}}\", std::process::id()).unwrap();\n        \
         loop {{\n            std::thread::park();\n        }}\n    }}\n}}\n",
        pids.display().to_string()
    )
}

#[test]
fn cancelling_a_check_of_every_exercise_stops_all_of_its_tests() {
    let course = TestCourse::empty();
    let pids = course.file("pids");
    let endless = endless_appending_to(&pids);
    let course = TestCourse::new(&[
        Ex::new("first", &endless).extra("timeout = 600"),
        Ex::new("second", &endless).extra("timeout = 600"),
    ]);
    let mut watch = Watch::start(&course);
    watch.expect("Checking first…");
    wait_for_pids(&pids, 1, || true);
    // Check all: the first exercise's check is cancelled, then both run at once.
    watch.press("c");
    let started = wait_for_pids(&pids, 3, || true);
    // Quitting cancels the check of every exercise: every test it started ends.
    watch.press("q");
    assert!(watch.expect_exit().success());
    for pid in started {
        assert!(
            ends_soon(pid),
            "test process {pid} outlived the cancelled check"
        );
    }
}
