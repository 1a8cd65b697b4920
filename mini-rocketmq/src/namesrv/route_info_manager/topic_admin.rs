//! Questions about the whole cluster and operator edits: cluster info,
//! topic lists, registering or deleting a topic by hand, and draining a
//! broker group's write permission. Each is one short pass over the tables
//! under the appropriate lock.

use crate::common::perm;
use crate::common::route::QueueData;
use crate::remoting::protocol::body::cluster_info::ClusterInfo;
use crate::remoting::protocol::body::topic_list::TopicList;

use super::{BrokerAddrInfo, RouteInfoManager};

impl RouteInfoManager {
    /// GET_BROKER_CLUSTER_INFO.
    pub fn get_all_cluster_info(&self) -> ClusterInfo {
        let t = self.tables.read();
        ClusterInfo {
            broker_addr_table: t.broker_addr_table.clone(),
            cluster_addr_table: t.cluster_addr_table.clone(),
        }
    }

    /// GET_ALL_TOPIC_LIST_FROM_NAMESERVER.
    pub fn get_all_topic_list(&self) -> TopicList {
        let t = self.tables.read();
        TopicList {
            broker_addr: None,
            topic_list: t.topic_queue_table.keys().cloned().collect(),
        }
    }

    /// GET_TOPICS_BY_CLUSTER: topics served by any broker group of the cluster.
    pub fn get_topics_by_cluster(&self, cluster: &str) -> TopicList {
        let t = self.tables.read();
        let mut list = TopicList::default();
        if let Some(names) = t.cluster_addr_table.get(cluster) {
            for (topic, qds) in &t.topic_queue_table {
                if names.iter().any(|n| qds.contains_key(n)) {
                    list.topic_list.insert(topic.clone());
                }
            }
        }
        list
    }

    /// GET_SYSTEM_TOPIC_LIST_FROM_NS: every cluster name and broker name
    /// (brokers create a topic named after each), plus one broker address.
    pub fn get_system_topic_list(&self) -> TopicList {
        let t = self.tables.read();
        let mut list = TopicList::default();
        for (cluster, names) in &t.cluster_addr_table {
            list.topic_list.insert(cluster.clone());
            list.topic_list.extend(names.iter().cloned());
        }
        list.broker_addr = t
            .broker_addr_table
            .values()
            .find_map(|bd| bd.broker_addrs.values().next().cloned());
        list
    }

    /// The live broker processes (for tests, tools and traces).
    pub fn live_brokers(&self) -> Vec<BrokerAddrInfo> {
        self.tables
            .read()
            .broker_live_table
            .keys()
            .cloned()
            .collect()
    }

    // -----------------------------------------------------------------
    // Admin
    // -----------------------------------------------------------------

    /// REGISTER_TOPIC_IN_NAMESRV: add queue data for a topic directly. Refused
    /// (and logged) as a whole if any queue data names an unknown broker.
    pub fn register_topic(&self, topic: &str, queue_datas: &[QueueData]) -> bool {
        if queue_datas.is_empty() {
            return false;
        }
        let mut t = self.tables.write();
        if let Some(bad) = queue_datas
            .iter()
            .find(|qd| !t.broker_addr_table.contains_key(&qd.broker_name))
        {
            tracing::warn!(topic, broker_name = %bad.broker_name, "Register topic contains illegal broker");
            return false;
        }
        let entry = t.topic_queue_table.entry(topic.to_string()).or_default();
        for qd in queue_datas {
            entry.insert(qd.broker_name.clone(), qd.clone());
        }
        tracing::info!(topic, "Register topic route");
        true
    }

    /// DELETE_TOPIC_IN_NAMESRV without a cluster: the whole topic.
    pub fn delete_topic(&self, topic: &str) {
        self.tables.write().topic_queue_table.remove(topic);
    }

    /// DELETE_TOPIC_IN_NAMESRV with a cluster: only that cluster's share.
    pub fn delete_topic_in_cluster(&self, topic: &str, cluster_name: &str) {
        let mut t = self.tables.write();
        let Some(names) = t.cluster_addr_table.get(cluster_name).cloned() else {
            return;
        };
        if let Some(qds) = t.topic_queue_table.get_mut(topic) {
            for name in &names {
                if let Some(qd) = qds.remove(name) {
                    tracing::info!(broker_name = %name, topic, ?qd, "deleteTopic, remove one broker's topic");
                }
            }
            if qds.is_empty() {
                t.topic_queue_table.remove(topic);
            }
        }
    }

    /// WIPE_WRITE_PERM_OF_BROKER: clear the write bit of every topic the
    /// group serves (to drain it). Returns how many topics changed.
    pub fn wipe_write_perm_of_broker(&self, broker_name: &str) -> i32 {
        self.operate_write_perm(broker_name, |p| p & !perm::PERM_WRITE)
    }

    /// ADD_WRITE_PERM_OF_BROKER: set every topic of the group back to RW.
    pub fn add_write_perm_of_broker(&self, broker_name: &str) -> i32 {
        self.operate_write_perm(broker_name, |_| perm::PERM_READ | perm::PERM_WRITE)
    }

    fn operate_write_perm(&self, broker_name: &str, f: impl Fn(i32) -> i32) -> i32 {
        let mut t = self.tables.write();
        let mut count = 0;
        for qds in t.topic_queue_table.values_mut() {
            if let Some(qd) = qds.get_mut(broker_name) {
                qd.perm = f(qd.perm);
                count += 1;
            }
        }
        count
    }
}
