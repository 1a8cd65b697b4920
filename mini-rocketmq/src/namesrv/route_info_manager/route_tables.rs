//! The five tables (plus static-topic mappings) and the edits that must
//! happen together under the write lock. Only `RouteInfoManager` touches
//! them, through its one `RwLock`.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::data_version::DataVersion;
use crate::common::mix_all::MASTER_ID;
use crate::common::perm;
use crate::common::route::{BrokerData, QueueData};
use crate::common::topic_config::TopicConfig;

use super::{BrokerAddrInfo, BrokerLiveInfo};

/// The tables, always locked together.
#[derive(Default)]
pub(super) struct RouteTables {
    pub(super) topic_queue_table: BTreeMap<String, BTreeMap<String, QueueData>>,
    pub(super) broker_addr_table: BTreeMap<String, BrokerData>,
    pub(super) cluster_addr_table: BTreeMap<String, BTreeSet<String>>,
    pub(super) broker_live_table: BTreeMap<BrokerAddrInfo, BrokerLiveInfo>,
    pub(super) filter_server_table: BTreeMap<BrokerAddrInfo, Vec<String>>,
    /// topic → brokerName → `TopicQueueMappingInfo` (raw JSON).
    pub(super) topic_queue_mapping_info_table:
        BTreeMap<String, BTreeMap<String, serde_json::Value>>,
}

impl RouteTables {
    /// Java `isBrokerTopicConfigChanged`.
    pub(super) fn is_broker_topic_config_changed(
        &self,
        cluster_name: &str,
        broker_addr: &str,
        data_version: &DataVersion,
    ) -> bool {
        self.broker_live_table
            .get(&BrokerAddrInfo::new(cluster_name, broker_addr))
            .is_none_or(|live| live.data_version != *data_version)
    }

    /// Does the route of `topic` already list `broker_name`?
    pub(super) fn topic_lists_broker(&self, topic: &str, broker_name: &str) -> bool {
        self.topic_queue_table
            .get(topic)
            .is_some_and(|qds| qds.contains_key(broker_name))
    }

    /// Java `createAndUpdateQueueData`.
    pub(super) fn create_and_update_queue_data(&mut self, broker_name: &str, tc: &TopicConfig) {
        let qd = QueueData::from_topic_config(broker_name, tc);
        let qds = self
            .topic_queue_table
            .entry(tc.topic_name.clone())
            .or_default();
        match qds.get(broker_name) {
            None if qds.is_empty() => {
                tracing::info!(topic = %tc.topic_name, ?qd, "new topic registered");
                qds.insert(broker_name.to_string(), qd);
            }
            None => {
                qds.insert(broker_name.to_string(), qd);
            }
            Some(existing) if *existing != qd => {
                tracing::info!(topic = %tc.topic_name, old = ?existing, new = ?qd, "topic changed");
                qds.insert(broker_name.to_string(), qd);
            }
            Some(_) => {}
        }
    }

    /// With `deleteTopicWithBrokerRegistration`: the broker's topics that are
    /// absent from its new table leave the route.
    pub(super) fn delete_topics_missing_from(
        &mut self,
        broker_name: &str,
        table: &BTreeMap<String, TopicConfig>,
    ) {
        self.topic_queue_table.retain(|topic, qds| {
            if !table.contains_key(topic) && qds.remove(broker_name).is_some() {
                tracing::info!(broker_name, topic = %topic, "deleteTopic, remove one broker's topic");
            }
            !qds.is_empty()
        });
    }

    /// Java `unRegisterBroker` for one request, plus
    /// `cleanTopicByUnRegisterRequests`.
    pub(super) fn unregister(
        &mut self,
        cluster_name: &str,
        broker_addr: &str,
        broker_name: &str,
        broker_id: i64,
    ) {
        let info = BrokerAddrInfo::new(cluster_name, broker_addr);
        let live = self.broker_live_table.remove(&info);
        tracing::info!(broker = %info, removed = live.is_some(), "unregisterBroker, remove from brokerLiveTable");
        self.filter_server_table.remove(&info);

        let mut remove_broker_name = false;
        if let Some(bd) = self.broker_addr_table.get_mut(broker_name) {
            let before = bd.broker_addrs.len();
            bd.broker_addrs.retain(|_, addr| addr != broker_addr);
            tracing::info!(broker = %info, broker_id, removed = before != bd.broker_addrs.len(),
                "unregisterBroker, remove addr from brokerAddrTable");
            if bd.broker_addrs.is_empty() {
                self.broker_addr_table.remove(broker_name);
                tracing::info!(
                    broker_name,
                    "unregisterBroker, remove name from brokerAddrTable OK"
                );
                remove_broker_name = true;
            }
        }

        if remove_broker_name {
            if let Some(names) = self.cluster_addr_table.get_mut(cluster_name) {
                names.remove(broker_name);
                if names.is_empty() {
                    self.cluster_addr_table.remove(cluster_name);
                    tracing::info!(
                        cluster_name,
                        "unregisterBroker, remove cluster from clusterAddrTable"
                    );
                }
            }
            // The group is gone: so is its share of every topic, and a topic
            // left with no group is gone too.
            self.topic_queue_table.retain(|topic, qds| {
                if qds.remove(broker_name).is_some() {
                    tracing::debug!(topic = %topic, broker_name, "removeTopicByBrokerName, remove one broker's topic");
                }
                !qds.is_empty()
            });
        } else if let Some(bd) = self.broker_addr_table.get(broker_name) {
            // The group lives on without this member. In acting-master mode,
            // a group that lost its master serves reads only.
            let no_master = bd
                .broker_addrs
                .keys()
                .next()
                .is_none_or(|min| *min > MASTER_ID);
            if bd.enable_acting_master && no_master {
                for qds in self.topic_queue_table.values_mut() {
                    if let Some(qd) = qds.get_mut(broker_name) {
                        qd.perm &= !perm::PERM_WRITE;
                    }
                }
            }
        }
    }
}
