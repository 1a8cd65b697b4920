//! `MixAll`: names and numbers every RocketMQ role agrees on.
//!
//! Mirrors the constants of `org.apache.rocketmq.common.MixAll` that matter on
//! the wire or on disk (group names, topic prefixes, broker ids, ports), plus
//! the two tiny helpers that build retry and dead-letter topic names. Java's
//! `MixAll` also holds file and property utilities; here those live with the
//! code that uses them (`properties_file.rs`, `config_manager.rs`).

/// The name server's default listen port (`NamesrvStartup` sets 9876).
pub const DEFAULT_NAMESRV_PORT: u16 = 9876;
/// The broker's default remoting port (`BrokerStartup` sets 10911).
pub const DEFAULT_BROKER_PORT: u16 = 10911;
/// The "VIP" channel of a broker listens two ports below the main one.
pub const BROKER_VIP_PORT_OFFSET: u16 = 2;
/// The HA (replication) port is one above the main one.
pub const BROKER_HA_PORT_OFFSET: u16 = 1;

/// Environment variable a client reads the name server list from.
pub const NAMESRV_ADDR_ENV: &str = "NAMESRV_ADDR";
/// Environment variable naming the RocketMQ installation.
pub const ROCKETMQ_HOME_ENV: &str = "ROCKETMQ_HOME";

pub const DEFAULT_PRODUCER_GROUP: &str = "DEFAULT_PRODUCER";
pub const DEFAULT_CONSUMER_GROUP: &str = "DEFAULT_CONSUMER";
pub const TOOLS_CONSUMER_GROUP: &str = "TOOLS_CONSUMER";
pub const SCHEDULE_CONSUMER_GROUP: &str = "SCHEDULE_CONSUMER";
pub const FILTERSRV_CONSUMER_GROUP: &str = "FILTERSRV_CONSUMER";
pub const MONITOR_CONSUMER_GROUP: &str = "__MONITOR_CONSUMER";
pub const CLIENT_INNER_PRODUCER_GROUP: &str = "CLIENT_INNER_PRODUCER";
pub const SELF_TEST_PRODUCER_GROUP: &str = "SELF_TEST_P_GROUP";
pub const SELF_TEST_CONSUMER_GROUP: &str = "SELF_TEST_C_GROUP";
/// The broker's own group for transaction check-backs.
pub const CID_SYS_RMQ_TRANS: &str = "CID_RMQ_SYS_TRANS";
/// Prefix of the broker's internal consumer groups.
pub const CID_RMQ_SYS_PREFIX: &str = "CID_RMQ_SYS_";

/// `%RETRY%<group>`: where a consumer group's failed messages wait for redelivery.
pub const RETRY_GROUP_TOPIC_PREFIX: &str = "%RETRY%";
/// `%DLQ%<group>`: where messages go after too many retries.
pub const DLQ_GROUP_TOPIC_PREFIX: &str = "%DLQ%";
/// Light message queues (multi-dispatch) start with this.
pub const LMQ_PREFIX: &str = "%LMQ%";
pub const REPLY_TOPIC_POSTFIX: &str = "REPLY_TOPIC";

/// Broker id of a master. Slaves have ids ≥ 1.
pub const MASTER_ID: i64 = 0;
pub const FIRST_SLAVE_ID: i64 = 1;

/// extField a broker may add to REGISTER_BROKER to set `BrokerData.zoneName`.
pub const ZONE_NAME: &str = "__ZONE_NAME";
pub const ZONE_MODE: &str = "__ZONE_MODE";

/// KV-config namespace holding per-topic order configuration
/// (`NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG`). REGISTER_BROKER answers
/// with this namespace's table, and a route carries the topic's entry as
/// `orderTopicConf` when `orderMessageEnable` is on.
pub const NAMESPACE_ORDER_TOPIC_CONFIG: &str = "ORDER_TOPIC_CONFIG";

/// `%RETRY%<group>`.
pub fn get_retry_topic(consumer_group: &str) -> String {
    format!("{RETRY_GROUP_TOPIC_PREFIX}{consumer_group}")
}

/// `%DLQ%<group>`.
pub fn get_dlq_topic(consumer_group: &str) -> String {
    format!("{DLQ_GROUP_TOPIC_PREFIX}{consumer_group}")
}

/// `<cluster>_REPLY_TOPIC`, the topic request/reply messages answer on.
pub fn get_reply_topic(cluster_name: &str) -> String {
    format!("{cluster_name}_{REPLY_TOPIC_POSTFIX}")
}

pub fn is_retry_topic(topic: &str) -> bool {
    topic.starts_with(RETRY_GROUP_TOPIC_PREFIX)
}

pub fn is_dlq_topic(topic: &str) -> bool {
    topic.starts_with(DLQ_GROUP_TOPIC_PREFIX)
}

pub fn is_lmq(topic: &str) -> bool {
    topic.starts_with(LMQ_PREFIX)
}

/// The broker's internal groups (`CID_RMQ_SYS_*`).
pub fn is_sys_consumer_group(consumer_group: &str) -> bool {
    consumer_group.starts_with(CID_RMQ_SYS_PREFIX)
}

/// Java `brokerVIPChannel`: with `vip` set, the same host on port − 2.
/// An address without a parsable port is returned unchanged.
pub fn broker_vip_channel(vip: bool, broker_addr: &str) -> String {
    if !vip {
        return broker_addr.to_string();
    }
    match broker_addr.rsplit_once(':') {
        Some((host, port)) => match port.parse::<u32>() {
            Ok(p) if p >= u32::from(BROKER_VIP_PORT_OFFSET) => {
                format!("{host}:{}", p - u32::from(BROKER_VIP_PORT_OFFSET))
            }
            _ => broker_addr.to_string(),
        },
        None => broker_addr.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_and_dlq_names() {
        assert_eq!(get_retry_topic("g1"), "%RETRY%g1");
        assert_eq!(get_dlq_topic("g1"), "%DLQ%g1");
        assert!(is_retry_topic("%RETRY%g1") && !is_retry_topic("g1"));
        assert!(is_dlq_topic("%DLQ%g1"));
        assert_eq!(
            get_reply_topic("DefaultCluster"),
            "DefaultCluster_REPLY_TOPIC"
        );
        assert!(is_sys_consumer_group(CID_SYS_RMQ_TRANS));
    }

    #[test]
    fn vip_channel_is_two_ports_down() {
        assert_eq!(broker_vip_channel(true, "10.0.0.1:10911"), "10.0.0.1:10909");
        assert_eq!(
            broker_vip_channel(false, "10.0.0.1:10911"),
            "10.0.0.1:10911"
        );
        assert_eq!(broker_vip_channel(true, "no-port"), "no-port");
    }
}
