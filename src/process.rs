//! Running a child process the way a checker must: in its own process group (a test may
//! spawn children), under a time limit, with its output captured into a bounded buffer, and
//! cancellable from another thread. When it ends, for whatever reason, the whole group is
//! killed, so no orphan survives it.

use std::io::{self, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// Every process group started and not yet reaped, so that a signal that ends backlings can
/// end them too (they are not in the terminal's foreground group, so Ctrl-C misses them).
static GROUPS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Kills every process group backlings started and has not finished with.
pub fn kill_all_groups() {
    for &pgid in GROUPS.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        kill_group(pgid);
    }
}

/// Kills what is left of the group led by `pgid` (call before reaping the leader) and stops
/// tracking it.
pub fn release_group(pgid: u32) {
    kill_group(pgid);
    GROUPS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|&g| g != pgid);
}

/// How much output is kept of one run: enough for any real test report, small enough that
/// a print loop cannot exhaust memory or flood the terminal.
pub const OUTPUT_CAP: usize = 1 << 20;

/// Cancels whatever process is currently registered with it, and every process started with
/// it afterwards. Cloning shares the token.
#[derive(Clone, Default)]
pub struct Cancel {
    inner: Arc<CancelInner>,
}

#[derive(Default)]
struct CancelInner {
    cancelled: AtomicBool,
    /// The process group currently running under this token.
    group: Mutex<Option<u32>>,
}

impl Cancel {
    /// Kills the running process group (if any) and refuses to start new ones.
    pub fn cancel(&self) {
        let group = self.inner.group.lock().unwrap_or_else(|e| e.into_inner());
        self.inner.cancelled.store(true, Ordering::SeqCst);
        if let Some(pgid) = *group {
            kill_group(pgid);
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    /// Registers the group of a freshly spawned process. Returns false (and kills the group)
    /// when the token was cancelled in the meantime.
    fn register(&self, pgid: u32) -> bool {
        let mut group = self.inner.group.lock().unwrap_or_else(|e| e.into_inner());
        if self.is_cancelled() {
            kill_group(pgid);
            return false;
        }
        *group = Some(pgid);
        true
    }

    fn unregister(&self) {
        *self.inner.group.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// Output kept from a run: the head and the tail, and how much was cut between them.
#[derive(Debug, Default)]
pub struct Captured {
    head: Vec<u8>,
    tail: Vec<u8>,
    /// Total bytes the process wrote.
    total: usize,
    cap: usize,
}

impl Captured {
    fn with_cap(cap: usize) -> Self {
        Self {
            cap,
            ..Self::default()
        }
    }

    fn push(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len();
        let head_room = (self.cap / 2).saturating_sub(self.head.len());
        let to_head = head_room.min(bytes.len());
        self.head.extend_from_slice(&bytes[..to_head]);
        bytes = &bytes[to_head..];
        if bytes.is_empty() {
            return;
        }
        let tail_cap = self.cap - self.cap / 2;
        if bytes.len() >= tail_cap {
            self.tail.clear();
            self.tail
                .extend_from_slice(&bytes[bytes.len() - tail_cap..]);
        } else {
            let overflow = (self.tail.len() + bytes.len()).saturating_sub(tail_cap);
            self.tail.drain(..overflow);
            self.tail.extend_from_slice(bytes);
        }
    }

    /// Bytes written but not kept.
    pub fn cut(&self) -> usize {
        self.total - self.head.len() - self.tail.len()
    }

    /// The kept output as text, with a line that says how much was cut.
    pub fn text(&self) -> String {
        let mut text = String::from_utf8_lossy(&self.head).into_owned();
        if self.cut() > 0 {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&format!(
                "[… {} bytes of output cut: {} in all, only the first and last {} KiB are kept …]\n",
                self.cut(),
                self.total,
                self.cap / 2 / 1024
            ));
        }
        text.push_str(&String::from_utf8_lossy(&self.tail));
        text
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Exited with this code.
    Code(i32),
    /// Killed by a signal it did not ask for (a crash, an abort).
    Signal(i32),
    /// Ran past the time limit and was killed.
    TimedOut,
    /// Cancelled through its [`Cancel`] token.
    Cancelled,
}

/// A finished run.
#[derive(Debug)]
pub struct Finished {
    pub exit: Exit,
    pub output: Captured,
}

/// Runs `command` to completion with stdin closed, stdout and stderr merged, at most
/// `timeout` (if any), and `cap` bytes of output kept.
pub fn run(
    mut command: Command,
    timeout: Option<Duration>,
    cap: usize,
    cancel: &Cancel,
) -> io::Result<Finished> {
    let (mut reader, writer) = io::pipe()?;
    command
        .stdin(Stdio::null())
        .stdout(writer.try_clone()?)
        .stderr(writer);
    let child = spawn_in_group(&mut command, cancel)?;
    // The command holds our copies of the pipe's write end; drop them so the pipe reaches
    // end-of-file once the process group is gone.
    drop(command);
    let Some(mut child) = child else {
        return Ok(Finished {
            exit: Exit::Cancelled,
            output: Captured::with_cap(cap),
        });
    };

    let (out_tx, out_rx) = mpsc::channel();
    thread::spawn(move || {
        let mut captured = Captured::with_cap(cap);
        let mut buf = vec![0; 64 * 1024];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => captured.push(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        let _ = out_tx.send(captured);
    });

    let timed_out = wait_for_exit(&child, timeout);
    // Whatever happened, nothing of the group may outlive the run. The leader is not reaped
    // yet, so its id cannot have been reused.
    release_group(child.id());
    let status = child.wait()?;
    cancel.unregister();

    let exit = if timed_out {
        Exit::TimedOut
    } else if cancel.is_cancelled() {
        Exit::Cancelled
    } else {
        exit_of(status)
    };
    // The group is dead, so the pipe closes; the bound only guards against a process that
    // escaped the group with the pipe still open.
    let output = out_rx
        .recv_timeout(Duration::from_secs(2))
        .unwrap_or_else(|_| Captured::with_cap(cap));
    Ok(Finished { exit, output })
}

/// Waits for a child started with [`spawn_in_group`] to exit, kills whatever is left of its
/// group (before reaping it, so its id cannot be reused meanwhile), then reaps it.
pub fn finish(mut child: Child) -> io::Result<ExitStatus> {
    wait_for_exit(&child, None);
    release_group(child.id());
    child.wait()
}

/// Spawns `command` as the leader of a new process group and registers it with `cancel`.
/// `None` when the token was cancelled before the process could be registered.
pub fn spawn_in_group(command: &mut Command, cancel: &Cancel) -> io::Result<Option<Child>> {
    if cancel.is_cancelled() {
        return Ok(None);
    }
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    let mut child = command.spawn()?;
    GROUPS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(child.id());
    if !cancel.register(child.id()) {
        release_group(child.id());
        let _ = child.wait();
        return Ok(None);
    }
    Ok(Some(child))
}

/// Blocks until the child has exited (without reaping it) or `timeout` has passed. True when
/// it timed out.
fn wait_for_exit(child: &Child, timeout: Option<Duration>) -> bool {
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        wait_without_reaping(pid);
        let _ = tx.send(());
    });
    match timeout {
        Some(limit) => rx.recv_timeout(limit).is_err(),
        None => {
            let _ = rx.recv();
            false
        }
    }
}

#[cfg(unix)]
fn wait_without_reaping(pid: u32) {
    loop {
        // SAFETY: waitid with WNOWAIT only observes the child's state; `info` is a valid,
        // zero-initialised siginfo_t that the call fills in.
        let result = unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            libc::waitid(
                libc::P_PID,
                pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        if result == 0 || io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            return;
        }
    }
}

#[cfg(not(unix))]
fn wait_without_reaping(_pid: u32) {
    compile_error!("backlings runs exercises in process groups, which it supports on Unix only");
}

/// Sends SIGKILL to every process of the group led by `pgid`.
#[cfg(unix)]
pub fn kill_group(pgid: u32) {
    // SAFETY: killpg has no memory-safety preconditions; a group that is already gone
    // returns ESRCH, which is fine.
    unsafe {
        libc::killpg(pgid as libc::pid_t, libc::SIGKILL);
    }
}

#[cfg(not(unix))]
pub fn kill_group(_pgid: u32) {}

fn exit_of(status: ExitStatus) -> Exit {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return Exit::Signal(signal);
    }
    Exit::Code(status.code().unwrap_or(-1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.args(["-c", script]);
        c
    }

    #[test]
    fn output_of_both_streams_is_captured_and_the_code_reported() {
        let done = run(
            sh("echo out; echo err >&2; exit 3"),
            None,
            1024,
            &Cancel::default(),
        )
        .unwrap();
        assert_eq!(done.exit, Exit::Code(3));
        assert_eq!(done.output.text(), "out\nerr\n");
    }

    #[test]
    fn output_beyond_the_cap_keeps_head_and_tail_and_says_how_much_was_cut() {
        let mut c = Captured::with_cap(8);
        c.push(b"abcdef");
        c.push(b"ghijklmnop");
        assert_eq!(c.cut(), 8);
        let text = c.text();
        assert!(
            text.starts_with("abcd\n[… 8 bytes of output cut: 16 in all"),
            "{text}"
        );
        assert!(text.ends_with("mnop"), "{text}");
    }

    #[test]
    fn a_timeout_kills_the_process() {
        let done = run(
            sh("while :; do :; done"),
            Some(Duration::from_millis(200)),
            1024,
            &Cancel::default(),
        )
        .unwrap();
        assert_eq!(done.exit, Exit::TimedOut);
    }

    #[test]
    fn a_cancelled_token_starts_nothing() {
        let cancel = Cancel::default();
        cancel.cancel();
        let done = run(sh("echo never"), None, 1024, &cancel).unwrap();
        assert_eq!(done.exit, Exit::Cancelled);
        assert_eq!(done.output.text(), "");
    }

    #[test]
    fn cancel_kills_a_running_process_from_another_thread() {
        let cancel = Cancel::default();
        let remote = cancel.clone();
        let (tx, rx) = mpsc::channel();
        let handle = thread::spawn(move || {
            // Runs until the token fires.
            let done = run(sh("sleep 1000"), None, 1024, &cancel);
            tx.send(()).unwrap();
            done
        });
        while remote.inner.group.lock().unwrap().is_none() {
            thread::yield_now();
        }
        remote.cancel();
        rx.recv().unwrap();
        assert_eq!(handle.join().unwrap().unwrap().exit, Exit::Cancelled);
    }
}
