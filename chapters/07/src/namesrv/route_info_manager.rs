//! `RouteInfoManager` — the name server's whole state, in five tables.
//! Mirrors `org.apache.rocketmq.namesrv.routeinfo.RouteInfoManager`.
//!
//! A RocketMQ name server stores nothing on disk and talks to no other name
//! server. Everything it knows, brokers told it in their last registration,
//! and everything it is asked is answered from these five maps:
//!
//! | table | key → value | answers |
//! |---|---|---|
//! | `topicQueueTable` | topic → brokerName → `QueueData` | who serves this topic, with how many queues? |
//! | `brokerAddrTable` | brokerName → `BrokerData` (id → addr) | where do the members of `broker-a` listen? |
//! | `clusterAddrTable` | clusterName → {brokerName} | which brokers make up this cluster? |
//! | `brokerLiveTable` | (cluster, addr) → `BrokerLiveInfo` | which broker processes have registered, and with which data version? |
//! | `filterServerTable` | (cluster, addr) → filter servers | which filter servers sit next to a broker? |
//!
//! The split matters: topics point at broker *names*, and only
//! `brokerAddrTable` turns a name into addresses. A master can move to a new
//! address, or a slave can join, without touching a single topic row.
//!
//! Java guards the five maps with one `ReentrantReadWriteLock`: route lookups
//! (many, from every client every 30 s) take the read lock, registrations
//! (rare) the write lock. We do the same with a `std::sync::RwLock` around one
//! struct holding all five, so no code path can lock one table and forget
//! another.
//!
//! Every change to a table emits one trace line, so the scenario shows the
//! tables filling up — and, since this chapter, emptying again.
//!
//! ## Liveness
//!
//! The name server never asks a broker whether it is alive. Brokers re-send
//! REGISTER_BROKER every 30 s, and each registration stamps
//! `BrokerLiveInfo.lastUpdateTimestamp`. Every 5 s `scanNotActiveBroker`
//! looks for a timestamp older than the broker's heartbeat timeout (120 s
//! unless the broker asked for another) and removes that broker from all five
//! tables, the same way an UNREGISTER_BROKER would. A clean shutdown sends
//! that UNREGISTER_BROKER itself and leaves at once.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use workbook_trace::step;

use crate::common::data_version::DataVersion;
use crate::common::mix_all::MASTER_ID;
use crate::common::route::{BrokerData, QueueData, TopicRouteData};
use crate::common::topic_config::TopicConfig;
use crate::common::virtual_clock::VirtualClock;
use crate::remoting::protocol::body::register_broker_body::RegisterBrokerBody;
use crate::remoting::protocol::header::{
    RegisterBrokerRequestHeader, UnRegisterBrokerRequestHeader,
};
use crate::remoting::transport::Channel;

/// `DEFAULT_BROKER_CHANNEL_EXPIRED_TIME`: a broker that has not registered for
/// this long is dropped, unless its registration header set
/// `heartbeatTimeoutMillis`. Four missed 30-second registrations.
pub const DEFAULT_BROKER_CHANNEL_EXPIRED_TIME: u64 = 1000 * 60 * 2;

/// The key of the live and filter-server tables: one broker *process*.
///
/// RocketMQ 5 keys these by cluster and address together (4.x used the
/// address alone), so two clusters may reuse an address without clobbering
/// each other's liveness.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct BrokerAddrInfo {
    pub cluster_name: String,
    pub broker_addr: String,
}

impl fmt::Display for BrokerAddrInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.cluster_name, self.broker_addr)
    }
}

// ANCHOR: broker_live_info
/// What the name server remembers about one registered broker process.
#[derive(Debug, Clone)]
pub struct BrokerLiveInfo {
    /// When its last registration arrived (virtual ms).
    pub last_update_timestamp: u64,
    /// How long it may stay silent before the scan drops it.
    pub heartbeat_timeout_millis: u64,
    /// The version of the topic configs it last sent: the next registration
    /// with the same version leaves `topicQueueTable` alone.
    pub data_version: DataVersion,
    /// The connection it registered on.
    pub channel: Channel,
    /// Where its slaves replicate from.
    pub ha_server_addr: String,
}
// ANCHOR_END: broker_live_info

/// What a registering broker learns back: only a slave gets anything, the
/// address of its master (and where to replicate from).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterBrokerResult {
    pub ha_server_addr: Option<String>,
    pub master_addr: Option<String>,
}

// ANCHOR: tables
/// The five tables. Ordered maps everywhere: what the name server answers,
/// and what the trace prints, comes out in the same order on every run.
#[derive(Default)]
struct RouteTables {
    topic_queue_table: BTreeMap<String, BTreeMap<String, QueueData>>,
    broker_addr_table: BTreeMap<String, BrokerData>,
    cluster_addr_table: BTreeMap<String, BTreeSet<String>>,
    broker_live_table: BTreeMap<BrokerAddrInfo, BrokerLiveInfo>,
    filter_server_table: BTreeMap<BrokerAddrInfo, Vec<String>>,
}

/// The tables behind one read-write lock.
pub struct RouteInfoManager {
    /// Who we are in the trace (`namesrv-1`, `namesrv-2`).
    actor: String,
    lock: RwLock<RouteTables>,
    /// Where "now" comes from (`System.currentTimeMillis()` in Java).
    clock: VirtualClock,
}
// ANCHOR_END: tables

impl RouteInfoManager {
    pub fn new(actor: &str, clock: VirtualClock) -> Self {
        RouteInfoManager {
            actor: actor.to_string(),
            lock: RwLock::new(RouteTables::default()),
            clock,
        }
    }

    // ANCHOR: register_broker
    /// `RouteInfoManager#registerBroker`: fold one registration into the
    /// tables. Runs under the write lock from start to end, so a concurrent
    /// route lookup sees the broker either not at all or completely.
    pub fn register_broker(
        &self,
        header: &RegisterBrokerRequestHeader,
        body: &RegisterBrokerBody,
        channel: Channel,
    ) -> RegisterBrokerResult {
        const JAVA: &str = "RouteInfoManager#registerBroker";
        let mut guard = self.write();
        let tables = &mut *guard;
        let cluster = &header.cluster_name;
        let name = &header.broker_name;
        let addr = &header.broker_addr;
        let wrapper = &body.topic_config_serialize_wrapper;

        // 1. The cluster gains this broker name (a set: re-adding is a no-op).
        let names = tables
            .cluster_addr_table
            .entry(cluster.clone())
            .or_default();
        if names.insert(name.clone()) {
            step!(self.actor, JAVA, "clusterAddrTable[{cluster}] = {}", set_to_string(names));
        }

        // 2. The broker name gains (or re-confirms) the address of this id.
        //    "First registration" means: this name, or this id of it, was
        //    unknown — then the topic configs are taken whatever their version.
        let mut register_first = false;
        let broker_data = tables
            .broker_addr_table
            .entry(name.clone())
            .or_insert_with(|| {
                register_first = true;
                BrokerData {
                    broker_addrs: BTreeMap::new(),
                    broker_name: name.clone(),
                    cluster: cluster.clone(),
                    enable_acting_master: false,
                }
            });
        let old_addr = broker_data
            .broker_addrs
            .insert(header.broker_id, addr.clone());
        register_first |= old_addr.is_none();
        if old_addr.as_ref() != Some(addr) {
            let facts =
                format!("brokerAddrTable[{name}] = {}", addrs_to_string(&broker_data.broker_addrs));
            step!(self.actor, JAVA, "{facts}");
        }

        // 3. Only a master's topics become queue data (a slave holds copies
        //    of the same queues), and only topics that may have changed.
        let addr_info = BrokerAddrInfo {
            cluster_name: cluster.clone(),
            broker_addr: addr.clone(),
        };
        if header.broker_id == MASTER_ID {
            let mut changed = Vec::new();
            for topic_config in wrapper.topic_config_table.values() {
                if (register_first
                    || tables.is_topic_config_changed(
                        &addr_info,
                        &wrapper.data_version,
                        name,
                        &topic_config.topic_name,
                    ))
                    && tables.create_and_update_queue_data(name, topic_config)
                {
                    changed.push(topic_config.topic_name.as_str());
                }
            }
            tables.trace_queue_data_changes(&self.actor, &changed);
        }

        // ANCHOR: refresh_live
        // 4. The process is live, with the version it just sent, as of now.
        //    (This comes after step 3 on purpose: step 3 compared against the
        //    old version.) Every registration replaces the entry, which is
        //    what refreshes `lastUpdateTimestamp` and keeps the broker alive.
        let now = self.clock.now_ms();
        let live = BrokerLiveInfo {
            last_update_timestamp: now,
            heartbeat_timeout_millis: header
                .heartbeat_timeout_millis
                .and_then(|ms| u64::try_from(ms).ok())
                .unwrap_or(DEFAULT_BROKER_CHANNEL_EXPIRED_TIME),
            data_version: wrapper.data_version.clone(),
            channel,
            ha_server_addr: header.ha_server_addr.clone(),
        };
        let counter = wrapper.data_version.counter;
        match tables.broker_live_table.insert(addr_info.clone(), live) {
            None => {
                let facts = format!(
                    "brokerLiveTable[{addr_info}] = new, dataVersion={counter} lastUpdateTimestamp={now}"
                );
                step!(self.actor, JAVA, "{facts}")
            }
            Some(prev) if prev.data_version == wrapper.data_version => {
                let facts = format!(
                    "brokerLiveTable[{addr_info}] lastUpdateTimestamp={now} (dataVersion={counter} unchanged: topics untouched)"
                );
                step!(self.actor, JAVA, "{facts}")
            }
            Some(_) => {
                let facts = format!(
                    "brokerLiveTable[{addr_info}] lastUpdateTimestamp={now} dataVersion={counter}"
                );
                step!(self.actor, JAVA, "{facts}")
            }
        }
        // ANCHOR_END: refresh_live

        // 5. Filter servers: an empty list means "none any more".
        if body.filter_server_list.is_empty() {
            if tables.filter_server_table.remove(&addr_info).is_some() {
                step!(self.actor, JAVA, "filterServerTable[{addr_info}] removed");
            }
        } else {
            let list = body.filter_server_list.clone();
            step!(self.actor, JAVA, "filterServerTable[{addr_info}] = {list:?}");
            tables.filter_server_table.insert(addr_info, list);
        }

        // 6. A slave is told where its master is, if the master is live.
        let mut result = RegisterBrokerResult::default();
        if header.broker_id != MASTER_ID {
            let master_addr = tables
                .broker_addr_table
                .get(name)
                .and_then(|bd| bd.broker_addrs.get(&MASTER_ID))
                .cloned();
            if let Some(master_addr) = master_addr {
                let master = BrokerAddrInfo {
                    cluster_name: cluster.clone(),
                    broker_addr: master_addr.clone(),
                };
                if let Some(live) = tables.broker_live_table.get(&master) {
                    result.ha_server_addr = Some(live.ha_server_addr.clone());
                    result.master_addr = Some(master_addr);
                }
            }
        }
        result
    }
    // ANCHOR_END: register_broker

    // ANCHOR: pickup_topic_route_data
    /// `RouteInfoManager#pickupTopicRouteData`: join `topicQueueTable` with
    /// `brokerAddrTable` for one topic. `None` when the topic is unknown, or
    /// when none of its broker names has an address any more.
    pub fn pickup_topic_route_data(&self, topic: &str) -> Option<TopicRouteData> {
        const JAVA: &str = "RouteInfoManager#pickupTopicRouteData";
        let tables = self.read();
        let Some(queue_data_map) = tables.topic_queue_table.get(topic) else {
            step!(self.actor, JAVA, "topicQueueTable has no {topic} -> null");
            return None;
        };

        let mut route = TopicRouteData {
            queue_datas: queue_data_map.values().cloned().collect(),
            ..TopicRouteData::default()
        };
        for broker_name in queue_data_map.keys() {
            let Some(broker_data) = tables.broker_addr_table.get(broker_name) else {
                continue;
            };
            route.broker_datas.push(broker_data.clone());
            // Filter servers travel with the route, keyed by broker address.
            for broker_addr in broker_data.broker_addrs.values() {
                let key = BrokerAddrInfo {
                    cluster_name: broker_data.cluster.clone(),
                    broker_addr: broker_addr.clone(),
                };
                if let Some(list) = tables.filter_server_table.get(&key) {
                    route
                        .filter_server_table
                        .insert(broker_addr.clone(), list.clone());
                }
            }
        }
        if route.broker_datas.is_empty() {
            step!(self.actor, JAVA, "{topic}: no broker of it has an address -> null");
            return None;
        }
        let names: Vec<&str> = route
            .broker_datas
            .iter()
            .map(|bd| bd.broker_name.as_str())
            .collect();
        let facts = format!(
            "{topic}: queueDatas from topicQueueTable, addresses of [{}] from brokerAddrTable",
            names.join(", ")
        );
        step!(self.actor, JAVA, "{facts}");
        Some(route)
    }
    // ANCHOR_END: pickup_topic_route_data

    // ANCHOR: scan_not_active_broker
    /// `RouteInfoManager#scanNotActiveBroker`, run every 5 s: drop every
    /// broker whose last registration is older than its heartbeat timeout.
    /// Returns how many it dropped.
    pub fn scan_not_active_broker(&self) -> usize {
        let now = self.clock.now_ms();
        // Collect under the read lock, remove afterwards: removal takes the
        // write lock, and a std RwLock cannot be upgraded.
        let expired: Vec<(BrokerAddrInfo, BrokerLiveInfo)> = self
            .read()
            .broker_live_table
            .iter()
            .filter(|(_, live)| live.last_update_timestamp + live.heartbeat_timeout_millis < now)
            .map(|(key, live)| (key.clone(), live.clone()))
            .collect();
        for (addr_info, live) in &expired {
            let facts = format!(
                "{addr_info} expired: lastUpdateTimestamp={} + {} < now={now}",
                live.last_update_timestamp, live.heartbeat_timeout_millis
            );
            step!(self.actor, "RouteInfoManager#scanNotActiveBroker", "{facts}");
            // Java closes the broker's connection here (RemotingHelper.
            // closeChannel); there is no socket to close in-process.
            self.on_channel_destroy(addr_info);
        }
        expired.len()
    }
    // ANCHOR_END: scan_not_active_broker

    // ANCHOR: on_channel_destroy
    /// `RouteInfoManager#onChannelDestroy`: a broker process is gone. Find
    /// which broker name and id lived at that address and unregister it, as
    /// if it had sent UNREGISTER_BROKER itself.
    pub fn on_channel_destroy(&self, addr_info: &BrokerAddrInfo) {
        // `setupUnRegisterRequest`, under the read lock.
        let request = self
            .read()
            .broker_addr_table
            .values()
            .find_map(|broker_data| {
                if broker_data.cluster != addr_info.cluster_name {
                    return None;
                }
                broker_data
                    .broker_addrs
                    .iter()
                    .find(|(_, addr)| **addr == addr_info.broker_addr)
                    .map(|(id, _)| UnRegisterBrokerRequestHeader {
                        broker_name: broker_data.broker_name.clone(),
                        broker_addr: addr_info.broker_addr.clone(),
                        cluster_name: addr_info.cluster_name.clone(),
                        broker_id: *id,
                    })
            });
        if let Some(request) = request {
            let facts = format!(
                "{addr_info} was {} id={}: unregister it",
                request.broker_name, request.broker_id
            );
            step!(self.actor, "RouteInfoManager#onChannelDestroy", "{facts}");
            // RocketMQ 5 queues this on BatchUnregistrationService, which
            // applies queued requests in batches on its own thread; we apply
            // it at once.
            self.un_register_broker(&[request]);
        }
    }
    // ANCHOR_END: on_channel_destroy

    // ANCHOR: un_register_broker
    /// `RouteInfoManager#unRegisterBroker`: remove broker processes from all
    /// five tables; a broker name with no address left takes its queue data
    /// with it.
    pub fn un_register_broker(&self, requests: &[UnRegisterBrokerRequestHeader]) {
        const JAVA: &str = "RouteInfoManager#unRegisterBroker";
        let mut guard = self.write();
        let tables = &mut *guard;
        let mut removed_brokers = BTreeSet::new();
        for request in requests {
            let addr_info = BrokerAddrInfo {
                cluster_name: request.cluster_name.clone(),
                broker_addr: request.broker_addr.clone(),
            };
            if tables.broker_live_table.remove(&addr_info).is_some() {
                step!(self.actor, JAVA, "brokerLiveTable[{addr_info}] removed");
            }
            if tables.filter_server_table.remove(&addr_info).is_some() {
                step!(self.actor, JAVA, "filterServerTable[{addr_info}] removed");
            }

            // The address leaves its broker name; the name leaves with its
            // last address.
            let name = &request.broker_name;
            let Some(broker_data) = tables.broker_addr_table.get_mut(name) else {
                continue;
            };
            broker_data
                .broker_addrs
                .retain(|_, addr| *addr != request.broker_addr);
            if !broker_data.broker_addrs.is_empty() {
                let addrs = addrs_to_string(&broker_data.broker_addrs);
                step!(self.actor, JAVA, "brokerAddrTable[{name}] = {addrs}");
                continue;
            }
            tables.broker_addr_table.remove(name);
            step!(self.actor, JAVA, "brokerAddrTable[{name}] removed (no address left)");

            // The cluster loses the name; an empty cluster goes too.
            let cluster = &request.cluster_name;
            if let Some(names) = tables.cluster_addr_table.get_mut(cluster) {
                names.remove(name);
                if names.is_empty() {
                    tables.cluster_addr_table.remove(cluster);
                    step!(self.actor, JAVA, "clusterAddrTable[{cluster}] removed (no broker left)");
                } else {
                    let facts = format!("clusterAddrTable[{cluster}] = {}", set_to_string(names));
                    step!(self.actor, JAVA, "{facts}");
                }
            }
            removed_brokers.insert(name.clone());
        }
        tables.clean_topic_by_un_register_requests(&self.actor, &removed_brokers);
    }
    // ANCHOR_END: un_register_broker

    /// `RouteInfoManager#printAllPeriodically`: the size of every table (Java
    /// logs this every 10 minutes, entries included).
    pub fn print_all_periodically(&self) {
        let t = self.read();
        let facts = format!(
            "topicQueueTable={} brokerAddrTable={} clusterAddrTable={} brokerLiveTable={} filterServerTable={}",
            t.topic_queue_table.len(),
            t.broker_addr_table.len(),
            t.cluster_addr_table.len(),
            t.broker_live_table.len(),
            t.filter_server_table.len()
        );
        step!(self.actor, "RouteInfoManager#printAllPeriodically", "{facts}");
    }

    fn read(&self) -> RwLockReadGuard<'_, RouteTables> {
        // Java's lock cannot be poisoned, and every write above leaves the
        // tables consistent between statements that could panic, so we
        // follow Java and keep serving after a panic elsewhere.
        self.lock.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, RouteTables> {
        // See `read`.
        self.lock.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl RouteTables {
    /// `RouteInfoManager#isTopicConfigChanged`: rebuild a topic's queue data
    /// if the broker's data version moved, or if the table has no row for
    /// this broker and topic (it may have been deleted meanwhile).
    fn is_topic_config_changed(
        &self,
        addr_info: &BrokerAddrInfo,
        data_version: &DataVersion,
        broker_name: &str,
        topic: &str,
    ) -> bool {
        let version_changed = self
            .broker_live_table
            .get(addr_info)
            .is_none_or(|live| &live.data_version != data_version);
        version_changed
            || !self
                .topic_queue_table
                .get(topic)
                .is_some_and(|map| map.contains_key(broker_name))
    }

    // ANCHOR: create_and_update_queue_data
    /// `RouteInfoManager#createAndUpdateQueueData`: one topic config becomes
    /// (or replaces) this broker's row for the topic. Returns whether the row
    /// changed.
    fn create_and_update_queue_data(
        &mut self,
        broker_name: &str,
        topic_config: &TopicConfig,
    ) -> bool {
        let queue_data = QueueData {
            broker_name: broker_name.to_string(),
            perm: topic_config.perm,
            read_queue_nums: topic_config.read_queue_nums,
            topic_sys_flag: topic_config.topic_sys_flag,
            write_queue_nums: topic_config.write_queue_nums,
        };
        let topic = &topic_config.topic_name;
        let map = self.topic_queue_table.entry(topic.clone()).or_default();
        let old = map.insert(broker_name.to_string(), queue_data.clone());
        old.as_ref() != Some(&queue_data)
    }
    // ANCHOR_END: create_and_update_queue_data

    /// One trace line for the rows one registration changed: the row itself
    /// when it is one topic, a count when a broker brings many (a broker
    /// always serves a dozen system topics besides its own).
    fn trace_queue_data_changes(&self, actor: &str, changed: &[&str]) {
        const JAVA: &str = "RouteInfoManager#createAndUpdateQueueData";
        match changed {
            [] => {}
            [topic] => {
                let rows = queue_map_to_string(&self.topic_queue_table[*topic]);
                step!(actor, JAVA, "topicQueueTable[{topic}] = {rows}");
            }
            many => {
                let n = many.len();
                step!(actor, JAVA, "topicQueueTable: {n} rows written");
            }
        }
    }

    // ANCHOR: clean_topic_by_un_register_requests
    /// `RouteInfoManager#cleanTopicByUnRegisterRequests`: a removed broker
    /// name leaves every topic; a topic with no broker left disappears, and
    /// route lookups for it answer TOPIC_NOT_EXIST from now on.
    fn clean_topic_by_un_register_requests(
        &mut self,
        actor: &str,
        removed_brokers: &BTreeSet<String>,
    ) {
        const JAVA: &str = "RouteInfoManager#cleanTopicByUnRegisterRequests";
        let mut removed = Vec::new();
        self.topic_queue_table.retain(|topic, map| {
            let before = map.len();
            map.retain(|broker_name, _| !removed_brokers.contains(broker_name));
            if map.is_empty() {
                removed.push(topic.clone());
                return false;
            }
            if map.len() != before {
                let rows = queue_map_to_string(map);
                step!(actor, JAVA, "topicQueueTable[{topic}] = {rows}");
            }
            true
        });
        match removed.as_slice() {
            [] => {}
            [topic] => step!(actor, JAVA, "topicQueueTable[{topic}] removed (no broker left)"),
            many => {
                let n = many.len();
                step!(actor, JAVA, "topicQueueTable: {n} topics removed (no broker left)");
            }
        }
    }
    // ANCHOR_END: clean_topic_by_un_register_requests
}

/// `{broker-a, broker-b}`
fn set_to_string(set: &BTreeSet<String>) -> String {
    let items: Vec<&str> = set.iter().map(String::as_str).collect();
    format!("{{{}}}", items.join(", "))
}

/// `{0=10.0.0.1:10911}` (id = address, as Java prints a map)
fn addrs_to_string(addrs: &BTreeMap<i64, String>) -> String {
    let items: Vec<String> = addrs
        .iter()
        .map(|(id, addr)| format!("{id}={addr}"))
        .collect();
    format!("{{{}}}", items.join(", "))
}

/// `{broker-a: r4/w4 RW-, broker-b: r4/w4 RW-}`
fn queue_map_to_string(map: &BTreeMap<String, QueueData>) -> String {
    let items: Vec<String> = map
        .iter()
        .map(|(name, qd)| format!("{name}: {qd}"))
        .collect();
    format!("{{{}}}", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::protocol::body::register_broker_body::TopicConfigSerializeWrapper;

    fn register(
        rim: &RouteInfoManager,
        name: &str,
        addr: &str,
        topics: &[&str],
        timeout: Option<i64>,
    ) {
        let header = RegisterBrokerRequestHeader {
            broker_name: name.into(),
            broker_addr: addr.into(),
            cluster_name: "C".into(),
            ha_server_addr: format!("{addr}-ha"),
            broker_id: MASTER_ID,
            heartbeat_timeout_millis: timeout,
            compressed: false,
            body_crc32: 0,
        };
        let mut wrapper = TopicConfigSerializeWrapper::default();
        for topic in topics {
            wrapper
                .topic_config_table
                .insert(topic.to_string(), TopicConfig::new(topic, 4));
        }
        let body = RegisterBrokerBody {
            filter_server_list: Vec::new(),
            topic_config_serialize_wrapper: wrapper,
        };
        rim.register_broker(&header, &body, Channel::new(addr));
    }

    #[test]
    fn a_broker_expires_only_once_strictly_past_its_timeout() {
        let clock = VirtualClock::new();
        let rim = RouteInfoManager::new("namesrv", clock.clone());
        register(&rim, "a", "a:1", &["T"], None);
        clock.advance_to(DEFAULT_BROKER_CHANNEL_EXPIRED_TIME);
        assert_eq!(rim.scan_not_active_broker(), 0, "exactly 120 s is not yet too long");
        clock.advance_to(DEFAULT_BROKER_CHANNEL_EXPIRED_TIME + 1);
        assert_eq!(rim.scan_not_active_broker(), 1);
        assert!(rim.pickup_topic_route_data("T").is_none());
    }

    #[test]
    fn re_registering_keeps_a_broker_alive_and_a_header_timeout_wins() {
        let clock = VirtualClock::new();
        let rim = RouteInfoManager::new("namesrv", clock.clone());
        register(&rim, "a", "a:1", &["T"], None);
        register(&rim, "b", "b:1", &["T"], Some(10_000));
        clock.advance_to(100_000);
        register(&rim, "a", "a:1", &["T"], None);
        // b asked for 10 s and has been silent for 100 s; a just registered.
        assert_eq!(rim.scan_not_active_broker(), 1);
        let route = rim.pickup_topic_route_data("T").unwrap();
        assert_eq!(route.broker_datas.len(), 1);
        assert_eq!(route.broker_datas[0].broker_name, "a");
        clock.advance_to(200_000);
        assert_eq!(rim.scan_not_active_broker(), 0, "a registered at 100 s");
    }

    #[test]
    fn unregistering_one_broker_shrinks_shared_topics_and_drops_its_own() {
        let rim = RouteInfoManager::new("namesrv", VirtualClock::new());
        register(&rim, "a", "a:1", &["Shared", "OnlyA"], None);
        register(&rim, "b", "b:1", &["Shared"], None);
        rim.un_register_broker(&[UnRegisterBrokerRequestHeader {
            broker_name: "a".into(),
            broker_addr: "a:1".into(),
            cluster_name: "C".into(),
            broker_id: MASTER_ID,
        }]);
        assert!(rim.pickup_topic_route_data("OnlyA").is_none());
        let shared = rim.pickup_topic_route_data("Shared").unwrap();
        assert_eq!(shared.queue_datas.len(), 1);
        assert_eq!(shared.queue_datas[0].broker_name, "b");
    }
}
