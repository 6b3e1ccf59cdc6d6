//! # Encryption at rest: one PII column with ChaCha20-Poly1305
//!
//! Roadmap step: **Encryption** / **Data protection** (<https://roadmap.sh/backend>):
//! encrypting a sensitive column (an email, a phone number) so that a leaked backup or a
//! read-only SQL injection reveals nothing, with key rotation.
//!
//! An AEAD encrypts *and* authenticates: any change to the stored bytes makes decryption
//! fail. The associated data (AAD) `table:row_id` is not stored but must match, so a value
//! copied into another row does not decrypt. A nonce must never repeat under one key, so
//! every encryption draws a fresh one from the `RandomSource`. The column stores
//! `base64(key_id (1 byte) ‖ nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes))`. Your job:
//!
//! 1. `seal` / `open`: ChaCha20-Poly1305 with a `Payload { msg, aad }`.
//! 2. `Keyring::encrypt`: a fresh nonce, the current key, the AAD, the stored format.
//! 3. `Keyring::decrypt`: parse the stored value, pick the key *named by its key id*
//!    (older keys keep working after a rotation), and open it with the AAD.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc8439#section-2.8> (AEAD_CHACHA20_POLY1305)
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use backend_support::RandomSource;
use base64::{engine::general_purpose::STANDARD, Engine};
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, KeyInit, Nonce};
use std::collections::BTreeMap;

pub const NONCE_LEN: usize = 12;
pub const TAG_LEN: usize = 16;
pub type Key32 = [u8; 32];
pub type Nonce12 = [u8; NONCE_LEN];

#[derive(Debug, PartialEq, Eq)]
pub enum FieldError {
    /// Not base64, or too short to hold a key id, a nonce and a tag.
    Malformed,
    /// The key id names a key this keyring does not have (e.g. retired).
    UnknownKey(u8),
    /// Tampered bytes, wrong AAD or wrong key: one error, so nothing says which.
    Decrypt,
}

/// The AAD that binds a value to its place: `users:42`.
pub fn aad(table: &str, row_id: i64) -> String {
    format!("{table}:{row_id}")
}

/// Encrypts the plaintext `msg`; returns the ciphertext followed by the 16-byte tag.
pub fn seal(key: &Key32, nonce: &Nonce12, aad: &[u8], msg: &[u8]) -> Vec<u8> {
    // TODO: `ChaCha20Poly1305::new(&Key::from(*key))`, then `Aead::encrypt` with
    // `&Nonce::from(*nonce)` and a `Payload { msg, aad }` (it only fails above 256 GiB).
    todo!()
}

/// Checks the tag of `msg` (ciphertext then tag) and returns the plaintext.
pub fn open(key: &Key32, nonce: &Nonce12, aad: &[u8], msg: &[u8]) -> Result<Vec<u8>, FieldError> {
    // TODO: the same with `Aead::decrypt`; its error becomes `FieldError::Decrypt`.
    todo!()
}

pub struct Keyring<R: RandomSource> {
    keys: BTreeMap<u8, Key32>,
    current: u8,
    random: R,
}

impl<R: RandomSource> Keyring<R> {
    pub fn new(key_id: u8, key: Key32, random: R) -> Self {
        let (keys, current) = (BTreeMap::from([(key_id, key)]), key_id);
        Keyring {
            keys,
            current,
            random,
        }
    }

    /// Adds a new key and encrypts with it from now on; old keys still decrypt.
    pub fn rotate(&mut self, key_id: u8, key: Key32) {
        self.keys.insert(key_id, key);
        self.current = key_id;
    }

    pub fn encrypt(&self, table: &str, row_id: i64, plaintext: &[u8]) -> String {
        // TODO: fill a fresh nonce from `self.random`, seal with the current key and
        // `aad(table, row_id)`, then base64 (`STANDARD`) of key id ‖ nonce ‖ sealed.
        todo!()
    }

    pub fn decrypt(&self, table: &str, row_id: i64, stored: &str) -> Result<Vec<u8>, FieldError> {
        // TODO: decode (bad base64 or fewer than 1 + NONCE_LEN + TAG_LEN bytes is
        // `Malformed`), split off the key id and the nonce, look the key up by *that* id
        // (`UnknownKey` if missing), and `open` the rest with `aad(table, row_id)`.
        todo!()
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_support::SeqRandom;
    use std::collections::BTreeSet;
    use FieldError::*;

    const K1: Key32 = [0x11; 32];
    const K2: Key32 = [0x22; 32];

    fn unhex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        let byte = |i| u8::from_str_radix(&s[i..i + 2], 16).unwrap();
        (0..s.len()).step_by(2).map(byte).collect()
    }

    fn b64(stored: &str) -> Vec<u8> {
        STANDARD.decode(stored).expect(stored)
    }

    #[test]
    fn rfc8439_section_2_8_2_aead_vector() {
        let key: Key32 = std::array::from_fn(|i| 0x80 + i as u8);
        let nonce: Nonce12 = unhex("07000000 4041424344454647").try_into().unwrap();
        let aad = unhex("50515253 c0c1c2c3c4c5c6c7");
        let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you \
only one tip for the future, sunscreen would be it.";
        let want_ct = unhex(
            "d31a8d34648e60db7b86afbc53ef7ec2 a4aded51296e08fea9e2b5a736ee62d6
             3dbea45e8ca9671282fafb69da92728b 1a71de0a9e060b2905d6a5b67ecd3b36
             92ddbd7f2d778b8c9803aee328091b58 fab324e4fad675945585808b4831d7bc
             3ff4def08e4b7a9de576d26586cec64b 6116",
        );
        let sealed = seal(&key, &nonce, &aad, plaintext);
        let (ct, tag) = sealed.split_at(sealed.len() - TAG_LEN);
        assert_eq!(ct, want_ct, "ciphertext");
        assert_eq!(tag, unhex("1ae10b594f09e26a7e902ecbd0600691"), "tag");
        assert_eq!(open(&key, &nonce, &aad, &sealed).unwrap(), plaintext);
        assert_eq!(open(&key, &nonce, b"", &sealed), Err(Decrypt), "no AAD");
    }

    #[test]
    fn stored_value_is_base64_of_key_id_nonce_ciphertext_tag() {
        let ring = Keyring::new(7, K1, SeqRandom::new());
        let stored = ring.encrypt("users", 42, b"alice@example.com");
        let bytes = b64(&stored);
        assert_eq!(bytes.len(), 1 + 12 + 17 + 16, "{stored:?}");
        assert_eq!(bytes[0], 7, "key id first");
        let nonce: Nonce12 = bytes[1..13].try_into().unwrap();
        let want: Nonce12 = std::array::from_fn(|i| i as u8);
        assert_eq!(nonce, want, "nonce from the RandomSource");
        let opened = open(&K1, &nonce, b"users:42", &bytes[13..]).expect("AAD = table:row_id");
        assert_eq!(opened, b"alice@example.com");
        assert_eq!(ring.decrypt("users", 42, &stored).unwrap(), opened);
    }

    #[test]
    fn nonces_never_repeat_for_the_same_key() {
        let ring = Keyring::new(1, K1, SeqRandom::new());
        let (mut nonces, mut values) = (BTreeSet::new(), BTreeSet::new());
        for i in 0..50 {
            let stored = ring.encrypt("users", 1, b"same value, same row");
            let nonce = b64(&stored)[1..13].to_vec();
            assert!(nonces.insert(nonce), "nonce reused at {i}");
            assert!(values.insert(stored.clone()), "same ciphertext at {i}");
            let back = ring.decrypt("users", 1, &stored).unwrap();
            assert_eq!(back, b"same value, same row");
        }
    }

    #[test]
    fn tampered_moved_or_foreign_values_are_rejected() {
        let ring = Keyring::new(1, K1, SeqRandom::new());
        let stored = b64(&ring.encrypt("users", 42, b"555-0100"));
        for i in 0..stored.len() {
            let mut bad = stored.clone();
            bad[i] ^= 0x80;
            let want = if i == 0 { UnknownKey(0x81) } else { Decrypt };
            let got = ring.decrypt("users", 42, &STANDARD.encode(&bad));
            assert_eq!(got, Err(want), "byte {i} flipped");
        }
        // A value copied into another row or table (the AAD differs), or another key.
        let stored = ring.encrypt("users", 42, b"alice@example.com");
        for (table, row) in [("users", 43), ("users", -42), ("admins", 42)] {
            let got = ring.decrypt(table, row, &stored);
            assert_eq!(got, Err(Decrypt), "{table}:{row}");
        }
        let other_key = Keyring::new(1, K2, SeqRandom::new()).decrypt("users", 42, &stored);
        assert_eq!(other_key, Err(Decrypt), "other key");
    }

    #[test]
    fn rotation_keeps_old_values_readable_by_key_id() {
        let mut ring = Keyring::new(1, K1, SeqRandom::new());
        let old = ring.encrypt("users", 42, b"old@example.com");
        ring.rotate(2, K2);
        let new = ring.encrypt("users", 42, b"new@example.com");
        assert_eq!(b64(&new)[0], 2, "new values use the new key");
        assert_eq!(ring.decrypt("users", 42, &old).unwrap(), b"old@example.com");
        assert_eq!(ring.decrypt("users", 42, &new).unwrap(), b"new@example.com");
        // Key 1 retired: its values can no longer be read, and the error says why.
        let retired = Keyring::new(2, K2, SeqRandom::new());
        assert_eq!(retired.decrypt("users", 42, &old), Err(UnknownKey(1)));
    }

    #[test]
    fn malformed_stored_values() {
        let ring = Keyring::new(1, K1, SeqRandom::new());
        let too_short = STANDARD.encode([1u8; 1 + 12 + 15]);
        for stored in ["", "not base64!", "AQID", &too_short] {
            assert_eq!(ring.decrypt("t", 1, stored), Err(Malformed), "{stored:?}");
        }
        let min_len = STANDARD.encode([1u8; 1 + 12 + 16]);
        assert_eq!(ring.decrypt("t", 1, &min_len), Err(Decrypt), "{min_len:?}");
        let empty = ring.encrypt("t", 1, b"");
        assert_eq!(
            ring.decrypt("t", 1, &empty).unwrap(),
            b"",
            "empty plaintext"
        );
    }
}
