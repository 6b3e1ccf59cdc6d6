//! The fault suite: what a careful grader tries against a runner that compiles and runs code
//! it cannot trust, one module per area. Each test reproduces a fault and asserts the
//! behaviour a learner would expect. Deterministic: every wait is on an event (a process
//! ending, a frame drawn), never on a sleep.

#[path = "../common/mod.rs"]
mod common;

mod inputs;
mod progress;
