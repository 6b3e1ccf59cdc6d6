//! The fault suite, like the golden fixtures graders keep: each test plays one way a check can
//! be fooled, or turned against the learner, one module per area, and asserts the behaviour a
//! learner would expect. Deterministic: every wait is on an event (a file written, a process
//! gone, a frame drawn), never on a sleep.

#[path = "../common/mod.rs"]
mod common;

mod budget;
mod inputs;
mod output;
mod progress;
mod sandbox;
mod verdict;
