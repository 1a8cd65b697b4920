//! `RouteInfoManager`: the name server's whole state, in five tables.
//!
//! Mirrors `org.apache.rocketmq.namesrv.routeinfo.RouteInfoManager`. A name
//! server stores nothing on disk and talks to no other name server: what it
//! knows, brokers told it in their last REGISTER_BROKER, and every question
//! a client asks is answered from these maps (Java `RouteInfoManager`, `namesrv/src/main/java/org/apache/rocketmq/namesrv/routeinfo/RouteInfoManager.java`):
//!
//! | table | key → value | answers |
//! |---|---|---|
//! | `topicQueueTable` | topic → brokerName → [`QueueData`] | who serves this topic, with how many queues? |
//! | `brokerAddrTable` | brokerName → [`BrokerData`] (id → addr) | where do the members of `broker-a` listen? |
//! | `clusterAddrTable` | clusterName → {brokerName} | which broker groups form this cluster? |
//! | `brokerLiveTable` | [`BrokerAddrInfo`] → [`BrokerLiveInfo`] | which broker processes are alive, since when, with which data version? |
//! | `filterServerTable` | [`BrokerAddrInfo`] → filter servers | (a retired feature, kept for the shape) |
//!
//! plus `topicQueueMappingInfoTable` for static topics, carried through as
//! raw JSON.
//!
//! Topics point at broker *names*, and only `brokerAddrTable` turns a name
//! into addresses, so a slave can join or a master move without touching a
//! topic row.
//!
//! ## Locking
//!
//! Java guards the maps with one `ReentrantReadWriteLock`: route lookups
//! (many, every client every 30 s) share the read lock, registrations take
//! the write lock. We keep all tables in one struct behind one
//! `parking_lot::RwLock`, so no code path can lock one table and forget
//! another. The lock is never held across an `.await` or while closing a
//! socket.
//!
//! ## Time
//!
//! Liveness is wall-clock arithmetic (`lastUpdateTimestamp +
//! heartbeatTimeoutMillis < now`), read from an injected [`Clock`] so tests
//! can move time by two minutes without waiting for it.
//!
//! ## Deliberate differences from Java
//!
//! - A rejected registration (a single-topic registration from a broker that
//!   has not registered yet, or a stale `stateVersion`) is checked *before*
//!   any table changes; Java has already added the cluster and an empty
//!   `BrokerData` by then and leaves them behind.
//! - Unregistration happens at once, under the write lock. Java 5.x queues
//!   it to a `BatchUnregistrationService` thread; the result is the same, a
//!   moment later.
//! - Every map is ordered (`BTreeMap`), so routes and lists come out sorted
//!   and traces are repeatable. Java's `HashMap` order is arbitrary, so no
//!   client can depend on it.

//!
//! ## Files
//!
//! | file | holds |
//! |---|---|
//! | this one | the manager: registration, liveness, route lookup |
//! | [`broker_info`] | `BrokerAddrInfo`, `BrokerLiveInfo`, what a registration carries and returns |
//! | `route_tables` | the five tables and the edits made under the write lock |
//! | `register_broker` | the steps of REGISTER_BROKER |
//! | `topic_admin` | cluster info, topic lists, admin edits (delete topic, write perm) |

mod broker_info;
mod register_broker;
mod route_tables;
#[cfg(test)]
mod tests;
mod topic_admin;

use std::sync::Arc;

use parking_lot::RwLock;

use crate::common::data_version::DataVersion;
use crate::common::mix_all::MASTER_ID;
use crate::common::perm;
use crate::common::route::TopicRouteData;
use crate::common::topic_validator::SYNC_BROKER_MEMBER_GROUP_PREFIX;
use crate::namesrv::clock::Clock;
use crate::namesrv::namesrv_config::NamesrvConfig;
use crate::remoting::server::Channel;

pub use broker_info::{
    BrokerAddrInfo, BrokerLiveInfo, BrokerRegistration, DEFAULT_BROKER_CHANNEL_EXPIRED_TIME,
    RegisterBrokerError, RegisterBrokerResult,
};
use route_tables::RouteTables;

pub struct RouteInfoManager {
    tables: RwLock<RouteTables>,
    clock: Arc<dyn Clock>,
    support_acting_master: bool,
    delete_topic_with_broker_registration: bool,
}

impl RouteInfoManager {
    pub fn new(config: &NamesrvConfig, clock: Arc<dyn Clock>) -> Self {
        RouteInfoManager {
            tables: RwLock::new(RouteTables::default()),
            clock,
            support_acting_master: config.support_acting_master,
            delete_topic_with_broker_registration: config.delete_topic_with_broker_registration,
        }
    }

    pub fn now_millis(&self) -> i64 {
        self.clock.now_millis()
    }

    // -----------------------------------------------------------------
    // Registration
    // -----------------------------------------------------------------

    /// REGISTER_BROKER (Java `RouteInfoManager#registerBroker`), in the
    /// steps in `route_info_manager/register_broker.rs`:
    ///
    /// 0. check, before anything changes: refuse a single-topic registration
    ///    from an unknown broker, ignore one that lost a `stateVersion` race;
    /// 1. record the broker name under its cluster and `id → addr` under its
    ///    name;
    /// 2. for the master (or the acting master), rebuild its `QueueData`;
    /// 3. refresh its live entry;
    /// 4. tell a slave its master's address and HA address.
    pub fn register_broker(
        &self,
        reg: BrokerRegistration,
    ) -> Result<RegisterBrokerResult, RegisterBrokerError> {
        let now = self.clock.now_millis();
        let mut t = self.tables.write();
        if !t.check_broker_registration(&reg)? {
            return Ok(RegisterBrokerResult::default());
        }
        let role = t.update_broker_addr_table(&reg);
        if role.is_master || role.is_prime_slave {
            t.update_topic_queue_data(&reg, &role, self.delete_topic_with_broker_registration);
        }
        let (cluster_name, broker_name) = (reg.cluster_name.clone(), reg.broker_name.clone());
        t.update_broker_live_info(reg, now);
        if role.is_master {
            Ok(RegisterBrokerResult::default())
        } else {
            Ok(t.master_of(&cluster_name, &broker_name))
        }
    }

    /// UNREGISTER_BROKER (also what a closed channel or an expired heartbeat
    /// leads to). Removes the process from the live table, its id from its
    /// group; an emptied group leaves its cluster and every topic route.
    pub fn unregister_broker(
        &self,
        cluster_name: &str,
        broker_addr: &str,
        broker_name: &str,
        broker_id: i64,
    ) {
        let mut t = self.tables.write();
        t.unregister(cluster_name, broker_addr, broker_name, broker_id);
    }

    // -----------------------------------------------------------------
    // Liveness
    // -----------------------------------------------------------------

    /// Java `scanNotActiveBroker`, run every `scanNotActiveBrokerInterval`:
    /// every broker silent for longer than its heartbeat timeout has its
    /// channel closed and is removed. Returns the removed processes.
    pub fn scan_not_active_broker(&self) -> Vec<BrokerAddrInfo> {
        let now = self.clock.now_millis();
        let expired: Vec<(BrokerAddrInfo, i64, Option<Channel>)> = {
            let t = self.tables.read();
            t.broker_live_table
                .iter()
                .filter(|(_, live)| {
                    live.last_update_timestamp
                        .saturating_add(live.heartbeat_timeout_millis)
                        < now
                })
                .map(|(info, live)| {
                    (
                        info.clone(),
                        live.heartbeat_timeout_millis,
                        live.channel.clone(),
                    )
                })
                .collect()
        };
        for (info, timeout, channel) in &expired {
            if let Some(channel) = channel {
                channel.close();
            }
            tracing::warn!(broker = %info, timeout_ms = timeout, "The broker channel expired");
            self.on_channel_destroy_addr(info);
        }
        expired.into_iter().map(|(info, _, _)| info).collect()
    }

    /// Java `onChannelDestroy(Channel)`: a connection closed (or went idle);
    /// every broker that registered on it is removed at once. (Java stops at
    /// the first; a real broker has one connection per name server, but a
    /// test or tool registering several brokers over one connection should
    /// not leave ghosts behind.) Returns the brokers removed.
    pub fn on_channel_destroy(&self, channel_id: u64) -> Vec<BrokerAddrInfo> {
        let found: Vec<BrokerAddrInfo> = {
            let t = self.tables.read();
            t.broker_live_table
                .iter()
                .filter(|(_, live)| live.channel.as_ref().is_some_and(|c| c.id() == channel_id))
                .map(|(info, _)| info.clone())
                .collect()
        };
        for info in &found {
            tracing::info!(broker = %info, "the broker's channel destroyed, unregister it at once");
            self.on_channel_destroy_addr(info);
        }
        found
    }

    /// Java `onChannelDestroy(BrokerAddrInfo)`: find the name and id this
    /// process registered under, and unregister it.
    pub fn on_channel_destroy_addr(&self, info: &BrokerAddrInfo) {
        let mut t = self.tables.write();
        let found = t.broker_addr_table.values().find_map(|bd| {
            if bd.cluster != info.cluster_name {
                return None;
            }
            bd.broker_addrs
                .iter()
                .find(|(_, addr)| **addr == info.broker_addr)
                .map(|(id, _)| (bd.broker_name.clone(), *id))
        });
        match found {
            Some((name, id)) => t.unregister(&info.cluster_name, &info.broker_addr, &name, id),
            None => {
                // Not in any group (a refused registration left only a live
                // entry): drop what there is, so the scan does not find it again.
                t.broker_live_table.remove(info);
                t.filter_server_table.remove(info);
            }
        }
    }

    /// BROKER_HEARTBEAT and QUERY_DATA_VERSION: the broker is alive now.
    pub fn update_broker_info_update_timestamp(&self, cluster_name: &str, broker_addr: &str) {
        let now = self.clock.now_millis();
        let mut t = self.tables.write();
        if let Some(live) = t
            .broker_live_table
            .get_mut(&BrokerAddrInfo::new(cluster_name, broker_addr))
        {
            live.last_update_timestamp = now;
        }
    }

    /// The data version the name server holds for this broker process.
    pub fn query_broker_topic_config(
        &self,
        cluster_name: &str,
        broker_addr: &str,
    ) -> Option<DataVersion> {
        let t = self.tables.read();
        t.broker_live_table
            .get(&BrokerAddrInfo::new(cluster_name, broker_addr))
            .map(|live| live.data_version)
    }

    /// QUERY_DATA_VERSION: does the broker's version differ from ours (or do
    /// we not know the broker)? Then it should re-register.
    pub fn is_broker_topic_config_changed(
        &self,
        cluster_name: &str,
        broker_addr: &str,
        data_version: &DataVersion,
    ) -> bool {
        self.tables
            .read()
            .is_broker_topic_config_changed(cluster_name, broker_addr, data_version)
    }

    // -----------------------------------------------------------------
    // Queries
    // -----------------------------------------------------------------

    /// GET_ROUTEINFO_BY_TOPIC: `None` unless the topic has queue data *and*
    /// at least one of its broker groups is known.
    pub fn pickup_topic_route_data(&self, topic: &str) -> Option<TopicRouteData> {
        let mut route = TopicRouteData::default();
        {
            let t = self.tables.read();
            let queue_datas = t.topic_queue_table.get(topic)?;
            route.queue_datas = queue_datas.values().cloned().collect();
            for broker_name in queue_datas.keys() {
                let Some(bd) = t.broker_addr_table.get(broker_name) else {
                    continue;
                };
                if !t.filter_server_table.is_empty() {
                    for addr in bd.broker_addrs.values() {
                        let key = BrokerAddrInfo::new(&bd.cluster, addr);
                        let list = t.filter_server_table.get(&key).cloned().unwrap_or_default();
                        route.filter_server_table.insert(addr.clone(), list);
                    }
                }
                route.broker_datas.push(bd.clone());
            }
            if route.broker_datas.is_empty() || route.queue_datas.is_empty() {
                return None;
            }
            route.topic_queue_mapping_by_broker =
                t.topic_queue_mapping_info_table.get(topic).cloned();
        }
        tracing::debug!(topic, ?route, "pickupTopicRouteData");

        if self.support_acting_master && !topic.starts_with(SYNC_BROKER_MEMBER_GROUP_PREFIX) {
            promote_acting_masters(&mut route);
        }
        Some(route)
    }
}

/// In acting-master mode, a group without a master whose queues are
/// read-only shows its lowest-id slave under id 0, so clients that only read
/// from "the master" keep reading (Java `pickupTopicRouteData`'s tail).
fn promote_acting_masters(route: &mut TopicRouteData) {
    let needs = route
        .broker_datas
        .iter()
        .any(|bd| !bd.broker_addrs.is_empty() && !bd.broker_addrs.contains_key(&MASTER_ID));
    if !needs {
        return;
    }
    for bd in &mut route.broker_datas {
        if bd.broker_addrs.is_empty()
            || bd.broker_addrs.contains_key(&MASTER_ID)
            || !bd.enable_acting_master
        {
            continue;
        }
        let read_only = route
            .queue_datas
            .iter()
            .find(|qd| qd.broker_name == bd.broker_name)
            .is_some_and(|qd| !perm::is_writeable(qd.perm));
        if read_only
            && let Some((&min_id, _)) = bd.broker_addrs.iter().next()
            && let Some(addr) = bd.broker_addrs.remove(&min_id)
        {
            bd.broker_addrs.insert(MASTER_ID, addr);
        }
    }
}
