//! # Protocol Buffers: base-128 varints and ZigZag
//!
//! Roadmap step: **gRPC** (<https://roadmap.sh/backend>): gRPC messages are Protocol
//! Buffers, and almost every number in them (field tags, lengths, integers) is a varint:
//! small values take one byte, the largest `u64` takes ten. A decoder reads bytes from the
//! network, so it must stop at the tenth byte and report truncated input.
//!
//! 1. `encode_varint`: seven bits per byte, least significant group first; the high bit
//!    (`0x80`) of a byte says "another byte follows". `0` is the single byte `00`.
//! 2. `decode_varint`: the value and how many bytes it took, from the start of `bytes`
//!    (which may hold more after it). Input that ends before the last byte: `Truncated`.
//!    A `u64` needs at most ten bytes, and the tenth carries only the top bit: a tenth
//!    byte with the continuation bit set is `Overlong`, one above `0x01` is `Overflow`.
//!    A longer-than-needed encoding within ten bytes (`81 00` for 1) is accepted, as
//!    protobuf parsers do; encoders never produce it.
//! 3. `encode_int32`: an `int32` field holds a negative value sign-extended to 64 bits,
//!    so −1 costs ten bytes. That is why `sint32`/`sint64` exist:
//! 4. `zigzag32`/`zigzag64` map signed to unsigned so that small magnitudes stay small
//!    (0→0, −1→1, 1→2, −2→3, …), and `unzigzag32`/`unzigzag64` map back. No overflow
//!    for any input.
//!
//! Standards:
//! - <https://protobuf.dev/programming-guides/encoding/#varints>
//! - <https://protobuf.dev/programming-guides/encoding/#signed-ints> (ZigZag)
//! - <https://protobuf.dev/programming-guides/encoding/#int-types>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

/// The most bytes a varint may take: ⌈64 / 7⌉.
pub const MAX_VARINT_LEN: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarintError {
    /// The input ended while the continuation bit asked for another byte.
    Truncated,
    /// The tenth byte asks for an eleventh.
    Overlong,
    /// The tenth byte carries bits beyond the 64th.
    Overflow,
}

pub fn encode_varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value & 0x7f) as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

pub fn decode_varint(bytes: &[u8]) -> Result<(u64, usize), VarintError> {
    let mut value = 0u64;
    for (i, &byte) in bytes.iter().enumerate().take(MAX_VARINT_LEN) {
        if i == MAX_VARINT_LEN - 1 {
            if byte & 0x80 != 0 {
                return Err(VarintError::Overlong);
            }
            if byte > 0x01 {
                return Err(VarintError::Overflow);
            }
        }
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((value, i + 1));
        }
    }
    Err(VarintError::Truncated)
}

pub fn encode_int32(value: i32, out: &mut Vec<u8>) {
    encode_varint(i64::from(value) as u64, out);
}

pub fn zigzag32(n: i32) -> u32 {
    ((n << 1) ^ (n >> 31)) as u32
}

pub fn unzigzag32(n: u32) -> i32 {
    ((n >> 1) as i32) ^ -((n & 1) as i32)
}

pub fn zigzag64(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

pub fn unzigzag64(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(value: u64) -> Vec<u8> {
        let mut out = Vec::new();
        encode_varint(value, &mut out);
        out
    }

    #[test]
    fn the_encoding_guide_examples() {
        assert_eq!(varint(1), [0x01]);
        assert_eq!(varint(150), [0x96, 0x01]);
        assert_eq!(varint(300), [0xac, 0x02]);
        assert_eq!(varint(0), [0x00], "zero is one byte, not none");
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(varint(u64::MAX), max, "u64::MAX takes ten bytes");
    }

    #[test]
    fn each_byte_holds_seven_bits() {
        assert_eq!(varint(127), [0x7f], "the largest one-byte value");
        assert_eq!(varint(128), [0x80, 0x01]);
        assert_eq!(varint(16_383), [0xff, 0x7f]);
        assert_eq!(varint(16_384), [0x80, 0x80, 0x01]);
        assert_eq!(varint(1 << 63).len(), 10);
        assert_eq!(varint((1 << 63) - 1).len(), 9);
        let mut out = vec![0xaa];
        encode_varint(1, &mut out);
        assert_eq!(out, [0xaa, 0x01], "encode appends");
    }

    #[test]
    fn decoding_returns_the_value_and_the_bytes_it_took() {
        assert_eq!(decode_varint(&[0x01]), Ok((1, 1)));
        assert_eq!(decode_varint(&[0x96, 0x01]), Ok((150, 2)));
        assert_eq!(
            decode_varint(&[0xac, 0x02, 0x08, 0x96]),
            Ok((300, 2)),
            "stops at 02"
        );
        assert_eq!(decode_varint(&[0x7f, 0xff]), Ok((127, 1)));
        assert_eq!(decode_varint(&[0xff, 0x7f]), Ok((16_383, 2)));
        let max = [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00,
        ];
        assert_eq!(decode_varint(&max), Ok((u64::MAX, 10)));
    }

    #[test]
    fn encode_and_decode_round_trip() {
        for shift in 0..64 {
            for value in [1u64 << shift, (1u64 << shift) - 1, (1u64 << shift) + 1] {
                let bytes = varint(value);
                assert_eq!(decode_varint(&bytes), Ok((value, bytes.len())), "{value}");
            }
        }
    }

    #[test]
    fn a_longer_encoding_within_ten_bytes_is_accepted() {
        assert_eq!(decode_varint(&[0x81, 0x00]), Ok((1, 2)));
        let ten = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00];
        assert_eq!(decode_varint(&ten), Ok((0, 10)));
    }

    #[test]
    fn truncated_input_is_rejected() {
        assert_eq!(decode_varint(&[]), Err(VarintError::Truncated), "nothing");
        assert_eq!(
            decode_varint(&[0x96]),
            Err(VarintError::Truncated),
            "150 cut short"
        );
        let nine = [0xff; 9];
        assert_eq!(decode_varint(&nine), Err(VarintError::Truncated));
    }

    #[test]
    fn an_eleventh_byte_is_overlong() {
        let mut eleven = [0xff; 11];
        eleven[10] = 0x01;
        assert_eq!(decode_varint(&eleven), Err(VarintError::Overlong));
        let mut padded = [0x80; 11];
        padded[0] = 0x81;
        padded[10] = 0x00;
        assert_eq!(
            decode_varint(&padded),
            Err(VarintError::Overlong),
            "1 in 11 bytes"
        );
        let ten = [0xff; 10];
        assert_eq!(
            decode_varint(&ten),
            Err(VarintError::Overlong),
            "not Truncated"
        );
    }

    #[test]
    fn a_tenth_byte_above_one_overflows() {
        let mut bytes = [0xff; 10];
        bytes[9] = 0x02;
        assert_eq!(decode_varint(&bytes), Err(VarintError::Overflow), "2^64");
        bytes[9] = 0x7f;
        assert_eq!(decode_varint(&bytes), Err(VarintError::Overflow));
        bytes[9] = 0x01;
        assert_eq!(
            decode_varint(&bytes),
            Ok((u64::MAX, 10)),
            "0x01 is the top bit"
        );
    }

    #[test]
    fn a_negative_int32_takes_ten_bytes() {
        let mut out = Vec::new();
        encode_int32(-1, &mut out);
        assert_eq!(
            out,
            [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
        );
        out.clear();
        encode_int32(i32::MIN, &mut out);
        let min = [0x80, 0x80, 0x80, 0x80, 0xf8, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(out, min, "sign-extended to 64 bits, not to 32");
        out.clear();
        encode_int32(150, &mut out);
        assert_eq!(out, [0x96, 0x01]);
    }

    #[test]
    fn zigzag_keeps_small_magnitudes_small() {
        let pairs = [
            (0, 0),
            (-1, 1),
            (1, 2),
            (-2, 3),
            (2, 4),
            (i32::MAX, u32::MAX - 1),
        ];
        for (signed, unsigned) in pairs {
            assert_eq!(zigzag32(signed), unsigned, "zigzag32({signed})");
            assert_eq!(unzigzag32(unsigned), signed, "unzigzag32({unsigned})");
            assert_eq!(zigzag64(i64::from(signed)), u64::from(unsigned));
            assert_eq!(unzigzag64(u64::from(unsigned)), i64::from(signed));
        }
        assert_eq!(zigzag32(i32::MIN), u32::MAX);
        assert_eq!(unzigzag32(u32::MAX), i32::MIN);
        assert_eq!(zigzag64(i64::MIN), u64::MAX);
        assert_eq!(unzigzag64(u64::MAX), i64::MIN);
        assert_eq!(zigzag64(i64::MAX), u64::MAX - 1);
        assert_eq!(zigzag64(-1_000_000_000_000), 1_999_999_999_999);
    }

    #[test]
    fn a_small_negative_sint64_is_one_byte() {
        assert_eq!(varint(zigzag64(-1)), [0x01]);
        assert_eq!(varint(zigzag64(-64)), [0x7f]);
        assert_eq!(varint(zigzag64(64)), [0x80, 0x01]);
        let (decoded, _) = decode_varint(&[0x7f]).unwrap();
        assert_eq!(unzigzag64(decoded), -64);
    }
}
