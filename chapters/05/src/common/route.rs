//! Route data — mirrors `TopicRouteData`, `QueueData` and `BrokerData` of
//! `org.apache.rocketmq.remoting.protocol.route`.
//!
//! A *route* is everything a client needs to reach a topic: which brokers
//! (by name) hold queues of it and how many, and at which addresses those
//! brokers listen. The name server keeps the two halves in separate tables
//! (`topicQueueTable` and `brokerAddrTable`) and joins them per request in
//! `RouteInfoManager#pickupTopicRouteData`; this file is the joined shape that
//! goes back to the client as the JSON body of the response.
//!
//! Fields are declared in alphabetical order because the name server encodes
//! with sorted fields; the JSON then reads exactly like a Java name server's:
//!
//! ```text
//! {"brokerDatas":[{"brokerAddrs":{"0":"10.0.0.1:10911"},"brokerName":"broker-a",
//!   "cluster":"DefaultCluster","enableActingMaster":false}],
//!  "filterServerTable":{},
//!  "queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,
//!   "topicSysFlag":0,"writeQueueNums":4}]}
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::perm::perm_to_string;

/// One broker's share of one topic: a row of `topicQueueTable`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueData {
    pub broker_name: String,
    pub perm: i32,
    pub read_queue_nums: i32,
    pub topic_sys_flag: i32,
    pub write_queue_nums: i32,
}

/// Prints as `r4/w4 RW-`: read queues, write queues, permissions.
impl fmt::Display for QueueData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "r{}/w{} {}",
            self.read_queue_nums,
            self.write_queue_nums,
            perm_to_string(self.perm)
        )
    }
}

/// One broker *name* and the addresses of its members: a row of
/// `brokerAddrTable`.
///
/// A broker name is a replica set, not a process: `broker-a` may be a master
/// (id 0) and its slaves (ids 1, 2, ...), each at its own address. Clients
/// send to id 0 and may read from the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokerData {
    /// broker id → "ip:port". JSON object keys are strings, so id 0 is
    /// written `"0"`; serde turns it back into a number when reading.
    pub broker_addrs: BTreeMap<i64, String>,
    pub broker_name: String,
    pub cluster: String,
    #[serde(default)]
    pub enable_acting_master: bool,
}

/// The answer to GET_ROUTEINFO_BY_TOPIC.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicRouteData {
    pub broker_datas: Vec<BrokerData>,
    /// broker address → filter servers; empty unless filter servers exist.
    #[serde(default)]
    pub filter_server_table: BTreeMap<String, Vec<String>>,
    pub queue_datas: Vec<QueueData>,
}

impl TopicRouteData {
    /// `broker-a r4/w4 RW- @10.0.0.1:10911, broker-b ...`: who serves the
    /// topic, with how many queues, at which master address.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self
            .queue_datas
            .iter()
            .map(|qd| {
                let master = self
                    .broker_datas
                    .iter()
                    .find(|bd| bd.broker_name == qd.broker_name)
                    .and_then(|bd| bd.broker_addrs.get(&crate::common::mix_all::MASTER_ID))
                    .map_or("?", String::as_str);
                format!("{} {} @{}", qd.broker_name, qd, master)
            })
            .collect();
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // ANCHOR: route_json
    #[test]
    fn route_json_uses_rocketmq_names_and_string_ids() {
        let route = TopicRouteData {
            broker_datas: vec![BrokerData {
                broker_addrs: BTreeMap::from([(0, "10.0.0.1:10911".to_string())]),
                broker_name: "broker-a".into(),
                cluster: "DefaultCluster".into(),
                enable_acting_master: false,
            }],
            filter_server_table: BTreeMap::new(),
            queue_datas: vec![QueueData {
                broker_name: "broker-a".into(),
                perm: 6,
                read_queue_nums: 4,
                topic_sys_flag: 0,
                write_queue_nums: 4,
            }],
        };
        let json = serde_json::to_string(&route).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"brokerDatas":[{"brokerAddrs":{"0":"10.0.0.1:10911"},"#,
                r#""brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"#,
                r#""filterServerTable":{},"#,
                r#""queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"#,
                r#""topicSysFlag":0,"writeQueueNums":4}]}"#,
            )
        );
        let back: TopicRouteData = serde_json::from_str(&json).unwrap();
        assert_eq!(back, route);
    }
    // ANCHOR_END: route_json
}
