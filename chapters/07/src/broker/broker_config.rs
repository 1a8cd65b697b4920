//! `BrokerConfig` — the handful of `org.apache.rocketmq.common.BrokerConfig`
//! properties a registration needs, under their RocketMQ names.

/// Who a broker is and whom it tells.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    /// `brokerClusterName`, default `DefaultCluster`.
    pub broker_cluster_name: String,
    /// `brokerName`: the replica set this process belongs to.
    pub broker_name: String,
    /// `brokerId`: 0 for the master, 1, 2, ... for slaves.
    pub broker_id: i64,
    /// `brokerIP1`: the address clients reach this broker at.
    pub broker_ip1: String,
    /// `listenPort`, default 10911.
    pub listen_port: u16,
    /// `namesrvAddr`: name servers, `;`-separated. The broker registers
    /// with every one of them; they never talk to each other.
    pub namesrv_addr: String,
    /// `registerNameServerPeriod`, default 30000 ms: how often the broker
    /// re-registers. `BrokerController` clamps it to [10 s, 60 s].
    pub register_name_server_period: u64,
    /// `autoCreateTopicEnable`, default true: create the template topic
    /// `TBW102`, from which a send to an unknown topic creates it (chapter 04).
    pub auto_create_topic_enable: bool,
    /// `defaultTopicQueueNums`, default 8: the queues of `TBW102`.
    pub default_topic_queue_nums: i32,
    /// `flushConsumerOffsetInterval`, default 5000 ms: how often consumer
    /// offsets are written to `consumerOffset.json`.
    pub flush_consumer_offset_interval: u64,
    /// `longPollingEnable`, default true: hold a pull that found nothing for
    /// the consumer's `suspendTimeoutMillis`.
    pub long_polling_enable: bool,
    /// `shortPollingTimeMills`, default 1000: how long to hold it otherwise.
    pub short_polling_time_mills: u64,
}

impl Default for BrokerConfig {
    /// RocketMQ's defaults, for a master `broker-a` of `DefaultCluster`
    /// listening on 10911 with no name server configured.
    fn default() -> Self {
        BrokerConfig {
            broker_cluster_name: "DefaultCluster".to_string(),
            broker_name: "broker-a".to_string(),
            broker_id: 0,
            broker_ip1: "127.0.0.1".to_string(),
            listen_port: 10911,
            namesrv_addr: String::new(),
            register_name_server_period: 30_000,
            auto_create_topic_enable: true,
            default_topic_queue_nums: 8,
            flush_consumer_offset_interval: 5_000,
            long_polling_enable: true,
            short_polling_time_mills: 1_000,
        }
    }
}

impl BrokerConfig {
    /// `BrokerController#getBrokerAddr`: `brokerIP1:listenPort`.
    pub fn broker_addr(&self) -> String {
        format!("{}:{}", self.broker_ip1, self.listen_port)
    }

    /// `BrokerController#getHAServerAddr`. The HA port defaults to the
    /// listen port + 1 (`BrokerStartup` sets `haListenPort` that way).
    pub fn ha_server_addr(&self) -> String {
        format!("{}:{}", self.broker_ip1, self.listen_port + 1)
    }

    /// The name-server addresses, in the order configured.
    pub fn namesrv_addr_list(&self) -> Vec<String> {
        self.namesrv_addr
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }
}
