//! The producer's public face — Java `DefaultMQProducer`: settings, a
//! builder, `start`/`shutdown` and the send methods. The send path itself
//! lives in [`DefaultMQProducerImpl`](super::default_mq_producer_impl), as
//! in Java.
//!
//! ```no_run
//! # async fn demo() -> Result<(), mini_rocketmq::client::exception::MQClientError> {
//! use mini_rocketmq::client::producer::DefaultMQProducer;
//! use mini_rocketmq::common::message::Message;
//!
//! let producer = DefaultMQProducer::builder()
//!     .producer_group("please_rename_unique_group_name")
//!     .namesrv_addr("127.0.0.1:9876")
//!     .build();
//! producer.start().await?;
//! let msg = Message::new("TopicTest", "Hello RocketMQ").with_tags("TagA").with_keys(["order-1"]);
//! let result = producer.send(msg).await?;
//! println!("{result}");
//! producer.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! ## Sync, async, oneway
//!
//! Java's three modes differ in who waits. Here [`DefaultMQProducer::send`]
//! is an `async fn` — "sync" means the caller awaits the broker's answer —
//! which already leaves the thread free. [`DefaultMQProducer::send_async`]
//! is Java's callback form: it returns at once and calls the closure with the
//! result later (a tokio task per message). [`DefaultMQProducer::send_oneway`]
//! writes the request and does not wait for, or get, any answer.
//!
//! ## Cost per message
//!
//! `DefaultMQProducer` is a cheap `Clone` (an `Arc`): give every sender task a
//! clone and they all share one client instance, hence one connection per
//! broker, with requests pipelined by opaque. On the hot path the route is
//! one read lock and an `Arc` clone, the queue is one atomic increment, and
//! the broker address an `Arc<str>` clone.

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;

use crate::client::client_config::ClientConfig;
use crate::client::client_instance::MQClientInstance;
use crate::client::exception::{MQClientError, MQResult};
use crate::client::mq_client_api::CommunicationMode;
use crate::client::mq_client_api::send_result::SendResult;
use crate::client::mq_client_manager::MQClientManager;
use crate::client::producer::default_mq_producer_impl::DefaultMQProducerImpl;
pub use crate::client::producer::default_mq_producer_impl::ProducerConfig;
use crate::client::producer::latency_fault_tolerance::MQFaultStrategy;
use crate::client::producer::message_queue_selector::MessageQueueSelector;
use crate::common::message::Message;
use crate::common::message_queue::MessageQueue;
use crate::common::topic_validator;

/// Builds a [`DefaultMQProducer`]; every setter is optional.
#[derive(Debug, Default)]
pub struct ProducerBuilder {
    config: ProducerConfig,
}

impl ProducerBuilder {
    pub fn producer_group(mut self, group: impl Into<String>) -> Self {
        self.config.producer_group = group.into();
        self
    }
    pub fn namesrv_addr(mut self, addr: impl Into<String>) -> Self {
        self.config.client_config.namesrv_addr = addr.into();
        self
    }
    pub fn instance_name(mut self, name: impl Into<String>) -> Self {
        self.config.client_config.instance_name = name.into();
        self
    }
    pub fn send_msg_timeout(mut self, timeout: Duration) -> Self {
        self.config.send_msg_timeout = timeout;
        self
    }
    pub fn retry_times_when_send_failed(mut self, times: u32) -> Self {
        self.config.retry_times_when_send_failed = times;
        self
    }
    pub fn send_latency_fault_enable(mut self, enable: bool) -> Self {
        self.config.send_latency_fault_enable = enable;
        self
    }
    pub fn default_topic_queue_nums(mut self, nums: i32) -> Self {
        self.config.default_topic_queue_nums = nums;
        self
    }
    /// Replaces the client settings (periods, timeouts, name servers).
    pub fn client_config(mut self, config: ClientConfig) -> Self {
        self.config.client_config = config;
        self
    }
    pub fn build(self) -> DefaultMQProducer {
        DefaultMQProducer::with_config(self.config)
    }
}

/// Java `DefaultMQProducer`. Clone it freely: clones share everything.
#[derive(Clone)]
pub struct DefaultMQProducer {
    inner: Arc<DefaultMQProducerImpl>,
}

impl std::fmt::Debug for DefaultMQProducer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultMQProducer")
            .field("producer_group", &self.inner.config.producer_group)
            .finish_non_exhaustive()
    }
}

impl DefaultMQProducer {
    /// A producer of `group` with every other setting at its default
    /// (name servers from `NAMESRV_ADDR`).
    pub fn new(group: impl Into<String>) -> Self {
        Self::builder().producer_group(group).build()
    }

    pub fn builder() -> ProducerBuilder {
        ProducerBuilder::default()
    }

    pub fn with_config(config: ProducerConfig) -> Self {
        let fault_strategy = MQFaultStrategy::new(config.send_latency_fault_enable);
        DefaultMQProducer {
            inner: Arc::new(DefaultMQProducerImpl {
                config,
                fault_strategy,
                instance: Mutex::new(None),
            }),
        }
    }

    pub fn config(&self) -> &ProducerConfig {
        &self.inner.config
    }

    /// Java `start()`: checks the group name, joins (or creates) the client
    /// instance for this config's client id and registers the group there.
    /// Must run inside a tokio runtime (the instance spawns its timers).
    pub async fn start(&self) -> MQResult<()> {
        let config = &self.inner.config;
        topic_validator::validate_group(&config.producer_group)
            .map_err(|e| MQClientError::client(e.to_string()))?;
        if config.client_config.namesrv_addr_list().is_empty() {
            return Err(MQClientError::client(
                "no name server address: set namesrv_addr or the NAMESRV_ADDR environment variable",
            ));
        }
        let mut client_config = config.client_config.clone();
        client_config.change_instance_name_to_pid();
        let instance = MQClientManager::get_or_create(&client_config);
        instance.register_producer(&config.producer_group)?;
        instance.start();
        *self.inner.instance.lock() = Some(Arc::clone(&instance));
        // Tell the brokers we already know about (none on a fresh instance).
        instance.send_heartbeat_to_all_broker_with_lock().await;
        tracing::info!(group = %config.producer_group, client_id = instance.client_id(), "producer started");
        Ok(())
    }

    /// Java `shutdown()`: unregisters the group (the brokers forget it) and
    /// stops the client instance if nothing else uses it.
    pub async fn shutdown(&self) {
        let instance = self.inner.instance.lock().take();
        if let Some(instance) = instance {
            instance
                .unregister_producer(&self.inner.config.producer_group)
                .await;
        }
    }

    /// The client instance, once started.
    pub fn client_instance(&self) -> MQResult<Arc<MQClientInstance>> {
        self.inner
            .instance
            .lock()
            .clone()
            .ok_or_else(|| MQClientError::client("the producer is not started: call start() first"))
    }

    // ----- the three modes --------------------------------------------------

    /// Sends and waits for the broker's answer (Java `send(msg)`).
    pub async fn send(&self, msg: Message) -> MQResult<SendResult> {
        let timeout = self.inner.config.send_msg_timeout;
        self.inner
            .send_default_impl(msg, CommunicationMode::Sync, timeout)
            .await
    }

    /// Like [`send`](Self::send) with an explicit deadline.
    pub async fn send_with_timeout(&self, msg: Message, timeout: Duration) -> MQResult<SendResult> {
        self.inner
            .send_default_impl(msg, CommunicationMode::Sync, timeout)
            .await
    }

    /// Java `send(msg, SendCallback)`: returns at once; `callback` runs with
    /// the result when the broker answers (or the retries run out).
    pub fn send_async<F>(&self, msg: Message, callback: F)
    where
        F: FnOnce(MQResult<SendResult>) + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::spawn(async move {
            let timeout = inner.config.send_msg_timeout;
            let result = inner
                .send_default_impl(msg, CommunicationMode::Async, timeout)
                .await;
            callback(result);
        });
    }

    /// Java `sendOneway(msg)`: no answer, no retry, no result — the
    /// fastest and least safe mode (logs, metrics).
    pub async fn send_oneway(&self, msg: Message) -> MQResult<()> {
        let timeout = self.inner.config.send_msg_timeout;
        self.inner
            .send_default_impl(msg, CommunicationMode::Oneway, timeout)
            .await
            .map(|_| ())
    }

    /// Java `send(msg, mq)`: to this exact queue, no retry elsewhere (the
    /// caller chose the queue for a reason, usually ordering).
    pub async fn send_to_queue(&self, msg: Message, mq: &MessageQueue) -> MQResult<SendResult> {
        self.inner
            .send_to_queue(msg, mq, CommunicationMode::Sync)
            .await
    }

    /// Java `send(msg, selector, arg)`: the selector picks the queue from the
    /// topic's queue list — e.g. `SelectMessageQueueByHash(order_id)` keeps
    /// every message of one order in one queue, hence in order.
    pub async fn send_with_selector(
        &self,
        msg: Message,
        selector: &dyn MessageQueueSelector,
    ) -> MQResult<SendResult> {
        let inner = &self.inner;
        inner.check_message(&msg)?;
        let info = inner.find_publish_info(&msg.topic).await?;
        let index = selector.select(&info.message_queue_list, &msg);
        // `find_publish_info` only returns an info with at least one queue
        // (`TopicPublishInfo::ok`), so the modulo is well defined.
        let mq = info.message_queue_list[index % info.message_queue_list.len()].clone();
        inner.send_to_queue(msg, &mq, CommunicationMode::Sync).await
    }

    /// Java `send(Collection<Message>)`: one SEND_BATCH_MESSAGE request.
    /// All messages must share one topic; none may be delayed or go to a
    /// retry topic (the broker stores a batch as consecutive records of one
    /// queue). Each message gets its own UNIQ_KEY; the result's `msg_id`
    /// lists them comma-separated.
    pub async fn send_batch(&self, msgs: Vec<Message>) -> MQResult<SendResult> {
        let timeout = self.inner.config.send_msg_timeout;
        self.inner.send_batch(msgs, None, timeout).await
    }

    /// A batch to one chosen queue.
    pub async fn send_batch_to_queue(
        &self,
        msgs: Vec<Message>,
        mq: &MessageQueue,
    ) -> MQResult<SendResult> {
        let timeout = self.inner.config.send_msg_timeout;
        self.inner.send_batch(msgs, Some(mq), timeout).await
    }

    /// Java `fetchPublishMessageQueues`: the queues a message of `topic` may
    /// go to (route lookup included).
    pub async fn fetch_publish_message_queues(&self, topic: &str) -> MQResult<Vec<MessageQueue>> {
        Ok(self
            .inner
            .find_publish_info(topic)
            .await?
            .message_queue_list
            .clone())
    }

    /// The fault strategy, for tests and diagnostics.
    pub fn fault_strategy(&self) -> &MQFaultStrategy {
        &self.inner.fault_strategy
    }
}
