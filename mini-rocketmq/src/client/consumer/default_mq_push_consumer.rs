//! The push consumer's public face — Java `DefaultMQPushConsumer`:
//! settings, a builder, `subscribe`, the listener, `start`/`shutdown`. The
//! engine is [`DefaultMQPushConsumerImpl`](super::default_mq_push_consumer_impl).
//!
//! ```no_run
//! # async fn demo() -> Result<(), mini_rocketmq::client::exception::MQClientError> {
//! use mini_rocketmq::client::consumer::DefaultMQPushConsumer;
//! use mini_rocketmq::client::consumer::listener::ConsumeConcurrentlyStatus;
//!
//! let consumer = DefaultMQPushConsumer::builder()
//!     .consumer_group("please_rename_unique_group_name")
//!     .namesrv_addr("127.0.0.1:9876")
//!     .build();
//! consumer.subscribe("TopicTest", "TagA || TagB")?;
//! consumer.register_message_listener_concurrently(|msgs, _ctx| async move {
//!     println!("received {} message(s)", msgs.len());
//!     ConsumeConcurrentlyStatus::ConsumeSuccess
//! });
//! consumer.start().await?;
//! // … run …
//! consumer.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! ## The moving parts
//!
//! | part | file | job |
//! |---|---|---|
//! | `RebalanceImpl` + [`RebalanceHooks`] impl below | `rebalance_impl.rs` | which queues are ours; start/stop them |
//! | `PullMessageService` | `pull_message_service.rs` | one circulating pull request per queue |
//! | `pull_message` below | here | flow control, the PULL_MESSAGE call, what to do with the answer |
//! | `ProcessQueue` | `process_queue.rs` | the per-queue buffer and commit point |
//! | `ConsumeMessageConcurrentlyService` | `consume_message_concurrently_service.rs` | run the listener, settle the result |
//! | `OffsetStore` | `offset_store.rs` | remember where we are, persist every 5 s |
//!

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::client::client_config::ClientConfig;
use crate::client::client_instance::MQClientInstance;
use crate::client::consumer::allocate_message_queue::AllocateMessageQueueStrategy;
use crate::client::consumer::default_mq_push_consumer_impl::DefaultMQPushConsumerImpl;
pub use crate::client::consumer::default_mq_push_consumer_impl::PushConsumerConfig;
use crate::client::consumer::listener::{
    ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus, MessageListenerConcurrently,
};
use crate::client::consumer::message_model::{ConsumeFromWhere, MessageModel};
use crate::client::exception::{MQClientError, MQResult};
use crate::client::now_millis;
use crate::common::message::MessageExt;
use crate::common::message_queue::MessageQueue;
use crate::common::topic_validator;
use crate::remoting::protocol::body::heartbeat_data::SubscriptionData;

/// Builds a [`DefaultMQPushConsumer`].
#[derive(Debug, Default)]
pub struct PushConsumerBuilder {
    config: PushConsumerConfig,
}

impl PushConsumerBuilder {
    pub fn consumer_group(mut self, group: impl Into<String>) -> Self {
        self.config.consumer_group = group.into();
        self
    }
    pub fn namesrv_addr(mut self, addr: impl Into<String>) -> Self {
        self.config.client_config.namesrv_addr = addr.into();
        self
    }
    pub fn message_model(mut self, model: MessageModel) -> Self {
        self.config.message_model = model;
        self
    }
    pub fn consume_from_where(mut self, from: ConsumeFromWhere) -> Self {
        self.config.consume_from_where = from;
        self
    }
    pub fn consume_timestamp(mut self, unix_ms: i64) -> Self {
        self.config.consume_timestamp = Some(unix_ms);
        self
    }
    pub fn allocate_message_queue_strategy(
        mut self,
        strategy: Arc<dyn AllocateMessageQueueStrategy>,
    ) -> Self {
        self.config.allocate_message_queue_strategy = strategy;
        self
    }
    pub fn consume_thread_max(mut self, n: usize) -> Self {
        self.config.consume_thread_max = n;
        self
    }
    pub fn consume_message_batch_max_size(mut self, n: usize) -> Self {
        self.config.consume_message_batch_max_size = n;
        self
    }
    pub fn pull_batch_size(mut self, n: i32) -> Self {
        self.config.pull_batch_size = n;
        self
    }
    pub fn pull_threshold_for_queue(mut self, n: i64) -> Self {
        self.config.pull_threshold_for_queue = n;
        self
    }
    pub fn instance_name(mut self, name: impl Into<String>) -> Self {
        self.config.client_config.instance_name = name.into();
        self
    }
    /// Replaces the client settings (periods, timeouts, name servers).
    pub fn client_config(mut self, config: ClientConfig) -> Self {
        self.config.client_config = config;
        self
    }
    pub fn build(self) -> DefaultMQPushConsumer {
        DefaultMQPushConsumer::with_config(self.config)
    }
}

/// Java `DefaultMQPushConsumer`. Clones share the consumer.
#[derive(Clone)]
pub struct DefaultMQPushConsumer {
    inner: Arc<DefaultMQPushConsumerImpl>,
}

impl std::fmt::Debug for DefaultMQPushConsumer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultMQPushConsumer")
            .field("consumer_group", &self.inner.config.consumer_group)
            .finish_non_exhaustive()
    }
}

impl DefaultMQPushConsumer {
    /// A consumer of `group` with every other setting at its default.
    pub fn new(group: impl Into<String>) -> Self {
        Self::builder().consumer_group(group).build()
    }

    pub fn builder() -> PushConsumerBuilder {
        PushConsumerBuilder::default()
    }

    pub fn with_config(config: PushConsumerConfig) -> Self {
        DefaultMQPushConsumer {
            inner: DefaultMQPushConsumerImpl::new(config),
        }
    }

    pub fn config(&self) -> &PushConsumerConfig {
        &self.inner.config
    }

    /// Java `subscribe(topic, subExpression)`: `*` for every tag, or
    /// `TagA || TagB`. After start the new subscription is announced at once
    /// (heartbeat) and the next rebalance picks up its queues.
    pub fn subscribe(&self, topic: &str, expression: &str) -> MQResult<()> {
        topic_validator::validate_topic(topic).map_err(|e| MQClientError::client(e.to_string()))?;
        self.inner
            .subscriptions
            .lock()
            .insert(topic.to_string(), expression.to_string());
        if let Some(running) = self.inner.running.get() {
            running.rebalance.put_subscription(SubscriptionData::build(
                topic,
                expression,
                None,
                now_millis(),
            ));
            let instance = Arc::clone(&running.instance);
            let topic = topic.to_string();
            tokio::spawn(async move {
                instance
                    .update_topic_route_info_from_name_server_for(&topic, None)
                    .await;
                instance.send_heartbeat_to_all_broker_with_lock().await;
                instance.rebalance_immediately();
            });
        }
        Ok(())
    }

    /// Java `unsubscribe(topic)`.
    pub fn unsubscribe(&self, topic: &str) {
        self.inner.subscriptions.lock().remove(topic);
        if let Some(running) = self.inner.running.get() {
            running.rebalance.remove_subscription(topic);
            running.instance.rebalance_immediately();
        }
    }

    /// Java `registerMessageListener(MessageListenerConcurrently)`: an async
    /// closure `|msgs, ctx| async move { … ConsumeConcurrentlyStatus::ConsumeSuccess }`.
    pub fn register_message_listener_concurrently<F, Fut>(&self, listener: F)
    where
        F: Fn(Vec<Arc<MessageExt>>, ConsumeConcurrentlyContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ConsumeConcurrentlyStatus> + Send + 'static,
    {
        *self.inner.listener.lock() = Some(Arc::new(listener));
    }

    /// Registers a listener given as a trait object (a type implementing
    /// [`MessageListenerConcurrently`] by hand).
    pub fn register_message_listener(&self, listener: Arc<dyn MessageListenerConcurrently>) {
        *self.inner.listener.lock() = Some(listener);
    }

    /// Java `start()`.
    pub async fn start(&self) -> MQResult<()> {
        self.inner.start().await
    }

    /// Java `shutdown()`: stops pulling, lets running listener calls finish
    /// (up to `await_termination_when_shutdown`), commits the offsets to the
    /// broker and waits for the answer, then leaves the group — which makes
    /// the broker tell the remaining members to rebalance.
    pub async fn shutdown(&self) {
        self.inner.shutdown().await;
    }

    /// Java `suspend()`: stop pulling (the queues stay ours).
    pub fn suspend(&self) {
        self.inner.paused.store(true, Ordering::Release);
    }

    /// Java `resume()`.
    pub fn resume(&self) {
        self.inner.paused.store(false, Ordering::Release);
    }

    /// The queues this consumer holds now.
    pub fn assigned_queues(&self) -> Vec<MessageQueue> {
        self.inner
            .running
            .get()
            .map(|r| r.rebalance.owned_queues().into_iter().collect())
            .unwrap_or_default()
    }

    /// The in-memory offsets (what the next persist will send).
    pub fn offsets(&self) -> BTreeMap<MessageQueue, i64> {
        self.inner
            .running
            .get()
            .map(|r| r.offset_store.clone_offset_table(""))
            .unwrap_or_default()
    }

    /// The client instance, once started.
    pub fn client_instance(&self) -> Option<Arc<MQClientInstance>> {
        self.inner.running.get().map(|r| Arc::clone(&r.instance))
    }
}
