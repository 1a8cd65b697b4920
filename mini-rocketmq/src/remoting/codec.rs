//! The frame codec — Java `NettyEncoder`, `NettyDecoder`, `RemotingCommand#fastEncodeHeader`
//! and `RemotingCommand#decode`.
//!
//! A frame on the wire (Java `RemotingCommand#decode`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/RemotingCommand.java`, all integers big-endian):
//!
//! ```text
//! +-----------+-------------------------+----------------------+---------------+
//! | frameLen  | headerMark              | header               | body          |
//! | 4 bytes   | 1 byte type | 3 bytes   | headerLen bytes      | the rest      |
//! |           | (0 JSON,    | headerLen | JSON text or         | (opaque bytes)|
//! |           |  1 ROCKETMQ)|           | ROCKETMQ binary      |               |
//! +-----------+-------------------------+----------------------+---------------+
//!             |<-------------------- frameLen bytes -------------------------->|
//! ```
//!
//! Every frame says how its own header is serialized, so a peer must decode
//! both kinds on every frame; we answer in the caller's kind.
//!
//! The two header serializations live in their own files, named after the
//! Java classes: [`remoting_serializable`] (JSON) and [`rocketmq_serializable`]
//! (binary). This file only frames them.
//!
//! [`remoting_serializable`]: crate::remoting::remoting_serializable
//! [`rocketmq_serializable`]: crate::remoting::rocketmq_serializable
//!
//! **Limits.** A frame (length prefix included) may be at most 16 MiB
//! ([`FRAME_MAX_LENGTH`]), and the header may not claim more bytes than the
//! frame holds. Anything malformed is a [`FrameError`]; the caller closes the
//! connection. Nothing here panics on input.

use bytes::{Buf, BufMut, Bytes, BytesMut};

use crate::remoting::command::{RemotingCommand, SerializeType};
use crate::remoting::error::FrameError;
use crate::remoting::{remoting_serializable, rocketmq_serializable};

/// `com.rocketmq.remoting.frameMaxLength`: the largest frame, counting its
/// 4-byte length prefix (Netty compares `frameLen + 4` with it).
pub const FRAME_MAX_LENGTH: usize = 16 * 1024 * 1024;

/// The smallest ROCKETMQ header: all fixed fields, empty remark and ext.
pub const ROCKETMQ_HEADER_MIN_LEN: usize = 21;

/// The header length is the low 24 bits of the header mark.
const HEADER_LEN_MASK: usize = 0x00FF_FFFF;

// ---------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------

/// Appends `cmd` as one complete frame to `dst`, its header in
/// `cmd.serialize_type`.
///
/// Fails only when the result would be larger than [`FRAME_MAX_LENGTH`],
/// which the peer would reject by closing the connection; `dst` is then left
/// as it was.
pub fn encode(cmd: &RemotingCommand, dst: &mut BytesMut) -> Result<(), FrameError> {
    let start = dst.len();
    encode_header(cmd, dst)?;
    if let Some(body) = &cmd.body {
        dst.extend_from_slice(body);
    }
    debug_assert_eq!(dst.len() - start, frame_len_of(dst, start) + 4);
    Ok(())
}

#[cfg(debug_assertions)]
fn frame_len_of(dst: &BytesMut, start: usize) -> usize {
    let mut b = &dst[start..start + 4];
    b.get_u32() as usize
}

#[cfg(not(debug_assertions))]
fn frame_len_of(_dst: &BytesMut, _start: usize) -> usize {
    0
}

/// Appends the length prefix, header mark and header of `cmd` to `dst`, with
/// a length prefix that already counts the body. The caller appends the body
/// (or writes it to the socket separately, avoiding a copy of a large body).
///
/// Like Java's `fastEncodeHeader`: reserve 8 bytes, write the header after
/// them, then go back and fill in the two lengths.
pub fn encode_header(cmd: &RemotingCommand, dst: &mut BytesMut) -> Result<(), FrameError> {
    let start = dst.len();
    dst.put_u64(0); // placeholders for frameLen and headerMark
    match cmd.serialize_type {
        SerializeType::Json => remoting_serializable::write_header(cmd, dst),
        SerializeType::RocketMQ => rocketmq_serializable::write_header(cmd, dst),
    }
    let header_len = dst.len() - start - 8;
    let body_len = cmd.body.as_ref().map_or(0, Bytes::len);
    let frame_len = 4 + header_len + body_len;
    if frame_len + 4 > FRAME_MAX_LENGTH {
        dst.truncate(start);
        return Err(FrameError::TooLong {
            frame_len: frame_len as i64,
            total: frame_len as i64 + 4,
            max: FRAME_MAX_LENGTH,
        });
    }
    // Both casts are in range: frame_len + 4 <= 16 MiB was just checked, and
    // header_len < frame_len, so it fits in 24 bits.
    let mark = (u32::from(cmd.serialize_type.code()) << 24) | header_len as u32;
    dst[start..start + 4].copy_from_slice(&(frame_len as u32).to_be_bytes());
    dst[start + 4..start + 8].copy_from_slice(&mark.to_be_bytes());
    Ok(())
}

// ---------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------

/// Takes one complete frame off the front of `src`.
///
/// * `Ok(Some(cmd))` — a frame was decoded and removed from `src`.
/// * `Ok(None)` — `src` holds only part of a frame; read more and call again.
///   Nothing is reserved for the rest: a length prefix is only a claim, and
///   memory is given for bytes that arrive, not for bytes announced (the
///   connection grows its buffer as they come, see
///   [`pending_frame_total`]).
/// * `Err(_)` — the stream is not valid RocketMQ; close the connection.
///
/// The body is a zero-copy slice of the read buffer.
pub fn decode(src: &mut BytesMut) -> Result<Option<RemotingCommand>, FrameError> {
    let Some(prefix) = src.get(..4) else {
        return Ok(None);
    };
    let frame_len = i64::from(i32::from_be_bytes([
        prefix[0], prefix[1], prefix[2], prefix[3],
    ]));
    check_frame_len(frame_len)?;
    let frame_len = frame_len as usize; // 4..16 MiB after the check
    let total = 4 + frame_len;
    if src.len() < total {
        return Ok(None);
    }
    let mut frame = src.split_to(total);
    frame.advance(4);
    decode_frame(frame.freeze()).map(Some)
}

/// Size (prefix included) of the frame whose start `src` holds, once its
/// length prefix is in and valid; `None` before that or for a bad prefix
/// (which [`decode`] reports).
pub fn pending_frame_total(src: &[u8]) -> Option<usize> {
    let prefix = src.get(..4)?;
    let frame_len = i64::from(i32::from_be_bytes([
        prefix[0], prefix[1], prefix[2], prefix[3],
    ]));
    check_frame_len(frame_len).ok()?;
    Some(4 + frame_len as usize)
}

/// Rejects a length prefix that cannot start a valid frame, as soon as its 4
/// bytes are in — before buffering up to 2 GiB for a hostile length.
fn check_frame_len(frame_len: i64) -> Result<(), FrameError> {
    if frame_len < 4 {
        return Err(FrameError::BadFrameLength { frame_len });
    }
    if frame_len + 4 > FRAME_MAX_LENGTH as i64 {
        return Err(FrameError::TooLong {
            frame_len,
            total: frame_len + 4,
            max: FRAME_MAX_LENGTH,
        });
    }
    Ok(())
}

/// Decodes one frame *without* its length prefix: header mark, header, body.
pub fn decode_frame(mut frame: Bytes) -> Result<RemotingCommand, FrameError> {
    let frame_len = frame.len();
    if frame_len < 4 {
        return Err(FrameError::BadFrameLength {
            frame_len: frame_len as i64,
        });
    }
    let mark = frame.get_u32();
    let header_len = mark as usize & HEADER_LEN_MASK;
    if header_len > frame_len - 4 {
        return Err(FrameError::HeaderTooLong {
            header_len,
            frame_len,
        });
    }
    let type_code = (mark >> 24) as u8;
    let serialize_type =
        SerializeType::from_code(type_code).ok_or(FrameError::UnknownSerializeType(type_code))?;
    let header = frame.split_to(header_len);
    let mut cmd = match serialize_type {
        SerializeType::Json => remoting_serializable::read_header(&header)?,
        SerializeType::RocketMQ => rocketmq_serializable::read_header(&header)?,
    };
    cmd.serialize_type = serialize_type;
    cmd.body = if frame.is_empty() { None } else { Some(frame) };
    Ok(cmd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::code::request_code;
    use crate::remoting::command::{LanguageCode, flag};

    fn sample(serialize_type: SerializeType) -> RemotingCommand {
        RemotingCommand {
            code: request_code::SEND_MESSAGE_V2,
            language: LanguageCode::Rust,
            version: 479,
            opaque: 42,
            flag: flag::ONEWAY,
            remark: Some("quote \" backslash \\ newline \n tab \t bell \u{7} ünïcode".into()),
            ext_fields: [
                ("a", "pg"),
                ("b", "TopicTest"),
                ("e", "-1"),
                ("i", "K\u{1}V\u{2}"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            body: Some(Bytes::from_static(b"hello body")),
            serialize_type,
        }
    }

    fn frame_of(cmd: &RemotingCommand) -> BytesMut {
        let mut buf = BytesMut::new();
        encode(cmd, &mut buf).unwrap();
        buf
    }

    #[test]
    fn round_trip_both_serializations() {
        for st in [SerializeType::Json, SerializeType::RocketMQ] {
            let cmd = sample(st);
            let mut buf = frame_of(&cmd);
            let decoded = decode(&mut buf).unwrap().unwrap();
            assert!(buf.is_empty());
            assert_eq!(decoded, cmd, "{st:?}");
        }
    }

    #[test]
    fn round_trip_without_body_ext_or_remark() {
        for st in [SerializeType::Json, SerializeType::RocketMQ] {
            let mut cmd = RemotingCommand::new_request(request_code::HEART_BEAT);
            cmd.serialize_type = st;
            let mut buf = frame_of(&cmd);
            assert_eq!(decode(&mut buf).unwrap().unwrap(), cmd);
        }
    }

    #[test]
    fn decodes_many_frames_from_one_buffer_and_waits_for_partial_ones() {
        let mut all = BytesMut::new();
        for st in [
            SerializeType::Json,
            SerializeType::RocketMQ,
            SerializeType::Json,
        ] {
            encode(&sample(st), &mut all).unwrap();
        }
        let whole = all.clone();
        // Feed byte by byte: no frame appears early, each appears exactly once.
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        for &b in whole.iter() {
            buf.put_u8(b);
            while let Some(cmd) = decode(&mut buf).unwrap() {
                got.push(cmd.serialize_type);
            }
        }
        assert_eq!(
            got,
            [
                SerializeType::Json,
                SerializeType::RocketMQ,
                SerializeType::Json
            ]
        );
        assert!(buf.is_empty());
    }

    // ---- malformed input: every case is an error, none panics ----

    #[test]
    fn rejects_length_too_small_or_negative() {
        for len in [0i32, 3, -1, i32::MIN] {
            let mut buf = BytesMut::from(&len.to_be_bytes()[..]);
            assert!(
                matches!(decode(&mut buf), Err(FrameError::BadFrameLength { .. })),
                "{len}"
            );
        }
    }

    #[test]
    fn rejects_oversized_frame_before_buffering_it() {
        let mut buf = BytesMut::new();
        buf.put_i32((FRAME_MAX_LENGTH - 4 + 1) as i32);
        assert!(matches!(decode(&mut buf), Err(FrameError::TooLong { .. })));
        let mut buf = BytesMut::new();
        buf.put_i32(i32::MAX);
        assert!(matches!(decode(&mut buf), Err(FrameError::TooLong { .. })));
        // Exactly at the limit is allowed (and just waits for the bytes).
        let mut buf = BytesMut::new();
        buf.put_i32((FRAME_MAX_LENGTH - 4) as i32);
        assert!(matches!(decode(&mut buf), Ok(None)));
    }

    #[test]
    fn refuses_to_encode_oversized_frame() {
        let mut cmd = RemotingCommand::new_request(request_code::SEND_MESSAGE);
        cmd.body = Some(Bytes::from(vec![0u8; FRAME_MAX_LENGTH]));
        let mut buf = BytesMut::from(&b"keep"[..]);
        assert!(matches!(
            encode(&cmd, &mut buf),
            Err(FrameError::TooLong { .. })
        ));
        assert_eq!(&buf[..], b"keep");
    }

    #[test]
    fn rejects_header_longer_than_frame() {
        let mut buf = BytesMut::new();
        buf.put_u32(4 + 2);
        buf.put_u32(3); // JSON, headerLen 3 > 6 - 4
        buf.put_slice(b"{}");
        assert!(matches!(
            decode(&mut buf),
            Err(FrameError::HeaderTooLong {
                header_len: 3,
                frame_len: 6
            })
        ));
    }

    #[test]
    fn rejects_unknown_serialize_type() {
        let mut buf = BytesMut::new();
        buf.put_u32(4 + 2);
        buf.put_u32((7 << 24) | 2);
        buf.put_slice(b"{}");
        assert!(matches!(
            decode(&mut buf),
            Err(FrameError::UnknownSerializeType(7))
        ));
    }
}
