//! The per-client hub — Java `MQClientInstance`.
//!
//! Producers and consumers are thin: they hold their own settings and the
//! logic of sending or consuming. Everything they *share* lives here, once per
//! client id (see `ClientConfig` for how the id is built):
//!
//! * the one [`RemotingClient`] — hence one TCP connection per broker,
//!   multiplexed by opaque, shared by every producer and consumer of the id;
//! * the route cache: `topic → TopicRouteData`, the derived
//!   `TopicPublishInfo`s for producers, `brokerName → {id → addr}`;
//! * the timers, each a tokio task:
//!
//! | task | period (ClientConfig) | Java |
//! |---|---|---|
//! | route refresh from a name server | `poll_name_server_interval` 30 s | `updateTopicRouteInfoFromNameServer` |
//! | heartbeat to every broker | `heartbeat_broker_interval` 30 s | `sendHeartbeatToAllBrokerWithLock` |
//! | consumer offsets to their store | `persist_consumer_offset_interval` 5 s | `persistAllConsumerOffset` |
//! | rebalance of every consumer | `rebalance_interval` 20 s, **and at once** on NOTIFY_CONSUMER_IDS_CHANGED | `RebalanceService` |
//!
//! The rebalance task waits on a `tokio::sync::Notify` *or* its period,
//! whichever comes first; the broker's notification (a oneway request handled
//! by [`ClientRemotingProcessor`](crate::client::client_remoting_processor))
//! only has to call `notify_one`. That is Java's `RebalanceService.wakeup()`.
//!
//! ## Locks
//!
//! The tables are `parking_lot::RwLock`s: the send path reads them on every
//! message and they change only on a route refresh. No lock is held across an
//! `.await`; network calls happen with copies of what they need. Route
//! refreshes are serialized by one async mutex (Java's `lockNamesrv`) so two
//! refreshes of the same topic cannot interleave their table updates.
//!
//! ## Lifetime
//!
//! [`MQClientManager::get_or_create`](crate::client::mq_client_manager::MQClientManager::get_or_create)
//! hands out the instance for a client id;
//! producers and consumers register their group on start and unregister on
//! shutdown. The instance keeps strong references to its consumers (the
//! timers call them), and a consumer holds the instance, so the cycle is
//! broken explicitly by `unregister_consumer` — which is why `shutdown` is
//! not optional.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use parking_lot::{Mutex, RwLock};
use tokio::task::JoinHandle;

use crate::client::client_config::ClientConfig;
use crate::client::client_remoting_processor::ClientRemotingProcessor;
use crate::client::consumer::mq_consumer_inner::{ConsumerTable, MQConsumerInner};
use crate::client::consumer::rebalance_service::RebalanceService;
use crate::client::exception::{MQClientError, MQResult};
use crate::client::mq_client_api::MQClientAPIImpl;
use crate::client::topic_publish_info::{TopicPublishInfo, topic_route_data_to_subscribe_info};
use crate::common::mix_all;
use crate::common::route::TopicRouteData;
use crate::remoting::protocol::body::heartbeat_data::{ConsumerData, HeartbeatData, ProducerData};

/// Where to reach one broker group member (Java `FindBrokerResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindBrokerResult {
    pub broker_addr: Arc<str>,
    pub slave: bool,
}

/// Java `MQClientInstance`.
pub struct MQClientInstance {
    client_id: String,
    config: ClientConfig,
    api: MQClientAPIImpl,
    /// topic → the last route a name server gave.
    topic_route_table: RwLock<HashMap<String, TopicRouteData>>,
    /// brokerName → brokerId → address, the union over all known routes.
    /// `Arc<str>` so the send path can take an address without allocating.
    broker_addr_table: RwLock<HashMap<String, BTreeMap<i64, Arc<str>>>>,
    /// topic → what producers send with. Shared by all producers of the
    /// instance (Java keeps a copy per producer; one copy is enough when all
    /// of them see the same routes).
    publish_info_table: RwLock<HashMap<String, Arc<TopicPublishInfo>>>,
    producer_table: Mutex<BTreeSet<String>>,
    /// Shared (weakly) with the request processor, which looks consumers up.
    consumer_table: Arc<ConsumerTable>,
    /// Serializes route refreshes (Java `lockNamesrv`).
    namesrv_lock: tokio::sync::Mutex<()>,
    /// Serializes heartbeats (Java `lockHeartbeat`).
    heartbeat_lock: tokio::sync::Mutex<()>,
    /// Shared with the rebalance task, which must not keep the instance
    /// itself alive while it sleeps, and with the request processor, which
    /// wakes it.
    rebalance_service: Arc<RebalanceService>,
    started: AtomicBool,
    /// Set by `shutdown`; `MQClientManager` then hands out a new instance
    /// for this client id instead of this one.
    shut_down: AtomicBool,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl std::fmt::Debug for MQClientInstance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MQClientInstance")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl MQClientInstance {
    pub(crate) fn new(config: ClientConfig, client_id: String) -> Arc<Self> {
        let api = MQClientAPIImpl::new(&config);
        Arc::new(MQClientInstance {
            client_id,
            config,
            api,
            topic_route_table: RwLock::new(HashMap::new()),
            broker_addr_table: RwLock::new(HashMap::new()),
            publish_info_table: RwLock::new(HashMap::new()),
            producer_table: Mutex::new(BTreeSet::new()),
            consumer_table: Arc::new(RwLock::new(BTreeMap::new())),
            namesrv_lock: tokio::sync::Mutex::new(()),
            heartbeat_lock: tokio::sync::Mutex::new(()),
            rebalance_service: Arc::new(RebalanceService::new()),
            started: AtomicBool::new(false),
            shut_down: AtomicBool::new(false),
            tasks: Mutex::new(Vec::new()),
        })
    }

    /// Whether [`shutdown`](Self::shutdown) ran: the instance is closed for good.
    pub fn is_shut_down(&self) -> bool {
        self.shut_down.load(Ordering::Acquire)
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The typed RPC layer (for producers, consumers and tools).
    pub fn api(&self) -> &MQClientAPIImpl {
        &self.api
    }

    /// Starts the timers and the broker→client request handler. Idempotent:
    /// the second producer or consumer of an instance finds it running.
    pub fn start(self: &Arc<Self>) {
        if self.started.swap(true, Ordering::AcqRel) {
            return;
        }
        let processor = Arc::new(ClientRemotingProcessor::new(
            Arc::downgrade(&self.consumer_table),
            Arc::clone(&self.rebalance_service),
        ));
        for code in ClientRemotingProcessor::HANDLED_CODES {
            self.api
                .remoting_client()
                .register_processor(code, processor.clone());
        }
        let weak = Arc::downgrade(self);
        let mut tasks = self.tasks.lock();
        // Java polls the name servers 10 ms after start, then every period.
        // Here producers and consumers fetch the routes they need when they
        // first need them, so the timer's first round can wait one period —
        // and a route stays exactly as first fetched until then, which is
        // what a test of stale-route behaviour needs.
        tasks.push(spawn_periodic(
            weak.clone(),
            self.config.poll_name_server_interval,
            self.config.poll_name_server_interval,
            |me| Box::pin(async move { me.update_topic_route_info_from_name_server().await }),
        ));
        tasks.push(spawn_periodic(
            weak.clone(),
            Duration::from_secs(1),
            self.config.heartbeat_broker_interval,
            |me| Box::pin(async move { me.send_heartbeat_to_all_broker_with_lock().await }),
        ));
        tasks.push(spawn_periodic(
            weak.clone(),
            self.config
                .persist_consumer_offset_interval
                .max(Duration::from_millis(10)),
            self.config.persist_consumer_offset_interval,
            |me| Box::pin(async move { me.persist_all_consumer_offset().await }),
        ));
        tasks.push(spawn_rebalance_service(
            weak,
            Arc::clone(&self.rebalance_service),
        ));
        tracing::info!(client_id = %self.client_id, "MQClientInstance started");
    }

    /// Stops the timers, tells every broker this client is gone, closes the
    /// connections, and marks the instance shut down (Java also removes it
    /// from `MQClientManager` here; this table drops shut-down instances
    /// itself, so the instance need not know the table). Producers and consumers call it
    /// when the last of them unregisters.
    pub async fn shutdown(&self) {
        let was_started = self.started.swap(false, Ordering::AcqRel);
        for task in self.tasks.lock().drain(..) {
            task.abort();
        }
        // Tools use an instance without starting it; its connections still
        // need closing.
        self.api.remoting_client().shutdown().await;
        self.shut_down.store(true, Ordering::Release);
        if was_started {
            tracing::info!(client_id = %self.client_id, "MQClientInstance shut down");
        }
    }

    // ----- registration ---------------------------------------------------

    /// Adds a producer group. Fails when the group is already registered in
    /// this instance (Java: "The producer group has been created before").
    pub fn register_producer(&self, group: &str) -> MQResult<()> {
        if !self.producer_table.lock().insert(group.to_string()) {
            return Err(MQClientError::client(format!(
                "the producer group [{group}] has been created before, specify another instance_name"
            )));
        }
        Ok(())
    }

    /// Removes a producer group and tells the brokers.
    pub async fn unregister_producer(&self, group: &str) {
        self.producer_table.lock().remove(group);
        self.unregister_client_at_brokers(Some(group), None).await;
        self.shutdown_if_unused().await;
    }

    /// Adds a consumer group (one consumer object per group per instance).
    pub fn register_consumer(&self, consumer: Arc<dyn MQConsumerInner>) -> MQResult<()> {
        let group = consumer.group_name().to_string();
        let mut table = self.consumer_table.write();
        if table.contains_key(&group) {
            return Err(MQClientError::client(format!(
                "the consumer group [{group}] has been created before, specify another instance_name"
            )));
        }
        table.insert(group, consumer);
        Ok(())
    }

    /// Removes a consumer group and tells the brokers, which then notify the
    /// remaining members to rebalance.
    pub async fn unregister_consumer(&self, group: &str) {
        self.consumer_table.write().remove(group);
        self.unregister_client_at_brokers(None, Some(group)).await;
        self.shutdown_if_unused().await;
    }

    async fn shutdown_if_unused(&self) {
        let unused = self.producer_table.lock().is_empty() && self.consumer_table.read().is_empty();
        if unused {
            self.shutdown().await;
        }
    }

    async fn unregister_client_at_brokers(&self, producer: Option<&str>, consumer: Option<&str>) {
        for addr in self.all_broker_addrs() {
            let result = self
                .api
                .unregister_client(
                    &addr,
                    &self.client_id,
                    producer,
                    consumer,
                    self.config.mq_client_api_timeout,
                )
                .await;
            if let Err(e) = result {
                tracing::warn!(broker = %addr, error = %e, "unregister client failed");
            }
        }
    }

    // ----- routes ----------------------------------------------------------

    /// The periodic refresh: every topic a producer sent to or a consumer
    /// subscribes.
    pub async fn update_topic_route_info_from_name_server(&self) {
        let mut topics: BTreeSet<String> = self.publish_info_table.read().keys().cloned().collect();
        for consumer in self.consumers() {
            topics.extend(consumer.subscriptions().into_iter().map(|s| s.topic));
        }
        for topic in topics {
            self.update_topic_route_info_from_name_server_for(&topic, None)
                .await;
        }
    }

    /// Java `updateTopicRouteInfoFromNameServer(topic, isDefault, producer)`:
    /// fetches one route and, when it changed, updates every table derived
    /// from it. With `default_topic_queue_nums = Some(n)` the route of
    /// `TBW102` is fetched instead and stored for `topic`, its write queue
    /// count capped at `n` — the first send to a topic nobody created yet
    /// (the broker creates it on arrival, Java `TopicConfigManager#createTopicInSendMessageMethod`, `broker/src/main/java/org/apache/rocketmq/broker/topic/TopicConfigManager.java`). Returns whether a route
    /// is now known.
    pub async fn update_topic_route_info_from_name_server_for(
        &self,
        topic: &str,
        default_topic_queue_nums: Option<i32>,
    ) -> bool {
        let _guard = self.namesrv_lock.lock().await;
        let timeout = self.config.mq_client_api_timeout;
        let fetched = match default_topic_queue_nums {
            Some(nums) => self
                .api
                .get_topic_route_info_from_name_server(mix_all_tbw102(), timeout)
                .await
                .map(|mut route| {
                    for qd in &mut route.queue_datas {
                        qd.read_queue_nums = qd.read_queue_nums.min(nums);
                        qd.write_queue_nums = qd.write_queue_nums.min(nums);
                    }
                    route
                }),
            None => {
                self.api
                    .get_topic_route_info_from_name_server(topic, timeout)
                    .await
            }
        };
        let route = match fetched {
            Ok(route) => route,
            Err(e) => {
                // TOPIC_NOT_EXIST is ordinary for a brand-new topic and for
                // retry topics nobody has failed into yet; only log it quietly.
                if e.is_topic_not_exist() {
                    tracing::debug!(topic, "no route for topic in name server");
                } else {
                    tracing::warn!(topic, error = %e, "route refresh failed");
                }
                return self.topic_route_table.read().contains_key(topic);
            }
        };
        let changed = {
            let old = self.topic_route_table.read();
            old.get(topic) != Some(&route)
        };
        let need_update = changed || self.is_need_update_topic_route_info(topic);
        if need_update {
            tracing::info!(
                topic,
                brokers = route.broker_datas.len(),
                "topic route updated"
            );
            self.topic_route_table
                .write()
                .insert(topic.to_string(), route.clone());
            self.rebuild_broker_addr_table();
            if !self.producer_table.lock().is_empty()
                || self.publish_info_table.read().contains_key(topic)
            {
                let info = Arc::new(TopicPublishInfo::from_route(topic, &route));
                self.publish_info_table
                    .write()
                    .insert(topic.to_string(), info);
            }
            let subscribe_info = topic_route_data_to_subscribe_info(topic, &route);
            for consumer in self.consumers() {
                consumer.update_topic_subscribe_info(topic, &subscribe_info);
            }
        }
        true
    }

    fn is_need_update_topic_route_info(&self, topic: &str) -> bool {
        let publish_missing = self
            .publish_info_table
            .read()
            .get(topic)
            .is_some_and(|info| !info.ok());
        publish_missing
            || self
                .consumers()
                .iter()
                .any(|c| c.is_subscribe_topic_need_update(topic))
    }

    /// The broker table is the union of the brokers of every known route;
    /// rebuilding it from scratch also drops brokers no route mentions any
    /// more (Java `cleanOfflineBroker`).
    fn rebuild_broker_addr_table(&self) {
        let routes = self.topic_route_table.read();
        let mut table: HashMap<String, BTreeMap<i64, Arc<str>>> = HashMap::new();
        for bd in routes.values().flat_map(|r| r.broker_datas.iter()) {
            let entry = table.entry(bd.broker_name.clone()).or_default();
            for (id, addr) in &bd.broker_addrs {
                entry.insert(*id, Arc::from(addr.as_str()));
            }
        }
        *self.broker_addr_table.write() = table;
    }

    /// The cached publish info for `topic`, if any (no network).
    pub fn topic_publish_info(&self, topic: &str) -> Option<Arc<TopicPublishInfo>> {
        self.publish_info_table.read().get(topic).cloned()
    }

    /// Java `DefaultMQProducerImpl#tryToFindTopicPublishInfo`: cached info if
    /// usable; else ask the name server for the topic; else fall back to
    /// `TBW102`'s route so the first message can create the topic.
    pub async fn try_to_find_topic_publish_info(
        &self,
        topic: &str,
        default_topic_queue_nums: i32,
    ) -> Option<Arc<TopicPublishInfo>> {
        if let Some(info) = self.topic_publish_info(topic).filter(|i| i.ok()) {
            return Some(info);
        }
        // Mark the topic as wanted, so the refresh stores its publish info.
        self.publish_info_table
            .write()
            .entry(topic.to_string())
            .or_insert_with(|| {
                Arc::new(TopicPublishInfo::from_route(
                    topic,
                    &TopicRouteData::default(),
                ))
            });
        self.update_topic_route_info_from_name_server_for(topic, None)
            .await;
        if let Some(info) = self.topic_publish_info(topic).filter(|i| i.ok()) {
            return Some(info);
        }
        self.update_topic_route_info_from_name_server_for(topic, Some(default_topic_queue_nums))
            .await;
        self.topic_publish_info(topic).filter(|i| i.ok())
    }

    /// The cached route of `topic` (no network).
    pub fn topic_route(&self, topic: &str) -> Option<TopicRouteData> {
        self.topic_route_table.read().get(topic).cloned()
    }

    /// Java `findBrokerAddressInPublish`: the master of `broker_name`.
    pub fn find_broker_address_in_publish(&self, broker_name: &str) -> Option<Arc<str>> {
        self.broker_addr_table
            .read()
            .get(broker_name)
            .and_then(|addrs| addrs.get(&mix_all::MASTER_ID))
            .cloned()
    }

    /// Java `findBrokerAddressInSubscribe`: the member `broker_id` of
    /// `broker_name` if known; otherwise (unless `only_this_broker`) any
    /// member, master first.
    pub fn find_broker_address_in_subscribe(
        &self,
        broker_name: &str,
        broker_id: i64,
        only_this_broker: bool,
    ) -> Option<FindBrokerResult> {
        let table = self.broker_addr_table.read();
        let addrs = table.get(broker_name)?;
        let (id, addr) = match addrs.get_key_value(&broker_id) {
            Some(found) => found,
            None if only_this_broker => return None,
            None => addrs.iter().next()?,
        };
        Some(FindBrokerResult {
            broker_addr: Arc::clone(addr),
            slave: *id != mix_all::MASTER_ID,
        })
    }

    /// Java `findBrokerAddrByTopic`: some broker serving `topic` (the one a
    /// consumer asks for its group's member list).
    pub fn find_broker_addr_by_topic(&self, topic: &str) -> Option<String> {
        let routes = self.topic_route_table.read();
        let route = routes.get(topic)?;
        route
            .broker_datas
            .iter()
            .find_map(|bd| bd.select_broker_addr().map(str::to_string))
    }

    /// Java `findConsumerIdList`: the client ids of `group` as one broker of
    /// `topic` sees them.
    pub async fn find_consumer_id_list(&self, topic: &str, group: &str) -> MQResult<Vec<String>> {
        if self.find_broker_addr_by_topic(topic).is_none() {
            self.update_topic_route_info_from_name_server_for(topic, None)
                .await;
        }
        let addr = self.find_broker_addr_by_topic(topic).ok_or_else(|| {
            MQClientError::client(format!(
                "no broker serves topic {topic}, cannot list group {group}"
            ))
        })?;
        self.api
            .get_consumer_id_list_by_group(&addr, group, self.config.mq_client_api_timeout)
            .await
    }

    /// Every broker address in the table (masters and slaves).
    pub fn all_broker_addrs(&self) -> Vec<String> {
        let table = self.broker_addr_table.read();
        let mut addrs: Vec<String> = table
            .values()
            .flat_map(|m| m.values().map(|a| a.to_string()))
            .collect();
        addrs.sort();
        addrs.dedup();
        addrs
    }

    // ----- heartbeats --------------------------------------------------------

    /// Java `sendHeartbeatToAllBrokerWithLock`. Called by the timer and by
    /// producers/consumers right after they start, so that brokers know a
    /// new group member before the next rebalance.
    pub async fn send_heartbeat_to_all_broker_with_lock(&self) {
        let Ok(_guard) = self.heartbeat_lock.try_lock() else {
            // A heartbeat is already on its way; one is enough.
            return;
        };
        let heartbeat = self.prepare_heartbeat_data();
        if heartbeat.producer_data_set.is_empty() && heartbeat.consumer_data_set.is_empty() {
            return;
        }
        let body = bytes::Bytes::from(heartbeat.encode());
        let with_consumers = !heartbeat.consumer_data_set.is_empty();
        let targets: Vec<(String, Arc<str>)> = {
            let table = self.broker_addr_table.read();
            table
                .iter()
                .flat_map(|(name, addrs)| addrs.iter().map(move |(id, addr)| (name, *id, addr)))
                // Producers only talk to masters; consumers may read from
                // slaves, so slaves must know them too.
                .filter(|(_, id, _)| with_consumers || *id == mix_all::MASTER_ID)
                .map(|(name, _, addr)| (name.clone(), Arc::clone(addr)))
                .collect()
        };
        for (broker_name, addr) in targets {
            let result = self
                .api
                .send_heartbeat(&addr, body.clone(), self.config.mq_client_api_timeout)
                .await;
            if let Err(e) = result {
                tracing::warn!(broker = %broker_name, addr = %addr, error = %e, "heartbeat failed");
            }
        }
    }

    fn prepare_heartbeat_data(&self) -> HeartbeatData {
        let producer_data_set = self
            .producer_table
            .lock()
            .iter()
            .map(|group| ProducerData {
                group_name: group.clone(),
            })
            .collect();
        let consumer_data_set = self
            .consumers()
            .iter()
            .map(|c| ConsumerData {
                group_name: c.group_name().to_string(),
                consume_type: c.consume_type().as_str().to_string(),
                message_model: c.message_model().as_str().to_string(),
                consume_from_where: c.consume_from_where().as_str().to_string(),
                subscription_data_set: c.subscriptions(),
                unit_mode: false,
            })
            .collect();
        HeartbeatData {
            client_id: self.client_id.clone(),
            producer_data_set,
            consumer_data_set,
            ..HeartbeatData::default()
        }
    }

    // ----- consumers ---------------------------------------------------------

    fn consumers(&self) -> Vec<Arc<dyn MQConsumerInner>> {
        self.consumer_table.read().values().cloned().collect()
    }

    /// The consumer registered for `group`, if any.
    pub fn select_consumer(&self, group: &str) -> Option<Arc<dyn MQConsumerInner>> {
        self.consumer_table.read().get(group).cloned()
    }

    /// Java `rebalanceImmediately`: wakes the rebalance task now.
    pub fn rebalance_immediately(&self) {
        self.rebalance_service.wakeup();
    }

    /// One rebalance round over every consumer (Java `doRebalance`).
    pub async fn do_rebalance(&self) {
        for consumer in self.consumers() {
            consumer.do_rebalance().await;
        }
    }

    async fn persist_all_consumer_offset(&self) {
        for consumer in self.consumers() {
            consumer.persist_consumer_offset().await;
        }
    }
}

/// `TBW102`, the template topic whose route a producer borrows for a topic
/// that does not exist yet.
fn mix_all_tbw102() -> &'static str {
    crate::common::topic_validator::AUTO_CREATE_TOPIC_KEY_TOPIC
}

type InstanceJob = fn(Arc<MQClientInstance>) -> crate::remoting::processor::BoxFuture<'static, ()>;

/// A timer task that holds only a weak reference: when the instance is gone
/// the task ends by itself, even if nobody aborted it.
fn spawn_periodic(
    instance: Weak<MQClientInstance>,
    initial_delay: Duration,
    period: Duration,
    job: InstanceJob,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        tokio::time::sleep(initial_delay).await;
        let mut ticker = tokio::time::interval(period.max(Duration::from_millis(1)));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let Some(me) = instance.upgrade() else { return };
            job(me).await;
        }
    })
}

/// Java `RebalanceService#run`: wait for the period or a wake-up, then one
/// rebalance round over every consumer. Holds the instance weakly, like the
/// other timers.
fn spawn_rebalance_service(
    instance: Weak<MQClientInstance>,
    service: Arc<RebalanceService>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let Some(period) = instance.upgrade().map(|me| me.config().rebalance_interval) else {
                return;
            };
            service.wait_for_running(period).await;
            let Some(me) = instance.upgrade() else { return };
            me.do_rebalance().await;
        }
    })
}
