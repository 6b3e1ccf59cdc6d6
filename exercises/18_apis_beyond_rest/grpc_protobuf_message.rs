//! # gRPC by hand: a protobuf message in a length-prefixed frame
//!
//! Roadmap step: **gRPC** (<https://roadmap.sh/backend>): a gRPC call is an HTTP/2 request
//! whose body is a sequence of length-prefixed protobuf messages, and whose outcome is a
//! status code in the `grpc-status` trailer. Generated code hides all of it; knowing the
//! bytes helps when a field goes missing between two versions of a service.
//!
//! The message, in `.proto` terms: `message User { uint64 id = 1; string name = 2;
//! repeated string roles = 3; }`.
//!
//! 1. `encode_user`: each field is a tag (`field_number << 3 | wire_type`, a varint) and a
//!    value: `id` as a varint, each string as a length-delimited value (varint length,
//!    then the UTF-8 bytes). proto3 leaves out a field at its default (0, ""), but every
//!    element of `roles`, even an empty one.
//! 2. `read_value`: one value of the given wire type at the start of `bytes`, and how
//!    many bytes it took. Wire types 0 (varint), 1 (8 bytes), 2 (length-delimited) and 5
//!    (4 bytes) are read; 3 and 4 (deprecated groups), 6 and 7 are rejected. A length
//!    that runs past the end of `bytes` is `Truncated`, however large it is.
//! 3. `decode_user`: field number 0 and numbers above 2^29 − 1 are invalid tags. Fields it
//!    does not know (another number, or a known number with another wire type) are
//!    skipped, so old readers accept new writers. A scalar field that appears twice: the
//!    last one wins. A string must be valid UTF-8.
//! 4. `frame`: a gRPC Length-Prefixed-Message: a compressed flag (always 0 here), the
//!    message length as 4 bytes big-endian, the message. `unframe` reads the first one
//!    from a buffer: `Ok(None)` while it is incomplete; a flag other than 0 (we accept no
//!    compression) or a length above `max_len` is an error, seen from the 5-byte prefix
//!    alone.
//! 5. `Code::number`: the numbers of the gRPC status codes.
//! 6. `get_user`: a unary call. The caller must be authenticated (`UNAUTHENTICATED`);
//!    the body holds exactly one message: none, or more than one, is `UNIMPLEMENTED`
//!    (cardinality violation); a cut-off frame, a compressed one, or a message that does
//!    not decode is `INTERNAL`; one above `MAX_MESSAGE_LEN` is `RESOURCE_EXHAUSTED`. The
//!    request is `GetUserRequest { uint64 id = 1; }` (it decodes as a `User`): id 0 is
//!    `INVALID_ARGUMENT`, an unknown id is `NOT_FOUND`.
//!
//! Standards:
//! - <https://protobuf.dev/programming-guides/encoding/#structure> (tags, wire types)
//! - <https://protobuf.dev/programming-guides/encoding/#last-one-wins>
//! - <https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests>
//! - <https://grpc.io/docs/guides/status-codes/>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::collections::BTreeMap;

pub const VARINT: u8 = 0;
pub const I64: u8 = 1;
pub const LEN: u8 = 2;
pub const I32: u8 = 5;
pub const MAX_FIELD_NUMBER: u64 = (1 << 29) - 1;
/// gRPC's default limit for a received message.
pub const MAX_MESSAGE_LEN: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct User {
    pub id: u64,
    pub name: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    Truncated,
    BadVarint,
    InvalidTag(u64),
    UnsupportedWireType(u8),
    InvalidUtf8,
}

/// One value read off the wire; fixed-size values are skipped, `User` has none.
pub enum Value<'a> {
    Varint(u64),
    Fixed,
    Len(&'a [u8]),
}

// The varints of `protobuf_varint_zigzag`.
fn encode_varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value & 0x7f) as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn decode_varint(bytes: &[u8]) -> Result<(u64, usize), DecodeError> {
    let mut value = 0u64;
    for (i, &byte) in bytes.iter().enumerate().take(10) {
        if i == 9 && byte > 0x01 {
            return Err(DecodeError::BadVarint);
        }
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((value, i + 1));
        }
    }
    Err(DecodeError::Truncated)
}

pub fn encode_user(user: &User) -> Vec<u8> {
    // TODO: the tag and value of each field that is sent, in field order.
    todo!()
}

pub fn read_value(wire_type: u8, bytes: &[u8]) -> Result<(Value<'_>, usize), DecodeError> {
    // TODO: read one value of `wire_type`; reject the other wire types and values that
    // run past the end of `bytes` (check a length before using it).
    todo!()
}

pub fn decode_user(bytes: &[u8]) -> Result<User, DecodeError> {
    // TODO: tag, then value, until the bytes run out; keep the fields of `User` and
    // skip the rest.
    todo!()
}

pub fn frame(message: &[u8]) -> Vec<u8> {
    // TODO: flag 0, the length as 4 bytes big-endian, the message.
    todo!()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameError {
    Compressed(u8),
    TooLarge(u32),
}

/// The first message in `buf` and the bytes its frame took, or `None` if incomplete.
pub fn unframe(buf: &[u8], max_len: usize) -> Result<Option<(&[u8], usize)>, FrameError> {
    // TODO: check the 5-byte prefix, then return the message once all of it is there.
    todo!()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Ok,
    InvalidArgument,
    NotFound,
    ResourceExhausted,
    Unimplemented,
    Internal,
    Unauthenticated,
}

impl Code {
    pub fn number(self) -> u32 {
        // TODO: the numbers from the gRPC status codes guide.
        todo!()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub code: Code,
    pub message: String,
}

fn status(code: Code, message: &str) -> Status {
    let message = message.to_string();
    Status { code, message }
}

/// `caller` is the authenticated user name, if the request had valid credentials.
pub fn get_user(
    users: &BTreeMap<u64, User>,
    caller: Option<&str>,
    body: &[u8],
) -> Result<User, Status> {
    // TODO: authenticate, unframe exactly one message, decode it, look the id up; map
    // each failure to its status code.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: u64, name: &str, roles: &[&str]) -> User {
        let roles = roles.iter().map(|r| r.to_string()).collect();
        let name = name.to_string();
        User { id, name, roles }
    }

    #[test]
    fn the_encoding_guide_examples() {
        assert_eq!(
            encode_user(&user(150, "", &[])),
            [0x08, 0x96, 0x01],
            "id = 150"
        );
        let testing = [0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67];
        assert_eq!(
            encode_user(&user(0, "testing", &[])),
            testing,
            "name = testing"
        );
    }

    #[test]
    fn fields_in_order_and_defaults_left_out() {
        let bytes = encode_user(&user(1, "al", &["admin", ""]));
        #[rustfmt::skip]
        let expected = [
            0x08, 0x01,
            0x12, 0x02, b'a', b'l',
            0x1a, 0x05, b'a', b'd', b'm', b'i', b'n',
            0x1a, 0x00, // an empty element of a repeated field is still sent
        ];
        assert_eq!(bytes, expected);
        assert_eq!(encode_user(&User::default()), [], "all defaults: no bytes");
        let bytes = encode_user(&user(0, &"x".repeat(200), &[]));
        assert_eq!(bytes[..3], [0x12, 0xc8, 0x01], "a length is a varint too");
    }

    #[test]
    fn decoding_reverses_encoding() {
        let long = "x".repeat(200);
        let users = [
            user(150, "testing", &["a", "", "b"]),
            user(u64::MAX, &long, &["é"]),
        ];
        for u in users {
            assert_eq!(decode_user(&encode_user(&u)), Ok(u.clone()));
        }
        assert_eq!(decode_user(&[]), Ok(User::default()), "an empty message");
    }

    #[test]
    fn unknown_fields_are_skipped() {
        #[rustfmt::skip]
        let bytes = [
            0x20, 0xac, 0x02,                     // field 4, varint 300
            0x29, 1, 2, 3, 4, 5, 6, 7, 8,         // field 5, 8 bytes
            0x08, 0x07,                           // id = 7
            0x32, 0x03, 0x12, 0x01, 0x41,         // field 6, 3 bytes (not parsed)
            0x0a, 0x01, 0x58,                     // field 1 as bytes: not our id
            0xf8, 0xff, 0xff, 0xff, 0x0f, 0x00,   // field 2^29 - 1, varint 0
            0x12, 0x02, 0x6f, 0x6b,               // name = "ok"
            0x3d, 1, 2, 3, 4,                     // field 7, 4 bytes, up to the end
        ];
        assert_eq!(decode_user(&bytes), Ok(user(7, "ok", &[])));
    }

    #[test]
    fn the_last_scalar_wins_and_repeated_fields_accumulate() {
        let bytes = [0x08, 0x01, 0x12, 0x01, b'a', 0x1a, 0x01, b'x', 0x08, 0x02];
        let more = [0x12, 0x01, b'b', 0x1a, 0x01, b'y'];
        let decoded = decode_user(&[&bytes[..], &more].concat());
        assert_eq!(decoded, Ok(user(2, "b", &["x", "y"])));
    }

    #[test]
    fn malformed_messages_are_rejected() {
        use DecodeError::*;
        #[rustfmt::skip]
        let cases: [(&[u8], DecodeError, &str); 16] = [
            (&[0x23, 0x00], UnsupportedWireType(3), "start group"),
            (&[0x24, 0x00], UnsupportedWireType(4), "end group"),
            (&[0x26, 0x00], UnsupportedWireType(6), "no wire type 6"),
            (&[0x27, 0x00], UnsupportedWireType(7), "no wire type 7"),
            (&[0x00, 0x01], InvalidTag(0), "field 0"),
            (&[0x80, 0x80, 0x80, 0x80, 0x10, 0x00], InvalidTag(1 << 32), "field 2^29"),
            (&[0x08], Truncated, "a tag and no value"),
            (&[0x08, 0x96], Truncated, "a cut-off varint"),
            (&[0x96], Truncated, "a cut-off tag"),
            (&[0x12, 0x05, b't', b'e', b's', b't'], Truncated, "5 bytes announced, 4 sent"),
            (&[0x29, 1, 2, 3, 4, 5, 6, 7], Truncated, "fixed64 with 7 bytes"),
            (&[0x3d, 1, 2, 3], Truncated, "fixed32 with 3 bytes"),
            (&[0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], Truncated, "2^63 - 1"),
            (&[0x32, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], Truncated, "2^64 - 1"),
            (&[0x12, 0x02, b'J', 0xe9], InvalidUtf8, "a Latin-1 name"),
            (&[0x1a, 0x01, 0xff], InvalidUtf8, "a role"),
        ];
        for (bytes, expected, why) in cases {
            assert_eq!(decode_user(bytes), Err(expected), "{why}: {bytes:02x?}");
        }
        let eleven = [&[0x08][..], &[0xff; 9], &[0x81, 0x00]].concat();
        assert_eq!(decode_user(&eleven), Err(BadVarint), "an 11-byte varint");
        let exact = [0x32, 0x02, 0xaa, 0xbb];
        assert_eq!(
            decode_user(&exact),
            Ok(User::default()),
            "a length up to the end"
        );
    }

    #[test]
    fn a_frame_is_a_flag_a_big_endian_length_and_the_message() {
        let expected = [0x00, 0x00, 0x00, 0x00, 0x03, 0x08, 0x96, 0x01];
        assert_eq!(frame(&[0x08, 0x96, 0x01]), expected);
        assert_eq!(frame(&[]), [0; 5], "an empty message still has a prefix");
        let big = frame(&vec![7; 0x01_0203]);
        assert_eq!(big[..5], [0x00, 0x00, 0x01, 0x02, 0x03]);
        assert_eq!(big.len(), 5 + 0x01_0203);
    }

    #[test]
    fn unframe_reads_the_first_message_once_it_is_complete() {
        let two = [frame(&[0x08, 0x01]), frame(&[0x08, 0x02, 0x00])].concat();
        assert_eq!(unframe(&two, 100), Ok(Some((&two[5..7], 7))));
        assert_eq!(unframe(&two[7..], 100), Ok(Some((&two[12..15], 8))));
        assert_eq!(unframe(&two[..4], 100), Ok(None), "no full prefix yet");
        assert_eq!(unframe(&two[..6], 100), Ok(None), "the message is cut");
        let at_max = unframe(&two[7..15], 3);
        assert_eq!(at_max, Ok(Some((&two[12..15], 8))), "max is allowed");
        assert_eq!(unframe(&[0; 5], 0), Ok(Some((&[][..], 5))));
    }

    #[test]
    fn unframe_rejects_compression_and_oversized_messages_from_the_prefix() {
        let compressed = [0x01, 0x00, 0x00, 0x00, 0x01, 0x00];
        assert_eq!(unframe(&compressed, 100), Err(FrameError::Compressed(1)));
        let flag_2 = unframe(&[0x02, 0, 0, 0, 0], 100);
        assert_eq!(flag_2, Err(FrameError::Compressed(2)));
        let huge = unframe(&[0x00, 0xff, 0xff, 0xff, 0xff], MAX_MESSAGE_LEN);
        assert_eq!(huge, Err(FrameError::TooLarge(u32::MAX)));
        assert_eq!(unframe(&[0, 0, 0, 0, 4], 3), Err(FrameError::TooLarge(4)));
    }

    #[test]
    fn status_codes_have_their_numbers() {
        use Code::*;
        let codes = [
            Ok,
            InvalidArgument,
            NotFound,
            ResourceExhausted,
            Unimplemented,
        ];
        let numbers = codes.map(Code::number);
        assert_eq!(numbers, [0, 3, 5, 8, 12], "{codes:?}");
        assert_eq!(Internal.number(), 13);
        assert_eq!(Unauthenticated.number(), 16);
    }

    fn call(caller: Option<&str>, body: &[u8]) -> Result<User, Code> {
        let users = [(150, user(150, "ada", &["admin"])), (7, user(7, "bo", &[]))];
        get_user(&BTreeMap::from(users), caller, body).map_err(|status| status.code)
    }

    #[test]
    fn a_unary_call_returns_the_user() {
        let found = call(Some("ada"), &frame(&[0x08, 0x96, 0x01]));
        assert_eq!(found, Ok(user(150, "ada", &["admin"])));
        assert_eq!(
            call(Some("ada"), &frame(&[0x08, 0x07])),
            Ok(user(7, "bo", &[]))
        );
    }

    #[test]
    fn errors_map_to_grpc_status_codes() {
        let ok = frame(&[0x08, 0x07]);
        let mut zipped = ok.clone();
        zipped[0] = 1;
        let twice = [ok.clone(), ok.clone()].concat();
        let huge = [0x00, 0x00, 0x40, 0x00, 0x01];
        #[rustfmt::skip]
        let cases: [(Option<&str>, &[u8], Code, &str); 9] = [
            (None, &ok, Code::Unauthenticated, "no credentials"),
            (Some("ada"), &frame(&[0x08, 0x08]), Code::NotFound, "no user 8"),
            (Some("ada"), &frame(&[]), Code::InvalidArgument, "no id"),
            (Some("ada"), &frame(&[0x08]), Code::Internal, "a request that does not decode"),
            (Some("ada"), &ok[..6], Code::Internal, "a cut-off frame"),
            (Some("ada"), &zipped, Code::Internal, "a compressed message"),
            (Some("ada"), &[], Code::Unimplemented, "no message"),
            (Some("ada"), &twice, Code::Unimplemented, "two messages"),
            (Some("ada"), &huge, Code::ResourceExhausted, "4 MiB + 1"),
        ];
        for (caller, body, code, why) in cases {
            assert_eq!(call(caller, body), Err(code), "{why}");
        }
    }

    #[test]
    fn a_request_of_exactly_the_limit_is_accepted() {
        // An unknown field pads the request to 4 MiB: 1 + 4 + padding + 2 bytes.
        let mut message = vec![0x32, 0xf9, 0xff, 0xff, 0x01];
        message.resize(MAX_MESSAGE_LEN - 2, 0);
        message.extend_from_slice(&[0x08, 0x07]);
        assert_eq!(call(Some("ada"), &frame(&message)), Ok(user(7, "bo", &[])));
    }
}
