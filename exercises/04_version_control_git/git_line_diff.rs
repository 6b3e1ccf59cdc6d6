//! # Git: a line diff and unified hunks
//!
//! Roadmap step: **Version Control Systems / Git** (<https://roadmap.sh/backend>): what
//! `git diff` and code review show you. A diff keeps the longest common subsequence (LCS)
//! of lines and marks the rest as deleted (`-`) or inserted (`+`). Your job:
//!
//! 1. `diff`: fill the LCS table, `lcs[i][j]` = length of the LCS of `a[i..]` and `b[j..]`,
//!    then walk it from `(0, 0)`: equal lines are kept; otherwise delete from `a` when that
//!    loses nothing (`lcs[i + 1][j] >= lcs[i][j + 1]`), else insert from `b`. So every
//!    change lists its `-` lines before its `+` lines, like GNU diff.
//! 2. `unified`: group the changes into hunks with `context` unchanged lines around them
//!    (changes with at most `2 * context` unchanged lines between them share a hunk),
//!    each headed by `@@ -<old range> +<new range> @@` (`range` writes the numbers).
//!
//! Lines are split after each '\n' and keep it (`lines`), so a last line without a newline
//! differs from the same text with one; `push_line` adds `\ No newline at end of file`.
//!
//! Standards:
//! - <https://www.gnu.org/software/diffutils/manual/html_node/Detailed-Unified.html>
//! - <https://www.gnu.org/software/diffutils/manual/html_node/Incomplete-Lines.html>
//! - <https://en.wikipedia.org/wiki/Longest_common_subsequence> (the dynamic-programming table)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Keep,
    Delete,
    Insert,
}

/// The lines of `text`, each with its '\n' (the last one may have none).
pub fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Rebuilds the new text from the old one; `None` if the ops do not fit `a`.
pub fn apply(ops: &[(Op, &str)], a: &str) -> Option<String> {
    let mut old = lines(a).into_iter();
    let mut out = String::new();
    for &(op, line) in ops {
        if op != Op::Insert && old.next() != Some(line) {
            return None;
        }
        if op != Op::Delete {
            out.push_str(line);
        }
    }
    old.next().is_none().then_some(out)
}

/// A hunk range in GNU's style: `start` is the number of lines before the hunk.
/// One line is written `5`, not `5,1`; an empty range names the line before it (`2,0`).
pub fn range(start: usize, count: usize) -> String {
    match count {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{count}", start + 1),
    }
}

/// One hunk line: its sign, the text, and GNU's marker for a missing final newline.
pub fn push_line(out: &mut String, op: Op, line: &str) {
    out.push(match op {
        Op::Keep => ' ',
        Op::Delete => '-',
        Op::Insert => '+',
    });
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

pub fn diff<'a>(a: &'a str, b: &'a str) -> Vec<(Op, &'a str)> {
    // TODO: split both texts with `lines`, fill an (n + 1) x (m + 1) table from the
    // bottom-right corner (row n and column m stay 0), then walk it from (0, 0) as the
    // top of the file says, until both inputs are used up.
    todo!()
}

pub fn unified(a: &str, b: &str, context: usize) -> String {
    // TODO: find the positions of the changes in `diff(a, b)`, group the ones that are
    // close enough, and for each group write the `@@` header (count the old and new
    // lines before the hunk and inside it) and then every line with `push_line`.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use Op::*;

    /// Lines "1\n" to "n\n"; the numbers in `changed` get a '!' ("3!\n").
    fn numbered(n: usize, changed: &[usize]) -> String {
        let bang = |i| if changed.contains(&i) { "!" } else { "" };
        (1..=n).map(|i| format!("{i}{}\n", bang(i))).collect()
    }

    /// The ops of `diff(a, b)` as hunk lines: " a\n-b\n+x\n c\n".
    fn signs(a: &str, b: &str) -> String {
        let mut out = String::new();
        for (op, line) in diff(a, b) {
            push_line(&mut out, op, line);
        }
        out
    }

    #[test]
    fn ops_keep_the_common_lines() {
        assert_eq!(signs("a\nb\nc\n", "a\nx\nc\n"), " a\n-b\n+x\n c\n");
        // Within one change, every '-' comes before the '+'.
        assert_eq!(signs("a\nb\n", "c\nd\n"), "-a\n-b\n+c\n+d\n");
        assert_eq!(signs("a\nb\nc\nd\n", "b\nd\ne\n"), "-a\n b\n-c\n d\n+e\n");
        assert_eq!(signs("", "x\n"), "+x\n");
        assert_eq!(signs("x\n", ""), "-x\n");
        assert_eq!(diff("", ""), []);
        // "b" and "b\n" are different lines.
        assert_eq!(
            diff("a\nb", "a\nb\n"),
            [(Keep, "a\n"), (Delete, "b"), (Insert, "b\n")]
        );
    }

    /// The LCS length by brute force: the longest subsequence of `a` that is also in `b`.
    fn brute_lcs(a: &[&str], b: &[&str]) -> u32 {
        let in_b = |mask: &u32| {
            let mut rest = b.iter();
            (0..a.len()).all(|i| mask >> i & 1 == 0 || rest.any(|y| *y == a[i]))
        };
        (0u32..1 << a.len())
            .filter(in_b)
            .map(u32::count_ones)
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn diff_applies_and_is_minimal_for_300_seeded_cases() {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64; // xorshift64, fixed seed
        let mut next = |bound: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound) as usize
        };
        for case in 0..300 {
            let mut text = || {
                let n = next(9);
                let mut s: String = (0..n)
                    .map(|_| ["a\n", "b\n", "c\n", "d\n"][next(4)])
                    .collect();
                if next(4) == 0 {
                    s.pop(); // sometimes no newline at the end
                }
                s
            };
            let (a, b) = (text(), text());
            let ops = diff(&a, &b);
            let ctx = format!("case {case}: {a:?} -> {b:?} gave {ops:?}");
            assert_eq!(apply(&ops, &a).as_deref(), Some(b.as_str()), "{ctx}");
            let kept = ops.iter().filter(|o| o.0 == Keep).count() as u32;
            assert_eq!(kept, brute_lcs(&lines(&a), &lines(&b)), "{ctx}");
            assert_eq!(unified(&a, &a, 3), "", "{a:?}");
        }
    }

    #[test]
    fn hunks_match_gnu_diff_u() {
        let twenty = numbered(20, &[]);
        #[rustfmt::skip]
        let cases = [
            (numbered(10, &[]), numbered(10, &[5]), "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+5!\n 6\n 7\n 8\n"),
            // 6 unchanged lines between two changes: one hunk.
            (twenty.clone(), numbered(20, &[3, 10]),
             "@@ -1,13 +1,13 @@\n 1\n 2\n-3\n+3!\n 4\n 5\n 6\n 7\n 8\n 9\n-10\n+10!\n 11\n 12\n 13\n"),
            // 7 unchanged lines: two hunks.
            (twenty.clone(), numbered(20, &[3, 11]),
             "@@ -1,6 +1,6 @@\n 1\n 2\n-3\n+3!\n 4\n 5\n 6\n@@ -8,7 +8,7 @@\n 8\n 9\n 10\n-11\n+11!\n 12\n 13\n 14\n"),
            // Context is cut at both ends of the file.
            (twenty.clone(), numbered(20, &[1, 20]),
             "@@ -1,4 +1,4 @@\n-1\n+1!\n 2\n 3\n 4\n@@ -17,4 +17,4 @@\n 17\n 18\n 19\n-20\n+20!\n"),
            ("".into(), "x\ny\n".into(), "@@ -0,0 +1,2 @@\n+x\n+y\n"),
            ("x\n".into(), "".into(), "@@ -1 +0,0 @@\n-x\n"),
            ("".into(), "".into(), ""),
            ("a\nb".into(), "a\nb\n".into(), "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"),
            ("a\nb".into(), "a\nc".into(),
             "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"),
            ("a\nb".into(), "a\nb".into(), ""),
        ];
        for (a, b, want) in cases {
            assert_eq!(unified(&a, &b, 3), want, "{a:?} -> {b:?}");
        }
    }

    #[test]
    fn empty_ranges_name_the_line_before() {
        // As `diff -U0` and `diff -U1` write them: insert after line 2, delete line 2.
        let old = "1\n2\n3\n";
        #[rustfmt::skip]
        let cases = [
            ("1\n2\nnew\n3\n", 0, "@@ -2,0 +3 @@\n+new\n"),
            ("1\n3\n", 0, "@@ -2 +1,0 @@\n-2\n"),
            ("1\n3\n", 1, "@@ -1,3 +1,2 @@\n 1\n-2\n 3\n"),
        ];
        for (new, context, want) in cases {
            let got = unified(old, new, context);
            assert_eq!(got, want, "{old:?} -> {new:?}, context {context}");
        }
    }
}
