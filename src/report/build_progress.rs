//! Showing cargo's progress while a build takes a while, above all the first build of a
//! course's dependencies (2–3 minutes on 2 cores): never a silent wait.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::build::cargo::{Progress, ProgressFn};

/// A progress display for one command's builds; cleared when dropped.
pub struct BuildProgress {
    shown: Arc<Mutex<Shown>>,
}

#[derive(Default)]
struct Shown {
    bar: Option<ProgressBar>,
    /// Without a terminal: the last tenth printed.
    last_tenth: Option<u32>,
    announced: bool,
    /// Decided at a build's first report: this build compiles dependencies.
    deps: Option<bool>,
    /// The unit count of the build being shown.
    total: Option<u32>,
    /// The bar shows the time left.
    estimating: bool,
    /// The crates the files being built name, said when their build starts.
    needs: Option<Arc<[String]>>,
    said_waiting: bool,
}

/// How many units a build of `bins` exercise binaries compiles by itself (the bins and the
/// course's support library); more than that means dependencies are being built.
fn own_units(bins: usize) -> u32 {
    bins as u32 + 2
}

impl BuildProgress {
    pub fn new() -> Self {
        Self {
            shown: Arc::default(),
        }
    }

    /// The callback to hand to a build of `bins` binaries.
    pub fn callback(&self, bins: usize) -> ProgressFn {
        let shown = self.shown.clone();
        let terminal = std::io::stderr().is_terminal();
        Arc::new(move |progress| {
            let mut shown = shown.lock().unwrap_or_else(|e| e.into_inner());
            match progress {
                Progress::WaitingForLock => {
                    if !shown.said_waiting {
                        shown.said_waiting = true;
                        eprintln!(
                            "Waiting for another cargo to finish (rust-analyzer or a build in another terminal)…"
                        );
                    }
                }
                Progress::Needs(crates) => shown.needs = Some(crates),
                Progress::Units { done, total }
                | Progress::WaitingForCrates { done, total, .. } => {
                    // Cargo counts fresh units too: only units still to build say whether
                    // dependencies are being compiled.
                    // A check of many files can run two builds (the light package's, then the
                    // full one's, see `light`): each is judged by itself.
                    if shown.total != Some(total) {
                        shown.total = Some(total);
                        shown.deps = Some(total - done.min(total) > own_units(bins));
                    }
                    let deps = shown.deps == Some(true);
                    if !shown.announced && deps {
                        shown.announced = true;
                        let what = match &shown.needs {
                            Some(crates) => format!(" for {}", crate_list(crates)),
                            None => String::new(),
                        };
                        eprintln!(
                            "Building the course's dependencies{what} ({total} units). This \
                             happens once, and takes a few minutes on a small machine."
                        );
                    }
                    if terminal {
                        if !deps && total - done.min(total) < 3 {
                            return;
                        }
                        if shown.bar.is_none() {
                            let bar = ProgressBar::new(u64::from(total));
                            bar.set_style(bar_style(""));
                            shown.bar = Some(bar);
                        }
                        // No estimate before there is a pace to go by.
                        let estimating = done > 0;
                        if estimating && !shown.estimating {
                            shown.estimating = true;
                            if let Some(bar) = &shown.bar {
                                bar.set_style(bar_style(", about {eta} left"));
                            }
                        }
                        let bar = shown.bar.as_ref().expect("made above");
                        bar.set_length(u64::from(total));
                        bar.set_position(u64::from(done));
                    } else if deps {
                        let tenth = done * 10 / total.max(1);
                        if shown.last_tenth != Some(tenth) {
                            shown.last_tenth = Some(tenth);
                            eprintln!("  built {done}/{total} units");
                        }
                    }
                }
            }
        })
    }
}

/// `serde, http and 2 more`.
pub fn crate_list(crates: &[String]) -> String {
    match crates {
        [] => "the course's crates".to_string(),
        [one] => one.clone(),
        [first, second] => format!("{first} and {second}"),
        [first, second, rest @ ..] => format!("{first}, {second} and {} more", rest.len()),
    }
}

/// The bar: units, time so far, and `rest`.
fn bar_style(rest: &str) -> ProgressStyle {
    ProgressStyle::with_template(&format!(
        "{{bar:40.cyan/blue}} {{pos}}/{{len}} units, {{elapsed}} elapsed{rest}"
    ))
    .expect("the template is valid")
    .progress_chars("=> ")
}

/// The time a build of `total` units still needs, at the pace it went so far (`None` before
/// the first unit): a rough estimate, since units differ in cost.
pub fn estimate(done: u32, total: u32, elapsed: Duration) -> Option<Duration> {
    if done == 0 || done > total {
        return None;
    }
    Some(elapsed.mul_f64(f64::from(total - done) / f64::from(done)))
}

/// `1:05`: minutes and seconds.
pub fn clock(duration: Duration) -> String {
    let secs = duration.as_secs();
    format!("{}:{:02}", secs / 60, secs % 60)
}

impl Drop for BuildProgress {
    fn drop(&mut self) {
        let shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(bar) = &shown.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_follows_the_pace_so_far() {
        let elapsed = Duration::from_secs(30);
        assert_eq!(estimate(0, 200, elapsed), None, "no pace yet");
        assert_eq!(estimate(50, 200, elapsed), Some(Duration::from_secs(90)));
        assert_eq!(estimate(200, 200, elapsed), Some(Duration::ZERO));
        assert_eq!(clock(Duration::from_secs(65)), "1:05");
    }

    #[test]
    fn a_wait_names_at_most_two_crates() {
        let names =
            |list: &[&str]| crate_list(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(names(&["rusqlite"]), "rusqlite");
        assert_eq!(names(&["http", "serde"]), "http and serde");
        assert_eq!(
            names(&["http", "serde", "sha2", "tokio"]),
            "http, serde and 2 more"
        );
    }
}
