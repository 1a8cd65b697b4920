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
use crate::client::consumer::pull_api_wrapper::PullAPIWrapper;
use crate::client::consumer::pull_message_service::{PullMessageService, PullRequest};
use crate::client::consumer::rebalance_impl::RebalanceImpl;
use crate::client::exception::{MQClientError, MQResult};
use crate::client::mq_client_api::pull_result::PullStatus;
use crate::client::mq_client_manager::MQClientManager;
use crate::client::now_millis;
use crate::common::message_queue::MessageQueue;
use crate::common::mix_all;
use crate::common::sysflag::PullSysFlag;
use crate::common::topic_validator;
use crate::remoting::processor::BoxFuture;
use crate::remoting::protocol::body::heartbeat_data::SubscriptionData;
use crate::remoting::protocol::header::PullMessageRequestHeader;

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

    pub(super) async fn start(&self) -> MQResult<()> {
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

        let mut client_config = config.client_config.clone();
        if config.message_model == MessageModel::Clustering {
            client_config.change_instance_name_to_pid();
        }
        let instance = MQClientManager::get_or_create(&client_config);

        // Java `copySubscription`: the user's topics, plus — for clustering —
        // the group's retry topic, where RECONSUME_LATER messages come back.
        let rebalance = RebalanceImpl::new(
            &config.consumer_group,
            config.message_model,
            Arc::clone(&config.allocate_message_queue_strategy),
            Arc::clone(&instance),
        );
        let version = now_millis();
        for (topic, expression) in &subscriptions {
            rebalance.put_subscription(SubscriptionData::build(topic, expression, None, version));
        }
        if config.message_model == MessageModel::Clustering {
            let retry_topic = mix_all::get_retry_topic(&config.consumer_group);
            rebalance.put_subscription(SubscriptionData::build(&retry_topic, "*", None, version));
        }

        let offset_store: Arc<dyn OffsetStore> = match config.message_model {
            MessageModel::Clustering => Arc::new(RemoteBrokerOffsetStore::new(
                Arc::clone(&instance),
                &config.consumer_group,
            )),
            MessageModel::Broadcasting => Arc::new(LocalFileOffsetStore::new(
                client_config.local_offset_store_dir.clone(),
                instance.client_id(),
                &config.consumer_group,
            )),
        };
        offset_store.load()?;

        let max_reconsume_times = if config.max_reconsume_times < 0 {
            16
        } else {
            config.max_reconsume_times
        };
        let consume_service = ConsumeMessageConcurrentlyService::new(
            ConsumeServiceConfig {
                consumer_group: config.consumer_group.clone(),
                message_model: config.message_model,
                consume_thread_max: config.consume_thread_max,
                consume_message_batch_max_size: config.consume_message_batch_max_size,
                max_reconsume_times,
            },
            listener,
            Arc::clone(&offset_store),
            Arc::clone(&instance),
        );

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

        // Learn the queues of every subscribed topic, tell the brokers who
        // we are, and rebalance now rather than in 20 s.
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
        instance.send_heartbeat_to_all_broker_with_lock().await;
        instance.rebalance_immediately();
        tracing::info!(group = %config.consumer_group, client_id = instance.client_id(), model = %config.message_model, "push consumer started");
        Ok(())
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
    /// one queue.
    async fn pull_message(self: Arc<Self>, mut request: PullRequest) {
        let Some(running) = self.running.get() else {
            return;
        };
        let pq = Arc::clone(&request.process_queue);
        if pq.is_dropped() || self.stopped.load(Ordering::Acquire) {
            return;
        }
        pq.touch_last_pull();
        if self.paused.load(Ordering::Acquire) {
            running
                .pull_service
                .execute_pull_request_later(request, PULL_DELAY_WHEN_SUSPEND);
            return;
        }

        // Flow control: let the listener catch up before pulling more.
        let size_mib = pq.msg_size() / (1024 * 1024);
        if pq.msg_count() > self.config.pull_threshold_for_queue
            || size_mib > self.config.pull_threshold_size_for_queue_mib
            || pq.max_span() > self.config.consume_concurrently_max_span
        {
            tracing::trace!(mq = %request.message_queue, count = pq.msg_count(), "flow control: pull later");
            running
                .pull_service
                .execute_pull_request_later(request, PULL_DELAY_WHEN_FLOW_CONTROL);
            return;
        }

        let mq = request.message_queue.clone();
        let Some(subscription) = running.rebalance.subscription(&mq.topic) else {
            running
                .pull_service
                .execute_pull_request_later(request, self.config.pull_time_delay_when_exception);
            return;
        };

        let mut commit_offset = 0;
        if self.config.message_model == MessageModel::Clustering {
            commit_offset = running
                .offset_store
                .read_offset(&mq, ReadOffsetType::ReadFromMemory)
                .await;
        }
        let broker_id = self.pull_api_wrapper.recalculate_pull_from_which_node(&mq);
        let broker = match running.instance.find_broker_address_in_subscribe(
            &mq.broker_name,
            broker_id,
            false,
        ) {
            Some(broker) => broker,
            None => {
                running
                    .instance
                    .update_topic_route_info_from_name_server_for(&mq.topic, None)
                    .await;
                tracing::warn!(%mq, "pull: broker not in the route cache, retrying later");
                running.pull_service.execute_pull_request_later(
                    request,
                    self.config.pull_time_delay_when_exception,
                );
                return;
            }
        };
        // A slave must not move the group's offset; only masters take commits.
        let commit = commit_offset > 0 && !broker.slave;
        let sys_flag = PullSysFlag::build_sys_flag(commit, true, true, false);
        let header = PullMessageRequestHeader {
            consumer_group: self.config.consumer_group.clone(),
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            queue_offset: request.next_offset,
            max_msg_nums: self.config.pull_batch_size,
            sys_flag,
            commit_offset,
            suspend_timeout_millis: BROKER_SUSPEND_MAX_TIME.as_millis() as i64,
            subscription: Some(subscription.sub_string.clone()),
            sub_version: subscription.sub_version,
            expression_type: Some(subscription.expression_type.clone()),
            broker_name: Some(mq.broker_name.clone()),
            ..Default::default()
        };
        let outcome = running
            .instance
            .api()
            .pull_message(&broker.broker_addr, header, CONSUMER_TIMEOUT_WHEN_SUSPEND)
            .await;
        let (result, body) = match outcome {
            Ok(found) => found,
            Err(e) => {
                if !self.stopped.load(Ordering::Acquire) {
                    tracing::warn!(%mq, broker = %broker.broker_addr, error = %e, "pull failed, retrying later");
                }
                running.pull_service.execute_pull_request_later(
                    request,
                    self.config.pull_time_delay_when_exception,
                );
                return;
            }
        };
        let result = self.pull_api_wrapper.process_pull_result(
            &mq,
            &self.config.consumer_group,
            result,
            body,
            &subscription,
        );

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
                running.consume_service.submit_consume_request(
                    result.msg_found_list,
                    Arc::clone(&pq),
                    &mq,
                );
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
                request.next_offset = result.next_begin_offset;
                pq.set_dropped(true);
                let me = Arc::clone(&self);
                tokio::spawn(async move {
                    tokio::time::sleep(OFFSET_ILLEGAL_RESTART_DELAY).await;
                    let Some(running) = me.running.get() else {
                        return;
                    };
                    running
                        .offset_store
                        .update_offset(&mq, request.next_offset, false);
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
