//! `RegisterBrokerBody` and `TopicConfigSerializeWrapper` — the body of
//! REGISTER_BROKER (`remoting.protocol.body.RegisterBrokerBody`).
//!
//! A broker tells the name server everything about itself in every
//! registration: its whole topic config table, stamped with a
//! [`DataVersion`], and its filter servers. Re-sending everything is wasteful
//! on paper, but it makes registration idempotent and self-healing: a name
//! server that restarted empty is fully repopulated by the next round of
//! registrations, with no recovery protocol at all.
//!
//! Uncompressed, the body is plain JSON:
//!
//! ```text
//! {"filterServerList":[],
//!  "topicConfigSerializeWrapper":{"dataVersion":{"counter":2,"stateVersion":0,"timestamp":0},
//!    "topicConfigTable":{"TopicTest":{"attributes":{},"order":false,"perm":6,...}}}}
//! ```
//!
//! RocketMQ 5 adds the static-topic mapping tables (`mappingDataVersion`,
//! `topicQueueMappingInfoMap`, ...) to the wrapper; we do not use static
//! topics, and serde ignores those keys when it reads a Java broker's body.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::common::data_version::DataVersion;
use crate::common::topic_config::TopicConfig;
use crate::remoting::error::RemotingError;

/// A broker's topic configs and their version (`TopicConfigSerializeWrapper`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicConfigSerializeWrapper {
    pub data_version: DataVersion,
    /// topic name → config. A `BTreeMap`, so the JSON lists topics in the
    /// same order on every run.
    pub topic_config_table: BTreeMap<String, TopicConfig>,
}

/// The body of REGISTER_BROKER.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterBrokerBody {
    #[serde(default)]
    pub filter_server_list: Vec<String>,
    pub topic_config_serialize_wrapper: TopicConfigSerializeWrapper,
}

impl RegisterBrokerBody {
    /// `RegisterBrokerBody#encode(false)`: the uncompressed JSON form.
    pub fn encode(&self) -> Vec<u8> {
        // Serialising plain structs of strings, integers and string-keyed
        // maps into memory cannot fail.
        serde_json::to_vec(self).expect("a RegisterBrokerBody always serialises")
    }

    /// `RegisterBrokerBody.decode(body, false)`.
    pub fn decode(body: &[u8]) -> Result<Self, RemotingError> {
        Ok(serde_json::from_slice(body)?)
    }
}
