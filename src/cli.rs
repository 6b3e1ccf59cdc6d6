//! The command line: what a learner, an author or CI can ask for, parsed into a [`Cli`].
//!
//! Built with clap's builder rather than its derive macros: the derive costs the runner's
//! first build clap_derive and syn's "full" parser (about a tenth of the build, measured
//! with `cargo build --timings`), and the first build is what a learner waits for after
//! `git clone`.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Arg, ArgAction, ArgMatches, Command as ClapCommand, value_parser};
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use clap_complete::env::CompleteEnv;

use crate::course::Course;
use crate::course::partition::Partition;
use crate::report::formats::Format;

/// What was asked for.
pub struct Cli {
    pub command: Option<Command>,
    /// Watch mode: notice saves by polling.
    pub poll: bool,
    /// Watch mode: check only when `r` is pressed.
    pub manual: bool,
    /// Watch mode: the editor `e` opens.
    pub editor: Option<String>,
}

pub enum Command {
    Init {
        dir: PathBuf,
    },
    Run {
        name: Option<String>,
        verbose: bool,
    },
    Hint {
        name: Option<String>,
        more: bool,
    },
    List,
    Progress,
    /// `name`: the exercise's name or file; `None`: the current one, after asking unless `yes`.
    Reset {
        name: Option<String>,
        yes: bool,
    },
    ResetAll {
        yes: bool,
    },
    Verify {
        batch: Batch,
    },
    /// `backlings serve`: run an exercise's program (a server) in the terminal.
    Serve {
        name: Option<String>,
        /// Serve the reference solution instead of the learner's file.
        solution: bool,
        /// Passed to the program (after `--`).
        args: Vec<String>,
    },
    Completions {
        shell: String,
    },
    Update,
    Dev(DevCommand),
}

pub enum DevCommand {
    New { path: PathBuf },
    Add { name: String, dir: Option<String> },
    Update,
    Check(DevCheck),
}

/// `dev check`'s options.
#[derive(Clone, Copy)]
pub struct DevCheck {
    /// Also print the compiler and test output behind each problem.
    pub verbose: bool,
    /// `--compile-budget SECONDS`; `None`: info.toml's.
    pub compile_budget: Option<f64>,
    pub batch: Batch,
}

/// How a command that checks many exercises reports, and which of them it checks.
#[derive(Clone, Copy)]
pub struct Batch {
    pub format: Format,
    pub partition: Option<Partition>,
}

const ABOUT: &str = "Learn backend development by fixing small Rust programs, one save at a time.";
const LONG_ABOUT: &str =
    "Learn backend development by fixing small Rust programs, one save at a time.

Run without a command in a course directory to start watch mode: edit the current exercise, \
save, and see the verdict.";

const NAME_HELP: &str = "The exercise: its name, as in `backlings list`, or its file \
                         (exercises/…/NAME.rs, from where you are).";

/// The environment variable a shell's completion script sets when it asks backlings for the
/// candidates of a word (see `backlings completions`).
pub const COMPLETE_VAR: &str = "BACKLINGS_COMPLETE";

/// The shells `backlings completions` writes a script for.
pub const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "powershell", "elvish"];

/// Parses the process's arguments; prints help or an error and exits when asked or wrong.
/// A shell asking for completions is answered here, and the process ends.
pub fn parse() -> Cli {
    CompleteEnv::with_factory(command)
        .var(COMPLETE_VAR)
        .complete();
    from_matches(&command().get_matches())
}

/// An exercise's name as an argument: the shell completes it from the course here.
fn name_arg() -> Arg {
    Arg::new("name")
        .help(NAME_HELP)
        .add(ArgValueCandidates::new(exercise_names))
}

/// The exercise names of the course in the current directory, for a shell completing `run`,
/// `hint` or `reset`; none where no valid course is. The course loader accepts only names of
/// ASCII letters, digits and _, so nothing offered can drive the terminal.
fn exercise_names() -> Vec<CompletionCandidate> {
    let course = std::env::current_dir().ok().map(|root| Course::load(&root));
    match course {
        Some(Ok(course)) => course
            .exercises
            .into_iter()
            .map(|e| CompletionCandidate::new(e.name))
            .collect(),
        _ => Vec::new(),
    }
}

fn command() -> ClapCommand {
    ClapCommand::new("backlings")
        .version(env!("CARGO_PKG_VERSION"))
        .about(ABOUT)
        .long_about(LONG_ABOUT)
        .args_conflicts_with_subcommands(true)
        .arg(flag("poll").conflicts_with("manual").help(
            "Watch mode: notice saves by reading the exercise files five times a second, \
                     instead of through the system's file events. Chosen by itself (with a line \
                     saying why) where events do not arrive: network drives, WSL's /mnt/*, an \
                     exhausted inotify limit.",
        ))
        .arg(flag("manual").help("Watch mode without watching: press r to check."))
        .arg(Arg::new("editor").long("editor").value_name("CMD").help(
            "Watch mode: the editor e opens the current exercise in (default: editor = \"CMD\" \
             in ~/.config/backlings/config.toml, else VS Code in its terminal, else $VISUAL, \
             else $EDITOR). Split like a shell command; the file is its last argument.",
        ))
        .subcommand(
            ClapCommand::new("init")
                .about(
                    "Write the bundled course into a new directory, to learn with an installed \
                     backlings. Solutions are written to solutions/ as you finish each exercise.",
                )
                .arg(
                    Arg::new("dir")
                        .value_parser(value_parser!(PathBuf))
                        .default_value("backlings")
                        .help("The new (or empty) directory to write the course into."),
                ),
        )
        .subcommand(
            ClapCommand::new("run")
                .about(
                    "Check one exercise (default: the current one) and print the result. Exit \
                     code 0 when it is done, 1 when not.",
                )
                .arg(name_arg())
                .arg(flag("verbose").short('v').help(
                    "Show the tests' whole output, not only the first failure in full and the \
                     others one line each.",
                )),
        )
        .subcommand(
            ClapCommand::new("hint")
                .about(
                    "Show the hint of an exercise (default: the current one) and the standards \
                     it follows: first a nudge; `--more` adds the recipe, step by step.",
                )
                .arg(name_arg())
                .arg(flag("more").help("Also show the recipe, for when the nudge was not enough.")),
        )
        .subcommand(
            ClapCommand::new("list").about(
                "List every exercise by chapter, with its status and each chapter's progress; `>` marks the current one.",
            ),
        )
        .subcommand(ClapCommand::new("progress").about(
            "The course as a roadmap: each chapter with its topic, how many of its exercises \
             are done, and a bar; `>` marks yours.",
        ))
        .subcommand(
            ClapCommand::new("reset")
                .about(
                    "Restore the shipped version of an exercise (default: the current one, \
                     after asking). Your version is first saved in .backlings/backups/, and the \
                     message says where.",
                )
                .arg(name_arg().conflicts_with("all"))
                .arg(flag("all").help(
                    "Start over: restore every exercise you changed (each backed up first) and \
                     clear your progress. Asks first.",
                ))
                .arg(flag("yes").short('y').help(
                    "Do not ask first (for scripts: without a terminal, reset without a name, \
                     and reset --all, need it).",
                )),
        )
        .subcommand(batch_args(ClapCommand::new("verify").about(
            "Check every exercise, record progress, and print `N passed, M failed`. Exit code 0 \
             only when all pass.",
        )))
        .subcommand(
            ClapCommand::new("serve")
                .about(
                    "Build an exercise's program (default: the current exercise) and run it \
                     here, to talk to the server you are writing with curl, redis-cli or a \
                     WebSocket client. Ctrl-C stops it.",
                )
                .arg(name_arg())
                .arg(flag("solution").help("Serve the reference solution instead of your file."))
                .arg(
                    Arg::new("args")
                        .num_args(0..)
                        .last(true)
                        .value_name("ARGS")
                        .help("Passed to the program, after --: for example a port."),
                ),
        )
        .subcommand(ClapCommand::new("update").about(
            "In a course written by `init`, after installing a newer backlings: bring in its \
             course, keeping your work. Files you never changed are replaced; a file you changed \
             is merged with the new version where that is clean (yours backed up first), else \
             kept, with the new version beside it (.new). Progress is kept.",
        ))
        .subcommand(
            ClapCommand::new("completions")
                .about(
                    "Print the completion script for SHELL: commands, options and, for run, \
                     hint and reset, the exercise names of the course you are in. The README \
                     says how to install it.",
                )
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(SHELLS)
                        .help("The shell to complete in."),
                ),
        )
        .subcommand(dev_command())
}

/// `backlings dev …`: the course author's and CI's commands.
fn dev_command() -> ClapCommand {
    ClapCommand::new("dev")
        .about("Tools for course authors and CI.")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            ClapCommand::new("new")
                .about(
                    "Start a course of your own in a new directory: info.toml with a \
                             commented template, the exercise package (Cargo.toml), exercises/, \
                             solutions/, a README for your learners, a .gitignore and a GitHub \
                             Actions workflow that runs `dev check` in parallel shards.",
                )
                .arg(
                    Arg::new("path")
                        .required(true)
                        .value_parser(value_parser!(PathBuf))
                        .help("The new (or empty) directory for the course."),
                ),
        )
        .subcommand(
            ClapCommand::new("add")
                .about(
                    "Add an exercise: its file and its solution from a template (doc \
                             comment, TODO, tests), its info.toml entry after the chapter's last \
                             exercise, and its bins in Cargo.toml.",
                )
                .arg(
                    Arg::new("name")
                        .required(true)
                        .help("The exercise's name: letters, digits and _."),
                )
                .arg(Arg::new("dir").long("dir").help(
                    "The chapter folder under exercises/ and solutions/, for example \
                             01_http.",
                )),
        )
        .subcommand(ClapCommand::new("update").about(
            "Rewrite the exercise package's bin list from info.toml (after you edit \
                     info.toml by hand: rename, move or remove an exercise).",
        ))
        .subcommand(batch_args(
            ClapCommand::new("check")
                .about(
                    "Check the course: every exercise fails as shipped, every solution \
                             passes (clippy clean) and compiles from scratch within the budget, \
                             every entry has a hint and a solution, the manifest matches \
                             info.toml, no stray files. Prints one line per problem and `N \
                             passed, M failed`; exit code 0 only when all is well.",
                )
                .arg(flag("verbose").help(
                    "Also print the compiler and test output behind each problem (human \
                             format).",
                ))
                .arg(
                    Arg::new("compile-budget")
                        .long("compile-budget")
                        .value_name("SECONDS")
                        .value_parser(budget_secs)
                        .help(
                            "The seconds a solution may take to compile from scratch, \
                                     instead of info.toml's compile_budget_secs (default 1.5); 0 \
                                     turns the check off.",
                        ),
                ),
        ))
}

fn flag(name: &'static str) -> Arg {
    Arg::new(name).long(name).action(ArgAction::SetTrue)
}

/// `--format` and `--partition`, for the commands that check many exercises.
fn batch_args(command: ClapCommand) -> ClapCommand {
    command
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .value_parser([
                    PossibleValue::new("human")
                        .help("One line per exercise and a closing count, for people."),
                    PossibleValue::new("json").help(
                        "Exercism's test-runner results.json (version 3), one per exercise, in \
                         one document.",
                    ),
                    PossibleValue::new("junit")
                        .help("JUnit XML, which GitHub, GitLab and Jenkins display."),
                ])
                .default_value("human")
                .help(
                    "`human`: one line per exercise. `json`: Exercism's results.json (version 3) \
                     for each exercise, in one document on stdout. `junit`: JUnit XML on stdout. \
                     With GITHUB_ACTIONS=true, failures are also annotations (on stderr).",
                ),
        )
        .arg(
            Arg::new("partition")
                .long("partition")
                .value_name("K/N")
                .value_parser(|text: &str| text.parse::<Partition>())
                .help(
                    "Check only partition K of N (for example 2/4): N CI jobs share the course, \
                     each exercise in exactly one of them.",
                ),
        )
}

/// A compile budget from the command line: seconds, 0 or more.
fn budget_secs(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if (0.0..=3600.0).contains(&secs) => Ok(secs),
        _ => Err("give the seconds as a number from 0 to 3600, such as 1.5".to_string()),
    }
}

fn from_matches(matches: &ArgMatches) -> Cli {
    let name = |m: &ArgMatches| m.get_one::<String>("name").cloned();
    let command = matches.subcommand().map(|(sub, m)| match sub {
        "init" => Command::Init {
            dir: m.get_one::<PathBuf>("dir").cloned().unwrap_or_default(),
        },
        "run" => Command::Run {
            name: name(m),
            verbose: m.get_flag("verbose"),
        },
        "hint" => Command::Hint {
            name: name(m),
            more: m.get_flag("more"),
        },
        "list" => Command::List,
        "reset" if m.get_flag("all") => Command::ResetAll {
            yes: m.get_flag("yes"),
        },
        "progress" => Command::Progress,
        "reset" => Command::Reset {
            name: name(m),
            yes: m.get_flag("yes"),
        },
        "verify" => Command::Verify { batch: batch(m) },
        "serve" => Command::Serve {
            name: name(m),
            solution: m.get_flag("solution"),
            args: m
                .get_many::<String>("args")
                .map(|args| args.cloned().collect())
                .unwrap_or_default(),
        },
        "update" => Command::Update,
        "completions" => Command::Completions {
            shell: m.get_one::<String>("shell").cloned().unwrap_or_default(),
        },
        "dev" => Command::Dev(match m.subcommand() {
            Some(("new", m)) => DevCommand::New {
                path: m.get_one::<PathBuf>("path").cloned().unwrap_or_default(),
            },
            Some(("add", m)) => DevCommand::Add {
                name: name(m).unwrap_or_default(),
                dir: m.get_one::<String>("dir").cloned(),
            },
            Some(("update", _)) => DevCommand::Update,
            _ => {
                let m = m
                    .subcommand_matches("check")
                    .expect("dev requires a command");
                DevCommand::Check(DevCheck {
                    verbose: m.get_flag("verbose"),
                    compile_budget: m.get_one::<f64>("compile-budget").copied(),
                    batch: batch(m),
                })
            }
        }),
        other => unreachable!("clap accepts only declared commands, not {other}"),
    });
    Cli {
        command,
        poll: matches.get_flag("poll"),
        manual: matches.get_flag("manual"),
        editor: matches.get_one::<String>("editor").cloned(),
    }
}

fn batch(m: &ArgMatches) -> Batch {
    let format = match m.get_one::<String>("format").map(String::as_str) {
        Some("json") => Format::Json,
        Some("junit") => Format::Junit,
        _ => Format::Human,
    };
    Batch {
        format,
        partition: m.get_one::<Partition>("partition").copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_from(args: &[&str]) -> Result<Cli, clap::Error> {
        let args = std::iter::once("backlings").chain(args.iter().copied());
        Ok(from_matches(&command().try_get_matches_from(args)?))
    }

    #[test]
    fn the_command_line_is_well_formed() {
        command().debug_assert();
    }

    #[test]
    fn batch_options_and_budgets_are_parsed_and_checked() {
        let cli = parse_from(&[
            "dev",
            "check",
            "--format",
            "junit",
            "--partition",
            "2/4",
            "--compile-budget",
            "0",
        ])
        .unwrap();
        let Some(Command::Dev(DevCommand::Check(DevCheck {
            compile_budget,
            batch,
            verbose,
        }))) = cli.command
        else {
            panic!("dev check");
        };
        assert_eq!(
            (compile_budget, batch.format, verbose),
            (Some(0.0), Format::Junit, false)
        );
        assert!(batch.partition.is_some());
        assert!(parse_from(&["dev", "check", "--compile-budget", "-1"]).is_err());
        assert!(parse_from(&["verify", "--format", "xml"]).is_err());
        assert!(parse_from(&["--poll", "--manual"]).is_err());
    }

    #[test]
    fn reset_takes_an_optional_name_and_yes() {
        let reset = |args: &[&str]| match parse_from(args).unwrap().command {
            Some(Command::Reset { name, yes }) => (name, yes),
            _ => panic!("reset"),
        };
        assert_eq!(reset(&["reset"]), (None, false));
        assert_eq!(reset(&["reset", "--yes"]), (None, true));
        assert_eq!(reset(&["reset", "x", "-y"]), (Some("x".to_string()), true));
    }

    #[test]
    fn no_command_is_watch_mode_with_its_options() {
        let cli = parse_from(&["--manual"]).unwrap();
        assert!(cli.command.is_none() && cli.manual && !cli.poll);
        let Some(Command::Hint { name, more }) =
            parse_from(&["hint", "x", "--more"]).unwrap().command
        else {
            panic!("hint");
        };
        assert_eq!((name.as_deref(), more), (Some("x"), true));
    }
}
