//! A consumer the application drives — Java `DefaultLitePullConsumer`
//! (with `DefaultLitePullConsumerImpl` and `RebalanceLitePullImpl`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), mini_rocketmq::client::exception::MQClientError> {
//! use std::time::Duration;
//! use mini_rocketmq::client::consumer::lite_pull_consumer::DefaultLitePullConsumer;
//!
//! let consumer = DefaultLitePullConsumer::builder()
//!     .consumer_group("lite_group")
//!     .namesrv_addr("127.0.0.1:9876")
//!     .build();
//! consumer.subscribe("TopicTest", "*")?;   // or consumer.assign(queues)
//! consumer.start().await?;
//! loop {
//!     let msgs = consumer.poll(Duration::from_secs(1)).await;
//!     if msgs.is_empty() { break; }
//!     // … process …
//!     consumer.commit_sync().await;          // or rely on auto-commit
//! }
//! consumer.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Instead of calling a listener, a background *pull task* per queue keeps a
//! buffer filled (long-polling the broker like the push consumer does), and
//! [`poll`](DefaultLitePullConsumer::poll) hands out what has arrived. Two
//! positions are tracked per queue:
//!
//! * the **consume offset** — how far `poll` has handed messages out; it
//!   moves as soon as `poll` returns them;
//! * the **committed offset** — what the offset store (the broker) has;
//!   `commit_sync` copies the consume offsets there, and with `auto_commit`
//!   (the default) `poll` does it itself every `auto_commit_interval` (5 s).
//!
//! So a message is committed only on a `poll` *after* the one that returned
//! it: a crash between the two redelivers it (at-least-once).
//!
//! Queues come either from `subscribe` (rebalance shares them with the rest
//! of the group, like the push consumer) or from `assign` (the application
//! names them, no group coordination at all).
//!
//! The engine is in [`lite_pull_consumer_impl`](super::lite_pull_consumer_impl),
//! its rebalance callbacks in [`rebalance_lite_pull_impl`](super::rebalance_lite_pull_impl).

use std::sync::Arc;
use std::time::Duration;

use crate::client::client_config::ClientConfig;
use crate::client::consumer::lite_pull_consumer_impl::DefaultLitePullConsumerImpl;
pub use crate::client::consumer::lite_pull_consumer_impl::LitePullConsumerConfig;
use crate::client::consumer::message_model::ConsumeFromWhere;
use crate::client::consumer::offset_store::ReadOffsetType;
use crate::client::exception::{MQClientError, MQResult};
use crate::client::mq_admin_impl::MQAdminImpl;
use crate::common::message::MessageExt;
use crate::common::message_queue::MessageQueue;
use crate::common::topic_validator;

/// Builds a [`DefaultLitePullConsumer`].
#[derive(Default)]
pub struct LitePullConsumerBuilder {
    config: LitePullConsumerConfig,
}

impl LitePullConsumerBuilder {
    pub fn consumer_group(mut self, group: impl Into<String>) -> Self {
        self.config.consumer_group = group.into();
        self
    }
    pub fn namesrv_addr(mut self, addr: impl Into<String>) -> Self {
        self.config.client_config.namesrv_addr = addr.into();
        self
    }
    pub fn consume_from_where(mut self, from: ConsumeFromWhere) -> Self {
        self.config.consume_from_where = from;
        self
    }
    pub fn pull_batch_size(mut self, n: i32) -> Self {
        self.config.pull_batch_size = n;
        self
    }
    pub fn auto_commit(mut self, enable: bool) -> Self {
        self.config.auto_commit = enable;
        self
    }
    pub fn client_config(mut self, config: ClientConfig) -> Self {
        self.config.client_config = config;
        self
    }
    pub fn build(self) -> DefaultLitePullConsumer {
        DefaultLitePullConsumer::with_config(self.config)
    }
}

/// Java `DefaultLitePullConsumer`. Clones share the consumer.
#[derive(Clone)]
pub struct DefaultLitePullConsumer {
    inner: Arc<DefaultLitePullConsumerImpl>,
}

impl DefaultLitePullConsumer {
    pub fn new(group: impl Into<String>) -> Self {
        Self::builder().consumer_group(group).build()
    }

    pub fn builder() -> LitePullConsumerBuilder {
        LitePullConsumerBuilder::default()
    }

    pub fn with_config(config: LitePullConsumerConfig) -> Self {
        DefaultLitePullConsumer {
            inner: DefaultLitePullConsumerImpl::new(config),
        }
    }

    /// Subscribe mode: the group shares the topic's queues (before start).
    pub fn subscribe(&self, topic: &str, expression: &str) -> MQResult<()> {
        topic_validator::validate_topic(topic).map_err(|e| MQClientError::client(e.to_string()))?;
        if self.inner.assigned_by_user.lock().is_some() {
            return Err(MQClientError::client("subscribe and assign are exclusive"));
        }
        self.inner
            .subscriptions
            .lock()
            .insert(topic.to_string(), expression.to_string());
        Ok(())
    }

    /// Assign mode: consume exactly these queues, no rebalance (Java
    /// `assign`). May be called before or after start.
    pub async fn assign(&self, mqs: Vec<MessageQueue>) -> MQResult<()> {
        if !self.inner.subscriptions.lock().is_empty() {
            return Err(MQClientError::client("subscribe and assign are exclusive"));
        }
        *self.inner.assigned_by_user.lock() = Some(mqs.clone());
        if self.inner.running.get().is_some() {
            self.inner.apply_assignment(mqs).await;
        }
        Ok(())
    }

    /// The queues of `topic` (for building an assignment).
    pub async fn fetch_message_queues(&self, topic: &str) -> MQResult<Vec<MessageQueue>> {
        let running = self.inner.running()?;
        MQAdminImpl::new(&running.instance)
            .fetch_subscribe_message_queues(topic)
            .await
    }

    pub async fn start(&self) -> MQResult<()> {
        self.inner.start().await
    }

    /// Waits up to `timeout` for messages and returns them (empty on timeout).
    pub async fn poll(&self, timeout: Duration) -> Vec<Arc<MessageExt>> {
        self.inner.poll(timeout).await
    }

    /// Commits every queue's consume offset to the broker and waits for the
    /// answer.
    pub async fn commit_sync(&self) {
        self.inner.commit_all(true).await;
    }

    /// Moves a queue's read position; buffered messages of it are dropped.
    pub async fn seek(&self, mq: &MessageQueue, offset: i64) -> MQResult<()> {
        self.inner.seek(mq, offset).await
    }

    /// The queues held now.
    pub fn assignment(&self) -> Vec<MessageQueue> {
        self.inner.queues.lock().keys().cloned().collect()
    }

    /// The committed offset of a queue as the broker has it.
    pub async fn committed(&self, mq: &MessageQueue) -> MQResult<i64> {
        let running = self.inner.running()?;
        Ok(running
            .offset_store
            .read_offset(mq, ReadOffsetType::ReadFromStore)
            .await)
    }

    /// Commits (with auto-commit on), stops the pull tasks and leaves the group.
    pub async fn shutdown(&self) {
        self.inner.shutdown().await;
    }
}
