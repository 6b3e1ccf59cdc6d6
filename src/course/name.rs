//! What an exercise name may be. A name becomes a file name (`<name>.rs`), two cargo bin
//! names (`<name>`, `<name>_sol`) and the crate name rustc is given, so it may hold only what
//! all of them accept on every system, and nothing else. Within that, names are as rustlings
//! takes them: upper-case letters and a leading digit are fine (`4_PartialEq`).

/// Why `name` cannot be an exercise name, or `None` when it can.
pub fn problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("a name cannot be empty".to_string());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        let why = match c {
            '-' => {
                "cargo turns '-' into '_' in the crate name, so \"a-b\" and \"a_b\" would be one crate"
            }
            '.' | '/' | '\\' => "the name would leave its folder or change the file's extension",
            c if c.is_whitespace() || c.is_control() => "cargo refuses it in a crate name",
            c if !c.is_ascii() => {
                "file systems store non-ASCII names differently (macOS decomposes them)"
            }
            _ => "it cannot be part of a file name everywhere, nor of a crate name",
        };
        return Some(format!("{c:?} is not allowed: {why}"));
    }
    if CARGO_RESERVED.contains(&name) {
        return Some(format!(
            "cargo reserves {name:?} for a folder of its build directory"
        ));
    }
    if is_windows_device(name) {
        return Some(format!("{name:?} is a device name on Windows, not a file"));
    }
    None
}

/// What the names may use, for help texts.
pub const ALLOWED: &str = "letters (a-z, A-Z), digits and _";

/// Bin names cargo refuses: they are folders of its build directory.
const CARGO_RESERVED: [&str; 4] = ["build", "deps", "examples", "incremental"];

/// `con`, `nul`, `com1`… name devices on Windows in any case, so `con.rs` cannot be a file.
fn is_windows_device(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let numbered = |prefix: &str| {
        lower
            .strip_prefix(prefix)
            .is_some_and(|n| matches!(n.as_bytes(), [b'1'..=b'9']))
    };
    matches!(lower.as_str(), "con" | "prn" | "aux" | "nul") || numbered("com") || numbered("lpt")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rustlings_names_with_capitals_and_leading_digits_are_accepted() {
        for good in ["4_PartialEq", "intro1", "Option_map", "_x", "0"] {
            assert_eq!(problem(good), None, "{good}");
        }
    }

    #[test]
    fn names_that_cannot_be_files_or_bins_are_refused_with_the_reason() {
        for (bad, why) in [
            ("", "empty"),
            ("a-b", "one crate"),
            ("a.b", "extension"),
            ("..", "leave its folder"),
            ("a/b", "leave its folder"),
            ("a\\b", "leave its folder"),
            ("a b", "crate name"),
            ("a\u{7}", "crate name"),
            ("caf\u{e9}", "non-ASCII"),
            ("a:b", "file name"),
            ("deps", "build directory"),
            ("CON", "device"),
            ("com1", "device"),
            ("lpt9", "device"),
        ] {
            let problem = problem(bad).unwrap_or_else(|| panic!("{bad:?} accepted"));
            assert!(problem.contains(why), "{bad:?}: {problem}");
        }
        assert_eq!(problem("com"), None);
        assert_eq!(problem("console"), None);
    }
}
