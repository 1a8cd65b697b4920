//! `RouteInfoManager`: the name server's whole state, in five tables.
//!
//! Mirrors `org.apache.rocketmq.namesrv.routeinfo.RouteInfoManager`. A name
//! server stores nothing on disk and talks to no other name server: what it
//! knows, brokers told it in their last REGISTER_BROKER, and every question
//! a client asks is answered from these maps (facts §6.1):
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
//! | `topic_admin` | cluster info, topic lists, admin edits (delete topic, write perm) |

mod broker_info;
mod route_tables;
#[cfg(test)]
mod tests;
mod topic_admin;

use std::sync::Arc;

use parking_lot::RwLock;

use crate::common::data_version::DataVersion;
use crate::common::mix_all::MASTER_ID;
use crate::common::perm;
use crate::common::route::{BrokerData, TopicRouteData};
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

    /// REGISTER_BROKER (facts §6.1).
    ///
    /// 1. Record the broker name under its cluster, and `id → addr` under its
    ///    name; an address that re-registers under a new id (slave promoted to
    ///    master) loses its old id.
    /// 2. If it is the master (or, in acting-master mode, the lowest-id
    ///    slave), rebuild its `QueueData` for each topic — but only for a first
    ///    registration, or when its `DataVersion` changed, or for a topic the
    ///    route does not list it under yet.
    /// 3. Refresh its live entry: now, its timeout, its data version, its channel.
    /// 4. A slave is told its master's address and HA address.
    pub fn register_broker(
        &self,
        reg: BrokerRegistration,
    ) -> Result<RegisterBrokerResult, RegisterBrokerError> {
        let now = self.clock.now_millis();
        let mut t = self.tables.write();
        let BrokerRegistration {
            cluster_name,
            broker_addr,
            broker_name,
            broker_id,
            ha_server_addr,
            zone_name,
            heartbeat_timeout_millis,
            enable_acting_master,
            topic_config_wrapper,
            filter_server_list,
            channel,
        } = reg;
        let mut result = RegisterBrokerResult::default();

        // Checks first, so a refused registration changes nothing.
        let known_id = t
            .broker_addr_table
            .get(&broker_name)
            .is_some_and(|bd| bd.broker_addrs.contains_key(&broker_id));
        if !known_id && topic_config_wrapper.topic_config_table.len() == 1 {
            tracing::warn!(
                broker_id, %broker_addr,
                "Can't register a single topic because the broker has not registered"
            );
            return Err(RegisterBrokerError::NotRegisteredYet {
                broker_id,
                broker_addr,
            });
        }
        // Another process already holds this id at a different address: keep
        // whichever has the higher stateVersion (controller mode bumps it on
        // every election).
        let holder = t
            .broker_addr_table
            .get(&broker_name)
            .and_then(|bd| bd.broker_addrs.get(&broker_id))
            .filter(|addr| **addr != broker_addr)
            .cloned();
        if let Some(old_addr) = holder {
            let old_state = t
                .broker_live_table
                .get(&BrokerAddrInfo::new(&cluster_name, &old_addr))
                .map(|live| live.data_version.state_version);
            let new_state = topic_config_wrapper.data_version.state_version;
            if old_state.is_some_and(|old| old > new_state) {
                tracing::warn!(
                    %cluster_name, %broker_name, broker_id, %old_addr, ?old_state, %broker_addr, new_state,
                    "Registering Broker conflicts with the existed one, just ignore"
                );
                t.broker_live_table
                    .remove(&BrokerAddrInfo::new(&cluster_name, &broker_addr));
                return Ok(result);
            }
        }

        // 1. cluster → names, name → ids → addrs.
        t.cluster_addr_table
            .entry(cluster_name.clone())
            .or_default()
            .insert(broker_name.clone());

        let mut register_first = false;
        let broker_data = t
            .broker_addr_table
            .entry(broker_name.clone())
            .or_insert_with(|| {
                register_first = true;
                BrokerData::new(&cluster_name, &broker_name)
            });
        let is_old_version_broker = enable_acting_master.is_none();
        broker_data.enable_acting_master = enable_acting_master.unwrap_or(false);
        broker_data.zone_name = zone_name;
        // The same ip:port may only appear once: drop it under any other id.
        broker_data
            .broker_addrs
            .retain(|id, addr| *addr != broker_addr || *id == broker_id);
        let old_addr = broker_data
            .broker_addrs
            .insert(broker_id, broker_addr.clone());
        register_first |= old_addr.is_none_or(|a| a.is_empty());

        let is_master = broker_id == MASTER_ID;
        let is_prime_slave = !is_old_version_broker
            && !is_master
            && broker_data.broker_addrs.keys().next() == Some(&broker_id);
        let acting_master_enabled = broker_data.enable_acting_master;

        // 2. Queue data, from the master (or the acting master) only.
        if is_master || is_prime_slave {
            let data_version = topic_config_wrapper.data_version;
            let broker_changed =
                t.is_broker_topic_config_changed(&cluster_name, &broker_addr, &data_version);

            if self.delete_topic_with_broker_registration
                && topic_config_wrapper.topic_queue_mapping_info_map.is_empty()
            {
                t.delete_topics_missing_from(
                    &broker_name,
                    &topic_config_wrapper.topic_config_table,
                );
            }

            for tc in topic_config_wrapper.topic_config_table.values() {
                if register_first
                    || broker_changed
                    || !t.topic_lists_broker(&tc.topic_name, &broker_name)
                {
                    let mut tc = tc.clone();
                    if is_prime_slave && acting_master_enabled {
                        // An acting master serves reads only.
                        tc.perm &= !perm::PERM_WRITE;
                    }
                    t.create_and_update_queue_data(&broker_name, &tc);
                }
            }

            if broker_changed || register_first {
                for (topic, info) in &topic_config_wrapper.topic_queue_mapping_info_map {
                    let bname = info
                        .get("bname")
                        .and_then(|b| b.as_str())
                        .unwrap_or(&broker_name)
                        .to_string();
                    t.topic_queue_mapping_info_table
                        .entry(topic.clone())
                        .or_default()
                        .insert(bname, info.clone());
                }
            }
        }

        // 3. Liveness.
        let addr_info = BrokerAddrInfo::new(&cluster_name, &broker_addr);
        let prev = t.broker_live_table.insert(
            addr_info.clone(),
            BrokerLiveInfo {
                last_update_timestamp: now,
                heartbeat_timeout_millis: heartbeat_timeout_millis
                    .unwrap_or(DEFAULT_BROKER_CHANNEL_EXPIRED_TIME),
                data_version: topic_config_wrapper.data_version,
                channel,
                ha_server_addr: ha_server_addr.clone(),
            },
        );
        if prev.is_none() {
            tracing::info!(broker = %addr_info, ha_server_addr = %ha_server_addr, "new broker registered");
        }

        if let Some(list) = filter_server_list {
            if list.is_empty() {
                t.filter_server_table.remove(&addr_info);
            } else {
                t.filter_server_table.insert(addr_info, list);
            }
        }

        // 4. A slave learns where its master is.
        if !is_master {
            let master_addr = t
                .broker_addr_table
                .get(&broker_name)
                .and_then(|bd| bd.master_addr())
                .map(str::to_string);
            if let Some(master_addr) = master_addr {
                let master_live = t
                    .broker_live_table
                    .get(&BrokerAddrInfo::new(&cluster_name, &master_addr));
                if let Some(live) = master_live {
                    result.ha_server_addr = Some(live.ha_server_addr.clone());
                    result.master_addr = Some(master_addr);
                }
            }
        }
        Ok(result)
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
