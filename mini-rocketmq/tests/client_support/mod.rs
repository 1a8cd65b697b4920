//! Shared set-up of the client and mqadmin tests: a real name server and
//! real brokers on `127.0.0.1:0`, each broker over its own temp store, and
//! client settings with short timer periods so that rebalances and offset
//! commits happen within a test's lifetime. Nothing here asserts on time;
//! waits are "until this becomes true", bounded by a generous guard so a
//! broken build fails instead of hanging.

#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use mini_rocketmq::broker::{BrokerConfig, BrokerController, BrokerHandle};
use mini_rocketmq::client::ClientConfig;
use mini_rocketmq::client::mq_client_manager::MQClientManager;
use mini_rocketmq::common::topic_config::TopicConfig;
use mini_rocketmq::namesrv::{NamesrvConfig, NamesrvController, NamesrvHandle};
use mini_rocketmq::store::config::MessageStoreConfig;
use tempfile::TempDir;

#[path = "../wait_support/mod.rs"]
mod wait_support;
#[allow(unused_imports)] // each test binary uses a different subset
pub use wait_support::{GUARD, Poll, wait_until, wait_until_within};

/// A name server and some brokers of one cluster, `DefaultCluster`.
pub struct Cluster {
    pub namesrv: Option<NamesrvHandle>,
    pub brokers: Vec<Option<BrokerHandle>>,
    pub broker_names: Vec<String>,
    dirs: Vec<TempDir>,
}

impl Cluster {
    /// Starts a name server and `brokers` brokers named broker-a, broker-b …
    pub async fn start(brokers: usize) -> Cluster {
        let namesrv_config = NamesrvConfig {
            kv_config_path: PathBuf::new(),
            ..NamesrvConfig::default()
        };
        let namesrv = NamesrvController::new(namesrv_config)
            .start("127.0.0.1:0")
            .await
            .expect("start name server");
        let namesrv_addr = namesrv.local_addr().to_string();
        let mut cluster = Cluster {
            namesrv: Some(namesrv),
            brokers: Vec::new(),
            broker_names: Vec::new(),
            dirs: Vec::new(),
        };
        for i in 0..brokers {
            let name = format!("broker-{}", (b'a' + i as u8) as char);
            let dir = tempfile::tempdir().expect("temp dir");
            let broker_config = BrokerConfig {
                broker_ip1: "127.0.0.1".into(),
                listen_port: 0,
                broker_name: name.clone(),
                namesrv_addr: namesrv_addr.clone(),
                ..BrokerConfig::default()
            };
            let mut store_config = MessageStoreConfig::with_root(dir.path());
            store_config.mapped_file_size_commit_log = 16 * 1024 * 1024;
            store_config.mapped_file_size_consume_queue = 1000 * 20;
            let handle = BrokerController::new(broker_config, store_config)
                .expect("open broker")
                .start()
                .await
                .expect("start broker");
            cluster.brokers.push(Some(handle));
            cluster.broker_names.push(name);
            cluster.dirs.push(dir);
        }
        cluster
    }

    pub fn namesrv_addr(&self) -> String {
        self.namesrv
            .as_ref()
            .map(|n| n.local_addr().to_string())
            .unwrap_or_default()
    }

    pub fn broker_addr(&self, i: usize) -> String {
        self.brokers[i]
            .as_ref()
            .map(|b| b.local_addr().to_string())
            .unwrap_or_default()
    }

    /// Client settings against this cluster with fast timers.
    pub fn client_config(&self) -> ClientConfig {
        ClientConfig {
            namesrv_addr: self.namesrv_addr(),
            client_ip: "127.0.0.1".into(),
            poll_name_server_interval: Duration::from_millis(200),
            heartbeat_broker_interval: Duration::from_millis(200),
            persist_consumer_offset_interval: Duration::from_millis(200),
            rebalance_interval: Duration::from_millis(200),
            ..ClientConfig::default()
        }
    }

    /// Creates `topic` with `queues` read and write queues on every running
    /// broker, and waits until the name server's route shows all of them.
    pub async fn create_topic(&self, topic: &str, queues: i32) {
        let mut config = self.client_config();
        config.instance_name = format!("test-admin-{topic}");
        let admin = MQClientManager::get_or_create(&config);
        let topic_config = TopicConfig {
            read_queue_nums: queues,
            write_queue_nums: queues,
            ..TopicConfig::new(topic)
        };
        let timeout = Duration::from_secs(3);
        let addrs: Vec<String> = (0..self.brokers.len())
            .filter(|i| self.brokers[*i].is_some())
            .map(|i| self.broker_addr(i))
            .collect();
        for addr in &addrs {
            admin
                .api()
                .create_topic(addr, "TBW102", &topic_config, timeout)
                .await
                .expect("create topic");
        }
        let expected = addrs.len();
        wait_until("the route lists every broker", || {
            let admin = std::sync::Arc::clone(&admin);
            async move {
                admin
                    .api()
                    .get_topic_route_info_from_name_server(topic, timeout)
                    .await
                    .is_ok_and(|r| r.queue_datas.len() == expected)
            }
        })
        .await;
        admin.shutdown().await;
    }

    /// Waits until the brokers' consume queues hold `total` messages of
    /// `topic`. A send returns once the CommitLog has the message; the
    /// consume queue entry (what GET_MAX_OFFSET and SEARCH_OFFSET read) is
    /// built a moment later by the broker's dispatcher.
    pub async fn wait_dispatched(&self, topic: &str, total: i64) {
        let mut config = self.client_config();
        config.instance_name = format!("test-dispatch-{topic}");
        let admin = MQClientManager::get_or_create(&config);
        let addrs: Vec<String> = (0..self.brokers.len())
            .filter(|i| self.brokers[*i].is_some())
            .map(|i| self.broker_addr(i))
            .collect();
        wait_until(
            &format!("{total} messages of {topic} are dispatched"),
            || {
                let (admin, addrs) = (std::sync::Arc::clone(&admin), addrs.clone());
                async move {
                    let mut sum = 0;
                    for addr in &addrs {
                        if let Ok(stats) = admin
                            .api()
                            .get_topic_stats_info(addr, topic, Duration::from_secs(3))
                            .await
                        {
                            sum += stats
                                .offset_table
                                .values()
                                .map(|o| o.max_offset)
                                .sum::<i64>();
                        }
                    }
                    sum >= total
                }
            },
        )
        .await;
        admin.shutdown().await;
    }

    /// Stops one broker (its store stays on disk until the cluster drops).
    pub async fn stop_broker(&mut self, i: usize) {
        if let Some(handle) = self.brokers[i].take() {
            handle.shutdown().await;
        }
    }

    pub async fn shutdown(mut self) {
        for i in 0..self.brokers.len() {
            self.stop_broker(i).await;
        }
        if let Some(namesrv) = self.namesrv.take() {
            namesrv.shutdown().await;
        }
    }
}
