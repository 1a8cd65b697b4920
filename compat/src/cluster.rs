//! Our name server and one broker, started in-process on loopback with free
//! ports and a temporary store.
//!
//! Everything in compat that touches mini-rocketmq's server API lives here,
//! so the tests read as "start a cluster, point the third-party client at it"
//! and an API change on our side is fixed in one place.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use mini_rocketmq::broker::broker_config::BrokerConfig;
use mini_rocketmq::broker::{BrokerController, BrokerHandle};
use mini_rocketmq::namesrv::namesrv_config::NamesrvConfig;
use mini_rocketmq::namesrv::{NamesrvController, NamesrvHandle};
use mini_rocketmq::store::config::MessageStoreConfig;
use tempfile::TempDir;

/// A name server and one master broker registered with it.
pub struct Cluster {
    pub namesrv: NamesrvHandle,
    pub broker: BrokerHandle,
    /// Keeps the store directory alive until the cluster is dropped.
    pub store_dir: TempDir,
}

impl Cluster {
    /// Starts both servers and waits until the broker has registered.
    pub async fn start() -> anyhow::Result<Self> {
        let namesrv = NamesrvController::new(NamesrvConfig::default())
            .start("127.0.0.1:0")
            .await?;
        let store_dir = tempfile::tempdir()?;
        let broker_config = BrokerConfig {
            namesrv_addr: namesrv.local_addr().to_string(),
            // Loopback only: the broker listens and advertises 127.0.0.1,
            // so nothing in a test dials another address.
            broker_ip1: "127.0.0.1".into(),
            listen_port: 0,
            ..BrokerConfig::default()
        };
        let mut store_config = MessageStoreConfig::with_root(store_dir.path());
        // Small files keep the temporary store sparse and quick to create.
        store_config.mapped_file_size_commit_log = 8 * 1024 * 1024;
        store_config.mapped_file_size_consume_queue = 20 * 4096;
        let broker = BrokerController::new(broker_config, store_config)?
            .start()
            .await?;
        Ok(Self {
            namesrv,
            broker,
            store_dir,
        })
    }

    /// `host:port` of the name server, as a client is configured with it.
    pub fn namesrv_addr(&self) -> String {
        self.namesrv.local_addr().to_string()
    }

    pub fn broker_addr(&self) -> SocketAddr {
        self.broker.local_addr()
    }

    /// The offsets the broker holds for `group` on `topic` (queue id →
    /// next offset to consume), straight from its ConsumerOffsetManager.
    pub fn committed_offsets(&self, group: &str, topic: &str) -> BTreeMap<i32, i64> {
        self.broker
            .controller()
            .consumer_offset_manager
            .query_offsets(group, topic)
    }

    pub async fn shutdown(self) {
        self.broker.shutdown().await;
        self.namesrv.shutdown().await;
    }
}

/// A name unique to this process run, so parallel tests never share a topic
/// or a group.
pub fn unique(prefix: &str) -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    format!("{prefix}_{millis}_{}", SEQ.fetch_add(1, Ordering::Relaxed))
}
