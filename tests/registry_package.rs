//! The registry package, what `cargo install backlings` builds: the crate `cargo package` makes
//! of the committed tree carries the whole course, so that `backlings init` works with no
//! clone anywhere.
//!
//! A costly test: it builds the runner from the package and every exercise and solution of
//! the course it writes, about 100 s on a 2-core machine with little else running, 3.7 minutes
//! beside other builds (`cargo test --test registry_package` after `rm -rf
//! target/tmp/registry-package`). It keeps what it builds in `target/tmp/registry-package/`,
//! so a second run takes about 5 s: only what changed is built again (the runner's own crate,
//! incrementally). The course's dependencies are the ones `tests/bundled_course.rs` builds,
//! in the same build directory; so are tests/init.rs's courses, whose package cargo takes for
//! this test's (same name, same path relative to its root), so after them this test builds
//! the exercises again (20–30 s).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{all_files, shipped, stderr, stdout, sync};

/// What the test keeps between runs: the unpacked crate, its build, the installed runner
/// and the course it writes.
fn work_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("registry-package")
}

/// The cargo that runs these tests.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn succeed(command: &mut Command) -> std::process::Output {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}\n{}{}",
        stdout(&output),
        stderr(&output)
    );
    output
}

/// The committed tree, packaged by `cargo package` (outside any git checkout, so nothing
/// but the files decides what goes in), unpacked into `dir`. Only what changed is rewritten,
/// so the build of a crate that did not change stays fresh.
fn packaged_crate(dir: &Path) {
    let source = tempfile::tempdir().unwrap();
    let mut archive = Command::new("git")
        .current_dir(shipped::checkout())
        .args(["archive", "--format=tar", "HEAD"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    succeed(
        Command::new("tar")
            .current_dir(source.path())
            .args(["-xf", "-"])
            .stdin(archive.stdout.take().unwrap()),
    );
    assert!(archive.wait().unwrap().success(), "git archive HEAD");
    succeed(cargo().current_dir(source.path()).args([
        "package",
        "--offline",
        "--locked",
        "--no-verify",
    ]));
    let packages = source.path().join("target/package");
    let name = std::fs::read_dir(&packages)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "crate"))
        .expect("cargo package wrote a .crate");
    let unpacked = tempfile::tempdir().unwrap();
    succeed(
        Command::new("tar")
            .current_dir(unpacked.path())
            .arg("-xzf")
            .arg(&name),
    );
    let top = std::fs::read_dir(unpacked.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    sync(&top, dir);
}

/// `backlings init` into a new, empty directory, by the `backlings` at `program`.
fn init(program: &Path) -> tempfile::TempDir {
    let parent = tempfile::tempdir().unwrap();
    succeed(
        Command::new(program)
            .current_dir(parent.path())
            .args(["init", "course"]),
    );
    parent
}

#[test]
fn the_registry_package_installs_offline_and_inits_a_course_that_passes_dev_check_and_starts_unsolved()
 {
    let work = work_dir();
    let crate_dir = work.join("crate");
    packaged_crate(&crate_dir);
    let root = work.join("installed");
    succeed(
        cargo()
            .args(["install", "--offline", "--locked", "--debug", "--force"])
            // The runner's dependencies unoptimised: what is tested is what the package holds,
            // and their optimised build (the package's profile) takes three times the CPU.
            .args(["--config", "profile.dev.package.\"*\".opt-level=0"])
            .arg("--path")
            .arg(&crate_dir)
            .arg("--root")
            .arg(&root)
            .arg("--target-dir")
            .arg(work.join("build")),
    );
    let installed = root.join("bin/backlings");

    // The installed runner writes the course the checkout's runner writes (tests/init.rs:
    // the committed course), the course package's lock file included, not the runner's.
    let written = init(&installed);
    let written = written.path().join("course");
    let expected = init(Path::new(env!("CARGO_BIN_EXE_backlings")));
    let expected = expected.path().join("course");
    assert_eq!(all_files(&written), all_files(&expected));
    for file in all_files(&expected) {
        assert!(
            std::fs::read(written.join(&file)).unwrap()
                == std::fs::read(expected.join(&file)).unwrap(),
            "{} differs from what the checkout's backlings writes",
            file.display()
        );
    }

    // Kept between runs with a build directory whose dependencies are the bundled course's.
    let course = work.join("course");
    sync(&written, &course);
    if !course.join("target").exists() {
        std::fs::create_dir_all(shipped::build_target()).unwrap();
        std::os::unix::fs::symlink(shipped::build_target(), course.join("target")).unwrap();
    }
    let backlings = |args: &[&str]| {
        Command::new(&installed)
            .current_dir(&course)
            .args(args)
            .output()
            .unwrap()
    };

    // Every exercise fails as shipped, and every solution passes: the bundled ones, since a
    // new course shows none of them yet, and they stay out of solutions/.
    let check = backlings(&["dev", "check", "--compile-budget", "0", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&check.stdout)
        .unwrap_or_else(|e| panic!("{e}\n{}{}", stdout(&check), stderr(&check)));
    assert_eq!(report["status"], "pass", "{report:#}\n{}", stderr(&check));
    assert_eq!(check.status.code(), Some(0));
    let info: toml::Table = String::from_utf8(shipped::file("info.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let with_tests: Vec<&str> = info["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e.get("test").and_then(|t| t.as_bool()) != Some(false))
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    for name in with_tests {
        let entry = report["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("{name} is not in the report"));
        let ran = entry["tests"].as_array().unwrap().iter().any(|t| {
            !["fails as shipped", "info.toml entry", "compile budget"]
                .contains(&t["name"].as_str().unwrap())
                && t["status"] == "pass"
        });
        assert!(ran, "{name}'s solution ran no test: {entry:#}");
    }
    assert_eq!(
        common::files_under(&course, "solutions"),
        [Path::new("solutions/README.md")],
        "dev check hands out no solution"
    );

    // The learner's first step: the current exercise, the first, is not done yet.
    let first = backlings(&["run"]);
    assert_eq!(
        first.status.code(),
        Some(1),
        "{}{}",
        stdout(&first),
        stderr(&first)
    );
}
