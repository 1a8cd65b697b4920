//! The records `RouteInfoManager` keeps per broker process, and what a
//! registration carries in and out (Java keeps `BrokerAddrInfo` and
//! `BrokerLiveInfo` as package-private classes at the end of
//! `RouteInfoManager.java`).

use std::fmt;

use crate::common::data_version::DataVersion;
use crate::remoting::protocol::body::register_broker_body::TopicConfigAndMappingSerializeWrapper;
use crate::remoting::server::Channel;

/// How long a broker may stay silent before the scan removes it
/// (`DEFAULT_BROKER_CHANNEL_EXPIRED_TIME`, 2 minutes), unless its
/// registration asked for another `heartbeatTimeoutMillis`.
pub const DEFAULT_BROKER_CHANNEL_EXPIRED_TIME: i64 = 120_000;

/// The key of the live and filter-server tables: one broker *process*.
/// RocketMQ 5 keys by cluster and address together, so two clusters may
/// reuse an address without clobbering each other's liveness.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BrokerAddrInfo {
    pub cluster_name: String,
    pub broker_addr: String,
}

impl BrokerAddrInfo {
    pub fn new(cluster_name: &str, broker_addr: &str) -> Self {
        BrokerAddrInfo {
            cluster_name: cluster_name.to_string(),
            broker_addr: broker_addr.to_string(),
        }
    }
}

impl fmt::Display for BrokerAddrInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "BrokerIdentityInfo [clusterName={}, brokerAddr={}]",
            self.cluster_name, self.broker_addr
        )
    }
}

/// What the name server remembers about one registered broker process.
#[derive(Clone)]
pub struct BrokerLiveInfo {
    /// When it last registered or sent a heartbeat (clock millis).
    pub last_update_timestamp: i64,
    /// How long it may stay silent.
    pub heartbeat_timeout_millis: i64,
    /// The topic-table version it last sent: the next registration with the
    /// same version leaves `topicQueueTable` alone.
    pub data_version: DataVersion,
    /// The connection it registered on; closing it removes the broker at once.
    pub channel: Option<Channel>,
    /// Where its slaves replicate from.
    pub ha_server_addr: String,
}

impl fmt::Debug for BrokerLiveInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BrokerLiveInfo")
            .field("last_update_timestamp", &self.last_update_timestamp)
            .field("heartbeat_timeout_millis", &self.heartbeat_timeout_millis)
            .field("data_version", &self.data_version)
            .field("channel", &self.channel.as_ref().map(|c| c.id()))
            .field("ha_server_addr", &self.ha_server_addr)
            .finish()
    }
}

/// Everything one REGISTER_BROKER tells the name server (Java passes these
/// as eleven arguments).
#[derive(Clone, Default)]
pub struct BrokerRegistration {
    pub cluster_name: String,
    pub broker_addr: String,
    pub broker_name: String,
    /// 0 = master, ≥ 1 = slave.
    pub broker_id: i64,
    pub ha_server_addr: String,
    /// From the `__ZONE_NAME` extField.
    pub zone_name: Option<String>,
    /// `None` = [`DEFAULT_BROKER_CHANNEL_EXPIRED_TIME`].
    pub heartbeat_timeout_millis: Option<i64>,
    /// `None` means an old broker that does not know acting-master mode.
    pub enable_acting_master: Option<bool>,
    pub topic_config_wrapper: TopicConfigAndMappingSerializeWrapper,
    /// `None` = leave the filter-server table alone.
    pub filter_server_list: Option<Vec<String>>,
    pub channel: Option<Channel>,
}

/// What a registering broker learns back. Only a slave gets anything: its
/// master's address and where to replicate from, once the master is live.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterBrokerResult {
    pub ha_server_addr: Option<String>,
    pub master_addr: Option<String>,
}

/// Why a registration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterBrokerError {
    /// A body with exactly one topic (a broker's single-topic
    /// re-registration) from a broker id the name server does not know yet.
    #[error("broker[{broker_id}]={broker_addr} has not registered, cannot register a single topic")]
    NotRegisteredYet { broker_id: i64, broker_addr: String },
}
