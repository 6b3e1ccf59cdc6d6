//! Watch mode driven as a person drives it: the real binary in a pseudo-terminal, files saved
//! the way editors save them, keys pressed, and the screen read back.

#[path = "../common/mod.rs"]
mod common;

mod checks;
mod dependencies;
mod journey;
mod noticing;
mod saves;
mod screen;
mod terminal;
