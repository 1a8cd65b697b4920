//! `NamesrvConfig`: every setting of the name server, by its RocketMQ name.
//!
//! Mirrors `org.apache.rocketmq.common.namesrv.NamesrvConfig` plus the
//! `NettyServerConfig` fields a name server operator sets (`listenPort`,
//! `bindAddress`, `serverChannelMaxIdleTimeSeconds`).
//! `mqnamesrv -c namesrv.properties` reads `key=value` lines with exactly
//! these names (Java copies them onto the config objects by
//! setter name, `MixAll.properties2Object`); `-p` prints them and `--help`
//! explains them, both generated from the declarations below by
//! [`config_properties!`](crate::config_properties).
//!
//! Java settings that only size thread pools (`defaultThreadPoolNums`,
//! `clientRequestThreadPoolNums` …) have no meaning on tokio and are not
//! declared; a properties file that sets them gets a warning, not an error,
//! just as Java silently ignores keys it does not know.

use std::path::PathBuf;

use crate::common::properties_file::expand_home;

crate::config_properties! {
    /// The name server's configuration. `Default` is RocketMQ's defaults.
    pub struct NamesrvConfig {
        /// Port the name server listens on (NettyServerConfig; NamesrvStartup sets 9876).
        listen_port: u16 = 9876 => "listenPort",
        /// Address to bind; 0.0.0.0 listens on every interface.
        bind_address: String = "0.0.0.0".to_string() => "bindAddress",
        /// Seconds a connection may stay silent before the server closes it (NettyServerConfig); 0 disables.
        server_channel_max_idle_time_seconds: u64 = 120 => "serverChannelMaxIdleTimeSeconds",
        /// RocketMQ installation directory (informational here; Java requires it to start).
        rocketmq_home: String = std::env::var("ROCKETMQ_HOME").unwrap_or_default() => "rocketmqHome",
        /// Where the KV config table is persisted; an empty value keeps it in memory only.
        kv_config_path: PathBuf = expand_home("~/namesrv/kvConfig.json") => "kvConfigPath",
        /// Where Java would persist runtime config updates (set to the -c file when one is given).
        config_store_path: PathBuf = expand_home("~/namesrv/namesrv.properties") => "configStorePath",
        /// Environment label, informational.
        product_env_name: String = "center".to_string() => "productEnvName",
        /// Cluster-test mode (Java's ClusterTestRequestProcessor); informational here.
        cluster_test: bool = false => "clusterTest",
        /// Put a topic's ORDER_TOPIC_CONFIG KV entry into its route as orderTopicConf.
        order_message_enable: bool = false => "orderMessageEnable",
        /// Answer REGISTER_BROKER with the ORDER_TOPIC_CONFIG KV namespace as the body.
        return_order_topic_config_to_broker: bool = true => "returnOrderTopicConfigToBroker",
        /// Milliseconds between scans for brokers whose heartbeat expired (first scan after 5 s).
        scan_not_active_broker_interval: u64 = 5000 => "scanNotActiveBrokerInterval",
        /// Let the slave with the lowest id act as master (read-only) while a group's master is down.
        support_acting_master: bool = false => "supportActingMaster",
        /// Serve GET_ALL_TOPIC_LIST_FROM_NAMESERVER; when false it answers SYSTEM_ERROR "disable".
        enable_all_topic_list: bool = true => "enableAllTopicList",
        /// Serve GET_TOPICS_BY_CLUSTER; when false it answers SYSTEM_ERROR "disable".
        enable_topic_list: bool = true => "enableTopicList",
        /// Refuse route queries for waitSecondsForService after start-up, giving brokers time to register.
        need_wait_for_service: bool = false => "needWaitForService",
        /// Seconds of the start-up grace period used by needWaitForService.
        wait_seconds_for_service: i64 = 45 => "waitSecondsForService",
        /// Drop a broker's topics that are missing from its next registration (Java default false).
        delete_topic_with_broker_registration: bool = false => "deleteTopicWithBrokerRegistration",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_rocketmq_defaults() {
        let c = NamesrvConfig::default();
        assert_eq!(c.listen_port, 9876);
        assert_eq!(c.scan_not_active_broker_interval, 5000);
        assert!(c.kv_config_path.ends_with("namesrv/kvConfig.json"));
        assert!(c.enable_all_topic_list && !c.order_message_enable);
    }

    #[test]
    fn properties_apply_by_name() {
        let mut c = NamesrvConfig::default();
        assert!(c.set_property("listenPort", "19876").unwrap());
        assert!(c.set_property("orderMessageEnable", "true").unwrap());
        assert!(!c.set_property("defaultThreadPoolNums", "4").unwrap());
        assert!(c.set_property("listenPort", "x").is_err());
        assert_eq!(c.listen_port, 19876);
        assert!(c.order_message_enable);
        let help = NamesrvConfig::property_help();
        assert!(
            help.iter()
                .any(|(name, default, text)| *name == "listenPort"
                    && default == "9876"
                    && text.contains("listens"))
        );
    }
}
