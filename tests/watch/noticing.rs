//! How saves are noticed: polling when asked or when file events cannot work (said in one
//! line, with the reason), and manual mode, where only `r` checks.

use std::fs;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use crate::common::pty::{Start, Watch, content_id};
use crate::common::{Ex, FAILS, PASSES, TestCourse};

fn course() -> TestCourse {
    TestCourse::new(&[Ex::new("first", FAILS), Ex::new("second", FAILS)])
}

/// A library that, preloaded, gives backlings a machine where file watching breaks (see
/// `fake_system.c`).
fn fake_system() -> &'static PathBuf {
    static LIBRARY: OnceLock<PathBuf> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/watch/fake_system.c");
        let library = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fake_system.so");
        let status = Command::new("cc")
            .args(["-shared", "-fPIC", "-o"])
            .arg(&library)
            .arg(&source)
            .arg("-ldl")
            .status()
            .expect("a C compiler (cc) builds the test's fake system library");
        assert!(status.success(), "cc could not build {}", source.display());
        library
    })
}

fn on_fake_system(course: &TestCourse, fake: (&'static str, &str)) -> Watch {
    Watch::start_with(
        course,
        Start {
            env: vec![
                ("NO_COLOR", "1".to_string()),
                ("LD_PRELOAD", fake_system().display().to_string()),
                (fake.0, fake.1.to_string()),
            ],
            ..Start::default()
        },
    )
}

/// Saves a fix, then a later edit with the same modification time, and sees both checked:
/// polling compares contents, not only times.
fn saves_are_seen(watch: &mut Watch, course: &TestCourse) {
    let first = course.file(&TestCourse::exercise("first"));
    watch.expect("first: 1 of 1 tests fail");
    fs::write(&first, PASSES).unwrap();
    watch.expect("first is done!");
    // Written aside with the first save's time, then moved in place: at no moment does the
    // file have a newer time.
    let modified = fs::metadata(&first).unwrap().modified().unwrap();
    let aside = first.with_file_name(".first.rs.new");
    fs::write(&aside, FAILS.replace("the sum is wrong", "a second save")).unwrap();
    let file = fs::File::options().write(true).open(&aside).unwrap();
    file.set_modified(modified).unwrap();
    drop(file);
    fs::rename(&aside, &first).unwrap();
    watch.expect("a second save");
}

#[test]
fn polling_when_asked_sees_saves_that_keep_the_modification_time() {
    let course = course();
    let mut watch = Watch::start_with_args(&course, &["--poll"]);
    watch.expect("Watching for saves by polling: as asked (--poll).");
    saves_are_seen(&mut watch, &course);
}

#[test]
fn when_file_events_cannot_start_polling_takes_over_and_says_why() {
    let course = course();
    let mut watch = on_fake_system(&course, ("FAKE_INOTIFY_ENOSPC", "1"));
    watch.expect(
        "Watching for saves by polling: the system's limit on inotify watches is reached \
         (raise fs.inotify.max_user_watches to use file events).",
    );
    saves_are_seen(&mut watch, &course);
}

#[test]
fn a_course_on_a_network_filesystem_is_polled_and_the_screen_says_why() {
    let course = course();
    let mut watch = on_fake_system(&course, ("FAKE_FS_TYPE", "0x6969"));
    watch.expect(
        "Watching for saves by polling: the course is on NFS, which does not report saves \
         made on other machines.",
    );
    saves_are_seen(&mut watch, &course);
}

#[test]
fn file_events_are_used_where_they_work_and_nothing_is_said() {
    let course = course();
    let mut watch = on_fake_system(&course, ("FAKE_FS_TYPE", "0xef53")); // ext4
    let frame = watch.expect("first: 1 of 1 tests fail");
    assert!(!frame.contains("polling"), "{frame}");
    assert!(watch.log().contains(&"watching: events".to_string()));
}

#[test]
fn in_manual_mode_only_r_checks() {
    let course = course();
    let mut watch = Watch::start_with_args(&course, &["--manual"]);
    watch.expect("Manual mode: saves are not checked; press r to check.");
    watch.expect("Press r to check first.");

    fs::write(course.file(&TestCourse::exercise("first")), PASSES).unwrap();
    watch.press("r");
    watch.expect("first is done!");
    watch.press("n");
    watch.expect("Press r to check second.");

    let log = watch.log();
    assert_eq!(watch.checks_of("first"), [content_id(PASSES)], "{log:?}");
    assert_eq!(watch.checks_of("second"), Vec::<String>::new(), "{log:?}");
    assert!(
        !log.iter().any(|line| line.starts_with("file ")),
        "nothing watches the files: {log:?}"
    );
}
