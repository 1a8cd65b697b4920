//! The tool's connection to a cluster — what Java's `DefaultMQAdminExt`
//! adds on top of a client instance: "which brokers are the masters of this
//! cluster", "where does this topic live".
//!
//! The instance is never `start`ed: a tool needs no heartbeats, route
//! timers or rebalancing, only the RPCs of `MQClientAPIImpl`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use mini_rocketmq::client::client_instance::MQClientInstance;
use mini_rocketmq::client::mq_client_manager::MQClientManager;
use mini_rocketmq::client::{ClientConfig, MQClientError, MQResult};
use mini_rocketmq::common::route::TopicRouteData;
use mini_rocketmq::remoting::protocol::body::cluster_info::ClusterInfo;

pub struct Admin {
    pub instance: Arc<MQClientInstance>,
    pub timeout: Duration,
}

impl Admin {
    pub fn connect(namesrv_addr: &str, timeout: Duration) -> Self {
        let mut config = ClientConfig::with_namesrv(namesrv_addr);
        // Java's tools name their instance after the current time; the pid
        // is as unique and reads better in a broker's connection list.
        config.instance_name = format!("mqadmin-{}", std::process::id());
        config.mq_client_api_timeout = timeout;
        Admin {
            instance: MQClientManager::get_or_create(&config),
            timeout,
        }
    }

    pub async fn close(&self) {
        self.instance.shutdown().await;
    }

    pub fn api(&self) -> &mini_rocketmq::client::mq_client_api::MQClientAPIImpl {
        self.instance.api()
    }

    pub async fn cluster_info(&self) -> MQResult<ClusterInfo> {
        self.api().get_broker_cluster_info(self.timeout).await
    }

    /// brokerName → master address, for every broker of `cluster`.
    pub async fn masters_of_cluster(&self, cluster: &str) -> MQResult<BTreeMap<String, String>> {
        let info = self.cluster_info().await?;
        let names = info.cluster_addr_table.get(cluster).ok_or_else(|| {
            let known: Vec<&String> = info.cluster_addr_table.keys().collect();
            MQClientError::client(format!(
                "cluster [{cluster}] not found; known clusters: {known:?}"
            ))
        })?;
        Ok(names
            .iter()
            .filter_map(|name| {
                let bd = info.broker_addr_table.get(name)?;
                Some((name.clone(), bd.master_addr()?.to_string()))
            })
            .collect())
    }

    /// The master address of a broker given by name or by that address.
    pub async fn master_of_broker(&self, broker: &str) -> MQResult<String> {
        Ok(self.resolve_broker(broker).await?.1)
    }

    /// `(name, master address)` of a broker given by either (what `-b`
    /// takes in every command).
    pub async fn resolve_broker(&self, broker: &str) -> MQResult<(String, String)> {
        let info = self.cluster_info().await?;
        let found = info.broker_addr_table.iter().find_map(|(name, bd)| {
            let master = bd.master_addr()?;
            (name == broker || master == broker).then(|| (name.clone(), master.to_string()))
        });
        found.ok_or_else(|| {
            let known: Vec<&String> = info.broker_addr_table.keys().collect();
            MQClientError::client(format!(
                "broker [{broker}] not found (or has no master); known brokers: {known:?}"
            ))
        })
    }

    pub async fn route(&self, topic: &str) -> MQResult<TopicRouteData> {
        self.api()
            .get_topic_route_info_from_name_server(topic, self.timeout)
            .await
    }

    /// brokerName → master address, for every broker serving `topic`.
    pub async fn masters_of_topic(&self, topic: &str) -> MQResult<BTreeMap<String, String>> {
        let route = self.route(topic).await?;
        Ok(route
            .broker_datas
            .iter()
            .filter_map(|bd| Some((bd.broker_name.clone(), bd.master_addr()?.to_string())))
            .collect())
    }
}
