//! The message types (Java: `Message`, `MessageExt`, `MessageExtBrokerInner`,
//! `MessageExtBatch` and `MessageVersion` in `org.apache.rocketmq.common.message`).
//!
//! Java builds these as an inheritance chain: a `Message` is what a producer
//! sends (topic, flag, properties, body); a `MessageExt` adds everything the
//! broker learns when it stores the message (queue, offsets, hosts,
//! timestamps); `MessageExtBrokerInner` adds what only the broker's write path
//! needs (the pre-encoded properties string and the tags hash code).
//!
//! Here the chain is composition plus `Deref`: a `MessageExtBrokerInner`
//! holds a `MessageExt` which holds a `Message`, and `inner.topic` reaches
//! through both layers the way `inner.getTopic()` does in Java. `Deref` is
//! used only to mirror that `extends`; every layer is still a plain struct
//! you can build with a literal.
//!
//! Properties live in a `BTreeMap` so that encoding them gives the same
//! string every time (Java's `HashMap` order is arbitrary; nobody may rely on
//! it, so a sorted order is as valid and makes tests and traces repeatable).

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::ops::{Deref, DerefMut};

use bytes::Bytes;

use super::message_const::*;
use super::message_decoder;
use super::sysflag::MessageSysFlag;

/// What a producer sends: a topic, a user flag, string properties and a body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    pub topic: String,
    /// Opaque to RocketMQ; stored in the record's FLAG field and handed back to consumers.
    pub flag: i32,
    pub properties: BTreeMap<String, String>,
    pub body: Bytes,
    /// Transaction id of a transactional message (client side only; not stored).
    pub transaction_id: Option<String>,
}

impl Message {
    pub fn new(topic: impl Into<String>, body: impl Into<Bytes>) -> Self {
        Message {
            topic: topic.into(),
            body: body.into(),
            ..Default::default()
        }
    }

    /// Builder-style: set the TAGS property.
    pub fn with_tags(mut self, tags: impl Into<String>) -> Self {
        self.set_tags(tags);
        self
    }

    /// Builder-style: set the KEYS property (keys joined with a space).
    pub fn with_keys<I, S>(mut self, keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.set_keys(keys);
        self
    }

    pub fn property(&self, key: &str) -> Option<&str> {
        self.properties.get(key).map(String::as_str)
    }

    pub fn put_property(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.properties.insert(key.into(), value.into());
    }

    pub fn clear_property(&mut self, key: &str) -> Option<String> {
        self.properties.remove(key)
    }

    pub fn tags(&self) -> Option<&str> {
        self.property(PROPERTY_TAGS)
    }

    pub fn set_tags(&mut self, tags: impl Into<String>) {
        self.put_property(PROPERTY_TAGS, tags);
    }

    /// The raw KEYS property (keys separated by [`KEY_SEPARATOR`]).
    pub fn keys(&self) -> Option<&str> {
        self.property(PROPERTY_KEYS)
    }

    /// Each key of the KEYS property, in order.
    pub fn key_list(&self) -> impl Iterator<Item = &str> {
        self.keys()
            .into_iter()
            .flat_map(|k| k.split(KEY_SEPARATOR))
            .filter(|k| !k.is_empty())
    }

    pub fn set_keys<I, S>(&mut self, keys: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let joined = keys
            .into_iter()
            .map(|k| k.as_ref().to_owned())
            .collect::<Vec<_>>()
            .join(KEY_SEPARATOR);
        self.put_property(PROPERTY_KEYS, joined);
    }

    /// The delay level (0 = not delayed).
    pub fn delay_time_level(&self) -> i32 {
        self.property(PROPERTY_DELAY_TIME_LEVEL)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    pub fn set_delay_time_level(&mut self, level: i32) {
        self.put_property(PROPERTY_DELAY_TIME_LEVEL, level.to_string());
    }

    /// Whether a SYNC_FLUSH broker should wait for the flush before answering (default true).
    pub fn is_wait_store_msg_ok(&self) -> bool {
        self.property(PROPERTY_WAIT_STORE_MSG_OK) != Some("false")
    }

    pub fn set_wait_store_msg_ok(&mut self, wait: bool) {
        self.put_property(
            PROPERTY_WAIT_STORE_MSG_OK,
            if wait { "true" } else { "false" },
        );
    }

    /// The client-side unique id (`UNIQ_KEY`), if the producer set one.
    pub fn uniq_key(&self) -> Option<&str> {
        self.property(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
    }
}

/// A stored message: everything in a CommitLog record (Java `MessageDecoder#decode`, `common/src/main/java/org/apache/rocketmq/common/message/MessageDecoder.java`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageExt {
    pub message: Message,
    /// Filled in by clients (which broker they pulled it from); not stored.
    pub broker_name: String,
    pub queue_id: i32,
    /// Size of the whole CommitLog record.
    pub store_size: i32,
    /// Index of the message in its consume queue.
    pub queue_offset: i64,
    pub sys_flag: i32,
    pub born_timestamp: i64,
    pub born_host: SocketAddr,
    pub store_timestamp: i64,
    pub store_host: SocketAddr,
    /// The offset message id (store host + CommitLog offset, uppercase hex, Java `MessageDecoder#createMessageId`, `common/src/main/java/org/apache/rocketmq/common/message/MessageDecoder.java`).
    pub msg_id: String,
    /// Where the record starts in the CommitLog.
    pub commit_log_offset: i64,
    pub body_crc: i32,
    pub reconsume_times: i32,
    pub prepared_transaction_offset: i64,
}

const UNSPECIFIED_ADDR: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0);

impl Default for MessageExt {
    fn default() -> Self {
        MessageExt {
            message: Message::default(),
            broker_name: String::new(),
            queue_id: 0,
            store_size: 0,
            queue_offset: 0,
            sys_flag: 0,
            born_timestamp: 0,
            born_host: UNSPECIFIED_ADDR,
            store_timestamp: 0,
            store_host: UNSPECIFIED_ADDR,
            msg_id: String::new(),
            commit_log_offset: 0,
            body_crc: 0,
            reconsume_times: 0,
            prepared_transaction_offset: 0,
        }
    }
}

impl MessageExt {
    /// The id a producer's `SendResult.msgId` shows: UNIQ_KEY when present,
    /// else the offset id (Java `MessageClientExt.getMsgId`).
    pub fn client_msg_id(&self) -> &str {
        self.message.uniq_key().unwrap_or(&self.msg_id)
    }

    /// The offset message id recomputed from the store host and offset.
    pub fn offset_msg_id(&self) -> String {
        message_decoder::create_message_id(self.store_host, self.commit_log_offset)
    }
}

impl Deref for MessageExt {
    type Target = Message;
    fn deref(&self) -> &Message {
        &self.message
    }
}

impl DerefMut for MessageExt {
    fn deref_mut(&mut self) -> &mut Message {
        &mut self.message
    }
}

/// The record layout version (Java `MessageVersion`): v1 stores the topic
/// length in one byte, v2 in two. The broker writes v2 only for topics longer
/// than 127 bytes (`autoMessageVersionOnTopicLen`), because old clients
/// cannot decode it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageVersion {
    #[default]
    V1,
    V2,
}

impl MessageVersion {
    pub fn magic_code(self) -> i32 {
        match self {
            MessageVersion::V1 => message_decoder::MESSAGE_MAGIC_CODE,
            MessageVersion::V2 => message_decoder::MESSAGE_MAGIC_CODE_V2,
        }
    }

    /// Bytes used by the TOPICLEN field.
    pub fn topic_length_size(self) -> usize {
        match self {
            MessageVersion::V1 => 1,
            MessageVersion::V2 => 2,
        }
    }

    pub fn from_magic_code(magic: i32) -> Option<Self> {
        match magic {
            message_decoder::MESSAGE_MAGIC_CODE => Some(MessageVersion::V1),
            message_decoder::MESSAGE_MAGIC_CODE_V2 => Some(MessageVersion::V2),
            _ => None,
        }
    }

    /// The version the broker picks for a topic of `topic_len` bytes.
    pub fn for_topic_len(topic_len: usize) -> Self {
        if topic_len > i8::MAX as usize {
            MessageVersion::V2
        } else {
            MessageVersion::V1
        }
    }
}

/// A message on the broker's write path (Java `MessageExtBrokerInner`).
///
/// The store writes `properties_string`, not the map: the send processor
/// builds the map from the request, adds the broker's own properties and
/// encodes it once (`refresh_properties_string`). If the string is left empty
/// while the map is not, the store encodes the map itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageExtBrokerInner {
    pub ext: MessageExt,
    /// The properties in their wire form (Java `MessageDecoder#messageProperties2String`, `common/src/main/java/org/apache/rocketmq/common/message/MessageDecoder.java`); what the record stores.
    pub properties_string: String,
    /// Java `String.hashCode` of TAGS (0 without tags), or a delivery time for scheduled messages.
    pub tags_code: i64,
    pub version: MessageVersion,
}

impl MessageExtBrokerInner {
    /// Wrap a producer's message; hosts, timestamps and queue are left for the caller to set.
    pub fn from_message(message: Message) -> Self {
        let mut inner = MessageExtBrokerInner {
            ext: MessageExt {
                message,
                ..Default::default()
            },
            ..Default::default()
        };
        inner.tags_code = tags_string_to_tags_code(inner.tags().unwrap_or(""));
        inner.refresh_properties_string();
        inner
    }

    /// Re-encode `properties` into `properties_string` after changing the map.
    pub fn refresh_properties_string(&mut self) {
        self.properties_string =
            message_decoder::message_properties_to_string(&self.ext.message.properties);
    }

    /// Pick the record version from the topic length (see [`MessageVersion`]).
    pub fn refresh_version(&mut self) {
        self.version = MessageVersion::for_topic_len(self.ext.message.topic.len());
    }

    pub fn is_born_host_v6(&self) -> bool {
        self.born_host.is_ipv6()
    }
}

impl Deref for MessageExtBrokerInner {
    type Target = MessageExt;
    fn deref(&self) -> &MessageExt {
        &self.ext
    }
}

impl DerefMut for MessageExtBrokerInner {
    fn deref_mut(&mut self) -> &mut MessageExt {
        &mut self.ext
    }
}

/// A SEND_BATCH_MESSAGE request on the broker's write path (Java `MessageExtBatch`).
///
/// `body` holds the batch body exactly as the client sent it: every message
/// encoded as `[totalSize][magic][bodyCRC][flag][bodyLen][body][propsLen][props]`
/// (see `message_decoder::encode_messages`). Topic, queue, hosts and
/// timestamps are shared by all messages of the batch; each message keeps its
/// own flag, body and properties. The store splits and stores them in one go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageExtBatch {
    pub inner: MessageExtBrokerInner,
}

impl MessageExtBatch {
    pub fn new(inner: MessageExtBrokerInner) -> Self {
        MessageExtBatch { inner }
    }
}

impl Deref for MessageExtBatch {
    type Target = MessageExtBrokerInner;
    fn deref(&self) -> &MessageExtBrokerInner {
        &self.inner
    }
}

impl DerefMut for MessageExtBatch {
    fn deref_mut(&mut self) -> &mut MessageExtBrokerInner {
        &mut self.inner
    }
}

/// Java's `String.hashCode()`: `h = 31*h + c` over UTF-16 code units, wrapping.
///
/// Consume-queue entries carry `TAGS.hashCode()` so that a pull can filter by
/// tag without touching the CommitLog; clients compute the same hash for
/// their subscription, so ours must match Java bit for bit, including for
/// non-ASCII tags (hence UTF-16, not bytes).
pub fn java_string_hash_code(s: &str) -> i32 {
    if s.is_ascii() {
        // Fast path: for ASCII a byte is a UTF-16 code unit.
        return s
            .bytes()
            .fold(0i32, |h, b| h.wrapping_mul(31).wrapping_add(b as i32));
    }
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(c as i32))
}

/// tagsCode of a message (Java `MessageExtBrokerInner.tagsString2tagsCode`):
/// 0 for no tags, else the Java hash code widened to a long.
pub fn tags_string_to_tags_code(tags: &str) -> i64 {
    if tags.is_empty() {
        0
    } else {
        java_string_hash_code(tags) as i64
    }
}

/// Whether a message's transaction state keeps it out of the consume queue
/// (prepared and rolled-back half messages are never consumable).
pub fn is_consumable_transaction_state(sys_flag: i32) -> bool {
    let t = MessageSysFlag::get_transaction_value(sys_flag);
    t == MessageSysFlag::TRANSACTION_NOT_TYPE || t == MessageSysFlag::TRANSACTION_COMMIT_TYPE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_hash_codes() {
        // Values computed with java.lang.String#hashCode.
        assert_eq!(java_string_hash_code(""), 0);
        assert_eq!(java_string_hash_code("TagA"), 2598919);
        assert_eq!(java_string_hash_code("hello"), 99162322);
        assert_eq!(
            java_string_hash_code("TopicTest#key"),
            "TopicTest#key"
                .encode_utf16()
                .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(c as i32))
        );
        // Non-ASCII: "é" is one UTF-16 unit 0xE9 (233), not two UTF-8 bytes.
        assert_eq!(java_string_hash_code("é"), 233);
        // A surrogate pair counts as two units.
        assert_eq!(java_string_hash_code("😀"), 0xD83D * 31 + 0xDE00);
        assert_eq!(tags_string_to_tags_code(""), 0);
    }

    #[test]
    fn message_helpers() {
        let mut m = Message::new("T", "b")
            .with_tags("TagA")
            .with_keys(["k1", "k2"]);
        assert_eq!(m.tags(), Some("TagA"));
        assert_eq!(m.key_list().collect::<Vec<_>>(), vec!["k1", "k2"]);
        assert!(m.is_wait_store_msg_ok());
        m.set_wait_store_msg_ok(false);
        assert!(!m.is_wait_store_msg_ok());
        let inner = MessageExtBrokerInner::from_message(m);
        assert_eq!(inner.tags_code, 2598919);
        assert!(inner.properties_string.contains("TAGS\u{1}TagA\u{2}"));
        assert_eq!(inner.topic, "T");
    }
}
