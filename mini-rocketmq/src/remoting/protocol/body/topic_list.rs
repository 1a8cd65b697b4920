//! `TopicList`: a list of topic names.
//!
//! Mirrors `org.apache.rocketmq.remoting.protocol.body.TopicList`, the body of
//! GET_ALL_TOPIC_LIST_FROM_NAMESERVER, GET_TOPICS_BY_CLUSTER and
//! GET_SYSTEM_TOPIC_LIST_FROM_NS: `{"topicList":["TopicA","TopicB"]}`, with
//! `brokerAddr` set only by the system-topic query (Java: a `Set<String>`;
//! we keep it sorted so answers are repeatable).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::common::fastjson::{self, FastjsonError, JsonStyle};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicList {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broker_addr: Option<String>,
    pub topic_list: BTreeSet<String>,
}

impl TopicList {
    pub fn encode(&self) -> Vec<u8> {
        // Strings only: serialization cannot fail.
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
    fn json_shape() {
        let mut t = TopicList::default();
        t.topic_list.insert("B".into());
        t.topic_list.insert("A".into());
        assert_eq!(t.encode(), br#"{"topicList":["A","B"]}"#);
        t.broker_addr = Some("127.0.0.1:10911".into());
        let back = TopicList::decode(&t.encode()).unwrap();
        assert_eq!(back, t);
    }
}
