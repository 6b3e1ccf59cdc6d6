//! `backlings init [DIR]`: writes the bundled course into a new directory, for learners who
//! installed backlings (`cargo install`) instead of cloning its repository.
//!
//! Solutions stay in the binary: each is written to `solutions/` when its exercise is done
//! (see [`crate::bundled::reveal_solution`]).

use std::path::Path;

use crate::bundled;
use crate::error::Result;
use crate::scaffold;

/// The course's root manifest: a workspace around the exercise package in `course/`, with the
/// build settings of this repository's own root manifest (a test keeps them equal).
const WORKSPACE_MANIFEST: &str = r#"# The backlings course. The exercises are the [[bin]] targets of the package in course/;
# backlings builds them in target/backlings/.
[workspace]
members = ["course"]
resolver = "3"

# argon2 at OWASP parameters costs ~0.5 s per hash at opt-level 0 and ~40 ms at opt-level 2;
# this also compiles the bundled SQLite with -O2.
[profile.dev.package."*"]
opt-level = 2
# Each save links the exercise against these: without their debug info it is faster.
debug = false
"#;

const GITIGNORE: &str = "/target/\n/.backlings/\n";

const SOLUTIONS_README: &str = "# Solutions\n\n\
Each exercise's reference solution appears here when you finish the exercise: compare it \
with yours.\n";

/// Writes the course into `dir`, which must be new or empty.
pub fn run(dir: &Path) -> Result<i32> {
    scaffold::create_empty_dir(dir, "backlings init")?;
    let mut exercises = 0;
    for (path, contents) in bundled::FILES {
        if path.starts_with("solutions/") {
            continue;
        }
        exercises += usize::from(path.starts_with("exercises/"));
        scaffold::write(dir, path, contents)?;
    }
    scaffold::write(dir, "Cargo.toml", WORKSPACE_MANIFEST.as_bytes())?;
    scaffold::write(dir, ".gitignore", GITIGNORE.as_bytes())?;
    scaffold::write(dir, "solutions/README.md", SOLUTIONS_README.as_bytes())?;
    println!(
        "Wrote the backlings course ({exercises} exercises) to {}.\n\
         Start learning:\n  cd {}\n  backlings\n\
         The first check builds the course's dependencies once, a few minutes on a small machine.",
        dir.display(),
        dir.display()
    );
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_course_is_built_with_this_repositorys_settings() {
        let ours: toml::Table = include_str!("../../Cargo.toml").parse().unwrap();
        let written: toml::Table = WORKSPACE_MANIFEST.parse().unwrap();
        assert_eq!(written["profile"], ours["profile"]);
        assert_eq!(
            written["workspace"]["members"],
            ours["workspace"]["members"]
        );
    }
}
