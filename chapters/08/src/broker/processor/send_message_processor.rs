//! `SendMessageProcessor` — the write path. Mirrors
//! `org.apache.rocketmq.broker.processor.SendMessageProcessor` and the checks
//! of its base class `AbstractSendMessageProcessor`.
//!
//! One send, four steps:
//!
//! 1. **parse** the header: V1 field names for SEND_MESSAGE (10), one-letter
//!    keys for SEND_MESSAGE_V2 (310), turned into V1 (`parseRequestHeader`);
//! 2. **check** it (`msgCheck`): the topic's name, whether clients may send
//!    to it, whether it exists — creating it from `TBW102` if it does not —
//!    whether it is writable, and the queue id;
//! 3. **build** the message the store keeps (`MessageExtBrokerInner`): the
//!    producer's fields plus what the broker adds — the born host (who sent
//!    it), the store host (who stores it), the tag's hash code and the
//!    `CLUSTER`, `MSG_REGION` and `TRACE_ON` properties;
//! 4. **put** it into the store and turn the `PutMessageStatus` into a
//!    response code; on success the response header says where the message
//!    landed: `msgId`, `queueId`, `queueOffset` (`handlePutMessageResult`).

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use workbook_trace::step;

use crate::broker::broker_config::BrokerConfig;
use crate::broker::broker_outer_api::BrokerOuterAPI;
use crate::broker::controller::register_increment_broker_data;
use crate::broker::topic_config_manager::TopicConfigManager;
use crate::common::message::{MessageExtBrokerInner, tags_string_to_tags_code};
use crate::common::message_const::{
    PROPERTY_CLUSTER, PROPERTY_MSG_REGION, PROPERTY_TAGS, PROPERTY_TRACE_SWITCH,
};
use crate::common::message_decoder::string_to_message_properties;
use crate::common::perm::is_writeable;
use crate::common::topic_config::TopicConfig;
use crate::common::topic_validator::{is_not_allowed_send_topic, validate_topic};
use crate::remoting::code::{request_code, response_code, response_code_name};
use crate::remoting::command::{CommandCustomHeader, RemotingCommand};
use crate::remoting::error::RemotingError;
use crate::remoting::protocol::header::send::{
    SendMessageRequestHeader, SendMessageRequestHeaderV2, SendMessageResponseHeader,
};
use crate::remoting::transport::{Channel, RequestProcessor};
use crate::store::message_store::DefaultMessageStore;
use crate::store::put_message_result::{PutMessageResult, PutMessageStatus};

/// RocketMQ's FAQ pointer after "apply first please!" (`FAQUrl.suggestTodo`).
const APPLY_TOPIC_URL: &str =
    "\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.";
/// `BrokerConfig.regionId` default.
const DEFAULT_REGION: &str = "DefaultRegion";

pub struct SendMessageProcessor {
    /// `brokerName` (who we are in the trace) and `brokerClusterName`.
    pub(crate) broker_config: BrokerConfig,
    /// `brokerIP1:listenPort`, stamped on every message.
    pub(crate) store_host: SocketAddr,
    pub(crate) topic_config_manager: Arc<TopicConfigManager>,
    pub(crate) broker_outer_api: Arc<BrokerOuterAPI>,
    pub(crate) message_store: Arc<DefaultMessageStore>,
}

impl SendMessageProcessor {
    pub fn new(
        broker_config: BrokerConfig,
        store_host: SocketAddr,
        topic_config_manager: Arc<TopicConfigManager>,
        broker_outer_api: Arc<BrokerOuterAPI>,
        message_store: Arc<DefaultMessageStore>,
    ) -> Self {
        SendMessageProcessor {
            broker_config,
            store_host,
            topic_config_manager,
            broker_outer_api,
            message_store,
        }
    }

    // ANCHOR: send_message
    /// `SendMessageProcessor#sendMessage`: parse, check, build, put, answer.
    fn send_message(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let header = parse_request_header(request)?;
        let topic_config = match self.msg_check(channel, &header) {
            Ok(topic_config) => topic_config,
            Err(refusal) => return Ok(refusal),
        };
        let body = request.body.clone().unwrap_or_default();
        let queue_id = header.queue_id;
        let msg = self.build_msg_inner(channel, header, queue_id, body, &topic_config);
        let result = self.message_store.put_message(msg);
        Ok(self.handle_put_message_result(result, queue_id))
    }
    // ANCHOR_END: send_message

    // ANCHOR: msg_check
    /// `AbstractSendMessageProcessor#msgCheck`: every reason to refuse a send
    /// before the store sees it. `Ok` carries the topic's config.
    fn msg_check(
        &self,
        channel: &Channel,
        header: &SendMessageRequestHeader,
    ) -> Result<TopicConfig, RemotingCommand> {
        let topic = &header.topic;
        if let Err(remark) = validate_topic(topic) {
            return Err(self.refuse(topic, response_code::SYSTEM_ERROR, remark.to_string()));
        }
        if is_not_allowed_send_topic(topic) {
            let remark = format!("Sending message to topic[{topic}] is forbidden.");
            return Err(self.refuse(topic, response_code::NO_PERMISSION, remark));
        }
        let topic_config = match self.topic_config_manager.select_topic_config(topic) {
            Some(topic_config) => topic_config,
            None => self.create_topic(header)?,
        };
        if !is_writeable(topic_config.perm) {
            let remark = format!("the topic[{topic}] sending message is forbidden");
            return Err(self.refuse(topic, response_code::NO_PERMISSION, remark));
        }
        self.check_queue_id(channel, header, &topic_config)?;
        let (name, queue_id) = (&self.broker_config.broker_name, header.queue_id);
        let facts = format!("topic={topic} queueId={queue_id} of {topic_config}: ok");
        step!(name, "SendMessageProcessor#msgCheck", "{facts}");
        Ok(topic_config)
    }
    // ANCHOR_END: msg_check

    // ANCHOR: create_topic
    /// The auto-creation step of `msgCheck`: a topic nobody created is made
    /// from the template the producer names, and the name servers learn of
    /// it at once, so the producer's next route lookup finds it.
    fn create_topic(
        &self,
        header: &SendMessageRequestHeader,
    ) -> Result<TopicConfig, RemotingCommand> {
        let (topic, template) = (&header.topic, &header.default_topic);
        let manager = &self.topic_config_manager;
        let nums = header.default_topic_queue_nums;
        let Some(created) = manager.create_topic_in_send_message_method(topic, template, nums)
        else {
            let remark = format!("topic[{topic}] not exist, apply first please!{APPLY_TOPIC_URL}");
            return Err(self.refuse(topic, response_code::TOPIC_NOT_EXIST, remark));
        };
        register_increment_broker_data(manager, &self.broker_outer_api, &created);
        Ok(created)
    }
    // ANCHOR_END: create_topic

    /// The queue-id rule of `msgCheck`: an id below the topic's larger queue
    /// count. (Java also takes a negative id, meaning "broker, pick one";
    /// this chapter refuses it — see the exercises.)
    fn check_queue_id(
        &self,
        channel: &Channel,
        header: &SendMessageRequestHeader,
        topic_config: &TopicConfig,
    ) -> Result<(), RemotingCommand> {
        let id_valid = topic_config
            .write_queue_nums
            .max(topic_config.read_queue_nums);
        let queue_id = header.queue_id;
        if (0..id_valid).contains(&queue_id) {
            return Ok(());
        }
        let topic = &topic_config.topic_name;
        let (w, r) = (topic_config.write_queue_nums, topic_config.read_queue_nums);
        let producer = channel.remote_addr();
        let remark = format!(
            "request queueId[{queue_id}] is illegal, topic:[{topic}] topicConfig.writeQueueNums:[{w}] topicConfig.readQueueNums:[{r}] Producer:[{producer}]"
        );
        Err(self.refuse(topic, response_code::SYSTEM_ERROR, remark))
    }

    // ANCHOR: build_msg_inner
    /// What the store keeps: the producer's message, plus what only the
    /// broker knows.
    fn build_msg_inner(
        &self,
        channel: &Channel,
        header: SendMessageRequestHeader,
        queue_id: i32,
        body: Bytes,
        topic_config: &TopicConfig,
    ) -> MessageExtBrokerInner {
        let mut properties =
            string_to_message_properties(header.properties.as_deref().unwrap_or(""));
        let tags = properties.get(PROPERTY_TAGS).map_or("", String::as_str);
        let tags_code = tags_string_to_tags_code(tags);
        let cluster = self.broker_config.broker_cluster_name.clone();
        properties.insert(PROPERTY_CLUSTER.to_string(), cluster);
        properties.insert(PROPERTY_MSG_REGION.to_string(), DEFAULT_REGION.to_string());
        properties.insert(PROPERTY_TRACE_SWITCH.to_string(), "true".to_string());
        MessageExtBrokerInner {
            topic: topic_config.topic_name.clone(),
            queue_id,
            flag: header.flag,
            body,
            properties,
            sys_flag: header.sys_flag,
            born_timestamp: header.born_timestamp,
            born_host: channel.remote_addr().to_string(),
            store_host: self.store_host,
            tags_code,
            reconsume_times: header.reconsume_times.unwrap_or(0),
        }
    }
    // ANCHOR_END: build_msg_inner

    // ANCHOR: handle_put_message_result
    /// `SendMessageProcessor#handlePutMessageResult`: the store's status
    /// becomes a response code; a stored message's position becomes the
    /// response header.
    fn handle_put_message_result(
        &self,
        result: PutMessageResult,
        queue_id: i32,
    ) -> RemotingCommand {
        let status = result.put_message_status;
        let (code, remark) = match status {
            PutMessageStatus::PutOk => (response_code::SUCCESS, None),
            PutMessageStatus::MessageIllegal | PutMessageStatus::PropertiesSizeExceeded => {
                let max = self.message_store.max_message_size();
                let remark = format!(
                    "the message is illegal, maybe msg body or properties length not matched. msg body length limit {max}B, msg properties length limit 32KB."
                );
                (response_code::MESSAGE_ILLEGAL, Some(remark))
            }
        };
        let mut response = RemotingCommand::create_response_command(code, remark);
        response
            .ext_fields
            .insert(PROPERTY_MSG_REGION.to_string(), DEFAULT_REGION.to_string());
        response
            .ext_fields
            .insert(PROPERTY_TRACE_SWITCH.to_string(), "true".to_string());
        let (name, code_name) = (&self.broker_config.broker_name, response_code_name(code));
        let Some(append) = result.append_message_result else {
            let facts = format!("{} -> {code_name}({code})", status.name());
            step!(name, "SendMessageProcessor#handlePutMessageResult", "{facts}");
            return response;
        };
        let header = SendMessageResponseHeader {
            msg_id: append.msg_id,
            queue_id,
            queue_offset: append.logics_offset,
            transaction_id: None,
        };
        let (msg_id, offset) = (&header.msg_id, header.queue_offset);
        let facts = format!(
            "{} -> {code_name}({code}) msgId={msg_id} queueId={queue_id} queueOffset={offset}",
            status.name()
        );
        step!(name, "SendMessageProcessor#handlePutMessageResult", "{facts}");
        response.with_header(&header)
    }
    // ANCHOR_END: handle_put_message_result

    /// A refusal from `msgCheck`; the remark reaches the producer.
    fn refuse(&self, topic: &str, code: i32, remark: String) -> RemotingCommand {
        let (name, code_name) = (&self.broker_config.broker_name, response_code_name(code));
        step!(name, "SendMessageProcessor#msgCheck", "topic={topic} -> {code_name}({code})");
        RemotingCommand::create_response_command(code, Some(remark))
    }
}

/// `AbstractSendMessageProcessor#parseRequestHeader`: V2 keys for
/// SEND_MESSAGE_V2, V1 names otherwise; the rest of the path sees V1.
pub fn parse_request_header(
    request: &RemotingCommand,
) -> Result<SendMessageRequestHeader, RemotingError> {
    match request.code {
        request_code::SEND_MESSAGE_V2 => {
            SendMessageRequestHeaderV2::from_ext_fields(&request.ext_fields).map(|v2| v2.0)
        }
        _ => request.decode_command_custom_header(),
    }
}

impl RequestProcessor for SendMessageProcessor {
    /// `SendMessageProcessor#processRequest`.
    fn process_request(&self, channel: &Channel, request: RemotingCommand) -> RemotingCommand {
        self.send_message(channel, &request).unwrap_or_else(|e| {
            // A header that does not decode: the producer's bug, answered.
            RemotingCommand::create_response_command(
                response_code::SYSTEM_ERROR,
                Some(e.to_string()),
            )
        })
    }
}
