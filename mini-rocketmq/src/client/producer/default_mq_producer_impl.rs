//! The send path — Java `DefaultMQProducerImpl` (`sendDefaultImpl`,
//! `sendKernelImpl`, `batch`) behind [`DefaultMQProducer`](super::DefaultMQProducer).
//!
//! ## One send, step by step (`sendDefaultImpl` → `sendKernelImpl`)
//!
//! 1. **Check** the message: a legal topic the client may send to, a
//!    non-empty body no larger than `max_message_size` (Java `Validators`).
//! 2. **Route**: the cached `TopicPublishInfo`, or a name-server lookup, or —
//!    for a topic nobody created yet — `TBW102`'s route, so that the broker
//!    creates the topic when the message arrives (Java `TopicConfigManager#createTopicInSendMessageMethod`, `broker/src/main/java/org/apache/rocketmq/broker/topic/TopicConfigManager.java`).
//! 3. **Pick a queue** with `MQFaultStrategy`: round robin, and never the
//!    broker the previous attempt of *this* send failed on.
//! 4. **Send** with a SEND_MESSAGE_V2 header (SEND_BATCH_MESSAGE for a batch).
//! 5. **On failure, retry** on another queue — up to
//!    `retry_times_when_send_failed` (2) more times — but only for failures
//!    another broker might not have: no answer at all, or the response codes
//!    in Java `DefaultMQProducer#retryResponseCodes`
//!    (`client/src/main/java/org/apache/rocketmq/client/producer/DefaultMQProducer.java`: TOPIC_NOT_EXIST, SERVICE_NOT_AVAILABLE, SYSTEM_ERROR,
//!    SYSTEM_BUSY, NO_PERMISSION, NO_BUYER_ID, NOT_IN_CURRENT_UNIT, GO_AWAY).
//!    Any other code (a message the broker finds illegal, say) would fail
//!    the same way everywhere, so it is returned at once.
//!
//! The message keeps one `UNIQ_KEY` across retries: a retry after a lost
//! *response* may store the message twice, and the equal keys are how a
//! consumer can tell (RocketMQ is at-least-once).
//!

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use parking_lot::Mutex;
use tokio::time::Instant;

use crate::client::client_config::ClientConfig;
use crate::client::client_instance::MQClientInstance;
use crate::client::exception::{MQClientError, MQResult};
use crate::client::mq_client_api::send_result::{SendResult, SendStatus};
use crate::client::mq_client_api::{CommunicationMode, SendRequest};
use crate::client::now_millis;
use crate::client::producer::latency_fault_tolerance::MQFaultStrategy;
use crate::client::topic_publish_info::TopicPublishInfo;
use crate::common::message::Message;
use crate::common::message_batch;
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

/// Java `DefaultMQProducerImpl`: the state a producer's clones share.
pub(super) struct DefaultMQProducerImpl {
    pub(super) config: ProducerConfig,
    pub(super) fault_strategy: MQFaultStrategy,
    /// Set by `start`, cleared by `shutdown`.
    pub(super) instance: Mutex<Option<Arc<MQClientInstance>>>,
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

impl DefaultMQProducerImpl {
    pub(super) fn instance(&self) -> MQResult<Arc<MQClientInstance>> {
        self.instance
            .lock()
            .clone()
            .ok_or_else(|| MQClientError::client("the producer is not started: call start() first"))
    }

    /// Java `Validators.checkMessage`.
    pub(super) fn check_message(&self, msg: &Message) -> MQResult<()> {
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

    pub(super) async fn find_publish_info(&self, topic: &str) -> MQResult<Arc<TopicPublishInfo>> {
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
    pub(super) async fn send_default_impl(
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
            // One clock read per attempt: the attempt starts now, and what
            // is left of the budget follows from the same reading.
            let attempt_start = Instant::now();
            let elapsed = attempt_start.saturating_duration_since(begin);
            if elapsed >= timeout {
                // Java stops retrying once the whole send is over its budget.
                last_error = Some(MQClientError::client(format!(
                    "send timeout: {} ms elapsed, budget {} ms",
                    elapsed.as_millis(),
                    timeout.as_millis()
                )));
                break;
            }
            let result = self
                .send_kernel_impl(prepared, &mq, mode, timeout - elapsed)
                .await;
            // The latency only feeds the fault strategy; skip the clock
            // read when that is off (the default).
            let latency = if self.fault_strategy.send_latency_fault_enable() {
                attempt_start.elapsed().as_millis() as u64
            } else {
                0
            };
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
                    brokers_sent.push(mq.broker_name.clone());
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
        Err(send_failed(
            &prepared.topic,
            &brokers_sent,
            begin,
            last_error,
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

    pub(super) async fn send_to_queue(
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
    pub(super) async fn send_batch(
        &self,
        msgs: Vec<Message>,
        mq: Option<&MessageQueue>,
        timeout: Duration,
    ) -> MQResult<SendResult> {
        let prepared = self.batch(msgs)?;
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

    /// Java `DefaultMQProducer#batch`: check that the messages may travel
    /// together (one topic, not a retry topic, no delay, non-empty bodies,
    /// within the size limit), give each its UNIQ_KEY, and encode them into
    /// one SEND_BATCH_MESSAGE body.
    fn batch(&self, mut msgs: Vec<Message>) -> MQResult<PreparedMessage> {
        let Some(first) = msgs.first() else {
            return Err(MQClientError::client_with_code(
                response_code::MESSAGE_ILLEGAL,
                "a batch needs at least one message",
            ));
        };
        // Validate the topic once; the others only need to equal it.
        self.check_message(first)?;
        let topic = first.topic.clone();
        if mix_all::is_retry_topic(&topic) {
            return Err(MQClientError::client_with_code(
                response_code::MESSAGE_ILLEGAL,
                "retry-group messages are not supported in a batch",
            ));
        }
        // Every message gets its own UNIQ_KEY; the result reports them all,
        // comma-joined, built here in one string rather than a Vec joined.
        let mut msg_ids = String::with_capacity(msgs.len() * 33);
        let mut total = 0usize;
        for msg in &mut msgs {
            if msg.topic != topic {
                return Err(MQClientError::client_with_code(
                    response_code::MESSAGE_ILLEGAL,
                    "the topic of the messages in one batch should be the same",
                ));
            }
            if msg.body.is_empty() {
                return Err(MQClientError::client_with_code(
                    response_code::MESSAGE_ILLEGAL,
                    "the message body length is zero",
                ));
            }
            if msg.delay_time_level() > 0 {
                return Err(MQClientError::client_with_code(
                    response_code::MESSAGE_ILLEGAL,
                    "delayed messages are not supported in a batch",
                ));
            }
            message_client_id::set_uniq_id(msg);
            if !msg_ids.is_empty() {
                msg_ids.push(',');
            }
            msg_ids.push_str(msg.uniq_key().unwrap_or_default());
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
        // One buffer sized for the whole body up front: 22 bytes of framing
        // per message plus its body and, as a guess, ~64 bytes of properties.
        let mut body = BytesMut::with_capacity(total + msgs.len() * (22 + 64));
        for msg in &msgs {
            message_batch::encode_message(msg, &mut body);
        }
        // The batch itself also carries a UNIQ_KEY (Java sets one on the
        // MessageBatch); a batch is never compressed.
        let mut batch_props = std::collections::BTreeMap::new();
        batch_props.insert(
            crate::common::message_const::PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX.to_string(),
            message_client_id::create_uniq_id(),
        );
        Ok(PreparedMessage {
            properties: message_decoder::message_properties_to_string(&batch_props),
            body: body.freeze(),
            topic,
            flag: 0,
            sys_flag: 0,
            msg_id: msg_ids,
            batch: true,
        })
    }
}

/// The error after the last attempt (Java `sendDefaultImpl`'s "Send [n]
/// times, still failed").
fn send_failed(
    topic: &str,
    brokers_sent: &[String],
    begin: Instant,
    last_error: Option<MQClientError>,
) -> MQClientError {
    let cause = last_error.map_or_else(|| "no queue available".to_string(), |e| e.to_string());
    MQClientError::client_with_code(
        response_code::SYSTEM_ERROR,
        format!(
            "send [{}] times, still failed, cost [{}]ms, topic: {topic}, brokers sent: {brokers_sent:?}: {cause}",
            brokers_sent.len(),
            begin.elapsed().as_millis(),
        ),
    )
}

/// The failures another queue might not have (Java `DefaultMQProducer#retryResponseCodes`, `client/src/main/java/org/apache/rocketmq/client/producer/DefaultMQProducer.java`), plus every
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
