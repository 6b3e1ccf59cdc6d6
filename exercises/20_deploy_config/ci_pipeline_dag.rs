//! # A CI pipeline planner: job graphs, path filters, fail-fast
//!
//! Roadmap step: **CI/CD** (<https://roadmap.sh/backend>): a pipeline is a graph of jobs
//! (`needs`). The runner must order it, refuse a graph it cannot order, run only the jobs
//! a change affects, and not run the jobs whose inputs failed.
//!
//! A pipeline comes as text, one job a line (the parser is given):
//! `unit  needs=build  paths=src/**,tests/**`.
//!
//! 1. `glob_match(pattern, path)`: `*` matches any characters within one `/`-separated
//!    segment (none included); a `**` segment matches zero or more whole segments; every
//!    other character matches itself, and the whole path must match.
//! 2. `plan`: the stages, with Kahn's algorithm: stage 0 is the jobs that need nothing;
//!    each next stage, the jobs whose needs are all in earlier stages; each stage sorted by
//!    name. First, a need that is not a job is an error: `MissingNeeds` lists them all,
//!    as `(job, need)` sorted. Then, if jobs are left over that can never run, report a
//!    cycle among them: start at the first one by name, follow each job's first need (by
//!    name) that is also left over until a job comes back, and give that loop starting at
//!    its first job by name: `"a -> b -> c -> a"` (read "a needs b").
//! 3. `select`: the jobs a change affects: those without `paths`, those with a pattern
//!    that matches a changed path, and every job that needs one of those, transitively.
//! 4. `run`: run the stages in order, each job in its stage's order, through `passes`.
//!    Fail-fast: a job that needs a job that failed or was skipped is skipped (and not run).
//!
//! Standards:
//! - <https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idneeds>
//! - <https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#filter-pattern-cheat-sheet>
//! - <https://en.wikipedia.org/wiki/Topological_sorting#Kahn's_algorithm> (Kahn, 1962)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Job {
    pub needs: BTreeSet<String>,
    pub paths: Vec<String>,
}

pub type Pipeline = BTreeMap<String, Job>;

/// Parses `name [needs=a,b] [paths=glob,glob]` lines; `#` starts a comment line.
pub fn parse(text: &str) -> Result<Pipeline, String> {
    let mut pipeline = Pipeline::new();
    let lines = text.lines().map(str::trim);
    for line in lines.filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let mut words = line.split_whitespace();
        let name = words.next().unwrap_or_default().to_string();
        let mut job = Job::default();
        for word in words {
            match word.split_once('=') {
                Some(("needs", list)) => job.needs = list.split(',').map(String::from).collect(),
                Some(("paths", list)) => job.paths = list.split(',').map(String::from).collect(),
                _ => return Err(format!("job {name}: unknown setting {word:?}")),
            }
        }
        if pipeline.insert(name.clone(), job).is_some() {
            return Err(format!("job {name} is defined twice"));
        }
    }
    Ok(pipeline)
}

/// `*` within one segment; `**` for any number of whole segments.
pub fn glob_match(pattern: &str, path: &str) -> bool {
    // TODO: match segment by segment; a `**` segment may take zero or more of them.
    todo!()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// `(job, need)` pairs, sorted.
    MissingNeeds(Vec<(String, String)>),
    /// The loop, as `"a -> b -> a"`.
    Cycle(String),
}

pub fn plan(pipeline: &Pipeline) -> Result<Vec<Vec<String>>, PlanError> {
    // TODO: the missing needs (all of them); then Kahn's algorithm, stage by stage;
    // then the cycle among the jobs left over, if any.
    todo!()
}

pub fn select(pipeline: &Pipeline, changed: &[&str]) -> BTreeSet<String> {
    // TODO: the jobs whose filter matches (or that have none), and their dependents.
    todo!()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    Skipped,
}

pub fn run(
    pipeline: &Pipeline,
    stages: &[Vec<String>],
    mut passes: impl FnMut(&str) -> bool,
) -> BTreeMap<String, Status> {
    // TODO: stage by stage; a job with a need that did not pass is skipped.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    const PIPELINE: &str = "
        # job    needs=...        paths=...
        lint     paths=src/**/*.rs
        build    paths=src/**,Cargo.toml,Cargo.lock
        unit     needs=build      paths=src/**,tests/**
        docs     paths=docs/**,**/*.md
        deploy   needs=unit,docs
    ";

    fn pipeline(text: &str) -> Pipeline {
        parse(text).expect("a valid pipeline")
    }

    fn stages(text: &str) -> Result<Vec<Vec<String>>, PlanError> {
        plan(&pipeline(text))
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn cycle(path: &str) -> Result<Vec<Vec<String>>, PlanError> {
        Err(PlanError::Cycle(path.to_string()))
    }

    #[test]
    fn stages_follow_the_needs_and_are_sorted_by_name() {
        let want = [
            names(&["build", "docs", "lint"]),
            names(&["unit"]),
            names(&["deploy"]),
        ];
        assert_eq!(stages(PIPELINE), Ok(want.to_vec()));
        // `z` is found first (it needs `a`), but each stage is sorted by name.
        let want = vec![names(&["a", "b"]), names(&["y", "z"]), names(&["end"])];
        assert_eq!(
            stages("end needs=y,z\nz needs=a\ny needs=b\nb\na"),
            Ok(want)
        );
        assert_eq!(stages(""), Ok(vec![]), "an empty pipeline has no stage");
    }

    #[test]
    fn a_job_waits_for_its_latest_need() {
        let text = "release needs=test,lint\ntest needs=build\nbuild\nlint";
        let want = vec![
            names(&["build", "lint"]),
            names(&["test"]),
            names(&["release"]),
        ];
        assert_eq!(stages(text), Ok(want), "not with lint in stage 1");
    }

    #[test]
    fn a_cycle_is_reported_as_its_path() {
        let text =
            "lint\nbuild needs=test\ntest needs=package\npackage needs=build\nship needs=test";
        assert_eq!(stages(text), cycle("build -> test -> package -> build"));
        assert_eq!(
            stages("a needs=a\nb"),
            cycle("a -> a"),
            "a job that needs itself"
        );
    }

    #[test]
    fn the_cycle_starts_at_its_first_job_by_name() {
        // From `a` (not in the loop) the walk enters the loop at `y`.
        let text = "a needs=y\ny needs=x\nx needs=z\nz needs=y";
        assert_eq!(stages(text), cycle("x -> z -> y -> x"));
        // `b` needs `a` (done) and `c` (left over): the walk follows `c`.
        assert_eq!(stages("a\nb needs=a,c\nc needs=b"), cycle("b -> c -> b"));
    }

    #[test]
    fn missing_needs_are_all_reported_before_any_cycle() {
        let text = "deploy needs=unit,stagging\nunit needs=biuld\nloop needs=loop";
        let missing = [("deploy", "stagging"), ("unit", "biuld")];
        let missing = missing.iter().map(|(j, n)| (j.to_string(), n.to_string()));
        let want = PlanError::MissingNeeds(missing.collect());
        assert_eq!(stages(text), Err(want));
    }

    #[test]
    fn star_stays_in_a_segment_and_double_star_crosses_segments() {
        let table = [
            ("*.md", "README.md", true),
            ("*.md", "docs/guide.md", false),
            ("**/*.md", "README.md", true),
            ("**/*.md", "docs/api/guide.md", true),
            ("src/**/*.rs", "src/main.rs", true),
            ("src/**/*.rs", "src/api/v1/user.rs", true),
            ("src/**/*.rs", "src/api/user.rs.orig", false),
            ("src/*.rs", "src/api/user.rs", false),
            ("docs/**", "docs/img/logo.png", true),
            ("docs/**", "src/docs/x", false),
            ("Cargo.toml", "Cargo.toml", true),
            ("Cargo.toml", "crates/x/Cargo.toml", false),
            ("Cargo.toml", "Cargo.toml.bak", false),
            ("test_*.rs", "test_.rs", true),
            ("*_*.rs", "a_b_c.rs", true),
            ("*_*.rs", "abc.rs", false),
            ("a*", "b", false),
        ];
        for (pattern, path, want) in table {
            assert_eq!(glob_match(pattern, path), want, "{pattern} on {path}");
        }
    }

    #[test]
    fn changed_paths_select_jobs_and_their_dependents() {
        let p = pipeline(PIPELINE);
        let table: [(&[&str], &[&str]); 6] = [
            (&["docs/guide.md"], &["deploy", "docs"]),
            (&["README.md"], &["deploy", "docs"]),
            (&["src/api/user.rs"], &["build", "deploy", "lint", "unit"]),
            (&["Cargo.lock"], &["build", "deploy", "unit"]),
            (&["tests/e2e.rs", "docs/a.png"], &["deploy", "docs", "unit"]),
            (&[], &["deploy"]),
        ];
        for (changed, want) in table {
            let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
            assert_eq!(select(&p, changed), want, "changed: {changed:?}");
        }
        let chain = pipeline("a paths=a/**\nb needs=a paths=b/**\nc needs=b paths=c/**");
        let want = BTreeSet::from(["a".to_string(), "b".into(), "c".into()]);
        assert_eq!(select(&chain, &["a/x"]), want, "dependents of dependents");
    }

    #[test]
    fn fail_fast_skips_the_dependents_of_a_failed_job() {
        let p = pipeline(PIPELINE);
        let plan = plan(&p).unwrap();
        let mut calls = vec![];
        let status = run(&p, &plan, |job| {
            calls.push(job.to_string());
            job != "build"
        });
        assert_eq!(calls, names(&["build", "docs", "lint"]), "in stage order");
        let want = [
            ("build", Status::Failed),
            ("deploy", Status::Skipped),
            ("docs", Status::Passed),
            ("lint", Status::Passed),
            ("unit", Status::Skipped),
        ];
        let want: BTreeMap<String, Status> =
            want.iter().map(|(j, s)| (j.to_string(), *s)).collect();
        assert_eq!(status, want);
        let status = run(&p, &plan, |job| job != "docs");
        assert_eq!(status["unit"], Status::Passed, "not a dependent of docs");
        assert_eq!(status["deploy"], Status::Skipped);
        let status = run(&p, &plan, |_| true);
        assert!(status.values().all(|s| *s == Status::Passed), "{status:?}");
    }

    #[test]
    fn the_parser_reads_settings_and_refuses_mistakes() {
        let p = pipeline(PIPELINE);
        let unit = &p["unit"];
        assert_eq!(unit.needs, BTreeSet::from(["build".to_string()]));
        assert_eq!(unit.paths, names(&["src/**", "tests/**"]));
        assert!(parse("a\na").is_err(), "defined twice");
        assert!(parse("a need=b").is_err(), "unknown setting");
    }
}
