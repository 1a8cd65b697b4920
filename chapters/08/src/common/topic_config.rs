//! `TopicConfig` — mirrors `org.apache.rocketmq.common.TopicConfig`.
//!
//! A broker's description of one topic it hosts: how many queues it has for
//! reading and for writing, and who may do what (`perm`). Brokers own topic
//! configs; the name server only ever sees them as part of a registration and
//! turns each into a `QueueData` row of its `topicQueueTable`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::perm::{PERM_READ, PERM_WRITE};

/// How tags are matched on this topic; RocketMQ only ever uses `SINGLE_TAG`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TopicFilterType {
    #[default]
    SingleTag,
    MultiTag,
}

/// Fields in the alphabetical order fastjson writes them, so our JSON reads
/// the same as a Java broker's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicConfig {
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub order: bool,
    pub perm: i32,
    pub read_queue_nums: i32,
    #[serde(default)]
    pub topic_filter_type: TopicFilterType,
    pub topic_name: String,
    #[serde(default)]
    pub topic_sys_flag: i32,
    pub write_queue_nums: i32,
}

impl TopicConfig {
    /// A read-write topic with `queues` read and write queues.
    pub fn new(topic_name: &str, queues: i32) -> Self {
        TopicConfig::with_queues(topic_name, queues, queues, PERM_READ | PERM_WRITE)
    }

    /// A topic with its own read and write queue counts and permission.
    pub fn with_queues(topic_name: &str, read: i32, write: i32, perm: i32) -> Self {
        TopicConfig {
            attributes: BTreeMap::new(),
            order: false,
            perm,
            read_queue_nums: read,
            topic_filter_type: TopicFilterType::SingleTag,
            topic_name: topic_name.to_string(),
            topic_sys_flag: 0,
            write_queue_nums: write,
        }
    }
}

/// Prints as `r4/w4 RW-`, the way the name server's trace prints queue data.
impl std::fmt::Display for TopicConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let perm = super::perm::perm_to_string(self.perm);
        write!(f, "r{}/w{} {perm}", self.read_queue_nums, self.write_queue_nums)
    }
}
