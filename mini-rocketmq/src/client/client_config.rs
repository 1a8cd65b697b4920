//! Settings shared by every producer and consumer — Java `ClientConfig`.
//!
//! In Java, `DefaultMQProducer` and `DefaultMQPushConsumer` *extend*
//! `ClientConfig`; here they *contain* one (`producer.client_config`), which
//! is the same data without inheritance. The fields keep RocketMQ's names in
//! snake_case and its defaults (Java `ClientConfig`, `client/src/main/java/org/apache/rocketmq/client/ClientConfig.java`), with durations as `Duration`.
//!
//! The periods are configurable for the same reason they are in Java: tests
//! and demos want a rebalance in 200 ms, not 20 s. Nothing else changes when
//! they are shortened.
//!
//! ## Client id
//!
//! Every client process announces itself to brokers as
//! `clientIP@instanceName[@unitName]` (Java `ClientConfig#buildMQClientId`, `client/src/main/java/org/apache/rocketmq/client/ClientConfig.java`). Brokers group channels by
//! it, and rebalance sorts it, so two consumers of one group **must** have
//! different ids. Java 5.x therefore replaces the default instance name
//! `DEFAULT` with `pid#nanoTime` when the client starts, which gives every
//! client object its own id (and its own `MQClientInstance`). Set an explicit
//! `instance_name` to make several clients share one instance — and one
//! connection per broker.

use std::time::Duration;

use crate::common::mix_all;
use crate::remoting::command::SerializeType;

/// Java `ClientConfig`.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Name servers, `;`-separated (`host:port;host:port`). Defaults to the
    /// `NAMESRV_ADDR` environment variable, as in Java.
    pub namesrv_addr: String,
    /// The IP this client reports in its id (`clientIP`). Defaults to the
    /// address of the interface that routes outward, else `127.0.0.1`.
    pub client_ip: String,
    /// `DEFAULT` is replaced by `pid#nanos` at start (see the module doc).
    pub instance_name: String,
    /// Optional third part of the client id (unit/cell deployments).
    pub unit_name: Option<String>,
    /// How often topic routes are re-read from a name server (30 s).
    pub poll_name_server_interval: Duration,
    /// How often a heartbeat goes to every broker (30 s).
    pub heartbeat_broker_interval: Duration,
    /// How often consumers push their offsets to the broker (5 s).
    pub persist_consumer_offset_interval: Duration,
    /// How often consumers re-run queue allocation (Java's
    /// `rocketmq.client.rebalance.waitInterval`, 20 s). A broker's
    /// NOTIFY_CONSUMER_IDS_CHANGED triggers one at once as well.
    pub rebalance_interval: Duration,
    /// Timeout of name-server and admin calls (`mqClientApiTimeout`, 3 s).
    pub mq_client_api_timeout: Duration,
    /// Header encoding of every request (`rocketmq.serialize.type`): JSON,
    /// Java's default, or the ROCKETMQ binary form, which is cheaper to
    /// produce and parse on both ends. Brokers answer in the caller's type,
    /// and every RocketMQ peer reads both.
    pub serialize_type: SerializeType,
    /// Directory for broadcasting consumers' offsets
    /// (`rocketmq.client.localOffsetStoreDir`, default `~/.rocketmq_offsets`).
    pub local_offset_store_dir: Option<std::path::PathBuf>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            namesrv_addr: std::env::var(mix_all::NAMESRV_ADDR_ENV).unwrap_or_default(),
            client_ip: local_ip(),
            instance_name: "DEFAULT".to_string(),
            unit_name: None,
            poll_name_server_interval: Duration::from_secs(30),
            heartbeat_broker_interval: Duration::from_secs(30),
            persist_consumer_offset_interval: Duration::from_secs(5),
            rebalance_interval: Duration::from_secs(20),
            mq_client_api_timeout: Duration::from_secs(3),
            serialize_type: serialize_type_from_env(),
            local_offset_store_dir: None,
        }
    }
}

impl ClientConfig {
    /// A config pointing at the given name server(s); everything else default.
    pub fn with_namesrv(namesrv_addr: impl Into<String>) -> Self {
        ClientConfig {
            namesrv_addr: namesrv_addr.into(),
            ..ClientConfig::default()
        }
    }

    /// Java `buildMQClientId`: `ip@instance[@unit]`.
    pub fn build_mq_client_id(&self) -> String {
        let mut id = format!("{}@{}", self.client_ip, self.instance_name);
        if let Some(unit) = self.unit_name.as_deref().filter(|u| !u.is_empty()) {
            id.push('@');
            id.push_str(unit);
        }
        id
    }

    /// Java `changeInstanceNameToPID`: gives a default-named client a name
    /// of its own (`pid#nanos`), so that two clients in one process do not
    /// look like one client to the broker.
    pub fn change_instance_name_to_pid(&mut self) {
        if self.instance_name == "DEFAULT" {
            self.instance_name = format!("{}#{}", std::process::id(), monotonic_nanos());
        }
    }

    /// The name-server list, split and trimmed; empty entries dropped.
    pub fn namesrv_addr_list(&self) -> Vec<String> {
        self.namesrv_addr
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// Java reads `ROCKETMQ_SERIALIZE_TYPE` (or the system property
/// `rocketmq.serialize.type`); JSON unless it says `ROCKETMQ`.
fn serialize_type_from_env() -> SerializeType {
    match std::env::var("ROCKETMQ_SERIALIZE_TYPE") {
        Ok(v) if v.eq_ignore_ascii_case("ROCKETMQ") => SerializeType::RocketMQ,
        _ => SerializeType::Json,
    }
}

/// A per-process increasing number standing in for Java's `System.nanoTime()`:
/// unique per call even when two clients start within one clock tick.
fn monotonic_nanos() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static BUMP: AtomicU64 = AtomicU64::new(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    now + u128::from(BUMP.fetch_add(1, Ordering::Relaxed))
}

/// The local address a socket to the outside would use. Connecting a UDP
/// socket sends nothing; it only asks the kernel for a route. Offline (no
/// route at all) the loopback address is the honest answer.
fn local_ip() -> String {
    let probe = || -> std::io::Result<std::net::IpAddr> {
        let socket = std::net::UdpSocket::bind("0.0.0.0:0")?;
        socket.connect("192.0.2.1:9")?; // TEST-NET-1: never routed anywhere real
        Ok(socket.local_addr()?.ip())
    };
    match probe() {
        Ok(ip) if !ip.is_unspecified() => ip.to_string(),
        _ => "127.0.0.1".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_id_has_ip_instance_and_optional_unit() {
        let mut config = ClientConfig {
            client_ip: "10.0.0.5".into(),
            instance_name: "app".into(),
            ..ClientConfig::default()
        };
        assert_eq!(config.build_mq_client_id(), "10.0.0.5@app");
        config.unit_name = Some("u1".into());
        assert_eq!(config.build_mq_client_id(), "10.0.0.5@app@u1");
    }

    #[test]
    fn default_instance_name_becomes_unique() {
        let mut a = ClientConfig::default();
        let mut b = ClientConfig::default();
        a.change_instance_name_to_pid();
        b.change_instance_name_to_pid();
        assert_ne!(a.instance_name, b.instance_name);
        assert!(
            a.instance_name
                .starts_with(&format!("{}#", std::process::id()))
        );
    }

    #[test]
    fn namesrv_list_is_split_on_semicolons() {
        let config = ClientConfig::with_namesrv(" a:1; b:2 ;;");
        assert_eq!(config.namesrv_addr_list(), ["a:1", "b:2"]);
    }
}
