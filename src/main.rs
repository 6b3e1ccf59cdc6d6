//! backlings: a rustlings-style exercise runner whose bundled course teaches the backend
//! developer roadmap. See the README for the learner's loop and the course format.

mod authoring;
mod build;
mod check;
mod cli;
mod commands;
mod course;
mod error;
mod files;
mod inert;
mod progress;
mod report;
mod sandbox;
mod watch;

use cli::{Command, DevCommand};
use error::{Error, Result};

fn main() {
    sandbox::guard::run_if_asked();
    let cli = cli::parse();
    let noticing = match (cli.poll, cli.manual) {
        (true, _) => watch::Noticing::Polling,
        (_, true) => watch::Noticing::Manual,
        _ => watch::Noticing::Events,
    };
    sandbox::signals::install(watch::restore_terminal);
    let color = report::init_color();
    // A panic is a bug: its message is printed by the panic hook, then it ends the command as
    // an internal error, with its own exit code, like every other error.
    let editor = cli.editor.as_deref();
    let result = std::panic::catch_unwind(|| dispatch(cli.command, color, noticing, editor))
        .unwrap_or_else(|_| {
            Err(Error::internal(
                "backlings hit a bug (the message above says where).\n  \
                 Please report it, with the command you ran.",
            ))
        });
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            // Messages may quote course files (a broken line of info.toml): shown inert.
            let mut message = inert::text(&e.report(), inert::Colour::Strip);
            if report::formats::on_github_actions() {
                message = report::formats::inert_for_actions(&message);
            }
            eprintln!("{} {message}", console::style("error:").red().bold());
            std::process::exit(e.kind().exit_code());
        }
    }
}

/// Runs the command asked for; its exit code, or the error that ended it.
fn dispatch(
    command: Option<Command>,
    color: bool,
    noticing: watch::Noticing,
    editor: Option<&str>,
) -> Result<i32> {
    match command {
        None => watch::run(color, noticing, editor),
        Some(Command::Init { dir }) => commands::init::run(&dir),
        Some(Command::Run { name, verbose }) => {
            let detail = if verbose {
                report::Detail::Full
            } else {
                report::Detail::Summary
            };
            commands::run::run(name, detail, color)
        }
        Some(Command::Hint { name, more }) => {
            let depth = if more {
                course::exercise::HintDepth::Recipe
            } else {
                course::exercise::HintDepth::Nudge
            };
            commands::hint::run(name, depth)
        }
        Some(Command::List) => commands::list::run(),
        Some(Command::Progress) => commands::progress::run(),
        Some(Command::Reset { name, yes }) => {
            let consent = if yes {
                commands::Consent::Given
            } else {
                commands::Consent::Ask
            };
            commands::reset::run(name.as_deref(), consent)
        }
        Some(Command::ResetAll { yes }) => commands::reset_all::run(if yes {
            commands::Consent::Given
        } else {
            commands::Consent::Ask
        }),
        Some(Command::Verify { batch }) => commands::verify::run(color, batch),
        Some(Command::Serve {
            name,
            solution,
            args,
        }) => {
            let variant = if solution {
                course::exercise::Variant::Solution
            } else {
                course::exercise::Variant::Exercise
            };
            commands::serve::run(name, variant, &args, color)
        }
        Some(Command::Update) => commands::update::run(),
        Some(Command::Completions { shell }) => commands::completions::run(&shell),
        Some(Command::Dev(command)) => match command {
            DevCommand::New { path } => commands::dev_new::run(&path),
            DevCommand::Add { name, dir } => commands::dev_add::run(&name, dir.as_deref()),
            DevCommand::Update => commands::dev_update::run(),
            DevCommand::Check(options) => commands::dev_check::run(color, options),
        },
    }
}
