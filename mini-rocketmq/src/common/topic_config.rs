//! `TopicConfig`: one topic as a broker knows it.
//!
//! Mirrors `org.apache.rocketmq.common.TopicConfig` and
//! `org.apache.rocketmq.remoting.protocol.body.TopicConfigSerializeWrapper`.
//! A broker keeps one `TopicConfig` per topic (persisted in
//! `config/topics.json`) and sends the whole table, stamped with a
//! [`DataVersion`], in every REGISTER_BROKER. The name server turns each entry
//! into a `QueueData` of the route (read/write queue counts, perm, sys flag).
//!
//! Two encodings exist:
//!
//! - JSON (fastjson, keys alphabetical): `{"attributes":{},"order":false,
//!   "perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG",
//!   "topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}`;
//! - a space-separated line, [`TopicConfig::encode`], used inside the
//!   compressed REGISTER_BROKER body: `TopicTest 4 4 6 SINGLE_TAG {}`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::common::data_version::DataVersion;
use crate::common::perm;

/// Java's `TopicConfig` class defaults (a topic created by `new TopicConfig(name)`).
pub const DEFAULT_READ_QUEUE_NUMS: i32 = 16;
pub const DEFAULT_WRITE_QUEUE_NUMS: i32 = 16;

/// How a topic's messages carry tags. Only the name travels; RocketMQ itself
/// treats both the same today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TopicFilterType {
    #[default]
    SingleTag,
    MultiTag,
}

impl TopicFilterType {
    pub fn as_str(self) -> &'static str {
        match self {
            TopicFilterType::SingleTag => "SINGLE_TAG",
            TopicFilterType::MultiTag => "MULTI_TAG",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "SINGLE_TAG" => Some(TopicFilterType::SingleTag),
            "MULTI_TAG" => Some(TopicFilterType::MultiTag),
            _ => None,
        }
    }
}

impl fmt::Display for TopicFilterType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One topic's settings. Fields are declared alphabetically so serde writes
/// them in fastjson's order; every field has a default so that partial JSON
/// (older brokers, hand-written files) still reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicConfig {
    /// Free-form `+key=value` attributes (5.x: message type, queue type…).
    pub attributes: BTreeMap<String, String>,
    /// Ordered topic (`mqadmin updateTopic -o true`).
    pub order: bool,
    /// [`perm`] bits; 6 = read + write.
    pub perm: i32,
    pub read_queue_nums: i32,
    pub topic_filter_type: TopicFilterType,
    pub topic_name: String,
    /// `TopicSysFlag` bits (unit / unit-sub); 0 for ordinary topics.
    pub topic_sys_flag: i32,
    pub write_queue_nums: i32,
}

impl Default for TopicConfig {
    fn default() -> Self {
        TopicConfig {
            attributes: BTreeMap::new(),
            order: false,
            perm: perm::PERM_READ_WRITE,
            read_queue_nums: DEFAULT_READ_QUEUE_NUMS,
            topic_filter_type: TopicFilterType::SingleTag,
            topic_name: String::new(),
            topic_sys_flag: 0,
            write_queue_nums: DEFAULT_WRITE_QUEUE_NUMS,
        }
    }
}

impl TopicConfig {
    /// A topic with Java's defaults: 16 read / 16 write queues, perm RW.
    pub fn new(topic_name: impl Into<String>) -> Self {
        TopicConfig {
            topic_name: topic_name.into(),
            ..Default::default()
        }
    }

    /// A topic with the given queue counts and perm.
    pub fn with_queues(topic_name: impl Into<String>, read: i32, write: i32, perm: i32) -> Self {
        TopicConfig {
            topic_name: topic_name.into(),
            read_queue_nums: read,
            write_queue_nums: write,
            perm,
            ..Default::default()
        }
    }

    /// Java `encode()`: `name read write perm filterType attributesJson`,
    /// separated by single spaces.
    pub fn encode(&self) -> String {
        let attrs = serde_json::to_string(&self.attributes).unwrap_or_else(|_| "{}".into());
        format!(
            "{} {} {} {} {} {}",
            self.topic_name,
            self.read_queue_nums,
            self.write_queue_nums,
            self.perm,
            self.topic_filter_type,
            attrs
        )
    }

    /// Java `decode()`: the inverse of [`encode`](Self::encode). Needs at
    /// least the first five fields; like Java, attributes that do not parse
    /// (a space inside a value splits them) are ignored rather than failing
    /// the whole topic.
    pub fn decode(line: &str) -> Option<Self> {
        let parts: Vec<&str> = line.split(' ').collect();
        if parts.len() < 5 {
            return None;
        }
        let mut tc = TopicConfig::new(parts[0]);
        tc.read_queue_nums = parts[1].parse().ok()?;
        tc.write_queue_nums = parts[2].parse().ok()?;
        tc.perm = parts[3].parse().ok()?;
        tc.topic_filter_type = TopicFilterType::parse(parts[4])?;
        if let Some(attrs) = parts.get(5)
            && let Ok(map) = serde_json::from_str(attrs)
        {
            tc.attributes = map;
        }
        Some(tc)
    }
}

/// `TopicConfigSerializeWrapper`: a broker's whole topic table with its
/// version stamp. This is the content of `config/topics.json` and the heart
/// of the REGISTER_BROKER body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicConfigSerializeWrapper {
    pub data_version: DataVersion,
    /// topic name → config. A `BTreeMap` so that files and bodies come out
    /// in a stable order (Java's `ConcurrentHashMap` order is arbitrary, so
    /// any order is equally valid to readers).
    pub topic_config_table: BTreeMap<String, TopicConfig>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_matches_rocketmq_field_names_and_order() {
        let tc = TopicConfig::with_queues("TopicTest", 4, 4, 6);
        assert_eq!(
            serde_json::to_string(&tc).unwrap(),
            r#"{"attributes":{},"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}"#
        );
    }

    #[test]
    fn partial_json_takes_java_defaults() {
        let tc: TopicConfig = serde_json::from_str(r#"{"topicName":"t"}"#).unwrap();
        assert_eq!(tc, TopicConfig::new("t"));
        assert_eq!(tc.read_queue_nums, 16);
        assert_eq!(tc.perm, 6);
    }

    #[test]
    fn line_encoding_round_trips() {
        let mut tc = TopicConfig::with_queues("TopicTest", 4, 8, 7);
        tc.attributes
            .insert("+message.type".into(), "NORMAL".into());
        let line = tc.encode();
        assert_eq!(
            line,
            r#"TopicTest 4 8 7 SINGLE_TAG {"+message.type":"NORMAL"}"#
        );
        assert_eq!(TopicConfig::decode(&line).unwrap(), tc);
        assert!(TopicConfig::decode("TopicTest 4 8").is_none());
        assert!(TopicConfig::decode("TopicTest x 8 6 SINGLE_TAG").is_none());
    }

    #[test]
    fn wrapper_json() {
        let mut w = TopicConfigSerializeWrapper::default();
        w.data_version.counter = 2;
        w.topic_config_table
            .insert("t".into(), TopicConfig::with_queues("t", 1, 1, 6));
        let text = serde_json::to_string(&w).unwrap();
        assert!(text.starts_with(r#"{"dataVersion":{"counter":2,"#));
        let back: TopicConfigSerializeWrapper = serde_json::from_str(&text).unwrap();
        assert_eq!(back, w);
    }
}
