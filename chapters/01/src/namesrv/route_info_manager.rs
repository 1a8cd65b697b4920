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
//! tables filling up.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use workbook_trace::step;

use crate::common::data_version::DataVersion;
use crate::common::mix_all::MASTER_ID;
use crate::common::route::{BrokerData, QueueData, TopicRouteData};
use crate::common::topic_config::TopicConfig;
use crate::remoting::protocol::body::register_broker_body::RegisterBrokerBody;
use crate::remoting::protocol::header::RegisterBrokerRequestHeader;
use crate::remoting::transport::Channel;

const ACTOR: &str = "namesrv";

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

/// What the name server remembers about one registered broker process.
#[derive(Debug, Clone)]
pub struct BrokerLiveInfo {
    /// The version of the topic configs it last sent: the next registration
    /// with the same version leaves `topicQueueTable` alone.
    pub data_version: DataVersion,
    /// The connection it registered on.
    pub channel: Channel,
    /// Where its slaves replicate from.
    pub ha_server_addr: String,
}

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
#[derive(Default)]
pub struct RouteInfoManager {
    lock: RwLock<RouteTables>,
}
// ANCHOR_END: tables

impl RouteInfoManager {
    pub fn new() -> Self {
        Self::default()
    }

    // ANCHOR: register_broker
    // ANCHOR: register_broker_names
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
            step!(ACTOR, JAVA, "clusterAddrTable[{cluster}] = {}", set_to_string(names));
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
            let addrs = addrs_to_string(&broker_data.broker_addrs);
            step!(ACTOR, JAVA, "brokerAddrTable[{name}] = {addrs}");
        }

        // ANCHOR_END: register_broker_names
        // ANCHOR: register_broker_topics
        // 3. Only a master's topics become queue data (a slave holds copies
        //    of the same queues), and only topics that may have changed.
        let addr_info = BrokerAddrInfo {
            cluster_name: cluster.clone(),
            broker_addr: addr.clone(),
        };
        if header.broker_id == MASTER_ID {
            for topic_config in wrapper.topic_config_table.values() {
                if register_first
                    || tables.is_topic_config_changed(
                        &addr_info,
                        &wrapper.data_version,
                        name,
                        &topic_config.topic_name,
                    )
                {
                    tables.create_and_update_queue_data(name, topic_config);
                }
            }
        }

        // ANCHOR_END: register_broker_topics
        // ANCHOR: register_broker_live
        // 4. The process is live, with the version it just sent. (This comes
        //    after step 3 on purpose: step 3 compared against the old version.)
        let live = BrokerLiveInfo {
            data_version: wrapper.data_version.clone(),
            channel,
            ha_server_addr: header.ha_server_addr.clone(),
        };
        if tables
            .broker_live_table
            .insert(addr_info.clone(), live)
            .is_none()
        {
            let counter = wrapper.data_version.counter;
            step!(ACTOR, JAVA, "brokerLiveTable[{addr_info}] = new, dataVersion={counter}");
        }

        // 5. Filter servers: an empty list means "none any more".
        if body.filter_server_list.is_empty() {
            if tables.filter_server_table.remove(&addr_info).is_some() {
                step!(ACTOR, JAVA, "filterServerTable[{addr_info}] removed");
            }
        } else {
            let list = body.filter_server_list.clone();
            step!(ACTOR, JAVA, "filterServerTable[{addr_info}] = {list:?}");
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
    // ANCHOR_END: register_broker_live
    // ANCHOR_END: register_broker

    // ANCHOR: pickup_topic_route_data
    /// `RouteInfoManager#pickupTopicRouteData`: join `topicQueueTable` with
    /// `brokerAddrTable` for one topic. `None` when the topic is unknown, or
    /// when none of its broker names has an address any more.
    pub fn pickup_topic_route_data(&self, topic: &str) -> Option<TopicRouteData> {
        const JAVA: &str = "RouteInfoManager#pickupTopicRouteData";
        let tables = self.read();
        let Some(queue_data_map) = tables.topic_queue_table.get(topic) else {
            step!(ACTOR, JAVA, "topicQueueTable has no {topic} -> null");
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
            step!(ACTOR, JAVA, "{topic}: no broker of it has an address -> null");
            return None;
        }
        let names: Vec<&str> = route
            .broker_datas
            .iter()
            .map(|bd| bd.broker_name.as_str())
            .collect();
        let names = names.join(", ");
        step!(ACTOR, JAVA, "{topic}: queueDatas from topicQueueTable,");
        step!(ACTOR, JAVA, "addresses of [{names}] from brokerAddrTable");
        Some(route)
    }
    // ANCHOR_END: pickup_topic_route_data

    /// `RouteInfoManager#printAllPeriodically`: the size of every table (Java
    /// logs this every 10 minutes, entries included).
    pub fn print_all_periodically(&self) {
        let t = self.read();
        const JAVA: &str = "RouteInfoManager#printAllPeriodically";
        let (topics, brokers) = (t.topic_queue_table.len(), t.broker_addr_table.len());
        let (clusters, live) = (t.cluster_addr_table.len(), t.broker_live_table.len());
        let filters = t.filter_server_table.len();
        step!(ACTOR, JAVA, "topicQueueTable={topics} brokerAddrTable={brokers}");
        step!(ACTOR, JAVA, "clusterAddrTable={clusters} brokerLiveTable={live}");
        step!(ACTOR, JAVA, "filterServerTable={filters}");
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
    /// (or replaces) this broker's row for the topic.
    fn create_and_update_queue_data(&mut self, broker_name: &str, topic_config: &TopicConfig) {
        const JAVA: &str = "RouteInfoManager#createAndUpdateQueueData";
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
        if old.as_ref() != Some(&queue_data) {
            let queues = queue_map_to_string(map);
            step!(ACTOR, JAVA, "topicQueueTable[{topic}] = {queues}");
        }
    }
    // ANCHOR_END: create_and_update_queue_data
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
