//! The learner's own settings for watch mode: `backlings/config.toml` in their configuration
//! folder (`$XDG_CONFIG_HOME`, else `~/.config`), never in the course. A course is code from
//! someone else: a setting read from it could make `e` run a program of the course's choosing.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::files::{self, Problem, line_col};

/// What the learner set; every setting is optional.
#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The editor `e` opens the exercise in (a command, split as a shell would split it),
    /// before VS Code's terminal, `$VISUAL` and `$EDITOR`; `--editor` comes first.
    pub editor: Option<String>,
}

/// Where the settings are read from, given the environment `env`: `None` when neither
/// `XDG_CONFIG_HOME` nor `HOME` says (relative values are ignored, as the XDG spec says).
pub fn path(env: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let absolute = |name: &str| env(name).map(PathBuf::from).filter(|p| p.is_absolute());
    let folder =
        absolute("XDG_CONFIG_HOME").or_else(|| absolute("HOME").map(|h| h.join(".config")))?;
    Some(folder.join("backlings").join("config.toml"))
}

/// The settings at `path`: the defaults when there is no file; an error naming the file, line
/// and column when it is not valid.
pub fn load(path: &Path) -> Result<Settings> {
    let text = match files::read_text(path) {
        Ok(text) => text,
        Err(e) if matches!(e.problem, Problem::Missing) => return Ok(Settings::default()),
        Err(e) => return Err(e.into()),
    };
    toml::from_str(&text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |span| line_col(&text, span.start));
        Error::usage(format!(
            "{}:{line}:{column}: {}\n  Your backlings settings take one key: editor = \"CMD\".",
            path.display(),
            e.message()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn the_file_is_in_the_xdg_config_folder_else_in_home_dot_config() {
        let both = [("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")];
        assert_eq!(path(env(&both)), Some("/x/backlings/config.toml".into()));
        let relative = [("XDG_CONFIG_HOME", "x"), ("HOME", "/h")];
        let expected = PathBuf::from("/h/.config/backlings/config.toml");
        assert_eq!(path(env(&relative)), Some(expected));
        assert_eq!(path(env(&[])), None);
    }

    #[test]
    fn no_file_means_nothing_set_and_a_file_sets_the_editor() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        assert_eq!(load(&file).unwrap(), Settings::default());
        std::fs::write(&file, "editor = \"hx --vsplit\"\n").unwrap();
        assert_eq!(load(&file).unwrap().editor.as_deref(), Some("hx --vsplit"));
    }

    #[test]
    fn a_mistyped_key_is_an_error_at_its_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "# mine\nedtior = \"vim\"\n").unwrap();
        let report = load(&file).unwrap_err().report();
        assert!(
            report.contains("config.toml:2:1: unknown field `edtior`"),
            "{report}"
        );
    }
}
