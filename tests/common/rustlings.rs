//! A course exactly as rustlings 6.5 writes one: `rustlings dev new`, two exercises (one in a
//! chapter with tests, one flat with `test = false`), then `rustlings dev update` for the bin
//! list. `rustlings dev check` passes on it. backlings must run it unchanged.

use super::TestCourse;

/// The course's files, relative to its directory, byte for byte as rustlings left them.
pub const FILES: &[(&str, &str)] = &[
    (
        "info.toml",
        r#"# The format version is an indicator of the compatibility of community exercises with the
# Rustlings program.
# The format version is not the same as the version of the Rustlings program.
# In case Rustlings makes an unavoidable breaking change to the expected format of community
# exercises, you would need to raise this version and adapt to the new format.
# Otherwise, the newest version of the Rustlings program won't be able to run these exercises.
format_version = 1

# Optional multi-line message to be shown to users when just starting with the exercises.
welcome_message = """Welcome to these community Rustlings exercises."""

# Optional multi-line message to be shown to users after finishing all exercises.
final_message = """We hope that you found the exercises helpful :D"""

[[exercises]]
name = "greet"
dir = "01_greet"
hint = """Hello, not bye."""

[[exercises]]
name = "compile_me"
test = false
hint = """Use `let`."""
"#,
    ),
    (
        "Cargo.toml",
        r#"# Don't edit the `bin` list manually! It is updated by `rustlings dev update`
bin = [
  { name = "greet", path = "exercises/01_greet/greet.rs" },
  { name = "greet_sol", path = "solutions/01_greet/greet.rs" },
  { name = "compile_me", path = "exercises/compile_me.rs" },
  { name = "compile_me_sol", path = "solutions/compile_me.rs" },
]

[package]
name = "exercises"
edition = "2024"
# Don't publish the exercises on crates.io!
publish = false

[dependencies]
"#,
    ),
    (
        ".gitignore",
        r#"Cargo.lock
target/
.vscode/
!.vscode/extensions.json
"#,
    ),
    (
        "rust-analyzer.toml",
        r#"check.command = "clippy"
check.extraArgs = ["--profile", "test"]
cargo.targetDir = true
"#,
    ),
    (
        "exercises/01_greet/greet.rs",
        r#"// Make the test pass: `greet` should say hello to `name`.

fn greet(name: &str) -> String {
    // TODO: Fix the greeting.
    format!("Bye {name}")
}

fn main() {
    // You can optionally experiment here.
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greets_by_name() {
        assert_eq!(greet("Ferris"), "Hello Ferris");
    }
}
"#,
    ),
    (
        "solutions/01_greet/greet.rs",
        r#"// Make the test pass: `greet` should say hello to `name`.

fn greet(name: &str) -> String {
    format!("Hello {name}")
}

fn main() {
    // You can optionally experiment here.
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greets_by_name() {
        assert_eq!(greet("Ferris"), "Hello Ferris");
    }
}
"#,
    ),
    (
        "exercises/compile_me.rs",
        r#"// This exercise has no tests: it is done when it compiles and runs.

fn main() {
    // TODO: Declare `x` so that this compiles.
    println!("x is {x}");
}
"#,
    ),
    (
        "solutions/compile_me.rs",
        r#"fn main() {
    let x = 5;
    println!("x is {x}");
}
"#,
    ),
];

impl TestCourse {
    /// The rustlings course of [`FILES`] in a temporary directory.
    pub fn rustlings() -> Self {
        let course = Self::empty();
        for (path, contents) in FILES {
            course.write(path, contents);
        }
        course
    }
}
