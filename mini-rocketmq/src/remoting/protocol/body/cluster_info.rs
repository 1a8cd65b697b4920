//! `ClusterInfo`: every broker group and every cluster the name server knows.
//!
//! Mirrors `org.apache.rocketmq.remoting.protocol.body.ClusterInfo`, the body
//! of GET_BROKER_CLUSTER_INFO (what `mqadmin clusterList` prints):
//!
//! ```text
//! {"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"10.0.0.1:10911"},"brokerName":"broker-a",
//!                                 "cluster":"DefaultCluster","enableActingMaster":false}},
//!  "clusterAddrTable":{"DefaultCluster":["broker-a"]}}
//! ```
//!
//! The Java name server always writes this body in fastjson's default form,
//! so the `brokerAddrs` keys are *unquoted* whatever the client's version
//! (Java `ClusterInfo`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/body/ClusterInfo.java`); [`ClusterInfo::encode`] does the same, and
//! [`ClusterInfo::decode`] reads either form.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::common::fastjson::{self, FastjsonError, JsonStyle};
use crate::common::route::BrokerData;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterInfo {
    /// broker name → its group.
    pub broker_addr_table: BTreeMap<String, BrokerData>,
    /// cluster name → broker names.
    pub cluster_addr_table: BTreeMap<String, BTreeSet<String>>,
}

impl ClusterInfo {
    /// fastjson's default form, as the Java name server sends it.
    pub fn encode(&self) -> Vec<u8> {
        self.encode_with(JsonStyle::Fastjson)
    }

    pub fn encode_with(&self, style: JsonStyle) -> Vec<u8> {
        // Plain data: serialization cannot fail.
        fastjson::to_vec(self, style).unwrap_or_default()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, FastjsonError> {
        fastjson::from_slice(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_shape_with_unquoted_ids() {
        let mut bd = BrokerData::new("DefaultCluster", "broker-a");
        bd.broker_addrs.insert(0, "10.0.0.1:10911".into());
        let mut ci = ClusterInfo::default();
        ci.broker_addr_table.insert("broker-a".into(), bd);
        ci.cluster_addr_table.insert(
            "DefaultCluster".into(),
            BTreeSet::from(["broker-a".to_string()]),
        );
        let text = String::from_utf8(ci.encode()).unwrap();
        assert_eq!(
            text,
            r#"{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"10.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}"#
        );
        assert_eq!(ClusterInfo::decode(text.as_bytes()).unwrap(), ci);
        assert_eq!(
            ClusterInfo::decode(&ci.encode_with(JsonStyle::Standard)).unwrap(),
            ci
        );
    }
}
