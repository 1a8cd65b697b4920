//! The lite pull consumer's engine — Java `DefaultLitePullConsumerImpl`:
//! one pull task per owned queue filling a shared buffer, `poll` draining
//! it, and the consume/commit offsets of every queue.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::client::client_config::ClientConfig;
use crate::client::client_instance::MQClientInstance;
use crate::client::consumer::allocate_message_queue::{
    AllocateMessageQueueAveragely, AllocateMessageQueueStrategy,
};
use crate::client::consumer::message_model::{ConsumeFromWhere, ConsumeType, MessageModel};
use crate::client::consumer::mq_consumer_inner::MQConsumerInner;
use crate::client::consumer::offset_store::{OffsetStore, RemoteBrokerOffsetStore};
use crate::client::consumer::process_queue::ProcessQueue;
use crate::client::consumer::pull_api_wrapper::{PullAPIWrapper, PullArgs, PullError};
use crate::client::consumer::rebalance_impl::RebalanceImpl;
use crate::client::exception::{MQClientError, MQResult};
use crate::client::mq_admin_impl::MQAdminImpl;
use crate::client::mq_client_api::pull_result::PullStatus;
use crate::client::mq_client_manager::MQClientManager;
use crate::client::now_millis;
use crate::common::message::MessageExt;
use crate::common::message_queue::MessageQueue;
use crate::common::topic_validator;
use crate::remoting::processor::BoxFuture;
use crate::remoting::protocol::body::heartbeat_data::SubscriptionData;

/// Java `DefaultLitePullConsumer`'s settings.
#[derive(Clone)]
pub struct LitePullConsumerConfig {
    pub consumer_group: String,
    pub consume_from_where: ConsumeFromWhere,
    pub allocate_message_queue_strategy: Arc<dyn AllocateMessageQueueStrategy>,
    /// Messages per pull (10, Java's `pullBatchSize` for lite pull).
    pub pull_batch_size: i32,
    /// Stop pulling a queue with this many messages not yet polled (1000).
    pub pull_threshold_for_queue: i64,
    /// Commit consumed offsets from within `poll` (true).
    pub auto_commit: bool,
    pub auto_commit_interval: Duration,
    /// How long the broker may hold an empty pull (20 s in Java).
    pub broker_suspend_max_time: Duration,
    /// Timeout of one pull (must exceed the hold time).
    pub consumer_pull_timeout: Duration,
    pub pull_time_delay_when_exception: Duration,
    pub client_config: ClientConfig,
}

impl Default for LitePullConsumerConfig {
    fn default() -> Self {
        LitePullConsumerConfig {
            consumer_group: String::new(),
            consume_from_where: ConsumeFromWhere::ConsumeFromLastOffset,
            allocate_message_queue_strategy: Arc::new(AllocateMessageQueueAveragely),
            pull_batch_size: 10,
            pull_threshold_for_queue: 1000,
            auto_commit: true,
            auto_commit_interval: Duration::from_secs(5),
            broker_suspend_max_time: Duration::from_secs(20),
            consumer_pull_timeout: Duration::from_secs(30),
            pull_time_delay_when_exception: Duration::from_millis(1000),
            client_config: ClientConfig::default(),
        }
    }
}

/// Messages pulled for one queue, waiting for `poll` (Java `ConsumeRequest`).
pub(super) struct ConsumeRequest {
    pub(super) msgs: Vec<Arc<MessageExt>>,
    pub(super) mq: MessageQueue,
    pub(super) pq: Arc<ProcessQueue>,
}

/// One assigned queue (Java `MessageQueueState` in `AssignedMessageQueue`).
pub(super) struct QueueState {
    pub(super) pq: Arc<ProcessQueue>,
    /// How far `poll` has handed messages out (-1: nothing yet).
    pub(super) consume_offset: Arc<AtomicI64>,
    pub(super) task: JoinHandle<()>,
}

pub(super) struct Running {
    pub(super) instance: Arc<MQClientInstance>,
    pub(super) rebalance: RebalanceImpl,
    pub(super) offset_store: Arc<dyn OffsetStore>,
    pub(super) tx: mpsc::UnboundedSender<ConsumeRequest>,
    pub(super) rx: tokio::sync::Mutex<mpsc::UnboundedReceiver<ConsumeRequest>>,
}

/// Java `DefaultLitePullConsumerImpl`: the state a consumer's clones share.
pub(super) struct DefaultLitePullConsumerImpl {
    pub(super) config: LitePullConsumerConfig,
    pub(super) subscriptions: Mutex<BTreeMap<String, String>>,
    /// `Some` after `assign`: the fixed queue list (no rebalance).
    pub(super) assigned_by_user: Mutex<Option<Vec<MessageQueue>>>,
    pub(super) queues: Mutex<BTreeMap<MessageQueue, QueueState>>,
    pub(super) running: OnceLock<Running>,
    pub(super) stopped: AtomicBool,
    pub(super) last_commit: Mutex<Instant>,
    pub(super) pull_api_wrapper: PullAPIWrapper,
    pub(super) weak_self: Weak<DefaultLitePullConsumerImpl>,
}

impl DefaultLitePullConsumerImpl {
    pub(super) fn new(config: LitePullConsumerConfig) -> Arc<Self> {
        Arc::new_cyclic(|weak| DefaultLitePullConsumerImpl {
            config,
            subscriptions: Mutex::new(BTreeMap::new()),
            assigned_by_user: Mutex::new(None),
            queues: Mutex::new(BTreeMap::new()),
            running: OnceLock::new(),
            stopped: AtomicBool::new(false),
            last_commit: Mutex::new(Instant::now()),
            pull_api_wrapper: PullAPIWrapper::default(),
            weak_self: weak.clone(),
        })
    }
}

impl DefaultLitePullConsumerImpl {
    pub(super) fn running(&self) -> MQResult<&Running> {
        self.running.get().ok_or_else(|| {
            MQClientError::client("the lite pull consumer is not started: call start() first")
        })
    }

    pub(super) fn me(&self) -> Arc<DefaultLitePullConsumerImpl> {
        // `weak_self` points at the Arc this value lives in, which exists for
        // as long as `&self` can be borrowed.
        self.weak_self
            .upgrade()
            .expect("a DefaultLitePullConsumerImpl always lives in its Arc")
    }

    pub(super) async fn start(&self) -> MQResult<()> {
        let config = &self.config;
        topic_validator::validate_group(&config.consumer_group)
            .map_err(|e| MQClientError::client(e.to_string()))?;
        if self.running.get().is_some() || self.stopped.load(Ordering::Acquire) {
            return Err(MQClientError::client(
                "the lite pull consumer has been started before",
            ));
        }
        let mut client_config = config.client_config.clone();
        client_config.change_instance_name_to_pid();
        let instance = MQClientManager::get_or_create(&client_config);
        let rebalance = RebalanceImpl::new(
            &config.consumer_group,
            MessageModel::Clustering,
            Arc::clone(&config.allocate_message_queue_strategy),
            Arc::clone(&instance),
        );
        let version = now_millis();
        for (topic, expression) in self.subscriptions.lock().iter() {
            rebalance.put_subscription(SubscriptionData::build(topic, expression, None, version));
        }
        let offset_store: Arc<dyn OffsetStore> = Arc::new(RemoteBrokerOffsetStore::new(
            Arc::clone(&instance),
            &config.consumer_group,
        ));
        let (tx, rx) = mpsc::unbounded_channel();
        let running = Running {
            instance: Arc::clone(&instance),
            rebalance,
            offset_store,
            tx,
            rx: tokio::sync::Mutex::new(rx),
        };
        if self.running.set(running).is_err() {
            return Err(MQClientError::client(
                "the lite pull consumer has been started before",
            ));
        }
        instance.register_consumer(self.me())?;
        instance.start();
        let topics: Vec<String> = self.subscriptions.lock().keys().cloned().collect();
        for topic in &topics {
            instance
                .update_topic_route_info_from_name_server_for(topic, None)
                .await;
        }
        instance.send_heartbeat_to_all_broker_with_lock().await;
        let assigned = self.assigned_by_user.lock().clone();
        match assigned {
            Some(mqs) => self.apply_assignment(mqs).await,
            None => instance.rebalance_immediately(),
        }
        tracing::info!(group = %config.consumer_group, client_id = instance.client_id(), "lite pull consumer started");
        Ok(())
    }

    pub(super) async fn shutdown(&self) {
        if self.stopped.swap(true, Ordering::AcqRel) {
            return;
        }
        let Some(running) = self.running.get() else {
            return;
        };
        if self.config.auto_commit {
            self.commit_all(true).await;
        }
        let queues = std::mem::take(&mut *self.queues.lock());
        for state in queues.values() {
            state.pq.set_dropped(true);
            state.task.abort();
        }
        running
            .instance
            .unregister_consumer(&self.config.consumer_group)
            .await;
    }

    /// Assign mode: start the new queues, stop the others.
    pub(super) async fn apply_assignment(&self, mqs: Vec<MessageQueue>) {
        let stale: Vec<MessageQueue> = self
            .queues
            .lock()
            .keys()
            .filter(|mq| !mqs.contains(mq))
            .cloned()
            .collect();
        for mq in stale {
            self.stop_queue(&mq);
        }
        for mq in mqs {
            if self.queues.lock().contains_key(&mq) {
                continue;
            }
            match self.compute_pull_from_where_impl(&mq).await {
                Ok(offset) if offset >= 0 => {
                    self.start_queue(mq, offset, Arc::new(ProcessQueue::new()))
                }
                Ok(_) | Err(_) => {
                    tracing::warn!(%mq, "assign: cannot tell where to start, queue skipped")
                }
            }
        }
    }

    pub(super) fn start_queue(&self, mq: MessageQueue, offset: i64, pq: Arc<ProcessQueue>) {
        let pull_offset = Arc::new(AtomicI64::new(offset));
        let consume_offset = Arc::new(AtomicI64::new(-1));
        let task = tokio::spawn(
            self.me()
                .pull_task(mq.clone(), Arc::clone(&pq), pull_offset),
        );
        let state = QueueState {
            pq,
            consume_offset,
            task,
        };
        if let Some(old) = self.queues.lock().insert(mq, state) {
            old.pq.set_dropped(true);
            old.task.abort();
        }
    }

    pub(super) fn stop_queue(&self, mq: &MessageQueue) -> Option<i64> {
        let state = self.queues.lock().remove(mq)?;
        state.pq.set_dropped(true);
        state.task.abort();
        Some(state.consume_offset.load(Ordering::Acquire))
    }

    /// Java `PullTaskImpl`: keeps one queue's buffer filled.
    pub(super) async fn pull_task(
        self: Arc<Self>,
        mq: MessageQueue,
        pq: Arc<ProcessQueue>,
        pull_offset: Arc<AtomicI64>,
    ) {
        let Some(running) = self.running.get() else {
            return;
        };
        let expression = self
            .subscriptions
            .lock()
            .get(&mq.topic)
            .cloned()
            .unwrap_or_else(|| "*".to_string());
        let subscription = SubscriptionData::build(&mq.topic, &expression, None, 0);
        while !pq.is_dropped() && !self.stopped.load(Ordering::Acquire) {
            if pq.msg_count() > self.config.pull_threshold_for_queue {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            pq.touch_last_pull();
            let offset = pull_offset.load(Ordering::Acquire);
            let pulled = self
                .pull_api_wrapper
                .pull_kernel_impl(
                    &running.instance,
                    PullArgs {
                        mq: &mq,
                        consumer_group: &self.config.consumer_group,
                        subscription: &subscription,
                        offset,
                        max_nums: self.config.pull_batch_size,
                        // Lite pull commits offsets itself (`commit_all`).
                        commit_offset: 0,
                        broker_suspend_max_time: self.config.broker_suspend_max_time,
                        timeout: self.config.consumer_pull_timeout,
                    },
                )
                .await;
            let result = match pulled {
                Ok(result) => result,
                Err(e) => {
                    if let PullError::Remote { error, .. } = e {
                        tracing::warn!(%mq, error = %error, "lite pull failed, retrying later");
                    }
                    tokio::time::sleep(self.config.pull_time_delay_when_exception).await;
                    continue;
                }
            };
            if pq.is_dropped() {
                break;
            }
            match result.pull_status {
                PullStatus::Found if !result.msg_found_list.is_empty() => {
                    pq.put_message(&result.msg_found_list);
                    let request = ConsumeRequest {
                        msgs: result.msg_found_list,
                        mq: mq.clone(),
                        pq: Arc::clone(&pq),
                    };
                    if running.tx.send(request).is_err() {
                        break;
                    }
                }
                PullStatus::OffsetIllegal => {
                    tracing::warn!(%mq, wrong = offset, corrected = result.next_begin_offset, "lite pull: offset illegal, corrected");
                }
                _ => {}
            }
            // A `seek` may have moved the offset meanwhile; only advance from
            // the offset this pull started at.
            let _ = pull_offset.compare_exchange(
                offset,
                result.next_begin_offset,
                Ordering::AcqRel,
                Ordering::Acquire,
            );
        }
    }

    pub(super) async fn poll(&self, timeout: Duration) -> Vec<Arc<MessageExt>> {
        let Some(running) = self.running.get() else {
            return Vec::new();
        };
        if self.config.auto_commit
            && self.last_commit.lock().elapsed() >= self.config.auto_commit_interval
        {
            self.commit_all(false).await;
        }
        let deadline = Instant::now() + timeout;
        let mut rx = running.rx.lock().await;
        loop {
            let request = match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(request)) => request,
                Ok(None) | Err(_) => return Vec::new(),
            };
            if request.pq.is_dropped() {
                continue; // the queue was reassigned or sought meanwhile
            }
            let offset = request.pq.remove_message(&request.msgs);
            if let Some(state) = self.queues.lock().get(&request.mq)
                && Arc::ptr_eq(&state.pq, &request.pq)
            {
                state.consume_offset.fetch_max(offset, Ordering::AcqRel);
            }
            return request.msgs;
        }
    }

    /// Java `commitAll`: consume offsets → offset store → broker.
    pub(super) async fn commit_all(&self, wait: bool) {
        let Some(running) = self.running.get() else {
            return;
        };
        *self.last_commit.lock() = Instant::now();
        let offsets: Vec<(MessageQueue, i64)> = self
            .queues
            .lock()
            .iter()
            .map(|(mq, s)| (mq.clone(), s.consume_offset.load(Ordering::Acquire)))
            .filter(|(_, offset)| *offset >= 0)
            .collect();
        for (mq, offset) in &offsets {
            running.offset_store.update_offset(mq, *offset, false);
        }
        let mqs = offsets.into_iter().map(|(mq, _)| mq).collect();
        running.offset_store.persist_all(&mqs, wait).await;
    }

    pub(super) async fn seek(&self, mq: &MessageQueue, offset: i64) -> MQResult<()> {
        let running = self.running()?;
        let admin = MQAdminImpl::new(&running.instance);
        let (min, max) = (admin.min_offset(mq).await?, admin.max_offset(mq).await?);
        if offset < min || offset > max {
            return Err(MQClientError::client(format!(
                "seek offset {offset} is outside [{min}, {max}] of {mq}"
            )));
        }
        if !self.queues.lock().contains_key(mq) {
            return Err(MQClientError::client(format!(
                "{mq} is not assigned to this consumer"
            )));
        }
        self.stop_queue(mq);
        running.offset_store.update_offset(mq, offset, false);
        self.start_queue(mq.clone(), offset, Arc::new(ProcessQueue::new()));
        if let Some(state) = self.queues.lock().get(mq) {
            state.consume_offset.store(offset, Ordering::Release);
        }
        Ok(())
    }
}

impl MQConsumerInner for DefaultLitePullConsumerImpl {
    fn group_name(&self) -> &str {
        &self.config.consumer_group
    }

    fn message_model(&self) -> MessageModel {
        MessageModel::Clustering
    }

    fn consume_type(&self) -> ConsumeType {
        ConsumeType::ConsumeActively
    }

    fn consume_from_where(&self) -> ConsumeFromWhere {
        self.config.consume_from_where
    }

    fn subscriptions(&self) -> Vec<SubscriptionData> {
        self.running
            .get()
            .map(|r| r.rebalance.subscriptions())
            .unwrap_or_default()
    }

    fn do_rebalance(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            if self.stopped.load(Ordering::Acquire) || self.assigned_by_user.lock().is_some() {
                return;
            }
            if let Some(running) = self.running.get() {
                running.rebalance.do_rebalance(self).await;
            }
        })
    }

    fn persist_consumer_offset(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            if let Some(running) = self.running.get() {
                let mqs = self.queues.lock().keys().cloned().collect();
                running.offset_store.persist_all(&mqs, false).await;
            }
        })
    }

    fn update_topic_subscribe_info(&self, topic: &str, info: &[MessageQueue]) {
        if let Some(running) = self.running.get() {
            running.rebalance.set_topic_subscribe_info(topic, info);
        }
    }

    fn is_subscribe_topic_need_update(&self, topic: &str) -> bool {
        self.running
            .get()
            .is_some_and(|r| r.rebalance.need_topic_info(topic))
    }

    fn reset_offset<'a>(
        &'a self,
        _topic: &'a str,
        offsets: &'a [(MessageQueue, i64)],
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            for (mq, offset) in offsets {
                if let Err(e) = self.seek(mq, *offset).await {
                    tracing::warn!(%mq, error = %e, "reset offset: seek failed");
                }
            }
        })
    }
}
