//! `backlings update`: a course written by `init` brings in the course of a newer backlings,
//! and nothing the learner wrote is lost. One binary carries one course, so each test makes
//! the course `init` wrote look like an older version: files and the record of what the
//! learner got (`.backlings/delivered/`) rewritten alike.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::{stderr, stdout};
use predicates::prelude::*;

const UNCHANGED: &str = "exercises/00_intro/intro_parse_port.rs";
const MERGES: &str = "exercises/00_intro/intro_status_line.rs";
const CONFLICTS: &str = "exercises/00_intro/intro_binary_search_ids.rs";
const NEW: &str = "exercises/00_intro/intro_clock_trait.rs";

struct Course {
    _temp: tempfile::TempDir,
    root: PathBuf,
}

impl Course {
    /// A course as `backlings init` writes it.
    fn init() -> Self {
        let temp = tempfile::tempdir().unwrap();
        backlings(temp.path(), &["init", "course"])
            .assert()
            .success();
        let root = temp.path().join("course");
        Self { _temp: temp, root }
    }

    fn read(&self, relative: &str) -> String {
        let path = self.root.join(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn write(&self, relative: &str, contents: &str) {
        let path = self.root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    /// The learner got `contents` as `relative`, and has not changed it.
    fn shipped_as(&self, relative: &str, contents: &str) {
        self.write(relative, contents);
        self.write(&delivered(relative), contents);
    }

    fn update(&self) -> String {
        let output = backlings(&self.root, &["update"]).output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    }
}

fn backlings(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("backlings").unwrap();
    cmd.current_dir(dir).args(args).env_remove("NO_COLOR");
    cmd
}

fn delivered(relative: &str) -> String {
    format!(".backlings/delivered/{relative}")
}

/// `text` with its first line replaced by `line`.
fn first_line(text: &str, line: &str) -> String {
    let (_, rest) = text.split_once('\n').unwrap();
    format!("{line}\n{rest}")
}

/// `text` with its last line replaced by `line`.
fn last_line(text: &str, line: &str) -> String {
    let body = text.strip_suffix('\n').unwrap();
    let (rest, _) = body.rsplit_once('\n').unwrap();
    format!("{rest}\n{line}\n")
}

/// info.toml without the entry of exercise `name`.
fn without_entry(info: &str, name: &str) -> String {
    let mut blocks: Vec<&str> = info.split("\n[[exercises]]\n").collect();
    let before = blocks.len();
    blocks.retain(|block| !block.starts_with(&format!("name = \"{name}\"")));
    assert_eq!(blocks.len(), before - 1, "{name}'s entry");
    blocks.join("\n[[exercises]]\n")
}

#[test]
fn update_brings_in_a_newer_course_and_keeps_everything_the_learner_wrote() {
    let course = Course::init();
    let new: Vec<String> = [UNCHANGED, MERGES, CONFLICTS, NEW, "info.toml"]
        .iter()
        .map(|f| course.read(f))
        .collect();
    // The older version: other first or last lines, no intro_clock_trait.
    course.shipped_as(UNCHANGED, &first_line(&new[0], "// the old version"));
    let old_merges = first_line(&new[1], "// the old version");
    course.write(&delivered(MERGES), &old_merges);
    let mine_merges = format!("{old_merges}// my notes at the end\n");
    course.write(MERGES, &mine_merges);
    let old_conflicts = last_line(&new[2], "// the old last line");
    course.write(&delivered(CONFLICTS), &old_conflicts);
    let mine_conflicts = last_line(&old_conflicts, "// my last line");
    course.write(CONFLICTS, &mine_conflicts);
    for file in [NEW.to_string(), delivered(NEW)] {
        std::fs::remove_file(course.root.join(file)).unwrap();
    }
    course.shipped_as("info.toml", &without_entry(&new[4], "intro_clock_trait"));
    course.write(
        ".backlings/state.toml",
        "current = \"intro_binary_search_ids\"\ndone = [\"intro_status_line\"]\n",
    );

    let said = course.update();

    assert_eq!(
        said.lines().take(5).collect::<Vec<_>>(),
        [
            "exercises/00_intro/intro_binary_search_ids.rs: you changed it, so it is kept; the \
             new version is exercises/00_intro/intro_binary_search_ids.rs.new",
            "exercises/00_intro/intro_clock_trait.rs: added",
            "exercises/00_intro/intro_parse_port.rs: updated",
            "exercises/00_intro/intro_status_line.rs: your changes merged into the new version; \
             yours before is saved as .backlings/backups/intro_status_line.1.rs",
            "info.toml: updated",
        ],
        "{said}"
    );
    assert!(said.contains("your progress is kept"), "{said}");
    assert_eq!(course.read(UNCHANGED), new[0]);
    assert_eq!(
        course.read(MERGES),
        format!("{}// my notes at the end\n", new[1])
    );
    assert_eq!(
        course.read(".backlings/backups/intro_status_line.1.rs"),
        mine_merges
    );
    assert_eq!(course.read(CONFLICTS), mine_conflicts, "kept as it is");
    assert_eq!(course.read(&format!("{CONFLICTS}.new")), new[2]);
    assert_eq!(course.read(NEW), new[3]);
    assert_eq!(course.read("info.toml"), new[4]);
    // What the learner has from the new version is recorded; a kept file's record stays the
    // version it comes from, the base of the next merge.
    assert_eq!(course.read(&delivered(MERGES)), new[1]);
    assert_eq!(course.read(&delivered(CONFLICTS)), old_conflicts);

    let list = backlings(&course.root, &["list"]).output().unwrap();
    let list = stdout(&list);
    // The exercise rows, without the header and the chapters' progress lines.
    let rows: Vec<&str> = list
        .lines()
        .skip(1)
        .filter(|line| !line.starts_with("──"))
        .take(4)
        .collect();
    assert!(rows[0].contains("intro_status_line") && rows[0].contains("done"));
    assert!(rows[2].starts_with('>') && rows[2].contains("intro_binary_search_ids"));
    assert!(rows[3].contains("intro_clock_trait"), "{list}");
}

#[test]
fn a_second_update_changes_nothing() {
    let course = Course::init();
    assert_eq!(
        course.update().lines().count(),
        1,
        "only the closing line: nothing to bring in"
    );
}

#[test]
fn without_a_record_every_file_that_differs_is_kept_with_the_new_version_beside_it() {
    let course = Course::init();
    std::fs::remove_dir_all(course.root.join(".backlings/delivered")).unwrap();
    let new = course.read(UNCHANGED);
    course.write(UNCHANGED, "// an older version, or mine: no record tells\n");
    // A file of the learner's where the new version would go is not overwritten either.
    course.write(&format!("{UNCHANGED}.new"), "// my own notes\n");

    let said = course.update();

    assert!(
        said.contains(&format!(
            "{UNCHANGED}: you changed it, so it is kept; the new version is {UNCHANGED}.new.2"
        )),
        "{said}"
    );
    assert_eq!(
        course.read(UNCHANGED),
        "// an older version, or mine: no record tells\n"
    );
    assert_eq!(
        course.read(&format!("{UNCHANGED}.new")),
        "// my own notes\n"
    );
    assert_eq!(course.read(&format!("{UNCHANGED}.new.2")), new);
}

#[test]
fn update_refuses_a_directory_that_init_did_not_write() {
    let temp = tempfile::tempdir().unwrap();
    backlings(temp.path(), &["update"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no course written by `backlings init`",
        ));
    assert_eq!(std::fs::read_dir(temp.path()).unwrap().count(), 0);
}

#[test]
fn an_edited_info_toml_is_treated_like_any_changed_file() {
    let course = Course::init();
    let new = course.read("info.toml");
    let old = without_entry(&new, "intro_clock_trait");
    course.write(&delivered("info.toml"), &old);
    let mine = format!("{old}# my note on the course\n");
    course.write("info.toml", &mine);
    std::fs::remove_file(course.root.join(NEW)).unwrap();

    let said = course.update();

    assert!(
        said.contains(
            "info.toml: your changes merged into the new version; yours before is \
                       saved as .backlings/backups/info.1.toml"
        ),
        "{said}"
    );
    assert_eq!(
        course.read("info.toml"),
        format!("{new}# my note on the course\n")
    );
    assert_eq!(course.read(".backlings/backups/info.1.toml"), mine);
}

#[test]
fn cargo_lock_is_cargos_file_the_new_version_always_replaces_it() {
    let course = Course::init();
    let new = course.read("Cargo.lock");
    let old = first_line(&new, "# an older course's lock");
    course.write(&delivered("Cargo.lock"), &old);
    let rewritten = format!("{old}# as the learner's cargo rewrote it\n");
    course.write("Cargo.lock", &rewritten);

    let said = course.update();

    assert!(
        said.contains(
            "Cargo.lock: updated (cargo had changed it; yours before is saved as \
             .backlings/backups/Cargo.1.lock)"
        ),
        "{said}"
    );
    assert_eq!(course.read("Cargo.lock"), new, "the new version's pins");
    assert_eq!(course.read(".backlings/backups/Cargo.1.lock"), rewritten);
    assert!(!course.root.join("Cargo.lock.new").exists());
}

#[test]
fn without_a_record_cargo_lock_is_replaced_too() {
    let course = Course::init();
    std::fs::remove_dir_all(course.root.join(".backlings/delivered")).unwrap();
    let new = course.read("Cargo.lock");
    course.write("Cargo.lock", "# an older course's lock\n");

    let said = course.update();

    assert!(
        said.contains("Cargo.lock: updated (cargo had changed it"),
        "{said}"
    );
    assert_eq!(course.read("Cargo.lock"), new);
}

#[test]
fn a_file_the_new_version_drops_is_kept_and_named() {
    let course = Course::init();
    let dropped = "exercises/00_intro/intro_dropped.rs";
    course.shipped_as(dropped, "// an exercise the older version had\n");
    course.write(
        &delivered("exercises/00_intro/gone_already.rs"),
        "// deleted by the learner\n",
    );

    let said = course.update();

    assert!(
        said.contains(&format!(
            "{dropped}: not in the new version of the course; kept as it is"
        )),
        "{said}"
    );
    assert!(!said.contains("gone_already"), "{said}");
    assert_eq!(
        course.read(dropped),
        "// an exercise the older version had\n"
    );
    assert!(!course.update().contains(dropped), "named once");
}

#[test]
fn a_record_that_is_a_link_is_refused_and_nothing_changes() {
    let course = Course::init();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("info.toml"), "# not the record\n").unwrap();
    std::fs::remove_dir_all(course.root.join(".backlings/delivered")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), course.root.join(".backlings/delivered")).unwrap();
    course.write(UNCHANGED, "// mine\n");

    backlings(&course.root, &["update"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("delivered is a link"));
    assert_eq!(course.read(UNCHANGED), "// mine\n");
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 1);
}
