//! The course as the roadmap it follows: its chapters in order, each with its topic, how many
//! of its exercises are done and a bar, the learner's chapter marked. Plain characters only,
//! so that it reads the same in a pipe without colour; fits 80 columns.

use console::style;

use crate::course::Course;
use crate::inert::{self, Colour};
use crate::progress::State;

/// One chapter: its folder, and its exercises' indices in the course.
pub struct Chapter<'c> {
    pub folder: &'c str,
    pub exercises: Vec<usize>,
}

impl Chapter<'_> {
    /// How many of its exercises are done.
    pub fn done(&self, course: &Course, state: &State) -> usize {
        self.exercises
            .iter()
            .filter(|&&i| state.is_done(&course.exercises[i].name))
            .count()
    }
}

/// The course's chapters, in the order their first exercise comes.
pub fn chapters(course: &Course) -> Vec<Chapter<'_>> {
    let mut chapters: Vec<Chapter> = Vec::new();
    for (i, exercise) in course.exercises.iter().enumerate() {
        let folder = exercise.chapter();
        match chapters.iter_mut().find(|c| c.folder == folder) {
            Some(chapter) => chapter.exercises.push(i),
            None => chapters.push(Chapter {
                folder,
                exercises: vec![i],
            }),
        }
    }
    chapters
}

/// The topic of the bundled course's chapter `folder`; other courses' folders are shown as
/// they are named.
pub fn topic(folder: &str) -> &str {
    let topic = match folder {
        "00_intro" => "Introduction",
        "01_http" => "HTTP",
        "02_urls_encoding" => "URLs and encoding",
        "03_internet_dns" => "The internet and DNS",
        "04_version_control_git" => "Version control with git",
        "05_databases_sql" => "Databases and SQL",
        "06_json_serde" => "JSON with serde",
        "07_rest_api_design" => "REST API design",
        "08_auth_passwords_crypto" => "Auth, passwords and crypto",
        "09_tokens_sessions_oauth" => "Tokens, sessions and OAuth",
        "10_web_security" => "Web security",
        "11_db_advanced" => "Databases, further",
        "12_concurrency_async" => "Concurrency and async",
        "13_caching" => "Caching",
        "14_nosql_kv_search" => "NoSQL, key-value and search",
        "15_scaling_resilience" => "Scaling and resilience",
        "16_messaging_events" => "Messaging and events",
        "17_realtime" => "Real-time: WebSocket, SSE",
        "18_apis_beyond_rest" => "gRPC and GraphQL",
        "19_observability_testing" => "Observability and testing",
        "20_deploy_config" => "Deployment and config",
        "21_capstones" => "Capstones: real servers",
        _ => "",
    };
    if topic.is_empty() { folder } else { topic }
}

/// Columns for a chapter's topic.
const TOPIC_WIDTH: usize = 28;
/// Columns for a chapter's bar.
const BAR_WIDTH: usize = 20;

/// The roadmap: a title line with the whole course's count, then one line per chapter:
/// `> 01 HTTP  [=====     ] 2/4`, `>` marking the learner's chapter, `✓` a finished one.
pub fn map(course: &Course, state: &State) -> String {
    let total = course.exercises.len();
    let mut out = format!(
        "{}  {}/{total} done\n\n",
        style("Roadmap").bold(),
        state.done_count()
    );
    let current = course.exercises.get(state.current).map(|e| e.chapter());
    for (n, chapter) in chapters(course).iter().enumerate() {
        let done = chapter.done(course, state);
        let count = chapter.exercises.len();
        let mark = if Some(chapter.folder) == current {
            ">"
        } else if done == count {
            "✓"
        } else {
            " "
        };
        let topic = inert::text(topic(chapter.folder), Colour::Strip);
        let topic = console::truncate_str(&topic, TOPIC_WIDTH, "…");
        let line = format!(
            "{mark} {n:>2} {topic:<TOPIC_WIDTH$} [{}] {done}/{count}",
            bar(done, count)
        );
        let line = if mark == ">" {
            format!("{}  ← you are here", style(line).bold())
        } else if done == count {
            style(line).green().to_string()
        } else {
            line
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `======      `, [`BAR_WIDTH`] columns.
fn bar(done: usize, total: usize) -> String {
    let filled = (done * BAR_WIDTH)
        .checked_div(total)
        .unwrap_or(0)
        .min(BAR_WIDTH);
    format!("{}{}", "=".repeat(filled), " ".repeat(BAR_WIDTH - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> (tempfile::TempDir, Course) {
        let info = "format_version = 1\n\
                    [[exercises]]\nname = \"a\"\ndir = \"00_intro\"\n\
                    [[exercises]]\nname = \"b\"\ndir = \"01_http\"\n\
                    [[exercises]]\nname = \"c\"\ndir = \"01_http\"\n\
                    [[exercises]]\nname = \"d\"\ndir = \"99_my_own\"\n";
        let dir = tempfile::tempdir().unwrap();
        for file in ["00_intro/a", "01_http/b", "01_http/c", "99_my_own/d"] {
            let path = dir.path().join(format!("exercises/{file}.rs"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let course = Course::parse(dir.path(), std::path::Path::new("info.toml"), info).unwrap();
        (dir, course)
    }

    #[test]
    fn chapters_come_in_course_order_with_their_topics() {
        let (_dir, course) = course();
        let folders: Vec<(&str, usize)> = chapters(&course)
            .iter()
            .map(|c| (topic(c.folder), c.exercises.len()))
            .collect();
        assert_eq!(
            folders,
            [("Introduction", 1), ("HTTP", 2), ("99_my_own", 1)]
        );
    }

    #[test]
    fn the_map_marks_the_current_chapter_and_counts_each_in_80_columns() {
        let (_dir, course) = course();
        let mut state = State::load(&course).unwrap();
        state.set_done("a", true);
        state.set_done("b", true);
        state.current = 2;
        let map = map(&course, &state);
        let lines: Vec<&str> = map.lines().collect();
        assert_eq!(lines[0], "Roadmap  2/4 done");
        assert!(lines[2].starts_with("✓  0 Introduction "), "{map}");
        assert!(
            lines[2].ends_with(&format!("[{}] 1/1", "=".repeat(20))),
            "{map}"
        );
        assert!(lines[3].starts_with(">  1 HTTP "), "{map}");
        assert!(
            lines[3].ends_with("[==========          ] 1/2  ← you are here"),
            "{map}"
        );
        assert!(lines[4].starts_with("   2 99_my_own "), "{map}");
        assert!(
            map.lines().all(|l| console::measure_text_width(l) <= 80),
            "{map}"
        );
    }

    #[test]
    fn every_chapter_of_the_bundled_course_has_a_topic() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/exercises");
        for entry in std::fs::read_dir(dir).unwrap() {
            let folder = entry.unwrap().file_name().into_string().unwrap();
            assert_ne!(topic(&folder), folder, "no topic for {folder}");
        }
    }
}
