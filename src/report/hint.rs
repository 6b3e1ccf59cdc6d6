//! An exercise's hint and the standards it follows, as `hint` and watch mode show them.

use console::style;

use crate::course::exercise::{Exercise, HintDepth};
use crate::report;

/// The hint and the spec links, as shown by `hint` and in watch mode; both come from
/// `info.toml`, so they are shown inert. At [`HintDepth::Nudge`] an exercise that has a
/// recipe ends with `again`, which says how to ask for it.
pub fn text(exercise: &Exercise, depth: HintDepth, again: &str) -> String {
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
