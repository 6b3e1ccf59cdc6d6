//! What a check is asked to do: the files ([`Item`]s) and how ([`Options`]: colour, who hears
//! of its events, cancellation, the background dependency build).

use std::sync::Arc;

use super::events::{self, Event, EventFn};
use crate::build::cargo::ProgressFn;
use crate::build::dependencies::Dependencies;
use crate::course::exercise::{Exercise, Variant};
use crate::sandbox::process::Cancel;

/// One file to check.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub exercise: &'a Exercise,
    pub variant: Variant,
    /// Clippy must be clean: the exercise's `strict_clippy`, or always for solutions in
    /// `dev check`.
    pub strict: bool,
}

impl<'a> Item<'a> {
    /// The learner's file, with the exercise's own clippy setting.
    pub fn exercise(exercise: &'a Exercise) -> Self {
        Self {
            exercise,
            variant: Variant::Exercise,
            strict: exercise.strict_clippy,
        }
    }

    pub(super) fn bin(&self) -> String {
        self.exercise.bin_name(self.variant)
    }
}

/// How checks are carried out: colour, who hears of the check's progress, cancellation.
#[derive(Clone)]
pub struct Options {
    pub color: bool,
    /// Receives the check's [events](crate::check::events).
    pub events: Option<EventFn>,
    pub cancel: Cancel,
    /// Run test harnesses with libtest's full output, one `test <name> ... ok` line per
    /// test, for the per-test reports of [`crate::report::formats`]; otherwise `-q`.
    pub per_test: bool,
    /// Keep the rustc command of every bin a batch build compiles (see [`crate::build::fast_path`]):
    /// `dev check`'s compile budget replays them. Otherwise only single checks keep theirs.
    pub keep_recipes: bool,
    /// The dependency build running in the background, if any: items that name a crate wait
    /// for it (showing its progress), items that name none are checked at once.
    pub dependencies: Option<Arc<Dependencies>>,
}

impl Options {
    /// Options for a check in `color` (or not) that nobody follows and nothing cancels.
    pub fn new(color: bool) -> Self {
        Self {
            color,
            events: None,
            cancel: Cancel::default(),
            per_test: false,
            keep_recipes: false,
            dependencies: None,
        }
    }

    pub(super) fn emit(&self, event: Event) {
        if let Some(events) = &self.events {
            events(event);
        }
    }

    /// Where cargo's progress goes: to the events, as [`Event::Building`].
    pub(super) fn progress(&self) -> Option<ProgressFn> {
        self.events.as_ref().map(events::building)
    }
}
