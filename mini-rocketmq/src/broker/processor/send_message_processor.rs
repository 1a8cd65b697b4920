//! `SendMessageProcessor`: the write path — SEND_MESSAGE, SEND_MESSAGE_V2,
//! SEND_BATCH_MESSAGE and CONSUMER_SEND_MSG_BACK.
//!
//! Mirrors `org.apache.rocketmq.broker.processor.SendMessageProcessor`; the
//! checks and CONSUMER_SEND_MSG_BACK live in its base,
//! [`abstract_send_message_processor`](super::abstract_send_message_processor).
//! One send goes through four steps:
//!
//! 1. **decode** the header — V1 long keys for code 10, V2 one-letter keys for
//!    310 and 320 (converted to V1, `SendMessageRequestHeaderV2#createSendMessageRequestHeaderV1`);
//! 2. **check** it (`msgCheck`): topic name, system topics, body size, the
//!    topic's existence — creating it from `TBW102` when auto-creation is on —
//!    and the queue id;
//! 3. **build** the stored message (`MessageExtBrokerInner`): what the
//!    producer sent, plus what the broker adds (Java `SendMessageProcessor#sendMessage`, `broker/src/main/java/org/apache/rocketmq/broker/processor/SendMessageProcessor.java`): `UNIQ_KEY` when
//!    missing, `MSG_REGION`, `TRACE_ON` and `CLUSTER` properties, the born
//!    host (the producer's address), the store host (`brokerIP1:listenPort`),
//!    the tag hash the consume queue will carry;
//! 4. **put** it into the store and map the [`PutMessageStatus`] to a
//!    response code; the response header carries the offset message id, the
//!    queue id and the queue offset, and the extFields `MSG_REGION`/`TRACE_ON`.
//!
//! ## Keeping the hot path lean
//!
//! This code runs once per message, so it avoids work that does not change
//! the result: the properties arrive as RocketMQ's `k\u0001v\u0002` string
//! and the broker's own properties are *appended* to that string instead of
//! parsing it into a map and encoding it again; the body is the request's
//! `Bytes`, moved (not copied) into the message; the topic lookup is one
//! read lock; nothing is written to config files here (a new topic is
//! persisted in the background; only the very first send to it waits, for
//! the name servers to learn the topic).
//!
//! ## Simplifications
//!
//! - Transactional half messages (`TRAN_MSG=true`) are refused with
//!   NO_PERMISSION, exactly as a Java broker with `rejectTransactionMessage=true`
//!   does: this broker has no transaction service to check them back.
//! - Delay levels are not applied: a message with `DELAY` is delivered at once,
//!   and CONSUMER_SEND_MSG_BACK re-delivers through `%RETRY%<group>` without
//!   waiting (a first cut the delay chapter replaces).

use std::sync::Arc;

use bytes::Bytes;

use super::abstract_send_message_processor::{
    AbstractSendMessageProcessor, DLQ_NUMS_PER_GROUP, ProducerProperties,
    append_property_if_absent, store_read_properties,
};
use super::{error_response, invalid_header};
use crate::common::message::{
    Message, MessageExt, MessageExtBatch, MessageExtBrokerInner, MessageVersion,
};
use crate::common::message_const::*;
use crate::common::mix_all;
use crate::common::perm;
use crate::common::sysflag::MessageSysFlag;
use crate::common::topic_config::{TopicConfig, TopicFilterType};
use crate::remoting::channel::Channel;
use crate::remoting::code::{request_code, response_code};
use crate::remoting::command::RemotingCommand;
use crate::remoting::processor::{BoxFuture, RequestProcessor};
use crate::remoting::protocol::header::send::{
    SendMessageRequestHeader, SendMessageResponseHeader, decode_send_message_request_header,
};
use crate::store::put_message_result::{PutMessageResult, PutMessageStatus};

pub struct SendMessageProcessor {
    /// The checks and services every send shares (Java's base class).
    base: AbstractSendMessageProcessor,
}

/// What [`SendMessageProcessor::pre_send`] hands to the single and the
/// batch send once every check passed.
struct PreSend {
    header: SendMessageRequestHeader,
    topic_config: Arc<TopicConfig>,
    body: Bytes,
    queue_id: i32,
    /// The producer's properties string, to be appended to.
    properties: String,
    scan: ProducerProperties,
}

impl RequestProcessor for SendMessageProcessor {
    fn process_request(
        &self,
        channel: Channel,
        request: RemotingCommand,
    ) -> BoxFuture<'_, Option<RemotingCommand>> {
        Box::pin(async move {
            let response = match request.code {
                request_code::CONSUMER_SEND_MSG_BACK => {
                    self.base.consumer_send_msg_back(&channel, request).await
                }
                request_code::SEND_BATCH_MESSAGE => {
                    self.send_batch_message(&channel, request).await
                }
                _ => self.send_message(&channel, request).await,
            };
            Some(response)
        })
    }

    /// Java `rejectRequest`: while one put holds the CommitLog lock for too
    /// long (a stalled disk), new sends are answered SYSTEM_BUSY at once
    /// rather than queueing behind it.
    fn reject_request(&self) -> bool {
        self.base.store.is_os_page_cache_busy()
    }
}

impl SendMessageProcessor {
    /// Java's `SendMessageProcessor extends AbstractSendMessageProcessor`:
    /// the shared part is built once, by the controller, and wrapped here.
    pub fn new(base: AbstractSendMessageProcessor) -> Self {
        SendMessageProcessor { base }
    }

    /// Java `SendMessageProcessor#preSend`: what the single and the batch
    /// send share before they build their message — decode the header,
    /// `msgCheck` (registering a topic this send created), check the body,
    /// pick the queue, scan the producer's properties and refuse half
    /// messages. `batch` adds the batch-only refusals in Java's order.
    async fn pre_send(
        &self,
        channel: &Channel,
        request: RemotingCommand,
        batch: bool,
    ) -> Result<PreSend, RemotingCommand> {
        let base = &self.base;
        let mut header = match decode_send_message_request_header(&request) {
            Ok(h) => h,
            Err(e) => return Err(invalid_header(&request, &e)),
        };
        let topic_config = match base.msg_check(channel, &header) {
            Ok((tc, created)) => {
                if created {
                    base.register_new_topic().await;
                }
                tc
            }
            Err(response) => return Err(*response),
        };
        if batch && mix_all::is_retry_topic(&header.topic) {
            return Err(error_response(
                response_code::MESSAGE_ILLEGAL,
                format!(
                    "batch request does not support retry group {}",
                    header.topic
                ),
            ));
        }
        let body = request.body.unwrap_or_default();
        if batch && body.is_empty() {
            return Err(error_response(
                response_code::MESSAGE_ILLEGAL,
                "the batch body is empty".to_string(),
            ));
        }
        if let Some(response) = base.check_body(&body, &header.topic) {
            return Err(response);
        }
        let queue_id = if header.queue_id < 0 {
            base.pick_queue(topic_config.write_queue_nums)
        } else {
            header.queue_id
        };
        let properties = header.properties.take().unwrap_or_default();
        let scan = ProducerProperties::scan(&properties);
        if scan.transaction_prepared {
            return Err(base.transaction_forbidden());
        }
        Ok(PreSend {
            header,
            topic_config,
            body,
            queue_id,
            properties,
            scan,
        })
    }

    /// SEND_MESSAGE (10) and SEND_MESSAGE_V2 (310).
    async fn send_message(&self, channel: &Channel, request: RemotingCommand) -> RemotingCommand {
        let PreSend {
            mut header,
            topic_config,
            body,
            queue_id,
            mut properties,
            scan,
        } = match self.pre_send(channel, request, false).await {
            Ok(ready) => ready,
            Err(response) => return response,
        };
        let (topic, queue_id) = match self.handle_retry_and_dlq(&header).await {
            Ok(Some(dlq)) => (dlq, 0),
            Ok(None) => (std::mem::take(&mut header.topic), queue_id),
            Err(response) => return *response,
        };
        let uniq_key = self.base.add_broker_properties(&mut properties, &scan);
        let inner = self.build_inner(
            channel,
            &header,
            &topic_config,
            topic,
            queue_id,
            body,
            properties,
            &scan,
            scan.tags_code,
        );
        let result = self.base.store.put_message(inner).await;
        self.handle_put_message_result(result, queue_id, Some(uniq_key), None)
    }

    /// SEND_BATCH_MESSAGE (320): many messages of one topic and queue in one
    /// request, stored as consecutive records by one store call.
    async fn send_batch_message(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> RemotingCommand {
        let PreSend {
            mut header,
            topic_config,
            body,
            queue_id,
            mut properties,
            scan,
        } = match self.pre_send(channel, request, true).await {
            Ok(ready) => ready,
            Err(response) => return response,
        };
        append_property_if_absent(
            &mut properties,
            PROPERTY_CLUSTER,
            &self.base.broker_config.broker_cluster_name,
        );
        let topic = std::mem::take(&mut header.topic);
        let inner = self.build_inner(
            channel,
            &header,
            &topic_config,
            topic,
            queue_id,
            body,
            properties,
            &scan,
            0,
        );
        let result = self
            .base
            .store
            .put_messages(MessageExtBatch::new(inner))
            .await;
        self.handle_put_message_result(result, queue_id, None, scan.uniq_key)
    }

    /// Java `handleRetryAndDLQ`: a consumer re-sending to its retry topic
    /// (old clients do this instead of CONSUMER_SEND_MSG_BACK) past the
    /// group's limit sends the message to the dead-letter queue instead.
    /// Returns the dead-letter topic when the message goes there (queue 0).
    async fn handle_retry_and_dlq(
        &self,
        header: &SendMessageRequestHeader,
    ) -> Result<Option<String>, Box<RemotingCommand>> {
        let topic = &header.topic;
        if !mix_all::is_retry_topic(topic) {
            return Ok(None);
        }
        let reconsume_times = header.reconsume_times.unwrap_or(0);
        let group = &topic[mix_all::RETRY_GROUP_TOPIC_PREFIX.len()..];
        let Some(group_config) = self
            .base
            .subscription_group_manager
            .find_subscription_group_config(group)
        else {
            return Err(Box::new(error_response(
                response_code::SUBSCRIPTION_GROUP_NOT_EXIST,
                format!("subscription group not exist, {group}"),
            )));
        };
        let max_reconsume_times = header
            .max_reconsume_times
            .unwrap_or(group_config.retry_max_times);
        if reconsume_times <= max_reconsume_times {
            return Ok(None);
        }
        let dlq = mix_all::get_dlq_topic(group);
        self.base
            .topic_route_registration
            .create_topic_in_send_message_back_method(
                &dlq,
                DLQ_NUMS_PER_GROUP,
                perm::PERM_READ | perm::PERM_WRITE,
                0,
            )
            .await;
        tracing::info!(group, reconsume_times, max_reconsume_times, dlq = %dlq,
            "retry message exceeded its reconsume times, sent to the dead-letter queue");
        Ok(Some(dlq))
    }

    /// The stored message (`MessageExtBrokerInner`): what the producer sent
    /// plus what the broker adds — the born host (the producer's address),
    /// the store host, the MULTI_TAGS flag of the topic, the tag hash the
    /// consume queue will carry (0 for a batch: each message has its own).
    #[allow(clippy::too_many_arguments)]
    fn build_inner(
        &self,
        channel: &Channel,
        header: &SendMessageRequestHeader,
        topic_config: &TopicConfig,
        topic: String,
        queue_id: i32,
        body: Bytes,
        properties: String,
        scan: &ProducerProperties,
        tags_code: i64,
    ) -> MessageExtBrokerInner {
        let mut sys_flag = header.sys_flag;
        if topic_config.topic_filter_type == TopicFilterType::MultiTag {
            sys_flag |= MessageSysFlag::MULTI_TAGS_FLAG;
        }
        let mut inner = MessageExtBrokerInner {
            ext: MessageExt {
                message: Message {
                    flag: header.flag,
                    properties: store_read_properties(scan.wait_false),
                    body,
                    ..Message::new(topic, Bytes::new())
                },
                queue_id,
                sys_flag,
                born_timestamp: header.born_timestamp,
                born_host: channel.remote_addr(),
                store_host: self.base.store_host,
                reconsume_times: header.reconsume_times.unwrap_or(0),
                ..MessageExt::default()
            },
            version: MessageVersion::default(),
            properties_string: properties,
            tags_code,
        };
        inner.refresh_version();
        inner
    }

    /// Java `SendMessageProcessor#handlePutMessageResult`
    /// (`broker/src/main/java/org/apache/rocketmq/broker/processor/SendMessageProcessor.java`): PutMessageStatus → response.
    fn handle_put_message_result(
        &self,
        result: PutMessageResult,
        queue_id: i32,
        uniq_key: Option<String>,
        batch_uniq_id: Option<String>,
    ) -> RemotingCommand {
        let config = &self.base.broker_config;
        let (code, remark): (i32, Option<String>) = match result.status {
            PutMessageStatus::PutOk => (response_code::SUCCESS, None),
            PutMessageStatus::FlushDiskTimeout => (response_code::FLUSH_DISK_TIMEOUT, None),
            PutMessageStatus::FlushSlaveTimeout => (response_code::FLUSH_SLAVE_TIMEOUT, None),
            PutMessageStatus::SlaveNotAvailable => (response_code::SLAVE_NOT_AVAILABLE, None),
            PutMessageStatus::CreateMappedFileFailed => (
                response_code::SYSTEM_ERROR,
                Some("create mapped file failed, server is busy or broken.".into()),
            ),
            PutMessageStatus::MessageIllegal | PutMessageStatus::PropertiesSizeExceeded => (
                response_code::MESSAGE_ILLEGAL,
                Some(format!(
                    "the message is illegal, maybe msg body or properties length not matched. msg body length limit {}B, msg properties length limit 32KB.",
                    self.base.store_config.max_message_size
                )),
            ),
            PutMessageStatus::ServiceNotAvailable => (
                response_code::SERVICE_NOT_AVAILABLE,
                Some("service not available now. It may be caused by one of the following reasons: the broker's disk is full, messages are put to the slave, message store has been shut down, etc.".into()),
            ),
            PutMessageStatus::OsPageCacheBusy => (
                response_code::SYSTEM_BUSY,
                Some("[PC_SYNCHRONIZED]broker busy, start flow control for a while".into()),
            ),
            PutMessageStatus::UnknownError => (response_code::SYSTEM_ERROR, Some("UNKNOWN_ERROR".into())),
        };
        let mut response = RemotingCommand::new_response(code, remark)
            .with_ext(PROPERTY_MSG_REGION, config.region_id.clone())
            .with_ext(
                PROPERTY_TRACE_SWITCH,
                if config.trace_on { "true" } else { "false" },
            );
        if let (true, Some(append)) = (result.is_stored(), result.append_message_result.as_ref()) {
            let header = SendMessageResponseHeader {
                msg_id: append.msg_id(),
                queue_id,
                queue_offset: append.logics_offset,
                transaction_id: uniq_key,
                batch_uniq_id,
                recall_handle: None,
            };
            response = response.with_header(&header);
        } else {
            tracing::warn!(
                status = result.status.name(),
                "SendMessageProcessor: put message failed"
            );
        }
        response
    }
}
