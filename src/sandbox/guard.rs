//! The guard: a small process between backlings and every process it starts (cargo, rustc,
//! test binaries, programs), so that nothing a check starts outlives it and code under test
//! runs with a grader's limits.
//!
//! backlings starts `/proc/self/exe __guard …` (this same binary) instead of the command. The
//! guard
//! - asks the kernel for a signal when backlings dies (`PR_SET_PDEATHSIG`), even by `kill -9`;
//! - is a child subreaper (`PR_SET_CHILD_SUBREAPER`): whatever its command starts, including a
//!   daemon that calls `setsid` and forks again, is re-parented to the guard when its parent
//!   ends, never to init, so the guard can always find it;
//! - runs the command in a process group of its own, then waits;
//! - when the command ends, or backlings asks it to stop (SIGTERM), or backlings dies, kills
//!   every process below it, round by round (each round's orphans are its children in the next),
//!   and exits as the command did.
//!
//! A subreaper was chosen over a PID namespace because it needs no privileges and no user
//! namespaces (which some distributions restrict), and over a cgroup because it needs no
//! delegation from systemd. For tests and programs the guard also sets resource limits (memory,
//! file size, no core files, processes) and, where the kernel lets an unprivileged user create
//! user and network namespaces, cuts the network down to loopback.
//!
//! On systems other than Linux there is no guard: commands run in process groups of their own,
//! which backlings kills when it ends normally.

use std::ffi::{OsStr, OsString};
use std::process::Command;

use crate::sandbox::limits::Limits;

/// The hidden first argument that turns backlings into the guard.
const GUARD_ARG: &str = "__guard";

/// The guard's exit code when its command could not be started (not found, not executable):
/// the shell's convention, which no compiler or test harness uses.
pub const COULD_NOT_START: i32 = 127;

/// How a command is to be run under the guard.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sandbox {
    /// Limits for code under test; `None` for the toolchain.
    pub limits: Option<Limits>,
    /// Run without network access but loopback.
    pub isolate_network: bool,
}

/// Whether this build of backlings has a guard at all. Not in the runner's own unit tests:
/// there `/proc/self/exe` is the test harness, not backlings.
pub const AVAILABLE: bool = cfg!(all(target_os = "linux", not(test)));

/// If backlings was started as the guard, runs it and exits; otherwise returns.
pub fn run_if_asked() {
    let mut args = std::env::args_os();
    if args.nth(1).as_deref() != Some(OsStr::new(GUARD_ARG)) {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let args: Vec<OsString> = args.collect();
        std::process::exit(linux::main(&args));
    }
    #[cfg(not(target_os = "linux"))]
    {
        eprintln!("backlings: the guard runs on Linux only");
        std::process::exit(125);
    }
}

/// `command`, to be run under the guard. Its program, arguments, environment changes and
/// directory carry over; stdio is the caller's to set on the returned command. The guard
/// itself runs in backlings' environment and hands the changes to the command only (a rustc
/// command's `LD_LIBRARY_PATH` would slow the guard's own start).
pub fn wrap(command: &Command, sandbox: Sandbox) -> Command {
    if !AVAILABLE {
        let mut direct = Command::new(command.get_program());
        direct.args(command.get_args());
        for (key, value) in command.get_envs() {
            match value {
                Some(value) => direct.env(key, value),
                None => direct.env_remove(key),
            };
        }
        if let Some(dir) = command.get_current_dir() {
            direct.current_dir(dir);
        }
        return direct;
    }
    let mut guard = Command::new(SELF_EXE);
    guard
        .args([GUARD_ARG, "--parent"])
        .arg(std::process::id().to_string());
    if let Some(limits) = sandbox.limits {
        guard
            .arg("--memory-mb")
            .arg(limits.memory_mb.to_string())
            .arg("--file-mb")
            .arg(limits.file_size_mb.to_string())
            .arg("--processes")
            .arg(limits.processes.to_string());
    }
    if sandbox.isolate_network {
        guard.arg("--isolate-network");
    }
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => {
                let mut assignment = key.to_owned();
                assignment.push("=");
                assignment.push(value);
                guard.arg("--env").arg(assignment)
            }
            None => guard.arg("--unset").arg(key),
        };
    }
    guard
        .arg("--")
        .arg(command.get_program())
        .args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        guard.current_dir(dir);
    }
    guard
}

/// The running binary, even when the file was replaced or deleted since it started (a
/// `cargo install` during watch mode).
const SELF_EXE: &str = "/proc/self/exe";

/// Why code under test cannot be cut off from the network here, or `None` when it can. Asked
/// once per backlings process, and only to tell a person: the guard cuts the network off
/// wherever it can without being asked whether it can.
pub fn network_isolation_unavailable() -> Option<&'static str> {
    static ANSWER: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    ANSWER.get_or_init(probe_network_isolation).as_deref()
}

#[cfg(target_os = "linux")]
fn probe_network_isolation() -> Option<String> {
    let output = Command::new(SELF_EXE)
        .args([GUARD_ARG, "--probe"])
        .stdin(std::process::Stdio::null())
        .output();
    match output {
        Ok(output) if output.status.success() => None,
        Ok(output) => Some(String::from_utf8_lossy(&output.stderr).trim().to_string()),
        Err(e) => Some(format!("the guard could not be started: {e}")),
    }
}

#[cfg(not(target_os = "linux"))]
fn probe_network_isolation() -> Option<String> {
    Some("network isolation needs Linux user and network namespaces".to_string())
}

#[cfg(target_os = "linux")]
mod linux {
    //! The guard itself. It is single-threaded and keeps every signal it cares about blocked,
    //! taking them with `sigwaitinfo`, so no signal can slip between a check and a wait.

    use std::ffi::{CString, OsStr, OsString};
    use std::io;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    use std::process::Command;

    /// Exit code when the guard itself could not do its job (bad arguments, no fork).
    const GUARD_FAILED: i32 = 125;

    #[derive(Default)]
    struct Options {
        parent: Option<u32>,
        memory_mb: Option<u64>,
        file_mb: Option<u64>,
        processes: Option<u64>,
        isolate_network: bool,
        probe: bool,
        /// Environment changes for the command: `KEY=VALUE` to set, `KEY` alone to remove.
        env: Vec<OsString>,
        unset: Vec<OsString>,
        command: Vec<OsString>,
    }

    fn parse(args: &[OsString]) -> Result<Options, String> {
        let mut options = Options::default();
        let mut args = args.iter();
        let number = |value: Option<&OsString>| -> Result<u64, String> {
            value
                .and_then(|v| v.to_str())
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| "expected a number".to_string())
        };
        while let Some(arg) = args.next() {
            match arg.to_str() {
                Some("--parent") => options.parent = Some(number(args.next())? as u32),
                Some("--memory-mb") => options.memory_mb = Some(number(args.next())?),
                Some("--file-mb") => options.file_mb = Some(number(args.next())?),
                Some("--processes") => options.processes = Some(number(args.next())?),
                Some("--isolate-network") => options.isolate_network = true,
                Some("--env") => options
                    .env
                    .push(args.next().ok_or("--env needs KEY=VALUE")?.clone()),
                Some("--unset") => options
                    .unset
                    .push(args.next().ok_or("--unset needs KEY")?.clone()),
                Some("--probe") => options.probe = true,
                Some("--") => {
                    options.command = args.cloned().collect();
                    break;
                }
                _ => return Err(format!("unknown argument {arg:?}")),
            }
        }
        Ok(options)
    }

    /// The signals the guard waits for: its command ending, and being asked to stop (backlings
    /// cancelling, or dying: the parent-death signal is SIGTERM too).
    fn waited_signals() -> libc::sigset_t {
        // SAFETY: sigemptyset/sigaddset initialise and fill a local sigset_t.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for signal in [libc::SIGCHLD, libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
                libc::sigaddset(&mut set, signal);
            }
            set
        }
    }

    pub fn main(args: &[OsString]) -> i32 {
        let options = match parse(args) {
            Ok(options) => options,
            Err(e) => {
                eprintln!("backlings guard: {e}");
                return GUARD_FAILED;
            }
        };
        if options.probe {
            return match isolate_network() {
                Ok(()) => 0,
                Err(why) => {
                    eprintln!("{why}");
                    1
                }
            };
        }
        let signals = waited_signals();
        // SAFETY: plain system calls on valid arguments; the guard has one thread.
        unsafe {
            libc::sigprocmask(libc::SIG_BLOCK, &signals, std::ptr::null_mut());
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM as libc::c_ulong);
            libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1 as libc::c_ulong);
        }
        // backlings may have died before the parent-death signal was asked for.
        if options
            .parent
            .is_some_and(|parent| std::os::unix::process::parent_id() != parent)
        {
            return GUARD_FAILED;
        }
        // Best effort: where namespaces are refused, the command runs with the network, and
        // `dev check --verbose` says why.
        let isolated = options.isolate_network && isolate_network().is_ok();
        set_limits(&options, isolated);

        let Some(mut command) = command(&options) else {
            eprintln!("backlings guard: no command to run");
            return GUARD_FAILED;
        };
        let child = match command.spawn() {
            Ok(child) => child,
            Err(e) => {
                let program = options.command.first().map(|p| p.to_string_lossy());
                eprintln!("{}: {e}", program.unwrap_or_default());
                return super::COULD_NOT_START;
            }
        };
        let child_pid = child.id() as libc::pid_t;
        let status = wait_for(child_pid, &signals);
        if status.is_none() {
            // SAFETY: kill has no memory-safety preconditions.
            unsafe {
                libc::kill(-child_pid, libc::SIGKILL);
                libc::kill(child_pid, libc::SIGKILL);
            }
        }
        kill_everything_below();
        match status {
            Some(status) => exit_like(status),
            None => 128 + libc::SIGTERM,
        }
    }

    /// The command to run, in a process group of its own, with its environment as asked and
    /// no signal blocked; `None` when there is no command.
    fn command(options: &Options) -> Option<Command> {
        let (program, args) = options.command.split_first()?;
        let mut command = Command::new(program);
        command.args(args).process_group(0);
        for assignment in &options.env {
            let bytes = assignment.as_bytes();
            let split = bytes.iter().position(|&b| b == b'=').unwrap_or(bytes.len());
            let value = bytes.get(split + 1..).unwrap_or_default();
            command.env(OsStr::from_bytes(&bytes[..split]), OsStr::from_bytes(value));
        }
        for key in &options.unset {
            command.env_remove(key);
        }
        // SAFETY: the closure only makes async-signal-safe system calls.
        unsafe {
            command.pre_exec(|| {
                // If the guard itself is killed outright, its command goes with it.
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
                // The guard blocks the signals it waits for; its command starts with none
                // blocked (a shell whose SIGCHLD is blocked waits forever for its children).
                let mut none: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut none);
                libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
                Ok(())
            });
        }
        Some(command)
    }

    /// Waits until the command exits (its wait status) or the guard is asked to stop (`None`),
    /// reaping any adopted orphan that ends meanwhile.
    fn wait_for(child: libc::pid_t, signals: &libc::sigset_t) -> Option<libc::c_int> {
        loop {
            loop {
                let mut status = 0;
                // SAFETY: waitpid writes the status into a local.
                let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
                if pid == child {
                    return Some(status);
                }
                if pid <= 0 {
                    break;
                }
            }
            // SAFETY: sigwaitinfo fills a local siginfo_t; `signals` is initialised.
            let signal = unsafe {
                let mut info: libc::siginfo_t = std::mem::zeroed();
                libc::sigwaitinfo(signals, &mut info)
            };
            if signal > 0 && signal != libc::SIGCHLD {
                return None;
            }
        }
    }

    /// Kills every process below the guard. Each round kills the guard's children and reaps
    /// them; their own children, orphaned, are the guard's children in the next round (it is
    /// their subreaper), until none is left.
    fn kill_everything_below() {
        loop {
            let children = own_children();
            if children.is_empty() {
                return;
            }
            for &pid in &children {
                // SAFETY: kill and waitpid on our own children.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
            for &pid in &children {
                let mut status = 0;
                // SAFETY: as above.
                unsafe {
                    libc::waitpid(pid, &mut status, 0);
                }
            }
        }
    }

    /// The guard's children: from `/proc/self/task/<tid>/children` where the kernel has it,
    /// else by reading every process's parent from `/proc`.
    fn own_children() -> Vec<libc::pid_t> {
        let me = std::process::id();
        let listed = std::fs::read_to_string(format!("/proc/self/task/{me}/children"));
        if let Ok(text) = listed {
            return text
                .split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect();
        }
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .filter_map(|entry| {
                entry
                    .ok()?
                    .file_name()
                    .to_str()?
                    .parse::<libc::pid_t>()
                    .ok()
            })
            .filter(|pid| parent_of(*pid) == Some(me as libc::pid_t))
            .collect()
    }

    /// The parent of `pid`, from `/proc/<pid>/stat` (its fourth field, after the name in
    /// parentheses, which may itself hold spaces and parentheses).
    fn parent_of(pid: libc::pid_t) -> Option<libc::pid_t> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let after_name = &stat[stat.rfind(')')? + 1..];
        after_name.split_whitespace().nth(1)?.parse().ok()
    }

    /// Exits the way the command did: its code, or its signal.
    fn exit_like(status: libc::c_int) -> i32 {
        let status = std::process::ExitStatus::from_raw(status);
        if let Some(signal) = status.signal() {
            // Die of the same signal, without a core file, so backlings sees what happened.
            // SAFETY: resetting a disposition, unblocking and raising are plain system calls.
            unsafe {
                let limit = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: 0,
                };
                libc::setrlimit(libc::RLIMIT_CORE, &limit);
                libc::signal(signal, libc::SIG_DFL);
                let mut set: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut set);
                libc::sigaddset(&mut set, signal);
                libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
                libc::raise(signal);
            }
            return 128 + signal;
        }
        status.code().unwrap_or(GUARD_FAILED)
    }

    fn set_limit(resource: libc::__rlimit_resource_t, value: u64) {
        let limit = libc::rlimit {
            rlim_cur: value,
            rlim_max: value,
        };
        // SAFETY: setrlimit reads a valid rlimit. A limit that cannot be set (one already
        // lower) leaves the stricter one in place.
        unsafe {
            libc::setrlimit(resource, &limit);
        }
    }

    /// Sets the limits asked for. The process limit counts every process and thread of the
    /// user: inside a user namespace of its own (kernel 5.14 and later) only those started in
    /// it, elsewhere all of the user's, the learner's editor and browser too, so it is set
    /// above those. Root has no process limit: the kernel does not apply it to root.
    fn set_limits(options: &Options, isolated: bool) {
        const MIB: u64 = 1024 * 1024;
        if let Some(mb) = options.memory_mb {
            set_limit(libc::RLIMIT_DATA, mb * MIB);
            set_limit(libc::RLIMIT_CORE, 0);
        }
        if let Some(mb) = options.file_mb {
            set_limit(libc::RLIMIT_FSIZE, mb * MIB);
        }
        // SAFETY: getuid cannot fail.
        let root = unsafe { libc::getuid() } == 0;
        if let (Some(more), false) = (options.processes, root) {
            let counted_from_zero = isolated && kernel_at_least(5, 14);
            let already = if counted_from_zero {
                0
            } else {
                tasks_of_this_user()
            };
            set_limit(libc::RLIMIT_NPROC, already + more);
        }
    }

    /// Whether the running kernel is `major.minor` or later.
    fn kernel_at_least(major: u32, minor: u32) -> bool {
        // SAFETY: uname fills a zeroed utsname.
        let mut name: libc::utsname = unsafe { std::mem::zeroed() };
        if unsafe { libc::uname(&mut name) } != 0 {
            return false;
        }
        let release: Vec<u8> = name
            .release
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        let release = String::from_utf8_lossy(&release);
        let mut parts = release.split(|c: char| !c.is_ascii_digit());
        let version = (
            parts.next().and_then(|p| p.parse().ok()).unwrap_or(0),
            parts.next().and_then(|p| p.parse().ok()).unwrap_or(0),
        );
        version >= (major, minor)
    }

    /// How many processes and threads the user runs now.
    fn tasks_of_this_user() -> u64 {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: getuid cannot fail.
        let uid = unsafe { libc::getuid() };
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return 0;
        };
        entries
            .filter_map(|entry| {
                let entry = entry.ok()?;
                entry.file_name().to_str()?.parse::<u32>().ok()?;
                (entry.metadata().ok()?.uid() == uid).then(|| entry.path())
            })
            .filter_map(|dir| {
                let stat = std::fs::read_to_string(dir.join("stat")).ok()?;
                let after_name = &stat[stat.rfind(')')? + 1..];
                // Field 20 of stat, the 18th after the name: the number of threads.
                after_name.split_whitespace().nth(17)?.parse::<u64>().ok()
            })
            .sum()
    }

    /// Moves the guard into a new user namespace (mapping the user to itself) and a new
    /// network namespace with only loopback, up. Everything it starts inherits both.
    fn isolate_network() -> Result<(), String> {
        // SAFETY: getuid/getgid cannot fail; unshare is a plain system call.
        let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
        if unsafe { libc::unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWNET) } != 0 {
            return Err(format!(
                "the kernel refused a user and network namespace ({}); tests can reach the network",
                io::Error::last_os_error()
            ));
        }
        let write = |file: &str, text: String| {
            std::fs::write(file, text)
                .map_err(|e| format!("could not write {file} in a new user namespace ({e})"))
        };
        write("/proc/self/setgroups", "deny".to_string())?;
        write("/proc/self/uid_map", format!("{uid} {uid} 1"))?;
        write("/proc/self/gid_map", format!("{gid} {gid} 1"))?;
        loopback_up()
    }

    /// Brings up `lo` in the new network namespace, so that loopback works as usual.
    fn loopback_up() -> Result<(), String> {
        let failed = |what: &str| {
            format!(
                "could not bring up loopback in a new network namespace ({what}: {})",
                io::Error::last_os_error()
            )
        };
        // SAFETY: a socket used only for two ioctls on a zeroed, correctly sized ifreq.
        unsafe {
            let socket = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
            if socket < 0 {
                return Err(failed("socket"));
            }
            let mut request: libc::ifreq = std::mem::zeroed();
            let name = CString::new("lo").expect("no NUL");
            for (slot, byte) in request.ifr_name.iter_mut().zip(name.as_bytes_with_nul()) {
                *slot = *byte as libc::c_char;
            }
            let result = if libc::ioctl(socket, libc::SIOCGIFFLAGS, &mut request) < 0 {
                Err(failed("SIOCGIFFLAGS"))
            } else {
                request.ifr_ifru.ifru_flags |= (libc::IFF_UP | libc::IFF_RUNNING) as libc::c_short;
                if libc::ioctl(socket, libc::SIOCSIFFLAGS, &request) < 0 {
                    Err(failed("SIOCSIFFLAGS"))
                } else {
                    Ok(())
                }
            };
            libc::close(socket);
            result
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn arguments_are_read_up_to_the_command() {
            let args: Vec<OsString> = [
                "--parent",
                "42",
                "--memory-mb",
                "8",
                "--isolate-network",
                "--",
                "prog",
                "--parent",
            ]
            .iter()
            .map(OsString::from)
            .collect();
            let options = parse(&args).unwrap();
            assert_eq!(options.parent, Some(42));
            assert_eq!(options.memory_mb, Some(8));
            assert!(options.isolate_network);
            assert_eq!(options.command, [OsString::from("prog"), "--parent".into()]);
            let env: Vec<OsString> = ["--env", "A=b=c", "--unset", "B", "--", "p"]
                .iter()
                .map(OsString::from)
                .collect();
            let options = parse(&env).unwrap();
            assert_eq!(options.env, [OsString::from("A=b=c")]);
            assert_eq!(options.unset, [OsString::from("B")]);
            assert!(parse(&["--bogus".into()]).is_err());
        }

        #[test]
        fn a_parent_is_read_from_stat_even_with_parentheses_in_the_name() {
            let me = std::process::id() as libc::pid_t;
            let parent = std::os::unix::process::parent_id() as libc::pid_t;
            assert_eq!(parent_of(me), Some(parent));
        }
    }
}
