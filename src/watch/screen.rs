//! What watch mode shows: the verdict on the current exercise, the hint, the course's
//! progress, the current file as a clickable path, and the keys. Rendering is a pure function
//! of the app's state, so every change simply redraws.
//!
//! Text that came from elsewhere (the course's messages, errors that quote files, what checks
//! printed) is made inert where it is put on screen (see [`report::inert`]).

use console::style;

use crate::course::Course;
use crate::course::exercise::{HintDepth, Variant};
use crate::progress::State;
use crate::report::hint;
use crate::report::{self, Detail, Place};
use crate::report::{list, roadmap};

use super::app::{Activity, AllProgress, App, BuildShown, Mode, View};
use crate::report::build_progress;

/// The whole screen for the app's current state, `width` × `height` characters. Text is
/// wrapped at spaces to the width, so a narrow terminal splits no word.
pub fn render(app: &App, width: u16, height: u16) -> String {
    let text = match app.view() {
        View::List { selected } => list_view(app, selected, width, height),
        View::Roadmap => format!(
            "{}\nAny key: back",
            roadmap::map(app.course(), app.progress())
        ),
        View::Final => final_view(app.course()),
        View::Main | View::ConfirmReset => main_view(app, width),
    };
    wrap(&text, usize::from(width))
}

fn main_view(app: &App, width: u16) -> String {
    let (course, progress, notice) = (app.course(), app.progress(), app.notice());
    let exercise = &course.exercises[progress.current];
    let mut out = String::new();
    if let (true, Some(welcome)) = (notice.welcome, &course.welcome_message) {
        out.push_str(&report::inert(welcome));
        out.push_str("\n\n");
    }
    out.push_str(&status(app, width));
    if let Some(depth) = notice.hint {
        out.push('\n');
        out.push_str(&hint::text(
            exercise,
            depth,
            "Still stuck? Press h again for the recipe.",
        ));
    }
    if let Some(message) = &notice.message {
        out.push('\n');
        out.push_str(&report::inert(message));
        out.push('\n');
    }
    if let Some(note) = &notice.note {
        out.push('\n');
        out.push_str(&style(report::inert(note)).dim().to_string());
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&progress_bar(
        progress.done_count(),
        course.exercises.len(),
        width,
    ));
    out.push('\n');
    let path = exercise.path();
    out.push_str(&format!(
        "Current exercise: {}\n",
        report::file_link(&path, &course.root.join(&path))
    ));
    if app.view() == View::ConfirmReset {
        out.push_str(&format!(
            "{} ",
            style(format!(
                "Reset {} to the shipped version? Your version is kept as a backup. (y/n)",
                exercise.name
            ))
            .yellow()
            .bold()
        ));
    } else {
        let hint_key = match app.next_hint() {
            Some(HintDepth::Nudge) => "hint",
            Some(HintDepth::Recipe) => "recipe",
            None => "hide hint",
        };
        out.push_str(&keys_line(progress.is_done(&exercise.name), hint_key));
    }
    out
}

/// The check under way, or else the verdict on the current exercise (in manual mode, until
/// there is one, how to get it).
fn status(app: &App, width: u16) -> String {
    let course = app.course();
    let exercise = &course.exercises[app.progress().current];
    match app.activity() {
        Activity::Checking(check) => {
            let mut out = format!("Checking {}…", style(&exercise.name).bold());
            if let Some(build) = &check.build {
                out.push('\n');
                out.push_str(&build_lines(build, width));
            }
            out.push('\n');
            out
        }
        Activity::CheckingAll { progress, .. } => all_progress(course, progress, width),
        Activity::Idle => match app.verdict() {
            Some(outcome) => {
                let detail = if app.notice().full_output {
                    Detail::Full
                } else {
                    Detail::Summary
                };
                report::outcome(
                    exercise,
                    Variant::Exercise,
                    outcome,
                    &course.root,
                    (Place::Watch, detail),
                )
            }
            None if app.mode() == Mode::Manual => {
                format!("Press r to check {}.\n", style(&exercise.name).bold())
            }
            None => String::new(),
        },
    }
}

/// How far the check of every exercise is: a bar of exercises with a verdict, and what it
/// does now (building, with cargo's units, or running, with the last exercise checked).
fn all_progress(course: &Course, progress: &AllProgress, width: u16) -> String {
    let total = course.exercises.len();
    let counts = format!(" {}/{total}", progress.checked);
    let room = usize::from(width)
        .saturating_sub("Checking every exercise: []".len() + counts.len() + 1)
        .clamp(5, 40);
    let mut out = format!(
        "Checking every exercise: [{}]{counts}\n",
        bar(progress.checked, total, room)
    );
    match (progress.building, progress.last) {
        (Some((done, total)), _) => {
            out.push_str(&format!("Building the exercises: {done}/{total} units\n"))
        }
        (None, Some(last)) => out.push_str(&format!(
            "Running the tests; last checked: {}\n",
            style(&course.exercises[last].name).bold()
        )),
        (None, None) => out.push_str("Building the exercises…\n"),
    }
    out
}

/// The keys that work on the main screen; `h` says what it shows next.
fn keys_line(done: bool, hint_key: &str) -> String {
    let key = |k: &str, what: &str| format!("{}:{what}", style(k).bold());
    let mut keys = Vec::new();
    if done {
        keys.push(key("n", "next"));
    }
    keys.extend([
        key("h", hint_key),
        key("e", "edit"),
        key("l", "list"),
        key("m", "map"),
        key("r", "check"),
        key("x", "reset"),
        key("c", "check all"),
        key("q", "quit"),
    ]);
    keys.join("  ")
}

/// What a long build is for, and how far it is: units, time so far, time left.
fn build_lines(build: &BuildShown, width: u16) -> String {
    let what = match &build.waiting_for {
        Some(crates) => format!(
            "Waiting for {}: the course's dependencies are building in the background \
             (once; exercises that need no crate are checked meanwhile).",
            build_progress::crate_list(crates)
        ),
        None => "Building the course's dependencies (once).".to_string(),
    };
    let mut counts = format!(
        " {}/{} units, {} elapsed",
        build.done,
        build.total,
        build_progress::clock(build.elapsed)
    );
    if let Some(left) = build_progress::estimate(build.done, build.total, build.elapsed) {
        counts.push_str(&format!(", about {} left", build_progress::clock(left)));
    }
    let room = usize::from(width)
        .saturating_sub(counts.len() + 3)
        .clamp(5, 40);
    format!(
        "{what}\n[{}]{counts}",
        bar(build.done as usize, build.total as usize, room)
    )
}

/// `=====>      `, `room` columns.
fn bar(done: usize, total: usize, room: usize) -> String {
    let filled = (done * room).checked_div(total).unwrap_or(0).min(room);
    let mut bar = "=".repeat(filled);
    if filled < room {
        bar.push('>');
        bar.push_str(&" ".repeat(room - filled - 1));
    }
    style(bar).green().to_string()
}

/// `Progress: [=====>      ] 3/10`, fitted to the terminal's width.
fn progress_bar(done: usize, total: usize, width: u16) -> String {
    let counts = format!(" {done}/{total}");
    // One column spare: a line that fills the terminal exactly wraps early in some terminals.
    let room = usize::from(width)
        .saturating_sub("Progress: []".len() + counts.len() + 1)
        .clamp(5, 60);
    format!("Progress: [{}]{counts}", bar(done, total, room))
}

/// The exercises the list shows (see [`App::list_rows`]), the selected one highlighted and
/// kept in view; below, the search, a question or a message, and the keys.
fn list_view(app: &App, selected: usize, width: u16, height: u16) -> String {
    let (course, state) = (app.course(), app.progress());
    let table = list::table(course, state, false);
    let fits = table
        .lines()
        .all(|line| console::measure_text_width(line) <= usize::from(width));
    // Too narrow for the chapter column: rows of number, name and status, cut to fit.
    let table = if fits {
        table
    } else {
        narrow_table(course, state, usize::from(width))
    };
    let mut lines = table.lines();
    let header = lines.next().unwrap_or_default();
    let all: Vec<&str> = lines.take(course.exercises.len()).collect();
    let shown = app.list_rows();
    let rows: Vec<(usize, &str)> = shown.iter().map(|&i| (i, all[i])).collect();
    let visible = usize::from(height).saturating_sub(6).max(3);
    let at = shown.iter().position(|&i| i == selected).unwrap_or(0);
    let first = at
        .saturating_sub(visible / 2)
        .min(rows.len().saturating_sub(visible));
    let mut out = format!("{}\n", style(header).bold());
    for &(i, row) in rows.iter().skip(first).take(visible) {
        if i == selected {
            out.push_str(&format!("{}\n", style(row).reverse()));
        } else {
            out.push_str(row);
            out.push('\n');
        }
    }
    if rows.is_empty() {
        out.push_str("(no exercise matches)\n");
    }
    out.push_str(&list_footer(app, selected));
    out
}

/// The list's last lines: the search being typed or applied, the reset question or the
/// last message, and the keys.
fn list_footer(app: &App, selected: usize) -> String {
    let filter = app.list_filter();
    let mut out = String::new();
    if filter.typing || !filter.query.is_empty() {
        let cursor = if filter.typing { "_" } else { "" };
        out.push_str(&format!(
            "Search: {}{cursor}\n",
            report::inert(&filter.query)
        ));
    }
    if filter.confirming_reset {
        let name = &app.course().exercises[selected].name;
        out.push_str(&format!(
            "{}\n",
            style(format!(
                "Reset {name} to the shipped version? Your version is kept as a backup. (y/n)"
            ))
            .yellow()
            .bold()
        ));
    } else if let Some(message) = &app.notice().message {
        out.push_str(&report::inert(message));
        out.push('\n');
    }
    if filter.typing {
        out.push_str("Type to search by name or chapter  Enter: done  Esc: clear");
    } else {
        out.push_str(&format!(
            "↑/↓ or j/k: move  Enter: go to exercise  /: search  f: showing {}  x: reset  \
             Esc or q: back",
            filter.show.word()
        ));
    }
    out
}

fn narrow_table(course: &Course, state: &State, width: usize) -> String {
    let mut out = String::from("    # exercise\n");
    for (i, exercise) in course.exercises.iter().enumerate() {
        let marker = if i == state.current { ">" } else { " " };
        let status = list::status(exercise, state);
        let room = width.saturating_sub(7 + status.len()).max(8);
        let name = console::truncate_str(&exercise.name, room, "…");
        out.push_str(&format!("{marker} {:>3} {name} {status}\n", i + 1));
    }
    out
}

/// `text` with each line broken at spaces so that none is wider than `width` columns
/// (escape sequences take no room). Indentation is kept; a word wider than the whole line
/// is left for the terminal to break.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        if console::measure_text_width(line) <= width {
            out.push_str(line);
            continue;
        }
        let mut used = 0;
        let mut rest = line;
        while !rest.is_empty() {
            // The next word with the spaces before it.
            let start = rest.len() - rest.trim_start_matches(' ').len();
            let end = rest[start..].find(' ').map_or(rest.len(), |i| start + i);
            let (spaces, word) = (&rest[..start], &rest[start..end]);
            if word.is_empty() {
                break; // trailing spaces
            }
            let word_width = console::measure_text_width(word);
            if used > 0 && used + spaces.len() + word_width > width {
                out.push('\n');
                out.push_str(word);
                used = word_width;
            } else {
                out.push_str(spaces);
                out.push_str(word);
                used += spaces.len() + word_width;
            }
            rest = &rest[end..];
        }
    }
    out
}

fn final_view(course: &Course) -> String {
    let message = course.final_message.as_deref().map_or_else(
        || "You finished every exercise of the course. Well done!".to_string(),
        report::inert,
    );
    format!(
        "{}\n\n{message}\n\n{}",
        style("✓ All exercises done!").green().bold(),
        "l:list (to revisit an exercise)  q:quit"
    )
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_breaks_long_lines_at_spaces_and_keeps_short_ones() {
        assert_eq!(wrap("short\nlines stay", 20), "short\nlines stay");
        assert_eq!(
            wrap("h:hint  l:list  r:check  q:quit", 16),
            "h:hint  l:list\nr:check  q:quit"
        );
        assert_eq!(
            wrap("    indented code line", 12),
            "    indented\ncode line"
        );
    }

    #[test]
    fn escape_sequences_take_no_room_and_long_words_are_left_whole() {
        let bold = "\x1b[1mbold\x1b[0m";
        assert_eq!(wrap(&format!("{bold} word"), 9), format!("{bold} word"));
        assert_eq!(
            wrap("a exercises/01_basics/first.rs", 10),
            "a\nexercises/01_basics/first.rs"
        );
    }
}
