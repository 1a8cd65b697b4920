//! Route data: what a client learns from GET_ROUTEINFO_BY_TOPIC.
//!
//! Mirrors `org.apache.rocketmq.remoting.protocol.route.{TopicRouteData,
//! QueueData, BrokerData}`. A route answers two questions about a topic:
//!
//! - *which broker groups serve it, with how many queues and what perm* —
//!   one [`QueueData`] per broker name;
//! - *where those broker groups are* — one [`BrokerData`] per broker name,
//!   mapping broker id (0 = master) to `ip:port`.
//!
//! A producer multiplies them out into `(brokerName, queueId)` pairs and sends
//! to the master's address; a consumer may read from a slave.
//!
//! ```text
//! {"brokerDatas":[{"brokerAddrs":{"0":"10.0.0.1:10911"},"brokerName":"broker-a",
//!                  "cluster":"DefaultCluster","enableActingMaster":false}],
//!  "filterServerTable":{},
//!  "queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,
//!                 "topicSysFlag":0,"writeQueueNums":4}]}
//! ```
//!
//! `brokerAddrs` is a `Map<Long, String>` in Java, which is why the key-quoting
//! rules of [`crate::common::fastjson`] matter here: [`TopicRouteData::encode`]
//! takes the style, [`TopicRouteData::decode`] reads either.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::common::fastjson::{self, FastjsonError, JsonStyle};
use crate::common::mix_all::MASTER_ID;
use crate::common::topic_config::TopicConfig;

/// One broker group's share of a topic. Fields alphabetical (fastjson order).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct QueueData {
    pub broker_name: String,
    pub perm: i32,
    pub read_queue_nums: i32,
    pub topic_sys_flag: i32,
    pub write_queue_nums: i32,
}

impl QueueData {
    /// The queue data a name server derives from a master's topic config
    /// (`RouteInfoManager#createAndUpdateQueueData`).
    pub fn from_topic_config(broker_name: &str, tc: &TopicConfig) -> Self {
        QueueData {
            broker_name: broker_name.to_string(),
            perm: tc.perm,
            read_queue_nums: tc.read_queue_nums,
            topic_sys_flag: tc.topic_sys_flag,
            write_queue_nums: tc.write_queue_nums,
        }
    }
}

/// One broker group (a master and its slaves) and where its members listen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BrokerData {
    /// broker id → `ip:port`; id 0 is the master.
    pub broker_addrs: BTreeMap<i64, String>,
    pub broker_name: String,
    pub cluster: String,
    /// Slave-acting-master mode (5.x); false for classic deployments.
    pub enable_acting_master: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_name: Option<String>,
}

impl BrokerData {
    pub fn new(cluster: impl Into<String>, broker_name: impl Into<String>) -> Self {
        BrokerData {
            cluster: cluster.into(),
            broker_name: broker_name.into(),
            ..Default::default()
        }
    }

    /// The master's address, if the master is registered.
    pub fn master_addr(&self) -> Option<&str> {
        self.broker_addrs.get(&MASTER_ID).map(String::as_str)
    }

    /// Java `selectBrokerAddr`: the master if present, otherwise some
    /// member (Java picks a random one; we take the lowest id so the choice
    /// is repeatable).
    pub fn select_broker_addr(&self) -> Option<&str> {
        self.master_addr()
            .or_else(|| self.broker_addrs.values().next().map(String::as_str))
    }
}

/// The route of one topic.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicRouteData {
    pub broker_datas: Vec<BrokerData>,
    /// broker address → filter server addresses (a retired feature; always
    /// empty from a modern broker, still part of the shape).
    pub filter_server_table: BTreeMap<String, Vec<String>>,
    /// The topic's entry in the `ORDER_TOPIC_CONFIG` KV namespace, when the
    /// name server has `orderMessageEnable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_topic_conf: Option<String>,
    pub queue_datas: Vec<QueueData>,
    /// Static-topic mappings, broker name → `TopicQueueMappingInfo` (kept as
    /// raw JSON: we carry them through but do not interpret them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_queue_mapping_by_broker: Option<BTreeMap<String, serde_json::Value>>,
}

impl TopicRouteData {
    /// The body bytes in the given style. Use [`JsonStyle::Standard`] for
    /// clients at version ≥ 401 (or asking `acceptStandardJsonOnly`),
    /// [`JsonStyle::Fastjson`] for older ones.
    pub fn encode(&self, style: JsonStyle) -> Vec<u8> {
        // Serializing plain data into a Vec cannot fail.
        fastjson::to_vec(self, style).unwrap_or_default()
    }

    /// Read a route body in either style.
    pub fn decode(bytes: &[u8]) -> Result<Self, FastjsonError> {
        fastjson::from_slice(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> TopicRouteData {
        let mut bd = BrokerData::new("DefaultCluster", "broker-a");
        bd.broker_addrs.insert(0, "10.0.0.1:10911".into());
        bd.broker_addrs.insert(1, "10.0.0.2:10911".into());
        TopicRouteData {
            broker_datas: vec![bd],
            queue_datas: vec![QueueData {
                broker_name: "broker-a".into(),
                perm: 6,
                read_queue_nums: 4,
                topic_sys_flag: 0,
                write_queue_nums: 4,
            }],
            ..Default::default()
        }
    }

    #[test]
    fn standard_encoding_matches_the_facts() {
        let text = String::from_utf8(sample().encode(JsonStyle::Standard)).unwrap();
        assert_eq!(
            text,
            r#"{"brokerDatas":[{"brokerAddrs":{"0":"10.0.0.1:10911","1":"10.0.0.2:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}"#
        );
    }

    #[test]
    fn fastjson_encoding_leaves_long_keys_unquoted() {
        let text = String::from_utf8(sample().encode(JsonStyle::Fastjson)).unwrap();
        assert!(text.contains(r#""brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"}"#));
        assert_eq!(TopicRouteData::decode(text.as_bytes()).unwrap(), sample());
    }

    #[test]
    fn decodes_java_output_with_unknown_and_missing_fields() {
        let java = r#"{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"b","cluster":"c","enableActingMaster":false,"zoneName":"z"}],"filterServerTable":{},"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8}],"somethingNew":1}"#;
        let route = TopicRouteData::decode(java.as_bytes()).unwrap();
        assert_eq!(route.broker_datas[0].master_addr(), Some("127.0.0.1:10911"));
        assert_eq!(route.broker_datas[0].zone_name.as_deref(), Some("z"));
        assert_eq!(route.queue_datas[0].write_queue_nums, 8);
    }

    #[test]
    fn select_prefers_the_master() {
        let mut bd = BrokerData::new("c", "b");
        assert_eq!(bd.select_broker_addr(), None);
        bd.broker_addrs.insert(2, "slave2".into());
        bd.broker_addrs.insert(1, "slave1".into());
        assert_eq!(bd.select_broker_addr(), Some("slave1"));
        bd.broker_addrs.insert(0, "master".into());
        assert_eq!(bd.select_broker_addr(), Some("master"));
    }
}
