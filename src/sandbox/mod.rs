//! Running code backlings did not write: every process a check starts (cargo, rustc, test
//! binaries, programs) goes through the [guard](guard) under a course's [limits](limits), in a
//! process group of its own, with bounded output, cancellable, and ended with backlings.
//!
//! Uses only the foundations (`error`, `files`); every layer above may use it.

pub mod guard;
pub mod limits;
pub mod process;
pub mod signals;
