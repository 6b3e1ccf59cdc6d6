//! Shared fixtures: small courses in temporary directories, in rustlings' format (the
//! exercise package is the course's own Cargo.toml) and with no dependencies, so each builds
//! in well under a second.

#![allow(dead_code)] // each test file uses its own part of the fixtures

pub mod pty;
pub mod rustlings;
pub mod shipped;

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use tempfile::TempDir;

/// An exercise that compiles and whose test passes.
pub const PASSES: &str = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() {\n        assert_eq!(1 + 1, 2);\n    }\n}\n";

/// An exercise that compiles but whose test fails with a message.
pub const FAILS: &str = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() {\n        assert_eq!(1 + 1, 3, \"the sum is wrong\");\n    }\n}\n";

/// An exercise that does not compile.
pub const BROKEN: &str = "fn main() {\n    let x: u32 = \"not a number\";\n}\n";

/// What a careless or hostile program prints to take over a terminal: a new window title
/// (OSC 0), the alternate screen (DECSET 1049), a full reset (RIS).
pub const TAKEOVER: &str = "\x1b]0;PWNED\x07\x1b[?1049h\x1bc";

/// [`TAKEOVER`] as backlings shows it: every control character visible.
pub const TAKEOVER_SHOWN: &str = "^[]0;PWNED^G^[[?1049h^[c";

/// An exercise whose failing test prints [`TAKEOVER`] between `before` and `after`.
pub const TEST_PRINTS_TAKEOVER: &str = r#"fn main() {}

#[cfg(test)]
mod tests {
    #[test]
    fn prints() {
        println!("before\x1b]0;PWNED\x07\x1b[?1049h\x1bcafter");
        assert_eq!(1 + 1, 3, "the sum is wrong");
    }
}
"#;

/// A program (`test = false`) that prints [`TAKEOVER`] between `before` and `after`, and
/// exits successfully.
pub const PROGRAM_PRINTS_TAKEOVER: &str = r#"fn main() {
    println!("before\x1b]0;PWNED\x07\x1b[?1049h\x1bcafter");
}
"#;

/// A program (`test = false`) that writes bytes as a gzip or DNS exercise might, then fails:
/// a gzip header, ESC [ 2 J, the C1 control CSI (U+009B) in UTF-8, a bell, a backspace,
/// bytes that are not UTF-8, a lone carriage return, DEL and a right-to-left override.
pub const PROGRAM_PRINTS_BYTES: &str = r#"use std::io::Write;

fn main() {
    let bytes = b"gzip \x1f\x8b\x08\x00 clear \x1b[2J c1 \xc2\x9b2J bell \x07 bs \x08 \
                  invalid \xff\xfe cr \rX del \x7f rlo \xe2\x80\xae end\n";
    std::io::stdout().write_all(bytes).unwrap();
    std::process::exit(1);
}
"#;

/// [`PROGRAM_PRINTS_BYTES`]'s bytes as backlings shows them.
pub const BYTES_SHOWN: &str = "gzip ^_\u{fffd}^H^@ clear ^[[2J c1 <U+009B>2J bell ^G bs ^H invalid \u{fffd}\u{fffd} cr ^MX del ^? rlo <U+202E> end";

/// Panics unless `bytes` are safe to print on a terminal: UTF-8 with no control character
/// other than line feed and tab (no escape, no C1 control, no carriage return, no DEL) and
/// no bidirectional override. Colour sequences pass only if `colour` says so.
pub fn assert_inert(bytes: &[u8], colour: bool) {
    let text = std::str::from_utf8(bytes).expect("what backlings prints is UTF-8");
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if colour && rest.starts_with("\x1b[") {
            let end = rest[2..]
                .find(|c: char| !(c.is_ascii_digit() || c == ';' || c == ':'))
                .map(|i| i + 2);
            if let Some(end) = end.filter(|&end| rest[end..].starts_with('m')) {
                rest = &rest[end + 1..];
                continue;
            }
        }
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        let control = c.is_control() && c != '\n' && c != '\t';
        assert!(
            !(control || bidi),
            "{c:?} reached the terminal, at byte {} of:\n{text}",
            text.len() - rest.len()
        );
        rest = &rest[c.len_utf8()..];
    }
}

/// One exercise of a fixture course.
pub struct Ex<'a> {
    pub name: &'a str,
    pub exercise: &'a str,
    pub solution: Option<&'a str>,
    /// Extra lines for its info.toml entry.
    pub extra: &'a str,
}

impl<'a> Ex<'a> {
    /// An exercise in chapter `01_basics` whose solution passes.
    pub fn new(name: &'a str, exercise: &'a str) -> Self {
        Self {
            name,
            exercise,
            solution: Some(PASSES),
            extra: "",
        }
    }

    pub fn extra(mut self, extra: &'a str) -> Self {
        self.extra = extra;
        self
    }

    pub fn solution(mut self, solution: Option<&'a str>) -> Self {
        self.solution = solution;
        self
    }
}

/// A course in a temporary directory, deleted when dropped.
pub struct TestCourse {
    pub dir: TempDir,
}

pub const CHAPTER: &str = "01_basics";

impl TestCourse {
    /// A course of `exercises` in chapter `01_basics`, with hints, a welcome and a final
    /// message, and a manifest that builds every exercise and solution. `dev check`'s compile
    /// budget is off: tests do not assert how fast something compiles.
    pub fn new(exercises: &[Ex]) -> Self {
        let course = Self::empty();
        let mut info = String::from(
            "format_version = 1\nwelcome_message = \"Welcome to the test course\"\nfinal_message = \"All done, congratulations\"\ncompile_budget_secs = 0\n",
        );
        for ex in exercises {
            info.push_str(&format!(
                "\n[[exercises]]\nname = \"{}\"\ndir = \"{CHAPTER}\"\nhint = \"Hint for {}\"\n{}\n",
                ex.name, ex.name, ex.extra
            ));
            course.write(&format!("exercises/{CHAPTER}/{}.rs", ex.name), ex.exercise);
            if let Some(solution) = ex.solution {
                course.write(&format!("solutions/{CHAPTER}/{}.rs", ex.name), solution);
            }
        }
        course.write("info.toml", &info);
        course.write(".gitignore", "/target\n/.backlings\n");
        let names: Vec<&str> = exercises.iter().map(|e| e.name).collect();
        course.write_manifest(&names);
        course
    }

    /// A directory with nothing in it yet.
    pub fn empty() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// Writes a rustlings-format Cargo.toml with one bin per exercise and solution.
    pub fn write_manifest(&self, names: &[&str]) {
        let mut bins = String::from("bin = [\n");
        for name in names {
            bins.push_str(&format!(
                "  {{ name = \"{name}\", path = \"exercises/{CHAPTER}/{name}.rs\" }},\n  {{ name = \"{name}_sol\", path = \"solutions/{CHAPTER}/{name}.rs\" }},\n"
            ));
        }
        bins.push_str("]\n\n[package]\nname = \"test-course\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[profile.dev]\ndebug = 0\n");
        self.write("Cargo.toml", &bins);
    }

    /// Makes the course depend on a crate `name` in `vendor/name`, with library `lib` and,
    /// if given, build script `build`.
    pub fn depend_on(&self, name: &str, lib: &str, build: Option<&str>) {
        let dir = format!("vendor/{name}");
        self.write(
            &format!("{dir}/Cargo.toml"),
            &format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        );
        self.write(&format!("{dir}/src/lib.rs"), lib);
        if let Some(build) = build {
            self.write(&format!("{dir}/build.rs"), build);
        }
        let manifest = self.read("Cargo.toml");
        self.write(
            "Cargo.toml",
            &format!("{manifest}\n[dependencies]\n{name} = {{ path = \"{dir}\" }}\n"),
        );
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, relative: &str) -> PathBuf {
        self.path().join(relative)
    }

    pub fn write(&self, relative: &str, contents: &str) {
        let path = self.file(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.file(relative)).unwrap()
    }

    /// The path of exercise `name`'s file, relative to the course.
    pub fn exercise(name: &str) -> String {
        format!("exercises/{CHAPTER}/{name}.rs")
    }

    /// `backlings ARGS` in this course, with colour off and no terminal.
    pub fn backlings(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("backlings").unwrap();
        cmd.current_dir(self.path())
            .args(args)
            .env_remove("NO_COLOR");
        cmd
    }

    /// Makes the course a git repository with everything committed, as a clone would be.
    pub fn git_commit_all(&self, message: &str) {
        for args in [
            &["init", "-q", "-b", "main"][..],
            &["add", "-A"],
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "commit",
                "-q",
                "-m",
                message,
            ],
        ] {
            if args[0] == "init" && self.file(".git").exists() {
                continue;
            }
            let status = StdCommand::new("git")
                .current_dir(self.path())
                .args(args)
                .status()
                .unwrap();
            assert!(status.success(), "git {args:?}");
        }
    }
}

/// Stdout of a finished command, as text.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Makes `to` hold exactly the files of `from`, its own `target/` aside, rewriting only the
/// files whose contents differ and removing the others (progress in `.backlings/` too): cargo
/// decides by modification times, so a course kept in `to` between runs, beside its build
/// directory, is rebuilt only where it changed.
pub fn sync(from: &Path, to: &Path) {
    let wanted = all_files(from);
    for file in &wanted {
        let (new, old) = (from.join(file), to.join(file));
        let contents = std::fs::read(&new).unwrap();
        if std::fs::read(&old).ok() != Some(contents.clone()) {
            std::fs::create_dir_all(old.parent().unwrap()).unwrap();
            std::fs::write(&old, contents).unwrap();
        }
    }
    if to.exists() {
        for stray in all_files(to).difference(&wanted) {
            std::fs::remove_file(to.join(stray)).unwrap();
        }
    }
}

/// Every file under `root` (but not under its `target/`), relative to it.
pub fn all_files(root: &Path) -> std::collections::BTreeSet<PathBuf> {
    let mut files = std::collections::BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path != root.join("target") {
                    stack.push(path);
                }
            } else {
                files.insert(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    files
}

/// Stderr of a finished command, as text.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A cargo that does not exist: what still works without it did not need cargo.
pub const NO_CARGO: &str = "/nonexistent/cargo";

/// What `backlings run NAME` showed, with what changes from run to run (timings, thread ids)
/// taken out.
pub fn shown(output: &std::process::Output) -> (Option<i32>, String) {
    let text = stdout(output)
        .lines()
        .map(|line| match line.split_once("; finished in ") {
            Some((head, _)) => head.to_string(),
            None => line.to_string(),
        })
        .map(|line| match (line.find("' ("), line.find(") panicked")) {
            (Some(a), Some(b)) if a < b => format!("{}{}", &line[..a + 1], &line[b + 1..]),
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    (output.status.code(), text)
}

/// The next check of `name` goes through cargo: with cargo unreachable, it cannot run.
pub fn assert_needs_cargo(course: &TestCourse, name: &str) {
    course
        .backlings(&["run", name])
        .env("CARGO", NO_CARGO)
        .assert()
        .code(3)
        .stderr(predicates::str::contains("could not run cargo"));
}

/// A GitHub Actions workflow runs `dev check --partition K/N` in a matrix whose K are exactly
/// 1..=N, with JUnit reports: every exercise is checked in exactly one job.
pub fn assert_shards_cover_the_course(workflow: &str) {
    let command = workflow
        .lines()
        .find(|l| l.contains("dev check --partition"))
        .expect("a dev check step with --partition");
    let (_, count) = command
        .split_once("${{ matrix.partition }}/")
        .expect("the partition comes from the matrix");
    let count: usize = count.split_whitespace().next().unwrap().parse().unwrap();
    let matrix = workflow
        .lines()
        .find_map(|l| l.trim().strip_prefix("partition: ["))
        .expect("a partition matrix");
    let indexes: Vec<usize> = matrix
        .trim_end_matches(']')
        .split(',')
        .map(|k| k.trim().parse().unwrap())
        .collect();
    assert_eq!(indexes, (1..=count).collect::<Vec<_>>(), "{matrix}");
    assert!(command.contains("--format junit"), "{command}");
}

/// Every file below `root/dir` (`dir` may be empty), relative to `root`, sorted.
pub fn files_under(root: &Path, dir: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root.join(dir)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    files.sort();
    files
}

/// Whether process `pid` still runs (a zombie waiting to be reaped does not).
pub fn is_running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit(')')
            .next()
            .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
    })
}

/// Whether process `pid` ends within a generous bound. SIGKILL is queued, not instant: the
/// kernel finishes the process a moment after `kill` returns. The bound only keeps a broken
/// build from hanging the suite; it is no measure of speed.
pub fn ends_soon(pid: u32) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while is_running(pid) {
        if std::time::Instant::now() > deadline {
            return false;
        }
        std::thread::yield_now();
    }
    true
}

/// The pids written one per line into `path` by code under test, once `count` of them are
/// there: waiting for the event, never for a time. Panics if `alive` turns false first.
pub fn wait_for_pids(path: &Path, count: usize, mut alive: impl FnMut() -> bool) -> Vec<u32> {
    loop {
        let pids: Vec<u32> = std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect();
        if pids.len() >= count {
            return pids;
        }
        assert!(
            alive(),
            "the process ended before writing {count} pids to {}",
            path.display()
        );
        std::thread::yield_now();
    }
}
