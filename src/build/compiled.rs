//! What each built binary was compiled from, by content: the ledger that keeps a verdict about
//! the bytes on disk.
//!
//! Cargo decides freshness by modification times. A file put back with an older time (`mv
//! backup.rs ex.rs`, `cp -p`, `rsync -a`, unpacking an archive) or a course copied together
//! with its `target/` (cargo then watches the original's files) looks unchanged to cargo, and
//! it would hand over the binary of other source code. So every time a binary is built, the
//! SHA-256 of the source it was built from is recorded here; when cargo calls a binary fresh
//! whose recorded hash is not the hash of the file now, the binary is deleted and built again.
//!
//! The ledger lives in the build directory, beside the binaries it vouches for: whoever can
//! write there can already replace the binaries themselves.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::build::Artifact;

/// The SHA-256 of `bytes`, in hex.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The record of which content each binary in a build directory was compiled from.
pub struct Ledger {
    dir: PathBuf,
}

impl Ledger {
    /// The ledger of the build directory `target_dir`.
    pub fn new(target_dir: &Path) -> Self {
        Self {
            dir: target_dir.join("compiled-from"),
        }
    }

    fn path(&self, bin: &str, artifact: Artifact) -> PathBuf {
        self.dir.join(format!("{bin}.{}", artifact.file_kind()))
    }

    /// Whether `bin`'s `artifact` was last built from content with `hash`.
    pub fn vouches_for(&self, bin: &str, artifact: Artifact, hash: &str) -> bool {
        std::fs::read(self.path(bin, artifact)).is_ok_and(|recorded| recorded == hash.as_bytes())
    }

    /// Records that `bin` was just built from content with `hash`. Failing to record costs
    /// one rebuild the next time cargo calls the binary fresh, nothing else.
    pub fn record(&self, bin: &str, artifact: Artifact, hash: &str) {
        if self.vouches_for(bin, artifact, hash) {
            return;
        }
        let _ = std::fs::create_dir_all(&self.dir);
        let _ = std::fs::write(self.path(bin, artifact), hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_sha256() {
        assert_eq!(
            content_hash(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_ledger_vouches_only_for_the_content_last_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::new(dir.path());
        assert!(
            !ledger.vouches_for("x", Artifact::TestHarness, "aa"),
            "nothing recorded yet"
        );
        ledger.record("x", Artifact::TestHarness, "aa");
        assert!(ledger.vouches_for("x", Artifact::TestHarness, "aa"));
        assert!(
            !ledger.vouches_for("x", Artifact::Program, "aa"),
            "the program is another binary"
        );
        ledger.record("x", Artifact::TestHarness, "bb");
        assert!(!ledger.vouches_for("x", Artifact::TestHarness, "aa"));
        assert!(ledger.vouches_for("x", Artifact::TestHarness, "bb"));
    }
}
