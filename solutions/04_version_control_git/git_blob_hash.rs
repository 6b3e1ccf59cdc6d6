//! # Git: hashing a blob like `git hash-object`
//!
//! Roadmap step: **Version Control Systems / Git** (<https://roadmap.sh/backend>): what a
//! commit really stores. Git is a content-addressed store: every file version (a *blob*),
//! directory listing (a *tree*) and commit is an object named by the SHA-1 of its bytes.
//!
//! An object is hashed as `<type> SP <length in decimal> NUL <content>`, so the empty file
//! is always `e69de29b…` in every repository in the world. Your job:
//!
//! 1. `header`: the bytes `blob 12\0` for a 12-byte blob (same shape for `tree`/`commit`).
//! 2. `hash_object`: SHA-1 of the header followed by the content (`sha1::Sha1`).
//! 3. `ObjectId::to_hex`: the 40-character lowercase hex name.
//! 4. `ObjectId::loose_path`: where Git stores the object on disk:
//!    `.git/objects/` + the first two hex digits + `/` + the other 38.
//!
//! Standards:
//! - <https://git-scm.com/book/en/v2/Git-Internals-Git-Objects> (Pro Git, "Git Objects")
//! - <https://git-scm.com/docs/git-hash-object>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use sha1::{Digest, Sha1};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Blob,
    Tree,
    Commit,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Blob => "blob",
            Kind::Tree => "tree",
            Kind::Commit => "commit",
        }
    }
}

/// The 20 raw bytes of a SHA-1 object name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectId(pub [u8; 20]);

/// `<type> SP <decimal byte length> NUL`, e.g. `b"blob 12\0"`.
pub fn header(kind: Kind, len: usize) -> Vec<u8> {
    format!("{} {len}\0", kind.name()).into_bytes()
}

/// The id Git gives to an object of this kind with this content.
pub fn hash_object(kind: Kind, content: &[u8]) -> ObjectId {
    // Feed the hasher in two parts instead of building one big buffer.
    let mut hasher = Sha1::new();
    hasher.update(header(kind, content.len()));
    hasher.update(content);
    ObjectId(hasher.finalize().into())
}

impl ObjectId {
    /// 40 lowercase hex digits, two per byte (so byte 0x08 is `08`, not `8`).
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// `<git_dir>/objects/xx/yyyy…`: the first byte names a fan-out directory, so no
    /// single directory has to hold every object of a large repository.
    pub fn loose_path(&self, git_dir: &Path) -> PathBuf {
        let hex = self.to_hex();
        let (dir, file) = hex.split_at(2);
        git_dir.join("objects").join(dir).join(file)
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob_hex(content: &[u8]) -> String {
        hash_object(Kind::Blob, content).to_hex()
    }

    #[test]
    fn header_is_type_space_decimal_length_nul() {
        #[rustfmt::skip]
        let cases: [(Kind, usize, &[u8]); 4] = [
            (Kind::Blob, 12, b"blob 12\0"), (Kind::Blob, 0, b"blob 0\0"),
            (Kind::Tree, 1000, b"tree 1000\0"), (Kind::Commit, 7, b"commit 7\0"),
        ];
        for (kind, len, want) in cases {
            let got = header(kind, len);
            let shown = String::from_utf8_lossy(&got);
            assert_eq!(got, want, "header({kind:?}, {len}) gave {shown:?}");
        }
    }

    #[test]
    fn known_blob_ids_from_git_hash_object() {
        #[rustfmt::skip]
        let cases: [(&[u8], &str); 5] = [
            (b"", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"),
            (b"hello world\n", "3b18e512dba79e4c8300dd08aeb37f8e728b8dad"),
            (b"hello world", "95d09f2b10159347eece71399a7e2e907ea3df4f"),
            // The length counts bytes, not characters: 'é' and 'ö' are 2 bytes each.
            ("h\u{e9}llo w\u{f6}rld\n".as_bytes(), "9d4a8bab579c9317dc648e018736aec79914b21a"),
            // Blobs are bytes, not text: NUL and 0xFF are fine.
            (b"\x00\x01\xff\x00", "fe426b5ffbf8d6c0819291d9a4f3ee14f9eb486e"),
        ];
        for (content, id) in cases {
            assert_eq!(
                blob_hex(content),
                id,
                "{:?}",
                String::from_utf8_lossy(content)
            );
        }
        let big = vec![b'x'; 1000];
        assert_eq!(blob_hex(&big), "14c7dfdd4258dec5c0e9d2e919bd249bd674be1f");
    }

    #[test]
    fn the_type_is_part_of_the_hash() {
        // The same (empty) content as a tree: the well-known empty tree id.
        let empty_tree = hash_object(Kind::Tree, b"").to_hex();
        assert_eq!(empty_tree, "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
        let commit = hash_object(Kind::Commit, b"hello world\n").to_hex();
        assert_eq!(commit, "5c0b41fcf14d33ffebf132e683c8a8394f965184");
    }

    #[test]
    fn hex_is_lowercase_and_two_digits_per_byte() {
        let mut raw = [0u8; 20];
        raw[..5].copy_from_slice(&[0x00, 0x08, 0xab, 0xf0, 0xff]);
        let hex = ObjectId(raw).to_hex();
        assert_eq!(hex, format!("0008abf0ff{}", "0".repeat(30)), "{raw:?}");
        assert_eq!(hex.len(), 40);
    }

    #[test]
    fn loose_object_path() {
        let id = hash_object(Kind::Blob, b"hello world\n");
        assert_eq!(
            id.loose_path(Path::new(".git")),
            Path::new(".git/objects/3b/18e512dba79e4c8300dd08aeb37f8e728b8dad")
        );
        let empty = hash_object(Kind::Blob, b"");
        assert_eq!(
            empty.loose_path(Path::new("/srv/repo.git")),
            Path::new("/srv/repo.git/objects/e6/9de29bb2d1d6434b8b29ae775ad8c2e48c5391")
        );
    }
}
