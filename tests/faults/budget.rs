//! dev check's compile budget gives the same verdict on an idle machine and on a busy one:
//! it judges compile costs as CPU time set against a reference compile, never by the clock.

use std::process::{Child, Command};

use crate::common::{Ex, FAILS, TestCourse, stdout};

/// Processes that keep every core busy (three per core), until dropped.
struct CpuHogs(Vec<Child>);

impl CpuHogs {
    fn start() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let hogs = (0..3 * cores)
            .map(|_| {
                Command::new("sh")
                    .args(["-c", "while :; do :; done"])
                    .spawn()
                    .unwrap()
            })
            .collect();
        Self(hogs)
    }
}

impl Drop for CpuHogs {
    fn drop(&mut self) {
        for hog in &mut self.0 {
            let _ = hog.kill();
            let _ = hog.wait();
        }
    }
}

/// dev check's verdict on the budget, measured afresh (nothing kept from an earlier run).
fn within_budget(course: &TestCourse, budget: &str) -> bool {
    let _ = std::fs::remove_file(course.file(".backlings/compile-times.json"));
    let output = course
        .backlings(&["dev", "check", "--compile-budget", budget])
        .output()
        .unwrap();
    let out = stdout(&output);
    assert!(
        out.contains("1 passed") || out.contains("over the budget"),
        "{out}"
    );
    output.status.success()
}

#[test]
fn the_budget_verdict_is_the_same_idle_and_with_every_core_busy() {
    // The fixture's solution costs about 0.11 s of the reference machine, and 0.2 s is nearly
    // twice that; on the clock, with three busy processes per core, the same compile takes
    // about four times as long as idle, far over it. 0.02 s no compile meets.
    let course = TestCourse::new(&[Ex::new("small", FAILS)]);
    let idle = (
        within_budget(&course, "0.2"),
        within_budget(&course, "0.02"),
    );
    assert_eq!(idle, (true, false), "idle");
    let _hogs = CpuHogs::start();
    for round in 0..3 {
        let busy = (
            within_budget(&course, "0.2"),
            within_budget(&course, "0.02"),
        );
        assert_eq!(busy, idle, "round {round} with every core busy");
    }
}
