//! Who consumes which queue — Java `RebalanceImpl`.
//!
//! Every member of a consumer group runs this on its own, every 20 s and
//! whenever a broker says the group's membership changed
//! (NOTIFY_CONSUMER_IDS_CHANGED). For each subscribed topic:
//!
//! 1. take the topic's readable queues (from the route cache);
//! 2. CLUSTERING: ask one broker for the group's client ids, sort both lists,
//!    and let the [`AllocateMessageQueueStrategy`] pick this client's share;
//!    BROADCASTING: take every queue;
//! 3. compare with the queues held now (`process_queue_table`): a queue no
//!    longer ours is *dropped* (its `ProcessQueue` flagged, its offset
//!    persisted so the next owner starts where we stopped); a new queue gets
//!    a fresh `ProcessQueue`, a start offset, and a first pull request.
//!
//! Java splits the class into an abstract part and `RebalancePushImpl` /
//! `RebalanceLitePullImpl` for the parts that depend on the consumer kind.
//! Here that split is the [`RebalanceHooks`] trait, which the consumer passes
//! in on every call (`do_rebalance(&hooks)`) — so the rebalance state holds
//! no reference back to its consumer, and there is no cycle to break.
//!
//! No lock is held across a network call: each step snapshots the table,
//! does its I/O, and then applies the result.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

use crate::client::client_instance::MQClientInstance;
use crate::client::consumer::allocate_message_queue::AllocateMessageQueueStrategy;
use crate::client::consumer::message_model::MessageModel;
use crate::client::consumer::process_queue::ProcessQueue;
use crate::client::consumer::pull_message_service::PullRequest;
use crate::client::exception::MQResult;
use crate::common::message_queue::MessageQueue;
use crate::remoting::processor::BoxFuture;
use crate::remoting::protocol::body::heartbeat_data::SubscriptionData;

/// The consumer-kind-specific half of Java's `RebalanceImpl` (the abstract
/// methods that `RebalancePushImpl` and `RebalanceLitePullImpl` implement).
pub trait RebalanceHooks: Send + Sync {
    /// A queue is being taken away: persist its offset and forget it.
    /// Returns false to keep the queue for now (Java's orderly consumers do
    /// that while a consume is in flight).
    fn remove_unnecessary_message_queue<'a>(
        &'a self,
        mq: &'a MessageQueue,
        pq: &'a ProcessQueue,
    ) -> BoxFuture<'a, bool>;
    /// Where to start reading a queue we just got (`-1`: cannot tell yet).
    fn compute_pull_from_where<'a>(&'a self, mq: &'a MessageQueue) -> BoxFuture<'a, MQResult<i64>>;
    /// Start pulling the new queues.
    fn dispatch_pull_request(&self, requests: Vec<PullRequest>);
    /// Forget any stale in-memory offset of a queue we are about to start on.
    fn remove_dirty_offset(&self, mq: &MessageQueue);
    /// Whether a queue whose pull loop has been silent for two minutes is
    /// dropped and restarted (Java does this for push consumers only).
    fn drops_expired_queues(&self) -> bool {
        true
    }
    /// The allocation of `topic` changed (for logs and flow-control tuning).
    fn message_queue_changed(
        &self,
        _topic: &str,
        _mq_all: &[MessageQueue],
        _mq_divided: &BTreeSet<MessageQueue>,
    ) {
    }
}

/// Java `RebalanceImpl`'s state.
pub struct RebalanceImpl {
    consumer_group: String,
    message_model: MessageModel,
    strategy: Arc<dyn AllocateMessageQueueStrategy>,
    instance: Arc<MQClientInstance>,
    /// topic → subscription (Java `subscriptionInner`).
    subscription_inner: RwLock<BTreeMap<String, SubscriptionData>>,
    /// topic → its readable queues, sorted (from the route cache).
    topic_subscribe_info_table: RwLock<HashMap<String, Vec<MessageQueue>>>,
    /// The queues this client consumes now.
    process_queue_table: Mutex<BTreeMap<MessageQueue, Arc<ProcessQueue>>>,
    /// Only one rebalance at a time per consumer (the timer and a broker
    /// notification can fire together).
    rebalance_lock: tokio::sync::Mutex<()>,
}

impl RebalanceImpl {
    pub fn new(
        consumer_group: impl Into<String>,
        message_model: MessageModel,
        strategy: Arc<dyn AllocateMessageQueueStrategy>,
        instance: Arc<MQClientInstance>,
    ) -> Self {
        RebalanceImpl {
            consumer_group: consumer_group.into(),
            message_model,
            strategy,
            instance,
            subscription_inner: RwLock::new(BTreeMap::new()),
            topic_subscribe_info_table: RwLock::new(HashMap::new()),
            process_queue_table: Mutex::new(BTreeMap::new()),
            rebalance_lock: tokio::sync::Mutex::new(()),
        }
    }

    pub fn consumer_group(&self) -> &str {
        &self.consumer_group
    }

    // ----- subscriptions and queue lists ------------------------------------------

    pub fn put_subscription(&self, data: SubscriptionData) {
        self.subscription_inner
            .write()
            .insert(data.topic.clone(), data);
    }

    pub fn remove_subscription(&self, topic: &str) {
        self.subscription_inner.write().remove(topic);
    }

    pub fn subscription(&self, topic: &str) -> Option<SubscriptionData> {
        self.subscription_inner.read().get(topic).cloned()
    }

    pub fn subscriptions(&self) -> Vec<SubscriptionData> {
        self.subscription_inner.read().values().cloned().collect()
    }

    pub fn set_topic_subscribe_info(&self, topic: &str, mqs: &[MessageQueue]) {
        if self.subscription_inner.read().contains_key(topic) {
            self.topic_subscribe_info_table
                .write()
                .insert(topic.to_string(), mqs.to_vec());
        }
    }

    pub fn topic_subscribe_info(&self, topic: &str) -> Option<Vec<MessageQueue>> {
        self.topic_subscribe_info_table.read().get(topic).cloned()
    }

    /// True when `topic` is subscribed but its queues are not known yet.
    pub fn need_topic_info(&self, topic: &str) -> bool {
        self.subscription_inner.read().contains_key(topic)
            && !self.topic_subscribe_info_table.read().contains_key(topic)
    }

    // ----- the process-queue table -----------------------------------------------------

    /// The queues held now, with their process queues.
    pub fn process_queue_table(&self) -> BTreeMap<MessageQueue, Arc<ProcessQueue>> {
        self.process_queue_table.lock().clone()
    }

    pub fn owned_queues(&self) -> BTreeSet<MessageQueue> {
        self.process_queue_table.lock().keys().cloned().collect()
    }

    pub fn process_queue(&self, mq: &MessageQueue) -> Option<Arc<ProcessQueue>> {
        self.process_queue_table.lock().get(mq).cloned()
    }

    /// Drops one queue now (after an illegal offset): the next rebalance
    /// takes it again, from the corrected offset.
    pub fn remove_process_queue(&self, mq: &MessageQueue) -> Option<Arc<ProcessQueue>> {
        let pq = self.process_queue_table.lock().remove(mq);
        if let Some(pq) = &pq {
            pq.set_dropped(true);
        }
        pq
    }

    /// Drops every queue (consumer shutdown).
    pub fn drop_all(&self) -> BTreeMap<MessageQueue, Arc<ProcessQueue>> {
        let table = std::mem::take(&mut *self.process_queue_table.lock());
        for pq in table.values() {
            pq.set_dropped(true);
        }
        table
    }

    // ----- rebalance ---------------------------------------------------------------------

    /// Java `doRebalance`: every subscribed topic, then drops queues of
    /// topics no longer subscribed.
    pub async fn do_rebalance(&self, hooks: &dyn RebalanceHooks) {
        let _running = self.rebalance_lock.lock().await;
        let topics: Vec<String> = self.subscription_inner.read().keys().cloned().collect();
        for topic in &topics {
            if let Err(e) = self.rebalance_by_topic(topic, hooks).await {
                // A retry topic nobody failed into yet has no route: normal.
                tracing::debug!(group = %self.consumer_group, topic, error = %e, "rebalance of topic skipped");
            }
        }
        self.truncate_message_queue_not_my_topic(hooks).await;
    }

    async fn rebalance_by_topic(&self, topic: &str, hooks: &dyn RebalanceHooks) -> MQResult<()> {
        let Some(mq_all) = self.topic_subscribe_info(topic) else {
            if !crate::common::mix_all::is_retry_topic(topic) {
                tracing::warn!(group = %self.consumer_group, topic, "rebalance: no route for a subscribed topic yet");
            }
            return Ok(());
        };
        let allocated: BTreeSet<MessageQueue> = match self.message_model {
            MessageModel::Broadcasting => mq_all.iter().cloned().collect(),
            MessageModel::Clustering => {
                let mut cid_all = self
                    .instance
                    .find_consumer_id_list(topic, &self.consumer_group)
                    .await?;
                if cid_all.is_empty() {
                    tracing::warn!(group = %self.consumer_group, topic, "rebalance: the broker lists no member of the group yet");
                    return Ok(());
                }
                cid_all.sort();
                let mut mq_all = mq_all.clone();
                mq_all.sort();
                let client_id = self.instance.client_id();
                self.strategy
                    .allocate(&self.consumer_group, client_id, &mq_all, &cid_all)
                    .into_iter()
                    .collect()
            }
        };
        let changed = self
            .update_process_queue_table_in_rebalance(topic, &allocated, hooks)
            .await;
        if changed {
            tracing::info!(
                group = %self.consumer_group, topic, client_id = self.instance.client_id(),
                strategy = self.strategy.name(), queues = ?allocated.iter().map(|mq| format!("{}:{}", mq.broker_name, mq.queue_id)).collect::<Vec<_>>(),
                "rebalance: allocation changed"
            );
            hooks.message_queue_changed(topic, &mq_all, &allocated);
        }
        Ok(())
    }

    /// Java `updateProcessQueueTableInRebalance`. Returns whether anything
    /// changed.
    async fn update_process_queue_table_in_rebalance(
        &self,
        topic: &str,
        mq_set: &BTreeSet<MessageQueue>,
        hooks: &dyn RebalanceHooks,
    ) -> bool {
        let mut changed = false;

        // 1. Queues of this topic we hold but should not (or whose pull loop
        //    died): drop them.
        let held: Vec<(MessageQueue, Arc<ProcessQueue>)> = self
            .process_queue_table
            .lock()
            .iter()
            .filter(|(mq, _)| mq.topic == topic)
            .map(|(mq, pq)| (mq.clone(), Arc::clone(pq)))
            .collect();
        for (mq, pq) in held {
            let lost = !mq_set.contains(&mq);
            let stuck = !lost && hooks.drops_expired_queues() && pq.is_pull_expired();
            if !(lost || stuck) {
                continue;
            }
            pq.set_dropped(true);
            if hooks.remove_unnecessary_message_queue(&mq, &pq).await {
                self.process_queue_table.lock().remove(&mq);
                changed = true;
                tracing::info!(group = %self.consumer_group, %mq, stuck, "rebalance: queue dropped");
            } else {
                // Keep it; undo the flag so its tasks continue.
                pq.set_dropped(false);
            }
        }

        // 2. Queues we should hold but do not: start them.
        let mut requests = Vec::new();
        for mq in mq_set {
            if self.process_queue_table.lock().contains_key(mq) {
                continue;
            }
            hooks.remove_dirty_offset(mq);
            let next_offset = match hooks.compute_pull_from_where(mq).await {
                Ok(offset) if offset >= 0 => offset,
                Ok(offset) => {
                    tracing::warn!(group = %self.consumer_group, %mq, offset, "rebalance: no start offset yet, will retry");
                    continue;
                }
                Err(e) => {
                    tracing::warn!(group = %self.consumer_group, %mq, error = %e, "rebalance: computing the start offset failed");
                    continue;
                }
            };
            let pq = Arc::new(ProcessQueue::new());
            let inserted = {
                let mut table = self.process_queue_table.lock();
                if table.contains_key(mq) {
                    false
                } else {
                    table.insert(mq.clone(), Arc::clone(&pq));
                    true
                }
            };
            if inserted {
                tracing::info!(group = %self.consumer_group, %mq, next_offset, "rebalance: queue added");
                requests.push(PullRequest {
                    consumer_group: self.consumer_group.clone(),
                    message_queue: mq.clone(),
                    process_queue: pq,
                    next_offset,
                });
                changed = true;
            }
        }
        hooks.dispatch_pull_request(requests);
        changed
    }

    /// Java `truncateMessageQueueNotMyTopic`.
    async fn truncate_message_queue_not_my_topic(&self, hooks: &dyn RebalanceHooks) {
        let subscribed: BTreeSet<String> = self.subscription_inner.read().keys().cloned().collect();
        let stale: Vec<(MessageQueue, Arc<ProcessQueue>)> = self
            .process_queue_table
            .lock()
            .iter()
            .filter(|(mq, _)| !subscribed.contains(&mq.topic))
            .map(|(mq, pq)| (mq.clone(), Arc::clone(pq)))
            .collect();
        for (mq, pq) in stale {
            pq.set_dropped(true);
            hooks.remove_unnecessary_message_queue(&mq, &pq).await;
            self.process_queue_table.lock().remove(&mq);
        }
    }
}
