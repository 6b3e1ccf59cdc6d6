//! `backlings hint [NAME | FILE] [--more]`: the hint of an exercise and the standards it follows.

use crate::course::exercise::HintDepth;
use crate::error::Result;

use crate::report::hint;

pub fn run(name: Option<String>, depth: HintDepth) -> Result<i32> {
    let (course, _) = crate::course::load_here()?;
    let (index, again) = match name {
        Some(name) => {
            let index = course.resolve(&name, &crate::course::here()?)?;
            let again = format!(
                "Still stuck? `backlings hint {} --more` shows the recipe.",
                course.exercises[index].name
            );
            (index, again)
        }
        None => (
            crate::progress::load(&course)?.current,
            "Still stuck? `backlings hint --more` shows the recipe.".to_string(),
        ),
    };
    println!("{}", hint::text(&course.exercises[index], depth, &again));
    Ok(0)
}
