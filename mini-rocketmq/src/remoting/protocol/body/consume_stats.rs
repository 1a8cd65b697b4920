//! `ConsumeStats`: how far a consumer group lags, queue by queue.
//!
//! Mirrors `org.apache.rocketmq.remoting.protocol.admin.{ConsumeStats,
//! OffsetWrapper}`, the body of GET_CONSUME_STATS (208) — what
//! `mqadmin consumerProgress` prints. For every queue of the group's topics:
//! the broker's max offset, the group's committed offset, and the store time
//! of the last consumed message.
//!
//! The table is a `Map<MessageQueue, OffsetWrapper>`, which fastjson writes
//! with *objects as keys*:
//!
//! ```text
//! {"consumeTps":0.0,"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:
//!   {"brokerOffset":10,"consumerOffset":7,"lastTimestamp":1700000000000,"pullOffset":7}}}
//! ```
//!
//! so the field goes through [`fastjson::object_key_map`] and the body is
//! written with [`fastjson::to_vec`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::common::fastjson::{self, FastjsonError, JsonStyle};
use crate::common::message_queue::MessageQueue;

/// One queue's progress.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OffsetWrapper {
    /// The queue's max offset (one past the last message).
    pub broker_offset: i64,
    /// The group's committed offset.
    pub consumer_offset: i64,
    /// Store time of the message just before `consumer_offset` (0 if none).
    pub last_timestamp: i64,
    /// The offset of the group's last pull (equal to `consumer_offset` here).
    pub pull_offset: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumeStats {
    pub consume_tps: f64,
    #[serde(with = "fastjson::object_key_map")]
    pub offset_table: BTreeMap<MessageQueue, OffsetWrapper>,
}

impl ConsumeStats {
    /// Total messages not yet consumed.
    pub fn compute_total_diff(&self) -> i64 {
        self.offset_table
            .values()
            .map(|w| w.broker_offset - w.consumer_offset)
            .sum()
    }

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
    fn object_keys_like_fastjson() {
        let mut cs = ConsumeStats::default();
        cs.offset_table.insert(
            MessageQueue::new("T", "broker-a", 0),
            OffsetWrapper {
                broker_offset: 10,
                consumer_offset: 7,
                last_timestamp: 5,
                pull_offset: 7,
            },
        );
        let text = String::from_utf8(cs.encode()).unwrap();
        // The key is an object, not a string; its field order is MessageQueue's.
        assert!(
            text.starts_with(r#"{"consumeTps":0.0,"offsetTable":{{"#),
            "{text}"
        );
        assert!(
            text.ends_with(
                r#"}:{"brokerOffset":10,"consumerOffset":7,"lastTimestamp":5,"pullOffset":7}}}"#
            ),
            "{text}"
        );
        let back = ConsumeStats::decode(text.as_bytes()).unwrap();
        assert_eq!(back, cs);
        assert_eq!(back.compute_total_diff(), 3);
    }
}
