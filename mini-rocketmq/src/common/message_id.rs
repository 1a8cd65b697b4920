//! The broker's message id, "offsetMsgId" (Java: `org.apache.rocketmq.common.message.MessageId`,
//! `MessageDecoder#createMessageId` / `#decodeMessageId`, `UtilAll#bytes2string`).
//!
//! A SEND response's `msgId` is not a random token: it is *where the message
//! is*, so that any broker can be asked for it without an index:
//!
//! ```text
//! store host IP (4 or 16 bytes) | store port (i32) | CommitLog offset (i64)
//! ```
//!
//! rendered as uppercase hex — 32 characters for IPv4, 56 for IPv6
//! (Java `MessageDecoder#createMessageId`, `common/src/main/java/org/apache/rocketmq/common/message/MessageDecoder.java`). VIEW_MESSAGE_BY_ID decodes it back to the broker address
//! and the offset. The producer-side `UNIQ_KEY` is a different id, see
//! [`message_client_id`](super::message_client_id).

use std::net::SocketAddr;

use super::message_decoder::{DecodeError, read_host, write_host};

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Bytes → uppercase hex (Java `UtilAll.bytes2string`).
pub fn bytes_to_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX_UPPER[(b >> 4) as usize] as char);
        s.push(HEX_UPPER[(b & 0xF) as usize] as char);
    }
    s
}

/// Hex (either case) → bytes (Java `UtilAll.string2bytes`).
pub fn hex_to_bytes(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    let nibble = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    hex.as_bytes()
        .chunks(2)
        .map(|p| Some(nibble(p[0])? << 4 | nibble(p[1])?))
        .collect()
}

/// The offset message id: store IP (4 or 16 bytes) + port (i32) + CommitLog offset (i64),
/// in uppercase hex — 32 characters for IPv4, 56 for IPv6 (Java `createMessageId`).
pub fn create_message_id(store_host: SocketAddr, commit_log_offset: i64) -> String {
    let mut raw = [0u8; 28];
    let n = write_host(&mut raw, store_host);
    raw[n..n + 8].copy_from_slice(&commit_log_offset.to_be_bytes());
    bytes_to_hex(&raw[..n + 8])
}

/// What an offset message id says: where the record lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageId {
    pub address: SocketAddr,
    pub offset: i64,
}

/// Decode an offset message id; the IP length follows from the string length.
pub fn decode_message_id(msg_id: &str) -> Result<MessageId, DecodeError> {
    let bad = |why| DecodeError::BadMessageId(msg_id.to_owned(), why);
    let ip_len = match msg_id.len() {
        32 => 4,
        56 => 16,
        _ => return Err(bad("length must be 32 (IPv4) or 56 (IPv6) hex characters")),
    };
    let raw = hex_to_bytes(msg_id).ok_or_else(|| bad("not hexadecimal"))?;
    let address = read_host(&raw, 0, ip_len == 16).ok_or_else(|| bad("truncated"))?;
    let offset = i64::from_be_bytes(
        raw[ip_len + 4..ip_len + 12]
            .try_into()
            .map_err(|_| bad("truncated"))?,
    );
    Ok(MessageId { address, offset })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids() {
        let id = create_message_id("192.168.1.2:10911".parse().unwrap(), 4096);
        assert_eq!(id, "C0A8010200002A9F0000000000001000");
        let d = decode_message_id(&id).unwrap();
        assert_eq!(d.address, "192.168.1.2:10911".parse().unwrap());
        assert_eq!(d.offset, 4096);
        let id6 = create_message_id("[::1]:10911".parse().unwrap(), 7);
        assert_eq!(id6.len(), 56);
        assert_eq!(decode_message_id(&id6.to_lowercase()).unwrap().offset, 7);
        assert!(decode_message_id("XYZ").is_err());
        assert!(decode_message_id(&"G".repeat(32)).is_err());
    }
}
