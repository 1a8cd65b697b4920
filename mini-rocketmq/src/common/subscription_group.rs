//! `SubscriptionGroupConfig`: what the broker knows about one consumer group.
//!
//! Mirrors `org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig`.
//! The broker keeps one per consumer group in `config/subscriptionGroup.json`
//! (see `broker::subscription_group_manager`), creates one with the defaults
//! below the first time a group pulls or heartbeats (`autoCreateSubscriptionGroup`),
//! and consults it on the pull path (`consumeEnable`, `whichBrokerWhenConsumeSlowly`)
//! and when a consumer sends a message back (`retryQueueNums`, `retryMaxTimes`).
//!
//! The JSON names are RocketMQ's, so `mqadmin updateSubGroup` and the
//! dashboard can read and write this record. Fields this mini broker does not
//! interpret (`groupRetryPolicy`, `subscriptionDataSet`, anything a newer
//! RocketMQ adds) are kept verbatim in `extra` so a round trip through our
//! broker does not drop them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Defaults from Java `SubscriptionGroupConfig`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/subscription/SubscriptionGroupConfig.java`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubscriptionGroupConfig {
    pub group_name: String,
    pub consume_enable: bool,
    pub consume_from_min_enable: bool,
    pub consume_broadcast_enable: bool,
    pub consume_message_orderly: bool,
    /// Queues of the group's `%RETRY%<group>` topic.
    pub retry_queue_nums: i32,
    /// After this many redeliveries a message goes to `%DLQ%<group>`.
    pub retry_max_times: i32,
    /// Which broker of the set the group reads from (0 = master).
    pub broker_id: i64,
    /// Broker id suggested to a consumer that has fallen far behind.
    pub which_broker_when_consume_slowly: i64,
    /// Whether membership changes are pushed (NOTIFY_CONSUMER_IDS_CHANGED).
    pub notify_consumer_ids_changed_enable: bool,
    pub group_sys_flag: i32,
    pub consume_timeout_minute: i32,
    pub attributes: BTreeMap<String, String>,
    /// Unknown and uninterpreted fields, written back as they came.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Default for SubscriptionGroupConfig {
    fn default() -> Self {
        SubscriptionGroupConfig {
            group_name: String::new(),
            consume_enable: true,
            consume_from_min_enable: true,
            consume_broadcast_enable: true,
            consume_message_orderly: false,
            retry_queue_nums: 1,
            retry_max_times: 16,
            broker_id: 0,
            which_broker_when_consume_slowly: 1,
            notify_consumer_ids_changed_enable: true,
            group_sys_flag: 0,
            consume_timeout_minute: 15,
            attributes: BTreeMap::new(),
            extra: serde_json::Map::new(),
        }
    }
}

impl SubscriptionGroupConfig {
    /// A group with RocketMQ's defaults.
    pub fn new(group_name: impl Into<String>) -> Self {
        SubscriptionGroupConfig {
            group_name: group_name.into(),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_names_match_rocketmq() {
        let json = serde_json::to_value(SubscriptionGroupConfig::new("cg")).unwrap();
        assert_eq!(json["groupName"], "cg");
        assert_eq!(json["retryQueueNums"], 1);
        assert_eq!(json["retryMaxTimes"], 16);
        assert_eq!(json["whichBrokerWhenConsumeSlowly"], 1);
        assert_eq!(json["consumeTimeoutMinute"], 15);
        assert_eq!(json["notifyConsumerIdsChangedEnable"], true);
    }

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let text = r#"{"groupName":"g","retryMaxTimes":3,
            "groupRetryPolicy":{"type":"CUSTOMIZED"}}"#;
        let c: SubscriptionGroupConfig = serde_json::from_str(text).unwrap();
        assert_eq!(c.retry_max_times, 3);
        assert!(c.consume_enable);
        let back = serde_json::to_value(&c).unwrap();
        assert_eq!(back["groupRetryPolicy"]["type"], "CUSTOMIZED");
    }
}
