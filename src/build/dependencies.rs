//! The course's dependencies, built in the background.
//!
//! Watch mode starts this build at once and checks exercises that need no crate in the light
//! package meanwhile (see [`crate::build::light`]); a check that needs a crate waits here, showing
//! the build's progress, until the build is over. The build runs at low CPU priority, so the
//! checks a learner is waiting for come first.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::build::cargo::{self, Mode, Progress, ProgressFn};
use crate::course::package::ExercisePackage;
use crate::sandbox::process::Cancel;

/// A dependency build running on a thread of its own; stopped when dropped.
pub struct Dependencies {
    shared: Arc<Shared>,
    cancel: Cancel,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    started: Instant,
}

#[derive(Default)]
struct State {
    done: u32,
    total: u32,
    finished: bool,
}

/// How often a waiting check looks whether it was cancelled, and reports the time that
/// passed (cargo can spend a minute on one unit, the bundled SQLite).
const CANCEL_POLL: Duration = Duration::from_millis(100);

impl Dependencies {
    /// Starts building what every bin of `package` needs: its library and dependencies, or
    /// (a package without a library) everything up to its first bin.
    pub fn start(package: Arc<ExercisePackage>) -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::default(),
            changed: Condvar::new(),
            started: Instant::now(),
        });
        let cancel = Cancel::default();
        let (thread_shared, thread_cancel) = (shared.clone(), cancel.clone());
        std::thread::spawn(move || {
            let reporter = thread_shared.clone();
            let progress: ProgressFn = Arc::new(move |p| {
                if let Progress::Units { done, total } = p {
                    let mut state = reporter.state.lock().unwrap_or_else(|e| e.into_inner());
                    (state.done, state.total) = (done, total);
                    reporter.changed.notify_all();
                }
            });
            let bins: Vec<String> = match package.has_lib {
                true => Vec::new(),
                false => package.bins.keys().take(1).cloned().collect(),
            };
            // Whatever goes wrong here, the checks that wait run cargo themselves and show it.
            let request = cargo::Request {
                package: &package,
                bins: &bins,
                mode: Mode::Dependencies,
                color: false,
                learn: false,
                progress: Some(progress),
            };
            let _ = cargo::build(request, &thread_cancel);
            let mut state = thread_shared
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            state.finished = true;
            thread_shared.changed.notify_all();
        });
        Self { shared, cancel }
    }

    /// Waits until the build is over, reporting its progress to `progress` as the wait of a
    /// check for `crates` (also while no unit finishes, so that the time shown moves on).
    /// Returns early when `cancel` is cancelled.
    pub fn wait(&self, crates: &[String], progress: Option<&ProgressFn>, cancel: &Cancel) {
        let crates: Arc<[String]> = crates.into();
        let mut state = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
        while !state.finished && !cancel.is_cancelled() {
            if let Some(report) = progress {
                report(Progress::WaitingForCrates {
                    crates: crates.clone(),
                    done: state.done,
                    total: state.total,
                    elapsed: self.shared.started.elapsed(),
                });
            }
            state = self
                .shared
                .changed
                .wait_timeout(state, CANCEL_POLL)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Stops the build: nothing backlings starts outlives it.
    pub fn stop(&self) {
        self.cancel.cancel();
    }
}

impl Drop for Dependencies {
    fn drop(&mut self) {
        self.stop();
    }
}
