//! Building exercise binaries: cargo for a batch or a first build, the [fast path](fast_path)
//! (rustc replayed) for a save, the [light package](light) while the dependencies build in
//! the [background](dependencies), and what is remembered between builds: which source each
//! binary came from ([`compiled`]) and which files are known not to compile ([`failures`]).
//!
//! Uses the course and the sandbox; knows nothing of verdicts.

pub mod cargo;
pub mod compiled;
pub mod crates;
pub mod dependencies;
pub mod failures;
pub mod fast_path;
pub mod light;
