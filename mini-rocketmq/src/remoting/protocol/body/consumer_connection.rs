//! `ConsumerConnection`: who is online in a consumer group, and how.
//!
//! Mirrors `org.apache.rocketmq.remoting.protocol.body.{ConsumerConnection,
//! Connection}`, the body of GET_CONSUMER_CONNECTION_LIST (203) — what
//! `mqadmin consumerConnection` prints. The broker fills it from the group's
//! live channels and the subscriptions of their last heartbeat.
//!
//! ```text
//! {"connectionSet":[{"clientAddr":"127.0.0.1:53211","clientId":"10.0.0.5@123",
//!   "language":"JAVA","version":479}],
//!  "consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY",
//!  "messageModel":"CLUSTERING","subscriptionTable":{"TopicTest":{...SubscriptionData...}}}
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::heartbeat_data::SubscriptionData;
use crate::common::fastjson::{self, FastjsonError, JsonStyle};

/// One client connection (`Connection`). `language` is the Java enum name.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Connection {
    pub client_addr: String,
    pub client_id: String,
    pub language: String,
    pub version: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumerConnection {
    pub connection_set: Vec<Connection>,
    pub consume_from_where: String,
    pub consume_type: String,
    pub message_model: String,
    /// topic → the group's subscription to it.
    pub subscription_table: BTreeMap<String, SubscriptionData>,
}

impl ConsumerConnection {
    pub fn encode(&self) -> Vec<u8> {
        fastjson::to_vec(self, JsonStyle::Fastjson).unwrap_or_default()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, FastjsonError> {
        fastjson::from_slice(bytes)
    }
}

/// `ProducerConnection`, the body of GET_PRODUCER_CONNECTION_LIST (204).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProducerConnection {
    pub connection_set: Vec<Connection>,
}

impl ProducerConnection {
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
    fn round_trip_with_java_names() {
        let mut cc = ConsumerConnection {
            consume_type: "CONSUME_PASSIVELY".into(),
            message_model: "CLUSTERING".into(),
            consume_from_where: "CONSUME_FROM_LAST_OFFSET".into(),
            ..Default::default()
        };
        cc.connection_set.push(Connection {
            client_addr: "127.0.0.1:1".into(),
            client_id: "c1".into(),
            language: "JAVA".into(),
            version: 479,
        });
        cc.subscription_table
            .insert("T".into(), SubscriptionData::build("T", "*", None, 1));
        let text = String::from_utf8(cc.encode()).unwrap();
        assert!(text.starts_with(r#"{"connectionSet":[{"clientAddr":"127.0.0.1:1","clientId":"c1","language":"JAVA","version":479}]"#));
        assert_eq!(ConsumerConnection::decode(text.as_bytes()).unwrap(), cc);
    }
}
