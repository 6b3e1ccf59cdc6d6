//! Recording a verdict: the one rule `run`, `verify` and watch mode (a save, `r`, `c`) follow.
//!
//! - A conclusive verdict marks the exercise done or not done; an inconclusive one (the check
//!   was cancelled, or could not build for want of disk space) changes nothing.
//! - A done exercise's solution is handed out (see [`Recorded::hand_out_solution`]); failing
//!   to write it takes neither the verdict nor the progress away.
//! - The current exercise moves on only with [`Advance::ToNextPending`]: `run` asks for that
//!   (the learner checked the current exercise and it is done, so the next one is up); watch
//!   mode moves on when the learner presses `n`, and `verify` and check-all never move it.
//!
//! Recording changes only the state in memory, so watch mode's state machine can use it too;
//! writing (the solution, the state) is the caller's: a batch records every verdict, then
//! saves once.

use super::State;
use crate::check::{Outcome, Verdict};
use crate::course::Course;
use crate::error::Result;

/// Whether recording a verdict may move the current exercise on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advance {
    /// The current exercise stays (`verify`, watch mode, check-all).
    Stay,
    /// When the exercise checked is the current one and it is done, the next exercise that is
    /// not done becomes current (`run`).
    ToNextPending,
}

/// Where the current exercise went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moved {
    /// The exercise at this index is current now.
    To(usize),
    /// Every exercise is done: the course is finished.
    Finished,
}

/// What recording one verdict did.
#[derive(Debug)]
pub struct Recorded {
    /// Progress changed, so it needs saving.
    pub changed: bool,
    /// The exercise is done: its solution is handed out (see [`Self::hand_out_solution`]).
    pub solution_due: Option<usize>,
    /// Where the current exercise moved, when it did (see [`Advance`]).
    pub moved: Option<Moved>,
}

/// Records `outcome`'s verdict on the exercise at `index` following the rule above, and for
/// an exercise graded in stages, the highest stage reached.
pub fn record(
    state: &mut State,
    course: &Course,
    index: usize,
    outcome: &Outcome,
    advance: Advance,
) -> Recorded {
    let exercise = &course.exercises[index];
    let verdict = outcome.verdict;
    let done = verdict == Verdict::Done;
    let mut changed = verdict.is_conclusive() && state.is_done(&exercise.name) != done;
    if changed {
        state.set_done(&exercise.name, done);
    }
    if let Some(staged) = outcome.stage.filter(|_| verdict.is_conclusive()) {
        changed |= state.reach_stage(&exercise.name, staged.passed);
    }
    let moved =
        (done && advance == Advance::ToNextPending && index == state.current).then(|| match state
            .next_pending(course, index)
        {
            Some(next) => {
                state.current = next;
                Moved::To(next)
            }
            None => Moved::Finished,
        });
    Recorded {
        changed: changed || matches!(moved, Some(Moved::To(_))),
        solution_due: done.then_some(index),
        moved,
    }
}

impl Recorded {
    /// Writes the done exercise's solution where the course hands it out (see
    /// [`Course::reveal_solution`]); the error says why it could not.
    pub fn hand_out_solution(&self, course: &Course) -> Result<()> {
        match self.solution_due {
            Some(index) => course.reveal_solution(&course.exercises[index]),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::fixture::course_of;

    #[test]
    fn an_inconclusive_verdict_changes_nothing() {
        let (_dir, course) = course_of(&["a", "b", "c"]);
        let mut state = State::load(&course).unwrap();
        state.set_done("a", true);
        for verdict in [Verdict::Cancelled, Verdict::DiskFull] {
            let recorded = record(
                &mut state,
                &course,
                0,
                &Outcome::of(verdict),
                Advance::ToNextPending,
            );
            assert!(!recorded.changed);
            assert!(state.is_done("a"), "{verdict:?} undid a done exercise");
        }
    }

    #[test]
    fn a_conclusive_failure_marks_a_done_exercise_not_done() {
        let (_dir, course) = course_of(&["a", "b", "c"]);
        let mut state = State::load(&course).unwrap();
        state.set_done("b", true);
        let recorded = record(
            &mut state,
            &course,
            1,
            &Outcome::of(Verdict::TestsFailed),
            Advance::Stay,
        );
        assert!(recorded.changed);
        assert!(!state.is_done("b"));
        assert_eq!((recorded.moved, recorded.solution_due), (None, None));
    }

    #[test]
    fn run_moves_on_from_the_current_exercise_to_the_next_one_not_done() {
        let (_dir, course) = course_of(&["a", "b", "c"]);
        let mut state = State::load(&course).unwrap();
        state.set_done("b", true);
        let recorded = record(
            &mut state,
            &course,
            0,
            &Outcome::of(Verdict::Done),
            Advance::ToNextPending,
        );
        assert_eq!(recorded.moved, Some(Moved::To(2)), "b is done already");
        assert_eq!(state.current, 2);
        assert!(recorded.changed);
        assert_eq!(
            recorded.solution_due,
            Some(0),
            "a done exercise earns its solution"
        );
    }

    #[test]
    fn without_advance_or_off_the_current_exercise_the_current_one_stays() {
        let (_dir, course) = course_of(&["a", "b", "c"]);
        let mut state = State::load(&course).unwrap();
        let recorded = record(
            &mut state,
            &course,
            0,
            &Outcome::of(Verdict::Done),
            Advance::Stay,
        );
        assert_eq!((recorded.moved, state.current), (None, 0));
        let recorded = record(
            &mut state,
            &course,
            1,
            &Outcome::of(Verdict::Done),
            Advance::ToNextPending,
        );
        assert_eq!((recorded.moved, state.current), (None, 0));
        assert!(state.is_done("a") && state.is_done("b"));
    }

    #[test]
    fn the_last_exercise_done_finishes_the_course_where_it_is() {
        let (_dir, course) = course_of(&["a", "b", "c"]);
        let mut state = State::load(&course).unwrap();
        state.set_done("a", true);
        state.set_done("c", true);
        state.current = 1;
        let recorded = record(
            &mut state,
            &course,
            1,
            &Outcome::of(Verdict::Done),
            Advance::ToNextPending,
        );
        assert_eq!(recorded.moved, Some(Moved::Finished));
        assert_eq!(state.current, 1);
    }

    #[test]
    fn a_verdict_that_repeats_what_is_recorded_needs_no_save() {
        let (_dir, course) = course_of(&["a", "b", "c"]);
        let mut state = State::load(&course).unwrap();
        state.set_done("c", true);
        let recorded = record(
            &mut state,
            &course,
            2,
            &Outcome::of(Verdict::Done),
            Advance::Stay,
        );
        assert!(!recorded.changed);
    }
}
