//! backlings: a rustlings-style exercise runner whose bundled course teaches the backend
//! developer roadmap. See the README for the learner's loop and the course format.

mod cargo;
mod check;
mod commands;
mod course;
mod direct;
mod error;
mod exercise;
mod failures;
mod formats;
mod manifest;
mod partition;
mod process;
mod progress;
mod report;
mod results;
mod shipped;
mod signals;
mod state;
mod watch;

use clap::{Args, Parser, Subcommand};

/// Learn backend development by fixing small Rust programs, one save at a time.
///
/// Run without a command in a course directory to start watch mode: edit the current
/// exercise, save, and see the verdict.
#[derive(Parser)]
#[command(
    name = "backlings",
    version,
    about,
    long_about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Watch mode: notice saves by reading the exercise files five times a second, instead of
    /// through the system's file events. Chosen by itself (with a line saying why) where
    /// events do not arrive: network drives, WSL's /mnt/*, an exhausted inotify limit.
    #[arg(long, conflicts_with = "manual")]
    poll: bool,
    /// Watch mode without watching: press r to check.
    #[arg(long)]
    manual: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Check one exercise (default: the current one) and print the result. Exit code 0 when
    /// it is done, 1 when not.
    Run {
        /// The exercise's name, as in `backlings list`.
        name: Option<String>,
    },
    /// Show the hint of an exercise (default: the current one) and the standards it follows.
    Hint {
        /// The exercise's name, as in `backlings list`.
        name: Option<String>,
    },
    /// List every exercise with its chapter and status; `>` marks the current one.
    List,
    /// Restore the shipped version of an exercise. Your version is first saved in
    /// .backlings/backups/, and the message says where.
    Reset {
        /// The exercise's name, as in `backlings list`.
        name: String,
    },
    /// Check every exercise, record progress, and print `N passed, M failed`. Exit code 0 only
    /// when all pass.
    Verify {
        #[command(flatten)]
        batch: Batch,
    },
    /// Tools for course authors and CI.
    Dev {
        #[command(subcommand)]
        command: DevCommand,
    },
}

#[derive(Subcommand)]
enum DevCommand {
    /// Check the course: every exercise fails as shipped, every solution passes (clippy
    /// clean), every entry has a hint and a solution, the manifest matches info.toml, no
    /// stray files. Prints one line per problem and `N passed, M failed`; exit code 0 only
    /// when all is well.
    Check {
        /// Also print the compiler and test output behind each problem (human format).
        #[arg(long)]
        verbose: bool,
        #[command(flatten)]
        batch: Batch,
    },
}

/// How a command that checks many exercises reports, and which of them it checks.
#[derive(Args, Clone, Copy)]
pub struct Batch {
    /// `human`: one line per exercise. `json`: Exercism's results.json (version 3) for each
    /// exercise, in one document on stdout. `junit`: JUnit XML on stdout. With
    /// GITHUB_ACTIONS=true, failures are also annotations (on stderr).
    #[arg(long, value_enum, default_value_t)]
    pub format: formats::Format,
    /// Check only partition K of N (for example 2/4): N CI jobs share the course, each
    /// exercise in exactly one of them.
    #[arg(long, value_name = "K/N")]
    pub partition: Option<partition::Partition>,
}

fn main() {
    let cli = Cli::parse();
    let noticing = match (cli.poll, cli.manual) {
        (true, _) => watch::Noticing::Polling,
        (_, true) => watch::Noticing::Manual,
        _ => watch::Noticing::Events,
    };
    signals::install(watch::restore_terminal);
    let color = report::init_color();
    let result = match cli.command {
        None => watch::run(color, noticing),
        Some(Command::Run { name }) => commands::run::run(name, color),
        Some(Command::Hint { name }) => commands::hint::run(name),
        Some(Command::List) => commands::list::run(),
        Some(Command::Reset { name }) => commands::reset::run(&name),
        Some(Command::Verify { batch }) => commands::verify::run(color, batch),
        Some(Command::Dev {
            command: DevCommand::Check { verbose, batch },
        }) => commands::dev_check::run(color, verbose, batch),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("{} {}", console::style("error:").red().bold(), e.message);
            std::process::exit(e.exit_code);
        }
    }
}
