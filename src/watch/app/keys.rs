//! What each key does, on each screen. Ctrl-C quits anywhere; on the main screen a key makes
//! the last message stale.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Activity, AllProgress, App, Effect, View};
use crate::watch::events::Recheck;

impl App {
    /// `key`, on the screen shown. Raw mode delivers Ctrl-C as a key: it quits from any screen.
    pub(super) fn on_key(&mut self, key: KeyEvent) {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.effects.push(Effect::Quit);
            return;
        }
        match self.view {
            View::Main => self.on_main_key(key.code),
            View::ConfirmReset => {
                self.view = View::Main;
                if key.code == KeyCode::Char('y') {
                    self.reset(self.progress.current);
                } else {
                    self.notice.message = Some("Reset cancelled.".to_string());
                }
            }
            View::List { selected } => self.on_list_key(selected, key.code),
            View::Roadmap => self.view = View::Main,
            View::Final => match key.code {
                KeyCode::Char('q') => self.effects.push(Effect::Quit),
                KeyCode::Char('l') => self.open_list(),
                _ => {}
            },
        }
    }

    fn on_main_key(&mut self, code: KeyCode) {
        self.notice.message = None;
        match code {
            KeyCode::Char('q') => self.effects.push(Effect::Quit),
            KeyCode::Char('h') => self.notice.hint = self.next_hint(),
            KeyCode::Char('l') => self.open_list(),
            KeyCode::Char('m') => self.view = View::Roadmap,
            KeyCode::Char('r') => self.check_current(Recheck::Always),
            KeyCode::Char('x') => self.view = View::ConfirmReset,
            KeyCode::Char('c') => self.check_all(),
            KeyCode::Char('n') => self.next(),
            KeyCode::Char('e') => self.effects.push(Effect::Edit(self.progress.current)),
            KeyCode::Char('f') => self.notice.full_output = !self.notice.full_output,
            _ => {}
        }
    }

    /// `n`: on to the next exercise that is not done, once the current one is.
    fn next(&mut self) {
        if !self.progress.is_done(self.name(self.progress.current)) {
            self.notice.message =
                Some("Finish this exercise first: n moves on once it is done.".to_string());
            return;
        }
        match self
            .progress
            .next_pending(&self.course, self.progress.current)
        {
            Some(next) => self.go_to(next),
            None => {
                self.view = View::Final;
                self.effects.push(Effect::SaveProgress);
            }
        }
    }

    pub(super) fn go_to(&mut self, index: usize) {
        self.view = View::Main;
        self.notice.hint = None;
        self.notice.welcome = false;
        self.notice.full_output = false;
        if index != self.progress.current {
            self.progress.current = index;
            self.effects.push(Effect::SaveProgress);
            self.last = None;
        }
        self.check_unless_manual();
    }

    /// `y` after `x`: the shipped version of exercise `index` is put back, from the commit
    /// recorded when the learner started; the current exercise's file is checked again once
    /// the executor reports the reset ([`super::Event::Reset`]).
    pub(super) fn reset(&mut self, index: usize) {
        match self.progress.shipped_commit() {
            Ok(commit) => {
                let commit = commit.map(str::to_string);
                self.effects.push(Effect::Reset { index, commit });
            }
            Err(e) => self.notice.message = Some(e.report()),
        }
    }

    /// `c`: every exercise is checked; a check of the current one is cancelled (it would be
    /// checked twice).
    fn check_all(&mut self) {
        if matches!(self.activity, Activity::CheckingAll { .. }) {
            return;
        }
        self.cancel_check();
        self.activity = Activity::CheckingAll {
            check_waiting: false,
            progress: AllProgress::default(),
        };
        self.effects.push(Effect::CheckAll);
    }
}
