//! Custom headers of the send path — mirrors `SendMessageRequestHeader`,
//! `SendMessageRequestHeaderV2` and `SendMessageResponseHeader` of
//! `org.apache.rocketmq.remoting.protocol.header`.
//!
//! SEND_MESSAGE (10) carries the header under its field names. A send is
//! the most frequent request there is, so SEND_MESSAGE_V2 (310), which
//! every Java producer uses by default, carries the very same fields under
//! one-letter keys `a` … `n`, saving about 150 bytes per message. The broker
//! turns a V2 header back into V1 first
//! (`SendMessageRequestHeaderV2.createSendMessageRequestHeaderV1`), so the
//! rest of the send path sees one shape.

use std::collections::HashMap;

use crate::remoting::command::{CommandCustomHeader, optional_parsed, required, required_parsed};
use crate::remoting::error::RemotingError;

/// Header of SEND_MESSAGE (10), and of every send once decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendMessageRequestHeader {
    pub producer_group: String,
    pub topic: String,
    /// `TBW102`: the template for the topic if the broker lacks it.
    pub default_topic: String,
    /// How many queues the producer wants an auto-created topic to have (4).
    pub default_topic_queue_nums: i32,
    /// The queue the producer chose.
    pub queue_id: i32,
    /// `MessageSysFlag` bits.
    pub sys_flag: i32,
    pub born_timestamp: i64,
    /// The user's flag.
    pub flag: i32,
    /// `TAGS\u{1}TagA\u{2}KEYS\u{1}k1\u{2}`.
    pub properties: Option<String>,
    pub reconsume_times: Option<i32>,
    pub unit_mode: Option<bool>,
    pub batch: Option<bool>,
    pub max_reconsume_times: Option<i32>,
    /// `bname`: the broker the producer meant.
    pub broker_name: Option<String>,
}

// ANCHOR: v2_keys
/// V1 field → V2 key. The table *is* `SendMessageRequestHeaderV2`.
const V2_KEYS: [(&str, &str); 14] = [
    ("producerGroup", "a"),
    ("topic", "b"),
    ("defaultTopic", "c"),
    ("defaultTopicQueueNums", "d"),
    ("queueId", "e"),
    ("sysFlag", "f"),
    ("bornTimestamp", "g"),
    ("flag", "h"),
    ("properties", "i"),
    ("reconsumeTimes", "j"),
    ("unitMode", "k"),
    ("maxReconsumeTimes", "l"),
    ("batch", "m"),
    ("bname", "n"),
];
// ANCHOR_END: v2_keys

impl CommandCustomHeader for SendMessageRequestHeader {
    fn to_ext_fields(&self) -> HashMap<String, String> {
        let mut ext = HashMap::from([
            ("producerGroup".to_string(), self.producer_group.clone()),
            ("topic".to_string(), self.topic.clone()),
            ("defaultTopic".to_string(), self.default_topic.clone()),
            ("defaultTopicQueueNums".to_string(), self.default_topic_queue_nums.to_string()),
            ("queueId".to_string(), self.queue_id.to_string()),
            ("sysFlag".to_string(), self.sys_flag.to_string()),
            ("bornTimestamp".to_string(), self.born_timestamp.to_string()),
            ("flag".to_string(), self.flag.to_string()),
        ]);
        let optional = [
            ("properties", self.properties.clone()),
            ("reconsumeTimes", self.reconsume_times.map(|v| v.to_string())),
            ("unitMode", self.unit_mode.map(|v| v.to_string())),
            ("batch", self.batch.map(|v| v.to_string())),
            ("maxReconsumeTimes", self.max_reconsume_times.map(|v| v.to_string())),
            ("bname", self.broker_name.clone()),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                ext.insert(key.to_string(), value);
            }
        }
        ext
    }

    fn from_ext_fields(ext: &HashMap<String, String>) -> Result<Self, RemotingError> {
        Ok(SendMessageRequestHeader {
            producer_group: required(ext, "producerGroup")?,
            topic: required(ext, "topic")?,
            default_topic: required(ext, "defaultTopic")?,
            default_topic_queue_nums: required_parsed(ext, "defaultTopicQueueNums")?,
            queue_id: required_parsed(ext, "queueId")?,
            sys_flag: required_parsed(ext, "sysFlag")?,
            born_timestamp: required_parsed(ext, "bornTimestamp")?,
            flag: required_parsed(ext, "flag")?,
            properties: ext.get("properties").cloned(),
            reconsume_times: optional_parsed(ext, "reconsumeTimes")?,
            unit_mode: optional_parsed(ext, "unitMode")?,
            batch: optional_parsed(ext, "batch")?,
            max_reconsume_times: optional_parsed(ext, "maxReconsumeTimes")?,
            broker_name: ext.get("bname").cloned(),
        })
    }
}

/// Header of SEND_MESSAGE_V2 (310): the V1 header under one-letter keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendMessageRequestHeaderV2(pub SendMessageRequestHeader);

impl CommandCustomHeader for SendMessageRequestHeaderV2 {
    /// `createSendMessageRequestHeaderV2`: rename every key.
    fn to_ext_fields(&self) -> HashMap<String, String> {
        rename(self.0.to_ext_fields(), |(long, short)| (long, short))
    }

    /// `createSendMessageRequestHeaderV1`: rename back, then read as V1. A
    /// missing field is reported under its V2 key, as Java does.
    fn from_ext_fields(ext: &HashMap<String, String>) -> Result<Self, RemotingError> {
        let v1 = rename(ext.clone(), |(long, short)| (short, long));
        let short = |field: &'static str| {
            V2_KEYS
                .iter()
                .find(|(long, _)| *long == field)
                .map_or(field, |(_, s)| *s)
        };
        SendMessageRequestHeader::from_ext_fields(&v1)
            .map(SendMessageRequestHeaderV2)
            .map_err(|e| match e {
                RemotingError::MissingField(f) => RemotingError::MissingField(short(f)),
                RemotingError::InvalidField { field, value } => RemotingError::InvalidField {
                    field: short(field),
                    value,
                },
                other => other,
            })
    }
}

/// Rename the keys of `ext` found in [`V2_KEYS`]; `pick` says which column
/// is the old name and which the new.
fn rename(
    ext: HashMap<String, String>,
    pick: impl Fn((&'static str, &'static str)) -> (&'static str, &'static str),
) -> HashMap<String, String> {
    ext.into_iter()
        .map(|(key, value)| {
            let renamed = V2_KEYS
                .iter()
                .map(|&pair| pick(pair))
                .find(|(from, _)| *from == key)
                .map_or(key, |(_, to)| to.to_string());
            (renamed, value)
        })
        .collect()
}

/// Header of every send's response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendMessageResponseHeader {
    /// The offset message id (store host + commit-log offset).
    pub msg_id: String,
    pub queue_id: i32,
    pub queue_offset: i64,
    /// The producer's own message id (`UNIQ_KEY`), when it set one.
    pub transaction_id: Option<String>,
}

impl CommandCustomHeader for SendMessageResponseHeader {
    fn to_ext_fields(&self) -> HashMap<String, String> {
        let mut ext = HashMap::from([
            ("msgId".to_string(), self.msg_id.clone()),
            ("queueId".to_string(), self.queue_id.to_string()),
            ("queueOffset".to_string(), self.queue_offset.to_string()),
        ]);
        if let Some(id) = &self.transaction_id {
            ext.insert("transactionId".to_string(), id.clone());
        }
        ext
    }

    fn from_ext_fields(ext: &HashMap<String, String>) -> Result<Self, RemotingError> {
        Ok(SendMessageResponseHeader {
            msg_id: required(ext, "msgId")?,
            queue_id: required_parsed(ext, "queueId")?,
            queue_offset: required_parsed(ext, "queueOffset")?,
            transaction_id: ext.get("transactionId").cloned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v1() -> SendMessageRequestHeader {
        SendMessageRequestHeader {
            producer_group: "PG".into(),
            topic: "TopicTest".into(),
            default_topic: "TBW102".into(),
            default_topic_queue_nums: 4,
            queue_id: 2,
            sys_flag: 0,
            born_timestamp: 1_000,
            flag: 0,
            properties: Some("TAGS\u{1}TagA\u{2}".into()),
            reconsume_times: Some(0),
            unit_mode: None,
            batch: None,
            max_reconsume_times: None,
            broker_name: Some("broker-a".into()),
        }
    }

    #[test]
    fn v2_is_v1_under_one_letter_keys() {
        let ext = SendMessageRequestHeaderV2(v1()).to_ext_fields();
        assert_eq!(ext.get("b").map(String::as_str), Some("TopicTest"));
        assert_eq!(ext.get("n").map(String::as_str), Some("broker-a"));
        assert!(!ext.contains_key("topic"));
        let back = SendMessageRequestHeaderV2::from_ext_fields(&ext).unwrap();
        assert_eq!(back.0, v1());

        let mut missing = ext.clone();
        missing.remove("b");
        let err = SendMessageRequestHeaderV2::from_ext_fields(&missing).unwrap_err();
        assert_eq!(err.to_string(), "the custom field <b> is null");
    }
}
