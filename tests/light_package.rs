//! Exercises that name none of the course's crates are built without them: a learner gets a
//! verdict on them before (and whether or not) the course's dependencies build.

mod common;

use common::{Ex, FAILS, PASSES, TestCourse};
use predicates::prelude::*;

/// A dependency that does not compile: any build that includes it fails.
const BROKEN_CRATE: &str = "pub fn helper() -> u8 { \"not a number\" }\n";

/// An exercise whose test uses the crate `broken`.
const USES_BROKEN: &str = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn helps() {\n        assert_eq!(broken::helper(), 1);\n    }\n}\n";

fn course_with_a_broken_dependency() -> TestCourse {
    let course = TestCourse::new(&[
        Ex::new("first", FAILS),
        Ex::new("second", PASSES),
        Ex::new("third", USES_BROKEN),
    ]);
    course.depend_on("broken", BROKEN_CRATE, None);
    course
}

/// `backlings run NAME` says it is done.
fn assert_done(course: &TestCourse, name: &str) {
    course
        .backlings(&["run", name])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!("{name} is done")));
}

#[test]
fn an_exercise_that_names_no_crate_gets_its_verdict_without_the_dependencies() {
    let course = course_with_a_broken_dependency();
    course.backlings(&["run", "first"]).assert().code(1).stdout(
        predicate::str::contains("the sum is wrong")
            .and(predicate::str::contains("first: 1 of 1 tests fail")),
    );
    assert_done(&course, "second");
}

#[test]
fn an_exercise_that_names_a_crate_is_built_with_the_dependencies() {
    let course = course_with_a_broken_dependency();
    course
        .backlings(&["run", "third"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("mismatched types"))
        .stdout(predicate::str::contains("broken"));
}

#[test]
fn a_crate_named_only_in_a_comment_or_a_string_is_not_needed() {
    let course = course_with_a_broken_dependency();
    let mentions = PASSES.replace(
        "fn main() {}",
        "// Later exercises use broken::helper().\nfn main() { let _ = \"broken::helper\"; }",
    );
    course.write(&TestCourse::exercise("second"), &mentions);
    assert_done(&course, "second");
}

#[test]
fn verify_checks_both_kinds_and_reports_them_in_course_order() {
    let course = course_with_a_broken_dependency();
    let output = course.backlings(&["verify"]).output().unwrap();
    let shown = common::stdout(&output);
    let (first, second, third) = (
        shown.find("first").expect("first is reported"),
        shown.find("second").expect("second is reported"),
        shown.find("third").expect("third is reported"),
    );
    assert!(first < second && second < third, "{shown}");
}

#[test]
fn a_learner_edit_that_starts_using_a_crate_moves_the_exercise_to_the_full_build() {
    let course = course_with_a_broken_dependency();
    course.backlings(&["run", "second"]).assert().code(0);
    let uses_it = PASSES.replace("fn main() {}", "fn main() { broken::helper(); }");
    course.write(&TestCourse::exercise("second"), &uses_it);
    course
        .backlings(&["run", "second"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("mismatched types"));
}
