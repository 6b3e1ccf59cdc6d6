//! Checking: is an exercise (or a solution) done? The [pipeline] builds, runs the binaries
//! under their limits and clippy, reading what libtest reports ([`libtest`]) and each test's
//! result ([`results`]), and ends in an [`Outcome`] with its [`Verdict`].
//!
//! Uses the course, build and sandbox; reports and progress consume its outcomes.

pub mod events;
pub mod libtest;
mod pipeline;
mod request;
pub mod results;
mod run;
pub mod stages;
mod verdict;

pub use events::{Event, EventFn};
pub use pipeline::{check_all, check_one};
pub use request::{Item, Options};
pub use verdict::{Outcome, Verdict};
