//! The push consumer's engine — Java `DefaultMQPushConsumerImpl`: start and
//! shutdown, the body of the pull loop (`pullMessage`), and the callbacks
//! `MQClientInstance` makes (`MQConsumerInner`). Its rebalance callbacks are
//! in [`rebalance_push_impl`](super::rebalance_push_impl).
//!
//! ## Two deliberate differences from Java
//!
//! * Every pull carries the subscription expression (the SUBSCRIPTION bit of
//!   the pull flag; Java sends it only with `postSubscriptionWhenPull`). The
//!   broker then never needs our heartbeat to have arrived before our first
//!   pull, which removes a start-up race at the price of a few bytes.
//! * `consume_timestamp` is a Unix time in milliseconds rather than Java's
//!   `yyyyMMddHHmmss` string in the local time zone: no time-zone guessing.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use parking_lot::Mutex;

use crate::client::client_config::ClientConfig;
use crate::client::client_instance::MQClientInstance;
use crate::client::consumer::allocate_message_queue::{
    AllocateMessageQueueAveragely, AllocateMessageQueueStrategy,
};
use crate::client::consumer::consume_message_concurrently_service::{
    ConsumeMessageConcurrentlyService, ConsumeServiceConfig,
};
use crate::client::consumer::listener::MessageListenerConcurrently;
use crate::client::consumer::message_model::{ConsumeFromWhere, ConsumeType, MessageModel};
use crate::client::consumer::mq_consumer_inner::MQConsumerInner;
use crate::client::consumer::offset_store::{
    LocalFileOffsetStore, OffsetStore, ReadOffsetType, RemoteBrokerOffsetStore,
};
use crate::client::consumer::pull_api_wrapper::{PullAPIWrapper, PullArgs, PullError};
use crate::client::consumer::pull_message_service::{PullMessageService, PullRequest};
use crate::client::consumer::rebalance_impl::RebalanceImpl;
use crate::client::exception::{MQClientError, MQResult};
use crate::client::mq_client_api::pull_result::{PullResult, PullStatus};
use crate::client::mq_client_manager::MQClientManager;
use crate::client::now_millis;
use crate::common::message_queue::MessageQueue;
use crate::common::mix_all;
use crate::common::topic_validator;
use crate::remoting::processor::BoxFuture;
use crate::remoting::protocol::body::heartbeat_data::SubscriptionData;

/// Java `DefaultMQPushConsumer`'s settings.
#[derive(Clone)]
pub struct PushConsumerConfig {
    pub consumer_group: String,
    pub message_model: MessageModel,
    pub consume_from_where: ConsumeFromWhere,
    /// For `ConsumeFromTimestamp`: Unix ms. Default: half an hour ago.
    pub consume_timestamp: Option<i64>,
    pub allocate_message_queue_strategy: Arc<dyn AllocateMessageQueueStrategy>,
    /// Listener calls running at once (20).
    pub consume_thread_max: usize,
    /// Flow control: stop pulling a queue with this many messages waiting (1000).
    pub pull_threshold_for_queue: i64,
    /// Flow control: … or this many MiB of bodies waiting (100).
    pub pull_threshold_size_for_queue_mib: i64,
    /// Flow control: … or this wide a gap between the oldest and newest
    /// offset waiting (2000): one stuck message must not let the buffer grow
    /// without bound behind it.
    pub consume_concurrently_max_span: i64,
    /// Pause between two pulls of one queue (0).
    pub pull_interval: Duration,
    /// Messages per listener call (1).
    pub consume_message_batch_max_size: usize,
    /// Messages per pull (32).
    pub pull_batch_size: i32,
    /// Deliveries before the dead-letter queue; -1 = 16.
    pub max_reconsume_times: i32,
    /// Back-off after a failed pull (`pullTimeDelayMillsWhenException`, 1 s).
    pub pull_time_delay_when_exception: Duration,
    /// How long shutdown waits for running listener calls to finish (so
    /// their offsets can be committed) before it persists offsets.
    pub await_termination_when_shutdown: Duration,
    pub client_config: ClientConfig,
}

impl Default for PushConsumerConfig {
    fn default() -> Self {
        PushConsumerConfig {
            consumer_group: mix_all::DEFAULT_CONSUMER_GROUP.to_string(),
            message_model: MessageModel::Clustering,
            consume_from_where: ConsumeFromWhere::ConsumeFromLastOffset,
            consume_timestamp: None,
            allocate_message_queue_strategy: Arc::new(AllocateMessageQueueAveragely),
            consume_thread_max: 20,
            pull_threshold_for_queue: 1000,
            pull_threshold_size_for_queue_mib: 100,
            consume_concurrently_max_span: 2000,
            pull_interval: Duration::ZERO,
            consume_message_batch_max_size: 1,
            pull_batch_size: 32,
            max_reconsume_times: -1,
            pull_time_delay_when_exception: Duration::from_millis(1000),
            await_termination_when_shutdown: Duration::from_secs(3),
            client_config: ClientConfig::default(),
        }
    }
}

impl std::fmt::Debug for PushConsumerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushConsumerConfig")
            .field("consumer_group", &self.consumer_group)
            .field("message_model", &self.message_model)
            .field("consume_from_where", &self.consume_from_where)
            .field("strategy", &self.allocate_message_queue_strategy.name())
            .finish_non_exhaustive()
    }
}

/// How long the broker may hold an empty pull (`brokerSuspendMaxTimeMillis`).
const BROKER_SUSPEND_MAX_TIME: Duration = Duration::from_secs(15);
/// The client's timeout for such a held pull
/// (`consumerTimeoutMillisWhenSuspend`): longer than the hold.
const CONSUMER_TIMEOUT_WHEN_SUSPEND: Duration = Duration::from_secs(30);
/// Back-off while the process queue is full (`PULL_TIME_DELAY_MILLS_WHEN_CACHE_FLOW_CONTROL`).
const PULL_DELAY_WHEN_FLOW_CONTROL: Duration = Duration::from_millis(50);
/// Back-off while the consumer is paused or not yet set up
/// (`PULL_TIME_DELAY_MILLS_WHEN_SUSPEND`).
const PULL_DELAY_WHEN_SUSPEND: Duration = Duration::from_millis(1000);
/// Wait before an OFFSET_ILLEGAL queue is restarted from the corrected offset.
const OFFSET_ILLEGAL_RESTART_DELAY: Duration = Duration::from_secs(10);

/// Everything `start` builds; set once.
pub(super) struct Running {
    pub(super) instance: Arc<MQClientInstance>,
    pub(super) rebalance: RebalanceImpl,
    pub(super) offset_store: Arc<dyn OffsetStore>,
    pub(super) consume_service: ConsumeMessageConcurrentlyService,
    pub(super) pull_service: PullMessageService,
}

/// Java `DefaultMQPushConsumerImpl`: the state a consumer's clones share.
pub(super) struct DefaultMQPushConsumerImpl {
    pub(super) config: PushConsumerConfig,
    /// topic → expression, as given to `subscribe` (before and after start).
    pub(super) subscriptions: Mutex<BTreeMap<String, String>>,
    pub(super) listener: Mutex<Option<Arc<dyn MessageListenerConcurrently>>>,
    pub(super) running: OnceLock<Running>,
    pub(super) stopped: AtomicBool,
    /// `suspend()` / `resume()`: pulls wait while paused.
    pub(super) paused: AtomicBool,
    pub(super) pull_api_wrapper: PullAPIWrapper,
    pub(super) weak_self: Weak<DefaultMQPushConsumerImpl>,
}

impl DefaultMQPushConsumerImpl {
    pub(super) fn new(config: PushConsumerConfig) -> Arc<Self> {
        Arc::new_cyclic(|weak| DefaultMQPushConsumerImpl {
            config,
            subscriptions: Mutex::new(BTreeMap::new()),
            listener: Mutex::new(None),
            running: OnceLock::new(),
            stopped: AtomicBool::new(false),
            paused: AtomicBool::new(false),
            pull_api_wrapper: PullAPIWrapper::default(),
            weak_self: weak.clone(),
        })
    }
}

impl DefaultMQPushConsumerImpl {
    fn me(&self) -> Arc<DefaultMQPushConsumerImpl> {
        // `weak_self` points at the Arc this value lives in, which exists for
        // as long as `&self` can be borrowed.
        self.weak_self
            .upgrade()
            .expect("a DefaultMQPushConsumerImpl always lives in its Arc")
    }

    /// Java `DefaultMQPushConsumerImpl#start`: check the settings, get the
    /// client instance, build the rebalance, offset store, consume and pull
    /// services, register with the instance, then learn routes, send a
    /// heartbeat and rebalance at once.
    pub(super) async fn start(&self) -> MQResult<()> {
        let (listener, subscriptions) = self.check_config()?;
        let config = &self.config;
        let mut client_config = config.client_config.clone();
        if config.message_model == MessageModel::Clustering {
            client_config.change_instance_name_to_pid();
        }
        let instance = MQClientManager::get_or_create(&client_config);
        let rebalance = self.copy_subscription(&instance, &subscriptions);
        let offset_store = self.create_offset_store(&instance, &client_config)?;
        let consume_service = self.create_consume_service(&instance, listener, &offset_store);
        let weak = self.weak_self.clone();
        let pull_service = PullMessageService::start(Arc::new(move |request: PullRequest| {
            if let Some(me) = weak.upgrade() {
                tokio::spawn(async move { me.pull_message(request).await });
            }
        }));
        let running = Running {
            instance: Arc::clone(&instance),
            rebalance,
            offset_store,
            consume_service,
            pull_service,
        };
        if self.running.set(running).is_err() {
            return Err(MQClientError::client(
                "the push consumer has been started before",
            ));
        }
        instance.register_consumer(self.me())?;
        instance.start();
        self.update_topic_subscribe_info(&instance).await;
        instance.send_heartbeat_to_all_broker_with_lock().await;
        instance.rebalance_immediately();
        tracing::info!(group = %config.consumer_group, client_id = instance.client_id(), model = %config.message_model, "push consumer started");
        Ok(())
    }

    /// Java `checkConfig`: a valid group that is not the default one, not
    /// started before, a listener, a subscription and a name server. Returns
    /// the listener and the subscriptions.
    fn check_config(
        &self,
    ) -> MQResult<(
        Arc<dyn MessageListenerConcurrently>,
        BTreeMap<String, String>,
    )> {
        let config = &self.config;
        topic_validator::validate_group(&config.consumer_group)
            .map_err(|e| MQClientError::client(e.to_string()))?;
        if config.consumer_group == mix_all::DEFAULT_CONSUMER_GROUP {
            return Err(MQClientError::client(
                "consumer_group can not equal DEFAULT_CONSUMER, please specify another one",
            ));
        }
        if self.running.get().is_some() || self.stopped.load(Ordering::Acquire) {
            return Err(MQClientError::client(
                "the push consumer has been started before",
            ));
        }
        let listener = self.listener.lock().clone().ok_or_else(|| {
            MQClientError::client(
                "no message listener: call register_message_listener_concurrently",
            )
        })?;
        let subscriptions = self.subscriptions.lock().clone();
        if subscriptions.is_empty() {
            return Err(MQClientError::client(
                "no subscription: call subscribe(topic, expression) first",
            ));
        }
        if config.client_config.namesrv_addr_list().is_empty() {
            return Err(MQClientError::client(
                "no name server address: set namesrv_addr or the NAMESRV_ADDR environment variable",
            ));
        }
        Ok((listener, subscriptions))
    }

    /// Java `copySubscription`: the user's topics, plus — for clustering —
    /// the group's retry topic, where RECONSUME_LATER messages come back.
    fn copy_subscription(
        &self,
        instance: &Arc<MQClientInstance>,
        subscriptions: &BTreeMap<String, String>,
    ) -> RebalanceImpl {
        let config = &self.config;
        let rebalance = RebalanceImpl::new(
            &config.consumer_group,
            config.message_model,
            Arc::clone(&config.allocate_message_queue_strategy),
            Arc::clone(instance),
        );
        let version = now_millis();
        for (topic, expression) in subscriptions {
            rebalance.put_subscription(SubscriptionData::build(topic, expression, None, version));
        }
        if config.message_model == MessageModel::Clustering {
            let retry_topic = mix_all::get_retry_topic(&config.consumer_group);
            rebalance.put_subscription(SubscriptionData::build(&retry_topic, "*", None, version));
        }
        rebalance
    }

    /// The offset store of the message model: on the broker for clustering
    /// (`RemoteBrokerOffsetStore`), in a local file for broadcasting
    /// (`LocalFileOffsetStore`), loaded before the first pull.
    fn create_offset_store(
        &self,
        instance: &Arc<MQClientInstance>,
        client_config: &ClientConfig,
    ) -> MQResult<Arc<dyn OffsetStore>> {
        let group = &self.config.consumer_group;
        let offset_store: Arc<dyn OffsetStore> = match self.config.message_model {
            MessageModel::Clustering => {
                Arc::new(RemoteBrokerOffsetStore::new(Arc::clone(instance), group))
            }
            MessageModel::Broadcasting => Arc::new(LocalFileOffsetStore::new(
                client_config.local_offset_store_dir.clone(),
                instance.client_id(),
                group,
            )),
        };
        offset_store.load()?;
        Ok(offset_store)
    }

    /// The `ConsumeMessageConcurrentlyService` that runs the listener;
    /// `maxReconsumeTimes = -1` means 16.
    fn create_consume_service(
        &self,
        instance: &Arc<MQClientInstance>,
        listener: Arc<dyn MessageListenerConcurrently>,
        offset_store: &Arc<dyn OffsetStore>,
    ) -> ConsumeMessageConcurrentlyService {
        let config = &self.config;
        let max_reconsume_times = if config.max_reconsume_times < 0 {
            16
        } else {
            config.max_reconsume_times
        };
        ConsumeMessageConcurrentlyService::new(
            ConsumeServiceConfig {
                consumer_group: config.consumer_group.clone(),
                message_model: config.message_model,
                consume_thread_max: config.consume_thread_max,
                consume_message_batch_max_size: config.consume_message_batch_max_size,
                max_reconsume_times,
            },
            listener,
            Arc::clone(offset_store),
            Arc::clone(instance),
        )
    }

    /// Java `updateTopicSubscribeInfoWhenSubscriptionChanged`: learn the
    /// queues of every subscribed topic now rather than in 30 s.
    async fn update_topic_subscribe_info(&self, instance: &MQClientInstance) {
        let topics: Vec<String> = self
            .running
            .get()
            .map(|r| {
                r.rebalance
                    .subscriptions()
                    .into_iter()
                    .map(|s| s.topic)
                    .collect()
            })
            .unwrap_or_default();
        for topic in topics {
            instance
                .update_topic_route_info_from_name_server_for(&topic, None)
                .await;
        }
    }

    pub(super) async fn shutdown(&self) {
        if self.stopped.swap(true, Ordering::AcqRel) {
            return;
        }
        let Some(running) = self.running.get() else {
            return;
        };
        running.pull_service.shutdown();
        // Let the listener calls in flight finish, so their offsets count.
        let deadline = tokio::time::Instant::now() + self.config.await_termination_when_shutdown;
        let table = running.rebalance.process_queue_table();
        while tokio::time::Instant::now() < deadline && table.values().any(|pq| pq.msg_count() > 0)
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        running
            .consume_service
            .shutdown(left.max(Duration::from_millis(100)))
            .await;
        let owned = running.rebalance.owned_queues();
        running.offset_store.persist_all(&owned, true).await;
        running.rebalance.drop_all();
        running
            .instance
            .unregister_consumer(&self.config.consumer_group)
            .await;
        tracing::info!(group = %self.config.consumer_group, "push consumer shut down");
    }

    /// Java `DefaultMQPushConsumerImpl#pullMessage`: one turn of the loop for
    /// one queue — check the queue, apply flow control, pull, then hand the
    /// result to [`on_pull_success`](Self::on_pull_success) or try again later.
    async fn pull_message(self: Arc<Self>, request: PullRequest) {
        let Some(running) = self.running.get() else {
            return;
        };
        let pq = Arc::clone(&request.process_queue);
        if pq.is_dropped() || self.stopped.load(Ordering::Acquire) {
            return;
        }
        pq.touch_last_pull();
        if let Some(delay) = self.pull_delay(&request) {
            running
                .pull_service
                .execute_pull_request_later(request, delay);
            return;
        }
        let retry_later = self.config.pull_time_delay_when_exception;
        let mq = &request.message_queue;
        let Some(subscription) = running.rebalance.subscription(&mq.topic) else {
            running
                .pull_service
                .execute_pull_request_later(request, retry_later);
            return;
        };
        let commit_offset = match self.config.message_model {
            MessageModel::Clustering => {
                running
                    .offset_store
                    .read_offset(mq, ReadOffsetType::ReadFromMemory)
                    .await
            }
            MessageModel::Broadcasting => 0,
        };
        let pulled = self
            .pull_api_wrapper
            .pull_kernel_impl(
                &running.instance,
                PullArgs {
                    mq,
                    consumer_group: &self.config.consumer_group,
                    subscription: &subscription,
                    offset: request.next_offset,
                    max_nums: self.config.pull_batch_size,
                    commit_offset,
                    broker_suspend_max_time: BROKER_SUSPEND_MAX_TIME,
                    timeout: CONSUMER_TIMEOUT_WHEN_SUSPEND,
                },
            )
            .await;
        match pulled {
            Ok(result) => self.on_pull_success(running, request, result),
            // Java `PullCallback#onException`.
            Err(e) => {
                match e {
                    PullError::BrokerNotFound => {
                        tracing::warn!(%mq, "pull: broker not in the route cache, retrying later")
                    }
                    PullError::Remote { broker_addr, error } => {
                        if !self.stopped.load(Ordering::Acquire) {
                            tracing::warn!(%mq, broker = %broker_addr, error = %error, "pull failed, retrying later");
                        }
                    }
                }
                running
                    .pull_service
                    .execute_pull_request_later(request, retry_later);
            }
        }
    }

    /// Why this queue should not be pulled now, as the delay before the next
    /// try: the consumer is paused, or — flow control — its listener has not
    /// caught up (too many messages, too many MiB, or too wide an offset span
    /// waiting in the process queue).
    fn pull_delay(&self, request: &PullRequest) -> Option<Duration> {
        if self.paused.load(Ordering::Acquire) {
            return Some(PULL_DELAY_WHEN_SUSPEND);
        }
        let pq = &request.process_queue;
        let size_mib = pq.msg_size() / (1024 * 1024);
        if pq.msg_count() > self.config.pull_threshold_for_queue
            || size_mib > self.config.pull_threshold_size_for_queue_mib
            || pq.max_span() > self.config.consume_concurrently_max_span
        {
            tracing::trace!(mq = %request.message_queue, count = pq.msg_count(), "flow control: pull later");
            return Some(PULL_DELAY_WHEN_FLOW_CONTROL);
        }
        None
    }

    /// Java `PullCallback#onSuccess`: by status, submit what was found to
    /// the consume service and pull again, or move past a filtered-out
    /// range, or restart a queue whose offset the broker rejected.
    fn on_pull_success(
        self: &Arc<Self>,
        running: &Running,
        mut request: PullRequest,
        result: PullResult,
    ) {
        let pq = Arc::clone(&request.process_queue);
        let mq = request.message_queue.clone();
        match result.pull_status {
            PullStatus::Found => {
                request.next_offset = result.next_begin_offset;
                if result.msg_found_list.is_empty() {
                    // Everything was filtered out by tag: move on at once.
                    running
                        .pull_service
                        .execute_pull_request_immediately(request);
                    return;
                }
                pq.put_message(&result.msg_found_list);
                running
                    .consume_service
                    .submit_consume_request(result.msg_found_list, pq, &mq);
                if self.config.pull_interval.is_zero() {
                    running
                        .pull_service
                        .execute_pull_request_immediately(request);
                } else {
                    running
                        .pull_service
                        .execute_pull_request_later(request, self.config.pull_interval);
                }
            }
            PullStatus::NoNewMsg | PullStatus::NoMatchedMsg => {
                request.next_offset = result.next_begin_offset;
                // Java `correctTagsOffset`: nothing waits in the queue, so
                // the filtered-out range counts as consumed.
                if pq.msg_count() == 0 {
                    running
                        .offset_store
                        .update_offset(&mq, request.next_offset, true);
                }
                running
                    .pull_service
                    .execute_pull_request_immediately(request);
            }
            PullStatus::OffsetIllegal => {
                tracing::warn!(%mq, wrong = request.next_offset, corrected = result.next_begin_offset, "pull: offset illegal, restarting the queue");
                pq.set_dropped(true);
                let next_offset = result.next_begin_offset;
                let me = Arc::clone(self);
                tokio::spawn(async move {
                    tokio::time::sleep(OFFSET_ILLEGAL_RESTART_DELAY).await;
                    let Some(running) = me.running.get() else {
                        return;
                    };
                    running.offset_store.update_offset(&mq, next_offset, false);
                    running.offset_store.persist(&mq).await;
                    running.rebalance.remove_process_queue(&mq);
                });
            }
        }
    }
}

impl MQConsumerInner for DefaultMQPushConsumerImpl {
    fn group_name(&self) -> &str {
        &self.config.consumer_group
    }

    fn message_model(&self) -> MessageModel {
        self.config.message_model
    }

    fn consume_type(&self) -> ConsumeType {
        ConsumeType::ConsumePassively
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
            if self.stopped.load(Ordering::Acquire) {
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
                let owned = running.rebalance.owned_queues();
                running.offset_store.persist_all(&owned, false).await;
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
        topic: &'a str,
        offsets: &'a [(MessageQueue, i64)],
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let Some(running) = self.running.get() else {
                return;
            };
            // Drop the queues first so no in-flight result moves the offset
            // past the reset, then set and persist the new positions; the
            // next rebalance restarts the queues from there.
            for (mq, offset) in offsets.iter().filter(|(mq, _)| mq.topic == topic) {
                running.rebalance.remove_process_queue(mq);
                running.offset_store.update_offset(mq, *offset, false);
                running.offset_store.persist(mq).await;
            }
            running.instance.rebalance_immediately();
        })
    }
}
