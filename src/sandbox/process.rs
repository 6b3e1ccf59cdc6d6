//! Running a child process the way a checker must: under the [guard](crate::sandbox::guard) (nothing it
//! starts outlives the check, even when backlings is killed), in its own process group, under a
//! time limit, with its output captured into a bounded buffer, and cancellable from another
//! thread.

use std::io::{self, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use crate::sandbox::guard::{self, Sandbox};

/// Every process group started and not yet reaped, so that a signal that ends backlings can
/// end them too (they are not in the terminal's foreground group, so Ctrl-C misses them).
static GROUPS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Stops every process group backlings started and has not finished with.
pub fn stop_all_groups() {
    for &pgid in GROUPS.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        stop_group(pgid);
    }
}

/// Kills what is left of the group led by `pgid` (call before reaping the leader) and stops
/// tracking it.
fn release_group(pgid: u32) {
    kill_group(pgid);
    GROUPS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|&g| g != pgid);
}

/// How much output is kept of one run: enough for any real test report, small enough that
/// a print loop cannot exhaust memory or flood the terminal.
pub const OUTPUT_CAP: usize = 1 << 20;

/// Cancels every process registered with it, and every process started with it afterwards.
/// Cloning shares the token: the parallel workers of one check of many exercises share one,
/// and cancelling it stops all of their processes.
#[derive(Clone, Default)]
pub struct Cancel {
    inner: Arc<CancelInner>,
}

#[derive(Default)]
struct CancelInner {
    cancelled: AtomicBool,
    /// The process groups currently running under this token.
    groups: Mutex<Vec<u32>>,
}

impl Cancel {
    /// Stops the running process groups (if any) and refuses to start new ones.
    pub fn cancel(&self) {
        let groups = self.inner.groups.lock().unwrap_or_else(|e| e.into_inner());
        self.inner.cancelled.store(true, Ordering::SeqCst);
        for &pgid in groups.iter() {
            stop_group(pgid);
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    /// Registers the group of a freshly spawned process. Returns false (and stops the group)
    /// when the token was cancelled in the meantime.
    fn register(&self, pgid: u32) -> bool {
        let mut groups = self.inner.groups.lock().unwrap_or_else(|e| e.into_inner());
        if self.is_cancelled() {
            stop_group(pgid);
            return false;
        }
        groups.push(pgid);
        true
    }

    fn unregister(&self, pgid: u32) {
        self.inner
            .groups
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|&g| g != pgid);
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

/// How long a guard asked to stop may take before its group is killed outright. The guard
/// kills everything below it first, which takes milliseconds: the bound only keeps a wedged
/// guard from hanging backlings, and decides no verdict.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Where a child's standard streams go.
pub struct Streams {
    pub stdin: Stdio,
    pub stdout: Stdio,
    pub stderr: Stdio,
}

/// Runs `command` to completion under `sandbox`, with stdin closed, stdout and stderr merged,
/// at most `timeout` (if any), and `cap` bytes of output kept.
pub fn run(
    command: &Command,
    sandbox: Sandbox,
    timeout: Option<Duration>,
    cap: usize,
    cancel: &Cancel,
) -> io::Result<Finished> {
    let (mut reader, writer) = io::pipe()?;
    let streams = Streams {
        stdin: Stdio::null(),
        stdout: writer.try_clone()?.into(),
        stderr: writer.into(),
    };
    // The spawned command holds the pipe's write ends; once it and its group are gone, the
    // pipe reaches end-of-file.
    let child = spawn_in_group(command, streams, sandbox, cancel)?;
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
    if timed_out {
        stop_group(child.id());
        if wait_for_exit(&child, Some(STOP_GRACE)) {
            kill_group(child.id());
            wait_for_exit(&child, None);
        }
    }
    // Whatever happened, nothing of the group may outlive the run. The leader is not reaped
    // yet, so its id cannot have been reused.
    release_group(child.id());
    let status = child.wait()?;
    cancel.unregister(child.id());

    let exit = if timed_out {
        Exit::TimedOut
    } else if cancel.is_cancelled() {
        Exit::Cancelled
    } else {
        exit_of(status)
    };
    // The guard killed everything below it, so the pipe closes; the bound only guards against
    // a process that escaped with the pipe still open.
    let output = out_rx
        .recv_timeout(Duration::from_secs(2))
        .unwrap_or_else(|_| Captured::with_cap(cap));
    Ok(Finished { exit, output })
}

/// Runs `command` under the guard to completion, its output discarded. Returns whether it
/// succeeded and the CPU time (user and system) it and every process it waited for used: a
/// cost that a busy machine inflates far less than the time on the clock.
pub fn run_for_cpu_time(command: &Command) -> io::Result<(bool, Duration)> {
    let streams = Streams {
        stdin: Stdio::null(),
        stdout: Stdio::null(),
        stderr: Stdio::null(),
    };
    let cancel = Cancel::default();
    let Some(child) = spawn_in_group(command, streams, Sandbox::default(), &cancel)? else {
        return Err(io::Error::other("cancelled before it started"));
    };
    wait_for_exit(&child, None);
    release_group(child.id());
    reap_with_usage(child.id())
}

/// Reaps the exited child `pid`, with the resources it and its waited-for descendants used.
#[cfg(unix)]
fn reap_with_usage(pid: u32) -> io::Result<(bool, Duration)> {
    let mut status = 0;
    // SAFETY: wait4 fills a local status and a zeroed rusage.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    if reaped < 0 {
        return Err(io::Error::last_os_error());
    }
    let seconds = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let success = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    Ok((success, seconds(usage.ru_utime) + seconds(usage.ru_stime)))
}

/// Waits for a child started with [`spawn_in_group`] to exit, kills whatever is left of its
/// group (before reaping it, so its id cannot be reused meanwhile), then reaps it.
pub fn finish(mut child: Child, cancel: &Cancel) -> io::Result<ExitStatus> {
    wait_for_exit(&child, None);
    release_group(child.id());
    cancel.unregister(child.id());
    child.wait()
}

/// Lowers the CPU priority of the process group led by `pgid` (nice 10), for work nobody
/// is waiting for: it gives way to the checks a learner waits for. Processes the group starts
/// later inherit it. Best effort: a failure only costs speed.
pub fn lower_priority(pgid: u32) {
    #[cfg(unix)]
    // SAFETY: setpriority reads its integer arguments only.
    unsafe {
        libc::setpriority(libc::PRIO_PGRP as _, pgid as _, 10);
    }
    #[cfg(not(unix))]
    let _ = pgid;
}

/// Spawns `command` under the guard with `sandbox`, as the leader of a new process group, and
/// registers it with `cancel`. `None` when the token was cancelled before the process could
/// be registered.
pub fn spawn_in_group(
    command: &Command,
    streams: Streams,
    sandbox: Sandbox,
    cancel: &Cancel,
) -> io::Result<Option<Child>> {
    if cancel.is_cancelled() {
        return Ok(None);
    }
    let mut command = guard::wrap(command, sandbox);
    command
        .stdin(streams.stdin)
        .stdout(streams.stdout)
        .stderr(streams.stderr);
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let spawned = command.spawn();
    // The command holds copies of the streams' pipe ends: they must close here, not when the
    // caller's command goes.
    drop(command);
    let mut child = spawned?;
    GROUPS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(child.id());
    if !cancel.register(child.id()) {
        wait_for_exit(&child, None);
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

/// Asks the group led by `pgid` to end now. Under the guard, the guard leads the group: it
/// is asked to stop and kills everything below it, wherever those processes went (a SIGKILL to
/// the group would kill the guard before it could). Without a guard, the group is killed.
fn stop_group(pgid: u32) {
    #[cfg(unix)]
    // SAFETY: kill has no memory-safety preconditions; a process that is already gone
    // returns ESRCH, which is fine.
    unsafe {
        if guard::AVAILABLE {
            libc::kill(pgid as libc::pid_t, libc::SIGTERM);
        } else {
            libc::killpg(pgid as libc::pid_t, libc::SIGKILL);
        }
    }
}

/// Sends SIGKILL to every process of the group led by `pgid`.
#[cfg(unix)]
fn kill_group(pgid: u32) {
    // SAFETY: killpg has no memory-safety preconditions; a group that is already gone
    // returns ESRCH, which is fine.
    unsafe {
        libc::killpg(pgid as libc::pid_t, libc::SIGKILL);
    }
}

#[cfg(not(unix))]
fn kill_group(_pgid: u32) {}

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
            &sh("echo out; echo err >&2; exit 3"),
            Sandbox::default(),
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
            &sh("while :; do :; done"),
            Sandbox::default(),
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
        let done = run(&sh("echo never"), Sandbox::default(), None, 1024, &cancel).unwrap();
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
            let done = run(&sh("sleep 1000"), Sandbox::default(), None, 1024, &cancel);
            tx.send(()).unwrap();
            done
        });
        while remote.inner.groups.lock().unwrap().is_empty() {
            thread::yield_now();
        }
        remote.cancel();
        rx.recv().unwrap();
        assert_eq!(handle.join().unwrap().unwrap().exit, Exit::Cancelled);
    }
}
