//! The edits `dev add` and `dev update` make to an author's files: a new `info.toml` entry,
//! placed after its chapter's last exercise, and the exercise package's bin list, written from
//! `info.toml`. Both are text edits that keep every comment and everything else as written.

use std::ops::Range;
use std::path::{Component, Path};

use serde::Deserialize;
use toml::Spanned;

use crate::course::Course;
use crate::course::exercise::Variant;
use crate::error::{Error, Result};

/// What `dev add` needs to know about the entries already in `info.toml`.
#[derive(Deserialize)]
struct Entries {
    #[serde(default)]
    exercises: Vec<Spanned<Entry>>,
}

#[derive(Deserialize)]
struct Entry {
    name: String,
    dir: Option<String>,
}

/// The names in an `info.toml` text, or its TOML error with the file's path.
pub fn entry_names(info: &str, path: &Path) -> Result<Vec<String>> {
    Ok(entries(info, path)?
        .into_iter()
        .map(|e| e.into_inner().name)
        .collect())
}

fn entries(info: &str, path: &Path) -> Result<Vec<Spanned<Entry>>> {
    toml::from_str::<Entries>(info)
        .map(|e| e.exercises)
        .map_err(|e| Error::course(format!("{}: {e}", path.display())))
}

/// `info` with `entry` (an `[[exercises]]` table) inserted after the last exercise of chapter
/// `dir`, or at the end when the chapter has none yet.
pub fn with_entry(info: &str, path: &Path, dir: Option<&str>, entry: &str) -> Result<String> {
    let entries = entries(info, path)?;
    let last_in_chapter = entries
        .iter()
        .rposition(|e| e.get_ref().dir.as_deref() == dir);
    let at = match last_in_chapter.and_then(|i| entries.get(i + 1)) {
        Some(next) => start_of_leading_comments(info, next.span().start),
        None => info.len(),
    };
    let (before, after) = info.split_at(at);
    let mut text = before.trim_end().to_string();
    text.push_str("\n\n");
    text.push_str(entry.trim_end());
    text.push('\n');
    if !after.trim().is_empty() {
        text.push('\n');
        text.push_str(after.trim_start_matches('\n'));
    }
    Ok(text)
}

/// The bins `info.toml` calls for, `X` then `X_sol` for each exercise in course order, with
/// paths relative to the directory of the manifest at `manifest` (inside the course).
pub fn expected_bins(course: &Course, manifest: &Path) -> Vec<(String, String)> {
    let package_dir = manifest
        .parent()
        .and_then(|d| d.strip_prefix(&course.root).ok())
        .unwrap_or(Path::new(""));
    let up = "../".repeat(
        package_dir
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .count(),
    );
    let mut bins = Vec::new();
    for exercise in &course.exercises {
        for variant in [Variant::Exercise, Variant::Solution] {
            let file = exercise.variant_path(variant);
            let parts: Vec<_> = file.iter().map(|p| p.to_string_lossy()).collect();
            bins.push((
                exercise.bin_name(variant),
                format!("{up}{}", parts.join("/")),
            ));
        }
    }
    bins
}

/// `manifest` (a Cargo.toml's text) with its bins replaced by `bins`, in the style it already
/// uses: rustlings' `bin = [ … ]` array, or a block of `[[bin]]` tables. `path` is for messages.
pub fn with_bins(manifest: &str, path: &Path, bins: &[(String, String)]) -> Result<String> {
    #[derive(Deserialize)]
    struct Bins {
        bin: Option<Spanned<toml::Value>>,
    }
    let parsed: Bins =
        toml::from_str(manifest).map_err(|e| Error::course(format!("{}: {e}", path.display())))?;
    let headers = table_headers(manifest);
    let Some(bin) = parsed.bin else {
        let at = headers.first().map_or(manifest.len(), |h| h.start);
        let (before, after) = manifest.split_at(at);
        return Ok(format!("{before}bin = {}\n\n{after}", inline_array(bins)));
    };
    let span = bin.span();
    if manifest[..span.start].trim_end().ends_with('=') {
        return Ok(format!(
            "{}{}{}",
            &manifest[..span.start],
            inline_array(bins),
            &manifest[span.end..]
        ));
    }

    let is_bin = |h: &Range<usize>| {
        let line: String = manifest[h.clone()].split_whitespace().collect();
        line.starts_with("[[bin]]")
    };
    let first = headers.iter().position(is_bin).expect("a [[bin]] table");
    let last = headers.iter().rposition(is_bin).expect("a [[bin]] table");
    if let Some(other) = headers[first..=last].iter().find(|h| !is_bin(h)) {
        return Err(Error::course(format!(
            "{}: the [[bin]] tables are not in one block ({} lies between them).\n  \
             Move them together so that `backlings dev update` can rewrite them.",
            path.display(),
            manifest[other.clone()].trim()
        )));
    }
    let end = headers.get(last + 1).map_or(manifest.len(), |next| {
        start_of_leading_comments(manifest, next.start)
    });
    let tables: Vec<String> = bins
        .iter()
        .map(|(name, bin_path)| format!("[[bin]]\nname = {name:?}\npath = {bin_path:?}\n"))
        .collect();
    let mut text = manifest[..headers[first].start].to_string();
    text.push_str(&tables.join("\n"));
    let rest = manifest[end..].trim_start_matches('\n');
    if !rest.is_empty() {
        text.push('\n');
        text.push_str(rest);
    }
    Ok(text)
}

fn inline_array(bins: &[(String, String)]) -> String {
    if bins.is_empty() {
        return "[]".to_string();
    }
    let mut text = String::from("[\n");
    for (name, path) in bins {
        text.push_str(&format!("  {{ name = {name:?}, path = {path:?} }},\n"));
    }
    text.push(']');
    text
}

/// The lines of `toml` that are table headers (`[x]`, `[[x]]`), as byte ranges without their
/// line end. Lines inside multi-line strings are skipped.
fn table_headers(toml: &str) -> Vec<Range<usize>> {
    let mut headers = Vec::new();
    let mut open: Option<&str> = None;
    let mut start = 0;
    for line in toml.split_inclusive('\n') {
        let code = line.trim_end();
        if open.is_none() && code.trim_start().starts_with('[') {
            headers.push(start..start + code.len());
        }
        let code = match open {
            None => code.split_once('#').map_or(code, |(c, _)| c),
            Some(_) => code,
        };
        for quotes in ["\"\"\"", "'''"] {
            if open.is_none_or(|o| o == quotes) && code.matches(quotes).count() % 2 == 1 {
                open = if open.is_some() { None } else { Some(quotes) };
            }
        }
        start += line.len();
    }
    headers
}

/// Where the comments and blank lines just above the line at `line_start` begin: they
/// introduce that line, so an insertion before it goes above them.
fn start_of_leading_comments(text: &str, line_start: usize) -> usize {
    let mut at = line_start;
    while at > 0 {
        let previous = text[..at - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = text[previous..at].trim();
        if !(line.is_empty() || line.starts_with('#')) {
            break;
        }
        at = previous;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFO: &str = "format_version = 1\n\n[[exercises]]\nname = \"a\"\ndir = \"01\"\nhint = \"\"\"\n[not a header]\n\"\"\"\n\n# b comes next\n[[exercises]]\nname = \"b\"\ndir = \"02\"\n";

    fn entry(name: &str) -> String {
        format!("[[exercises]]\nname = \"{name}\"\n")
    }

    fn names(info: &str) -> Vec<String> {
        entry_names(info, Path::new("info.toml")).unwrap()
    }

    #[test]
    fn a_new_entry_goes_after_its_chapters_last_exercise_above_the_next_ones_comment() {
        let info = with_entry(INFO, Path::new("i"), Some("01"), &entry("c")).unwrap();
        assert_eq!(names(&info), ["a", "c", "b"]);
        assert!(
            info.contains("name = \"c\"\n\n# b comes next\n[[exercises]]\nname = \"b\""),
            "{info}"
        );
    }

    #[test]
    fn a_new_chapter_and_an_empty_course_get_the_entry_at_the_end() {
        let info = with_entry(INFO, Path::new("i"), Some("03"), &entry("c")).unwrap();
        assert_eq!(names(&info), ["a", "b", "c"]);
        let info = with_entry(INFO, Path::new("i"), Some("02"), &entry("c")).unwrap();
        assert_eq!(names(&info), ["a", "b", "c"]);
        let empty = "format_version = 1\n# [[exercises]]\n# name = \"x\"\n";
        let info = with_entry(empty, Path::new("i"), None, &entry("c")).unwrap();
        assert_eq!(info, format!("{empty}\n{}", entry("c")));
    }

    #[test]
    fn headers_inside_multi_line_strings_are_not_headers() {
        let headers = table_headers(INFO);
        let texts: Vec<&str> = headers.iter().map(|h| &INFO[h.clone()]).collect();
        assert_eq!(texts, ["[[exercises]]", "[[exercises]]"]);
    }

    fn bins() -> Vec<(String, String)> {
        vec![
            ("x".into(), "exercises/x.rs".into()),
            ("x_sol".into(), "solutions/x.rs".into()),
        ]
    }

    #[test]
    fn a_rustlings_bin_array_is_rewritten_in_place() {
        let manifest = "# keep me\nbin = []\n\n[package]\nname = \"c\"\n";
        let text = with_bins(manifest, Path::new("m"), &bins()).unwrap();
        assert_eq!(
            text,
            "# keep me\nbin = [\n  { name = \"x\", path = \"exercises/x.rs\" },\n  { name = \"x_sol\", path = \"solutions/x.rs\" },\n]\n\n[package]\nname = \"c\"\n"
        );
        assert_eq!(with_bins(&text, Path::new("m"), &[]).unwrap(), manifest);
    }

    #[test]
    fn a_block_of_bin_tables_is_rewritten_and_what_follows_is_kept() {
        let manifest = "[package]\nname = \"c\"\n\n# generated\n[[bin]]\nname = \"old\"\npath = \"o.rs\"\n\n# deps\n[dependencies]\nx = \"1\"\n";
        let text = with_bins(manifest, Path::new("m"), &bins()).unwrap();
        assert_eq!(
            text,
            "[package]\nname = \"c\"\n\n# generated\n[[bin]]\nname = \"x\"\npath = \"exercises/x.rs\"\n\n[[bin]]\nname = \"x_sol\"\npath = \"solutions/x.rs\"\n\n# deps\n[dependencies]\nx = \"1\"\n"
        );
    }

    #[test]
    fn scattered_bin_tables_are_refused_with_what_lies_between() {
        let manifest = "[[bin]]\nname = \"a\"\npath = \"a.rs\"\n[lib]\npath = \"l.rs\"\n[[bin]]\nname = \"b\"\npath = \"b.rs\"\n";
        let err = with_bins(manifest, Path::new("Cargo.toml"), &bins()).unwrap_err();
        assert!(err.report().contains("[lib] lies between them"), "{err}");
    }

    #[test]
    fn the_bundled_course_manifest_is_what_dev_update_writes() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let course = Course::load(root).unwrap();
        let path = root.join("course/Cargo.toml");
        // Through the link a registry package carries it in (a plain file there).
        let carried = crate::course::bundled::carried::source_of("course/Cargo.toml");
        let manifest = std::fs::read_to_string(root.join(carried)).unwrap();
        let bins = expected_bins(&course, &path);
        assert_eq!(bins[1].1, "../solutions/00_intro/intro_status_line.rs");
        assert_eq!(with_bins(&manifest, &path, &bins).unwrap(), manifest);
    }
}
