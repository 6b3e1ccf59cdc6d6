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

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::cargo::Progress;
use crate::check::{self, Item, Options, Outcome, Verdict};
use crate::commands::reset::reset_file;
use crate::commands::{self, load_course, load_state};
use crate::course::Course;
use crate::error::{Error, Result};
use crate::manifest::ExercisePackage;
use crate::process::Cancel;
use crate::state::State;

use events::Event;

pub use terminal::restore as restore_terminal;

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
    Checking { progress: Option<(u32, u32)> },
    CheckingAll,
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
    view: View,
    busy: Option<Busy>,
    running: Option<Running>,
    last: Option<Last>,
    show_hint: bool,
    show_welcome: bool,
    message: Option<String>,
    next_id: u64,
    tx: Sender<Event>,
}

pub fn run(color: bool) -> Result<i32> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(Error::usage(
            "watch mode needs a terminal.\n  Without one, use `backlings run [NAME]` to check one exercise, \
             or `backlings verify` to check them all.",
        ));
    }
    let (course, package) = load_course()?;
    let state = load_state(&course)?;
    let (tx, rx) = mpsc::channel();
    let _watcher = events::watch_exercises(&course, tx.clone())?;

    let all_done = state.done_count() == course.exercises.len();
    let message = (!state.warnings.is_empty()).then(|| state.warnings.join("\n"));
    let mut app = App {
        course: Arc::new(course),
        package: Arc::new(package),
        show_welcome: state.is_new,
        state,
        color,
        view: if all_done { View::Final } else { View::Main },
        busy: None,
        running: None,
        last: None,
        show_hint: false,
        // Printed warnings would vanish when the screen is drawn: show them on it.
        message,
        next_id: 0,
        tx: tx.clone(),
    };
    app.state.save(&app.course)?;

    if !all_done {
        app.first_check()?;
    }
    let _terminal = terminal::RawTerminal::enter()
        .map_err(|e| Error::usage(format!("could not set up the terminal: {e}")))?;
    events::read_terminal(tx);
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
            Event::Saved(index)
                if index == app.state.current
                    && matches!(app.view, View::Main | View::ConfirmReset) =>
            {
                debounce = Some(Instant::now() + DEBOUNCE);
                continue;
            }
            Event::Saved(_) => continue,
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
    if let Some(running) = &app.running {
        running.cancel.cancel();
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
        let index = self.state.current;
        let path = self.course.root.join(self.course.exercises[index].path());
        let content = match std::fs::read(&path) {
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
                return;
            }
        }
        self.cancel_running();
        self.next_id += 1;
        let id = self.next_id;
        let cancel = Cancel::default();
        let tx = self.tx.clone();
        let progress_tx = self.tx.clone();
        let options = Options {
            color: self.color,
            progress: Some(Arc::new(move |p| {
                let _ = progress_tx.send(Event::Progress(p));
            })),
            cancel: cancel.clone(),
        };
        let (course, package) = (self.course.clone(), self.package.clone());
        std::thread::spawn(move || {
            let exercise = &course.exercises[index];
            let outcome = check::check_one(&course, &package, Item::exercise(exercise), &options);
            let _ = tx.send(Event::Checked(id, outcome));
        });
        self.running = Some(Running {
            id,
            index,
            content,
            cancel,
        });
        self.busy = Some(Busy::Checking { progress: None });
    }

    /// The check at start-up, made before the screen is taken over: on a fresh course it
    /// builds every dependency (minutes), shown as a progress bar fed by cargo's own count.
    fn first_check(&mut self) -> Result<()> {
        let index = self.state.current;
        let path = self.course.root.join(self.course.exercises[index].path());
        let Ok(bytes) = std::fs::read(&path) else {
            self.check_current(true); // reports the missing file
            return Ok(());
        };
        if let (true, Some(welcome)) = (self.show_welcome, &self.course.welcome_message) {
            println!("{welcome}\n");
        }
        println!("Checking {}…", self.course.exercises[index].name);
        let exercise = &self.course.exercises[index];
        let outcome = commands::check_with_progress(
            &self.course,
            &self.package,
            &[Item::exercise(exercise)],
            self.color,
        )
        .map(|mut outcomes| outcomes.pop().expect("one item, one outcome"));
        self.next_id += 1;
        self.running = Some(Running {
            id: self.next_id,
            index,
            content: fingerprint(&bytes),
            cancel: Cancel::default(),
        });
        self.on_checked(self.next_id, outcome)
    }

    fn cancel_running(&mut self) {
        if let Some(running) = self.running.take() {
            running.cancel.cancel();
        }
        if matches!(self.busy, Some(Busy::Checking { .. })) {
            self.busy = None;
        }
    }

    fn on_progress(&mut self, progress: Progress) {
        if let (Some(Busy::Checking { progress: shown }), Progress::Units { done, total }) =
            (&mut self.busy, progress)
        {
            // Only a build of more than the exercise itself is worth a progress line.
            if total > 3 {
                *shown = Some((done, total));
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
                self.message = Some(e.message);
                return Ok(());
            }
        };
        let path = self
            .course
            .root
            .join(self.course.exercises[running.index].path());
        if std::fs::read(&path).map(|b| fingerprint(&b)).ok() != Some(running.content) {
            // Saved again while the check ran: that save's event may still be on its way,
            // but the verdict must not be shown for content that is gone.
            self.check_current(false);
            return Ok(());
        }
        let done = outcome.verdict == Verdict::Done;
        let name = self.course.exercises[running.index].name.clone();
        if self.state.is_done(&name) != done {
            self.state.set_done(&name, done);
            self.state.save(&self.course)?;
        }
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

    fn on_checked_all(&mut self, outcomes: Result<Vec<Outcome>>) -> Result<()> {
        self.busy = None;
        let outcomes = match outcomes {
            Ok(outcomes) => outcomes,
            Err(e) => {
                self.message = Some(e.message);
                return Ok(());
            }
        };
        for (exercise, outcome) in self.course.exercises.iter().zip(&outcomes) {
            self.state
                .set_done(&exercise.name, outcome.verdict == Verdict::Done);
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
            KeyCode::Char('h') => self.show_hint = !self.show_hint,
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
        self.show_hint = false;
        self.show_welcome = false;
        if index != self.state.current {
            self.state.current = index;
            self.state.save(&self.course)?;
            self.last = None;
        }
        self.check_current(false);
        Ok(())
    }

    fn reset_current(&mut self) -> Result<()> {
        let exercise = &self.course.exercises[self.state.current];
        match reset_file(
            &self.course.root,
            &exercise.path(),
            &exercise.name,
            self.state.shipped_commit.as_deref(),
        ) {
            Ok(message) => {
                self.message = Some(message);
                self.check_current(false);
            }
            Err(e) => self.message = Some(e.message),
        }
        Ok(())
    }

    fn check_all(&mut self) {
        self.cancel_running();
        self.busy = Some(Busy::CheckingAll);
        let (course, package, tx, color) = (
            self.course.clone(),
            self.package.clone(),
            self.tx.clone(),
            self.color,
        );
        std::thread::spawn(move || {
            let items: Vec<Item> = course.exercises.iter().map(Item::exercise).collect();
            let options = Options {
                color,
                progress: None,
                cancel: Cancel::default(),
            };
            let outcomes = check::check_all(&course, &package, &items, &options);
            let _ = tx.send(Event::CheckedAll(outcomes));
        });
    }
}

/// Identifies a file's content, to skip re-checking what was already checked (editors often
/// write the same content twice; `touch` changes nothing).
fn fingerprint(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}
