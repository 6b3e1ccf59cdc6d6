//! Every way editors save a file is one save: the exercise is checked once, with the content
//! on disk. Editors' temporary and backup files, other exercises and `touch` are not saves.
//! Each case runs with the system's file events and with polling (`--poll`).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::pty::{Watch, content_id};
use crate::common::{Ex, FAILS, PASSES, TestCourse};

/// A later edit whose failing test names itself, so the screen shows when it was checked.
const LATER: &str = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() {\n        assert_eq!(1 + 1, 3, \"checked the later edit\");\n    }\n}\n";

/// How editors write `content` to `path`, step by step, as plain file operations.
mod editor {
    use super::*;

    /// VS Code, nano: truncate the file and write it.
    pub fn in_place(path: &Path, content: &str) {
        fs::write(path, content).unwrap();
    }

    /// An atomic save: write a temporary file beside it, rename it over the original.
    pub fn write_then_rename(path: &Path, content: &str) {
        let temporary = beside(path, ".first.rs.tmp.8123");
        fs::write(&temporary, content).unwrap();
        fs::rename(&temporary, path).unwrap();
    }

    /// vim's default: probe that the directory is writable with a file named `4913`, move
    /// the original to `name.rs~`, write a new file, delete the backup.
    pub fn vim(path: &Path, content: &str) {
        let probe = beside(path, "4913");
        fs::write(&probe, "").unwrap();
        fs::remove_file(&probe).unwrap();
        let backup = suffixed(path, "~");
        fs::rename(path, &backup).unwrap();
        fs::write(path, content).unwrap();
        fs::remove_file(&backup).unwrap();
    }

    /// JetBrains' safe write: write `name.rs___jb_tmp___`, move the original to
    /// `name.rs___jb_old___`, move the new file in place, delete the old one.
    pub fn jetbrains(path: &Path, content: &str) {
        let temporary = suffixed(path, "___jb_tmp___");
        let old = suffixed(path, "___jb_old___");
        fs::write(&temporary, content).unwrap();
        fs::rename(path, &old).unwrap();
        fs::rename(&temporary, path).unwrap();
        fs::remove_file(&old).unwrap();
    }

    /// Delete the file, then create it anew.
    pub fn delete_then_create(path: &Path, content: &str) {
        fs::remove_file(path).unwrap();
        fs::write(path, content).unwrap();
    }

    fn beside(path: &Path, name: &str) -> PathBuf {
        path.with_file_name(name)
    }

    fn suffixed(path: &Path, suffix: &str) -> PathBuf {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    }
}

/// A course whose current exercise `first` fails; watch mode started and its verdict shown.
fn watching(args: &'static [&'static str]) -> (TestCourse, Watch, PathBuf) {
    let course = TestCourse::new(&[Ex::new("first", FAILS), Ex::new("second", FAILS)]);
    let mut watch = Watch::start_with_args(&course, args);
    watch.expect("first: 1 of 1 tests fail");
    let first = course.file(&TestCourse::exercise("first"));
    (course, watch, first)
}

/// Saves [`LATER`] in place and waits for its verdict. The watcher reports events in order,
/// so once that verdict is on screen every event of what was done before has been handled.
fn save_later_and_see_it(watch: &mut Watch, first: &Path) {
    editor::in_place(first, LATER);
    watch.expect("checked the later edit");
}

fn saved_once(args: &'static [&'static str], save: fn(&Path, &str)) {
    let (_course, mut watch, first) = watching(args);
    save(&first, PASSES);
    watch.expect("first is done!");
    save_later_and_see_it(&mut watch, &first);
    assert_eq!(
        watch.checks_of("first"),
        [content_id(FAILS), content_id(PASSES), content_id(LATER)],
        "one check per save; the log:\n{}",
        watch.log().join("\n")
    );
}

const EVENTS: &[&str] = &[];
const POLLING: &[&str] = &["--poll"];

#[test]
fn a_save_in_place_is_checked_once() {
    saved_once(EVENTS, editor::in_place);
}

#[test]
fn a_save_in_place_is_checked_once_when_polling() {
    saved_once(POLLING, editor::in_place);
}

#[test]
fn an_atomic_save_is_checked_once() {
    saved_once(EVENTS, editor::write_then_rename);
}

#[test]
fn an_atomic_save_is_checked_once_when_polling() {
    saved_once(POLLING, editor::write_then_rename);
}

#[test]
fn a_vim_save_is_checked_once() {
    saved_once(EVENTS, editor::vim);
}

#[test]
fn a_vim_save_is_checked_once_when_polling() {
    saved_once(POLLING, editor::vim);
}

#[test]
fn a_jetbrains_safe_write_is_checked_once() {
    saved_once(EVENTS, editor::jetbrains);
}

#[test]
fn a_jetbrains_safe_write_is_checked_once_when_polling() {
    saved_once(POLLING, editor::jetbrains);
}

#[test]
fn delete_then_create_is_checked_once() {
    saved_once(EVENTS, editor::delete_then_create);
}

#[test]
fn delete_then_create_is_checked_once_when_polling() {
    saved_once(POLLING, editor::delete_then_create);
}

const EDITOR_FILES: [&str; 6] = [
    "4913",
    "first.rs~",
    "first.rs___jb_tmp___",
    "first.rs___jb_old___",
    ".first.rs.swp",
    ".first.rs.tmp.8123",
];

fn nothing_else_is_a_save(args: &'static [&'static str]) {
    let (course, mut watch, first) = watching(args);
    for name in EDITOR_FILES {
        fs::write(first.with_file_name(name), PASSES).unwrap();
    }
    editor::in_place(&course.file(&TestCourse::exercise("second")), PASSES);
    // `touch`: a newer modification time, the same content.
    let modified = fs::metadata(&first).unwrap().modified().unwrap();
    let file = fs::File::options().write(true).open(&first).unwrap();
    file.set_modified(modified + Duration::from_secs(10))
        .unwrap();
    drop(file);
    // Wait until watch mode has looked at the file again: a save now would be handled
    // together with the touch, and hide what the touch did.
    let unchanged = format!("first {}", content_id(FAILS));
    watch.expect_log("the touched file looked at again", |log| {
        let checks = log.iter().filter(|l| **l == format!("check {unchanged}"));
        log.contains(&format!("unchanged {unchanged}")) || checks.count() > 1
    });

    save_later_and_see_it(&mut watch, &first);
    let log = watch.log();
    assert_eq!(
        watch.checks_of("first"),
        [content_id(FAILS), content_id(LATER)],
        "only the later edit was checked; the log:\n{}",
        log.join("\n")
    );
    assert_eq!(watch.checks_of("second"), Vec::<String>::new());
    for name in EDITOR_FILES {
        let path = first.with_file_name(name).display().to_string();
        assert!(
            log.iter()
                .any(|line| line.ends_with(&format!("{path} -> ignored"))),
            "{name} was seen and ignored; the log:\n{}",
            log.join("\n")
        );
    }
}

#[test]
fn editor_files_other_exercises_and_touch_are_not_saves() {
    nothing_else_is_a_save(EVENTS);
}

#[test]
fn editor_files_other_exercises_and_touch_are_not_saves_when_polling() {
    nothing_else_is_a_save(POLLING);
}

fn two_quick_saves(args: &'static [&'static str]) {
    let (_course, mut watch, first) = watching(args);
    editor::in_place(&first, PASSES);
    // The second save follows while the first may be under check: the case being tested.
    std::thread::sleep(Duration::from_millis(50));
    save_later_and_see_it(&mut watch, &first);
    let checks = watch.checks_of("first");
    let later = content_id(LATER);
    assert_eq!(
        checks.last(),
        Some(&later),
        "the log:\n{}",
        watch.log().join("\n")
    );
    assert_eq!(checks.iter().filter(|&c| *c == later).count(), 1);
    // No verdict on the first save once the second one was being checked.
    let log = watch.log();
    let later_started = log
        .iter()
        .position(|line| *line == format!("check first {later}"))
        .unwrap();
    assert!(
        !log[later_started..]
            .iter()
            .any(|line| line.starts_with(&format!("verdict first {}", content_id(PASSES)))),
        "a stale verdict was shown; the log:\n{}",
        log.join("\n")
    );
}

#[test]
fn two_saves_50_ms_apart_check_the_final_content_once() {
    two_quick_saves(EVENTS);
}

#[test]
fn two_saves_50_ms_apart_check_the_final_content_once_when_polling() {
    two_quick_saves(POLLING);
}
