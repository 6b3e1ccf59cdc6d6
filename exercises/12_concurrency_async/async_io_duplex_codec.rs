//! # Length-prefixed frames over an async stream
//!
//! Roadmap step: **Asynchronism** and **Web servers** (<https://roadmap.sh/backend>): TCP
//! carries bytes, not messages. A `read` may return part of a message, or the end of one
//! and the start of the next; a `write` may take only part of a buffer. Protocols put
//! messages in frames; the simplest frame is a length, then that many bytes.
//!
//! A frame here is the payload's length as a `u32`, big-endian (network byte order), then
//! the payload. Your part:
//!
//! 1. `write_frame`: refuse a payload over `MAX_FRAME`; write the prefix and the payload
//!    completely, however few bytes each write takes.
//! 2. `read_frame`: `Ok(None)` when the stream ends cleanly, before a frame's first byte;
//!    `Err(UnexpectedEof)` when it ends inside a frame (an error, not a panic or a hang).
//!    A length over `MAX_FRAME` is `Err(TooLarge)` as soon as it is read: before the
//!    payload is read, and before a buffer is allocated for it, or any client could make
//!    the server reserve 4 GiB with four bytes.
//! 3. `echo_server`: answer every frame with the same frame until the client closes its
//!    side; return how many frames it echoed, or the first error. (The tests connect it
//!    to its client with `tokio::io::duplex`, an in-memory socket.)
//!
//! Standards:
//! - <https://docs.rs/tokio/1.54.1/tokio/io/trait.AsyncReadExt.html#method.read_exact>
//! - <https://docs.rs/tokio/1.54.1/tokio/io/trait.AsyncWriteExt.html#method.write_all>
//! - <https://docs.rs/tokio-util/latest/tokio_util/codec/length_delimited/index.html> (the
//!   same framing, as the ecosystem ships it)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::io;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The largest payload a frame may carry.
pub const MAX_FRAME: usize = 64 * 1024;

#[derive(Debug, PartialEq, Eq)]
pub enum FrameError {
    /// A frame announced (or was asked to carry) this many bytes, over `MAX_FRAME`.
    TooLarge(usize),
    /// The stream ended inside a frame.
    UnexpectedEof,
    /// Any other I/O error.
    Io(io::ErrorKind),
}

/// `?` on an I/O error: `read_exact` reports a stream that ended too soon as `UnexpectedEof`.
impl From<io::Error> for FrameError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::UnexpectedEof => FrameError::UnexpectedEof,
            kind => FrameError::Io(kind),
        }
    }
}

/// Sends `payload` as one frame.
pub async fn write_frame<W>(w: &mut W, payload: &[u8]) -> Result<(), FrameError>
where
    W: AsyncWrite + Unpin,
{
    // TODO: refuse what is over MAX_FRAME; the length as 4 big-endian bytes, then the
    // payload, each written completely.
    todo!()
}

/// The next frame's payload; `None` at a clean end of the stream.
pub async fn read_frame<R>(r: &mut R) -> Result<Option<Vec<u8>>, FrameError>
where
    R: AsyncRead + Unpin,
{
    // TODO: no byte at all is a clean end; a cut frame is an error; check the length
    // against MAX_FRAME before you allocate the payload's buffer.
    todo!()
}

/// Echoes every frame of `stream` back; the number of frames echoed.
pub async fn echo_server<S>(mut stream: S) -> Result<usize, FrameError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    // TODO: read frames and write each one back until a clean end, then close the stream.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use std::time::Duration;
    use tokio::io::duplex;
    use tokio::time::timeout;
    use FrameError::*;

    /// A slow peer: every other poll is not ready, and a ready one takes a single byte.
    struct OneBytePerPoll<W>(W, bool);
    impl<W: AsyncWrite + Unpin> AsyncWrite for OneBytePerPoll<W> {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            self.1 = !self.1;
            if self.1 {
                cx.waker().wake_by_ref(); // "poll me again", as a socket would when ready
                return Poll::Pending;
            }
            Pin::new(&mut self.0).poll_write(cx, &buf[..buf.len().min(1)])
        }
        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.0).poll_flush(cx)
        }
        fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.0).poll_shutdown(cx)
        }
    }

    /// On the paused clock, a test that waits for nothing else fails here instead of hanging.
    async fn within_5s<F: std::future::Future>(what: &str, f: F) -> F::Output {
        let limit = Duration::from_secs(5);
        timeout(limit, f)
            .await
            .unwrap_or_else(|_| panic!("{what}: still waiting"))
    }

    async fn frame_bytes(payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        write_frame(&mut out, payload).await.unwrap();
        out
    }

    #[tokio::test(start_paused = true)]
    async fn a_frame_is_a_big_endian_length_then_the_payload() {
        assert_eq!(frame_bytes(b"hello").await, b"\0\0\0\x05hello");
        assert_eq!(
            frame_bytes(b"").await,
            [0, 0, 0, 0],
            "an empty frame is valid"
        );
        let long = frame_bytes(&[7; 300]).await;
        assert_eq!(
            long[..4],
            [0, 0, 1, 44],
            "300 = 0x012C, most significant first"
        );
        assert_eq!((long.len(), long[4..].iter().all(|&b| b == 7)), (304, true));
    }

    #[tokio::test(start_paused = true)]
    async fn frames_are_read_one_at_a_time_until_a_clean_end() {
        let mut input: &[u8] = b"\0\0\0\x02hi\0\0\0\0\0\0\0\x03bye";
        assert_eq!(read_frame(&mut input).await, Ok(Some(b"hi".to_vec())));
        assert_eq!(read_frame(&mut input).await, Ok(Some(vec![])));
        assert_eq!(read_frame(&mut input).await, Ok(Some(b"bye".to_vec())));
        assert_eq!(
            read_frame(&mut input).await,
            Ok(None),
            "the end, between frames"
        );
        assert_eq!(read_frame(&mut input).await, Ok(None), "and it stays ended");
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_that_ends_inside_a_frame_is_an_error() {
        for cut in [&b"\0\0"[..], b"\0\0\0", b"\0\0\0\x05he", b"\0\0\0\x05hell"] {
            assert_eq!(
                read_frame(&mut &cut[..]).await,
                Err(UnexpectedEof),
                "{cut:?}"
            );
        }
        let (mut client, server) = duplex(64);
        let server = tokio::spawn(echo_server(server));
        client.write_all(b"\0\0\0\x0ahalf").await.unwrap();
        drop(client); // the connection drops in the middle of the frame
        let result = within_5s("the server at a cut frame", server).await;
        assert_eq!(result.unwrap(), Err(UnexpectedEof));
    }

    #[tokio::test(start_paused = true)]
    async fn a_writer_that_takes_one_byte_per_poll_still_sends_whole_frames() {
        let (client, mut server) = duplex(64);
        let mut client = OneBytePerPoll(client, false);
        for payload in [&b"hello"[..], b"", b"world!"] {
            write_frame(&mut client, payload).await.unwrap();
        }
        drop(client);
        for payload in [&b"hello"[..], b"", b"world!"] {
            assert_eq!(read_frame(&mut server).await, Ok(Some(payload.to_vec())));
        }
        assert_eq!(read_frame(&mut server).await, Ok(None));
    }

    #[tokio::test(start_paused = true)]
    async fn the_echo_server_answers_every_frame_until_the_client_closes() {
        // A 1-byte socket buffer: every read and every write moves one byte at a time.
        let (mut client, server) = duplex(1);
        let server = tokio::spawn(echo_server(server));
        let big: Vec<u8> = (0..1000).map(|i| i as u8).collect();
        for payload in [&b"ping"[..], b"", &big] {
            within_5s("the echo", async {
                write_frame(&mut client, payload).await.unwrap();
                assert_eq!(read_frame(&mut client).await, Ok(Some(payload.to_vec())));
            })
            .await;
        }
        client.shutdown().await.unwrap(); // the client is done sending
        let echoed = within_5s("the server at the end", server).await.unwrap();
        assert_eq!(echoed, Ok(3), "three frames echoed");
        assert_eq!(
            read_frame(&mut client).await,
            Ok(None),
            "the server closed too"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_oversized_frame_is_refused_as_soon_as_its_length_is_read() {
        let mut max = vec![0, 1, 0, 0]; // exactly MAX_FRAME (65 536) is allowed
        max.resize(4 + MAX_FRAME, 9);
        let frame = read_frame(&mut &max[..]).await.unwrap().unwrap();
        assert_eq!(frame.len(), MAX_FRAME);
        let mut over: &[u8] = &[0, 1, 0, 1];
        assert_eq!(read_frame(&mut over).await, Err(TooLarge(MAX_FRAME + 1)));
        let mut huge: &[u8] = &[0xff; 4]; // 4 GiB: allocating first would be the attack
        assert_eq!(read_frame(&mut huge).await, Err(TooLarge(0xffff_ffff)));
        let (mut client, server) = duplex(64);
        let server = tokio::spawn(echo_server(server));
        write_frame(&mut client, b"fine").await.unwrap();
        client.write_all(&[0x7f, 0xff, 0xff, 0xff]).await.unwrap(); // and keeps it open
        assert_eq!(read_frame(&mut client).await, Ok(Some(b"fine".to_vec())));
        let result = within_5s("the server at a 2 GiB length", server).await;
        assert_eq!(
            result.unwrap(),
            Err(TooLarge(0x7fff_ffff)),
            "refused on sight"
        );
        assert_eq!(read_frame(&mut client).await, Ok(None), "and disconnected");
    }

    #[tokio::test(start_paused = true)]
    async fn write_frame_refuses_a_payload_over_the_maximum() {
        let mut out = Vec::new();
        let result = write_frame(&mut out, &vec![0; MAX_FRAME + 1]).await;
        assert_eq!(result, Err(TooLarge(MAX_FRAME + 1)));
        assert_eq!(out, [], "nothing was sent");
        assert_eq!(frame_bytes(&vec![0; MAX_FRAME]).await.len(), 4 + MAX_FRAME);
    }
}
