//! `backlings hint [NAME]`: the hint of an exercise and the standards it follows.

use console::style;

use super::{load_course, load_state};
use crate::error::Result;
use crate::report;

pub fn run(name: Option<String>) -> Result<i32> {
    let (course, _) = load_course()?;
    let index = match name {
        Some(name) => course.find(&name)?,
        None => load_state(&course)?.current,
    };
    let exercise = &course.exercises[index];
    println!("{}", hint_text(exercise));
    Ok(0)
}

/// The hint and the spec links, as shown by `hint` and in watch mode; both come from
/// `info.toml`, so they are shown inert.
pub fn hint_text(exercise: &crate::exercise::Exercise) -> String {
    let mut text = format!(
        "{} {}\n",
        style("Hint for").bold(),
        style(&exercise.name).bold()
    );
    if exercise.hint.is_empty() {
        text.push_str("This exercise has no hint.\n");
    } else {
        text.push_str(&report::inert(&exercise.hint));
        text.push('\n');
    }
    if !exercise.spec.is_empty() {
        text.push_str(&format!("\n{}\n", style("Standards:").bold()));
        for link in &exercise.spec {
            text.push_str(&format!("  {}\n", report::inert(link)));
        }
    }
    text
}
