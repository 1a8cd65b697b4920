//! The ROCKETMQ binary header — Java `RocketMQSerializable` (`remoting/src/main/java/org/apache/rocketmq/remoting/protocol/RocketMQSerializable.java`).
//!
//! ```text
//! code:i16 language:u8 version:i16 opaque:i32 flag:i32
//! remarkLen:i32 remark  extLen:i32 { keyLen:i16 key valLen:i32 val }*
//! ```
//!
//! 21 bytes at the least, and no field names on the wire, which makes it
//! several times cheaper than JSON to write and read. `code` and `version`
//! are shorts, exactly as in Java: request codes above 32767 (the POP family)
//! do not survive this serialization there either. A zero remark length means
//! "no remark".

use std::collections::HashMap;

use bytes::{BufMut, BytesMut};

use crate::remoting::command::{LanguageCode, RemotingCommand, SerializeType};
use crate::remoting::error::FrameError;

/// Writes the ROCKETMQ binary header of `cmd` to `dst` (`remoting/src/main/java/org/apache/rocketmq/remoting/protocol/RocketMQSerializable.java`).
pub(crate) fn write_header(cmd: &RemotingCommand, dst: &mut BytesMut) {
    // Java writes `(short) code` and `(short) version`: truncation is the
    // protocol, not an accident of ours.
    dst.put_i16(cmd.code as i16);
    dst.put_u8(cmd.language.code());
    dst.put_i16(cmd.version as i16);
    dst.put_i32(cmd.opaque);
    dst.put_i32(cmd.flag);
    match &cmd.remark {
        // An empty remark is written as length 0, which decodes as no remark.
        Some(remark) => {
            dst.put_u32(remark.len() as u32);
            dst.put_slice(remark.as_bytes());
        }
        None => dst.put_u32(0),
    }
    let ext_len: usize = cmd
        .ext_fields
        .iter()
        .map(|(k, v)| 2 + k.len() + 4 + v.len())
        .sum();
    dst.put_u32(ext_len as u32);
    for (key, value) in &cmd.ext_fields {
        dst.put_u16(key.len() as u16);
        dst.put_slice(key.as_bytes());
        dst.put_u32(value.len() as u32);
        dst.put_slice(value.as_bytes());
    }
}

/// How many entries an ext section holds, by hopping over the length fields
/// (so the map is allocated once). A malformed section is counted as far as
/// it goes; the real parse reports the error.
fn count_ext_entries(mut ext: &[u8]) -> usize {
    let mut n = 0;
    while ext.len() >= 2 {
        let key_len = usize::from(u16::from_be_bytes([ext[0], ext[1]]));
        let Some(rest) = ext.get(2 + key_len..) else {
            break;
        };
        let Some(len) = rest.get(..4) else { break };
        let value_len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        n += 1;
        ext = rest.get(value_len.saturating_add(4)..).unwrap_or(&[]);
    }
    n
}

/// A cursor over the ROCKETMQ header that reports *which* field ran out.
struct BinaryReader<'a> {
    buf: &'a [u8],
    header_len: usize,
}

impl<'a> BinaryReader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], FrameError> {
        if self.buf.len() < n {
            return Err(FrameError::InvalidBinaryHeader(format!(
                "{what} needs {n} bytes but only {} of the {}-byte header remain",
                self.buf.len(),
                self.header_len
            )));
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    fn i16(&mut self, what: &str) -> Result<i16, FrameError> {
        let b = self.take(2, what)?;
        Ok(i16::from_be_bytes([b[0], b[1]]))
    }

    fn u16(&mut self, what: &str) -> Result<u16, FrameError> {
        Ok(self.i16(what)? as u16)
    }

    fn i32(&mut self, what: &str) -> Result<i32, FrameError> {
        let b = self.take(4, what)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A length field: negative is malformed.
    fn len(&mut self, what: &str) -> Result<usize, FrameError> {
        let n = self.i32(what)?;
        usize::try_from(n)
            .map_err(|_| FrameError::InvalidBinaryHeader(format!("{what} is negative ({n})")))
    }

    fn utf8(&mut self, n: usize, what: &str) -> Result<String, FrameError> {
        let b = self.take(n, what)?;
        // Java decodes with `new String(bytes, UTF_8)`, which replaces invalid
        // sequences rather than failing; so do we. Valid UTF-8 (the normal
        // case) takes the fast validating path.
        Ok(match std::str::from_utf8(b) {
            Ok(s) => s.to_owned(),
            Err(_) => String::from_utf8_lossy(b).into_owned(),
        })
    }
}

/// Parses a ROCKETMQ binary header (the bytes between header mark and body).
pub(crate) fn read_header(header: &[u8]) -> Result<RemotingCommand, FrameError> {
    let mut r = BinaryReader {
        buf: header,
        header_len: header.len(),
    };
    let code = i32::from(r.i16("code")?);
    let language = LanguageCode::from_code(r.take(1, "language")?[0]);
    let version = i32::from(r.i16("version")?);
    let opaque = r.i32("opaque")?;
    let flag = r.i32("flag")?;
    let remark_len = r.len("remark length")?;
    let remark = if remark_len > 0 {
        Some(r.utf8(remark_len, "remark")?)
    } else {
        None
    };
    let ext_len = r.len("extFields length")?;
    let ext_bytes = r.take(ext_len, "extFields")?;
    let mut ext = BinaryReader {
        buf: ext_bytes,
        header_len: header.len(),
    };
    let mut ext_fields = HashMap::with_capacity(count_ext_entries(ext_bytes));
    while !ext.buf.is_empty() {
        let key_len = usize::from(ext.u16("extFields key length")?);
        let key = ext.utf8(key_len, "extFields key")?;
        let value_len = ext.len("extFields value length")?;
        let value = ext.utf8(value_len, "extFields value")?;
        ext_fields.insert(key, value);
    }
    // Bytes after the ext section have no meaning; Java ignores them, we do too.
    Ok(RemotingCommand {
        code,
        language,
        version,
        opaque,
        flag,
        remark,
        ext_fields,
        body: None,
        serialize_type: SerializeType::RocketMQ,
    })
}

#[cfg(test)]
mod tests {
    use bytes::{BufMut, Bytes, BytesMut};

    use crate::remoting::code::request_code;
    use crate::remoting::codec::{decode_frame, encode};
    use crate::remoting::command::{LanguageCode, RemotingCommand, SerializeType, flag};
    use crate::remoting::error::FrameError;

    fn frame_of(cmd: &RemotingCommand) -> BytesMut {
        let mut buf = BytesMut::new();
        encode(cmd, &mut buf).unwrap();
        buf
    }

    fn sample() -> RemotingCommand {
        RemotingCommand {
            code: request_code::SEND_MESSAGE_V2,
            language: LanguageCode::Rust,
            version: 479,
            opaque: 42,
            flag: flag::ONEWAY,
            remark: Some("a remark".into()),
            ext_fields: [("a", "pg"), ("b", "TopicTest"), ("e", "-1")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: Some(Bytes::from_static(b"body")),
            serialize_type: SerializeType::RocketMQ,
        }
    }

    #[test]
    fn rocketmq_header_layout() {
        let mut cmd = RemotingCommand::new_request(request_code::PULL_MESSAGE);
        cmd.serialize_type = SerializeType::RocketMQ;
        cmd.opaque = 0x01020304;
        cmd.language = LanguageCode::Go;
        cmd.remark = Some("hi".into());
        cmd.ext_fields.insert("k".into(), "vv".into());
        let buf = frame_of(&cmd);
        let header_len = 21 + 2 + (2 + 1 + 4 + 2);
        assert_eq!(
            &buf[4..8],
            &((1u32 << 24) | header_len as u32).to_be_bytes()
        );
        let h = &buf[8..];
        assert_eq!(&h[0..2], &11i16.to_be_bytes());
        assert_eq!(h[2], 9);
        assert_eq!(&h[3..5], &479i16.to_be_bytes());
        assert_eq!(&h[5..9], &[1, 2, 3, 4]);
        assert_eq!(&h[9..13], &0i32.to_be_bytes());
        assert_eq!(&h[13..17], &2i32.to_be_bytes());
        assert_eq!(&h[17..19], b"hi");
        assert_eq!(&h[19..23], &9i32.to_be_bytes());
        assert_eq!(&h[23..], b"\x00\x01k\x00\x00\x00\x02vv");
    }

    #[test]
    fn rejects_truncated_rocketmq_headers() {
        let cmd = sample();
        let full = frame_of(&cmd);
        let header_len =
            (u32::from_be_bytes([full[4], full[5], full[6], full[7]]) & 0xFF_FFFF) as usize;
        // Every shorter header (same bytes, smaller headerLen) is an error,
        // except cut points that land exactly between ext entries.
        let header = &full[8..8 + header_len];
        for cut in 0..header_len {
            let mut b = BytesMut::new();
            b.put_u32((1 << 24) | cut as u32);
            b.put_slice(&header[..cut]);
            let result = decode_frame(b.freeze());
            assert!(result.is_err(), "cut at {cut} decoded");
        }
    }

    #[test]
    fn rejects_negative_and_overlong_rocketmq_lengths() {
        let mut h = BytesMut::new();
        h.put_i16(10);
        h.put_u8(0);
        h.put_i16(1);
        h.put_i32(1);
        h.put_i32(0);
        h.put_i32(-5); // remark length
        h.put_i32(0);
        let mut b = BytesMut::new();
        b.put_u32((1 << 24) | h.len() as u32);
        b.put_slice(&h);
        assert!(matches!(
            decode_frame(b.freeze()),
            Err(FrameError::InvalidBinaryHeader(_))
        ));

        let mut h = BytesMut::new();
        h.put_slice(&[0; 13]);
        h.put_i32(0);
        h.put_i32(1000); // ext length far beyond the header
        let mut b = BytesMut::new();
        b.put_u32((1 << 24) | h.len() as u32);
        b.put_slice(&h);
        assert!(matches!(
            decode_frame(b.freeze()),
            Err(FrameError::InvalidBinaryHeader(_))
        ));
    }

    #[test]
    fn tolerates_invalid_utf8_in_rocketmq_strings() {
        let mut h = BytesMut::new();
        h.put_slice(&[0; 13]);
        h.put_i32(2);
        h.put_slice(&[0xff, 0xfe]);
        h.put_i32(0);
        let mut b = BytesMut::new();
        b.put_u32((1 << 24) | h.len() as u32);
        b.put_slice(&h);
        let cmd = decode_frame(b.freeze()).unwrap();
        assert_eq!(cmd.remark.as_deref(), Some("\u{fffd}\u{fffd}"));
    }
}
