//! The fault suite, like the golden fixtures graders keep: each test plays one way a check can
//! be fooled, or turned against the learner, and asserts that backlings holds. Deterministic:
//! the tests wait on events (files written, processes gone), never on sleeps.

#[path = "../common/mod.rs"]
mod common;

mod sandbox;
mod verdict;
