//! The fault suite: what a careful grader tries against a runner, one module per area.
//! Learner code that cheats, crashes, hogs or floods; output that would take over the
//! terminal; files that lie. Deterministic: every test waits on events, never on time.

#[path = "../common/mod.rs"]
mod common;

mod output;
