//! The bar of a batch check (`verify`, `dev check`) on a terminal: how many of its files have
//! a verdict out of how many, and the last one checked. It shows once the build is done (the
//! build has a bar of its own, see `build_progress`) and makes way when another build starts.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Reporter, inert};
use crate::check::Event;

/// Counts verdicts across every check of one command (`dev check` may run two: the course's
/// files and the bundled solutions standing in); only drawn when stderr is a terminal.
pub struct CheckedBar {
    total: u64,
    checked: u64,
    last: Option<String>,
    terminal: bool,
    bar: Option<ProgressBar>,
}

impl CheckedBar {
    /// A bar for `total` files.
    pub fn new(total: usize) -> Self {
        Self {
            total: total as u64,
            checked: 0,
            last: None,
            terminal: std::io::stderr().is_terminal(),
            bar: None,
        }
    }

    /// One more file has its verdict; `label` names it on the bar.
    pub fn checked(&mut self, label: &str) {
        self.checked += 1;
        self.last = Some(format!("(last: {})", inert(label)));
        self.draw();
    }

    /// Prints with `print` above the bar, which is drawn again below.
    pub fn suspend(&self, print: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    /// Takes the bar off the screen, before what is printed next.
    pub fn clear(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    fn draw(&mut self) {
        if !self.terminal {
            return;
        }
        let total = self.total;
        let bar = self.bar.get_or_insert_with(|| {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template("{bar:30.cyan/blue} {pos}/{len} checked {wide_msg}")
                    .expect("the template is valid")
                    .progress_chars("=> "),
            );
            bar
        });
        if let Some(last) = &self.last {
            bar.set_message(last.clone());
        }
        bar.set_position(self.checked);
    }

    /// Follows one check's events; `label(index)` names its item `index`.
    pub fn follow<'a>(&'a mut self, label: impl Fn(usize) -> String + 'a) -> impl Reporter + 'a {
        Following { bar: self, label }
    }

    fn on(&mut self, event: &Event, label: impl Fn(usize) -> String) {
        match event {
            Event::Built => self.draw(),
            Event::Building(_) => self.clear(),
            Event::Finished { index, .. } => self.checked(&label(*index)),
            Event::Started { .. } => {}
        }
    }
}

struct Following<'a, L> {
    bar: &'a mut CheckedBar,
    label: L,
}

impl<L: Fn(usize) -> String> Reporter for Following<'_, L> {
    fn on(&mut self, event: &Event) {
        self.bar.on(event, &self.label);
    }
}

impl Drop for CheckedBar {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Outcome, Verdict};

    fn finished(index: usize) -> Event {
        Event::Finished {
            index,
            outcome: Outcome::of(Verdict::Done),
        }
    }

    #[test]
    fn counts_verdicts_across_checks_and_names_the_last_file_checked() {
        let mut bar = CheckedBar::new(3);
        {
            let mut first = bar.follow(|i| ["a", "b"][i].to_string());
            first.on(&Event::Built);
            first.on(&finished(1));
            first.on(&finished(0));
        }
        {
            let mut second = bar.follow(|_| "c (bundled solution)".to_string());
            second.on(&finished(0));
        }
        assert_eq!(bar.checked, 3);
        assert_eq!(bar.last.as_deref(), Some("(last: c (bundled solution))"));
    }

    #[test]
    fn a_label_cannot_drive_the_terminal() {
        let mut bar = CheckedBar::new(1);
        bar.checked("evil\x1b[2J");
        assert!(!bar.last.as_deref().unwrap().contains('\x1b'));
    }
}
