//! # Testing: kill the mutants
//!
//! Roadmap step: **Testing: unit testing** (<https://roadmap.sh/backend>): coverage says
//! which lines ran, not whether a test would notice them being wrong. Mutation testing
//! does: a tool such as `cargo mutants` makes small changes to the code (a `-` for a `+`,
//! a deleted line) and reruns the tests. A change that no test notices is a "surviving
//! mutant": a bug the test suite would let through.
//!
//! `slugify` below makes the URL slug of a blog post's title. Six mutants of it, each one
//! a bug a real developer could write, are in `mod mutants`.
//!
//! 1. Write `check_slugify`: assertions on what the function it is given returns, e.g.
//!    `assert_eq!(slugify("Hello, World!"), "hello-world");`. The real `slugify` must pass
//!    them all, and each mutant must fail at least one (make it panic).
//! 2. Think in input classes and boundaries: separators (where, how many), case, letters
//!    outside ASCII, a title of exactly `MAX_CHARS` characters and one more.
//! 3. Expected values are literals that you work out from the rules, not calls to the real
//!    `slugify`: a test that asks the code for the answer checks nothing.
//!
//! Standards:
//! - <https://mutants.rs/mutants.html> (the changes cargo-mutants makes) and
//!   <https://mutants.rs/using-results.html> (what a "missed" mutant means)
//! - <https://en.wikipedia.org/wiki/Boundary-value_analysis>
//! - <https://doc.rust-lang.org/std/panic/fn.catch_unwind.html> (how the tests run yours)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

/// A slug has at most this many characters (characters, not bytes).
pub const MAX_CHARS: usize = 32;

/// The code under test. The words of a title are its runs of letters and digits, in any
/// script; everything else separates them. The slug is the words, lowercased and joined
/// by one `-`, cut to `MAX_CHARS` characters, with no `-` left at the end of the cut.
pub fn slugify(title: &str) -> String {
    cut(&words(title).join("-"), MAX_CHARS)
}

fn words(title: &str) -> Vec<String> {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn cut(slug: &str, max_chars: usize) -> String {
    let kept: String = slug.chars().take(max_chars).collect();
    kept.trim_end_matches('-').to_string()
}

/// The survivors of a `cargo mutants` run, each with the change that made it.
pub mod mutants {
    use super::{cut, words, MAX_CHARS};

    /// `MAX_CHARS` → `MAX_CHARS - 1`.
    pub fn cut_one_short(title: &str) -> String {
        cut(&words(title).join("-"), MAX_CHARS - 1)
    }

    /// `cut(…)` → the first `MAX_CHARS` characters, without the `trim_end_matches`.
    pub fn dash_left_at_the_cut(title: &str) -> String {
        words(title).join("-").chars().take(MAX_CHARS).collect()
    }

    /// Splitting into words → one `-` for each character that is not a letter or digit.
    pub fn dash_per_separator(title: &str) -> String {
        let slug: String = title
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        cut(slug.trim_start_matches('-'), MAX_CHARS)
    }

    /// A loop instead of `words`, that puts a `-` before every word after a separator,
    /// the first word too: `if gap` instead of `if gap && !slug.is_empty()`.
    pub fn dash_before_the_first_word(title: &str) -> String {
        let (mut slug, mut gap) = (String::new(), false);
        for c in title.chars() {
            if !c.is_alphanumeric() {
                gap = true;
                continue;
            }
            if gap {
                slug.push('-');
            }
            gap = false;
            slug.extend(c.to_lowercase());
        }
        cut(&slug, MAX_CHARS)
    }

    /// `str::to_lowercase` → `str::to_ascii_lowercase`.
    pub fn ascii_lowercase(title: &str) -> String {
        let words: Vec<String> = title
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        cut(&words.join("-"), MAX_CHARS)
    }

    /// `char::is_alphanumeric` → `char::is_ascii_alphanumeric`.
    pub fn ascii_letters_only(title: &str) -> String {
        let words: Vec<String> = title
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect();
        cut(&words.join("-"), MAX_CHARS)
    }
}

/// Panics when `slugify` breaks a rule of the real one.
pub fn check_slugify(slugify: fn(&str) -> String) {
    // TODO: assertions on what `slugify` returns (the real one passes them, each mutant
    // fails one).
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic;

    /// Whether `check_slugify` panics for `candidate`.
    fn killed(candidate: fn(&str) -> String) -> bool {
        panic::catch_unwind(|| check_slugify(candidate)).is_err()
    }

    #[test]
    fn the_real_slugify_passes_the_checks() {
        check_slugify(slugify);
    }

    /// The same rules written another way: the checks test behaviour, not one function.
    fn slugify_by_hand(title: &str) -> String {
        let mut slug = String::new();
        for c in title.chars() {
            if c.is_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug: String = slug.to_lowercase().chars().take(MAX_CHARS).collect();
        slug.trim_end_matches('-').to_string()
    }

    #[test]
    fn another_correct_slugify_passes_the_checks_too() {
        check_slugify(slugify_by_hand);
    }

    #[test]
    fn kills_the_mutant_that_cuts_one_short() {
        assert!(killed(mutants::cut_one_short), "a title of MAX_CHARS + 1?");
    }

    #[test]
    fn kills_the_mutant_that_leaves_a_dash_at_the_cut() {
        assert!(
            killed(mutants::dash_left_at_the_cut),
            "where must the separator be?"
        );
    }

    #[test]
    fn kills_the_mutant_that_writes_a_dash_per_separator() {
        assert!(
            killed(mutants::dash_per_separator),
            "two separators in a row?"
        );
    }

    #[test]
    fn kills_the_mutant_that_puts_a_dash_before_the_first_word() {
        assert!(
            killed(mutants::dash_before_the_first_word),
            "a title that starts with a separator?"
        );
    }

    #[test]
    fn kills_the_mutant_that_lowercases_ascii_only() {
        assert!(killed(mutants::ascii_lowercase), "an uppercase É?");
    }

    #[test]
    fn kills_the_mutant_that_keeps_ascii_letters_only() {
        assert!(
            killed(mutants::ascii_letters_only),
            "a letter outside ASCII?"
        );
    }
}
