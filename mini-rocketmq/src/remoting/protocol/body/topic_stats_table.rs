//! `TopicStatsTable`: min and max offsets of every queue of a topic.
//!
//! Mirrors `org.apache.rocketmq.remoting.protocol.admin.{TopicStatsTable,
//! TopicOffset}`, the body of GET_TOPIC_STATS_INFO (202) — what
//! `mqadmin topicStatus` prints. Like `ConsumeStats` it is a
//! `Map<MessageQueue, …>` written by fastjson with objects as keys:
//!
//! ```text
//! {"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:
//!   {"lastUpdateTimestamp":1700000000000,"maxOffset":10,"minOffset":0}},"topicPutTps":0.0}
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::common::fastjson::{self, FastjsonError, JsonStyle};
use crate::common::message_queue::MessageQueue;

/// One queue's range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicOffset {
    /// Store time of the newest message (0 for an empty queue).
    pub last_update_timestamp: i64,
    pub max_offset: i64,
    pub min_offset: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicStatsTable {
    #[serde(with = "fastjson::object_key_map")]
    pub offset_table: BTreeMap<MessageQueue, TopicOffset>,
    pub topic_put_tps: f64,
}

impl TopicStatsTable {
    pub fn encode(&self) -> Vec<u8> {
        fastjson::to_vec(self, JsonStyle::Fastjson).unwrap_or_default()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, FastjsonError> {
        fastjson::from_slice(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut t = TopicStatsTable::default();
        t.offset_table.insert(
            MessageQueue::new("T", "b", 1),
            TopicOffset {
                last_update_timestamp: 3,
                max_offset: 10,
                min_offset: 0,
            },
        );
        let bytes = t.encode();
        assert!(String::from_utf8_lossy(&bytes).starts_with(r#"{"offsetTable":{{"#));
        assert_eq!(TopicStatsTable::decode(&bytes).unwrap(), t);
    }
}
