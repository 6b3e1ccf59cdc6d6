//! Watch mode (`backlings` with no command): the learner's loop. Save the current exercise →
//! it is checked → the verdict is on screen → `n` moves on.
//!
//! One thread owns all state and reacts to [`events::Event`]s. Checks run on threads of their
//! own, so keys work while a check runs, and a save during a check cancels it (its whole
//! process group) and checks the new content: no save is ever dropped, and no verdict is
//! shown for content that is no longer on disk.

mod events;
mod screen;
mod terminal;
mod trace;
mod watcher;

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::build::cargo::Progress;
use crate::build::dependencies::Dependencies;
use crate::check::{self, Item, Options, Outcome, Verdict};
use crate::course::Course;
use crate::course::exercise::HintDepth;
use crate::course::package::ExercisePackage;
use crate::error::{Error, Result};
use crate::files;
use crate::progress::State;
use crate::progress::{self, Advance, Recorded, reset_file};
use crate::sandbox::process::Cancel;

use events::Event;

pub use terminal::restore as restore_terminal;
pub use watcher::Noticing;

/// How long to wait after a save for more writes of the same save (editors often write a
/// file in several steps, microseconds apart) before checking. It is added to every save's
/// verdict, so it is short: a write after it cancels the check of the half-written content
/// and checks again (see `bench/RESULTS.md`).
const DEBOUNCE: Duration = Duration::from_millis(30);

/// What the screen shows.
enum View {
    Main,
    ConfirmReset,
    List { selected: usize },
    Final,
}

/// Work in progress.
enum Busy {
    Checking {
        progress: Option<BuildShown>,
        started: Instant,
    },
    /// Every exercise (`c`): single checks wait for it, and it checks the current exercise
    /// again when it ends.
    CheckingAll(Cancel),
}

/// A build that takes a while, as the screen shows it.
struct BuildShown {
    done: u32,
    total: u32,
    elapsed: Duration,
    /// The crates the check waits for, while the background build of the dependencies runs.
    waiting_for: Option<Arc<[String]>>,
}

/// The verdict on the current exercise, and the content it was given for.
struct Last {
    index: usize,
    content: u64,
    outcome: Outcome,
}

/// A check on its way.
struct Running {
    id: u64,
    index: usize,
    content: u64,
    cancel: Cancel,
}

struct App {
    course: Arc<Course>,
    package: Arc<ExercisePackage>,
    state: State,
    color: bool,
    /// `--manual`: only `r` checks.
    manual: bool,
    /// How saves are noticed, when it is not the usual way.
    note: Option<String>,
    view: View,
    busy: Option<Busy>,
    running: Option<Running>,
    last: Option<Last>,
    /// How much of the hint is shown; `None`: hidden.
    hint: Option<HintDepth>,
    show_welcome: bool,
    message: Option<String>,
    next_id: u64,
    tx: Sender<Event>,
    /// The course's dependencies building in the background since watch mode started, when
    /// the package has any (see [`crate::build::light`]).
    dependencies: Option<Arc<Dependencies>>,
}

/// Runs watch mode on the course in the current directory until the learner quits.
pub fn run(color: bool, noticing: Noticing) -> Result<i32> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(Error::usage(
            "watch mode needs a terminal.\n  Without one, use `backlings run [NAME]` to check one exercise, \
             or `backlings verify` to check them all.",
        ));
    }
    let (course, package) = crate::course::load_here()?;
    let state = crate::progress::load(&course)?;
    trace::init();
    let (tx, rx) = mpsc::channel();
    let mut watching = watcher::start(&course, noticing, tx.clone())?;

    let all_done = state.done_count() == course.exercises.len();
    let message = (!state.warnings.is_empty()).then(|| state.warnings.join("\n"));
    let package = Arc::new(package);
    let dependencies = package
        .light_manifest
        .is_some()
        .then(|| Arc::new(Dependencies::start(package.clone())));
    let mut app = App {
        course: Arc::new(course),
        package,
        dependencies,
        show_welcome: state.is_new,
        state,
        color,
        manual: noticing == Noticing::Manual,
        note: watching.note.take(),
        view: if all_done { View::Final } else { View::Main },
        busy: None,
        running: None,
        last: None,
        hint: None,
        // Printed warnings would vanish when the screen is drawn: show them on it.
        message,
        next_id: 0,
        tx: tx.clone(),
    };
    app.state.save(&app.course)?;

    let _terminal = terminal::RawTerminal::enter()
        .map_err(|e| Error::usage(format!("could not set up the terminal: {e}")))?;
    events::read_terminal(tx);
    if !all_done && !app.manual {
        // Checked inside the loop like any other check, so that keys work during it: on a
        // fresh course it builds every dependency, minutes on a small machine.
        app.check_current(true);
    }
    app.draw();

    let mut debounce: Option<Instant> = None;
    loop {
        let event = match debounce {
            Some(deadline) => {
                match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                    Ok(event) => event,
                    Err(RecvTimeoutError::Timeout) => {
                        debounce = None;
                        // A save, like a key, makes old messages stale.
                        app.message = None;
                        app.check_current(false);
                        app.draw();
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            None => match rx.recv() {
                Ok(event) => event,
                Err(_) => break,
            },
        };
        match event {
            Event::Saved(index) if index != app.state.current => continue,
            Event::Saved(_) | Event::Rescan => {
                if app.watches_saves() {
                    debounce = Some(Instant::now() + DEBOUNCE);
                }
                continue;
            }
            Event::Key(key) => {
                if app.on_key(key)? == Flow::Quit {
                    break;
                }
            }
            Event::Resize => {}
            Event::Progress(progress) => app.on_progress(progress),
            Event::Checked(id, outcome) => app.on_checked(id, outcome)?,
            Event::CheckedAll(outcomes) => app.on_checked_all(outcomes)?,
        }
        app.draw();
    }
    app.cancel_running();
    if let Some(Busy::CheckingAll(batch)) = &app.busy {
        batch.cancel();
    }
    if let Some(dependencies) = &app.dependencies {
        dependencies.stop();
    }
    // Leave the shell prompt on a line of its own.
    println!("\r");
    app.state.save(&app.course)?;
    Ok(0)
}

#[derive(PartialEq, Eq)]
enum Flow {
    Continue,
    Quit,
}

impl App {
    fn draw(&self) {
        let (width, height) = terminal::size();
        terminal::draw(&screen::render(self, width, height));
    }

    fn current_name(&self) -> &str {
        &self.course.exercises[self.state.current].name
    }

    /// Checks the current exercise unless its content is what was (or is being) checked
    /// already; `force` checks regardless. A running check of other content is cancelled.
    fn check_current(&mut self, force: bool) {
        if matches!(self.busy, Some(Busy::CheckingAll(_))) {
            return;
        }
        let index = self.state.current;
        let path = self.course.root.join(self.course.exercises[index].path());
        // Never blocks: a named pipe put in the file's place is refused like a missing file.
        let content = match files::read(&path) {
            Ok(bytes) => fingerprint(&bytes),
            Err(_) => {
                self.cancel_running();
                self.message = Some(format!(
                    "{} is missing. Restore it from your editor's undo, or press x to reset it to the shipped version.",
                    self.course.exercises[index].path().display()
                ));
                return;
            }
        };
        if !force {
            let same_as_running = self
                .running
                .as_ref()
                .is_some_and(|r| r.index == index && r.content == content);
            let same_as_last = self.running.is_none()
                && self
                    .last
                    .as_ref()
                    .is_some_and(|l| l.index == index && l.content == content);
            if same_as_running || same_as_last {
                trace::log(format_args!(
                    "unchanged {} {content:016x}",
                    self.course.exercises[index].name
                ));
                return;
            }
        }
        self.cancel_running();
        self.next_id += 1;
        let id = self.next_id;
        let cancel = Cancel::default();
        let tx = self.tx.clone();
        let progress_tx = self.tx.clone();
        // The screen follows the build's progress; the verdict comes back as the result.
        let options = Options {
            events: Some(Arc::new(move |event| {
                if let check::Event::Building(progress) = event {
                    let _ = progress_tx.send(Event::Progress(progress));
                }
            })),
            cancel: cancel.clone(),
            dependencies: self.dependencies.clone(),
            ..Options::new(self.color)
        };
        let (course, package) = (self.course.clone(), self.package.clone());
        trace::log(format_args!(
            "check {} {content:016x}",
            self.course.exercises[index].name
        ));
        spawn_check(move || {
            let exercise = &course.exercises[index];
            let outcome = catch_bug(|| {
                check::check_one(&course, &package, Item::exercise(exercise), &options)
            });
            let _ = tx.send(Event::Checked(id, outcome));
        });
        self.running = Some(Running {
            id,
            index,
            content,
            cancel,
        });
        self.busy = Some(Busy::Checking {
            progress: None,
            started: Instant::now(),
        });
    }

    fn cancel_running(&mut self) {
        if let Some(running) = self.running.take() {
            trace::log(format_args!(
                "cancel {} {:016x}",
                self.course.exercises[running.index].name, running.content
            ));
            running.cancel.cancel();
        }
        if matches!(self.busy, Some(Busy::Checking { .. })) {
            self.busy = None;
        }
    }

    fn on_progress(&mut self, progress: Progress) {
        let Some(Busy::Checking {
            progress: shown,
            started,
        }) = &mut self.busy
        else {
            return;
        };
        match progress {
            // Only a build of more than the exercise itself is worth a progress line.
            Progress::Units { done, total } if total > 3 => {
                *shown = Some(BuildShown {
                    done,
                    total,
                    elapsed: started.elapsed(),
                    waiting_for: None,
                })
            }
            Progress::Units { .. } | Progress::Needs(_) => {}
            Progress::WaitingForCrates {
                crates,
                done,
                total,
                elapsed,
            } => {
                *shown = Some(BuildShown {
                    done,
                    total,
                    elapsed,
                    waiting_for: Some(crates),
                })
            }
            Progress::WaitingForLock => {
                self.message = Some(
                    "Waiting for another build of this course to finish \
                     (is backlings running in another terminal?)."
                        .to_string(),
                )
            }
        }
    }

    fn on_checked(&mut self, id: u64, outcome: Result<Outcome>) -> Result<()> {
        let Some(running) = self.running.take_if(|r| r.id == id) else {
            return Ok(()); // a cancelled check: its result is stale
        };
        self.busy = None;
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(e) => {
                self.message = Some(e.report());
                return Ok(());
            }
        };
        let path = self
            .course
            .root
            .join(self.course.exercises[running.index].path());
        let name = self.course.exercises[running.index].name.clone();
        if files::read(&path).map(|b| fingerprint(&b)).ok() != Some(running.content) {
            // Saved again while the check ran: that save's event may still be on its way,
            // but the verdict must not be shown for content that is gone.
            trace::log(format_args!("stale {name} {:016x}", running.content));
            if self.manual {
                self.message = Some(format!(
                    "{name} changed while it was checked: press r to check it again."
                ));
            } else {
                self.check_current(false);
            }
            return Ok(());
        }
        let done = outcome.verdict == Verdict::Done;
        trace::log(format_args!(
            "verdict {name} {:016x} {}",
            running.content,
            if done { "done" } else { "not done" }
        ));
        let recorded = progress::record(
            &mut self.state,
            &self.course,
            running.index,
            outcome.verdict,
            Advance::Stay,
        );
        if recorded.changed {
            self.state.save(&self.course)?;
        }
        self.show_unrevealed(recorded);
        if done {
            self.show_welcome = false;
        }
        self.last = Some(Last {
            index: running.index,
            content: running.content,
            outcome,
        });
        Ok(())
    }

    /// A finished exercise's solution that could not be written (see
    /// [`Course::reveal_solution`]) is shown, and watch mode goes on.
    fn show_unrevealed(&mut self, recorded: Recorded) {
        if let Err(e) = recorded.hand_out_solution(&self.course) {
            self.message = Some(e.report());
        }
    }

    fn on_checked_all(&mut self, outcomes: Result<Vec<Outcome>>) -> Result<()> {
        self.busy = None;
        let outcomes = match outcomes {
            Ok(outcomes) => outcomes,
            Err(e) => {
                self.message = Some(e.report());
                return Ok(());
            }
        };
        for (index, outcome) in outcomes.iter().enumerate() {
            let recorded = progress::record(
                &mut self.state,
                &self.course,
                index,
                outcome.verdict,
                Advance::Stay,
            );
            self.show_unrevealed(recorded);
        }
        self.state.save(&self.course)?;
        let done = self.state.done_count();
        self.message = Some(format!(
            "Checked all exercises: {done} of {} done.",
            self.course.exercises.len()
        ));
        if done == self.course.exercises.len() {
            self.view = View::Final;
        } else {
            self.last = None;
            self.check_current(true);
        }
        Ok(())
    }

    fn on_key(&mut self, key: KeyEvent) -> Result<Flow> {
        #[cfg(debug_assertions)]
        panic_if_asked(&key);
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            return Ok(Flow::Quit);
        }
        match self.view {
            View::Main => self.on_main_key(key.code),
            View::ConfirmReset => {
                self.view = View::Main;
                if key.code == KeyCode::Char('y') {
                    self.reset_current()?;
                } else {
                    self.message = Some("Reset cancelled.".to_string());
                }
                Ok(Flow::Continue)
            }
            View::List { selected } => {
                self.on_list_key(selected, key.code)?;
                Ok(Flow::Continue)
            }
            View::Final => match key.code {
                KeyCode::Char('q') => Ok(Flow::Quit),
                KeyCode::Char('l') => {
                    self.view = View::List {
                        selected: self.state.current,
                    };
                    Ok(Flow::Continue)
                }
                _ => Ok(Flow::Continue),
            },
        }
    }

    fn on_main_key(&mut self, code: KeyCode) -> Result<Flow> {
        self.message = None;
        match code {
            KeyCode::Char('q') => return Ok(Flow::Quit),
            KeyCode::Char('h') => self.hint = self.next_hint(),
            KeyCode::Char('l') => {
                self.view = View::List {
                    selected: self.state.current,
                }
            }
            KeyCode::Char('r') => self.check_current(true),
            KeyCode::Char('x') => self.view = View::ConfirmReset,
            KeyCode::Char('c') => self.check_all(),
            KeyCode::Char('n') => self.next()?,
            _ => {}
        }
        Ok(Flow::Continue)
    }

    fn on_list_key(&mut self, selected: usize, code: KeyCode) -> Result<()> {
        let last = self.course.exercises.len() - 1;
        let selected = match code {
            KeyCode::Up | KeyCode::Char('k') => selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => (selected + 1).min(last),
            KeyCode::Home | KeyCode::Char('g') => 0,
            KeyCode::End | KeyCode::Char('G') => last,
            KeyCode::Enter => {
                self.go_to(selected)?;
                return Ok(());
            }
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('l') => {
                let all_done = self.state.done_count() == self.course.exercises.len();
                self.view = if all_done && self.last.is_none() {
                    View::Final
                } else {
                    View::Main
                };
                return Ok(());
            }
            _ => selected,
        };
        self.view = View::List { selected };
        Ok(())
    }

    /// `h`: the nudge, then the recipe if the exercise has one, then hidden again.
    pub(super) fn next_hint(&self) -> Option<HintDepth> {
        let has_recipe = !self.course.exercises[self.state.current].recipe.is_empty();
        match self.hint {
            None => Some(HintDepth::Nudge),
            Some(HintDepth::Nudge) if has_recipe => Some(HintDepth::Recipe),
            Some(_) => None,
        }
    }

    /// `n`: on to the next exercise that is not done, once the current one is.
    fn next(&mut self) -> Result<()> {
        if !self.state.is_done(self.current_name()) {
            self.message =
                Some("Finish this exercise first: n moves on once it is done.".to_string());
            return Ok(());
        }
        match self.state.next_pending(&self.course, self.state.current) {
            Some(next) => self.go_to(next)?,
            None => {
                self.view = View::Final;
                self.state.save(&self.course)?;
            }
        }
        Ok(())
    }

    fn go_to(&mut self, index: usize) -> Result<()> {
        self.view = View::Main;
        self.hint = None;
        self.show_welcome = false;
        if index != self.state.current {
            self.state.current = index;
            self.state.save(&self.course)?;
            self.last = None;
        }
        self.check_unless_manual();
        Ok(())
    }

    /// After the file or the current exercise changed: checks it, or in manual mode only
    /// stops a check of something else.
    fn check_unless_manual(&mut self) {
        if !self.manual {
            self.check_current(false);
        } else if self
            .running
            .as_ref()
            .is_some_and(|r| r.index != self.state.current)
        {
            self.cancel_running();
        }
    }

    /// Saves of the current exercise are checked, except in manual mode and on the final
    /// screen (whose exercise is done; `r` still checks it after moving back to it).
    fn watches_saves(&self) -> bool {
        !self.manual && !matches!(self.view, View::Final)
    }

    fn reset_current(&mut self) -> Result<()> {
        let exercise = &self.course.exercises[self.state.current];
        let reset = self
            .state
            .shipped_commit()
            .and_then(|commit| reset_file(&self.course, exercise, commit));
        match reset {
            Ok(message) => {
                self.message = Some(message);
                self.check_unless_manual();
            }
            Err(e) => self.message = Some(e.report()),
        }
        Ok(())
    }

    fn check_all(&mut self) {
        if matches!(self.busy, Some(Busy::CheckingAll(_))) {
            return;
        }
        self.cancel_running();
        let cancel = Cancel::default();
        self.busy = Some(Busy::CheckingAll(cancel.clone()));
        let (course, package, tx) = (self.course.clone(), self.package.clone(), self.tx.clone());
        let options = Options {
            cancel,
            dependencies: self.dependencies.clone(),
            ..Options::new(self.color)
        };
        spawn_check(move || {
            let items: Vec<Item> = course.exercises.iter().map(Item::exercise).collect();
            let outcomes = catch_bug(|| check::check_all(&course, &package, &items, &options));
            let _ = tx.send(Event::CheckedAll(outcomes));
        });
    }
}

/// Runs a check on a thread of its own, named so that a panic in it is reported on screen
/// (see [`catch_bug`]) rather than over it.
fn spawn_check(check: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .name(CHECK_THREAD.to_string())
        .spawn(check)
        .expect("the system can start a thread");
}

const CHECK_THREAD: &str = "check";

/// A check that panics (a bug in backlings) becomes an error on screen; watch mode goes on.
fn catch_bug<T>(check: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(check)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Error::usage(format!(
            "backlings hit a bug while checking: {what}\n  \
             Please report it; press r to check again."
        )))
    })
}

/// Lets the tests prove that a panic leaves the terminal usable: debug builds panic on the
/// key named by `BACKLINGS_PANIC_KEY`.
#[cfg(debug_assertions)]
fn panic_if_asked(key: &KeyEvent) {
    if let (Some(wanted), KeyCode::Char(pressed)) =
        (std::env::var_os("BACKLINGS_PANIC_KEY"), key.code)
        && wanted.to_str() == Some(pressed.encode_utf8(&mut [0; 4]))
    {
        panic!("BACKLINGS_PANIC_KEY={pressed} was pressed");
    }
}

/// Identifies a file's content, to skip re-checking what was already checked (editors often
/// write the same content twice; `touch` changes nothing).
fn fingerprint(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}
