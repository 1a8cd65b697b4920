//! The frame codec — Java `NettyEncoder`, `NettyDecoder`, `RemotingCommand#fastEncodeHeader`,
//! `RemotingCommand#decode`, `RemotingSerializable` and `RocketMQSerializable`.
//!
//! A frame on the wire (facts §1.1, all integers big-endian):
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
//! **JSON header** (facts §1.3). Java writes it with fastjson: keys in
//! alphabetical order, nulls omitted, enums by name:
//!
//! ```text
//! {"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":3,"serializeTypeCurrentRPC":"JSON","version":479}
//! ```
//!
//! Encoding is by hand — it is on the path of every request, and writing
//! straight into the output buffer is several times faster than building a
//! `serde_json::Value`. We also sort the `extFields` keys (Java leaves them in
//! `HashMap` order) so the same command always gives the same bytes, which
//! keeps traces and tests stable. Decoding goes through serde and is tolerant:
//! unknown keys are ignored, `remark: null` is fine, `language` may be a name or
//! a number, and extFields values may be JSON numbers or booleans.
//!
//! Some peers are strict in return (`rocketmq-client-rust` 1.0, see
//! `/work/notes/compat.md`): they require `serializeTypeCurrentRPC` and insist
//! extFields values be JSON strings. We always write both that way.
//!
//! **ROCKETMQ header** (facts §1.4): `code:i16 language:u8 version:i16
//! opaque:i32 flag:i32 remarkLen:i32 remark extLen:i32 {keyLen:i16 key
//! valLen:i32 val}*` — 21 bytes minimum. `code` and `version` are shorts on
//! the wire, exactly as in Java: request codes above 32767 (the POP family)
//! do not survive this serialization there either.
//!
//! **Limits.** A frame (length prefix included) may be at most 16 MiB
//! ([`FRAME_MAX_LENGTH`]), and the header may not claim more bytes than the
//! frame holds. Anything malformed is a [`FrameError`]; the caller closes the
//! connection. Nothing here panics on input.

use std::collections::HashMap;

use bytes::{Buf, BufMut, Bytes, BytesMut};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::remoting::command::{LanguageCode, RemotingCommand, SerializeType};
use crate::remoting::error::FrameError;

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
        SerializeType::Json => write_json_header(cmd, dst),
        SerializeType::RocketMQ => write_rocketmq_header(cmd, dst),
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

/// Writes the fastjson-shaped JSON header.
fn write_json_header(cmd: &RemotingCommand, dst: &mut BytesMut) {
    dst.put_slice(b"{\"code\":");
    write_decimal(dst, i64::from(cmd.code));
    if !cmd.ext_fields.is_empty() {
        dst.put_slice(b",\"extFields\":{");
        // Sorted for stable bytes. A header has a dozen entries at most, so
        // the references are sorted in a stack array; only an unusually large
        // map falls back to the heap.
        const ON_STACK: usize = 24;
        let mut stack: [(&str, &str); ON_STACK] = [("", ""); ON_STACK];
        let mut heap: Vec<(&str, &str)> = Vec::new();
        let entries: &mut [(&str, &str)] = if cmd.ext_fields.len() <= ON_STACK {
            for (slot, (k, v)) in stack.iter_mut().zip(&cmd.ext_fields) {
                *slot = (k.as_str(), v.as_str());
            }
            &mut stack[..cmd.ext_fields.len()]
        } else {
            heap.extend(cmd.ext_fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            &mut heap
        };
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (i, (key, value)) in entries.iter().enumerate() {
            if i > 0 {
                dst.put_u8(b',');
            }
            write_json_string(dst, key);
            dst.put_u8(b':');
            write_json_string(dst, value);
        }
        dst.put_u8(b'}');
    }
    dst.put_slice(b",\"flag\":");
    write_decimal(dst, i64::from(cmd.flag));
    dst.put_slice(b",\"language\":\"");
    dst.put_slice(cmd.language.name().as_bytes());
    dst.put_slice(b"\",\"opaque\":");
    write_decimal(dst, i64::from(cmd.opaque));
    if let Some(remark) = &cmd.remark {
        dst.put_slice(b",\"remark\":");
        write_json_string(dst, remark);
    }
    dst.put_slice(b",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":");
    write_decimal(dst, i64::from(cmd.version));
    dst.put_u8(b'}');
}

/// Writes an integer in decimal without going through `fmt`.
fn write_decimal(dst: &mut BytesMut, value: i64) {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    let negative = value < 0;
    let mut n = value.unsigned_abs();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if negative {
        dst.put_u8(b'-');
    }
    dst.put_slice(&buf[pos..]);
}

/// Writes a JSON string literal, escaping what JSON requires (quote,
/// backslash, control characters) and nothing else, as fastjson does.
fn write_json_string(dst: &mut BytesMut, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    dst.put_u8(b'"');
    let bytes = s.as_bytes();
    let mut run_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            0x00..=0x1F => b"",
            _ => continue,
        };
        dst.put_slice(&bytes[run_start..i]);
        if escape.is_empty() {
            dst.put_slice(b"\\u00");
            dst.put_u8(HEX[(b >> 4) as usize]);
            dst.put_u8(HEX[(b & 0xF) as usize]);
        } else {
            dst.put_slice(escape);
        }
        run_start = i + 1;
    }
    dst.put_slice(&bytes[run_start..]);
    dst.put_u8(b'"');
}

/// Writes the ROCKETMQ binary header (facts §1.4).
fn write_rocketmq_header(cmd: &RemotingCommand, dst: &mut BytesMut) {
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

// ---------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------

/// Takes one complete frame off the front of `src`.
///
/// * `Ok(Some(cmd))` — a frame was decoded and removed from `src`.
/// * `Ok(None)` — `src` holds only part of a frame; read more and call again.
///   Room for the rest of the frame has been reserved in `src`.
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
        src.reserve(total - src.len());
        return Ok(None);
    }
    let mut frame = src.split_to(total);
    frame.advance(4);
    decode_frame(frame.freeze()).map(Some)
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
        SerializeType::Json => decode_json_header(&header)?,
        SerializeType::RocketMQ => decode_rocketmq_header(&header)?,
    };
    cmd.serialize_type = serialize_type;
    cmd.body = if frame.is_empty() { None } else { Some(frame) };
    Ok(cmd)
}

/// The JSON header as serde sees it. Every field has a default: fastjson
/// leaves missing keys at the Java field's initial value.
#[derive(Deserialize)]
struct JsonHeader {
    #[serde(default, deserialize_with = "lenient_i32")]
    code: i32,
    #[serde(default, deserialize_with = "language_by_name_or_code")]
    language: LanguageCode,
    #[serde(default, deserialize_with = "lenient_i32")]
    version: i32,
    #[serde(default, deserialize_with = "lenient_i32")]
    opaque: i32,
    #[serde(default, deserialize_with = "lenient_i32")]
    flag: i32,
    #[serde(default)]
    remark: Option<String>,
    #[serde(
        default,
        rename = "extFields",
        deserialize_with = "ext_fields_as_strings"
    )]
    ext_fields: HashMap<String, String>,
}

fn decode_json_header(header: &[u8]) -> Result<RemotingCommand, FrameError> {
    // serde would also accept a struct written as an array (`[105,0,…]`);
    // fastjson would not, and neither do we.
    if header.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(FrameError::InvalidJsonHeader(
            "the header is not a JSON object".to_owned(),
        ));
    }
    let h: JsonHeader =
        serde_json::from_slice(header).map_err(|e| FrameError::InvalidJsonHeader(e.to_string()))?;
    Ok(RemotingCommand {
        code: h.code,
        language: h.language,
        version: h.version,
        opaque: h.opaque,
        flag: h.flag,
        remark: h.remark,
        ext_fields: h.ext_fields,
        body: None,
        serialize_type: SerializeType::Json,
    })
}

/// An `int` field: a JSON integer as Java would take it; `null` is 0, and a
/// numeric string is accepted because fastjson accepts it too.
fn lenient_i32<'de, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = i32;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a 32-bit integer")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i32, E> {
            i32::try_from(v).map_err(|_| E::custom(format!("{v} does not fit in an int")))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i32, E> {
            i32::try_from(v).map_err(|_| E::custom(format!("{v} does not fit in an int")))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<i32, E> {
            v.trim()
                .parse()
                .map_err(|_| E::custom(format!("{v:?} is not an int")))
        }
        fn visit_unit<E: de::Error>(self) -> Result<i32, E> {
            Ok(0)
        }
    }
    d.deserialize_any(V)
}

/// `language` is an enum name in fastjson output; accept its ordinal too.
fn language_by_name_or_code<'de, D: Deserializer<'de>>(d: D) -> Result<LanguageCode, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = LanguageCode;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a LanguageCode name")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<LanguageCode, E> {
            Ok(LanguageCode::from_name(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<LanguageCode, E> {
            Ok(u8::try_from(v).map_or(LanguageCode::Other, LanguageCode::from_code))
        }
        fn visit_i64<E: de::Error>(self, _v: i64) -> Result<LanguageCode, E> {
            Ok(LanguageCode::Other)
        }
        fn visit_unit<E: de::Error>(self) -> Result<LanguageCode, E> {
            Ok(LanguageCode::Java)
        }
    }
    d.deserialize_any(V)
}

/// `extFields` is a `HashMap<String, String>` in Java; fastjson turns a
/// number or boolean value into its text, and drops a `null` one.
fn ext_fields_as_strings<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<HashMap<String, String>, D::Error> {
    /// One value of the map; `None` for JSON null.
    struct Scalar(Option<String>);

    impl<'de> Deserialize<'de> for Scalar {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Scalar;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a string, number, boolean or null")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                    Ok(Scalar(Some(v.to_owned())))
                }
                fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
                    Ok(Scalar(Some(v)))
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                    Ok(Scalar(Some(v.to_string())))
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                    Ok(Scalar(Some(v.to_string())))
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                    Ok(Scalar(Some(v.to_string())))
                }
                fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                    Ok(Scalar(Some(v.to_string())))
                }
                fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                    Ok(Scalar(None))
                }
            }
            d.deserialize_any(V)
        }
    }

    struct MapV;
    impl<'de> Visitor<'de> for MapV {
        type Value = HashMap<String, String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object of strings, or null")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            // serde_json gives no size hint; a send header has 10–14 keys.
            let mut out = HashMap::with_capacity(map.size_hint().unwrap_or(16));
            while let Some((key, Scalar(value))) = map.next_entry::<String, Scalar>()? {
                if let Some(value) = value {
                    out.insert(key, value);
                }
            }
            Ok(out)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(HashMap::new())
        }
    }
    d.deserialize_any(MapV)
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

fn decode_rocketmq_header(header: &[u8]) -> Result<RemotingCommand, FrameError> {
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
    use super::*;
    use crate::remoting::code::request_code;
    use crate::remoting::command::flag;

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
    fn json_header_matches_fastjson_example() {
        let mut cmd = RemotingCommand::new_request(request_code::GET_ROUTEINFO_BY_TOPIC);
        cmd.serialize_type = SerializeType::Json;
        cmd.opaque = 3;
        cmd.ext_fields.insert("topic".into(), "TopicTest".into());
        let buf = frame_of(&cmd);
        let expected = br#"{"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":3,"serializeTypeCurrentRPC":"JSON","version":479}"#;
        assert_eq!(&buf[8..], &expected[..]);
        assert_eq!(&buf[0..4], &(4 + expected.len() as u32).to_be_bytes());
        assert_eq!(&buf[4..8], &(expected.len() as u32).to_be_bytes());
    }

    #[test]
    fn json_header_omits_empty_ext_and_null_remark_and_escapes_strings() {
        let mut cmd = RemotingCommand::new_response(0, None);
        cmd.serialize_type = SerializeType::Json;
        cmd.opaque = -7;
        let buf = frame_of(&cmd);
        assert_eq!(
            &buf[8..],
            &br#"{"code":0,"flag":1,"language":"JAVA","opaque":-7,"serializeTypeCurrentRPC":"JSON","version":479}"#[..]
        );
        cmd.remark = Some("a\"b\\c\n\u{1}".into());
        let buf = frame_of(&cmd);
        let text = std::str::from_utf8(&buf[8..]).unwrap();
        assert!(text.contains(r#""remark":"a\"b\\c\n\u0001""#), "{text}");
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

    #[test]
    fn accepts_what_other_clients_send() {
        // rocketmq-client-rust's key order, explicit null remark, language RUST.
        let json = br#"{"code":10,"language":"RUST","version":474,"opaque":7,"flag":0,"remark":null,"extFields":{"topic":"T","queueId":"1"},"serializeTypeCurrentRPC":"JSON"}"#;
        let cmd = decode_frame(json_frame(json)).unwrap();
        assert_eq!((cmd.code, cmd.version, cmd.opaque), (10, 474, 7));
        assert_eq!(cmd.language, LanguageCode::Rust);
        assert_eq!(cmd.remark, None);
        assert_eq!(cmd.ext("queueId"), Some("1"));

        // Numbers and booleans as extFields values, unknown keys, numeric
        // language, null extFields.
        let json = br#"{"code":"11","extFields":{"queueId":3,"unitMode":true,"x":null},"language":12,"future":[1,{"a":2}]}"#;
        let cmd = decode_frame(json_frame(json)).unwrap();
        assert_eq!(cmd.code, 11);
        assert_eq!(cmd.ext("queueId"), Some("3"));
        assert_eq!(cmd.ext("unitMode"), Some("true"));
        assert_eq!(cmd.ext("x"), None);
        assert_eq!(cmd.language, LanguageCode::Rust);
        let cmd = decode_frame(json_frame(br#"{"code":1,"extFields":null}"#)).unwrap();
        assert!(cmd.ext_fields.is_empty());
    }

    fn json_frame(header: &[u8]) -> Bytes {
        let mut b = BytesMut::new();
        b.put_u32(header.len() as u32);
        b.put_slice(header);
        b.freeze()
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

    #[test]
    fn rejects_invalid_json_headers() {
        for bad in [
            &b""[..],
            b"{",
            b"not json",
            b"[1,2]",
            b"{\"code\":1.5}",
            b"{\"code\":99999999999}",
            b"{\"extFields\":{\"a\":[1]}}",
            b"{\"extFields\":7}",
            b"\xff\xfe",
        ] {
            let err = decode_frame(json_frame(bad)).unwrap_err();
            assert!(
                matches!(err, FrameError::InvalidJsonHeader(_)),
                "{bad:?}: {err}"
            );
        }
    }

    #[test]
    fn rejects_truncated_rocketmq_headers() {
        let cmd = sample(SerializeType::RocketMQ);
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
