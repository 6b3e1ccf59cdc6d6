//! What a check's outcome looks like to its reader: a person ([`human`], with a
//! [build progress bar](build_progress)) or CI ([`formats`]: JSON, JUnit, GitHub annotations).
//! Everything shown from a process or a file is made [inert](crate::inert) here.
//!
//! Uses the course, check and progress (the list shows it); never records anything.

pub mod build_progress;
pub mod formats;
pub mod hint;
mod human;
pub mod list;

pub use human::{file_link, inert, init_color, line, outcome};
