//! Watch mode's logic as a state machine: [`App::update`] takes one [`Event`] (a save, a key,
//! a verdict, a file's content…) and returns the [`Effect`]s to carry out. It does no I/O of
//! its own (no files, threads, channels, clock or terminal): the loop feeds it events, the
//! executor carries out its effects and their results come back as events. So every rule of
//! the learner's loop (which save is checked, which verdict is shown, what a key does) is a
//! function of events, and is tested as one (`app/tests.rs`).
//!
//! The rules that keep verdicts honest: a save is checked once it has settled (the debounce);
//! a save during a check cancels it (its whole process group) and checks the new content, so
//! no save is ever dropped; and no verdict is shown for content that is no longer on disk.

mod keys;
mod list;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

pub use list::ListFilter;

use super::effects::Effect;
use super::events::{AllStep, CheckId, Event, Recheck};
use crate::build::cargo::Progress;
use crate::check::{Outcome, Verdict};
use crate::course::Course;
use crate::course::exercise::HintDepth;
use crate::error::Result;
use crate::progress::{self, Advance, State};

/// Whether saves are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A save of the current exercise checks it.
    Watch,
    /// `--manual`: only `r` checks.
    Manual,
}

/// What the screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Main,
    ConfirmReset,
    List {
        selected: usize,
    },
    /// The course's chapters as a roadmap (`m`); any key goes back.
    Roadmap,
    Final,
}

/// What is being checked. One value, so that a check's id, its content and the progress shown
/// for it are set and cleared together.
#[derive(Debug)]
pub enum Activity {
    Idle,
    Checking(Check),
    /// Every exercise (`c`). Single checks wait for it: when it ends the current exercise is
    /// checked again, unless every exercise is done and no check was asked for meanwhile.
    CheckingAll {
        check_waiting: bool,
        progress: AllProgress,
    },
}

/// How far a check of every exercise (`c`) is, as the screen shows it.
#[derive(Debug, Default)]
pub struct AllProgress {
    /// Exercises with a verdict.
    pub checked: usize,
    /// Cargo's units built and to build, while a build runs.
    pub building: Option<(u32, u32)>,
    /// The exercise whose verdict came last.
    pub last: Option<usize>,
}

/// A check of the current exercise on its way.
#[derive(Debug)]
pub struct Check {
    pub id: CheckId,
    pub index: usize,
    /// The fingerprint of the content being checked.
    pub content: u64,
    /// A build that takes a while, once cargo says so.
    pub build: Option<BuildShown>,
}

/// A build that takes a while, as the screen shows it.
#[derive(Debug)]
pub struct BuildShown {
    pub done: u32,
    pub total: u32,
    pub elapsed: Duration,
    /// The crates the check waits for, while the background build of the dependencies runs.
    pub waiting_for: Option<Arc<[String]>>,
}

/// The verdict on an exercise, and the content it was given for.
#[derive(Debug)]
struct Last {
    index: usize,
    content: u64,
    outcome: Outcome,
}

/// What the main screen says besides the verdict.
#[derive(Debug, Default)]
pub struct Notice {
    /// The answer to what the learner just did; a key or a save makes it stale.
    pub message: Option<String>,
    /// How much of the hint is shown; `None`: hidden.
    pub hint: Option<HintDepth>,
    /// The course's welcome, until the learner is under way.
    pub welcome: bool,
    /// How saves are noticed, when it is not the usual way.
    pub note: Option<String>,
    /// Failing tests in libtest's whole output (`f`), not the summary.
    pub full_output: bool,
}

/// Watch mode's state: the learner's progress and what the screen shows of it.
pub struct App {
    course: Arc<Course>,
    progress: State,
    mode: Mode,
    view: View,
    activity: Activity,
    last: Option<Last>,
    notice: Notice,
    /// The id of the last check started.
    last_id: u64,
    /// A save has settled and its content is being read: if it changed, the message shown
    /// is stale. Writes of backlings' own (a reset) change nothing the learner did.
    save_settled: bool,
    /// What narrows the exercise list.
    list: ListFilter,
    /// What the event being handled asks for.
    effects: Vec<Effect>,
}

impl App {
    /// The app on `progress` as loaded; `note` says how saves are noticed, when it is not the
    /// usual way.
    pub fn new(course: Arc<Course>, progress: State, mode: Mode, note: Option<String>) -> Self {
        let all_done = progress.done_count() == course.exercises.len();
        let notice = Notice {
            // Printed warnings would vanish when the screen is drawn: show them on it.
            message: (!progress.warnings.is_empty()).then(|| progress.warnings.join("\n")),
            hint: None,
            welcome: progress.is_new,
            note,
            full_output: false,
        };
        Self {
            course,
            progress,
            mode,
            view: if all_done { View::Final } else { View::Main },
            activity: Activity::Idle,
            last: None,
            notice,
            last_id: 0,
            save_settled: false,
            list: ListFilter::default(),
            effects: Vec::new(),
        }
    }

    /// What watch mode does as it starts: check the current exercise, unless the course is
    /// finished or checks wait for `r`. Checked like any other check, so that keys work during
    /// it: on a fresh course it builds every dependency, minutes on a small machine.
    pub fn start(&mut self) -> Vec<Effect> {
        if self.view != View::Final && self.mode == Mode::Watch {
            self.check_current(Recheck::Always);
        }
        std::mem::take(&mut self.effects)
    }

    /// Reacts to `event`: the state changes, and the effects to carry out, in order.
    pub fn update(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Saved(index) if index != self.progress.current => {}
            Event::Saved(_) | Event::Rescan => {
                if self.watches_saves() {
                    self.effects.push(Effect::StartDebounce);
                }
            }
            Event::DebounceOver => {
                self.save_settled = true;
                self.check_current(Recheck::IfChanged);
            }
            Event::Read {
                index,
                recheck,
                fingerprint,
            } => self.on_read(index, recheck, fingerprint),
            Event::Key(key) => self.on_key(key),
            // The loop draws the screen again for the new size.
            Event::Resize => {}
            Event::Progress {
                id,
                progress,
                elapsed,
            } => self.on_progress(id, progress, elapsed),
            Event::Checked {
                id,
                outcome,
                content,
            } => self.on_checked(id, outcome, content),
            Event::AllStep(step) => self.on_all_step(step),
            Event::CheckedAll(outcomes) => self.on_checked_all(outcomes),
            Event::Reset(Ok(message)) => {
                self.notice.message = Some(message);
                self.check_unless_manual();
            }
            Event::Reset(Err(e)) => self.notice.message = Some(e.report()),
            Event::HandOutFailed(message) => self.add_message(message),
            Event::Edited(Ok(())) => {}
            Event::Edited(Err(message)) => self.notice.message = Some(message),
        }
        std::mem::take(&mut self.effects)
    }

    /// The course, for the screen to name exercises and their files.
    pub fn course(&self) -> &Course {
        &self.course
    }

    /// The learner's progress: the current exercise, and which are done.
    pub fn progress(&self) -> &State {
        &self.progress
    }

    /// The progress, for the executor to save (see [`Effect::SaveProgress`]).
    pub fn progress_mut(&mut self) -> &mut State {
        &mut self.progress
    }

    /// Whether saves are checked; in manual mode the screen says to press r.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Which screen shows.
    pub fn view(&self) -> View {
        self.view
    }

    /// What is being checked, shown in place of the verdict.
    pub fn activity(&self) -> &Activity {
        &self.activity
    }

    /// What the main screen says besides the verdict.
    pub fn notice(&self) -> &Notice {
        &self.notice
    }

    /// The last verdict, when it is on the current exercise.
    pub fn verdict(&self) -> Option<&Outcome> {
        self.last
            .as_ref()
            .filter(|last| last.index == self.progress.current)
            .map(|last| &last.outcome)
    }

    /// `h`: the nudge, then the recipe if the exercise has one, then hidden again.
    pub fn next_hint(&self) -> Option<HintDepth> {
        let has_recipe = !self.course.exercises[self.progress.current]
            .recipe
            .is_empty();
        match self.notice.hint {
            None => Some(HintDepth::Nudge),
            Some(HintDepth::Nudge) if has_recipe => Some(HintDepth::Recipe),
            Some(_) => None,
        }
    }

    fn name(&self, index: usize) -> &str {
        &self.course.exercises[index].name
    }

    fn trace(&mut self, line: String) {
        self.effects.push(Effect::Trace(line));
    }

    /// Adds `message` below the one shown, if any, so that neither hides the other.
    fn add_message(&mut self, message: String) {
        self.notice.message = Some(match self.notice.message.take() {
            Some(shown) => format!("{shown}\n{message}"),
            None => message,
        });
    }

    /// Saves of the current exercise are checked, except in manual mode and on the final
    /// screen (whose exercise is done; `r` still checks it after moving back to it).
    fn watches_saves(&self) -> bool {
        self.mode == Mode::Watch && self.view != View::Final
    }

    /// Asks for the current exercise's content, to check it (see [`Self::on_read`]). While
    /// every exercise is checked, the check waits for that to end.
    fn check_current(&mut self, recheck: Recheck) {
        if let Activity::CheckingAll { check_waiting, .. } = &mut self.activity {
            *check_waiting = true;
            return;
        }
        self.effects.push(Effect::Read {
            index: self.progress.current,
            recheck,
        });
    }

    /// After the file or the current exercise changed: checks it, or in manual mode only
    /// stops a check of something else.
    fn check_unless_manual(&mut self) {
        match (&self.activity, self.mode) {
            (_, Mode::Watch) => self.check_current(Recheck::IfChanged),
            (Activity::Checking(check), Mode::Manual) if check.index != self.progress.current => {
                self.cancel_check()
            }
            (_, Mode::Manual) => {}
        }
    }

    /// The current exercise's content, read for a check: it is checked unless `recheck` allows
    /// skipping content that was (or is being) checked already. A running check of other
    /// content is cancelled.
    fn on_read(&mut self, index: usize, recheck: Recheck, fingerprint: Option<u64>) {
        if index != self.progress.current {
            return; // read for an exercise that is no longer current
        }
        let after_save = std::mem::take(&mut self.save_settled);
        if matches!(self.activity, Activity::CheckingAll { .. }) {
            return self.check_current(recheck);
        }
        let Some(content) = fingerprint else {
            self.cancel_check();
            self.notice.message = Some(format!(
                "{} is missing. Restore it from your editor's undo, or press x to reset it to the shipped version.",
                self.course.exercises[index].path().display()
            ));
            return;
        };
        if recheck == Recheck::IfChanged && self.already_checked(index, content) {
            self.trace(format!("unchanged {} {content:016x}", self.name(index)));
            return;
        }
        if after_save {
            // The learner saved new content: like a key, it makes old messages stale. A
            // save that changed nothing (backlings' own reset noticed) leaves them.
            self.notice.message = None;
        }
        self.cancel_check();
        self.last_id += 1;
        let id = CheckId(self.last_id);
        self.trace(format!("check {} {content:016x}", self.name(index)));
        self.effects.push(Effect::StartCheck { id, index });
        self.activity = Activity::Checking(Check {
            id,
            index,
            content,
            build: None,
        });
    }

    /// Whether `content` of exercise `index` is being checked, or was last checked with
    /// nothing running since.
    fn already_checked(&self, index: usize, content: u64) -> bool {
        let same = |i: usize, c: u64| i == index && c == content;
        match &self.activity {
            Activity::Checking(check) => same(check.index, check.content),
            Activity::Idle => self.last.as_ref().is_some_and(|l| same(l.index, l.content)),
            Activity::CheckingAll { .. } => false,
        }
    }

    /// Cancels the check of one exercise, if one runs.
    fn cancel_check(&mut self) {
        if !matches!(self.activity, Activity::Checking(_)) {
            return;
        }
        if let Activity::Checking(check) = std::mem::replace(&mut self.activity, Activity::Idle) {
            self.trace(format!(
                "cancel {} {:016x}",
                self.name(check.index),
                check.content
            ));
            self.effects.push(Effect::CancelCheck(check.id));
        }
    }

    fn on_progress(&mut self, id: CheckId, progress: Progress, elapsed: Duration) {
        let Activity::Checking(check) = &mut self.activity else {
            return;
        };
        if check.id != id {
            return; // a cancelled check's build
        }
        match progress {
            // Only a build of more than the exercise itself is worth a progress line.
            Progress::Units { done, total } if total > 3 => {
                check.build = Some(BuildShown {
                    done,
                    total,
                    elapsed,
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
                check.build = Some(BuildShown {
                    done,
                    total,
                    elapsed,
                    waiting_for: Some(crates),
                })
            }
            Progress::WaitingForLock => {
                self.notice.message = Some(
                    "Waiting for another build of this course to finish \
                     (is backlings running in another terminal?)."
                        .to_string(),
                )
            }
        }
    }

    /// A check ended: its verdict is recorded and shown, unless the check was cancelled since
    /// or the file changed while it ran.
    fn on_checked(&mut self, id: CheckId, outcome: Result<Outcome>, content: Option<u64>) {
        let check = match std::mem::replace(&mut self.activity, Activity::Idle) {
            Activity::Checking(check) if check.id == id => check,
            other => {
                self.activity = other; // a cancelled check: its result is stale
                return;
            }
        };
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(e) => {
                self.notice.message = Some(e.report());
                return;
            }
        };
        let name = self.name(check.index).to_string();
        if content != Some(check.content) {
            // Saved again while the check ran: that save's event may still be on its way,
            // but the verdict must not be shown for content that is gone.
            self.trace(format!("stale {name} {:016x}", check.content));
            match self.mode {
                Mode::Manual => {
                    self.notice.message = Some(format!(
                        "{name} changed while it was checked: press r to check it again."
                    ))
                }
                Mode::Watch => self.check_current(Recheck::IfChanged),
            }
            return;
        }
        let done = outcome.verdict == Verdict::Done;
        self.trace(format!(
            "verdict {name} {:016x} {}",
            check.content,
            if done { "done" } else { "not done" }
        ));
        self.record(check.index, &outcome);
        if done {
            self.notice.welcome = false;
        }
        self.last = Some(Last {
            index: check.index,
            content: check.content,
            outcome,
        });
    }

    /// Records `outcome` on exercise `index` (see [`progress::record`]): saved when progress
    /// changed, the solution handed out when it is done.
    fn record(&mut self, index: usize, outcome: &Outcome) {
        let recorded = progress::record(
            &mut self.progress,
            &self.course,
            index,
            outcome,
            Advance::Stay,
        );
        if recorded.changed {
            self.effects.push(Effect::SaveProgress);
        }
        if recorded.solution_due.is_some() {
            self.effects.push(Effect::HandOutSolution(recorded));
        }
    }

    /// A step of the check of every exercise, for its progress on screen.
    fn on_all_step(&mut self, step: AllStep) {
        let Activity::CheckingAll { progress, .. } = &mut self.activity else {
            return; // the check ended (its last steps may arrive after its end)
        };
        match step {
            AllStep::Building { done, total } => progress.building = Some((done, total)),
            AllStep::Built => progress.building = None,
            AllStep::Finished(index) => {
                progress.checked += 1;
                progress.last = Some(index);
            }
        }
    }

    /// Every exercise was checked: the verdicts are recorded and counted. The current exercise
    /// is checked again (its file may have changed during the run), unless the course is
    /// finished and nothing asked for a check meanwhile: then the final screen shows.
    fn on_checked_all(&mut self, outcomes: Result<Vec<Outcome>>) {
        let check_waiting = match self.activity {
            Activity::CheckingAll { check_waiting, .. } => check_waiting,
            Activity::Idle | Activity::Checking(_) => return,
        };
        self.activity = Activity::Idle;
        let outcomes = match outcomes {
            Ok(outcomes) => outcomes,
            Err(e) => {
                self.notice.message = Some(e.report());
                if check_waiting {
                    self.check_current(Recheck::IfChanged);
                }
                return;
            }
        };
        for (index, outcome) in outcomes.iter().enumerate() {
            let recorded = progress::record(
                &mut self.progress,
                &self.course,
                index,
                outcome,
                Advance::Stay,
            );
            if recorded.solution_due.is_some() {
                self.effects.push(Effect::HandOutSolution(recorded));
            }
        }
        self.effects.push(Effect::SaveProgress);
        let (done, total) = (self.progress.done_count(), self.course.exercises.len());
        self.notice.message = Some(format!("Checked all exercises: {done} of {total} done."));
        if done == total && !check_waiting {
            self.view = View::Final;
        } else {
            self.last = None;
            self.check_current(Recheck::Always);
        }
    }
}
