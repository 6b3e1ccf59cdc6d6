//! The exercise list: every exercise with its chapter and status, the current one marked;
//! for `backlings list`, grouped by chapter with each chapter's progress.

use console::style;

use super::roadmap;
use crate::course::Course;
use crate::course::exercise::Exercise;
use crate::inert::{self, Colour};
use crate::progress::State;

/// An exercise's status in the list: `done`, `pending`, or for one graded in stages and not
/// done, the next stage to pass: `stage 3 of 6: headers`.
pub fn status(exercise: &Exercise, state: &State) -> String {
    if state.is_done(&exercise.name) {
        return "done".to_string();
    }
    let passed = state.stages_passed(&exercise.name);
    match exercise.stages.get(passed) {
        Some(stage) => format!(
            "stage {} of {}: {}",
            passed + 1,
            exercise.stages.len(),
            inert::text(&stage.title, Colour::Strip)
        ),
        None => "pending".to_string(),
    }
}

/// The table: a plain, aligned one when `fancy` is off (pipes, files, CI).
pub fn table(course: &Course, state: &State, fancy: bool) -> String {
    let chapter_width = course
        .exercises
        .iter()
        .map(|e| e.chapter().len())
        .max()
        .unwrap_or(0)
        .max("chapter".len());
    let name_width = course
        .exercises
        .iter()
        .map(|e| e.name.len())
        .max()
        .unwrap_or(0)
        .max("exercise".len());
    let mut out = format!(
        "  {:>3}  {:chapter_width$}  {:name_width$}  status\n",
        "#", "chapter", "exercise"
    );
    for (i, exercise) in course.exercises.iter().enumerate() {
        let current = i == state.current;
        let done = state.is_done(&exercise.name);
        let marker = if current { ">" } else { " " };
        let status = status(exercise, state);
        let line = format!(
            "{marker} {:>3}  {:chapter_width$}  {:name_width$}  {status}",
            i + 1,
            exercise.chapter(),
            exercise.name
        );
        if fancy {
            let styled = if done {
                style(line).green()
            } else {
                style(line)
            };
            let styled = if current { styled.bold() } else { styled };
            out.push_str(&format!("{styled}\n"));
        } else {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out.push_str(&format!(
        "\n{}/{} done\n",
        state.done_count(),
        course.exercises.len()
    ));
    out
}

/// [`table`] with a line before each chapter's rows: its topic and how many are done.
pub fn grouped(course: &Course, state: &State, fancy: bool) -> String {
    let table = table(course, state, fancy);
    let mut lines = table.lines();
    let mut out = String::new();
    out.push_str(lines.next().unwrap_or_default());
    out.push('\n');
    let rows: Vec<&str> = lines.by_ref().take(course.exercises.len()).collect();
    for chapter in roadmap::chapters(course) {
        let heading = format!(
            "── {} ({}): {}/{} done",
            inert::text(roadmap::topic(chapter.folder), Colour::Strip),
            inert::text(chapter.folder, Colour::Strip),
            chapter.done(course, state),
            chapter.exercises.len()
        );
        let heading = if fancy {
            style(heading).bold().to_string()
        } else {
            heading
        };
        out.push_str(&heading);
        out.push('\n');
        for &i in &chapter.exercises {
            out.push_str(rows[i]);
            out.push('\n');
        }
    }
    for rest in lines {
        out.push_str(rest);
        out.push('\n');
    }
    out
}
