//! The exercise list's keys: moving among the rows shown, searching by name or chapter (`/`),
//! showing all, pending or done exercises (`f`), and resetting the selected one (`x`, then
//! `y`). The rows shown are [`App::list_rows`]; the screen shows the same ones.

use crossterm::event::KeyCode;

use super::{App, View};
use crate::report::roadmap;

/// Which exercises the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    #[default]
    All,
    Pending,
    Done,
}

impl Show {
    /// `f`: all, then pending, then done, then all again.
    fn next(self) -> Self {
        match self {
            Show::All => Show::Pending,
            Show::Pending => Show::Done,
            Show::Done => Show::All,
        }
    }

    /// The word the list's footer shows.
    pub fn word(self) -> &'static str {
        match self {
            Show::All => "all",
            Show::Pending => "pending",
            Show::Done => "done",
        }
    }
}

/// What narrows the list, and what its keys are doing.
#[derive(Debug, Default)]
pub struct ListFilter {
    /// Shown: exercises whose name, chapter folder or topic holds it (any case).
    pub query: String,
    /// Keys go to the query (after `/`, until Enter or Esc).
    pub typing: bool,
    pub show: Show,
    /// `x` was pressed: `y` resets the selected exercise, any other key does not.
    pub confirming_reset: bool,
}

impl App {
    /// The indices of the exercises the list shows, in course order.
    pub fn list_rows(&self) -> Vec<usize> {
        let query = self.list.query.to_lowercase();
        let course = &self.course;
        (0..course.exercises.len())
            .filter(|&i| {
                let exercise = &course.exercises[i];
                let done = self.progress.is_done(&exercise.name);
                let shown = match self.list.show {
                    Show::All => true,
                    Show::Pending => !done,
                    Show::Done => done,
                };
                let chapter = exercise.chapter();
                let matches = [&exercise.name, chapter, roadmap::topic(chapter)]
                    .iter()
                    .any(|text| text.to_lowercase().contains(&query));
                shown && matches
            })
            .collect()
    }

    /// What the list narrows by, for the screen.
    pub fn list_filter(&self) -> &ListFilter {
        &self.list
    }

    pub(super) fn open_list(&mut self) {
        self.list.typing = false;
        self.list.confirming_reset = false;
        self.view = View::List {
            selected: self.progress.current,
        };
    }

    pub(super) fn on_list_key(&mut self, selected: usize, code: KeyCode) {
        if std::mem::take(&mut self.list.confirming_reset) {
            return self.confirm_reset(selected, code);
        }
        if self.list.typing {
            match code {
                KeyCode::Char(c) => self.list.query.push(c),
                KeyCode::Backspace => drop(self.list.query.pop()),
                KeyCode::Esc => {
                    self.list.query.clear();
                    self.list.typing = false;
                }
                KeyCode::Enter => self.list.typing = false,
                _ => {}
            }
            return self.select_shown(selected);
        }
        self.notice.message = None;
        match code {
            KeyCode::Char('/') => self.list.typing = true,
            KeyCode::Char('f') => {
                self.list.show = self.list.show.next();
                self.select_shown(selected);
            }
            KeyCode::Char('x') if self.list_rows().contains(&selected) => {
                self.list.confirming_reset = true;
            }
            KeyCode::Enter if self.list_rows().contains(&selected) => self.go_to(selected),
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('l') => self.close_list(),
            code => self.move_in_list(selected, code),
        }
    }

    /// ↑/↓, j/k, g/G: to another row shown.
    fn move_in_list(&mut self, selected: usize, code: KeyCode) {
        let rows = self.list_rows();
        let Some(&last) = rows.last() else {
            return;
        };
        let at = rows.iter().position(|&i| i == selected).unwrap_or(0);
        let selected = match code {
            KeyCode::Up | KeyCode::Char('k') => rows[at.saturating_sub(1)],
            KeyCode::Down | KeyCode::Char('j') => rows[(at + 1).min(rows.len() - 1)],
            KeyCode::Home | KeyCode::Char('g') => rows[0],
            KeyCode::End | KeyCode::Char('G') => last,
            _ => selected,
        };
        self.view = View::List { selected };
    }

    /// Keeps `selected` if it is still shown, else selects the first row shown.
    fn select_shown(&mut self, selected: usize) {
        let rows = self.list_rows();
        let selected = if rows.contains(&selected) || rows.is_empty() {
            selected
        } else {
            rows[0]
        };
        self.view = View::List { selected };
    }

    /// `y` after `x` in the list: exercise `selected` is reset (see [`Self::reset`]).
    fn confirm_reset(&mut self, selected: usize, code: KeyCode) {
        if code == KeyCode::Char('y') {
            self.reset(selected);
        } else {
            self.notice.message = Some("Reset cancelled.".to_string());
        }
    }

    fn close_list(&mut self) {
        let all_done = self.progress.done_count() == self.course.exercises.len();
        self.view = if all_done && self.last.is_none() {
            View::Final
        } else {
            View::Main
        };
    }
}
