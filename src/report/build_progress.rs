//! Showing cargo's progress while a build takes a while, above all the first build of a
//! course's dependencies (2–3 minutes on 2 cores): never a silent wait.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::Reporter;
use crate::build::cargo::Progress;
use crate::check::Event;

/// A progress display for one command's checks: a reporter of their
/// [`Event::Building`] events. The bar is cleared once the binaries are built (what follows
/// is printed below it) and when the display is dropped.
pub struct BuildProgress {
    /// The files the current check builds.
    items: usize,
    terminal: bool,
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
            items: 1,
            terminal: std::io::stderr().is_terminal(),
            bar: None,
            last_tenth: None,
            announced: false,
            deps: None,
            total: None,
            estimating: false,
            needs: None,
            said_waiting: false,
        }
    }

    fn show(&mut self, progress: &Progress) {
        match progress {
            Progress::WaitingForLock => {
                if !self.said_waiting {
                    self.said_waiting = true;
                    eprintln!(
                        "Waiting for another cargo to finish (rust-analyzer or a build in another terminal)…"
                    );
                }
            }
            Progress::Needs(crates) => self.needs = Some(crates.clone()),
            Progress::Units { done, total } | Progress::WaitingForCrates { done, total, .. } => {
                self.show_units(*done, *total)
            }
        }
    }

    fn show_units(&mut self, done: u32, total: u32) {
        // Cargo counts fresh units too: only units still to build say whether dependencies
        // are being compiled. A check of many files can run two builds (the light package's,
        // then the full one's, see `light`): each is judged by itself.
        if self.total != Some(total) {
            self.total = Some(total);
            self.deps = Some(total - done.min(total) > own_units(self.items));
        }
        let deps = self.deps == Some(true);
        if !self.announced && deps {
            self.announced = true;
            let what = match &self.needs {
                Some(crates) => format!(" for {}", crate_list(crates)),
                None => String::new(),
            };
            eprintln!(
                "Building the course's dependencies{what} ({total} units). This \
                 happens once, and takes a few minutes on a small machine."
            );
        }
        if !self.terminal {
            let tenth = done * 10 / total.max(1);
            if deps && self.last_tenth != Some(tenth) {
                self.last_tenth = Some(tenth);
                eprintln!("  built {done}/{total} units");
            }
            return;
        }
        if !deps && total - done.min(total) < 3 {
            return;
        }
        let bar = self.bar.get_or_insert_with(|| {
            let bar = ProgressBar::new(u64::from(total));
            bar.set_style(bar_style(""));
            bar
        });
        // No estimate before there is a pace to go by.
        if done > 0 && !self.estimating {
            self.estimating = true;
            bar.set_style(bar_style(", about {eta} left"));
        }
        bar.set_length(u64::from(total));
        bar.set_position(u64::from(done));
    }

    fn clear(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        self.estimating = false;
    }
}

impl Reporter for BuildProgress {
    fn on(&mut self, event: &Event) {
        match event {
            Event::Started { items } => self.items = *items,
            Event::Building(progress) => self.show(progress),
            Event::Built => self.clear(),
            Event::Finished { .. } => {}
        }
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
        self.clear();
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
