//! Custom headers of the name-server requests — mirrors
//! `org.apache.rocketmq.remoting.protocol.header.namesrv`. The headers of
//! requests to a broker live in the submodules (`admin`, ...), one per kind
//! of request, as Java keeps them in `remoting.protocol.header`.
//!
//! A header is the small, typed part of a request: who is asking and about
//! what. It travels as `extFields`, a flat map of strings, under exactly these
//! field names; a Java name server reads `brokerName`, not `broker_name`.

pub mod admin;
pub mod offset;
pub mod pull;
pub mod send;

use std::collections::HashMap;

use crate::remoting::command::{CommandCustomHeader, optional_parsed, required, required_parsed};
use crate::remoting::error::RemotingError;

/// Header of REGISTER_BROKER (103).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterBrokerRequestHeader {
    pub broker_name: String,
    pub broker_addr: String,
    pub cluster_name: String,
    /// Where slaves of this broker connect for replication (Part VI).
    pub ha_server_addr: String,
    pub broker_id: i64,
    /// How long the name server may hear nothing before dropping this broker;
    /// absent means the name server's default (chapter 02).
    pub heartbeat_timeout_millis: Option<i64>,
    /// Whether the body is zlib-compressed; we never compress.
    pub compressed: bool,
    /// CRC32 of the body, masked to a positive int; 0 means "don't check".
    pub body_crc32: i32,
}

impl CommandCustomHeader for RegisterBrokerRequestHeader {
    fn to_ext_fields(&self) -> HashMap<String, String> {
        let mut ext = HashMap::from([
            ("brokerName".to_string(), self.broker_name.clone()),
            ("brokerAddr".to_string(), self.broker_addr.clone()),
            ("clusterName".to_string(), self.cluster_name.clone()),
            ("haServerAddr".to_string(), self.ha_server_addr.clone()),
            ("brokerId".to_string(), self.broker_id.to_string()),
            ("compressed".to_string(), self.compressed.to_string()),
            ("bodyCrc32".to_string(), self.body_crc32.to_string()),
        ]);
        if let Some(ms) = self.heartbeat_timeout_millis {
            ext.insert("heartbeatTimeoutMillis".to_string(), ms.to_string());
        }
        ext
    }

    fn from_ext_fields(ext: &HashMap<String, String>) -> Result<Self, RemotingError> {
        Ok(RegisterBrokerRequestHeader {
            broker_name: required(ext, "brokerName")?,
            broker_addr: required(ext, "brokerAddr")?,
            cluster_name: required(ext, "clusterName")?,
            ha_server_addr: required(ext, "haServerAddr")?,
            broker_id: required_parsed(ext, "brokerId")?,
            heartbeat_timeout_millis: optional_parsed(ext, "heartbeatTimeoutMillis")?,
            compressed: optional_parsed(ext, "compressed")?.unwrap_or(false),
            body_crc32: optional_parsed(ext, "bodyCrc32")?.unwrap_or(0),
        })
    }
}

/// Header of the REGISTER_BROKER response: a slave learns its master here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterBrokerResponseHeader {
    pub ha_server_addr: Option<String>,
    pub master_addr: Option<String>,
}

impl CommandCustomHeader for RegisterBrokerResponseHeader {
    fn to_ext_fields(&self) -> HashMap<String, String> {
        let mut ext = HashMap::new();
        if let Some(addr) = &self.ha_server_addr {
            ext.insert("haServerAddr".to_string(), addr.clone());
        }
        if let Some(addr) = &self.master_addr {
            ext.insert("masterAddr".to_string(), addr.clone());
        }
        ext
    }

    fn from_ext_fields(ext: &HashMap<String, String>) -> Result<Self, RemotingError> {
        Ok(RegisterBrokerResponseHeader {
            ha_server_addr: ext.get("haServerAddr").cloned(),
            master_addr: ext.get("masterAddr").cloned(),
        })
    }
}

/// Header of UNREGISTER_BROKER (104): a broker leaving on purpose. The name
/// server also builds one itself when it drops a silent broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnRegisterBrokerRequestHeader {
    pub broker_name: String,
    pub broker_addr: String,
    pub cluster_name: String,
    pub broker_id: i64,
}

impl CommandCustomHeader for UnRegisterBrokerRequestHeader {
    fn to_ext_fields(&self) -> HashMap<String, String> {
        HashMap::from([
            ("brokerName".to_string(), self.broker_name.clone()),
            ("brokerAddr".to_string(), self.broker_addr.clone()),
            ("clusterName".to_string(), self.cluster_name.clone()),
            ("brokerId".to_string(), self.broker_id.to_string()),
        ])
    }

    fn from_ext_fields(ext: &HashMap<String, String>) -> Result<Self, RemotingError> {
        Ok(UnRegisterBrokerRequestHeader {
            broker_name: required(ext, "brokerName")?,
            broker_addr: required(ext, "brokerAddr")?,
            cluster_name: required(ext, "clusterName")?,
            broker_id: required_parsed(ext, "brokerId")?,
        })
    }
}

/// Header of GET_ROUTEINFO_BY_TOPIC (105).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetRouteInfoRequestHeader {
    pub topic: String,
    /// Ask for standard JSON even from an old client version (Part V).
    pub accept_standard_json_only: Option<bool>,
}

impl CommandCustomHeader for GetRouteInfoRequestHeader {
    fn to_ext_fields(&self) -> HashMap<String, String> {
        let mut ext = HashMap::from([("topic".to_string(), self.topic.clone())]);
        if let Some(flag) = self.accept_standard_json_only {
            ext.insert("acceptStandardJsonOnly".to_string(), flag.to_string());
        }
        ext
    }

    fn from_ext_fields(ext: &HashMap<String, String>) -> Result<Self, RemotingError> {
        Ok(GetRouteInfoRequestHeader {
            topic: required(ext, "topic")?,
            accept_standard_json_only: optional_parsed(ext, "acceptStandardJsonOnly")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_header_round_trips_and_reports_missing_fields() {
        let header = RegisterBrokerRequestHeader {
            broker_name: "broker-a".into(),
            broker_addr: "10.0.0.1:10911".into(),
            cluster_name: "DefaultCluster".into(),
            ha_server_addr: "10.0.0.1:10912".into(),
            broker_id: 0,
            heartbeat_timeout_millis: None,
            compressed: false,
            body_crc32: 0,
        };
        let mut ext = header.to_ext_fields();
        assert_eq!(RegisterBrokerRequestHeader::from_ext_fields(&ext).unwrap(), header);

        ext.remove("clusterName");
        let err = RegisterBrokerRequestHeader::from_ext_fields(&ext).unwrap_err();
        assert_eq!(err.to_string(), "the custom field <clusterName> is null");
    }
}
