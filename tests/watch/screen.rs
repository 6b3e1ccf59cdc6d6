//! What the learner reads on watch mode's screen: failing tests in the order the file declares
//! them, fitted to a small terminal, with the full output a key away.

use crate::common::pty::{Start, Watch};
use crate::common::{Ex, TestCourse};

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
    let frame = watch.expect("Press f for the full output.");
    let rows = watch.rows();
    let shown = rows.join("\n");
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
    watch.expect("test 6 is wrong");
    watch.press("f");
    watch.expect("Press f for the full output.");
}
