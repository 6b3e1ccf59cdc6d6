//! The rules of watch mode, as events in and effects out. No check runs and no file is read:
//! the tests answer the machine's reads and checks themselves, with made-up fingerprints.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::error::Error;
use crate::watch::events::AllStep;

/// Fingerprints of three versions of a file.
const OLD: u64 = 1;
const NEW: u64 = 2;
const LATER: u64 = 3;

/// Watch mode on a fresh course of exercises `a`, `b` (with a recipe) and `c`. The directory
/// holds what parsing the course and loading progress look for; the machine never reads it.
fn fresh(mode: Mode) -> (tempfile::TempDir, App) {
    let info = "format_version = 1\n\
                [[exercises]]\nname = \"a\"\n\
                [[exercises]]\nname = \"b\"\nrecipe = \"Step one.\"\n\
                [[exercises]]\nname = \"c\"\n";
    let (dir, course) = crate::course::fixture::course_from(&["a", "b", "c"], info);
    let progress = State::load(&course).unwrap();
    (dir, App::new(Arc::new(course), progress, mode, None))
}

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn special(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The files `effects` ask to read, with why.
fn reads(effects: &[Effect]) -> Vec<(usize, Recheck)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Read { index, recheck } => Some((*index, *recheck)),
            _ => None,
        })
        .collect()
}

/// The checks `effects` start.
fn started(effects: &[Effect]) -> Vec<(CheckId, usize)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::StartCheck { id, index } => Some((*id, *index)),
            _ => None,
        })
        .collect()
}

/// The checks `effects` cancel.
fn cancelled(effects: &[Effect]) -> Vec<CheckId> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::CancelCheck(id) => Some(*id),
            _ => None,
        })
        .collect()
}

/// The lines `effects` write to the watch log.
fn traced(effects: &[Effect]) -> Vec<&str> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Trace(line) => Some(line.as_str()),
            _ => None,
        })
        .collect()
}

fn saves_progress(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::SaveProgress))
}

/// The one check that `effects` start.
fn one_check(effects: &[Effect]) -> CheckId {
    match started(effects)[..] {
        [(id, _)] => id,
        _ => panic!("one check started: {effects:?}"),
    }
}

/// Answers the one read that `effects` ask for with `fingerprint`, as the executor does.
fn answer(app: &mut App, effects: &[Effect], fingerprint: Option<u64>) -> Vec<Effect> {
    let [(index, recheck)] = reads(effects)[..] else {
        panic!("one read asked for: {effects:?}");
    };
    app.update(Event::Read {
        index,
        recheck,
        fingerprint,
    })
}

/// A save of the current exercise that settled with `content`: what its read leads to.
fn save(app: &mut App, content: Option<u64>) -> Vec<Effect> {
    let effects = app.update(Event::Saved(app.progress.current));
    assert!(
        matches!(effects[..], [Effect::StartDebounce]),
        "{effects:?}"
    );
    let effects = app.update(Event::DebounceOver);
    answer(app, &effects, content)
}

/// Starts watch mode with the current exercise holding `content`: its check.
fn start(app: &mut App, content: u64) -> CheckId {
    let effects = app.start();
    let effects = answer(app, &effects, Some(content));
    one_check(&effects)
}

/// Check `id` ends with `verdict` on a file that holds `content` by then.
fn verdict(app: &mut App, id: CheckId, verdict: Verdict, content: u64) -> Vec<Effect> {
    app.update(Event::Checked {
        id,
        outcome: Ok(Outcome::of(verdict)),
        content: Some(content),
    })
}

fn shown(app: &App) -> Option<Verdict> {
    app.verdict().map(|outcome| outcome.verdict)
}

fn message(app: &App) -> &str {
    app.notice.message.as_deref().unwrap_or_default()
}

fn checking(app: &App) -> Option<CheckId> {
    match &app.activity {
        Activity::Checking(check) => Some(check.id),
        _ => None,
    }
}

#[test]
fn watch_mode_starts_by_checking_the_current_exercise_unless_manual_or_finished() {
    let (_dir, mut watching) = fresh(Mode::Watch);
    let effects = watching.start();
    assert_eq!(reads(&effects), [(0, Recheck::Always)]);
    let effects = answer(&mut watching, &effects, Some(OLD));
    assert_eq!(started(&effects), [(checking(&watching).unwrap(), 0)]);
    assert_eq!(traced(&effects), ["check a 0000000000000001"]);

    let (_dir, mut manual) = fresh(Mode::Manual);
    assert!(manual.start().is_empty());

    let (_dir, mut finished) = fresh(Mode::Watch);
    for name in ["a", "b", "c"] {
        finished.progress.set_done(name, true);
    }
    let mut finished = App::new(finished.course, finished.progress, Mode::Watch, None);
    assert_eq!(finished.view, View::Final);
    assert!(finished.start().is_empty());
}

#[test]
fn a_save_during_a_check_cancels_it_and_checks_the_new_content() {
    let (_dir, mut app) = fresh(Mode::Watch);
    let first = start(&mut app, OLD);

    let effects = save(&mut app, Some(NEW));
    assert_eq!(cancelled(&effects), [first]);
    let second = one_check(&effects);
    assert_ne!(second, first);
    assert_eq!(
        traced(&effects),
        ["cancel a 0000000000000001", "check a 0000000000000002"]
    );
    assert_eq!(checking(&app), Some(second));

    verdict(&mut app, second, Verdict::Done, NEW);
    assert_eq!(shown(&app), Some(Verdict::Done));
}

#[test]
fn saves_during_the_debounce_are_checked_once_with_the_last_content() {
    let (_dir, mut app) = fresh(Mode::Watch);
    let first = start(&mut app, OLD);
    verdict(&mut app, first, Verdict::TestsFailed, OLD);

    // Each write of a save starts the debounce again; nothing is read until it runs out.
    for event in [Event::Saved(0), Event::Rescan, Event::Saved(0)] {
        let effects = app.update(event);
        assert!(
            matches!(effects[..], [Effect::StartDebounce]),
            "{effects:?}"
        );
    }
    assert!(
        app.update(Event::Saved(1)).is_empty(),
        "not the current one"
    );
    let effects = app.update(Event::DebounceOver);
    assert_eq!(reads(&effects), [(0, Recheck::IfChanged)]);
    let effects = answer(&mut app, &effects, Some(LATER));
    let check = one_check(&effects);

    // Content that is being checked already (written twice, touched) is not checked again.
    let effects = save(&mut app, Some(LATER));
    assert_eq!(traced(&effects), ["unchanged a 0000000000000003"]);
    assert_eq!(checking(&app), Some(check));
    verdict(&mut app, check, Verdict::TestsFailed, LATER);
    let effects = save(&mut app, Some(LATER));
    assert_eq!(traced(&effects), ["unchanged a 0000000000000003"]);
    assert_eq!(checking(&app), None, "nor content whose verdict is shown");
}

#[test]
fn n_before_the_exercise_is_done_says_so_and_stays() {
    let (_dir, mut app) = fresh(Mode::Watch);
    let check = start(&mut app, OLD);
    verdict(&mut app, check, Verdict::TestsFailed, OLD);

    let effects = app.update(key('n'));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(
        message(&app),
        "Finish this exercise first: n moves on once it is done."
    );
    assert_eq!(app.progress.current, 0);
    assert_eq!(shown(&app), Some(Verdict::TestsFailed));
}

#[test]
fn n_after_the_exercise_is_done_moves_on_records_it_and_checks_the_next_one() {
    let (_dir, mut app) = fresh(Mode::Watch);
    app.progress.set_done("c", true);
    let check = start(&mut app, OLD);
    verdict(&mut app, check, Verdict::Done, OLD);
    app.notice.hint = Some(HintDepth::Nudge);

    let effects = app.update(key('n'));
    assert_eq!(app.progress.current, 1);
    assert!(saves_progress(&effects));
    assert_eq!(reads(&effects), [(1, Recheck::IfChanged)]);
    assert_eq!(shown(&app), None, "a's verdict is not b's");
    assert_eq!(app.notice.hint, None, "a's hint is not b's");
    let check = one_check(&answer(&mut app, &effects, Some(NEW)));
    verdict(&mut app, check, Verdict::Done, NEW);

    // Every other exercise is done: the course is finished.
    let effects = app.update(key('n'));
    assert_eq!(app.view, View::Final);
    assert!(saves_progress(&effects));
    assert!(reads(&effects).is_empty());
}

#[test]
fn x_then_y_resets_the_file_and_checks_it_again() {
    let (_dir, mut app) = fresh(Mode::Watch);
    let check = start(&mut app, OLD);
    verdict(&mut app, check, Verdict::Done, OLD);

    assert!(app.update(key('x')).is_empty());
    assert_eq!(app.view, View::ConfirmReset);
    let effects = app.update(key('y'));
    assert!(
        matches!(
            effects[..],
            [Effect::Reset {
                index: 0,
                commit: None
            }]
        ),
        "{effects:?}"
    );
    assert_eq!(app.view, View::Main);

    let done = "Reset exercises/a.rs to the shipped version.".to_string();
    let effects = app.update(Event::Reset(Ok(done.clone())));
    assert_eq!(message(&app), done);
    let effects = answer(&mut app, &effects, Some(NEW));
    one_check(&effects);

    let effects = app.update(Event::Reset(Err(Error::usage("no shipped version"))));
    assert!(effects.is_empty(), "a failed reset checks nothing");
    assert_eq!(message(&app), "no shipped version");
}

#[test]
fn x_then_another_key_cancels_the_reset() {
    let (_dir, mut app) = fresh(Mode::Watch);
    let check = start(&mut app, OLD);
    verdict(&mut app, check, Verdict::Done, OLD);

    app.update(key('x'));
    let effects = app.update(key('n'));
    assert!(
        effects.is_empty(),
        "n only answered the question: {effects:?}"
    );
    assert_eq!(app.view, View::Main);
    assert_eq!(message(&app), "Reset cancelled.");
    assert_eq!(app.progress.current, 0);
}

#[test]
fn in_manual_mode_saves_are_not_checked_and_r_checks() {
    let (_dir, mut app) = fresh(Mode::Manual);
    assert!(app.start().is_empty());
    assert!(app.update(Event::Saved(0)).is_empty());
    assert!(app.update(Event::Rescan).is_empty());

    let effects = app.update(key('r'));
    assert_eq!(reads(&effects), [(0, Recheck::Always)]);
    let check = one_check(&answer(&mut app, &effects, Some(OLD)));

    // Saved while it was checked: the learner is told, nothing is checked without r.
    let effects = verdict(&mut app, check, Verdict::Done, NEW);
    assert!(reads(&effects).is_empty());
    assert_eq!(
        message(&app),
        "a changed while it was checked: press r to check it again."
    );
    assert_eq!(shown(&app), None);

    // r checks even content that was checked already.
    let effects = app.update(key('r'));
    let check = one_check(&answer(&mut app, &effects, Some(NEW)));
    verdict(&mut app, check, Verdict::Done, NEW);
    let effects = app.update(key('r'));
    one_check(&answer(&mut app, &effects, Some(NEW)));
}

#[test]
fn in_manual_mode_moving_on_cancels_the_check_of_the_exercise_left_and_checks_nothing() {
    let (_dir, mut app) = fresh(Mode::Manual);
    app.progress.set_done("a", true);
    let effects = app.update(key('r'));
    let check = one_check(&answer(&mut app, &effects, Some(OLD)));

    let effects = app.update(key('n'));
    assert_eq!(app.progress.current, 1);
    assert_eq!(cancelled(&effects), [check]);
    assert!(reads(&effects).is_empty());
}

#[test]
fn a_save_during_check_all_is_checked_once_it_ends() {
    let (_dir, mut app) = fresh(Mode::Watch);
    let check = start(&mut app, OLD);

    // c cancels the check of the current exercise: check-all checks it too.
    let effects = app.update(key('c'));
    assert_eq!(cancelled(&effects), [check]);
    assert!(matches!(effects.last(), Some(Effect::CheckAll)));

    // A save does not stop check-all; its check waits.
    assert!(matches!(
        app.update(Event::Saved(0))[..],
        [Effect::StartDebounce]
    ));
    let effects = app.update(Event::DebounceOver);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(app.update(key('c')).is_empty(), "check-all runs already");

    // Check-all found every exercise done, but maybe not with the content saved meanwhile:
    // the current exercise is checked again before the course counts as finished.
    let all_done = (0..3).map(|_| Outcome::of(Verdict::Done)).collect();
    let effects = app.update(Event::CheckedAll(Ok(all_done)));
    assert_eq!(message(&app), "Checked all exercises: 3 of 3 done.");
    assert!(saves_progress(&effects));
    assert_eq!(app.view, View::Main);
    assert_eq!(reads(&effects), [(0, Recheck::Always)]);
    let check = one_check(&answer(&mut app, &effects, Some(NEW)));
    verdict(&mut app, check, Verdict::TestsFailed, NEW);
    assert!(!app.progress.is_done("a"));
}

#[test]
fn check_all_ends_on_the_final_screen_when_every_exercise_is_done_and_nothing_waits() {
    let (_dir, mut app) = fresh(Mode::Watch);
    app.update(key('c'));
    let all_done = (0..3).map(|_| Outcome::of(Verdict::Done)).collect();
    let effects = app.update(Event::CheckedAll(Ok(all_done)));
    assert_eq!(app.view, View::Final);
    assert!(reads(&effects).is_empty());
    let handed_out = effects
        .iter()
        .filter(|e| matches!(e, Effect::HandOutSolution(_)))
        .count();
    assert_eq!(handed_out, 3);

    // Otherwise the current exercise is checked again, whatever was checked before.
    let (_dir, mut app) = fresh(Mode::Watch);
    app.update(key('c'));
    let outcomes = [Verdict::TestsFailed, Verdict::Done, Verdict::Done];
    let outcomes = outcomes.into_iter().map(Outcome::of).collect();
    let effects = app.update(Event::CheckedAll(Ok(outcomes)));
    assert_eq!(message(&app), "Checked all exercises: 2 of 3 done.");
    assert_eq!(reads(&effects), [(0, Recheck::Always)]);
}

#[test]
fn a_file_that_disappears_is_reported_and_its_running_check_cancelled() {
    let (_dir, mut app) = fresh(Mode::Watch);
    let check = start(&mut app, OLD);

    let effects = save(&mut app, None);
    assert_eq!(cancelled(&effects), [check]);
    assert!(started(&effects).is_empty());
    assert_eq!(
        message(&app),
        "exercises/a.rs is missing. Restore it from your editor's undo, or press x to reset \
         it to the shipped version."
    );
    assert!(matches!(app.activity, Activity::Idle));

    // Back again: checked.
    one_check(&save(&mut app, Some(OLD)));
    assert_eq!(message(&app), "", "the save made the message stale");
}

#[test]
fn a_verdict_for_a_cancelled_check_is_ignored() {
    let (_dir, mut app) = fresh(Mode::Watch);
    let first = start(&mut app, OLD);
    let second = one_check(&save(&mut app, Some(NEW)));

    let progress = Progress::Units { done: 1, total: 9 };
    app.update(Event::Progress {
        id: first,
        progress,
        elapsed: Duration::from_secs(1),
    });
    let effects = verdict(&mut app, first, Verdict::Done, OLD);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(shown(&app), None);
    assert!(!app.progress.is_done("a"), "not recorded");
    match &app.activity {
        Activity::Checking(check) => {
            assert_eq!(check.id, second);
            assert!(check.build.is_none(), "nor its build's progress shown");
        }
        other => panic!("the new check goes on: {other:?}"),
    }

    verdict(&mut app, second, Verdict::TestsFailed, NEW);
    assert_eq!(shown(&app), Some(Verdict::TestsFailed));
}

#[test]
fn a_verdict_on_content_replaced_while_it_ran_is_not_shown_and_the_new_content_is_checked() {
    let (_dir, mut app) = fresh(Mode::Watch);
    let check = start(&mut app, OLD);

    let effects = verdict(&mut app, check, Verdict::Done, NEW);
    assert_eq!(traced(&effects), ["stale a 0000000000000001"]);
    assert_eq!(shown(&app), None);
    assert!(!app.progress.is_done("a"));
    let effects = answer(&mut app, &effects, Some(NEW));
    assert_eq!(started(&effects)[0].1, 0);
}

#[test]
fn a_done_verdict_is_recorded_saved_and_its_solution_handed_out() {
    let (_dir, mut app) = fresh(Mode::Watch);
    assert!(app.notice.welcome, "a fresh start");
    let check = start(&mut app, OLD);

    let effects = verdict(&mut app, check, Verdict::Done, OLD);
    assert_eq!(traced(&effects), ["verdict a 0000000000000001 done"]);
    assert!(saves_progress(&effects));
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::HandOutSolution(recorded) if recorded.solution_due == Some(0)
        )),
        "{effects:?}"
    );
    assert!(app.progress.is_done("a"));
    assert!(!app.notice.welcome, "under way");

    // A solution that cannot be written is said, and hides nothing else.
    app.notice.message = Some("Earlier news.".to_string());
    app.update(Event::HandOutFailed(
        "cannot write the solution".to_string(),
    ));
    assert_eq!(message(&app), "Earlier news.\ncannot write the solution");

    // The same verdict again changes no progress: nothing to save.
    let effects = app.update(key('r'));
    let check = one_check(&answer(&mut app, &effects, Some(OLD)));
    assert!(!saves_progress(&verdict(
        &mut app,
        check,
        Verdict::Done,
        OLD
    )));
}

#[test]
fn a_long_build_shows_its_progress_and_a_short_one_does_not() {
    let (_dir, mut app) = fresh(Mode::Watch);
    let id = start(&mut app, OLD);
    let elapsed = Duration::from_secs(3);
    let build = |app: &App| match &app.activity {
        Activity::Checking(check) => check.build.as_ref().map(|b| (b.done, b.total, b.elapsed)),
        _ => None,
    };

    let progress = Progress::Units { done: 1, total: 2 };
    app.update(Event::Progress {
        id,
        progress,
        elapsed,
    });
    assert_eq!(build(&app), None, "only the exercise itself");
    let progress = Progress::Units { done: 4, total: 9 };
    app.update(Event::Progress {
        id,
        progress,
        elapsed,
    });
    assert_eq!(build(&app), Some((4, 9, elapsed)));

    let progress = Progress::WaitingForLock;
    app.update(Event::Progress {
        id,
        progress,
        elapsed,
    });
    assert!(message(&app).starts_with("Waiting for another build of this course"));
}

#[test]
fn h_shows_the_nudge_then_the_recipe_if_any_then_hides_the_hint() {
    let (_dir, mut app) = fresh(Mode::Watch);
    app.update(key('h'));
    assert_eq!(app.notice.hint, Some(HintDepth::Nudge));
    app.update(key('h'));
    assert_eq!(app.notice.hint, None, "a has no recipe");

    app.progress.current = 1;
    for depth in [Some(HintDepth::Nudge), Some(HintDepth::Recipe), None] {
        app.update(key('h'));
        assert_eq!(app.notice.hint, depth);
    }
}

#[test]
fn the_list_moves_within_the_course_and_enter_goes_to_the_exercise() {
    let (_dir, mut app) = fresh(Mode::Watch);
    app.update(key('l'));
    assert_eq!(app.view, View::List { selected: 0 });
    for (event, selected) in [
        (key('k'), 0),
        (key('j'), 1),
        (special(KeyCode::Down), 2),
        (key('j'), 2),
        (key('g'), 0),
        (key('G'), 2),
        (special(KeyCode::Up), 1),
    ] {
        assert!(app.update(event).is_empty());
        assert_eq!(app.view, View::List { selected });
    }
    assert!(app.update(special(KeyCode::Esc)).is_empty());
    assert_eq!((app.view, app.progress.current), (View::Main, 0));

    app.update(key('l'));
    app.update(key('G'));
    let effects = app.update(special(KeyCode::Enter));
    assert_eq!(app.view, View::Main);
    assert_eq!(app.progress.current, 2);
    assert!(saves_progress(&effects));
    assert_eq!(reads(&effects), [(2, Recheck::IfChanged)]);
}

#[test]
fn q_and_ctrl_c_quit() {
    let (_dir, mut app) = fresh(Mode::Watch);
    assert!(matches!(app.update(key('q'))[..], [Effect::Quit]));
    app.update(key('l'));
    let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(matches!(app.update(ctrl_c)[..], [Effect::Quit]));
}

#[test]
fn a_read_for_an_exercise_that_is_no_longer_current_is_ignored() {
    let (_dir, mut app) = fresh(Mode::Watch);
    let effects = app.update(key('r'));
    app.progress.current = 1;
    assert!(answer(&mut app, &effects, Some(OLD)).is_empty());
    assert!(matches!(app.activity, Activity::Idle));
}

#[test]
fn a_reset_message_outlasts_the_reset_being_noticed_and_its_check() {
    let (_dir, mut app) = fresh(Mode::Watch);
    let check = start(&mut app, OLD);
    verdict(&mut app, check, Verdict::TestsFailed, OLD);
    app.update(key('x'));
    app.update(key('y'));
    let saved = "Your version is saved as .backlings/backups/a.rs".to_string();
    let effects = app.update(Event::Reset(Ok(saved.clone())));
    let check = one_check(&answer(&mut app, &effects, Some(NEW)));

    // The watcher notices the reset's own write: same content, nothing the learner did.
    save(&mut app, Some(NEW));
    verdict(&mut app, check, Verdict::TestsFailed, NEW);
    assert_eq!(message(&app), saved);
}

#[test]
fn a_save_of_new_content_makes_the_message_stale() {
    let (_dir, mut app) = fresh(Mode::Watch);
    let check = start(&mut app, OLD);
    verdict(&mut app, check, Verdict::TestsFailed, OLD);
    app.update(key('n'));
    assert!(!message(&app).is_empty());

    save(&mut app, Some(OLD));
    assert!(!message(&app).is_empty(), "an unchanged save is no action");
    save(&mut app, Some(NEW));
    assert_eq!(message(&app), "");
}

#[test]
fn f_switches_between_the_failure_summary_and_the_full_output() {
    let (_dir, mut app) = fresh(Mode::Watch);
    assert!(!app.notice.full_output);
    app.update(key('f'));
    assert!(app.notice.full_output);
    app.update(key('f'));
    assert!(!app.notice.full_output);
}

/// What the screen shows of a check of every exercise: (checked, building, last).
fn all_progress(app: &App) -> (usize, Option<(u32, u32)>, Option<usize>) {
    match &app.activity {
        Activity::CheckingAll { progress, .. } => {
            (progress.checked, progress.building, progress.last)
        }
        other => panic!("not checking every exercise: {other:?}"),
    }
}

#[test]
fn check_all_shows_the_units_built_then_each_verdict_as_it_comes() {
    let (_dir, mut app) = fresh(Mode::Watch);
    app.update(key('c'));
    assert_eq!(all_progress(&app), (0, None, None));

    app.update(Event::AllStep(AllStep::Building { done: 4, total: 9 }));
    assert_eq!(all_progress(&app), (0, Some((4, 9)), None));
    app.update(Event::AllStep(AllStep::Built));
    app.update(Event::AllStep(AllStep::Finished(2)));
    app.update(Event::AllStep(AllStep::Finished(0)));
    assert_eq!(all_progress(&app), (2, None, Some(0)));

    // A step that arrives after the check ended changes nothing.
    let outcomes = (0..3).map(|_| Outcome::of(Verdict::TestsFailed)).collect();
    app.update(Event::CheckedAll(Ok(outcomes)));
    assert!(app.update(Event::AllStep(AllStep::Finished(1))).is_empty());
    assert!(!matches!(app.activity, Activity::CheckingAll { .. }));
}

#[test]
fn e_opens_the_current_exercise_and_an_editor_that_failed_says_so() {
    let (_dir, mut app) = fresh(Mode::Watch);
    app.progress.current = 1;
    let effects = app.update(key('e'));
    assert!(matches!(effects[..], [Effect::Edit(1)]), "{effects:?}");
    assert!(app.update(Event::Edited(Ok(()))).is_empty());
    app.update(Event::Edited(Err(
        "The editor (vi) ended with exit status: 1.".into(),
    )));
    assert_eq!(message(&app), "The editor (vi) ended with exit status: 1.");
}

#[test]
fn m_shows_the_roadmap_and_any_key_goes_back() {
    let (_dir, mut app) = fresh(Mode::Watch);
    app.update(key('m'));
    assert_eq!(app.view, View::Roadmap);
    assert!(app.update(key('z')).is_empty());
    assert_eq!(app.view, View::Main);
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(key(c));
    }
}

#[test]
fn slash_searches_the_list_by_name_and_selects_the_first_match() {
    let (_dir, mut app) = fresh(Mode::Watch);
    app.update(key('l'));
    app.update(key('/'));
    typed(&mut app, "C");
    assert_eq!(app.list_rows(), [2]);
    assert_eq!(app.view, View::List { selected: 2 });
    app.update(special(KeyCode::Backspace));
    assert_eq!(app.list_rows(), [0, 1, 2]);
    typed(&mut app, "zz");
    assert!(app.list_rows().is_empty());
    app.update(special(KeyCode::Esc));
    assert_eq!(app.list_rows(), [0, 1, 2], "Esc clears the search");

    // Enter ends typing: keys move again, within the matches.
    app.update(key('/'));
    typed(&mut app, "b");
    app.update(special(KeyCode::Enter));
    let effects = app.update(special(KeyCode::Enter));
    assert_eq!(app.progress.current, 1);
    assert_eq!(reads(&effects), [(1, Recheck::IfChanged)]);
}

#[test]
fn f_in_the_list_shows_all_then_pending_then_done_exercises() {
    let (_dir, mut app) = fresh(Mode::Watch);
    app.progress.set_done("b", true);
    app.update(key('l'));
    app.update(key('f'));
    assert_eq!(app.list_rows(), [0, 2]);
    app.update(key('j'));
    assert_eq!(
        app.view,
        View::List { selected: 2 },
        "moves skip hidden rows"
    );
    app.update(key('f'));
    assert_eq!(app.list_rows(), [1]);
    assert_eq!(app.view, View::List { selected: 1 });
    app.update(key('f'));
    assert_eq!(app.list_rows(), [0, 1, 2]);
}

#[test]
fn x_in_the_list_resets_the_selected_exercise_once_confirmed() {
    let (_dir, mut app) = fresh(Mode::Watch);
    app.update(key('l'));
    app.update(key('j'));
    assert!(app.update(key('x')).is_empty());
    assert!(app.list_filter().confirming_reset);
    assert!(app.update(key('n')).is_empty());
    assert_eq!(message(&app), "Reset cancelled.");

    app.update(key('x'));
    let effects = app.update(key('y'));
    assert!(
        matches!(effects[..], [Effect::Reset { index: 1, .. }]),
        "{effects:?}"
    );
    assert_eq!(app.view, View::List { selected: 1 }, "the list stays");
}
