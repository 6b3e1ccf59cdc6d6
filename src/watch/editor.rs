//! The editor `e` opens the current exercise in: `--editor CMD`, else the learner's `editor`
//! setting (see `settings`), else VS Code when watch mode runs in its terminal (`code --goto FILE`, which returns at once), else `$VISUAL`, else
//! `$EDITOR`. The command is split as a POSIX shell would split it (shlex) and the file is
//! its last argument: no shell ever runs, so no name of the course's can become a command.

use std::path::Path;
use std::process::{Command, Stdio};

use super::settings::{self, Settings};
use super::terminal;
use crate::error::{Error, Result};

/// The editor `e` opens, or the message `e` shows when there is none: `option` (`--editor`),
/// the learner's settings, then their environment. A wrong `--editor` or setting is an error
/// now, when watch mode starts; a wrong `$EDITOR` only matters when `e` is pressed.
pub fn of_learner(option: Option<&str>) -> Result<std::result::Result<Editor, String>> {
    let settings_file = settings::path(|name| std::env::var_os(name));
    let settings = match &settings_file {
        Some(file) => settings::load(file)?,
        None => Settings::default(),
    };
    let setting_source = settings_file
        .as_ref()
        .map(|file| format!("The editor setting in {}", file.display()));
    let option = option.map(|command| Given {
        command,
        source: "--editor",
    });
    let setting = (settings.editor.as_deref().zip(setting_source.as_deref()))
        .map(|(command, source)| Given { command, source });
    let given: Vec<Given> = option.into_iter().chain(setting).collect();
    match choose(&given, |name| std::env::var(name).ok()) {
        Ok(Some(editor)) => Ok(Ok(editor)),
        Ok(None) => Ok(Err(format!(
            "No editor is set: set $VISUAL or $EDITOR, start watch mode with --editor CMD, or \
             set editor = \"CMD\" in {}.",
            settings_file.map_or("your backlings settings".to_string(), |file| file
                .display()
                .to_string())
        ))),
        Err(e) if !given.is_empty() => Err(e),
        Err(e) => Ok(Err(e.report())),
    }
}

/// How the editor runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Editor {
    /// In the terminal: watch mode leaves raw mode, waits for it, then draws again.
    Terminal(Vec<String>),
    /// Elsewhere (VS Code's window): started without the terminal, returns at once.
    Window(Vec<String>),
}

/// An editor command the learner gave by name: `--editor`, or the `editor` setting.
#[derive(Debug, Clone, Copy)]
pub struct Given<'a> {
    pub command: &'a str,
    /// Where it was given, for a message about it: "--editor".
    pub source: &'a str,
}

/// The editor to use: the first of `given` (`--editor`, then the setting), else what `env`
/// says (`TERM_PROGRAM`, `VISUAL`, `EDITOR`); `None` when nothing names one. An empty
/// variable counts as unset.
pub fn choose(given: &[Given], env: impl Fn(&str) -> Option<String>) -> Result<Option<Editor>> {
    if let Some(Given { command, source }) = given.first() {
        return split(command, source).map(|words| Some(Editor::Terminal(words)));
    }
    let env = |name: &str| env(name).filter(|value| !value.trim().is_empty());
    if env("TERM_PROGRAM").as_deref() == Some("vscode") {
        return Ok(Some(Editor::Window(vec![
            "code".to_string(),
            "--goto".to_string(),
        ])));
    }
    for name in ["VISUAL", "EDITOR"] {
        if let Some(command) = env(name) {
            return split(&command, &format!("${name}")).map(|words| Some(Editor::Terminal(words)));
        }
    }
    Ok(None)
}

/// `command` as words, like a shell would split it (quotes, escapes), but never run by one.
fn split(command: &str, source: &str) -> Result<Vec<String>> {
    match shlex::split(command) {
        Some(words) if !words.is_empty() => Ok(words),
        _ => Err(Error::usage(format!(
            "{source} ({command:?}) is not a command: give the editor's program and its \
             arguments, quoted as in a shell."
        ))),
    }
}

/// Opens `file` in `editor`; a message for the learner when it could not run or failed.
pub fn open(editor: &Editor, file: &Path) -> std::result::Result<(), String> {
    let (words, in_terminal) = match editor {
        Editor::Terminal(words) => (words, true),
        Editor::Window(words) => (words, false),
    };
    let (program, args) = words
        .split_first()
        .expect("an editor command has a program");
    let mut command = Command::new(program);
    command.args(args).arg(file);
    let status = if in_terminal {
        terminal::suspend();
        let status = command.status();
        terminal::resume();
        status
    } else {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
    };
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("The editor ({program}) ended with {status}.")),
        Err(e) => Err(format!(
            "Could not start the editor ({program}): {e}. Set $VISUAL or $EDITOR, or start \
             watch mode with --editor CMD."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn the_option_wins_and_is_split_like_a_shell_would_split_it() {
        let vars = [("TERM_PROGRAM", "vscode"), ("EDITOR", "vi")];
        let option = Given {
            command: "'my editor' -n \"a b\"",
            source: "--editor",
        };
        let setting = Given {
            command: "vim",
            source: "the editor setting",
        };
        let editor = choose(&[option, setting], env(&vars)).unwrap();
        assert_eq!(
            editor,
            Some(Editor::Terminal(words(&["my editor", "-n", "a b"])))
        );
    }

    #[test]
    fn the_setting_comes_before_vs_code_and_the_environment() {
        let vars = [("TERM_PROGRAM", "vscode"), ("EDITOR", "vi")];
        let setting = Given {
            command: "hx",
            source: "the editor setting",
        };
        let editor = choose(&[setting], env(&vars)).unwrap();
        assert_eq!(editor, Some(Editor::Terminal(words(&["hx"]))));
    }

    #[test]
    fn vs_codes_terminal_opens_the_file_in_vs_code() {
        let vars = [("TERM_PROGRAM", "vscode"), ("EDITOR", "vi")];
        let editor = choose(&[], env(&vars)).unwrap();
        assert_eq!(editor, Some(Editor::Window(words(&["code", "--goto"]))));
    }

    #[test]
    fn visual_comes_before_editor_and_empty_ones_do_not_count() {
        let both = [("VISUAL", "emacs -nw"), ("EDITOR", "vi")];
        let editor = choose(&[], env(&both)).unwrap();
        assert_eq!(editor, Some(Editor::Terminal(words(&["emacs", "-nw"]))));
        let empty = [("VISUAL", " "), ("EDITOR", "vi")];
        let editor = choose(&[], env(&empty)).unwrap();
        assert_eq!(editor, Some(Editor::Terminal(words(&["vi"]))));
        assert_eq!(choose(&[], env(&[])).unwrap(), None);
    }

    #[test]
    fn a_command_that_does_not_split_is_a_usage_error() {
        let option = Given {
            command: "vi 'unclosed",
            source: "--editor",
        };
        let error = choose(&[option], env(&[])).unwrap_err();
        assert!(error.report().contains("--editor"), "{}", error.report());
        assert!(choose(&[], env(&[("EDITOR", "\"")])).is_err());
    }
}
