//! `verify`'s report for people: one line per exercise, in course order, each printed as soon
//! as it and every exercise before it have their verdicts, then `N passed, M failed`. On a
//! terminal, a [bar](CheckedBar) below the lines counts the exercises checked.

use super::checked_bar::CheckedBar;
use super::{Reporter, failing_stage, line};
use crate::check::{Event, Verdict};
use crate::course::exercise::Exercise;

/// A reporter of the verdicts on `exercises` (the check's items, in the same order).
pub struct VerdictLines<'a> {
    exercises: &'a [&'a Exercise],
    /// Each exercise's verdict and what its line says after the name, once known.
    verdicts: Vec<Option<(Verdict, String)>>,
    printed: usize,
    bar: CheckedBar,
}

impl<'a> VerdictLines<'a> {
    pub fn new(exercises: &'a [&'a Exercise]) -> Self {
        Self {
            exercises,
            verdicts: vec![None; exercises.len()],
            printed: 0,
            bar: CheckedBar::new(exercises.len()),
        }
    }

    /// The lines that can be printed now, in order: those up to the first exercise still
    /// being checked.
    fn ready_lines(&mut self) -> Vec<String> {
        let mut lines = Vec::new();
        while let Some(Some((verdict, detail))) = self.verdicts.get(self.printed) {
            let done = *verdict == Verdict::Done;
            lines.push(line(done, &self.exercises[self.printed].name, detail));
            self.printed += 1;
        }
        lines
    }
}

impl Reporter for VerdictLines<'_> {
    fn on(&mut self, event: &Event) {
        let exercises = self.exercises;
        if let Event::Finished { index, outcome } = event {
            let detail = match outcome.verdict {
                Verdict::Done => String::new(),
                verdict => failing_stage(exercises[*index], outcome)
                    .unwrap_or_else(|| verdict.summary().to_string()),
            };
            self.verdicts[*index] = Some((outcome.verdict, detail));
            let lines = self.ready_lines();
            self.bar
                .suspend(|| lines.iter().for_each(|line| println!("{line}")));
        }
        self.bar
            .follow(|index| exercises[index].name.clone())
            .on(event);
    }
}

impl VerdictLines<'_> {
    /// Takes the bar off the screen, before what is printed next.
    pub fn clear(&mut self) {
        self.bar.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Outcome;
    use crate::course::fixture::course_of;

    fn finished(index: usize, verdict: Verdict) -> Event {
        Event::Finished {
            index,
            outcome: Outcome::of(verdict),
        }
    }

    #[test]
    fn lines_come_in_course_order_whatever_order_verdicts_arrive_in() {
        let (_dir, course) = course_of(&["a", "b", "c"]);
        let exercises: Vec<&Exercise> = course.exercises.iter().collect();
        let mut lines = VerdictLines::new(&exercises);
        lines.verdicts[2] = Some((Verdict::Done, String::new()));
        assert!(lines.ready_lines().is_empty(), "a is still running");
        lines.on(&finished(1, Verdict::TestsFailed));
        lines.verdicts[0] = Some((Verdict::Done, String::new()));
        let ready: Vec<String> = lines
            .ready_lines()
            .iter()
            .map(|l| console::strip_ansi_codes(l).into_owned())
            .collect();
        assert_eq!(ready, ["✓ a", "✗ b: tests fail", "✓ c"]);
        assert!(lines.ready_lines().is_empty(), "each line once");
    }
}
