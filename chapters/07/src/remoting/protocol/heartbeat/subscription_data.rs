//! `SubscriptionData` — mirrors
//! `org.apache.rocketmq.remoting.protocol.heartbeat.SubscriptionData` and the
//! TAG half of `FilterAPI#buildSubscriptionData`.
//!
//! A consumer subscribes to a topic with an expression: `*` for every
//! message, or tags joined by `||` (`TagA || TagB`). The broker keeps the
//! tags, and their Java `String.hashCode`s: the hash is what the store can
//! compare without reading a message.

use std::collections::BTreeSet;

use crate::common::message::tags_string_to_tags_code;

/// `SubscriptionData.SUB_ALL`.
pub const SUB_ALL: &str = "*";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionData {
    pub topic: String,
    /// The expression as the consumer wrote it.
    pub sub_string: String,
    pub tags_set: BTreeSet<String>,
    /// The tags' hash codes (`codeSet`).
    pub code_set: BTreeSet<i64>,
    /// Which version of the subscription this is (the client's timestamp).
    pub sub_version: i64,
}

impl SubscriptionData {
    // ANCHOR: build_subscription_data
    /// `FilterAPI#buildSubscriptionData`: split on `||`, trim, drop empty
    /// tags; `*` or nothing means every message.
    pub fn build(topic: &str, sub_string: &str, sub_version: i64) -> Self {
        let sub_string = match sub_string.trim() {
            "" => SUB_ALL.to_string(),
            s => s.to_string(),
        };
        let tags_set: BTreeSet<String> = if sub_string == SUB_ALL {
            BTreeSet::new()
        } else {
            sub_string
                .split("||")
                .map(str::trim)
                .filter(|tag| !tag.is_empty())
                .map(String::from)
                .collect()
        };
        let code_set = tags_set
            .iter()
            .map(|t| tags_string_to_tags_code(t))
            .collect();
        SubscriptionData {
            topic: topic.to_string(),
            sub_string,
            tags_set,
            code_set,
            sub_version,
        }
    }
    // ANCHOR_END: build_subscription_data

    /// Whether it takes every message.
    pub fn is_sub_all(&self) -> bool {
        self.sub_string == SUB_ALL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_on_double_bars() {
        let sub = SubscriptionData::build("T", " TagA || TagB ||", 0);
        assert_eq!(sub.tags_set.len(), 2);
        assert!(sub.code_set.contains(&2_598_919));
        assert!(SubscriptionData::build("T", "", 0).is_sub_all());
    }
}
