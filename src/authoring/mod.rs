//! What course authors use: new course files ([`scaffold`], from the files in `src/authoring/templates/`),
//! edits to `info.toml` and the manifest ([`edits`]), the compile [`budget`] of a solution, and
//! bundled solutions that [stand in](stand_ins) for ones a course does not show yet.
//!
//! Uses every layer below commands.

pub mod budget;
pub mod edits;
pub mod scaffold;
pub mod stand_ins;
