//! Messages — mirrors `Message`, `MessageExtBrokerInner` and `MessageExt` of
//! `org.apache.rocketmq.common.message`.
//!
//! A message changes shape on its way in:
//!
//! * the producer has a [`Message`]: topic, body, user flag, properties;
//! * the broker wraps it into a [`MessageExtBrokerInner`]: the queue it goes
//!   to, who sent it (born host) and who stores it (store host), and the
//!   hash of its tag that the consume queue will carry;
//! * the store returns a [`MessageExt`]: the same plus where it landed — its
//!   queue offset, its commit-log offset and size, its offset message id.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::message_const::{PROPERTY_KEYS, PROPERTY_TAGS};

/// What a producer sends (`Message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub topic: String,
    /// The user's flag; RocketMQ stores it and never reads it.
    pub flag: i32,
    /// `TAGS`, `KEYS` and friends (`MessageConst`).
    pub properties: BTreeMap<String, String>,
    pub body: Bytes,
}

impl Message {
    /// `new Message(topic, tags, body)`.
    pub fn new(topic: &str, tags: &str, body: impl Into<Bytes>) -> Self {
        let mut properties = BTreeMap::new();
        if !tags.is_empty() {
            properties.insert(PROPERTY_TAGS.to_string(), tags.to_string());
        }
        Message {
            topic: topic.to_string(),
            flag: 0,
            properties,
            body: body.into(),
        }
    }

    /// `Message#setKeys`: the keys an index (chapter 15) finds it by.
    pub fn with_keys(mut self, keys: &str) -> Self {
        self.properties
            .insert(PROPERTY_KEYS.to_string(), keys.to_string());
        self
    }

    /// `Message#getTags`.
    pub fn tags(&self) -> Option<&str> {
        self.properties.get(PROPERTY_TAGS).map(String::as_str)
    }
}

/// The message the broker hands its store (`MessageExtBrokerInner`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageExtBrokerInner {
    pub topic: String,
    pub queue_id: i32,
    pub flag: i32,
    #[serde(with = "body_bytes")]
    pub body: Bytes,
    pub properties: BTreeMap<String, String>,
    /// `MessageSysFlag` bits (compression, transaction state, ...).
    pub sys_flag: i32,
    pub born_timestamp: i64,
    /// The producer's address, as the broker saw the connection.
    pub born_host: String,
    /// `brokerIP1:listenPort`: where the message is stored; the offset
    /// message id begins with it.
    pub store_host: SocketAddr,
    /// Java `String.hashCode` of the tag: what consume-queue entries carry
    /// so a pull can filter by tag without reading the message (chapter 05).
    pub tags_code: i64,
    pub reconsume_times: i32,
}

/// A stored message and where it landed (`MessageExt`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageExt {
    pub msg: MessageExtBrokerInner,
    /// Its index in its queue: 0, 1, 2, ... per topic and queue.
    pub queue_offset: i64,
    /// Its byte position in the commit log, one sequence for all topics.
    pub commit_log_offset: i64,
    /// The size of its commit-log record.
    pub store_size: i32,
    pub store_timestamp: i64,
    /// The offset message id: store host + commit-log offset, in hex.
    pub msg_id: String,
}

/// `MessageExtBrokerInner.tagsString2tagsCode`: Java's `String.hashCode` of
/// the tag (0 for none), so a Java broker and ours file a tag under the same
/// number.
pub fn tags_string_to_tags_code(tags: &str) -> i64 {
    let hash = tags
        .encode_utf16()
        .fold(0i32, |h, unit| h.wrapping_mul(31).wrapping_add(i32::from(unit)));
    i64::from(hash)
}

/// A body in JSON: an array of byte values (see `MessageDecoder`).
mod body_bytes {
    use bytes::Bytes;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(body: &Bytes, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(body)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        Vec::<u8>::deserialize(d).map(Bytes::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_codes_are_java_string_hash_codes() {
        // "TagA".hashCode() in Java.
        assert_eq!(tags_string_to_tags_code("TagA"), 2_598_919);
        assert_eq!(tags_string_to_tags_code(""), 0);
    }
}
