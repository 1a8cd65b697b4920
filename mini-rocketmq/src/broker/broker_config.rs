//! `BrokerConfig`: every broker setting, under RocketMQ's property names.
//!
//! Mirrors `org.apache.rocketmq.common.BrokerConfig` (and its superclass
//! `BrokerIdentity`, which holds the name, cluster and id). Only the settings
//! this broker actually reads are here; the property names and defaults are
//! RocketMQ's, so a `broker.conf` written for the Java broker works unchanged
//! (keys we do not know are reported and ignored, as Java ignores them).
//!
//! Store settings (`storePathRootDir`, `flushDiskType`, `mappedFileSizeCommitLog`,
//! …) belong to the store's `MessageStoreConfig`; `mqbroker` offers every key
//! of a `-c` file to both configs, which is what Java's `BrokerStartup` does
//! with `MixAll.properties2Object(properties, brokerConfig)` followed by the
//! same call for `messageStoreConfig`.
//!
//! Three defaults differ from `BrokerConfig.java` on purpose:
//! `listenPort` is 10911 (the class says 6888, `BrokerStartup` overrides it);
//! `brokerName` is `broker-a` rather than the host name, so a laptop broker
//! has the name every RocketMQ tutorial uses; and `brokerIP1` is `127.0.0.1`
//! rather than the first LAN address, so a laptop broker works offline and is
//! not reachable from the network by accident — set it to the machine's
//! address when clients run elsewhere.

use crate::common::perm;
use crate::config_properties;

config_properties! {
    /// The broker's own settings (the store has its own config).
    pub struct BrokerConfig {
        /// Name server addresses, `;`-separated (`127.0.0.1:9876;10.0.0.2:9876`).
        /// Defaults to the NAMESRV_ADDR environment variable; empty means the
        /// broker registers nowhere.
        namesrv_addr: String = std::env::var("NAMESRV_ADDR").unwrap_or_default() => "namesrvAddr",
        /// IP address the broker advertises to name servers and writes into
        /// every stored message as the store host.
        broker_ip1: String = "127.0.0.1".to_string() => "brokerIP1",
        /// IP address advertised for HA replication (unused: no slaves here).
        broker_ip2: String = "127.0.0.1".to_string() => "brokerIP2",
        /// Name of the broker set (master and slaves share it).
        broker_name: String = "broker-a".to_string() => "brokerName",
        /// Cluster the broker belongs to; also a topic name when clusterTopicEnable.
        broker_cluster_name: String = "DefaultCluster".to_string() => "brokerClusterName",
        /// 0 for the master, > 0 for a slave.
        broker_id: i64 = 0 => "brokerId",
        /// TCP port for clients (0 picks a free port, useful in tests).
        listen_port: u16 = 10911 => "listenPort",
        /// Close a client connection silent for this long (Java `NettyServerConfig`).
        server_channel_max_idle_time_seconds: u64 = 120 => "serverChannelMaxIdleTimeSeconds",
        /// Permission of the whole broker: 6 = read+write, 4 = read only, 2 = write only.
        broker_permission: i32 = perm::PERM_READ | perm::PERM_WRITE => "brokerPermission",
        /// Queues given to TBW102, the template for auto-created topics.
        default_topic_queue_nums: i32 = 8 => "defaultTopicQueueNums",
        /// Create a topic on its first send (from TBW102's template).
        auto_create_topic_enable: bool = true => "autoCreateTopicEnable",
        /// Create a topic named after the cluster (lets clients find the cluster).
        cluster_topic_enable: bool = true => "clusterTopicEnable",
        /// Create a topic named after the broker.
        broker_topic_enable: bool = true => "brokerTopicEnable",
        /// Create a consumer group's config the first time it shows up.
        auto_create_subscription_group: bool = true => "autoCreateSubscriptionGroup",
        /// Create the message-trace topic at start.
        trace_topic_enable: bool = false => "traceTopicEnable",
        /// Name of the message-trace topic.
        msg_trace_topic_name: String = "RMQ_SYS_TRACE_TOPIC".to_string() => "msgTraceTopicName",
        /// Milliseconds between writes of config/consumerOffset.json.
        flush_consumer_offset_interval: u64 = 5000 => "flushConsumerOffsetInterval",
        /// Milliseconds between re-registrations with every name server
        /// (clamped to 10 000..=60 000 as RocketMQ does).
        register_name_server_period: u64 = 30_000 => "registerNameServerPeriod",
        /// Timeout of one REGISTER_BROKER call, milliseconds.
        register_broker_timeout_mills: u64 = 24_000 => "registerBrokerTimeoutMills",
        /// Send the full topic table on every registration.
        force_register: bool = true => "forceRegister",
        /// Hold an empty pull until a message arrives (long polling).
        long_polling_enable: bool = true => "longPollingEnable",
        /// How long an empty pull is held when long polling is off, milliseconds.
        short_polling_time_mills: u64 = 1000 => "shortPollingTimeMills",
        /// Tell a group's consumers when members join or leave.
        notify_consumer_ids_changed_enable: bool = true => "notifyConsumerIdsChangedEnable",
        /// A client channel silent this long (milliseconds) is dropped.
        channel_expired_timeout: u64 = 120_000 => "channelExpiredTimeout",
        /// Region written into MSG_REGION of every stored message.
        region_id: String = "DefaultRegion".to_string() => "regionId",
        /// Value written into TRACE_ON of every stored message.
        trace_on: bool = true => "traceOn",
        /// Refuse transactional half messages.
        reject_transaction_message: bool = false => "rejectTransactionMessage",
        /// Allow reading from a slave (unused: no slaves here).
        slave_read_enable: bool = false => "slaveReadEnable",
        /// Check system topic names in UPDATE_AND_CREATE_TOPIC.
        validate_system_topic_when_update_topic: bool = true => "validateSystemTopicWhenUpdateTopic",
    }
}

impl BrokerConfig {
    /// The `ip:port` clients and name servers use to reach this broker.
    pub fn broker_addr(&self, port: u16) -> String {
        format!("{}:{}", self.broker_ip1, port)
    }

    /// Name server addresses, split on `;` with blanks removed.
    pub fn namesrv_addr_list(&self) -> Vec<String> {
        self.namesrv_addr
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// `registerNameServerPeriod` clamped to RocketMQ's [10 s, 60 s] window.
    pub fn register_period_millis(&self) -> u64 {
        self.register_name_server_period.clamp(10_000, 60_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rocketmq_names_and_defaults() {
        let mut c = BrokerConfig::default();
        assert_eq!(c.default_topic_queue_nums, 8);
        assert_eq!(c.listen_port, 10911);
        assert!(c.set_property("brokerName", "broker-b").unwrap());
        assert!(c.set_property("listenPort", "0").unwrap());
        assert!(c.set_property("namesrvAddr", "a:1; b:2;").unwrap());
        assert_eq!(c.broker_name, "broker-b");
        assert_eq!(c.listen_port, 0);
        assert_eq!(c.namesrv_addr_list(), vec!["a:1", "b:2"]);
        assert!(c.set_property("listenPort", "-1").is_err());
        assert!(!c.set_property("storePathRootDir", "/x").unwrap());
    }

    #[test]
    fn register_period_is_clamped() {
        let mut c = BrokerConfig {
            register_name_server_period: 1000,
            ..Default::default()
        };
        assert_eq!(c.register_period_millis(), 10_000);
        c.register_name_server_period = 600_000;
        assert_eq!(c.register_period_millis(), 60_000);
    }
}
