//! `MQClientInstance` — everything the clients of one client id share.
//! Mirrors `org.apache.rocketmq.client.impl.factory.MQClientInstance`.
//!
//! Every producer and consumer in a JVM gets its instance from
//! `MQClientManager` by client id (`clientIP@instanceName`). The instance
//! owns what is per process rather than per producer: the connection to the
//! name server and the brokers (`MQClientAPIImpl`), the routes it has fetched
//! (`topicRouteTable`), the broker addresses they name (`brokerAddrTable`),
//! and the timer that fetches every route again every 30 s.
//!
//! ```text
//!  DefaultMQProducer ─► DefaultMQProducerImpl ──► MQClientInstance ──► MQClientAPIImpl ──► name server,
//!  (ProducerGroupA)      topicPublishInfoTable ◄─┘ topicRouteTable                           brokers
//!                        (filled by the instance)  brokerAddrTable
//! ```
//!
//! Each producer keeps its own `topicPublishInfoTable` (topic → the queues
//! it may write to); the instance fills it when a route arrives. The instance
//! holds the producers' tables, not the producers, so the arrows point one
//! way: a producer knows its instance, the instance knows only the tables.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use workbook_trace::step;

use crate::client::client_config::ClientConfig;
use crate::client::mq_client_api_impl::MQClientAPIImpl;
use crate::client::topic_publish_info::{TopicPublishInfo, topic_route_data_to_topic_publish_info};
use crate::common::mix_all::MASTER_ID;
use crate::common::route::TopicRouteData;
use crate::common::virtual_clock::{TaskId, VirtualClock};
use crate::remoting::transport::InProcessNetwork;

/// A producer's `topicPublishInfoTable`, shared between the producer, which
/// reads it on every send, and its instance, which writes it when a route
/// arrives (Java reaches it through the `MQProducerInner` interface).
pub type TopicPublishInfoTable = Arc<Mutex<BTreeMap<String, Arc<TopicPublishInfo>>>>;

/// Lock a table. Every table here is a map that is only ever replaced entry
/// by entry; a panic elsewhere cannot leave one half-written, so a poisoned
/// lock is still a usable one.
pub fn lock<T>(table: &Mutex<T>) -> MutexGuard<'_, T> {
    table.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The instance's own tables, under one lock.
#[derive(Default)]
struct Tables {
    /// producer group → that producer's `topicPublishInfoTable`.
    producer_table: BTreeMap<String, TopicPublishInfoTable>,
    /// topic → the last route a name server gave for it.
    topic_route_table: BTreeMap<String, TopicRouteData>,
    /// broker name → broker id → address, from every route fetched.
    broker_addr_table: BTreeMap<String, BTreeMap<i64, String>>,
}

pub struct MQClientInstance {
    client_config: ClientConfig,
    client_id: String,
    /// Who the instance is in the trace: its instance name.
    actor: String,
    mq_client_api_impl: MQClientAPIImpl,
    clock: VirtualClock,
    tables: Mutex<Tables>,
    /// The route poll, once started; cancelled by `shutdown`.
    poll_task: Mutex<Option<TaskId>>,
}

impl MQClientInstance {
    /// `new MQClientInstance(clientConfig, instanceIndex, clientId)`.
    pub fn new(
        client_config: ClientConfig,
        client_id: String,
        network: &InProcessNetwork,
        clock: &VirtualClock,
    ) -> Self {
        let actor = client_config.instance_name.clone();
        // What the brokers and name servers see as this client's address.
        let local_addr = format!("{}:50000", client_config.client_ip);
        let remoting_client = Box::new(network.client(&local_addr));
        MQClientInstance {
            mq_client_api_impl: MQClientAPIImpl::new(&actor, remoting_client),
            client_config,
            client_id,
            actor,
            clock: clock.clone(),
            tables: Mutex::new(Tables::default()),
            poll_task: Mutex::new(None),
        }
    }

    // ANCHOR: start
    /// `MQClientInstance#start`: start the scheduled tasks, once, whoever
    /// of the instance's clients starts first. Of Java's five tasks this
    /// chapter needs one: fetch every route again every
    /// `pollNameServerInterval`, first after 10 ms.
    pub fn start(self: &Arc<Self>) {
        let mut poll_task = lock(&self.poll_task);
        if poll_task.is_some() {
            return;
        }
        let period = self.client_config.poll_name_server_interval;
        // A weak handle: the clock must not keep a shut-down instance alive.
        let instance = Arc::downgrade(self);
        *poll_task = Some(self.clock.schedule_at_fixed_rate(10, period, move || {
            if let Some(instance) = instance.upgrade() {
                instance.update_topic_route_info_from_name_server();
            }
        }));
        const JAVA: &str = "MQClientInstance#start";
        let (me, id) = (&self.actor, &self.client_id);
        step!(me, JAVA, "clientId={id}: updateTopicRouteInfoFromNameServer every {period}ms");
    }
    // ANCHOR_END: start

    /// `MQClientInstance#shutdown`: stop the route poll.
    pub fn shutdown(&self) {
        if let Some(task) = lock(&self.poll_task).take() {
            self.clock.cancel(task);
        }
    }

    /// `MQClientInstance#registerProducer`: false when this instance already
    /// has a producer of that group (a group's producers are
    /// interchangeable to a broker, so one process needs only one).
    pub fn register_producer(&self, group: &str, table: TopicPublishInfoTable) -> bool {
        const JAVA: &str = "MQClientInstance#registerProducer";
        let mut tables = lock(&self.tables);
        if tables.producer_table.contains_key(group) {
            step!(self.actor, JAVA, "producerTable[{group}] exists -> false");
            return false;
        }
        tables.producer_table.insert(group.to_string(), table);
        step!(self.actor, JAVA, "producerTable[{group}] added");
        true
    }

    /// `MQClientInstance#unregisterProducer`; true when no producer is left.
    pub fn unregister_producer(&self, group: &str) -> bool {
        let mut tables = lock(&self.tables);
        tables.producer_table.remove(group);
        tables.producer_table.is_empty()
    }

    /// The periodic refresh (`updateTopicRouteInfoFromNameServer()`): the
    /// route of every topic a producer of this instance has published to.
    pub fn update_topic_route_info_from_name_server(&self) {
        let topics: Vec<String> = {
            let tables = lock(&self.tables);
            let producers = tables.producer_table.values();
            let mut topics: Vec<String> = producers
                .flat_map(|t| lock(t).keys().cloned().collect::<Vec<_>>())
                .collect();
            topics.sort();
            topics.dedup();
            topics
        };
        for topic in topics {
            self.update_topic_route_info_from_name_server_for(&topic, None);
        }
    }

    // ANCHOR: update_topic_route_info_from_name_server
    /// `MQClientInstance#updateTopicRouteInfoFromNameServer(topic, isDefault,
    /// producer)`: fetch one route and, when it differs from the one held or
    /// a producer still lacks the topic, store it and give every producer a
    /// new `TopicPublishInfo`. `default` = (`createTopicKey`,
    /// `defaultTopicQueueNums`) fetches the template topic's route instead,
    /// for a topic nobody created yet. Returns whether anything changed.
    pub fn update_topic_route_info_from_name_server_for(
        &self,
        topic: &str,
        default: Option<(&str, i32)>,
    ) -> bool {
        const JAVA: &str = "MQClientInstance#updateTopicRouteInfoFromNameServer";
        let Some(namesrv) = self.client_config.first_namesrv_addr() else {
            return false;
        };
        let api = &self.mq_client_api_impl;
        let route = match default {
            Some((key, queue_nums)) => {
                api.get_topic_route_info_from_name_server(namesrv, key)
                    .map(|mut route| {
                        // A new topic gets at most defaultTopicQueueNums queues per broker.
                        for qd in &mut route.queue_datas {
                            qd.write_queue_nums = qd.write_queue_nums.min(queue_nums);
                            qd.read_queue_nums = qd.write_queue_nums;
                        }
                        route
                    })
            }
            None => api.get_topic_route_info_from_name_server(namesrv, topic),
        };
        // Java logs the failure and keeps the route it has.
        let Ok(route) = route else { return false };

        let mut tables = lock(&self.tables);
        let old = tables.topic_route_table.get(topic);
        let changed = old != Some(&route);
        let producers_need_it = tables
            .producer_table
            .values()
            .any(|t| !lock(t).get(topic).is_some_and(|i| i.ok()));
        if !changed && !producers_need_it {
            step!(self.actor, JAVA, "{topic}: route unchanged");
            return false;
        }
        let why = match old {
            None => "first route",
            Some(_) if changed => "route changed",
            Some(_) => "route unchanged, but a producer lacks it",
        };
        step!(self.actor, JAVA, "{topic}: {why}");
        for bd in &route.broker_datas {
            let (name, addrs) = (&bd.broker_name, &bd.broker_addrs);
            let shown: Vec<String> = addrs
                .iter()
                .map(|(id, addr)| format!("{id}={addr}"))
                .collect();
            step!(self.actor, JAVA, "brokerAddrTable[{name}] = {{{}}}", shown.join(", "));
            tables.broker_addr_table.insert(name.clone(), addrs.clone());
        }
        let info = Arc::new(topic_route_data_to_topic_publish_info(topic, &route));
        let queues: Vec<String> = info
            .message_queue_list
            .iter()
            .map(|mq| mq.to_string())
            .collect();
        let list = queues.join(", ");
        let to_publish_info = "MQClientInstance#topicRouteData2TopicPublishInfo";
        step!(self.actor, to_publish_info, "{topic}: messageQueueList=[{list}]");
        for table in tables.producer_table.values() {
            lock(table).insert(topic.to_string(), info.clone());
        }
        tables.topic_route_table.insert(topic.to_string(), route);
        true
    }
    // ANCHOR_END: update_topic_route_info_from_name_server

    /// `MQClientInstance#findBrokerAddressInPublish`: the master's address.
    pub fn find_broker_address_in_publish(&self, broker_name: &str) -> Option<String> {
        let tables = lock(&self.tables);
        tables
            .broker_addr_table
            .get(broker_name)?
            .get(&MASTER_ID)
            .cloned()
    }

    pub fn mq_client_api_impl(&self) -> &MQClientAPIImpl {
        &self.mq_client_api_impl
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Who this instance is in the trace.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// The clock the instance's clients read the time from.
    pub fn clock(&self) -> &VirtualClock {
        &self.clock
    }
}
