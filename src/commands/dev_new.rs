//! `backlings dev new PATH`: a new course of the author's own, ready for `dev add`: the course
//! file with a commented template, the exercise package, a README for learners, a
//! `.gitignore`, and a GitHub Actions workflow that runs `dev check` in shards.

use std::path::Path;

use crate::authoring::scaffold;
use crate::error::Result;

const INFO: &str = include_str!("../authoring/templates/info.toml");
const MANIFEST: &str = include_str!("../authoring/templates/Cargo.toml.tmpl");
const README: &str = include_str!("../authoring/templates/README.md");
const WORKFLOW: &str = include_str!("../authoring/templates/check.yml");
const RUST_ANALYZER: &str = include_str!("../../rust-analyzer.toml");

pub fn run(path: &Path) -> Result<i32> {
    scaffold::refuse_inside_a_course(path, "backlings dev new")?;
    scaffold::create_empty_dir(path, "backlings dev new")?;
    let title = path
        .file_name()
        .map_or("course".to_string(), |n| n.to_string_lossy().into_owned());
    let files = [
        ("info.toml", INFO.to_string()),
        (
            "Cargo.toml",
            MANIFEST.replace("{{package}}", &package_name(&title)),
        ),
        ("README.md", README.replace("{{course}}", &title)),
        (".gitignore", scaffold::GITIGNORE.to_string()),
        ("rust-analyzer.toml", RUST_ANALYZER.to_string()),
        (".github/workflows/check.yml", WORKFLOW.to_string()),
    ];
    for (file, contents) in &files {
        scaffold::write(path, file, contents.as_bytes())?;
    }
    for dir in ["exercises", "solutions"] {
        let dir = path.join(dir);
        std::fs::create_dir(&dir).map_err(|e| crate::error::Error::io("create", &dir, e))?;
    }
    println!(
        "Created the course {title} in {}.\nAdd its first exercise:\n  cd {}\n  backlings dev add NAME --dir 01_CHAPTER\n\
         Then write it, and check the course with `backlings dev check`.",
        path.display(),
        scaffold::shell_word(path)
    );
    Ok(0)
}

/// A cargo package name from the directory's name: lowercase letters, digits, `-` and `_`,
/// starting with a letter.
fn package_name(title: &str) -> String {
    let name: String = title
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_matches('-');
    match name.chars().next() {
        Some(c) if c.is_ascii_lowercase() => name.to_string(),
        Some(_) => format!("course-{name}"),
        None => "course".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_are_valid_for_cargo() {
        assert_eq!(package_name("My Course"), "my-course");
        assert_eq!(package_name("2026_web"), "course-2026_web");
        assert_eq!(package_name("..."), "course");
    }
}
