//! What CI gets from `verify` and `dev check`: Exercism's results.json (version 3) and JUnit
//! XML, checked against their schemas; GitHub Actions annotations; `--partition K/N`; and the
//! exit codes (0 all good, 1 some failed, 2 usage or course errors).

mod common;

use std::collections::BTreeSet;

use common::{
    BROKEN, BYTES_SHOWN, Ex, PASSES, PROGRAM_PRINTS_BYTES, TEST_PRINTS_TAKEOVER, TestCourse,
    assert_inert, assert_shards_cover_the_course, stderr, stdout,
};
use serde_json::Value;

/// Two tests declared out of alphabetical order; the first one prints, then fails.
const PRINTS_THEN_FAILS: &str = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn second() {\n        println!(\"debug <line> & stuff\");\n        assert_eq!(1 + 1, 3, \"the sum is wrong\");\n    }\n\n    #[test]\n    fn first() {}\n}\n";

/// A test that prints 600 characters and fails.
const CHATTY: &str = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn talks() {\n        println!(\"{}\", \"y\".repeat(600));\n        panic!(\"done talking\");\n    }\n}\n";

/// A failing test that prints what a GitHub Actions runner would read as workflow commands.
const PRINTS_WORKFLOW_COMMANDS: &str = r#"fn main() {}

#[cfg(test)]
mod tests {
    #[test]
    fn commands() {
        println!("{}", WORKFLOW_COMMANDS);
        panic!("::warning::from the panic ##[error]message");
    }

    const WORKFLOW_COMMANDS: &str = "::error file=x.rs::fake\n  ::add-mask::secret\nsays ##[set-output name=x;]y\n::stop-commands::token";
}
"#;

/// What [`PRINTS_WORKFLOW_COMMANDS`] prints.
const WORKFLOW_COMMANDS: &str = "::error file=x.rs::fake\n  ::add-mask::secret\nsays ##[set-output name=x;]y\n::stop-commands::token";

/// Panics if a GitHub Actions runner would act on a line of `text`: one that begins with
/// `::` after white space (a workflow command), or holds `##[` anywhere (the old syntax).
fn assert_commands_nothing(text: &str) {
    for line in text.split(['\n', '\r']) {
        assert!(
            !line.trim_start().starts_with("::") && !line.contains("##["),
            "a workflow command: {line:?} in\n{text}"
        );
    }
}

/// good (passes), bad (one of two tests fails), broken (does not compile).
fn three_kinds() -> TestCourse {
    TestCourse::new(&[
        Ex::new("good", PASSES),
        Ex::new("bad", PRINTS_THEN_FAILS),
        Ex::new("broken", BROKEN),
    ])
}

fn json_of(course: &TestCourse, args: &[&str]) -> (Option<i32>, Value) {
    let output = course.backlings(args).output().unwrap();
    let json = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("{e}: {}", stdout(&output)));
    (output.status.code(), json)
}

/// Checks one results.json against Exercism's test-runner interface, version 3: the
/// required keys, their types and allowed values, `message` exactly where required, and
/// `output` within 500 characters (plus the cut notice).
fn assert_exercism_v3(result: &Value) {
    let at = |key: &str| &result[key];
    assert_eq!(at("version"), 3, "{result}");
    let status = at("status").as_str().expect("status is a string");
    assert!(["pass", "fail", "error"].contains(&status), "{result}");
    assert_eq!(
        at("message").is_string(),
        status == "error",
        "message iff error: {result}"
    );
    let tests = at("tests").as_array().expect("tests is an array");
    if status == "error" {
        let ran = tests.iter().any(|t| t["status"] != "error");
        assert!(!ran, "error means no test ran: {result}");
    }
    let mut failing = false;
    for test in tests {
        assert!(test["name"].is_string(), "{test}");
        let status = test["status"].as_str().expect("test status");
        assert!(["pass", "fail", "error"].contains(&status), "{test}");
        assert_eq!(test["message"].is_string(), status != "pass", "{test}");
        failing |= status != "pass";
        if let Some(output) = test.get("output") {
            let output = output.as_str().expect("output is a string");
            let body = output.trim_end_matches("\n[output cut at 500 characters]");
            assert!(body.chars().count() <= 500, "{test}");
        }
    }
    if status != "error" {
        assert_eq!(status == "fail", failing, "fail iff a test fails: {result}");
    }
}

#[test]
fn verify_json_is_one_exercism_results_json_per_exercise() {
    let course = three_kinds();
    let (code, json) = json_of(&course, &["verify", "--format", "json"]);
    assert_eq!(code, Some(1), "some failed");
    assert_exercism_v3(&json);
    assert_eq!(
        (json["passed"].as_u64(), json["failed"].as_u64()),
        (Some(1), Some(2))
    );
    let whole_course: Vec<(&str, &str)> = json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["status"].as_str().unwrap()))
        .collect();
    let expected = [
        ("good/adds", "pass"),
        ("bad/second", "fail"),
        ("bad/first", "pass"),
        ("broken/compile", "error"),
    ];
    assert_eq!(
        whole_course, expected,
        "the document is a results.json of the course"
    );
    let exercises = json["exercises"].as_array().unwrap();
    for exercise in exercises {
        assert_exercism_v3(exercise);
    }
    let names: Vec<&str> = exercises
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["good", "bad", "broken"]);

    let bad = &exercises[1];
    assert_eq!(bad["path"], "exercises/01_basics/bad.rs");
    let tests: Vec<(&str, &str)> = bad["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["status"].as_str().unwrap()))
        .collect();
    assert_eq!(tests, [("second", "fail"), ("first", "pass")], "file order");
    let second = &bad["tests"][0];
    assert_eq!(
        second["message"],
        "assertion `left == right` failed: the sum is wrong\n  left: 2\n right: 3\n  at exercises/01_basics/bad.rs:8:9"
    );
    assert_eq!(second["output"], "debug <line> & stuff");

    let broken = &exercises[2];
    assert_eq!(broken["status"], "error");
    let message = broken["message"].as_str().unwrap();
    assert!(message.contains("mismatched types"), "{message}");
    assert!(!message.contains('\u{1b}'), "no colour codes: {message:?}");
}

#[test]
fn long_test_output_is_cut_at_500_characters() {
    let course = TestCourse::new(&[Ex::new("chatty", CHATTY)]);
    let (_, json) = json_of(&course, &["verify", "--format", "json"]);
    let test = &json["exercises"][0]["tests"][0];
    assert_exercism_v3(&json["exercises"][0]);
    let output = test["output"].as_str().unwrap();
    assert_eq!(
        output,
        format!("{}\n[output cut at 500 characters]", "y".repeat(500))
    );
    assert_eq!(
        test["message"],
        "done talking\n  at exercises/01_basics/chatty.rs:8:9"
    );
}

/// Checks a JUnit document against the structure CI tools read: `testsuites` of `testsuite`
/// of `testcase`, with `tests`/`failures`/`errors` counts that agree with the cases. Returns
/// every case as (suite, name, line, "pass" | "failure" | "error", message attribute).
fn junit_cases(xml: &str) -> Vec<(String, String, Option<u32>, String, String)> {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let count = |node: roxmltree::Node, name: &str| -> usize {
        node.attribute(name)
            .unwrap_or_else(|| panic!("no {name}"))
            .parse()
            .unwrap()
    };
    let mut all = Vec::new();
    for suite in root.children().filter(|n| n.is_element()) {
        assert_eq!(suite.tag_name().name(), "testsuite");
        let mut cases = Vec::new();
        let mut elements = suite.children().filter(|n| n.is_element()).peekable();
        // JUnit allows one `properties` before the cases (backlings: an exercise's stages).
        elements.next_if(|n| n.tag_name().name() == "properties");
        for case in elements {
            assert_eq!(case.tag_name().name(), "testcase");
            assert!(case.attribute("classname").is_some() && case.attribute("file").is_some());
            let outcome = case
                .children()
                .find(|n| ["failure", "error"].contains(&n.tag_name().name()));
            let (kind, message) = match outcome {
                Some(n) => (
                    n.tag_name().name(),
                    n.attribute("message").unwrap_or_default(),
                ),
                None => ("pass", ""),
            };
            cases.push((
                suite.attribute("name").unwrap().to_string(),
                case.attribute("name").unwrap().to_string(),
                case.attribute("line").map(|l| l.parse().unwrap()),
                kind.to_string(),
                message.to_string(),
            ));
        }
        let of = |kind: &str| cases.iter().filter(|c| c.3 == kind).count();
        assert_eq!(count(suite, "tests"), cases.len());
        assert_eq!(
            (count(suite, "failures"), count(suite, "errors")),
            (of("failure"), of("error"))
        );
        all.extend(cases);
    }
    let of = |kind: &str| all.iter().filter(|c| c.3 == kind).count();
    assert_eq!(count(root, "tests"), all.len());
    assert_eq!(
        (count(root, "failures"), count(root, "errors")),
        (of("failure"), of("error"))
    );
    all
}

#[test]
fn verify_junit_has_a_suite_per_exercise_and_a_case_per_test() {
    let course = three_kinds();
    let output = course
        .backlings(&["verify", "--format", "junit"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let cases = junit_cases(&stdout(&output));
    let summary: Vec<(&str, &str, Option<u32>, &str)> = cases
        .iter()
        .map(|(s, n, l, k, _)| (s.as_str(), n.as_str(), *l, k.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("good", "adds", Some(6), "pass"),
            ("bad", "second", Some(8), "failure"),
            ("bad", "first", Some(12), "pass"),
            ("broken", "compile", Some(2), "error"),
        ]
    );
    assert_eq!(
        cases[1].4,
        "assertion `left == right` failed: the sum is wrong"
    );
}

#[test]
fn dev_check_reports_each_rule_as_a_test_in_both_formats() {
    // "shipped" passes as shipped; "nosol" has no solution file.
    let course = TestCourse::new(&[
        Ex::new("ok", BROKEN),
        Ex::new("shipped", PASSES),
        Ex::new("nosol", BROKEN).solution(None),
    ]);
    // Without its file, the manifest's `nosol_sol` would stop cargo from building anything.
    let manifest = course.read("Cargo.toml");
    let line = "  { name = \"nosol_sol\", path = \"solutions/01_basics/nosol.rs\" },\n";
    course.write("Cargo.toml", &manifest.replace(line, ""));
    let (code, json) = json_of(&course, &["dev", "check", "--format", "json"]);
    assert_eq!(code, Some(1));
    assert_exercism_v3(&json);
    let exercises = json["exercises"].as_array().unwrap();
    for exercise in exercises {
        assert_exercism_v3(exercise);
    }
    let verdicts: Vec<(&str, &str)> = exercises
        .iter()
        .map(|e| (e["name"].as_str().unwrap(), e["status"].as_str().unwrap()))
        .collect();
    let expected = [
        ("course", "pass"),
        ("ok", "pass"),
        ("shipped", "fail"),
        ("nosol", "fail"),
    ];
    assert_eq!(verdicts, expected);
    let rule = |exercise: &Value, name: &str| -> Value {
        let tests = exercise["tests"].as_array().unwrap();
        tests
            .iter()
            .find(|t| t["name"] == name)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        rule(&exercises[1], "adds")["status"],
        "pass",
        "the solution's own test"
    );
    let shipped = rule(&exercises[2], "fails as shipped");
    assert_eq!(shipped["status"], "fail");
    assert!(
        shipped["message"]
            .as_str()
            .unwrap()
            .starts_with("passes as shipped")
    );
    let entry = rule(&exercises[3], "info.toml entry");
    assert!(
        entry["message"]
            .as_str()
            .unwrap()
            .starts_with("has no solution"),
        "{entry}"
    );

    let output = course
        .backlings(&["dev", "check", "--format", "junit"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let failures: Vec<(String, String)> = junit_cases(&stdout(&output))
        .into_iter()
        .filter(|c| c.3 != "pass")
        .map(|c| (c.0, c.1))
        .collect();
    let expected = [
        ("shipped", "fails as shipped"),
        ("nosol", "info.toml entry"), // no solution file
        ("nosol", "info.toml entry"), // no [[bin]] for it
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(s, n)| (s.to_string(), n.to_string()))
        .collect();
    assert_eq!(failures, expected);
}

/// The exercise names a command reported in JSON.
fn names_in(json: &Value) -> Vec<String> {
    let exercises = json["exercises"].as_array().unwrap();
    exercises
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn partitions_cover_the_course_once_and_course_problems_once() {
    let names = ["a", "b", "c", "d", "e", "f", "g"];
    let exercises: Vec<Ex> = names.iter().map(|n| Ex::new(n, BROKEN)).collect();
    let course = TestCourse::new(&exercises);
    course.write("exercises/01_basics/stray.rs", "fn main() {}\n");
    for command in [&["verify"][..], &["dev", "check"]] {
        let mut seen = Vec::new();
        let mut stray_reports = 0;
        for k in 1..=3 {
            let partition = format!("{k}/3");
            let args = [command, &["--format", "json", "--partition", &partition]].concat();
            let (_, json) = json_of(&course, &args);
            let mut part = names_in(&json);
            stray_reports += part.iter().filter(|n| *n == "course").count();
            part.retain(|n| n != "course");
            assert!(!part.is_empty(), "{command:?} {partition}: {json}");
            seen.extend(part);
        }
        let unique: BTreeSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{command:?}: overlap in {seen:?}");
        assert_eq!(unique.len(), names.len(), "{command:?}: {seen:?}");
        let expected = if command == ["dev", "check"] { 1 } else { 0 };
        assert_eq!(
            stray_reports, expected,
            "{command:?}: course problems reported once"
        );
    }
    let output = course
        .backlings(&["dev", "check", "--partition", "2/3"])
        .output()
        .unwrap();
    assert!(
        !stdout(&output).contains("stray"),
        "only partition 1: {}",
        stdout(&output)
    );
    assert!(
        stdout(&output).ends_with("2 passed, 0 failed\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn on_github_actions_failures_are_annotations_at_their_lines() {
    let course = three_kinds();
    let output = course
        .backlings(&["verify"])
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    let annotations: Vec<String> = stderr(&output)
        .lines()
        .filter(|l| l.starts_with("::"))
        .map(String::from)
        .collect();
    assert_eq!(annotations.len(), 2, "{annotations:#?}");
    assert!(
        annotations[0].starts_with(
            "::error file=exercises/01_basics/bad.rs,line=8,title=bad%3A second::assertion `left == right` failed: the sum is wrong%0A"
        ),
        "{}",
        annotations[0]
    );
    assert!(
        annotations[1].starts_with(
            "::error file=exercises/01_basics/broken.rs,line=2,title=broken does not compile::"
        ),
        "{}",
        annotations[1]
    );
    assert!(
        stdout(&output).ends_with("1 passed, 2 failed\n"),
        "human report unchanged"
    );

    let quiet = course
        .backlings(&["verify"])
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    assert!(
        !stderr(&quiet).contains("::error"),
        "only on GitHub Actions"
    );
}

#[test]
fn control_characters_in_output_are_shown_in_both_formats_which_stay_well_formed() {
    let course = TestCourse::new(&[
        Ex::new("takeover", TEST_PRINTS_TAKEOVER),
        Ex::new("bytes", PROGRAM_PRINTS_BYTES).extra("test = false"),
    ]);
    let output = course
        .backlings(&["verify", "--format", "junit"])
        .output()
        .unwrap();
    assert_inert(&output.stdout, false);
    let xml = stdout(&output);
    assert_eq!(junit_cases(&xml).len(), 2, "well-formed: {xml}");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let system_out = |suite: &str| {
        doc.descendants()
            .find(|n| n.attribute("classname") == Some(suite))
            .and_then(|case| case.children().find(|n| n.has_tag_name("system-out")))
            .and_then(|out| out.text())
            .map(str::to_string)
    };
    assert_eq!(system_out("bytes").as_deref(), Some(BYTES_SHOWN));
    let takeover = system_out("takeover").unwrap();
    assert!(
        takeover.starts_with("before") && takeover.ends_with("after"),
        "{takeover:?}"
    );

    let output = course
        .backlings(&["verify", "--format", "json"])
        .output()
        .unwrap();
    assert_inert(&output.stdout, false);
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_exercism_v3(&json);
    assert_eq!(json["exercises"][1]["tests"][0]["output"], BYTES_SHOWN);
}

#[test]
fn on_github_actions_test_output_cannot_be_a_workflow_command() {
    let course = TestCourse::new(&[
        Ex::new("commands", PRINTS_WORKFLOW_COMMANDS).solution(Some(PRINTS_WORKFLOW_COMMANDS))
    ]);
    let run = |args: &[&str]| {
        course
            .backlings(args)
            .env("GITHUB_ACTIONS", "true")
            .output()
            .unwrap()
    };

    let junit = run(&["verify", "--format", "junit"]);
    assert_commands_nothing(&stdout(&junit));
    let xml = stdout(&junit);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let printed = doc
        .descendants()
        .find(|n| n.has_tag_name("system-out"))
        .and_then(|n| n.text());
    assert_eq!(
        printed,
        Some(WORKFLOW_COMMANDS),
        "an XML reader gets it back"
    );

    let json = run(&["verify", "--format", "json"]);
    assert_commands_nothing(&stdout(&json));
    let value: Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(value["tests"][0]["output"], WORKFLOW_COMMANDS);

    // The human report of dev check shows what the failing solution printed.
    let human = run(&["dev", "check", "--verbose"]);
    assert!(
        stdout(&human).contains("says ##\\[set-output"),
        "{}",
        stdout(&human)
    );
    assert_commands_nothing(&stdout(&human));

    // On stderr, the only commands are backlings' own annotations, one per failure.
    for output in [&junit, &json, &human] {
        let stderr = stderr(output);
        let commands: Vec<&str> = stderr
            .lines()
            .filter(|l| l.trim_start().starts_with("::") || l.contains("##["))
            .collect();
        assert_eq!(commands.len(), 1, "{commands:#?}");
        assert!(commands[0].starts_with("::error file="), "{}", commands[0]);
    }
}

#[test]
fn exit_codes_are_0_all_good_1_some_failed_2_usage_errors() {
    let course = TestCourse::new(&[Ex::new("good", PASSES)]);
    let code = |args: &[&str]| course.backlings(args).output().unwrap().status.code();
    assert_eq!(code(&["verify", "--format", "junit"]), Some(0));
    let failing = three_kinds();
    assert_eq!(
        failing
            .backlings(&["verify", "--format", "json"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(1)
    );
    for usage in [
        &["verify", "--partition", "0/2"][..],
        &["verify", "--partition", "3/2"],
        &["dev", "check", "--format", "yaml"],
    ] {
        let output = course.backlings(usage).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{usage:?}");
        assert!(
            stderr(&output).contains("error:"),
            "{usage:?}: {}",
            stderr(&output)
        );
    }
    let not_a_course = TestCourse::empty();
    let output = not_a_course
        .backlings(&["verify", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn this_repositorys_workflow_checks_the_course_in_partitions_that_cover_it() {
    let workflow = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.github/workflows/ci.yml"
    ))
    .unwrap();
    assert_shards_cover_the_course(&workflow);
}

/// Two stages; the second one's test fails.
const STAGED: &str = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    mod respond {\n        #[test]\n        fn ok() {}\n    }\n\n    mod routes {\n        #[test]\n        fn ok() {\n            panic!(\"no route\");\n        }\n    }\n}\n";

#[test]
fn json_and_junit_say_how_far_a_staged_exercise_got() {
    let stages = "stages = [{ title = \"respond\", tests = \"respond\" }, { title = \"routes\", tests = \"routes\" }]";
    let course = TestCourse::new(&[Ex::new("server", STAGED).extra(stages)]);

    let (code, json) = json_of(&course, &["verify", "--format", "json"]);
    assert_eq!(code, Some(1));
    let exercise = &json["exercises"][0];
    assert_exercism_v3(exercise);
    assert_eq!(
        exercise["stage"],
        serde_json::json!({ "passed": 1, "total": 2, "failing": "routes" })
    );
    let tests: Vec<(&str, &str)> = exercise["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["status"].as_str().unwrap()))
        .collect();
    assert_eq!(tests, [("respond::ok", "pass"), ("routes::ok", "fail")]);

    let output = course
        .backlings(&["verify", "--format", "junit"])
        .output()
        .unwrap();
    let xml = stdout(&output);
    let cases = junit_cases(&xml);
    assert_eq!(cases.len(), 2);
    for property in [
        "<property name=\"stages_passed\" value=\"1\"/>",
        "<property name=\"stages_total\" value=\"2\"/>",
        "<property name=\"stage_failing\" value=\"routes\"/>",
    ] {
        assert!(xml.contains(property), "{property} in\n{xml}");
    }
}
