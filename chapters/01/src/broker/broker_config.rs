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

    /// How the trace names this broker: `broker-a` for the master (id 0),
    /// `broker-a/1` for its first slave, so two members of one broker name
    /// never share an actor.
    pub fn actor(&self) -> String {
        match self.broker_id {
            0 => self.broker_name.clone(),
            id => format!("{}/{id}", self.broker_name),
        }
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
