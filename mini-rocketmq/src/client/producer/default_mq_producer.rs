//! The producer — Java `DefaultMQProducer` with its engine
//! `DefaultMQProducerImpl` folded in.
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
//! ## One send, step by step (`sendDefaultImpl` → `sendKernelImpl`)
//!
//! 1. **Check** the message: a legal topic the client may send to, a
//!    non-empty body no larger than `max_message_size` (Java `Validators`).
//! 2. **Route**: the cached `TopicPublishInfo`, or a name-server lookup, or —
//!    for a topic nobody created yet — `TBW102`'s route, so that the broker
//!    creates the topic when the message arrives (facts §6.3).
//! 3. **Pick a queue** with `MQFaultStrategy`: round robin, and never the
//!    broker the previous attempt of *this* send failed on.
//! 4. **Send** with a SEND_MESSAGE_V2 header (SEND_BATCH_MESSAGE for a batch).
//! 5. **On failure, retry** on another queue — up to
//!    `retry_times_when_send_failed` (2) more times — but only for failures
//!    another broker might not have: no answer at all, or the response codes
//!    of facts §3.1 (TOPIC_NOT_EXIST, SERVICE_NOT_AVAILABLE, SYSTEM_ERROR,
//!    SYSTEM_BUSY, NO_PERMISSION, NO_BUYER_ID, NOT_IN_CURRENT_UNIT, GO_AWAY).
//!    Any other code (a message the broker finds illegal, say) would fail
//!    the same way everywhere, so it is returned at once.
//!
//! The message keeps one `UNIQ_KEY` across retries: a retry after a lost
//! *response* may store the message twice, and the equal keys are how a
//! consumer can tell (RocketMQ is at-least-once).
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

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use parking_lot::Mutex;
use tokio::time::Instant;

use crate::client::client_config::ClientConfig;
use crate::client::client_instance::{MQClientInstance, MQClientManager};
use crate::client::exception::{MQClientError, MQResult};
use crate::client::mq_client_api::{CommunicationMode, SendRequest};
use crate::client::producer::latency_fault_tolerance::MQFaultStrategy;
use crate::client::producer::message_queue_selector::MessageQueueSelector;
use crate::client::producer::send_result::{SendResult, SendStatus};
use crate::client::topic_publish_info::TopicPublishInfo;
use crate::common::message::Message;
use crate::common::message_client_id;
use crate::common::message_decoder;
use crate::common::message_queue::MessageQueue;
use crate::common::mix_all;
use crate::common::sysflag::MessageSysFlag;
use crate::common::topic_validator;
use crate::remoting::code::response_code;
use crate::remoting::protocol::header::SendMessageRequestHeader;

/// Java `DefaultMQProducer`'s settings (the fields it adds to `ClientConfig`).
#[derive(Debug, Clone)]
pub struct ProducerConfig {
    /// Producers of one group are interchangeable for the broker (it picks
    /// any of them for a transaction check-back). Default `DEFAULT_PRODUCER`.
    pub producer_group: String,
    /// The template topic for auto-created topics (`TBW102`).
    pub create_topic_key: String,
    /// Queues per broker for an auto-created topic (4).
    pub default_topic_queue_nums: i32,
    /// Deadline of one whole send, retries included (3 s).
    pub send_msg_timeout: Duration,
    /// Bodies at least this large are zlib-compressed (4096 bytes).
    pub compress_msg_body_over_howmuch: usize,
    /// Extra attempts after a failed sync send (2, so 3 tries).
    pub retry_times_when_send_failed: u32,
    /// Extra attempts after a failed async send (2).
    pub retry_times_when_send_async_failed: u32,
    /// Also retry when the broker stored the message but reports a flush or
    /// slave timeout (false: such a message is stored; sending it again
    /// would duplicate it).
    pub retry_another_broker_when_not_store_ok: bool,
    /// Largest body accepted (4 MiB, the broker's default too).
    pub max_message_size: usize,
    /// Turns on the latency penalty box of `MQFaultStrategy` (false).
    pub send_latency_fault_enable: bool,
    pub client_config: ClientConfig,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        ProducerConfig {
            producer_group: mix_all::DEFAULT_PRODUCER_GROUP.to_string(),
            create_topic_key: topic_validator::AUTO_CREATE_TOPIC_KEY_TOPIC.to_string(),
            default_topic_queue_nums: 4,
            send_msg_timeout: Duration::from_secs(3),
            compress_msg_body_over_howmuch: 4096,
            retry_times_when_send_failed: 2,
            retry_times_when_send_async_failed: 2,
            retry_another_broker_when_not_store_ok: false,
            max_message_size: 4 * 1024 * 1024,
            send_latency_fault_enable: false,
            client_config: ClientConfig::default(),
        }
    }
}

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
    inner: Arc<ProducerInner>,
}

struct ProducerInner {
    config: ProducerConfig,
    fault_strategy: MQFaultStrategy,
    /// Set by `start`, cleared by `shutdown`.
    instance: Mutex<Option<Arc<MQClientInstance>>>,
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
            inner: Arc::new(ProducerInner {
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

/// A message ready to go: what `sendKernelImpl` computes once per send and
/// reuses across retries.
struct PreparedMessage {
    topic: String,
    body: Bytes,
    flag: i32,
    sys_flag: i32,
    properties: String,
    /// The UNIQ_KEY(s) reported back as `SendResult.msg_id`.
    msg_id: String,
    batch: bool,
}

impl ProducerInner {
    fn instance(&self) -> MQResult<Arc<MQClientInstance>> {
        self.instance
            .lock()
            .clone()
            .ok_or_else(|| MQClientError::client("the producer is not started: call start() first"))
    }

    /// Java `Validators.checkMessage`.
    fn check_message(&self, msg: &Message) -> MQResult<()> {
        topic_validator::validate_topic(&msg.topic).map_err(|e| {
            MQClientError::client_with_code(response_code::MESSAGE_ILLEGAL, e.to_string())
        })?;
        if topic_validator::is_not_allowed_send_topic(&msg.topic) {
            return Err(MQClientError::client_with_code(
                response_code::MESSAGE_ILLEGAL,
                format!("sending message to topic [{}] is forbidden", msg.topic),
            ));
        }
        if msg.body.is_empty() {
            return Err(MQClientError::client_with_code(
                response_code::MESSAGE_ILLEGAL,
                "the message body length is zero",
            ));
        }
        if msg.body.len() > self.config.max_message_size {
            return Err(MQClientError::client_with_code(
                response_code::MESSAGE_ILLEGAL,
                format!(
                    "the message body size over max value, MAX: {}",
                    self.config.max_message_size
                ),
            ));
        }
        Ok(())
    }

    async fn find_publish_info(&self, topic: &str) -> MQResult<Arc<TopicPublishInfo>> {
        let instance = self.instance()?;
        instance
            .try_to_find_topic_publish_info(topic, self.config.default_topic_queue_nums)
            .await
            .ok_or_else(|| no_route_error(topic, &self.config.client_config.namesrv_addr))
    }

    /// Sets the UNIQ_KEY, compresses a large body, and encodes the
    /// properties — once, before the first attempt.
    fn prepare(&self, mut msg: Message) -> PreparedMessage {
        message_client_id::set_uniq_id(&mut msg);
        let msg_id = msg.uniq_key().unwrap_or_default().to_string();
        let mut sys_flag = 0;
        let mut body = msg.body.clone();
        if body.len() >= self.config.compress_msg_body_over_howmuch
            && let Some(compressed) = zlib_compress(&body)
        {
            body = compressed;
            sys_flag |= MessageSysFlag::COMPRESSED_FLAG | MessageSysFlag::COMPRESSION_ZLIB_TYPE;
        }
        PreparedMessage {
            properties: message_decoder::message_properties_to_string(&msg.properties),
            topic: msg.topic,
            body,
            flag: msg.flag,
            sys_flag,
            msg_id,
            batch: false,
        }
    }

    /// Java `sendDefaultImpl`: route, pick, send, retry.
    async fn send_default_impl(
        &self,
        msg: Message,
        mode: CommunicationMode,
        timeout: Duration,
    ) -> MQResult<SendResult> {
        self.check_message(&msg)?;
        let begin = Instant::now();
        let info = self.find_publish_info(&msg.topic).await?;
        let prepared = self.prepare(msg);
        self.send_with_retries(&prepared, &info, mode, timeout, begin)
            .await
    }

    async fn send_with_retries(
        &self,
        prepared: &PreparedMessage,
        info: &TopicPublishInfo,
        mode: CommunicationMode,
        timeout: Duration,
        begin: Instant,
    ) -> MQResult<SendResult> {
        let times_total = match mode {
            CommunicationMode::Sync => 1 + self.config.retry_times_when_send_failed,
            CommunicationMode::Async => 1 + self.config.retry_times_when_send_async_failed,
            CommunicationMode::Oneway => 1,
        };
        let mut last_broker: Option<String> = None;
        let mut brokers_sent: Vec<String> = Vec::new();
        let mut last_error: Option<MQClientError> = None;
        for attempt in 0..times_total {
            let Some(mq) = self
                .fault_strategy
                .select_one_message_queue(info, last_broker.as_deref())
            else {
                break;
            };
            let elapsed = begin.elapsed();
            if elapsed >= timeout {
                // Java stops retrying once the whole send is over its budget.
                last_error = Some(MQClientError::client(format!(
                    "send timeout: {} ms elapsed, budget {} ms",
                    elapsed.as_millis(),
                    timeout.as_millis()
                )));
                break;
            }
            let attempt_start = Instant::now();
            let result = self
                .send_kernel_impl(prepared, &mq, mode, timeout - elapsed)
                .await;
            let latency = attempt_start.elapsed().as_millis() as u64;
            brokers_sent.push(mq.broker_name.clone());
            match result {
                Ok(send_result) => {
                    self.fault_strategy
                        .update_fault_item(&mq.broker_name, latency, false, true);
                    let stored_but_not_ok = send_result.send_status != SendStatus::SendOk;
                    if stored_but_not_ok
                        && self.config.retry_another_broker_when_not_store_ok
                        && attempt + 1 < times_total
                    {
                        last_broker = Some(mq.broker_name.clone());
                        continue;
                    }
                    return Ok(send_result);
                }
                Err(e) => {
                    let reachable =
                        !matches!(&e, MQClientError::Remoting(r) if r.is_connection_failure());
                    self.fault_strategy.update_fault_item(
                        &mq.broker_name,
                        latency,
                        true,
                        reachable,
                    );
                    if !is_retryable(&e) {
                        return Err(e);
                    }
                    tracing::debug!(
                        topic = %prepared.topic, broker = %mq.broker_name, attempt, error = %e,
                        "send attempt failed, trying another queue"
                    );
                    last_broker = Some(mq.broker_name.clone());
                    last_error = Some(e);
                }
            }
        }
        let cause = last_error.map_or_else(|| "no queue available".to_string(), |e| e.to_string());
        let code = response_code::SYSTEM_ERROR;
        Err(MQClientError::client_with_code(
            code,
            format!(
                "send [{}] times, still failed, cost [{}]ms, topic: {}, brokers sent: {:?}: {}",
                brokers_sent.len(),
                begin.elapsed().as_millis(),
                prepared.topic,
                brokers_sent,
                cause
            ),
        ))
    }

    /// Java `sendKernelImpl`: one attempt to one queue.
    async fn send_kernel_impl(
        &self,
        prepared: &PreparedMessage,
        mq: &MessageQueue,
        mode: CommunicationMode,
        timeout: Duration,
    ) -> MQResult<SendResult> {
        let instance = self.instance()?;
        let addr = match instance.find_broker_address_in_publish(&mq.broker_name) {
            Some(addr) => addr,
            None => {
                instance
                    .try_to_find_topic_publish_info(&mq.topic, self.config.default_topic_queue_nums)
                    .await;
                instance
                    .find_broker_address_in_publish(&mq.broker_name)
                    .ok_or_else(|| {
                        MQClientError::client(format!(
                            "the broker [{}] does not exist",
                            mq.broker_name
                        ))
                    })?
            }
        };
        let header = SendMessageRequestHeader {
            producer_group: self.config.producer_group.clone(),
            topic: prepared.topic.clone(),
            default_topic: self.config.create_topic_key.clone(),
            default_topic_queue_nums: self.config.default_topic_queue_nums,
            queue_id: mq.queue_id,
            sys_flag: prepared.sys_flag,
            born_timestamp: now_millis(),
            flag: prepared.flag,
            properties: Some(prepared.properties.clone()),
            reconsume_times: Some(0),
            unit_mode: Some(false),
            batch: Some(prepared.batch),
            broker_name: Some(mq.broker_name.clone()),
            ..Default::default()
        };
        let request = SendRequest {
            header,
            body: prepared.body.clone(),
            batch: prepared.batch,
            msg_id: &prepared.msg_id,
        };
        instance
            .api()
            .send_message(&addr, &mq.broker_name, request, timeout, mode)
            .await
    }

    async fn send_to_queue(
        &self,
        msg: Message,
        mq: &MessageQueue,
        mode: CommunicationMode,
    ) -> MQResult<SendResult> {
        self.check_message(&msg)?;
        if msg.topic != mq.topic {
            return Err(MQClientError::client(format!(
                "message topic [{}] is not equal with message queue topic [{}]",
                msg.topic, mq.topic
            )));
        }
        // Make sure the broker address is known.
        self.find_publish_info(&msg.topic).await?;
        let prepared = self.prepare(msg);
        self.send_kernel_impl(&prepared, mq, mode, self.config.send_msg_timeout)
            .await
    }

    /// Java `batch()` + `send(MessageBatch)`.
    async fn send_batch(
        &self,
        mut msgs: Vec<Message>,
        mq: Option<&MessageQueue>,
        timeout: Duration,
    ) -> MQResult<SendResult> {
        let Some(first) = msgs.first() else {
            return Err(MQClientError::client_with_code(
                response_code::MESSAGE_ILLEGAL,
                "a batch needs at least one message",
            ));
        };
        let topic = first.topic.clone();
        let mut ids = Vec::with_capacity(msgs.len());
        let mut total = 0usize;
        for msg in &mut msgs {
            self.check_message(msg)?;
            if msg.topic != topic {
                return Err(MQClientError::client_with_code(
                    response_code::MESSAGE_ILLEGAL,
                    "the topic of the messages in one batch should be the same",
                ));
            }
            if msg.delay_time_level() > 0 {
                return Err(MQClientError::client_with_code(
                    response_code::MESSAGE_ILLEGAL,
                    "delayed messages are not supported in a batch",
                ));
            }
            if mix_all::is_retry_topic(&msg.topic) {
                return Err(MQClientError::client_with_code(
                    response_code::MESSAGE_ILLEGAL,
                    "retry-group messages are not supported in a batch",
                ));
            }
            message_client_id::set_uniq_id(msg);
            ids.push(msg.uniq_key().unwrap_or_default().to_string());
            total += msg.body.len();
        }
        if total > self.config.max_message_size {
            return Err(MQClientError::client_with_code(
                response_code::MESSAGE_ILLEGAL,
                format!(
                    "the batch size {total} is over the max message size {}",
                    self.config.max_message_size
                ),
            ));
        }
        // The batch itself also carries a UNIQ_KEY (Java sets one on the
        // MessageBatch) and the topic's properties; never compressed.
        let mut batch_props = std::collections::BTreeMap::new();
        batch_props.insert(
            crate::common::message_const::PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX.to_string(),
            message_client_id::create_uniq_id(),
        );
        let prepared = PreparedMessage {
            properties: message_decoder::message_properties_to_string(&batch_props),
            body: message_decoder::encode_messages(&msgs),
            topic,
            flag: 0,
            sys_flag: 0,
            msg_id: ids.join(","),
            batch: true,
        };
        let begin = Instant::now();
        match mq {
            Some(mq) => {
                self.find_publish_info(&prepared.topic).await?;
                self.send_kernel_impl(&prepared, mq, CommunicationMode::Sync, timeout)
                    .await
            }
            None => {
                let info = self.find_publish_info(&prepared.topic).await?;
                self.send_with_retries(&prepared, &info, CommunicationMode::Sync, timeout, begin)
                    .await
            }
        }
    }
}

/// The failures another queue might not have (facts §3.1), plus every
/// failure to get an answer at all.
fn is_retryable(e: &MQClientError) -> bool {
    match e {
        MQClientError::Remoting(_) => true,
        MQClientError::Client { .. } => true,
        MQClientError::Broker { code, .. } => matches!(
            *code,
            response_code::TOPIC_NOT_EXIST
                | response_code::SERVICE_NOT_AVAILABLE
                | response_code::SYSTEM_ERROR
                | response_code::SYSTEM_BUSY
                | response_code::NO_PERMISSION
                | response_code::NO_BUYER_ID
                | response_code::NOT_IN_CURRENT_UNIT
                | response_code::GO_AWAY
        ),
    }
}

fn no_route_error(topic: &str, namesrv: &str) -> MQClientError {
    MQClientError::client_with_code(
        response_code::TOPIC_NOT_EXIST,
        format!(
            "no route info of this topic: {topic}, name servers [{namesrv}] know neither it nor TBW102"
        ),
    )
}

/// zlib at level 5 (Java's default `compressLevel`); `None` if it did not
/// shrink the body, in which case it is sent as is.
fn zlib_compress(body: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(body.len() / 2),
        flate2::Compression::new(5),
    );
    encoder.write_all(body).ok()?;
    let out = encoder.finish().ok()?;
    (out.len() < body.len()).then(|| Bytes::from(out))
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
