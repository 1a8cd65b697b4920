//! `HeartbeatData`: the body of HEART_BEAT (34), a client's "I am here".
//!
//! Mirrors `org.apache.rocketmq.remoting.protocol.heartbeat.{HeartbeatData,
//! ProducerData, ConsumerData, SubscriptionData}` (Java `HeartbeatData`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/heartbeat/HeartbeatData.java`). Every client
//! sends one to every broker of its routes every 30 s; it lists the producer
//! groups and consumer groups of the client, and for each consumer group its
//! subscriptions. The broker builds its client tables from it
//! (`broker::client`), and the pull path filters with the subscriptions
//! registered here when a pull does not carry its own.
//!
//! ```text
//! {"clientID":"10.0.0.5@12345","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET",
//!   "consumeType":"CONSUME_PASSIVELY","groupName":"cg","messageModel":"CLUSTERING",
//!   "subscriptionDataSet":[{"classFilterMode":false,"codeSet":[],"expressionType":"TAG",
//!     "subString":"*","subVersion":1700000000000,"tagsSet":[],"topic":"TopicTest"}],
//!   "unitMode":false}],
//!  "heartbeatFingerprint":0,"producerDataSet":[{"groupName":"pg"}],"withoutSub":false}
//! ```
//!
//! The enum-valued fields (`consumeType`, `messageModel`, `consumeFromWhere`)
//! are kept as their Java names in strings: clients of other languages and
//! versions add values (`CONSUME_POP`, deprecated `CONSUME_FROM_*`), and a
//! heartbeat must not be refused for a value the broker does not act on.
//! Every field has a default, so partial bodies from other clients still read.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::common::fastjson::{self, FastjsonError, JsonStyle};
use crate::common::message::java_string_hash_code;

/// `SubscriptionData.SUB_ALL`: subscribe to every tag.
pub const SUB_ALL: &str = "*";
/// `ExpressionType.TAG`.
pub const EXPRESSION_TYPE_TAG: &str = "TAG";
/// `ExpressionType.SQL92`.
pub const EXPRESSION_TYPE_SQL92: &str = "SQL92";

/// `ConsumeType.CONSUME_ACTIVELY`: a pull consumer.
pub const CONSUME_ACTIVELY: &str = "CONSUME_ACTIVELY";
/// `ConsumeType.CONSUME_PASSIVELY`: a push consumer.
pub const CONSUME_PASSIVELY: &str = "CONSUME_PASSIVELY";
/// `MessageModel.CLUSTERING`: each message to one member of the group.
pub const CLUSTERING: &str = "CLUSTERING";
/// `MessageModel.BROADCASTING`: each message to every member.
pub const BROADCASTING: &str = "BROADCASTING";
/// `ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET`, the default.
pub const CONSUME_FROM_LAST_OFFSET: &str = "CONSUME_FROM_LAST_OFFSET";

/// The whole heartbeat.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HeartbeatData {
    #[serde(rename = "clientID")]
    pub client_id: String,
    #[serde(rename = "consumerDataSet")]
    pub consumer_data_set: Vec<ConsumerData>,
    /// 5.x heartbeat v2: a hash of the content, so an unchanged heartbeat
    /// can be sent without its subscriptions. 0 = not used.
    #[serde(rename = "heartbeatFingerprint")]
    pub heartbeat_fingerprint: i32,
    #[serde(rename = "producerDataSet")]
    pub producer_data_set: Vec<ProducerData>,
    /// Heartbeat v2: subscriptions left out because they did not change.
    #[serde(rename = "withoutSub")]
    pub without_sub: bool,
}

/// One producer group of the client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProducerData {
    pub group_name: String,
}

/// One consumer group of the client, with its subscriptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumerData {
    pub consume_from_where: String,
    pub consume_type: String,
    pub group_name: String,
    pub message_model: String,
    pub subscription_data_set: Vec<SubscriptionData>,
    pub unit_mode: bool,
}

impl Default for ConsumerData {
    fn default() -> Self {
        ConsumerData {
            consume_from_where: CONSUME_FROM_LAST_OFFSET.into(),
            consume_type: CONSUME_PASSIVELY.into(),
            group_name: String::new(),
            message_model: CLUSTERING.into(),
            subscription_data_set: Vec::new(),
            unit_mode: false,
        }
    }
}

/// One subscription: a topic and a filter expression.
///
/// For TAG expressions, `tagsSet` holds the tags of `subString`
/// (`"TagA || TagB"` → `{TagA, TagB}`) and `codeSet` their Java hash codes,
/// which is what the broker compares against the consume-queue tagsCode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubscriptionData {
    pub class_filter_mode: bool,
    pub code_set: BTreeSet<i32>,
    pub expression_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_class_source: Option<String>,
    pub sub_string: String,
    pub sub_version: i64,
    pub tags_set: BTreeSet<String>,
    pub topic: String,
}

impl Default for SubscriptionData {
    fn default() -> Self {
        SubscriptionData {
            class_filter_mode: false,
            code_set: BTreeSet::new(),
            expression_type: EXPRESSION_TYPE_TAG.into(),
            filter_class_source: None,
            sub_string: SUB_ALL.into(),
            sub_version: 0,
            tags_set: BTreeSet::new(),
            topic: String::new(),
        }
    }
}

impl SubscriptionData {
    /// Java `FilterAPI.build` for TAG expressions: split `sub_string` on `||`,
    /// trim, and fill `tagsSet`/`codeSet`. `*` or an empty string subscribes
    /// to everything (both sets empty, `subString` = `*`).
    pub fn build(
        topic: &str,
        sub_string: &str,
        expression_type: Option<&str>,
        sub_version: i64,
    ) -> Self {
        let mut data = SubscriptionData {
            topic: topic.to_string(),
            sub_version,
            expression_type: expression_type
                .filter(|t| !t.is_empty())
                .unwrap_or(EXPRESSION_TYPE_TAG)
                .to_string(),
            ..Default::default()
        };
        let trimmed = sub_string.trim();
        if trimmed.is_empty() || trimmed == SUB_ALL {
            data.sub_string = SUB_ALL.to_string();
            return data;
        }
        data.sub_string = sub_string.to_string();
        if data.expression_type == EXPRESSION_TYPE_TAG {
            for tag in trimmed.split("||").map(str::trim).filter(|t| !t.is_empty()) {
                data.code_set.insert(java_string_hash_code(tag));
                data.tags_set.insert(tag.to_string());
            }
        }
        data
    }

    /// Whether this subscription takes every message of the topic.
    pub fn is_sub_all(&self) -> bool {
        self.sub_string.trim().is_empty() || self.sub_string.trim() == SUB_ALL
    }
}

impl HeartbeatData {
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
    fn reads_the_java_example() {
        let text = r#"{"clientID":"10.0.0.5@12345#98765","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET",
  "consumeType":"CONSUME_PASSIVELY","groupName":"cg","messageModel":"CLUSTERING",
  "subscriptionDataSet":[{"classFilterMode":false,"codeSet":[],"expressionType":"TAG","subString":"*",
     "subVersion":1700000000000,"tagsSet":[],"topic":"TopicTest"}],"unitMode":false}],
 "heartbeatFingerprint":0,"producerDataSet":[{"groupName":"pg"},{"groupName":"CLIENT_INNER_PRODUCER"}],
 "withoutSub":false}"#;
        let hb = HeartbeatData::decode(text.as_bytes()).unwrap();
        assert_eq!(hb.client_id, "10.0.0.5@12345#98765");
        assert_eq!(hb.producer_data_set.len(), 2);
        let cd = &hb.consumer_data_set[0];
        assert_eq!(cd.group_name, "cg");
        assert_eq!(cd.subscription_data_set[0].topic, "TopicTest");
        assert!(cd.subscription_data_set[0].is_sub_all());
        let back = HeartbeatData::decode(&hb.encode()).unwrap();
        assert_eq!(back, hb);
    }

    #[test]
    fn build_splits_tags_and_hashes_them() {
        let s = SubscriptionData::build("T", "TagA || TagB", None, 1);
        assert_eq!(s.tags_set.len(), 2);
        assert!(s.code_set.contains(&java_string_hash_code("TagA")));
        assert!(!s.is_sub_all());
        assert!(SubscriptionData::build("T", "", None, 1).is_sub_all());
    }
}
