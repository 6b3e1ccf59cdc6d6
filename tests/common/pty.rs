//! Watch mode as a person meets it: backlings in a real pseudo-terminal, its output read into
//! a terminal emulator (vt100), so tests assert on what the screen shows. Every frame backlings
//! draws is kept, so that a verdict that flashed by is seen too. Waiting is always for
//! something to appear, with a generous upper bound that only a failure reaches.

use std::collections::hash_map::DefaultHasher;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::TestCourse;

/// Upper bound for anything to appear on screen; reached only when something is wrong.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// What backlings draws before each frame: home, then clear the screen.
const CLEAR: &[u8] = b"\x1b[H\x1b[2J";

/// A running `backlings` (watch mode) in a pseudo-terminal.
pub struct Watch {
    child: Child,
    master: File,
    /// Kept open so that the terminal's settings can be read after backlings exits.
    slave: OwnedFd,
    seen: Arc<(Mutex<Seen>, Condvar)>,
    /// Frames before this one have been matched past by [`Watch::expect`].
    cursor: usize,
    log: std::path::PathBuf,
}

struct Seen {
    parser: vt100::Parser,
    /// The text of every finished frame, in order.
    frames: Vec<String>,
    /// Everything backlings wrote, escape sequences included.
    raw: Vec<u8>,
    /// Bytes not fed to the emulator yet: a clear sequence may be split between reads.
    pending: Vec<u8>,
    exited: Option<ExitStatus>,
    /// The reader has read everything written before [`DRAINED`] (see `expect_exit`).
    drained: bool,
}

/// Written to the terminal after backlings exits and cut out of what is seen: once the reader
/// sees it, it has seen everything backlings wrote (a terminal is first in, first out).
const DRAINED: &[u8] = b"\x1b]backlings-tests-drained\x07";

/// Where, in the test's course folder, the learner's configuration folder is
/// (`XDG_CONFIG_HOME`): the settings of whoever runs the tests never count.
pub const LEARNER_CONFIG: &str = "learner-config";

/// How a test starts watch mode.
pub struct Start<'a> {
    pub args: &'a [&'a str],
    pub size: (u16, u16),
    pub env: Vec<(&'a str, String)>,
    /// A shell command run first, in the same terminal (`{}` is backlings).
    pub shell: Option<&'a str>,
}

impl Default for Start<'_> {
    fn default() -> Self {
        Self {
            args: &[],
            size: (100, 40),
            env: vec![("NO_COLOR", "1".to_string())],
            shell: None,
        }
    }
}

impl Watch {
    /// `backlings` in `course`, colour off, in a 100×40 terminal.
    pub fn start(course: &TestCourse) -> Self {
        Self::start_with(course, Start::default())
    }

    /// `backlings ARGS` in `course`, otherwise as [`Watch::start`].
    pub fn start_with_args(course: &TestCourse, args: &[&str]) -> Self {
        Self::start_with(
            course,
            Start {
                args,
                ..Start::default()
            },
        )
    }

    pub fn start_with(course: &TestCourse, start: Start) -> Self {
        let (columns, rows) = start.size;
        let (master, slave) = open_pty(columns, rows);
        let backlings = assert_cmd::cargo::cargo_bin("backlings");
        let mut command = match start.shell {
            Some(shell) => {
                let mut c = Command::new("sh");
                c.arg("-c")
                    .arg(shell.replace("{}", &backlings.display().to_string()));
                c
            }
            None => Command::new(&backlings),
        };
        let log = course.file("watch.log");
        command
            .current_dir(course.path())
            .args(start.args)
            .env_remove("NO_COLOR")
            .env("TERM", "xterm-256color")
            .env("BACKLINGS_WATCH_LOG", &log)
            // The learner's settings: none, unless a test writes them (see `LEARNER_CONFIG`).
            .env("XDG_CONFIG_HOME", course.file(LEARNER_CONFIG))
            .envs(start.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave.try_clone().unwrap()));
        // SAFETY: between fork and exec only async-signal-safe calls: a new session, whose
        // controlling terminal is the pty, as a terminal emulator does.
        unsafe {
            command.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command
            .spawn()
            .expect("backlings starts in a pseudo-terminal");
        let seen = Arc::new((
            Mutex::new(Seen {
                parser: vt100::Parser::new(nonzero(rows), nonzero(columns), 1000),
                frames: Vec::new(),
                raw: Vec::new(),
                pending: Vec::new(),
                exited: None,
                drained: false,
            }),
            Condvar::new(),
        ));
        read_output(master.try_clone().unwrap(), seen.clone());
        wait_for_exit(child.id(), seen.clone());
        Self {
            child,
            master,
            slave,
            seen,
            cursor: 0,
            log,
        }
    }

    /// Waits until a frame drawn since the last match shows `text`, and returns that frame.
    /// Text may be wrapped differently: any run of spaces and line breaks matches any other.
    pub fn expect(&mut self, text: &str) -> String {
        let wanted = squeeze(text);
        self.expect_where(text, |frame| squeeze(frame).contains(&wanted))
    }

    /// Waits until a frame drawn since the last match satisfies `wanted`.
    pub fn expect_where(&mut self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        let shared = Arc::clone(&self.seen);
        let mut seen = shared.0.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(i) = (self.cursor..seen.frames.len()).find(|&i| wanted(&seen.frames[i])) {
                self.cursor = i;
                return seen.frames[i].clone();
            }
            let now = seen.parser.screen().contents();
            if wanted(&now) {
                self.cursor = seen.frames.len();
                return now;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if seen.exited.is_some() || left.is_zero() {
                let how = match seen.exited {
                    Some(status) => format!("backlings exited ({status})"),
                    None => format!("not within {PATIENCE:?}"),
                };
                panic!(
                    "expected the screen to show {what:?}, {how}. The screen:\n{now}\n--- log:\n{}",
                    self.log().join("\n")
                );
            }
            seen = shared.1.wait_timeout(seen, left).unwrap().0;
        }
    }

    /// Types `keys`.
    pub fn press(&mut self, keys: &str) {
        self.master.write_all(keys.as_bytes()).unwrap();
        self.master.flush().unwrap();
    }

    /// What the screen shows now, row by row.
    pub fn rows(&self) -> Vec<String> {
        let seen = self.lock();
        let (_, columns) = seen.parser.screen().size();
        seen.parser.screen().rows(0, columns.get()).collect()
    }

    /// Whether some row of the screen holds `text` now. After `expect_exit`, which reads
    /// everything the process wrote, this sees its last words for sure.
    pub fn shows(&self, text: &str) -> bool {
        self.rows().iter().any(|row| row.contains(text))
    }

    /// Whether row `row` runs on into the next one (the terminal wrapped it).
    pub fn row_wrapped(&self, row: u16) -> bool {
        self.lock().parser.screen().row_wrapped(row)
    }

    /// Everything backlings wrote so far, escape sequences included.
    pub fn raw(&self) -> Vec<u8> {
        self.lock().raw.clone()
    }

    /// The lines above the screen that scrolled off into the scrollback.
    pub fn scrollback(&self) -> String {
        let mut seen = self.lock();
        let screen = seen.parser.screen_mut();
        screen.set_scrollback(usize::MAX);
        let text = screen.contents();
        screen.set_scrollback(0);
        text
    }

    pub fn cursor_hidden(&self) -> bool {
        self.lock().parser.screen().hide_cursor()
    }

    /// Whether the terminal shows its alternate screen (as full-screen programs do).
    pub fn on_alternate_screen(&self) -> bool {
        self.lock().parser.screen().alternate_screen()
    }

    /// The window title last set by what backlings wrote (OSC 0 or 2), if any was.
    pub fn window_title(&self) -> Option<String> {
        let raw = self.raw();
        let seen = self.lock();
        let (rows, columns) = seen.parser.screen().size();
        let mut replay = vt100::Parser::new_with_callbacks(rows, columns, 0, TitleSpy::default());
        replay.process(&raw);
        replay.callbacks().title.clone()
    }

    /// Changes the terminal's size, as a person dragging the window's corner does.
    pub fn resize(&mut self, columns: u16, rows: u16) {
        self.lock().parser.set_size(nonzero(rows), nonzero(columns));
        set_size(&self.master, columns, rows);
    }

    /// Sends `signal` to backlings.
    /// The process id of backlings.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn signal(&self, signal: i32) {
        // SAFETY: kill has no memory-safety preconditions.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, signal);
        }
    }

    /// Waits for backlings to exit.
    pub fn expect_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = self.lock();
        while seen.exited.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "backlings did not exit within {PATIENCE:?}. The screen:\n{}",
                seen.parser.screen().contents()
            );
            seen = self.seen.1.wait_timeout(seen, left).unwrap().0;
        }
        // What backlings wrote last (the cursor shown again) may still be in the terminal:
        // wait until the reader is past it.
        if !seen.drained {
            File::from(self.slave.try_clone().unwrap())
                .write_all(DRAINED)
                .unwrap();
        }
        while !seen.drained {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "the terminal's output was not read to its end"
            );
            seen = self.seen.1.wait_timeout(seen, left).unwrap().0;
        }
        seen.exited.unwrap()
    }

    /// Whether the terminal takes lines with echo (as a shell needs it), rather than single
    /// keys without echo (raw mode).
    pub fn terminal_is_cooked(&self) -> bool {
        // SAFETY: `termios` is a valid, zeroed struct that tcgetattr fills in.
        let termios = unsafe {
            let mut termios: libc::termios = std::mem::zeroed();
            assert_eq!(libc::tcgetattr(self.slave.as_raw_fd(), &mut termios), 0);
            termios
        };
        termios.c_lflag & libc::ICANON != 0 && termios.c_lflag & libc::ECHO != 0
    }

    /// The lines of watch mode's log (`BACKLINGS_WATCH_LOG`).
    pub fn log(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Waits until watch mode's log satisfies `wanted`.
    pub fn expect_log(&self, what: &str, wanted: impl Fn(&[String]) -> bool) {
        eventually(
            || wanted(&self.log()),
            || format!("the log to show {what}; it has:\n{}", self.log().join("\n")),
        );
    }

    /// The contents whose checks started, in order, as [`content_id`]s.
    pub fn checks_of(&self, name: &str) -> Vec<String> {
        let prefix = format!("check {name} ");
        self.log()
            .iter()
            .filter_map(|line| line.strip_prefix(&prefix).map(str::to_string))
            .collect()
    }

    fn lock(&self) -> MutexGuard<'_, Seen> {
        self.seen.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if self.lock().exited.is_none() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Waits until `done` holds, for what announces itself in no way a test can wait on (a file
/// written, a process gone): looks again every few milliseconds, and after [`PATIENCE`]
/// fails saying what was `expected`.
pub fn eventually(mut done: impl FnMut() -> bool, expected: impl Fn() -> String) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "expected {}", expected());
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// How watch mode's log names a file's content: std's hasher over its bytes.
pub fn content_id(content: &str) -> String {
    let mut hasher = DefaultHasher::new();
    content.as_bytes().hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Records the window titles a terminal is asked to show.
#[derive(Default)]
struct TitleSpy {
    title: Option<String>,
}

impl vt100::Callbacks for TitleSpy {
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.title = Some(String::from_utf8_lossy(title).into_owned());
    }
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn nonzero(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("a terminal has at least one row and column")
}

fn open_pty(columns: u16, rows: u16) -> (File, OwnedFd) {
    let (mut master, mut slave) = (0, 0);
    let size = winsize(columns, rows);
    // SAFETY: openpty fills in two descriptors, which are then owned here.
    unsafe {
        assert_eq!(
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size
            ),
            0,
            "openpty: {}",
            std::io::Error::last_os_error()
        );
        (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave))
    }
}

fn winsize(columns: u16, rows: u16) -> libc::winsize {
    libc::winsize {
        ws_row: rows,
        ws_col: columns,
        ws_xpixel: 0,
        ws_ypixel: 0,
    }
}

fn set_size(master: &File, columns: u16, rows: u16) {
    let size = winsize(columns, rows);
    // SAFETY: TIOCSWINSZ reads a valid winsize; the kernel then signals SIGWINCH.
    unsafe {
        assert_eq!(libc::ioctl(master.as_raw_fd(), libc::TIOCSWINSZ, &size), 0);
    }
}

/// Feeds everything backlings writes to the emulator, keeping each frame as it is finished.
fn read_output(mut master: File, seen: Arc<(Mutex<Seen>, Condvar)>) {
    std::thread::spawn(move || {
        let mut buffer = [0; 8192];
        while let Ok(n) = master.read(&mut buffer) {
            if n == 0 {
                break;
            }
            let mut guard = seen.0.lock().unwrap_or_else(|e| e.into_inner());
            let s = &mut *guard;
            let mut chunk = buffer[..n].to_vec();
            // Written at once after everything else, so it arrives whole and last.
            if let Some(at) = find(&chunk, DRAINED) {
                chunk.drain(at..at + DRAINED.len());
                s.drained = true;
            }
            s.raw.extend_from_slice(&chunk);
            s.pending.extend_from_slice(&chunk);
            while let Some(at) = find(&s.pending, CLEAR) {
                s.parser.process(&s.pending[..at]);
                let frame = s.parser.screen().contents();
                if !frame.trim().is_empty() {
                    s.frames.push(frame);
                }
                s.parser.process(CLEAR);
                s.pending.drain(..at + CLEAR.len());
            }
            // Keep back only what may be the start of a clear sequence.
            let keep = (1..CLEAR.len())
                .rev()
                .find(|&k| s.pending.ends_with(&CLEAR[..k]))
                .unwrap_or(0);
            let ready = s.pending.len() - keep;
            s.parser.process(&s.pending[..ready]);
            s.pending.drain(..ready);
            seen.1.notify_all();
        }
    });
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Marks the session exited when backlings ends (without reaping it: `Drop` does).
fn wait_for_exit(pid: u32, seen: Arc<(Mutex<Seen>, Condvar)>) {
    std::thread::spawn(move || {
        let status = loop {
            let mut status = 0;
            // SAFETY: waitpid on our own child, writing into a local.
            let result = unsafe { libc::waitpid(pid as libc::pid_t, &mut status, 0) };
            if result == pid as libc::pid_t {
                break std::os::unix::process::ExitStatusExt::from_raw(status);
            }
            if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                return;
            }
        };
        let mut guard = seen.0.lock().unwrap_or_else(|e| e.into_inner());
        guard.exited = Some(status);
        seen.1.notify_all();
    });
}
