//! backlings: a rustlings-style exercise runner whose bundled course teaches the backend
//! developer roadmap. See the README for the learner's loop and the course format.

mod authoring;
mod budget;
mod bundled;
mod cargo;
mod check;
mod commands;
mod compiled;
mod course;
mod crates;
mod dependencies;
mod direct;
mod error;
mod exercise;
mod failures;
mod files;
mod formats;
mod guard;
mod inert;
mod libtest;
mod light;
mod limits;
mod manifest;
mod partition;
mod process;
mod progress;
mod report;
mod results;
mod scaffold;
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
    /// Write the bundled course into a new directory, to learn with an installed backlings.
    /// Solutions are written to solutions/ as you finish each exercise.
    Init {
        /// The new (or empty) directory to write the course into.
        #[arg(default_value = "backlings")]
        dir: std::path::PathBuf,
    },
    /// Check one exercise (default: the current one) and print the result. Exit code 0 when
    /// it is done, 1 when not.
    Run {
        /// The exercise's name, as in `backlings list`.
        name: Option<String>,
    },
    /// Show the hint of an exercise (default: the current one) and the standards it follows:
    /// first a nudge; `--more` adds the recipe, step by step.
    Hint {
        /// The exercise's name, as in `backlings list`.
        name: Option<String>,
        /// Also show the recipe, for when the nudge was not enough.
        #[arg(long)]
        more: bool,
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
    /// Start a course of your own in a new directory: info.toml with a commented template, the
    /// exercise package (Cargo.toml), exercises/, solutions/, a README for your learners, a
    /// .gitignore and a GitHub Actions workflow that runs `dev check` in parallel shards.
    New {
        /// The new (or empty) directory for the course.
        path: std::path::PathBuf,
    },
    /// Add an exercise: its file and its solution from a template (doc comment, TODO, tests),
    /// its info.toml entry after the chapter's last exercise, and its bins in Cargo.toml.
    Add {
        /// The exercise's name: a-z, 0-9 and _.
        name: String,
        /// The chapter folder under exercises/ and solutions/, for example 01_http.
        #[arg(long)]
        dir: Option<String>,
    },
    /// Rewrite the exercise package's bin list from info.toml (after you edit info.toml by
    /// hand: rename, move or remove an exercise).
    Update,
    /// Check the course: every exercise fails as shipped, every solution passes (clippy
    /// clean) and compiles from scratch within the budget, every entry has a hint and a
    /// solution, the manifest matches info.toml, no stray files. Prints one line per problem
    /// and `N passed, M failed`; exit code 0 only when all is well.
    Check {
        /// Also print the compiler and test output behind each problem (human format).
        #[arg(long)]
        verbose: bool,
        /// The seconds a solution may take to compile from scratch, instead of info.toml's
        /// compile_budget_secs (default 1.5); 0 turns the check off.
        #[arg(long, value_name = "SECONDS", value_parser = budget_secs)]
        compile_budget: Option<f64>,
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

/// A compile budget from the command line: seconds, 0 or more.
fn budget_secs(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if (0.0..=3600.0).contains(&secs) => Ok(secs),
        _ => Err("give the seconds as a number from 0 to 3600, such as 1.5".to_string()),
    }
}

fn main() {
    guard::run_if_asked();
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
        Some(Command::Init { dir }) => commands::init::run(&dir),
        Some(Command::Run { name }) => commands::run::run(name, color),
        Some(Command::Hint { name, more }) => {
            let depth = if more {
                exercise::HintDepth::Recipe
            } else {
                exercise::HintDepth::Nudge
            };
            commands::hint::run(name, depth)
        }
        Some(Command::List) => commands::list::run(),
        Some(Command::Reset { name }) => commands::reset::run(&name),
        Some(Command::Verify { batch }) => commands::verify::run(color, batch),
        Some(Command::Dev { command }) => match command {
            DevCommand::New { path } => commands::dev_new::run(&path),
            DevCommand::Add { name, dir } => commands::dev_add::run(&name, dir.as_deref()),
            DevCommand::Update => commands::dev_update::run(),
            DevCommand::Check {
                verbose,
                compile_budget,
                batch,
            } => commands::dev_check::run(color, verbose, compile_budget, batch),
        },
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            // Messages may quote course files (a broken line of info.toml): shown inert.
            let mut message = inert::text(&e.message, inert::Colour::Strip);
            if formats::on_github_actions() {
                message = formats::inert_for_actions(&message);
            }
            eprintln!("{} {message}", console::style("error:").red().bold());
            std::process::exit(e.exit_code);
        }
    }
}
