//! `KVTable`: one namespace of the name server's KV config.
//!
//! Mirrors `org.apache.rocketmq.remoting.protocol.body.KVTable`. It is the
//! body of a GET_KVLIST_BY_NAMESPACE response and of a REGISTER_BROKER
//! response (the `ORDER_TOPIC_CONFIG` namespace, which tells a broker which
//! topics are ordered): `{"table":{"TopicA":"broker-a:4;broker-b:4"}}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::common::fastjson::{self, FastjsonError, JsonStyle};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KVTable {
    /// key → value.
    pub table: BTreeMap<String, String>,
}

impl KVTable {
    pub fn encode(&self) -> Vec<u8> {
        // A map of strings always serializes.
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
        let t = KVTable {
            table: BTreeMap::from([("k".to_string(), "v".to_string())]),
        };
        assert_eq!(t.encode(), br#"{"table":{"k":"v"}}"#);
        assert_eq!(KVTable::decode(&t.encode()).unwrap(), t);
    }
}
