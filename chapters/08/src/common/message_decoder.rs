//! Encodings of `org.apache.rocketmq.common.message.MessageDecoder`: the
//! properties string, the offset message id, and the body of a PULL_MESSAGE
//! response.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use crate::common::message::MessageExt;

/// Between a property's name and its value.
pub const NAME_VALUE_SEPARATOR: char = '\u{1}';
/// After every property.
pub const PROPERTY_SEPARATOR: char = '\u{2}';

/// `MessageDecoder.messageProperties2String`: `k\u{1}v\u{2}` per property.
pub fn message_properties_to_string(properties: &BTreeMap<String, String>) -> String {
    properties
        .iter()
        .map(|(k, v)| format!("{k}{NAME_VALUE_SEPARATOR}{v}{PROPERTY_SEPARATOR}"))
        .collect()
}

/// `MessageDecoder.string2messageProperties`: pairs without a separator, an
/// empty name or an empty value are skipped, as Java does.
pub fn string_to_message_properties(properties: &str) -> BTreeMap<String, String> {
    properties
        .split(PROPERTY_SEPARATOR)
        .filter_map(|pair| pair.split_once(NAME_VALUE_SEPARATOR))
        .filter(|(k, v)| !k.is_empty() && !v.is_empty())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

// ANCHOR: create_message_id
/// `MessageDecoder.createMessageId`: the store host's IP and port, then the
/// commit-log offset, as uppercase hex — 32 characters for IPv4. Anyone
/// holding the id knows which broker to ask and where that broker's
/// commit log holds the message.
pub fn create_message_id(store_host: SocketAddr, commit_log_offset: i64) -> String {
    let mut raw = match store_host {
        SocketAddr::V4(v4) => v4.ip().octets().to_vec(),
        SocketAddr::V6(v6) => v6.ip().octets().to_vec(),
    };
    raw.extend_from_slice(&i32::from(store_host.port()).to_be_bytes());
    raw.extend_from_slice(&commit_log_offset.to_be_bytes());
    raw.iter().map(|b| format!("{b:02X}")).collect()
}
// ANCHOR_END: create_message_id

// ANCHOR: encode_messages
/// The body of a PULL_MESSAGE response: the messages found, one after the
/// other. RocketMQ sends their commit-log records, byte for byte as stored,
/// and the client splits them with `MessageDecoder#decodesBatch`. Until
/// chapter 12 gives a record its bytes, the workbook sends JSON.
pub fn encode_messages(messages: &[MessageExt]) -> Vec<u8> {
    // Plain structs of strings, numbers and byte arrays always serialise.
    serde_json::to_vec(messages).expect("messages always serialise")
}

/// `MessageDecoder#decodesBatch`: the messages of a PULL_MESSAGE body.
pub fn decodes_batch(body: &[u8]) -> Result<Vec<MessageExt>, serde_json::Error> {
    serde_json::from_slice(body)
}
// ANCHOR_END: encode_messages

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_round_trip_and_msg_id_reads_like_rocketmq() {
        let map = BTreeMap::from([("TAGS".to_string(), "TagA".to_string())]);
        let text = message_properties_to_string(&map);
        assert_eq!(text, "TAGS\u{1}TagA\u{2}");
        assert_eq!(string_to_message_properties(&text), map);
        let id = create_message_id("10.0.0.1:10911".parse().unwrap(), 306);
        assert_eq!(id, "0A00000100002A9F0000000000000132");
    }
}
