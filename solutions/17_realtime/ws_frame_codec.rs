//! # WebSocket frames: decoding what clients send, encoding what servers send
//!
//! Roadmap step: **Real-time data: WebSockets** (<https://roadmap.sh/backend>): after the
//! handshake, both sides exchange frames: a 2-byte header, an extended length, a masking
//! key (client to server only) and the payload. A server reads them from an untrusted
//! peer, so it checks every bit before it trusts a length.
//!
//! 1. `apply_mask`: XOR byte `i` of the payload with `key[i % 4]` (§5.3; the same call
//!    masks and unmasks).
//! 2. `decode_client_frame`: one frame from the front of `buf`. `Ok(None)` when `buf` does
//!    not hold a whole frame yet (read more); `Ok(Some((frame, used)))` with the unmasked
//!    payload and the bytes it took. Fail the connection with `PROTOCOL_ERROR` (1002) for
//!    a set RSV bit (no extension was negotiated), an unknown opcode, an unmasked frame,
//!    a control frame that is fragmented or longer than 125 bytes, or a 64-bit length with
//!    its top bit set; with `MESSAGE_TOO_BIG` (1009) for a length over `max_payload`.
//!    Fail as soon as the bytes that show the fault are there: do not wait for a payload
//!    you are going to refuse anyway.
//! 3. `encode_server_frame`: FIN, RSV 0, the opcode, no mask, and the shortest length:
//!    7 bits up to 125, `126` and 16 bits up to 65535, else `127` and 64 bits (§5.2).
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc6455#section-5.2> (base framing protocol)
//! - <https://www.rfc-editor.org/rfc/rfc6455#section-5.3> (client-to-server masking)
//! - <https://www.rfc-editor.org/rfc/rfc6455#section-5.5> (control frames)
//! - <https://www.rfc-editor.org/rfc/rfc6455#section-5.7> (examples)
//! - <https://www.rfc-editor.org/rfc/rfc6455#section-7.4.1> (close codes)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opcode {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
}

impl Opcode {
    /// The opcode of a header's low 4 bits; `None` for the reserved ones.
    pub fn from_bits(bits: u8) -> Option<Opcode> {
        use Opcode::*;
        [Continuation, Text, Binary, Close, Ping, Pong]
            .into_iter()
            .find(|op| *op as u8 == bits)
    }

    /// Close, Ping and Pong: opcodes with the high bit set.
    pub fn is_control(self) -> bool {
        self as u8 & 0x8 != 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub fin: bool,
    pub opcode: Opcode,
    pub payload: Vec<u8>,
}

/// Why the connection fails: the status code of the Close frame to send (§7.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseCode(pub u16);

pub const PROTOCOL_ERROR: CloseCode = CloseCode(1002);
pub const MESSAGE_TOO_BIG: CloseCode = CloseCode(1009);

/// `N` bytes of `buf` from `at`, if it holds them yet.
fn bytes_at<const N: usize>(buf: &[u8], at: usize) -> Option<[u8; N]> {
    buf.get(at..at.checked_add(N)?)?.try_into().ok()
}

pub fn apply_mask(payload: &mut [u8], key: [u8; 4]) {
    for (byte, k) in payload.iter_mut().zip(key.iter().cycle()) {
        *byte ^= k;
    }
}

pub fn decode_client_frame(
    buf: &[u8],
    max_payload: u64,
) -> Result<Option<(Frame, usize)>, CloseCode> {
    let Some([b0, b1]) = bytes_at(buf, 0) else {
        return Ok(None);
    };
    let fin = b0 & 0x80 != 0;
    if b0 & 0x70 != 0 {
        return Err(PROTOCOL_ERROR); // RSV1-3: only an extension may set them
    }
    let opcode = Opcode::from_bits(b0 & 0x0F).ok_or(PROTOCOL_ERROR)?;
    if b1 & 0x80 == 0 {
        return Err(PROTOCOL_ERROR); // a client MUST mask every frame
    }
    let short = b1 & 0x7F;
    if opcode.is_control() && (!fin || short > 125) {
        return Err(PROTOCOL_ERROR);
    }
    let (len, at) = match short {
        126 => match bytes_at(buf, 2) {
            Some(n) => (u64::from(u16::from_be_bytes(n)), 4),
            None => return Ok(None),
        },
        127 => match bytes_at(buf, 2) {
            Some(n) if n[0] & 0x80 != 0 => return Err(PROTOCOL_ERROR),
            Some(n) => (u64::from_be_bytes(n), 10),
            None => return Ok(None),
        },
        n => (u64::from(n), 2),
    };
    // Refuse a huge length now, before buffering (or allocating) its payload.
    if len > max_payload {
        return Err(MESSAGE_TOO_BIG);
    }
    let len = usize::try_from(len).map_err(|_| MESSAGE_TOO_BIG)?;
    let Some(key) = bytes_at::<4>(buf, at) else {
        return Ok(None);
    };
    let start = at + 4;
    let end = start.checked_add(len).ok_or(MESSAGE_TOO_BIG)?;
    let Some(masked) = buf.get(start..end) else {
        return Ok(None);
    };
    let mut payload = masked.to_vec();
    apply_mask(&mut payload, key);
    let frame = Frame {
        fin,
        opcode,
        payload,
    };
    Ok(Some((frame, end)))
}

pub fn encode_server_frame(frame: &Frame) -> Vec<u8> {
    let len = frame.payload.len();
    let mut out = Vec::with_capacity(len + 10);
    out.push(u8::from(frame.fin) << 7 | frame.opcode as u8);
    match len {
        0..=125 => out.push(len as u8),
        126..=0xFFFF => {
            out.push(126);
            out.extend((len as u16).to_be_bytes());
        }
        _ => {
            out.push(127);
            out.extend((len as u64).to_be_bytes());
        }
    }
    out.extend(&frame.payload);
    out
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    const HELLO_MASKED: [u8; 11] = [
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ];
    const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];
    const BIG: u64 = 1 << 20;

    fn frame(fin: bool, opcode: Opcode, payload: &[u8]) -> Frame {
        let payload = payload.to_vec();
        Frame {
            fin,
            opcode,
            payload,
        }
    }

    /// A client frame built by hand: first header byte, mask bit set, the length, `KEY`.
    fn client_frame(first: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![first];
        match payload.len() {
            n if n < 126 => out.push(0x80 | n as u8),
            n if n <= 0xFFFF => out.extend([0xFE].into_iter().chain((n as u16).to_be_bytes())),
            n => out.extend([0xFF].into_iter().chain((n as u64).to_be_bytes())),
        }
        out.extend(KEY);
        out.extend(payload.iter().zip(KEY.iter().cycle()).map(|(b, k)| b ^ k));
        out
    }

    fn decode(buf: &[u8]) -> Result<Option<(Frame, usize)>, CloseCode> {
        decode_client_frame(buf, BIG)
    }

    #[test]
    fn the_rfc_unmasked_examples_encode_byte_for_byte() {
        let hello = encode_server_frame(&frame(true, Opcode::Text, b"Hello"));
        assert_eq!(hello, [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
        let first = encode_server_frame(&frame(false, Opcode::Text, b"Hel"));
        assert_eq!(first, [0x01, 0x03, 0x48, 0x65, 0x6c], "a first fragment");
        let last = encode_server_frame(&frame(true, Opcode::Continuation, b"lo"));
        assert_eq!(last, [0x80, 0x02, 0x6c, 0x6f], "the last fragment");
        let ping = encode_server_frame(&frame(true, Opcode::Ping, b"Hello"));
        assert_eq!(ping, [0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
        assert_eq!(
            encode_server_frame(&frame(true, Opcode::Close, b"")),
            [0x88, 0]
        );
    }

    #[test]
    fn long_payloads_use_16_and_64_bit_lengths() {
        let cases: [(usize, &[u8]); 5] = [
            (125, &[0x82, 0x7D]),
            (126, &[0x82, 0x7E, 0x00, 0x7E]),
            (256, &[0x82, 0x7E, 0x01, 0x00]),
            (65535, &[0x82, 0x7E, 0xFF, 0xFF]),
            (65536, &[0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00]),
        ];
        for (len, header) in cases {
            let payload: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let encoded = encode_server_frame(&frame(true, Opcode::Binary, &payload));
            assert_eq!(&encoded[..header.len()], header, "{len} bytes: header");
            assert_eq!(&encoded[header.len()..], payload, "{len} bytes: payload");
        }
    }

    #[test]
    fn the_rfc_masked_examples_decode_to_hello() {
        let want = frame(true, Opcode::Text, b"Hello");
        assert_eq!(decode(&HELLO_MASKED), Ok(Some((want, 11))));
        let mut pong = HELLO_MASKED;
        pong[0] = 0x8a;
        let want = frame(true, Opcode::Pong, b"Hello");
        assert_eq!(decode(&pong), Ok(Some((want, 11))), "§5.7 masked Pong");
        let mut payload = *b"Hello";
        apply_mask(&mut payload, KEY);
        assert_eq!(payload, HELLO_MASKED[6..], "masking is the same XOR");
    }

    #[test]
    fn long_client_frames_decode_with_their_extended_lengths() {
        for len in [126, 256, 65535, 65536] {
            let payload: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let bytes = client_frame(0x82, &payload);
            let want = frame(true, Opcode::Binary, &payload);
            assert_eq!(decode(&bytes), Ok(Some((want, bytes.len()))), "{len} bytes");
        }
    }

    #[test]
    fn fragments_and_control_frames_decode_with_their_flags() {
        let cases = [
            (0x01, b"Hel".as_slice(), frame(false, Opcode::Text, b"Hel")),
            (0x00, b"l", frame(false, Opcode::Continuation, b"l")),
            (0x80, b"o", frame(true, Opcode::Continuation, b"o")),
            (0x02, b"", frame(false, Opcode::Binary, b"")),
            (0x89, &[7; 125], frame(true, Opcode::Ping, &[7; 125])),
            (
                0x88,
                &[0x03, 0xE8],
                frame(true, Opcode::Close, &[0x03, 0xE8]),
            ),
        ];
        for (first, payload, want) in cases {
            let bytes = client_frame(first, payload);
            assert_eq!(
                decode(&bytes),
                Ok(Some((want, bytes.len()))),
                "{first:#04x}"
            );
        }
    }

    #[test]
    fn an_incomplete_frame_asks_for_more_bytes() {
        for end in 0..HELLO_MASKED.len() {
            assert_eq!(decode(&HELLO_MASKED[..end]), Ok(None), "{end} bytes");
        }
        for len in [256, 65536] {
            let bytes = client_frame(0x82, &vec![1; len]);
            for end in (0..15).chain([bytes.len() - 1]) {
                assert_eq!(decode(&bytes[..end]), Ok(None), "{len}: {end} bytes");
            }
        }
        let mut two = HELLO_MASKED.to_vec();
        two.extend(client_frame(0x89, b""));
        let want = frame(true, Opcode::Text, b"Hello");
        assert_eq!(decode(&two), Ok(Some((want, 11))), "the next frame is left");
    }

    #[test]
    fn an_unmasked_client_frame_is_a_protocol_error() {
        let unmasked = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
        assert_eq!(decode(&unmasked), Err(PROTOCOL_ERROR));
        assert_eq!(
            decode(&unmasked[..2]),
            Err(PROTOCOL_ERROR),
            "known from 2 bytes"
        );
    }

    #[test]
    fn reserved_bits_and_opcodes_are_protocol_errors() {
        for first in [0xC1, 0xA1, 0x91, 0xF1, 0xC0] {
            let bytes = client_frame(first, b"Hello");
            assert_eq!(decode(&bytes), Err(PROTOCOL_ERROR), "RSV in {first:#04x}");
            assert_eq!(
                decode(&bytes[..2]),
                Err(PROTOCOL_ERROR),
                "{first:#04x}, 2 bytes"
            );
        }
        for opcode in (0x3..=0x7).chain(0xB..=0xF) {
            let bytes = client_frame(0x80 | opcode, b"");
            assert_eq!(decode(&bytes), Err(PROTOCOL_ERROR), "opcode {opcode:#x}");
        }
    }

    #[test]
    fn control_frames_are_short_and_never_fragmented() {
        for first in [0x09, 0x08, 0x0A] {
            let bytes = client_frame(first, b"");
            assert_eq!(
                decode(&bytes),
                Err(PROTOCOL_ERROR),
                "fragmented {first:#04x}"
            );
        }
        for first in [0x89, 0x88, 0x8A] {
            let bytes = client_frame(first, &[0; 126]);
            assert_eq!(
                decode(&bytes[..4]),
                Err(PROTOCOL_ERROR),
                "126 bytes {first:#04x}"
            );
        }
        let padded = [0x8A, 0xFE, 0x00, 0x05]; // a 5-byte Pong with a 16-bit length
        assert_eq!(decode(&padded), Err(PROTOCOL_ERROR));
    }

    #[test]
    fn a_64_bit_length_must_not_have_its_top_bit_set() {
        let mut header = vec![0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0x05];
        assert_eq!(decode_client_frame(&header, u64::MAX), Err(PROTOCOL_ERROR));
        header[2] = 0x7F;
        let got = decode_client_frame(&header, u64::MAX);
        assert!(
            got != Err(PROTOCOL_ERROR),
            "2^63 - 1 + 5 is a legal length: {got:?}"
        );
    }

    #[test]
    fn a_frame_over_the_limit_is_refused_before_its_payload_arrives() {
        let huge = [0x82, 0xFF, 0, 0, 0x01, 0, 0, 0, 0, 0]; // 1 TiB announced
        assert_eq!(decode(&huge), Err(MESSAGE_TOO_BIG));
        let at_limit = client_frame(0x82, &[9; 256]);
        assert!(matches!(decode_client_frame(&at_limit, 256), Ok(Some(_))));
        let over = client_frame(0x82, &[9; 257]);
        assert_eq!(decode_client_frame(&over[..4], 256), Err(MESSAGE_TOO_BIG));
        let short_over = client_frame(0x81, b"Hello");
        assert_eq!(
            decode_client_frame(&short_over[..2], 4),
            Err(MESSAGE_TOO_BIG)
        );
    }
}
