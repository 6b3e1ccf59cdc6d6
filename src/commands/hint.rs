//! `backlings hint [NAME] [--more]`: the hint of an exercise and the standards it follows.

use console::style;

use super::{load_course, load_state};
use crate::error::Result;
use crate::exercise::{Exercise, HintDepth};
use crate::report;

pub fn run(name: Option<String>, depth: HintDepth) -> Result<i32> {
    let (course, _) = load_course()?;
    let (index, again) = match name {
        Some(name) => {
            let index = course.find(&name)?;
            let again = format!(
                "Still stuck? `backlings hint {} --more` shows the recipe.",
                course.exercises[index].name
            );
            (index, again)
        }
        None => (
            load_state(&course)?.current,
            "Still stuck? `backlings hint --more` shows the recipe.".to_string(),
        ),
    };
    println!("{}", hint_text(&course.exercises[index], depth, &again));
    Ok(0)
}

/// The hint and the spec links, as shown by `hint` and in watch mode; both come from
/// `info.toml`, so they are shown inert. At [`HintDepth::Nudge`] an exercise that has a
/// recipe ends with `again`, which says how to ask for it.
pub fn hint_text(exercise: &Exercise, depth: HintDepth, again: &str) -> String {
    let mut text = format!(
        "{} {}\n",
        style("Hint for").bold(),
        style(&exercise.name).bold()
    );
    if exercise.hint.is_empty() && exercise.recipe.is_empty() {
        text.push_str("This exercise has no hint.\n");
    } else {
        text.push_str(&report::inert(&exercise.hint));
        text.push('\n');
    }
    if !exercise.recipe.is_empty() {
        match depth {
            HintDepth::Nudge => {
                text.push_str(&format!("\n{}\n", style(again).dim()));
            }
            HintDepth::Recipe => {
                text.push_str(&format!("\n{}\n", style("Recipe:").bold()));
                text.push_str(&report::inert(&exercise.recipe));
                text.push('\n');
            }
        }
    }
    if !exercise.spec.is_empty() {
        text.push_str(&format!("\n{}\n", style("Standards:").bold()));
        for link in &exercise.spec {
            text.push_str(&format!("  {}\n", report::inert(link)));
        }
    }
    text
}
