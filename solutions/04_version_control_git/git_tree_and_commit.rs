//! # Git: trees, commits and Conventional Commits messages
//!
//! Roadmap step: **Version Control Systems / Git** (<https://roadmap.sh/backend>): a *tree*
//! lists a directory (mode, name, id of each entry); a *commit* names a root tree, its
//! parents, who and why. Hashed like blobs, they get the ids `git` computes. Your job:
//!
//! 1. `git_order`: compare entry names as bytes, but a directory as if its name ended in
//!    `/`. So the file `src.txt` comes before the directory `src` (`.` < `/`).
//! 2. `tree_bytes`: the entries in that order, each `<mode> SP <name> NUL <20 raw id bytes>`.
//! 3. `commit_bytes`: a `tree` line, one `parent` line per parent, `author`, `committer`,
//!    a blank line, then the message, ending with a newline (as `git commit` stores it).
//! 4. `parse_header`: check the Conventional Commits header `type(scope)!: subject`, in
//!    this order: the first line has at most 72 characters; a body follows a blank line;
//!    `": "` is present; a scope is a non-empty word without spaces or parentheses; the
//!    type is one of `TYPES`; the subject is not empty and does not start with a space.
//!
//! Standards:
//! - <https://git-scm.com/book/en/v2/Git-Internals-Git-Objects> (tree and commit objects)
//! - <https://www.conventionalcommits.org/en/v1.0.0/#specification>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use sha1::{Digest, Sha1};
use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectId(pub [u8; 20]);

impl ObjectId {
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// What you wrote in `git_blob_hash`: SHA-1 over `<kind> SP <len> NUL <content>`.
pub fn hash_object(kind: &str, content: &[u8]) -> ObjectId {
    let header = format!("{kind} {}\0", content.len());
    let digest = Sha1::new()
        .chain_update(header)
        .chain_update(content)
        .finalize();
    ObjectId(digest.into())
}

/// A tree writes a file's mode as `100644` and a directory's as `40000` (no leading zero).
/// Git also has `100755` (executable), `120000` (symlink) and `160000` (submodule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    File,
    Dir,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub mode: Mode,
    pub name: String,
    pub id: ObjectId,
}

impl Entry {
    pub fn new(mode: Mode, name: &str, id: ObjectId) -> Entry {
        let name = name.to_string();
        Entry { mode, name, id }
    }
}

pub fn git_order(a: &Entry, b: &Entry) -> Ordering {
    // Compare the byte strings `name` (file) or `name/` (directory) without allocating.
    fn key(e: &Entry) -> impl Iterator<Item = u8> + '_ {
        e.name.bytes().chain((e.mode == Mode::Dir).then_some(b'/'))
    }
    key(a).cmp(key(b))
}

pub fn tree_bytes(entries: &[Entry]) -> Vec<u8> {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|a, b| git_order(a, b));
    let mut out = Vec::new();
    for e in sorted {
        let mode = match e.mode {
            Mode::File => "100644",
            Mode::Dir => "40000",
        };
        out.extend_from_slice(format!("{mode} {}\0", e.name).as_bytes());
        out.extend_from_slice(&e.id.0); // raw bytes, not hex
    }
    out
}

/// `author` and `committer` look like `Name <email> <unix seconds> <+hhmm>`.
pub fn commit_bytes(
    tree: ObjectId,
    parents: &[ObjectId],
    author: &str,
    committer: &str,
    message: &str,
) -> Vec<u8> {
    let mut s = format!("tree {}\n", tree.to_hex());
    for p in parents {
        s += &format!("parent {}\n", p.to_hex());
    }
    s += &format!("author {author}\ncommitter {committer}\n\n{message}");
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s.into_bytes()
}

/// The types this team accepts (those of commitlint's `config-conventional`).
pub const TYPES: [&str; 11] = [
    "build", "chore", "ci", "docs", "feat", "fix", "perf", "refactor", "revert", "style", "test",
];

#[derive(Debug, PartialEq, Eq)]
pub struct Header<'a> {
    pub kind: &'a str,
    pub scope: Option<&'a str>,
    pub breaking: bool,
    pub subject: &'a str,
}

#[derive(Debug, PartialEq, Eq)]
pub enum MessageError {
    TooLong,
    NoBlankLine,
    NoSeparator,
    BadScope,
    UnknownType,
    BadSubject,
}

pub fn parse_header(message: &str) -> Result<Header<'_>, MessageError> {
    use MessageError::*;
    let (header, rest) = message.split_once('\n').unwrap_or((message, ""));
    // 72 characters, not bytes: `len()` would count 'é' twice.
    if header.chars().count() > 72 {
        return Err(TooLong);
    }
    if !rest.is_empty() && !rest.starts_with('\n') {
        return Err(NoBlankLine);
    }
    let (prefix, subject) = header.split_once(": ").ok_or(NoSeparator)?;
    let breaking = prefix.ends_with('!');
    let prefix = prefix.strip_suffix('!').unwrap_or(prefix);
    let (kind, scope) = match prefix.split_once('(') {
        None => (prefix, None),
        Some((kind, scope)) => {
            let scope = scope.strip_suffix(')').ok_or(BadScope)?;
            let bad = |c: char| c.is_whitespace() || c == '(' || c == ')';
            if scope.is_empty() || scope.contains(bad) {
                return Err(BadScope);
            }
            (kind, Some(scope))
        }
    };
    if !TYPES.contains(&kind) {
        return Err(UnknownType);
    }
    if subject.is_empty() || subject.starts_with(char::is_whitespace) {
        return Err(BadSubject);
    }
    Ok(Header {
        kind,
        scope,
        breaking,
        subject,
    })
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    const ADA: &str = "Ada Lovelace <ada@example.com> 1700000000 +0000";
    const GRACE: &str = "Grace Hopper <grace@example.com> 1700007200 -0500";

    fn file(name: &str, content: &str) -> Entry {
        Entry::new(Mode::File, name, hash_object("blob", content.as_bytes()))
    }

    fn dir(name: &str, entries: &[Entry]) -> Entry {
        Entry::new(Mode::Dir, name, tree(entries))
    }

    fn tree(entries: &[Entry]) -> ObjectId {
        hash_object("tree", &tree_bytes(entries))
    }

    #[test]
    fn trees_match_git() {
        let hello = file("hello.txt", "hello world\n");
        let mut want = b"100644 hello.txt\0".to_vec();
        want.extend_from_slice(&hello.id.0); // 20 raw bytes, not 40 hex digits
        let one = std::slice::from_ref(&hello);
        let got = tree_bytes(one).escape_ascii().to_string();
        assert_eq!(got, want.escape_ascii().to_string());
        let id = tree(one).to_hex();
        assert_eq!(id, "68aba62e560c0ebc3396e8ae9335232cd93a3f60");
        let src = dir("src", &[file("main.rs", "fn main() {}\n")]);
        assert_eq!(src.id.to_hex(), "5d90422423db5ef6b431e8b9e60e0baf04b8742a");
        // Plain name order puts "src" before "src.txt"; Git compares "src/" with "src.txt".
        let mut entries = vec![hello, src, file("src.txt", "x\n")];
        for _ in 0..3 {
            let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
            let id = tree(&entries).to_hex();
            let want = "8c7d462ca511bb4e9d8f5e1639e7c59baa99a3f4";
            assert_eq!(id, want, "entries given as {names:?}");
            entries.rotate_left(1); // the input order must not matter
        }
    }

    #[test]
    fn git_order_table() {
        use Ordering::*;
        let d = |name: &str| dir(name, &[]);
        #[rustfmt::skip]
        let cases = [
            (file("src.txt", ""), d("src")), // '.' < '/'
            (file("a-b", ""), d("a")),       // '-' < '/'
            (d("foo"), file("foo0", "")),    // '/' < '0'
            (file("B", ""), file("a", "")),  // bytes: uppercase first
        ];
        for (a, b) in cases {
            assert_eq!(git_order(&a, &b), Less, "{} < {}", a.name, b.name);
            assert_eq!(git_order(&b, &a), Greater, "{} > {}", b.name, a.name);
        }
        assert_eq!(git_order(&d("lib"), &d("lib")), Equal);
    }

    #[test]
    fn commits_match_git() {
        let root = tree(&[file("hello.txt", "hello world\n")]);
        let msg = "feat(api): add users endpoint";
        let hex = root.to_hex();
        let want = format!("tree {hex}\nauthor {ADA}\ncommitter {ADA}\n\n{msg}\n");
        // A message that already ends with a newline does not get a second one.
        for m in [msg.to_string(), format!("{msg}\n")] {
            let got = commit_bytes(root, &[], ADA, ADA, &m);
            assert_eq!(String::from_utf8_lossy(&got), want, "message {m:?}");
        }
        let first = hash_object("commit", &commit_bytes(root, &[], ADA, ADA, msg));
        assert_eq!(first.to_hex(), "506071a629f78b6c6302c937082f2423cdb83770");
        // Grace's root commit 2eb3b9bc…, then a merge: one `parent` line per parent, in order.
        let init = commit_bytes(tree(&[]), &[], GRACE, GRACE, "chore: init");
        let init = hash_object("commit", &init);
        let msg = "chore: merge branch 'init'\n\nKeep both histories.";
        let merge = commit_bytes(root, &[first, init], ADA, GRACE, msg);
        let id = hash_object("commit", &merge).to_hex();
        assert_eq!(id, "354f606ef76cc96bf08ab351fae642a4ce3c0b72");
    }

    #[test]
    fn valid_headers() {
        let long = format!("fix: {}", "\u{e9}".repeat(67)); // 72 chars, but 139 bytes
        #[rustfmt::skip]
        let cases = [
            ("feat(api): add users endpoint", ("feat", Some("api"), false, "add users endpoint")),
            ("feat(api)!: drop v1\n\nUse /v2/users.\n", ("feat", Some("api"), true, "drop v1")),
            ("docs!: rename: the guide\n", ("docs", None, true, "rename: the guide")),
            (long.as_str(), ("fix", None, false, &long[5..])),
        ];
        for (msg, want) in cases {
            let got = parse_header(msg).map(|h| (h.kind, h.scope, h.breaking, h.subject));
            assert_eq!(got, Ok(want), "{msg:?}");
        }
    }

    #[test]
    fn bad_messages_rejected() {
        use MessageError::*;
        let too_long = format!("feat: {}", "x".repeat(67)); // 73 chars
        #[rustfmt::skip]
        let cases = [
            (too_long.as_str(), TooLong), ("feat: add users\nbody right below", NoBlankLine),
            ("add users endpoint", NoSeparator), ("feat:add users", NoSeparator), ("", NoSeparator),
            ("feat(): add users", BadScope), ("feat(api: add users", BadScope),
            ("feat(user api): add users", BadScope), ("feat(a)(b): add users", BadScope),
            ("Feat: add users", UnknownType), ("feature: add users", UnknownType),
            ("feat : add users", UnknownType), ("!: add users", UnknownType),
            ("feat: ", BadSubject), ("fix(api)!:  two spaces", BadSubject),
        ];
        for (msg, want) in cases {
            assert_eq!(parse_header(msg), Err(want), "{msg:?}");
        }
    }
}
