//! The fast path for one save: replay the rustc invocation that cargo itself made for the same
//! bin, instead of running cargo again.
//!
//! After a one-line edit, `cargo test --no-run --bin X` spends about a third of its time
//! deciding that nothing but `X` needs work (≈135 ms with the course's dependency graph). The
//! rustc command cargo runs for `X` is the same every time as long as the manifests, the lock
//! file, the toolchain, the environment and the dependency artifacts are unchanged. So the
//! first check of a bin goes through cargo (`-vv` prints that command), the command is kept as
//! a [`Recipe`] with a stamp of everything it depends on, and later checks run rustc directly
//! while the stamp still matches. Anything unexpected falls back to cargo.
//!
//! [`recipe`] learns and keeps the command, [`stamp`] knows what it depends on; replaying it
//! is here.

mod recipe;
mod stamp;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::build::cargo::Build;
use crate::build::rustc::{Line, PathCleaner};
use crate::sandbox::guard::Sandbox;
use crate::sandbox::process::{self, Cancel, Streams};

pub use recipe::Recipe;
pub use stamp::own_sources;

/// Errors that mean the recipe no longer fits the artifacts on disk, not the learner's code.
const STALE_CODES: &[&str] = &[
    "E0460", "E0461", "E0462", "E0463", "E0464", "E0514", "E0519",
];

impl Recipe {
    /// Compiles the test harness of the bin with rustc directly. `None` when the result
    /// cannot be trusted (rustc missing, dependency artifacts gone): the caller asks cargo.
    pub fn compile(
        &self,
        root: &Path,
        manifest: &Path,
        color: bool,
        cancel: &Cancel,
    ) -> Option<Build> {
        let mut command = Command::new(self.program());
        command
            .args(self.args().iter().map(|a| with_color(a, color)))
            .envs(self.env().iter().map(|(k, v)| (k, v)))
            .current_dir(root);
        let streams = Streams {
            stdin: Stdio::null(),
            stdout: Stdio::null(),
            stderr: Stdio::piped(),
        };
        let Ok(spawned) = process::spawn_in_group(&command, streams, Sandbox::default(), cancel)
        else {
            return None;
        };
        let Some(mut child) = spawned else {
            return Some(Build {
                cancelled: true,
                ..Build::default()
            });
        };
        let stderr = BufReader::new(child.stderr.take().expect("stderr is piped"));
        let paths = PathCleaner::new(root, manifest);
        let mut build = Build::default();
        let mut stale = false;
        let mut built = None;
        for line in stderr.lines() {
            let Ok(line) = line else { break };
            match serde_json::from_str::<Line>(&line) {
                // Cargo prints its own summary instead of these two.
                Ok(Line::Diagnostic(m)) if m.is_summary() => {}
                Ok(Line::Diagnostic(m)) => {
                    stale |= STALE_CODES.contains(&m.code());
                    build.push_diagnostic(self.bin(), m.into_diagnostic(&paths));
                }
                Ok(Line::Artifact { artifact, emit }) if emit == "link" => {
                    built = Some(artifact);
                }
                Ok(_) => {}
                Err(_) => {
                    build.cargo_stderr.push_str(&line);
                    build.cargo_stderr.push('\n');
                }
            }
        }
        let status = process::finish(child, cancel).ok()?;
        build.cancelled = cancel.is_cancelled();
        if build.cancelled {
            return Some(build);
        }
        if stale || (!status.success() && !build.failed.contains(self.bin())) {
            return None;
        }
        build.success = status.success();
        if build.success {
            let executable = built.unwrap_or_else(|| self.executable().to_path_buf());
            build.executables.insert(self.bin().to_string(), executable);
        }
        Some(build)
    }
}

/// Cargo asks for rendered diagnostics with or without colour; so do we, per check.
fn with_color(arg: &str, color: bool) -> String {
    match arg.strip_prefix("--json=") {
        Some(kinds) => {
            let mut kinds: Vec<&str> = kinds
                .split(',')
                .filter(|k| *k != "diagnostic-rendered-ansi")
                .collect();
            if color {
                kinds.insert(0, "diagnostic-rendered-ansi");
            }
            format!("--json={}", kinds.join(","))
        }
        None => arg.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_is_chosen_per_check() {
        let json = "--json=diagnostic-rendered-ansi,artifacts,future-incompat";
        assert_eq!(with_color(json, false), "--json=artifacts,future-incompat");
        assert_eq!(with_color(&with_color(json, false), true), json);
        assert_eq!(with_color("--test", false), "--test");
    }
}
