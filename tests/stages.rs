//! Exercises graded in stages, as codecrafters grades its servers: `info.toml` groups an
//! exercise's tests by module into ordered stages; `run`, `verify` and `list` show the first
//! stage that fails, never a later one; progress keeps the highest stage reached.

mod common;

use common::{Ex, TestCourse, stdout};
use predicates::prelude::*;

const STAGES: &str = "stages = [\n  { title = \"respond with 200\", tests = \"respond\" },\n  { title = \"routes\", tests = \"routes\" },\n  { title = \"headers\", tests = \"headers\" },\n]";

/// A server in three stages; `stages_done` of them are implemented.
fn server(stages_done: usize) -> String {
    let answer = |stage: usize| {
        if stage <= stages_done {
            "true"
        } else {
            "false"
        }
    };
    format!(
        "fn stage(n: u8) -> bool {{\n    match n {{\n        1 => {},\n        2 => {},\n        _ => {},\n    }}\n}}\n\nfn main() {{}}\n\n\
         #[cfg(test)]\nmod tests {{\n    mod respond {{\n        #[test]\n        fn answers_200() {{\n            assert!(super::super::stage(1), \"the status line is not 200 OK\");\n        }}\n    }}\n\n    \
         mod routes {{\n        #[test]\n        fn echo() {{\n            assert!(super::super::stage(2), \"/echo does not echo\");\n        }}\n\n        #[test]\n        fn not_found() {{\n            assert!(super::super::stage(2), \"an unknown path is not 404\");\n        }}\n    }}\n\n    \
         mod headers {{\n        #[test]\n        fn date() {{\n            assert!(super::super::stage(3), \"no Date header\");\n        }}\n    }}\n}}\n",
        answer(1),
        answer(2),
        answer(3)
    )
}

#[test]
fn run_shows_the_first_failing_stage_and_none_of_the_later_ones() {
    let shipped = server(0);
    let solution = server(3);
    let course = TestCourse::new(&[Ex::new("http_server", &shipped)
        .solution(Some(&solution))
        .extra(STAGES)]);
    let file = TestCourse::exercise("http_server");

    course.backlings(&["run"]).assert().code(1).stdout(
        predicate::str::contains("stage 1 of 3, respond with 200: 1 test fails")
            .and(predicate::str::contains("the status line is not 200 OK"))
            .and(predicate::str::contains("/echo does not echo").not())
            .and(predicate::str::contains("no Date header").not()),
    );

    course.write(&file, &server(1));
    course.backlings(&["run"]).assert().code(1).stdout(
        predicate::str::contains("stage 2 of 3, routes: 2 tests fail")
            .and(predicate::str::contains("/echo does not echo"))
            .and(predicate::str::contains("no Date header").not()),
    );
    let list = course.backlings(&["list"]).output().unwrap();
    assert!(
        stdout(&list).contains("http_server  stage 2 of 3: routes"),
        "{}",
        stdout(&list)
    );

    course.write(&file, &server(3));
    course
        .backlings(&["run"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "http_server is done! All 3 stages pass.",
        ));
}

#[test]
fn progress_keeps_the_highest_stage_reached_when_the_file_goes_back() {
    let shipped = server(0);
    let course = TestCourse::new(&[Ex::new("http_server", &shipped).extra(STAGES)]);
    let file = TestCourse::exercise("http_server");
    course.write(&file, &server(2));
    course.backlings(&["run"]).assert().code(1);
    assert!(
        course
            .read(".backlings/state.toml")
            .contains("[stages]\nhttp_server = 2\n")
    );

    course.write(&file, &server(0));
    course.backlings(&["verify"]).assert().code(1).stdout(
        "✗ http_server: stage 1 of 3, respond with 200: 1 test fails\n0 passed, 1 failed\n",
    );
    let list = course.backlings(&["list"]).output().unwrap();
    assert!(
        stdout(&list).contains("stage 3 of 3: headers"),
        "{}",
        stdout(&list)
    );
}

#[test]
fn dev_check_finds_a_stage_whose_test_module_is_not_in_the_file() {
    let shipped = server(0);
    let solution = server(3);
    let stages = "stages = [\n  { title = \"respond\", tests = \"respond\" },\n  { title = \"typo\", tests = \"rootes\" },\n]";
    let course = TestCourse::new(&[Ex::new("http_server", &shipped)
        .solution(Some(&solution))
        .extra(stages)]);
    course.backlings(&["dev", "check"]).assert().code(1).stdout(
        predicate::str::contains(
            "stage \"typo\" names the test module \"rootes\", which exercises/01_basics/http_server.rs does not declare",
        ),
    );
}

#[test]
fn info_toml_refuses_stages_that_cannot_work_with_their_place() {
    let shipped = server(0);
    for (stages, problem) in [
        (
            "stages = [{ title = \"\", tests = \"respond\" }]",
            "stage 1 has no title",
        ),
        (
            "stages = [{ title = \"a\", tests = \"not-a-module\" }]",
            "not a Rust module name",
        ),
        (
            "stages = [{ title = \"a\", tests = \"m\" }, { title = \"b\", tests = \"m\" }]",
            "two stages name the test module \"m\"",
        ),
        (
            "test = false\nstages = [{ title = \"a\", tests = \"m\" }]",
            "test = false",
        ),
    ] {
        let course = TestCourse::new(&[Ex::new("http_server", &shipped).extra(stages)]);
        course
            .backlings(&["list"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("info.toml:").and(predicate::str::contains(problem)));
    }
}
