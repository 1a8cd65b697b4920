//! Byte formats of a message (Java: `org.apache.rocketmq.common.message.MessageDecoder`).
//!
//! Two formats live here, both big-endian like everything RocketMQ puts on
//! disk or on the wire:
//!
//! 1. **Properties string** (Java `MessageDecoder#messageProperties2String`, `common/src/main/java/org/apache/rocketmq/common/message/MessageDecoder.java`): `key \u0001 value \u0002` per pair.
//! 2. **CommitLog record** (Java `MessageExtEncoder#encode`, `store/src/main/java/org/apache/rocketmq/store/MessageExtEncoder.java`): the unit the store appends and a pull
//!    returns verbatim. Byte offsets for IPv4 hosts:
//!
//! ```text
//!  0 TOTALSIZE i32 | 4 MAGICCODE i32 | 8 BODYCRC i32 | 12 QUEUEID i32 | 16 FLAG i32
//! 20 QUEUEOFFSET i64 | 28 PHYSICALOFFSET i64 | 36 SYSFLAG i32 | 40 BORNTIMESTAMP i64
//! 48 BORNHOST ip(4|16)+port i32 | 56 STORETIMESTAMP i64 | 64 STOREHOST ip(4|16)+port i32
//! 72 RECONSUMETIMES i32 | 76 PREPAREDTRANSACTIONOFFSET i64 | 84 BODYLEN i32 + BODY
//!    TOPICLEN u8 (v1) or i16 (v2) + TOPIC | PROPERTIESLEN i16 + PROPERTIES
//! ```
//!
//! Java's `MessageDecoder` also holds the batch body of SEND_BATCH_MESSAGE
//! and the offset message id; here they have their own files,
//! [`message_batch`](super::message_batch) and [`message_id`](super::message_id),
//! and are re-exported below so either path works.
//!
//! The record codec is split in two on purpose. [`encode_record_into`] writes
//! a record into any `&mut [u8]` — the store points it straight at the
//! memory-mapped CommitLog, so a put costs no intermediate buffer.
//! [`parse_record`] reads a record *in place* into a [`RecordView`] of
//! borrowed slices, which is all the dispatcher and recovery need; only
//! [`decode`] allocates, to build a full [`MessageExt`] for a client.

use std::collections::BTreeMap;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use bytes::Bytes;

use super::message::{Message, MessageExt, MessageVersion};
use super::sysflag::MessageSysFlag;

pub use super::message_batch::{
    BatchEntry, batch_entries, decode_messages, encode_message, encode_messages,
};
pub use super::message_id::{
    MessageId, bytes_to_hex, create_message_id, decode_message_id, hex_to_bytes,
};

/// Record magic of layout v1 (1-byte topic length): 0xDAA320A7.
pub const MESSAGE_MAGIC_CODE: i32 = 0xDAA320A7_u32 as i32;
/// Record magic of layout v2 (2-byte topic length): 0xDAA320AB.
pub const MESSAGE_MAGIC_CODE_V2: i32 = 0xDAA320AB_u32 as i32;
/// Magic of the end-of-file filler `[remaining][BLANK_MAGIC_CODE]`: 0xCBD43194.
pub const BLANK_MAGIC_CODE: i32 = 0xCBD43194_u32 as i32;

pub const NAME_VALUE_SEPARATOR: char = '\u{1}';
pub const PROPERTY_SEPARATOR: char = '\u{2}';

/// Byte position of QUEUEOFFSET in a record.
pub const QUEUE_OFFSET_POSITION: usize = 20;
/// Byte position of PHYSICALOFFSET in a record.
pub const PHYSICAL_OFFSET_POSITION: usize = 28;
/// Byte position of SYSFLAG in a record.
pub const SYSFLAG_POSITION: usize = 36;
/// Byte position of BORNHOST in a record.
pub const BORN_HOST_POSITION: usize = 48;

/// Everything that can be wrong with bytes handed to this module.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("record truncated: need {need} bytes, have {have}")]
    Truncated { need: usize, have: usize },
    #[error("bad magic code {0:#010x} (not a v1/v2 message record)")]
    BadMagic(i32),
    #[error("end-of-file blank record ({0} bytes left in the file)")]
    Blank(i32),
    #[error("record fields add up to {computed} bytes but TOTALSIZE says {total}")]
    SizeMismatch { total: i32, computed: usize },
    #[error("negative or absurd length {0} in a {1} field")]
    BadLength(i64, &'static str),
    #[error("body CRC mismatch: stored {stored}, computed {computed}")]
    BadCrc { stored: i32, computed: i32 },
    #[error("properties string is {0} bytes; the limit is 32767")]
    PropertiesTooLong(usize),
    #[error("topic is {0} bytes; too long for its record version")]
    TopicTooLong(usize),
    #[error("invalid message id {0:?}: {1}")]
    BadMessageId(String, &'static str),
    #[error("cannot decompress body: {0}")]
    Decompress(String),
    #[error("buffer of {have} bytes is too small for a {need}-byte record")]
    BufferTooSmall { need: usize, have: usize },
}

// ---------------------------------------------------------------------------
// 1. Properties
// ---------------------------------------------------------------------------

/// Encode properties as `k\u0001v\u0002…` (Java `messageProperties2String`).
pub fn message_properties_to_string(properties: &BTreeMap<String, String>) -> String {
    let len = properties.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    let mut s = String::with_capacity(len);
    for (k, v) in properties {
        s.push_str(k);
        s.push(NAME_VALUE_SEPARATOR);
        s.push_str(v);
        s.push(PROPERTY_SEPARATOR);
    }
    s
}

/// Decode a properties string (Java `string2messageProperties`): pairs with an
/// empty key or an empty value are skipped, as Java does.
pub fn string_to_message_properties(properties: &str) -> BTreeMap<String, String> {
    property_pairs(properties)
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Iterate the `(key, value)` pairs of a properties string without allocating.
pub fn property_pairs(properties: &str) -> impl Iterator<Item = (&str, &str)> {
    // Scan bytes, not chars: both separators are ASCII, so every split point
    // is a char boundary, and a byte search is several times faster than
    // `str::split(char)` on the dispatcher's hot path.
    let bytes = properties.as_bytes();
    let mut start = 0usize;
    std::iter::from_fn(move || {
        while start < bytes.len() {
            let end = bytes[start..]
                .iter()
                .position(|&b| b == PROPERTY_SEPARATOR as u8)
                .map_or(bytes.len(), |p| start + p);
            let seg = start..end;
            start = end + 1;
            if let Some(eq) = bytes[seg.clone()]
                .iter()
                .position(|&b| b == NAME_VALUE_SEPARATOR as u8)
            {
                let (k, v) = (
                    &properties[seg.start..seg.start + eq],
                    &properties[seg.start + eq + 1..seg.end],
                );
                if !k.is_empty() && !v.is_empty() {
                    return Some((k, v));
                }
            }
        }
        None
    })
}

/// Look one property up in an encoded string without building a map (the
/// dispatcher reads TAGS / KEYS / UNIQ_KEY this way for every message).
pub fn property_of<'a>(properties: &'a str, key: &str) -> Option<&'a str> {
    property_pairs(properties)
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

// ---------------------------------------------------------------------------
// 3. CommitLog record
// ---------------------------------------------------------------------------

/// Record length for the given field sizes (Java `CommitLog.calMsgLength`).
/// 91 bytes of fixed overhead for v1 with IPv4 hosts.
pub fn calc_msg_length(
    version: MessageVersion,
    sys_flag: i32,
    body_len: usize,
    topic_len: usize,
    properties_len: usize,
) -> usize {
    4 // TOTALSIZE
        + 4 // MAGICCODE
        + 4 // BODYCRC
        + 4 // QUEUEID
        + 4 // FLAG
        + 8 // QUEUEOFFSET
        + 8 // PHYSICALOFFSET
        + 4 // SYSFLAG
        + 8 // BORNTIMESTAMP
        + MessageSysFlag::born_host_len(sys_flag)
        + 8 // STORETIMESTAMP
        + MessageSysFlag::store_host_len(sys_flag)
        + 4 // RECONSUMETIMES
        + 8 // PREPARED TRANSACTION OFFSET
        + 4 + body_len
        + version.topic_length_size() + topic_len
        + 2 + properties_len
}

/// Body CRC as RocketMQ stores it: CRC-32 (the `java.util.zip.CRC32` polynomial) with the sign bit cleared.
pub fn body_crc(body: &[u8]) -> i32 {
    (crc32fast::hash(body) & 0x7FFF_FFFF) as i32
}

/// The sys flag with the two host-shape bits set to match the addresses.
pub fn sys_flag_for_hosts(sys_flag: i32, born_host: SocketAddr, store_host: SocketAddr) -> i32 {
    let mut f =
        sys_flag & !(MessageSysFlag::BORNHOST_V6_FLAG | MessageSysFlag::STOREHOSTADDRESS_V6_FLAG);
    if born_host.is_ipv6() {
        f |= MessageSysFlag::BORNHOST_V6_FLAG;
    }
    if store_host.is_ipv6() {
        f |= MessageSysFlag::STOREHOSTADDRESS_V6_FLAG;
    }
    f
}

/// The fields of one record, borrowed from wherever they live.
#[derive(Debug, Clone, Copy)]
pub struct RecordFields<'a> {
    pub version: MessageVersion,
    pub body_crc: i32,
    pub queue_id: i32,
    pub flag: i32,
    pub queue_offset: i64,
    pub physical_offset: i64,
    /// Host-shape bits are recomputed from the addresses, so they can never disagree.
    pub sys_flag: i32,
    pub born_timestamp: i64,
    pub born_host: SocketAddr,
    pub store_timestamp: i64,
    pub store_host: SocketAddr,
    pub reconsume_times: i32,
    pub prepared_transaction_offset: i64,
    pub body: &'a [u8],
    pub topic: &'a [u8],
    pub properties: &'a [u8],
}

impl RecordFields<'_> {
    pub fn effective_sys_flag(&self) -> i32 {
        sys_flag_for_hosts(self.sys_flag, self.born_host, self.store_host)
    }

    pub fn record_len(&self) -> usize {
        calc_msg_length(
            self.version,
            self.effective_sys_flag(),
            self.body.len(),
            self.topic.len(),
            self.properties.len(),
        )
    }

    /// Check the variable-length fields fit their length prefixes.
    pub fn validate(&self) -> Result<(), DecodeError> {
        if self.properties.len() > i16::MAX as usize {
            return Err(DecodeError::PropertiesTooLong(self.properties.len()));
        }
        let topic_limit = match self.version {
            MessageVersion::V1 => i8::MAX as usize,
            MessageVersion::V2 => i16::MAX as usize,
        };
        if self.topic.len() > topic_limit {
            return Err(DecodeError::TopicTooLong(self.topic.len()));
        }
        if self.body.len() > i32::MAX as usize {
            return Err(DecodeError::BadLength(self.body.len() as i64, "BODYLEN"));
        }
        Ok(())
    }
}

/// Writes the host as IP bytes + i32 port; returns the bytes written (8 or 20).
pub(crate) fn write_host(buf: &mut [u8], host: SocketAddr) -> usize {
    match host.ip() {
        IpAddr::V4(ip) => {
            buf[..4].copy_from_slice(&ip.octets());
            buf[4..8].copy_from_slice(&(host.port() as i32).to_be_bytes());
            8
        }
        IpAddr::V6(ip) => {
            buf[..16].copy_from_slice(&ip.octets());
            buf[16..20].copy_from_slice(&(host.port() as i32).to_be_bytes());
            20
        }
    }
}

pub(crate) fn read_host(buf: &[u8], pos: usize, v6: bool) -> Option<SocketAddr> {
    let ip_len = if v6 { 16 } else { 4 };
    let raw = buf.get(pos..pos + ip_len + 4)?;
    let port = i32::from_be_bytes(raw[ip_len..].try_into().ok()?) as u16;
    let ip = if v6 {
        let o: [u8; 16] = raw[..16].try_into().ok()?;
        IpAddr::V6(Ipv6Addr::from(o))
    } else {
        IpAddr::V4(Ipv4Addr::new(raw[0], raw[1], raw[2], raw[3]))
    };
    Some(SocketAddr::new(ip, port))
}

/// A tiny big-endian writer over a slice that is known to be long enough.
struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl Writer<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.buf[self.pos..self.pos + bytes.len()].copy_from_slice(bytes);
        self.pos += bytes.len();
    }
    #[inline]
    fn i32(&mut self, v: i32) {
        self.put(&v.to_be_bytes());
    }
    #[inline]
    fn i64(&mut self, v: i64) {
        self.put(&v.to_be_bytes());
    }
    #[inline]
    fn host(&mut self, host: SocketAddr) {
        let n = write_host(&mut self.buf[self.pos..], host);
        self.pos += n;
    }
}

/// Write one record at the start of `buf`; returns its length.
///
/// This is the whole of Java's `MessageExtEncoder.encode` + the fix-ups of
/// `DefaultAppendMessageCallback.doAppend`: the store calls it with `buf`
/// pointing into the mapped CommitLog file, with the physical offset, queue
/// offset and store timestamp already decided under the put lock.
pub fn encode_record_into(buf: &mut [u8], f: &RecordFields<'_>) -> Result<usize, DecodeError> {
    f.validate()?;
    let len = f.record_len();
    if buf.len() < len {
        return Err(DecodeError::BufferTooSmall {
            need: len,
            have: buf.len(),
        });
    }
    let mut w = Writer {
        buf: &mut buf[..len],
        pos: 0,
    };
    w.i32(len as i32);
    w.i32(f.version.magic_code());
    w.i32(f.body_crc);
    w.i32(f.queue_id);
    w.i32(f.flag);
    w.i64(f.queue_offset);
    w.i64(f.physical_offset);
    w.i32(f.effective_sys_flag());
    w.i64(f.born_timestamp);
    w.host(f.born_host);
    w.i64(f.store_timestamp);
    w.host(f.store_host);
    w.i32(f.reconsume_times);
    w.i64(f.prepared_transaction_offset);
    w.i32(f.body.len() as i32);
    w.put(f.body);
    match f.version {
        MessageVersion::V1 => w.put(&[f.topic.len() as u8]),
        MessageVersion::V2 => w.put(&(f.topic.len() as i16).to_be_bytes()),
    }
    w.put(f.topic);
    w.put(&(f.properties.len() as i16).to_be_bytes());
    w.put(f.properties);
    debug_assert_eq!(w.pos, len);
    Ok(len)
}

/// Encode a whole `MessageExt` into a fresh buffer (Java `MessageDecoder.encode`):
/// for tests, tools and clients; the store writes in place instead.
pub fn encode(msg: &MessageExt) -> Result<Vec<u8>, DecodeError> {
    let props = message_properties_to_string(&msg.properties);
    let f = RecordFields {
        version: MessageVersion::for_topic_len(msg.topic.len()),
        body_crc: msg.body_crc,
        queue_id: msg.queue_id,
        flag: msg.flag,
        queue_offset: msg.queue_offset,
        physical_offset: msg.commit_log_offset,
        sys_flag: msg.sys_flag,
        born_timestamp: msg.born_timestamp,
        born_host: msg.born_host,
        store_timestamp: msg.store_timestamp,
        store_host: msg.store_host,
        reconsume_times: msg.reconsume_times,
        prepared_transaction_offset: msg.prepared_transaction_offset,
        body: &msg.body,
        topic: msg.topic.as_bytes(),
        properties: props.as_bytes(),
    };
    let mut buf = vec![0u8; f.record_len()];
    encode_record_into(&mut buf, &f)?;
    Ok(buf)
}

/// One record read in place: fixed fields by value, variable fields borrowed.
#[derive(Debug, Clone, Copy)]
pub struct RecordView<'a> {
    pub total_size: i32,
    pub version: MessageVersion,
    pub body_crc: i32,
    pub queue_id: i32,
    pub flag: i32,
    pub queue_offset: i64,
    pub physical_offset: i64,
    pub sys_flag: i32,
    pub born_timestamp: i64,
    pub born_host: SocketAddr,
    pub store_timestamp: i64,
    pub store_host: SocketAddr,
    pub reconsume_times: i32,
    pub prepared_transaction_offset: i64,
    /// Byte position of the body inside the record.
    pub body_position: usize,
    pub body: &'a [u8],
    pub topic: &'a [u8],
    pub properties: &'a [u8],
}

impl<'a> RecordView<'a> {
    /// Topic as text (lossless for every topic RocketMQ accepts, which are ASCII).
    pub fn topic_str(&self) -> std::borrow::Cow<'a, str> {
        String::from_utf8_lossy(self.topic)
    }

    /// Properties as text; `None` if a client wrote invalid UTF-8.
    pub fn properties_str(&self) -> Option<&'a str> {
        std::str::from_utf8(self.properties).ok()
    }

    /// Recompute the body CRC and compare (recovery does this for every record).
    pub fn verify_crc(&self) -> Result<(), DecodeError> {
        let computed = body_crc(self.body);
        if computed == self.body_crc {
            Ok(())
        } else {
            Err(DecodeError::BadCrc {
                stored: self.body_crc,
                computed,
            })
        }
    }
}

/// A big-endian reader that reports truncation instead of panicking.
pub(crate) struct Reader<'a> {
    pub(crate) buf: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Reader<'a> {
    #[inline]
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        match end {
            Some(end) => {
                let s = &self.buf[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            None => Err(DecodeError::Truncated {
                need: self.pos.saturating_add(n),
                have: self.buf.len(),
            }),
        }
    }
    #[inline]
    pub(crate) fn i16(&mut self) -> Result<i16, DecodeError> {
        Ok(i16::from_be_bytes(
            self.take(2)?.try_into().expect("take(2) returns 2 bytes"),
        ))
    }
    #[inline]
    pub(crate) fn i32(&mut self) -> Result<i32, DecodeError> {
        Ok(i32::from_be_bytes(
            self.take(4)?.try_into().expect("take(4) returns 4 bytes"),
        ))
    }
    #[inline]
    pub(crate) fn i64(&mut self) -> Result<i64, DecodeError> {
        Ok(i64::from_be_bytes(
            self.take(8)?.try_into().expect("take(8) returns 8 bytes"),
        ))
    }
    fn host(&mut self, v6: bool) -> Result<SocketAddr, DecodeError> {
        let n = if v6 { 20 } else { 8 };
        let raw = self.take(n)?;
        read_host(raw, 0, v6).ok_or(DecodeError::Truncated {
            need: n,
            have: raw.len(),
        })
    }
}

/// Read the record at the start of `buf` in place, checking that magic and
/// lengths are consistent (not the CRC: see [`RecordView::verify_crc`]).
///
/// A BLANK magic yields [`DecodeError::Blank`] with the filler size, so a
/// caller walking a file knows to jump to the next one.
pub fn parse_record(buf: &[u8]) -> Result<RecordView<'_>, DecodeError> {
    let mut r = Reader { buf, pos: 0 };
    let total_size = r.i32()?;
    let magic = r.i32()?;
    if magic == BLANK_MAGIC_CODE {
        return Err(DecodeError::Blank(total_size));
    }
    let version = MessageVersion::from_magic_code(magic).ok_or(DecodeError::BadMagic(magic))?;
    if total_size < 0 || total_size as usize > buf.len() {
        return Err(if total_size < 0 {
            DecodeError::BadLength(total_size as i64, "TOTALSIZE")
        } else {
            DecodeError::Truncated {
                need: total_size as usize,
                have: buf.len(),
            }
        });
    }
    // From here on read only inside the record itself.
    let mut r = Reader {
        buf: &buf[..total_size as usize],
        pos: 8,
    };
    let body_crc = r.i32()?;
    let queue_id = r.i32()?;
    let flag = r.i32()?;
    let queue_offset = r.i64()?;
    let physical_offset = r.i64()?;
    let sys_flag = r.i32()?;
    let born_timestamp = r.i64()?;
    let born_host = r.host(sys_flag & MessageSysFlag::BORNHOST_V6_FLAG != 0)?;
    let store_timestamp = r.i64()?;
    let store_host = r.host(sys_flag & MessageSysFlag::STOREHOSTADDRESS_V6_FLAG != 0)?;
    let reconsume_times = r.i32()?;
    let prepared_transaction_offset = r.i64()?;
    let body_len = r.i32()?;
    if body_len < 0 {
        return Err(DecodeError::BadLength(body_len as i64, "BODYLEN"));
    }
    let body_position = r.pos;
    let body = r.take(body_len as usize)?;
    let topic_len = match version {
        MessageVersion::V1 => r.take(1)?[0] as usize,
        MessageVersion::V2 => {
            let l = r.i16()?;
            if l < 0 {
                return Err(DecodeError::BadLength(l as i64, "TOPICLEN"));
            }
            l as usize
        }
    };
    let topic = r.take(topic_len)?;
    let props_len = r.i16()?;
    if props_len < 0 {
        return Err(DecodeError::BadLength(props_len as i64, "PROPERTIESLEN"));
    }
    let properties = r.take(props_len as usize)?;
    let computed = calc_msg_length(version, sys_flag, body.len(), topic.len(), properties.len());
    if computed != total_size as usize {
        return Err(DecodeError::SizeMismatch {
            total: total_size,
            computed,
        });
    }
    Ok(RecordView {
        total_size,
        version,
        body_crc,
        queue_id,
        flag,
        queue_offset,
        physical_offset,
        sys_flag,
        born_timestamp,
        born_host,
        store_timestamp,
        store_host,
        reconsume_times,
        prepared_transaction_offset,
        body_position,
        body,
        topic,
        properties,
    })
}

/// Decompress a stored body according to the sys flag (ZLIB only; LZ4 and
/// ZSTD bodies are reported as errors rather than silently mangled).
pub fn decompress_body(body: &[u8], sys_flag: i32) -> Result<Vec<u8>, DecodeError> {
    let ty = sys_flag & MessageSysFlag::COMPRESSION_TYPE_COMPARATOR;
    if ty != 0 && ty != MessageSysFlag::COMPRESSION_ZLIB_TYPE {
        return Err(DecodeError::Decompress(format!(
            "compression type {ty:#x} is not supported (only ZLIB)"
        )));
    }
    let mut out = Vec::with_capacity(body.len() * 4);
    flate2::read::ZlibDecoder::new(body)
        .read_to_end(&mut out)
        .map_err(|e| DecodeError::Decompress(e.to_string()))?;
    Ok(out)
}

/// Decode the record at the start of `buf` into a `MessageExt` (Java
/// `MessageDecoder.decode`). The body is a zero-copy slice of `buf` unless it
/// has to be decompressed.
pub fn decode(buf: &Bytes, read_body: bool, decompress: bool) -> Result<MessageExt, DecodeError> {
    let v = parse_record(buf)?;
    let mut sys_flag = v.sys_flag;
    let body = if !read_body {
        Bytes::new()
    } else if decompress && sys_flag & MessageSysFlag::COMPRESSED_FLAG != 0 {
        sys_flag = MessageSysFlag::clear_compressed_flag(sys_flag);
        Bytes::from(decompress_body(v.body, v.sys_flag)?)
    } else {
        buf.slice(v.body_position..v.body_position + v.body.len())
    };
    let properties = string_to_message_properties(&String::from_utf8_lossy(v.properties));
    Ok(MessageExt {
        message: Message {
            topic: v.topic_str().into_owned(),
            flag: v.flag,
            properties,
            body,
            transaction_id: None,
        },
        broker_name: String::new(),
        queue_id: v.queue_id,
        store_size: v.total_size,
        queue_offset: v.queue_offset,
        sys_flag,
        born_timestamp: v.born_timestamp,
        born_host: v.born_host,
        store_timestamp: v.store_timestamp,
        store_host: v.store_host,
        msg_id: create_message_id(v.store_host, v.physical_offset),
        commit_log_offset: v.physical_offset,
        body_crc: v.body_crc,
        reconsume_times: v.reconsume_times,
        prepared_transaction_offset: v.prepared_transaction_offset,
    })
}

/// Decode a PULL response body: records back to back (Java `decodesBatch`).
/// Like Java it stops at the first record it cannot decode and returns what it had.
pub fn decodes_batch(buf: &Bytes, read_body: bool, decompress: bool) -> Vec<MessageExt> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let rest = buf.slice(pos..);
        match decode(&rest, read_body, decompress) {
            Ok(m) => {
                pos += m.store_size as usize;
                out.push(m);
            }
            Err(e) => {
                tracing::warn!(position = pos, error = %e, "stopping batch decode at an undecodable record");
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> MessageExt {
        let mut m = Message::new("TopicTest", &b"Hello RocketMQ"[..]).with_tags("TagA");
        m.put_property("UNIQ_KEY", "7F0000010001000000000000000A0001");
        MessageExt {
            message: m,
            queue_id: 3,
            queue_offset: 17,
            sys_flag: 0,
            born_timestamp: 1_700_000_000_123,
            born_host: "10.0.0.7:51234".parse().unwrap(),
            store_timestamp: 1_700_000_000_456,
            store_host: "192.168.1.2:10911".parse().unwrap(),
            commit_log_offset: 4096,
            body_crc: body_crc(b"Hello RocketMQ"),
            reconsume_times: 2,
            prepared_transaction_offset: 0,
            ..Default::default()
        }
    }

    #[test]
    fn magic_codes_match_java() {
        assert_eq!(MESSAGE_MAGIC_CODE, -626843481);
        assert_eq!(MESSAGE_MAGIC_CODE_V2, -626843477);
        assert_eq!(BLANK_MAGIC_CODE, -875286124);
    }

    #[test]
    fn record_has_java_byte_offsets() {
        let m = sample();
        let buf = encode(&m).unwrap();
        let props = message_properties_to_string(&m.properties);
        assert_eq!(buf.len(), 91 + 14 + 9 + props.len());
        let i32_at = |p: usize| i32::from_be_bytes(buf[p..p + 4].try_into().unwrap());
        let i64_at = |p: usize| i64::from_be_bytes(buf[p..p + 8].try_into().unwrap());
        assert_eq!(i32_at(0) as usize, buf.len());
        assert_eq!(i32_at(4), MESSAGE_MAGIC_CODE);
        assert_eq!(i32_at(8), body_crc(b"Hello RocketMQ"));
        assert_eq!(i32_at(12), 3);
        assert_eq!(i64_at(20), 17);
        assert_eq!(i64_at(28), 4096);
        assert_eq!(i32_at(36), 0);
        assert_eq!(i64_at(40), 1_700_000_000_123);
        assert_eq!(&buf[48..52], &[10, 0, 0, 7]);
        assert_eq!(i32_at(52), 51234);
        assert_eq!(i64_at(56), 1_700_000_000_456);
        assert_eq!(&buf[64..68], &[192, 168, 1, 2]);
        assert_eq!(i32_at(68), 10911);
        assert_eq!(i32_at(72), 2);
        assert_eq!(i64_at(76), 0);
        assert_eq!(i32_at(84), 14);
        assert_eq!(&buf[88..102], b"Hello RocketMQ");
        assert_eq!(buf[102], 9);
        assert_eq!(&buf[103..112], b"TopicTest");
        assert_eq!(
            i16::from_be_bytes([buf[112], buf[113]]) as usize,
            props.len()
        );
        assert_eq!(&buf[114..], props.as_bytes());
    }

    #[test]
    fn record_round_trip_ipv4_and_ipv6() {
        let mut m = sample();
        let buf = Bytes::from(encode(&m).unwrap());
        let d = decode(&buf, true, false).unwrap();
        m.store_size = buf.len() as i32;
        m.msg_id = create_message_id(m.store_host, m.commit_log_offset);
        assert_eq!(d, m);
        parse_record(&buf).unwrap().verify_crc().unwrap();

        let mut m6 = sample();
        m6.born_host = "[::1]:9000".parse().unwrap();
        m6.store_host = "[fe80::1]:10911".parse().unwrap();
        let buf = Bytes::from(encode(&m6).unwrap());
        assert_eq!(buf.len(), encode(&sample()).unwrap().len() + 24);
        let d = decode(&buf, true, false).unwrap();
        assert_eq!(
            d.sys_flag,
            MessageSysFlag::BORNHOST_V6_FLAG | MessageSysFlag::STOREHOSTADDRESS_V6_FLAG
        );
        assert_eq!(d.born_host, m6.born_host);
        assert_eq!(d.store_host, m6.store_host);
        assert_eq!(d.msg_id.len(), 56);
        assert_eq!(d.body, m6.body);
    }

    #[test]
    fn v2_record_for_long_topic() {
        let mut m = sample();
        m.message.topic = "T".repeat(200);
        let buf = Bytes::from(encode(&m).unwrap());
        assert_eq!(
            i32::from_be_bytes(buf[4..8].try_into().unwrap()),
            MESSAGE_MAGIC_CODE_V2
        );
        assert_eq!(decode(&buf, true, false).unwrap().topic, m.topic);
    }

    #[test]
    fn corrupt_records_are_rejected() {
        let buf = encode(&sample()).unwrap();
        assert!(matches!(
            parse_record(&buf[..50]),
            Err(DecodeError::Truncated { .. })
        ));
        let mut bad = buf.clone();
        bad[4] = 0;
        assert!(matches!(parse_record(&bad), Err(DecodeError::BadMagic(_))));
        let mut bad = buf.clone();
        bad[90] ^= 0xFF; // a body byte
        assert!(matches!(
            parse_record(&bad).unwrap().verify_crc(),
            Err(DecodeError::BadCrc { .. })
        ));
        let mut bad = buf.clone();
        bad[84..88].copy_from_slice(&(-5i32).to_be_bytes());
        assert!(parse_record(&bad).is_err());
        let mut blank = vec![0u8; 8];
        blank[..4].copy_from_slice(&100i32.to_be_bytes());
        blank[4..].copy_from_slice(&BLANK_MAGIC_CODE.to_be_bytes());
        assert_eq!(parse_record(&blank).unwrap_err(), DecodeError::Blank(100));
    }

    #[test]
    fn decodes_batch_of_records() {
        let mut all = Vec::new();
        for i in 0..3 {
            let mut m = sample();
            m.queue_offset = i;
            all.extend(encode(&m).unwrap());
        }
        all.extend([0u8, 0, 0]); // trailing garbage stops decoding
        let msgs = decodes_batch(&Bytes::from(all), true, false);
        assert_eq!(
            msgs.iter().map(|m| m.queue_offset).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
    }

    #[test]
    fn properties_round_trip_and_java_skips() {
        let mut p = BTreeMap::new();
        p.insert("TAGS".to_owned(), "TagA".to_owned());
        p.insert("KEYS".to_owned(), "k1 k2".to_owned());
        let s = message_properties_to_string(&p);
        assert_eq!(s, "KEYS\u{1}k1 k2\u{2}TAGS\u{1}TagA\u{2}");
        assert_eq!(string_to_message_properties(&s), p);
        assert_eq!(property_of(&s, "TAGS"), Some("TagA"));
        assert_eq!(property_of(&s, "X"), None);
        // Empty key, empty value and short segments are skipped, as in Java.
        let m = string_to_message_properties("\u{1}v\u{2}k\u{1}\u{2}a\u{1}b\u{2}xy");
        assert_eq!(m.len(), 1);
        assert_eq!(m["a"], "b");
    }

    #[test]
    fn zlib_body_is_decompressed() {
        use std::io::Write;
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(5));
        enc.write_all(&[b'x'; 5000]).unwrap();
        let z = enc.finish().unwrap();
        let mut m = sample();
        m.message.body = Bytes::from(z.clone());
        m.sys_flag = MessageSysFlag::COMPRESSED_FLAG | MessageSysFlag::COMPRESSION_ZLIB_TYPE;
        m.body_crc = body_crc(&z);
        let buf = Bytes::from(encode(&m).unwrap());
        let d = decode(&buf, true, true).unwrap();
        assert_eq!(&d.body[..], &[b'x'; 5000][..]);
        assert_eq!(d.sys_flag & MessageSysFlag::COMPRESSED_FLAG, 0);
    }
}
