//! Rustc's JSON output (`--error-format=json`, which cargo asks for), read in one place for
//! both ways a bin is built: cargo passes each of rustc's diagnostics on as rustc printed it
//! (the `message` of its `compiler-message` lines), and the [fast path](crate::build::fast_path)
//! reads rustc's own stderr. Either way a diagnostic becomes a [`Diagnostic`], rendered as rustc
//! renders it, with its paths as a learner opens them ([`PathCleaner`]).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::files;

/// A compiler message, rendered as rustc renders it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: String,
    pub rendered: String,
}

impl Diagnostic {
    /// An error, not a warning or a note: the bin did not compile.
    pub fn is_error(&self) -> bool {
        self.level.starts_with("error")
    }
}

/// One of rustc's JSON diagnostics.
#[derive(Deserialize)]
pub struct Message {
    level: String,
    #[serde(default)]
    message: String,
    rendered: Option<String>,
    code: Option<Code>,
}

#[derive(Deserialize)]
struct Code {
    code: String,
}

impl Message {
    /// `aborting due to 2 previous errors`, `3 warnings emitted`: rustc's closing lines, which
    /// cargo leaves out (it prints its own summary).
    pub fn is_summary(&self) -> bool {
        self.message.starts_with("aborting due to")
            || self.message.ends_with("warning emitted")
            || self.message.ends_with("warnings emitted")
    }

    /// The error code (`E0308`), empty when the message has none.
    pub fn code(&self) -> &str {
        self.code.as_ref().map_or("", |c| c.code.as_str())
    }

    /// The message as a learner reads it: rendered, its paths cleaned by `paths`.
    pub fn into_diagnostic(self, paths: &PathCleaner) -> Diagnostic {
        Diagnostic {
            level: self.level,
            rendered: paths.clean(self.rendered.unwrap_or_default()),
        }
    }
}

/// One line of rustc's own stderr under `--error-format=json`.
#[derive(Deserialize)]
#[serde(tag = "$message_type", rename_all = "lowercase")]
pub enum Line {
    Diagnostic(Message),
    /// A file the compile wrote; `emit` says what it is (`link`: the executable).
    Artifact {
        artifact: PathBuf,
        emit: String,
    },
    /// Anything else (a future-incompatibility report, say): nothing a check shows.
    #[serde(other)]
    Other,
}

/// Rustc names files as cargo passed them: relative to the workspace root, so a package in
/// `course/` whose bins are `../exercises/…` shows `course/../exercises/…`, and absolute
/// outside it (the light package's bins). Learners should see `exercises/…`, the path they
/// open.
pub struct PathCleaner {
    /// `course/../`: how the paths that take the detour through the package's folder start.
    detour: Option<String>,
    root: String,
}

impl PathCleaner {
    pub fn new(root: &Path, manifest: &Path) -> Self {
        let package_dir = manifest.parent().and_then(|d| d.file_name());
        let is_member = manifest
            .parent()
            .and_then(Path::parent)
            .is_some_and(|root| root.join("Cargo.toml").is_file());
        Self {
            detour: package_dir
                .filter(|_| is_member)
                .map(|d| format!("{}/../", d.to_string_lossy())),
            root: format!("{}/", root.display()),
        }
    }

    pub fn clean(&self, rendered: String) -> String {
        let rendered = match &self.detour {
            Some(detour) => without_detours(&rendered, detour),
            None => rendered,
        };
        if self.root.len() > 1 && rendered.contains(&self.root) {
            rendered.replace(&self.root, "")
        } else {
            rendered
        }
    }
}

/// `text` with every path that starts with `detour` resolved [lexically](files::lexical). A
/// path ends where rendered text puts something else after it: a space, a quote or a colour.
fn without_detours(text: &str, detour: &str) -> String {
    let mut cleaned = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(detour) {
        cleaned.push_str(&rest[..start]);
        let from = &rest[start..];
        let end = from
            .find(|c: char| c.is_whitespace() || matches!(c, '`' | '"' | '\'' | '\u{1b}'))
            .unwrap_or(from.len());
        cleaned.push_str(&files::lexical(Path::new(&from[..end])).to_string_lossy());
        rest = &from[end..];
    }
    cleaned.push_str(rest);
    cleaned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_through_the_package_folder_are_shown_as_learners_open_them() {
        let rendered = "error[E0308]: mismatched types\n \u{1b}[1m-->\u{1b}[0m course/../exercises/x.rs:2:18\n\
                        help: create file \"course/../exercises/m.rs\"\n  = note: `a/../b` stays\n";
        assert_eq!(
            without_detours(rendered, "course/../"),
            "error[E0308]: mismatched types\n \u{1b}[1m-->\u{1b}[0m exercises/x.rs:2:18\n\
             help: create file \"exercises/m.rs\"\n  = note: `a/../b` stays\n"
        );
    }

    #[test]
    fn rustc_lines_are_diagnostics_artifacts_or_other() {
        let diagnostic = r#"{"$message_type":"diagnostic","message":"aborting due to 1 previous error","code":null,"level":"error","spans":[],"children":[],"rendered":"error: aborting due to 1 previous error\n\n"}"#;
        let Ok(Line::Diagnostic(m)) = serde_json::from_str(diagnostic) else {
            panic!("a diagnostic");
        };
        assert!(m.is_summary());
        assert_eq!(m.code(), "");
        let artifact = r#"{"$message_type":"artifact","artifact":"/t/deps/x-abc","emit":"link"}"#;
        assert!(matches!(
            serde_json::from_str(artifact),
            Ok(Line::Artifact { emit, .. }) if emit == "link"
        ));
        let other = r#"{"$message_type":"future_incompat","future_incompat_report":[]}"#;
        assert!(matches!(serde_json::from_str(other), Ok(Line::Other)));
        assert!(serde_json::from_str::<Line>("warning: not JSON").is_err());
    }
}
