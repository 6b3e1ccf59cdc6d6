//! Noticing saves. The system's file events (inotify) where they work; content-compared
//! polling where they cannot (the watcher does not start, or the course lies on a filesystem
//! that does not deliver events for saves made elsewhere); nothing at all in manual mode.
//! Whichever is chosen, the learner is told why in one line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::{EventKind, PollWatcher, RecursiveMode, Watcher};

use super::events::Event;
use super::trace;
use crate::course::Course;
use crate::error::{Error, Result};

/// How saves are noticed, as asked on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noticing {
    /// The system's file events, or polling where they cannot work.
    Events,
    /// Polling (`--poll`).
    Polling,
    /// Not at all: `r` checks (`--manual`).
    Manual,
}

/// How often polling reads the exercise files. Every file's content is hashed on each pass
/// (a course's files are small: well under a millisecond), so that saves within the same
/// second are seen, which whole-second mtimes would miss.
const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// The running watcher (dropped: watching stops) and the line that tells the learner how saves
/// are noticed, when it is not the usual way.
pub struct Watching {
    _watcher: Option<Box<dyn Watcher>>,
    pub note: Option<String>,
}

/// Starts noticing saves of the course's exercise files, reported on `tx`.
pub fn start(course: &Course, noticing: Noticing, tx: Sender<Event>) -> Result<Watching> {
    let dir = course.root.join("exercises");
    let files: HashMap<PathBuf, usize> = course
        .exercises
        .iter()
        .enumerate()
        .map(|(i, e)| (course.root.join(e.path()), i))
        .collect();
    let handler = |files: HashMap<PathBuf, usize>, tx: Sender<Event>| {
        move |event: notify::Result<notify::Event>| on_event(&files, &tx, event)
    };
    let reason = match noticing {
        Noticing::Manual => {
            trace::log(format_args!("watching: manual"));
            return Ok(Watching {
                _watcher: None,
                note: Some("Manual mode: saves are not checked; press r to check.".to_string()),
            });
        }
        Noticing::Polling => "as asked (--poll)".to_string(),
        Noticing::Events => {
            let attempt = match no_events_reason(&dir) {
                Some(reason) => Err(reason),
                None => native(&dir, handler(files.clone(), tx.clone())),
            };
            match attempt {
                Ok(watcher) => {
                    trace::log(format_args!("watching: events"));
                    return Ok(Watching {
                        _watcher: Some(watcher),
                        note: None,
                    });
                }
                Err(reason) => reason,
            }
        }
    };
    trace::log(format_args!("watching: polling, {reason}"));
    let config = notify::Config::default()
        .with_poll_interval(POLL_INTERVAL)
        .with_compare_contents(true);
    let watcher = PollWatcher::new(handler(files, tx), config)
        .and_then(|mut w| w.watch(&dir, RecursiveMode::Recursive).map(|()| w))
        .map_err(|e| {
            Error::environment(format!(
                "could not watch {} for saves: {e}\n  \
                 Start with `backlings --manual` and press r to check after each save.",
                dir.display()
            ))
        })?;
    Ok(Watching {
        _watcher: Some(Box::new(watcher)),
        note: Some(format!("Watching for saves by polling: {reason}.")),
    })
}

/// The system's watcher on `dir`, or why it could not start.
fn native(
    dir: &Path,
    handler: impl notify::EventHandler,
) -> std::result::Result<Box<dyn Watcher>, String> {
    let started = notify::recommended_watcher(handler)
        .and_then(|mut w| w.watch(dir, RecursiveMode::Recursive).map(|()| w));
    match started {
        Ok(watcher) => Ok(Box::new(watcher)),
        Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => {
            Err("the system's limit on inotify watches is reached \
             (raise fs.inotify.max_user_watches to use file events)"
                .to_string())
        }
        Err(e) => Err(format!("file events could not start ({e})")),
    }
}

/// Reports a save when the event touches an exercise file. Editors' temporary and backup
/// files (`4913`, `x.rs~`, `x.rs___jb_tmp___`, `.x.rs.swp`) are other paths, so they are
/// ignored; the directory is watched rather than each file, since a rename-style save would
/// end a single file's watch.
fn on_event(
    files: &HashMap<PathBuf, usize>,
    tx: &Sender<Event>,
    event: notify::Result<notify::Event>,
) {
    let event = match event {
        Ok(event) => event,
        Err(e) => {
            // Events may have been lost with the error: look at the file again.
            trace::log(format_args!("watch error: {e}"));
            let _ = tx.send(Event::Rescan);
            return;
        }
    };
    if event.need_rescan() {
        trace::log(format_args!("rescan: the system dropped events"));
        let _ = tx.send(Event::Rescan);
        return;
    }
    if !is_write(&event.kind) {
        return; // the compiler reading the file
    }
    for path in &event.paths {
        let exercise = files.get(path);
        trace::log(format_args!(
            "file {:?} {} -> {}",
            event.kind,
            path.display(),
            if exercise.is_some() {
                "save"
            } else {
                "ignored"
            }
        ));
        if let Some(&index) = exercise {
            let _ = tx.send(Event::Saved(index));
        }
    }
}

/// Events that can change a file's contents; reads by the compiler (open, access, close
/// without write) are not saves.
fn is_write(kind: &EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode};
    matches!(
        kind,
        EventKind::Create(_)
            | EventKind::Modify(_)
            | EventKind::Remove(_)
            | EventKind::Access(AccessKind::Close(AccessMode::Write))
    )
}

/// Why file events cannot be trusted for `dir`, if they cannot.
fn no_events_reason(dir: &Path) -> Option<String> {
    let wsl = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .is_ok_and(|release| release.to_lowercase().contains("microsoft"));
    reason_for(filesystem_type(dir)?, wsl, dir)
}

/// Filesystems that do not report saves made on the other side: by another machine, or by
/// the Windows host of WSL or of a virtual machine.
fn reason_for(fs_type: u32, wsl: bool, dir: &Path) -> Option<String> {
    const NFS: u32 = 0x6969;
    const SMB: u32 = 0x517b;
    const CIFS: u32 = 0xff53_4d42;
    const SMB2: u32 = 0xfe53_4d42;
    const V9FS: u32 = 0x0102_1997;
    const VBOXSF: u32 = 0x786f_4256;
    let on_windows_drive = {
        let mut parts = dir
            .components()
            .skip(1)
            .map(|c| c.as_os_str().to_string_lossy());
        parts.next().as_deref() == Some("mnt")
            && parts.next().is_some_and(|drive| {
                drive.len() == 1 && drive.chars().all(|c| c.is_ascii_alphabetic())
            })
    };
    let place = match fs_type {
        _ if wsl && on_windows_drive => {
            "the course is on a Windows drive, where WSL does not report saves made by Windows editors"
        }
        NFS => "the course is on NFS, which does not report saves made on other machines",
        SMB | CIFS | SMB2 => {
            "the course is on a network share (SMB), which does not report saves made elsewhere"
        }
        V9FS | VBOXSF => {
            "the course is in a shared folder, which does not report saves made by the host"
        }
        _ => return None,
    };
    Some(place.to_string())
}

#[cfg(target_os = "linux")]
fn filesystem_type(dir: &Path) -> Option<u32> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: `path` is a valid C string and `info` a zeroed statfs that the call fills in.
    let (result, info) = unsafe {
        let mut info: libc::statfs = std::mem::zeroed();
        (libc::statfs(path.as_ptr(), &mut info), info)
    };
    // Magic numbers are 32 bits; `f_type`'s width differs between platforms.
    (result == 0).then_some(info.f_type as u32)
}

#[cfg(not(target_os = "linux"))]
fn filesystem_type(_dir: &Path) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXT4: u32 = 0xef53;

    #[test]
    fn backlings_temporary_files_are_not_saves_but_the_rename_that_ends_a_write_is() {
        use notify::event::{CreateKind, ModifyKind, RenameMode};
        let exercise = PathBuf::from("/course/exercises/01/a.rs");
        let temporary = PathBuf::from("/course/exercises/01/.backlings-Ab12Cd.tmp");
        let files = HashMap::from([(exercise.clone(), 0)]);
        let (tx, rx) = std::sync::mpsc::channel();
        let event = |kind| notify::Event::new(kind);

        // reset (or a solution handed out) writing a temporary file, then renaming it.
        on_event(
            &files,
            &tx,
            Ok(event(EventKind::Create(CreateKind::File)).add_path(temporary.clone())),
        );
        on_event(
            &files,
            &tx,
            Ok(event(EventKind::Modify(ModifyKind::Name(RenameMode::Both)))
                .add_path(temporary)
                .add_path(exercise)),
        );

        let events: Vec<Event> = rx.try_iter().collect();
        assert!(
            matches!(events[..], [Event::Saved(0)]),
            "one save, of the exercise: {} events",
            events.len()
        );
    }

    #[test]
    fn network_and_shared_filesystems_are_polled() {
        let dir = Path::new("/home/me/course/exercises");
        for (fs_type, says) in [
            (0x6969, "NFS"),
            (0xff53_4d42, "SMB"),
            (0xfe53_4d42, "SMB"),
            (0x0102_1997, "shared folder"),
        ] {
            let reason = reason_for(fs_type, false, dir).expect("polled");
            assert!(reason.contains(says), "{fs_type:#x}: {reason}");
        }
    }

    #[test]
    fn local_filesystems_use_file_events() {
        assert_eq!(reason_for(EXT4, false, Path::new("/home/me/course")), None);
        assert_eq!(reason_for(EXT4, true, Path::new("/home/me/course")), None);
    }

    #[test]
    fn windows_drives_under_wsl_are_polled_whatever_they_report() {
        let on_c = Path::new("/mnt/c/Users/me/course/exercises");
        let reason = reason_for(EXT4, true, on_c).expect("polled");
        assert!(reason.contains("Windows drive"), "{reason}");
        assert_eq!(reason_for(EXT4, false, on_c), None, "not WSL");
        assert_eq!(
            reason_for(EXT4, true, Path::new("/mnt/data/course")),
            None,
            "not a drive letter"
        );
    }
}
