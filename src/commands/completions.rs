//! `backlings completions SHELL`: the script that makes a shell complete backlings' commands,
//! options and exercise names. The script asks the installed `backlings` for each word's
//! candidates (clap_complete's dynamic completion, through [`cli::COMPLETE_VAR`]), so the
//! exercise names are those of the course the learner is in, and a newer backlings brings
//! its commands without a new script.

use std::io::Write;

use clap_complete::env::Shells;

use crate::cli;
use crate::error::{Error, Result};

pub fn run(shell: &str) -> Result<i32> {
    let shells = Shells::builtins();
    let Some(completer) = shells.completer(shell) else {
        return Err(Error::internal(format!(
            "the command line accepted the shell {shell:?}, which clap_complete does not know"
        )));
    };
    let mut script = Vec::new();
    completer
        .write_registration(
            cli::COMPLETE_VAR,
            "backlings",
            "backlings",
            "backlings",
            &mut script,
        )
        .and_then(|()| std::io::stdout().write_all(&script))
        .map_err(|e| Error::environment(format!("cannot write the completion script: {e}")))?;
    Ok(0)
}
