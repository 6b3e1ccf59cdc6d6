//! # Hashing and MACs: SHA-256, HMAC-SHA256 and constant-time comparison
//!
//! Roadmap step: **Hashing algorithms** (<https://roadmap.sh/backend>): what a hash is
//! for, what a keyed MAC adds, and how to compare secrets without leaking them.
//!
//! A hash (SHA-256) fingerprints data: anyone can compute it, so it proves nothing about
//! who sent a message. HMAC mixes a secret key in (never `sha256(key ‖ msg)`, which
//! length extension breaks), so only key holders can produce a valid tag. Checking a tag
//! with `==` leaks, through timing, how many leading bytes were right. Your job:
//!
//! 1. `sha256_hex`: the SHA-256 of `data` as lowercase hex (`sha2::Sha256`, `hex`).
//! 2. `hmac_sha256`: the 32-byte HMAC-SHA256 tag of `msg` under `key` (`hmac::Hmac`).
//! 3. `hmac_sha256_verify`: recompute and check a received tag with `Mac::verify_slice`.
//! 4. `ct_eq`: compare two byte strings position by position with no early exit: read
//!    every byte, decide at the end. Only the length may end the comparison early
//!    (lengths are not secret). Folding all the bytes into one number (a sum, an XOR)
//!    is not a comparison: it finds `ab` equal to `ba`.
//! 5. `ct_eq_subtle`: the same with `subtle::ConstantTimeEq`, what production code uses.
//!
//! Why none of these store passwords: MD5 and SHA-1 are broken (collisions), and every
//! plain hash, SHA-256 included, is built to be *fast*. A GPU tries billions of SHA-256
//! guesses per second, and an unsalted hash is the same for every user with the same
//! password (one precomputed table cracks them all). Passwords need a slow, salted,
//! memory-hard function: Argon2id (`password_argon2id_hash`).
//!
//! Standards:
//! - <https://csrc.nist.gov/pubs/fips/180-4/upd1/final> (FIPS 180-4, SHA-256)
//! - <https://www.rfc-editor.org/rfc/rfc2104#section-2> (HMAC)
//! - <https://www.rfc-editor.org/rfc/rfc4231#section-4> (HMAC-SHA256 test vectors)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Lowercase hex, two digits per byte.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Read access one byte at a time. `[u8]` implements it; the tests implement it on a
/// wrapper that counts the reads, to check that `ct_eq` never stops early.
pub trait Bytes {
    fn size(&self) -> usize;
    fn byte(&self, i: usize) -> u8;
}

impl Bytes for [u8] {
    fn size(&self) -> usize {
        self.len()
    }
    fn byte(&self, i: usize) -> u8 {
        self[i]
    }
}

pub fn sha256_hex(data: &[u8]) -> String {
    // TODO: `Sha256::digest` (from the `Digest` trait), then `hex`.
    todo!()
}

pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    // TODO: `HmacSha256::new_from_slice` (needs `KeyInit`), `update`, then `finalize`.
    // `into_bytes()` gives the 32 bytes; `.into()` turns them into an array.
    todo!()
}

pub fn hmac_sha256_verify(key: &[u8], msg: &[u8], tag: &[u8]) -> bool {
    // TODO: recompute the MAC and let `Mac::verify_slice` compare it with `tag`.
    // Never `==` on tags, and never accept a shorter tag.
    todo!()
}

pub fn ct_eq<A: Bytes + ?Sized, B: Bytes + ?Sized>(a: &A, b: &B) -> bool {
    // TODO: different sizes are simply unequal. Otherwise look at every pair of bytes
    // (`a.byte(i)`, `b.byte(i)`) without returning or breaking early, and only decide
    // at the end.
    todo!()
}

pub fn ct_eq_subtle(a: &[u8], b: &[u8]) -> bool {
    // TODO: `subtle::ConstantTimeEq` on slices returns a `Choice`, which converts to bool.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn sha256_fips_180_4_examples() {
        #[rustfmt::skip]
        let cases: [(&str, &str); 3] = [
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ];
        for (input, want) in cases {
            assert_eq!(sha256_hex(input.as_bytes()), want, "{input:?}");
        }
    }

    #[test]
    fn hmac_sha256_rfc4231_test_cases() {
        #[rustfmt::skip]
        let cases: [(&[u8], &str, &str); 3] = [
            // Test Case 1, 2 (the "Jefe" case) and 6 (a key longer than the block).
            (&[0x0b; 20], "Hi There",
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (b"Jefe", "what do ya want for nothing?",
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            (&[0xaa; 131], "Test Using Larger Than Block-Size Key - Hash Key First",
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ];
        for (key, msg, want) in cases {
            let tag = hmac_sha256(key, msg.as_bytes());
            assert_eq!(hex(&tag), want, "{msg:?}");
            assert!(hmac_sha256_verify(key, msg.as_bytes(), &tag), "{msg:?}");
        }
    }

    #[test]
    fn hmac_verify_rejects_forged_and_truncated_tags() {
        let msg = b"what do ya want for nothing?";
        let verify = |key: &[u8], msg: &[u8], tag: &[u8]| hmac_sha256_verify(key, msg, tag);
        let tag = hmac_sha256(b"Jefe", msg);
        for i in [0, 15, 31] {
            let mut forged = tag;
            forged[i] ^= 0x01;
            assert!(!verify(b"Jefe", msg, &forged), "bit flip in byte {i}");
        }
        assert!(!verify(b"jefe", msg, &tag), "other key");
        assert!(!verify(b"Jefe", b"what do ya want for nothing!", &tag));
        for len in [0, 1, 16, 31] {
            assert!(!verify(b"Jefe", msg, &tag[..len]), "tag cut to {len}");
        }
        let longer = [&tag[..], &[0]].concat();
        assert!(!verify(b"Jefe", msg, &longer), "tag with an extra byte");
        // Not sha256(key ‖ msg): that construction is open to length extension.
        assert_ne!(hex(&tag), sha256_hex(b"Jefewhat do ya want for nothing?"));
    }

    #[test]
    fn ct_eq_truth_table_both_variants() {
        #[rustfmt::skip]
        let cases: [(&[u8], &[u8], bool); 9] = [
            (b"", b"", true), (b"a", b"a", true), (b"secret", b"secret", true),
            (b"secret", b"secreT", false), (b"secret", b"Secret", false),
            (b"abc", b"abcd", false), (b"abcd", b"abc", false), // a prefix is not equal
            (b"", b"x", false), (&[0x80], &[0x00], false), // high bit counts
        ];
        for (a, b, want) in cases {
            assert_eq!(ct_eq(a, b), want, "ct_eq({a:?}, {b:?})");
            assert_eq!(ct_eq_subtle(a, b), want, "ct_eq_subtle({a:?}, {b:?})");
        }
    }

    #[test]
    fn ct_eq_compares_position_by_position() {
        // Each pair has the same bytes in another order, or the same sum, or XORs that
        // cancel out: a compare that folds all bytes into one number says "equal".
        #[rustfmt::skip]
        let cases: [(&[u8], &[u8], &str); 6] = [
            (b"ab", b"ba", "the same bytes, swapped"),
            (b"secret", b"terces", "the same bytes, reversed"),
            (b"ad", b"bc", "the same byte sum"),
            (&[1, 1], &[0, 0], "differences that XOR to zero"),
            (&[0x80, 0x80], &[0, 0], "differences that add up to 256"),
            (&[0xff, 0x01], &[0x00, 0x00], "differences that add up to 256"),
        ];
        for (a, b, why) in cases {
            assert!(!ct_eq(a, b), "ct_eq({a:?}, {b:?}): {why}");
            assert!(!ct_eq(b, a), "ct_eq({b:?}, {a:?}): {why}");
            assert!(!ct_eq_subtle(a, b), "ct_eq_subtle({a:?}, {b:?}): {why}");
        }
    }

    /// A byte string that counts how often it was read.
    struct Counted<'a>(&'a [u8], Cell<usize>);

    impl Bytes for Counted<'_> {
        fn size(&self) -> usize {
            self.0.len()
        }
        fn byte(&self, i: usize) -> u8 {
            self.1.set(self.1.get() + 1);
            self.0[i]
        }
    }

    #[test]
    fn ct_eq_reads_every_byte_even_after_a_mismatch() {
        let stored = b"0123456789abcdef0123456789abcdef";
        // A guess wrong in its first, a middle or its last byte, and the right one: the
        // time taken (here, the reads) must not say how many leading bytes were right.
        for at in [Some(0), Some(16), Some(31), None] {
            let mut guess = *stored;
            if let Some(i) = at {
                guess[i] = b'X';
            }
            let (a, b) = (Counted(stored, Cell::new(0)), Counted(&guess, Cell::new(0)));
            let name = String::from_utf8_lossy(&guess);
            assert_eq!(ct_eq(&a, &b), at.is_none(), "{name:?}");
            assert_eq!((a.1.get(), b.1.get()), (32, 32), "reads for {name:?}");
        }
    }
}
