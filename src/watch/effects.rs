//! What watch mode's state machine asks for ([`Effect`]), and the [`Executor`] that carries it
//! out: the only part of watch mode's logic that reads and writes files, starts threads and
//! looks at the clock. Checks run on threads of their own, so keys work while one runs; their
//! results come back on the loop's channel. Effects whose result is known at once (a file's
//! content, a reset) return it as an event for the loop to hand straight back.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use super::editor::{self, Editor};
use super::events::{AllStep, CheckId, Event, Recheck};
use super::terminal::CHECK_THREAD;
use super::trace;
use crate::build::cargo::Progress;
use crate::build::dependencies::Dependencies;
use crate::check::{self, Item, Options};
use crate::course::Course;
use crate::course::package::ExercisePackage;
use crate::error::{Error, Result};
use crate::files;
use crate::progress::{Recorded, State, reset_file};
use crate::sandbox::process::Cancel;

/// How long to wait after a save for more writes of the same save (editors often write a
/// file in several steps, microseconds apart) before checking. It is added to every save's
/// verdict, so it is short: a write after it cancels the check of the half-written content
/// and checks again (see `bench/RESULTS.md`).
const DEBOUNCE: Duration = Duration::from_millis(30);

/// One thing for the executor to do.
#[derive(Debug)]
pub enum Effect {
    /// A line for the watch log (see [`trace`]): the tests read it to prove that each save is
    /// checked exactly once.
    Trace(String),
    /// A save was noticed: (re)start the debounce timer, then [`Event::DebounceOver`]. A save
    /// during the debounce starts it again, so a save in several writes is checked once.
    StartDebounce,
    /// Fingerprint exercise `index`'s file: [`Event::Read`], with `recheck` handed back.
    Read { index: usize, recheck: Recheck },
    /// Check exercise `index`: [`Event::Progress`] while it builds, [`Event::Checked`] at the
    /// end.
    StartCheck { id: CheckId, index: usize },
    /// Stop check `id` and every process it started; its verdict is stale.
    CancelCheck(CheckId),
    /// Check every exercise: [`Event::CheckedAll`].
    CheckAll,
    /// Write the progress to `.backlings/` (an error ends watch mode).
    SaveProgress,
    /// Write the done exercise's solution (see [`Recorded::hand_out_solution`]); a failure is
    /// [`Event::HandOutFailed`].
    HandOutSolution(Recorded),
    /// Put back the shipped version of exercise `index` from `commit`: [`Event::Reset`].
    Reset {
        index: usize,
        commit: Option<String>,
    },
    /// Open exercise `index` in the learner's editor: [`Event::Edited`].
    Edit(usize),
    /// End watch mode.
    Quit,
}

/// What carrying out one effect led to.
pub enum After {
    Nothing,
    /// Hand this event to the state machine before any other.
    Event(Event),
    Quit,
}

/// Carries out effects; holds what they started (the running checks, the dependency build,
/// the debounce timer) so that they can be stopped.
pub struct Executor {
    course: Arc<Course>,
    package: Arc<ExercisePackage>,
    color: bool,
    /// The course's dependencies building in the background since watch mode started, when
    /// the package has any (see [`crate::build::light`]).
    dependencies: Option<Arc<Dependencies>>,
    tx: Sender<Event>,
    /// The last check of one exercise started, to cancel it.
    check: Option<(CheckId, Cancel)>,
    /// The check of every exercise, to cancel it at the end.
    check_all: Option<Cancel>,
    /// When the debounce timer runs out.
    debounce: Option<Instant>,
    /// The editor `e` opens, or why there is none.
    editor: std::result::Result<Editor, String>,
}

impl Executor {
    /// Starts the background build of the course's dependencies, if it has any: on a fresh
    /// course it takes minutes on a small machine, and the first check may need it.
    pub fn new(
        course: Arc<Course>,
        package: Arc<ExercisePackage>,
        color: bool,
        editor: std::result::Result<Editor, String>,
        tx: Sender<Event>,
    ) -> Self {
        let dependencies = package
            .light_manifest
            .is_some()
            .then(|| Arc::new(Dependencies::start(package.clone())));
        Self {
            course,
            package,
            color,
            dependencies,
            tx,
            check: None,
            check_all: None,
            debounce: None,
            editor,
        }
    }

    /// Carries out `effect`. Saving `progress` merges what other processes recorded meanwhile
    /// (see [`State::save`]), so it is the state machine's own, lent for the save. Only a
    /// failure to save progress is an error: watch mode cannot go on without recording.
    pub fn run(&mut self, effect: Effect, progress: &mut State) -> Result<After> {
        match effect {
            Effect::Trace(line) => trace::log(format_args!("{line}")),
            Effect::StartDebounce => self.debounce = Some(Instant::now() + DEBOUNCE),
            Effect::Read { index, recheck } => {
                return Ok(After::Event(Event::Read {
                    index,
                    recheck,
                    fingerprint: content_of(&self.course, index),
                }));
            }
            Effect::StartCheck { id, index } => self.start_check(id, index),
            Effect::CancelCheck(id) => {
                if let Some((_, cancel)) = self.check.take_if(|(running, _)| *running == id) {
                    cancel.cancel();
                }
            }
            Effect::CheckAll => self.check_all(),
            Effect::SaveProgress => progress.save(&self.course)?,
            Effect::HandOutSolution(recorded) => {
                if let Err(e) = recorded.hand_out_solution(&self.course) {
                    return Ok(After::Event(Event::HandOutFailed(e.report())));
                }
            }
            Effect::Reset { index, commit } => {
                let exercise = &self.course.exercises[index];
                let reset = reset_file(&self.course, exercise, commit.as_deref());
                return Ok(After::Event(Event::Reset(reset)));
            }
            Effect::Edit(index) => {
                let file = self.course.root.join(self.course.exercises[index].path());
                let edited = match &self.editor {
                    Ok(editor) => editor::open(editor, &file),
                    Err(why) => Err(why.clone()),
                };
                return Ok(After::Event(Event::Edited(edited)));
            }
            Effect::Quit => return Ok(After::Quit),
        }
        Ok(After::Nothing)
    }

    /// When the debounce timer runs out, if it runs.
    pub fn debounce_deadline(&self) -> Option<Instant> {
        self.debounce
    }

    /// The debounce timer ran out: [`Event::DebounceOver`] is on its way to the state machine.
    pub fn debounce_over(&mut self) -> Event {
        self.debounce = None;
        Event::DebounceOver
    }

    /// Stops every check and the dependency build, as watch mode ends.
    pub fn stop(&mut self) {
        if let Some((_, cancel)) = self.check.take() {
            cancel.cancel();
        }
        if let Some(cancel) = self.check_all.take() {
            cancel.cancel();
        }
        if let Some(dependencies) = &self.dependencies {
            dependencies.stop();
        }
    }

    fn start_check(&mut self, id: CheckId, index: usize) {
        let cancel = Cancel::default();
        let started = Instant::now();
        let progress_tx = self.tx.clone();
        // The screen follows the build; the verdict comes back as the check's result.
        let options = Options {
            events: Some(Arc::new(move |event| {
                if let check::Event::Building(progress) = event {
                    let elapsed = started.elapsed();
                    let _ = progress_tx.send(Event::Progress {
                        id,
                        progress,
                        elapsed,
                    });
                }
            })),
            ..self.options(cancel.clone())
        };
        let (course, package, tx) = (self.course.clone(), self.package.clone(), self.tx.clone());
        spawn_check(move || {
            let exercise = &course.exercises[index];
            let outcome = catch_bug(|| {
                check::check_one(&course, &package, Item::exercise(exercise), &options)
            });
            let content = content_of(&course, index);
            let _ = tx.send(Event::Checked {
                id,
                outcome,
                content,
            });
        });
        self.check = Some((id, cancel));
    }

    fn check_all(&mut self) {
        let cancel = Cancel::default();
        let steps_tx = self.tx.clone();
        // The screen follows the check: units built, then each verdict.
        let options = Options {
            events: Some(Arc::new(move |event| {
                let step = match event {
                    check::Event::Building(Progress::Units { done, total })
                    | check::Event::Building(Progress::WaitingForCrates { done, total, .. }) => {
                        AllStep::Building { done, total }
                    }
                    check::Event::Built => AllStep::Built,
                    check::Event::Finished { index, .. } => AllStep::Finished(index),
                    check::Event::Started { .. } | check::Event::Building(_) => return,
                };
                let _ = steps_tx.send(Event::AllStep(step));
            })),
            ..self.options(cancel.clone())
        };
        let (course, package, tx) = (self.course.clone(), self.package.clone(), self.tx.clone());
        spawn_check(move || {
            let items: Vec<Item> = course.exercises.iter().map(Item::exercise).collect();
            let outcomes = catch_bug(|| check::check_all(&course, &package, &items, &options));
            let _ = tx.send(Event::CheckedAll(outcomes));
        });
        self.check_all = Some(cancel);
    }

    /// How watch mode's checks run: followed by nobody unless asked, cancelled by `cancel`.
    fn options(&self, cancel: Cancel) -> Options {
        Options {
            cancel,
            dependencies: self.dependencies.clone(),
            ..Options::new(self.color)
        }
    }
}

/// The fingerprint of exercise `index`'s file, or `None` when it cannot be read. Never blocks:
/// a named pipe put in the file's place is refused like a missing file.
fn content_of(course: &Course, index: usize) -> Option<u64> {
    let path = course.root.join(course.exercises[index].path());
    files::read(&path).ok().map(|bytes| fingerprint(&bytes))
}

/// Identifies a file's content, to skip re-checking what was already checked (editors often
/// write the same content twice; `touch` changes nothing).
fn fingerprint(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// Runs a check on a thread of its own, named so that a panic in it is reported on screen
/// (see [`catch_bug`]) rather than over it.
fn spawn_check(check: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .name(CHECK_THREAD.to_string())
        .spawn(check)
        .expect("the system can start a thread");
}

/// A check that panics (a bug in backlings) becomes an error on screen; watch mode goes on.
fn catch_bug<T>(check: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(check)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Error::internal(format!(
            "backlings hit a bug while checking: {what}\n  \
             Please report it; press r to check again."
        )))
    })
}
