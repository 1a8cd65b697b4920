//! `MQClientAPIImpl` — the requests a producer or consumer sends.
//! Mirrors `org.apache.rocketmq.client.impl.MQClientAPIImpl`.
//!
//! In RocketMQ every client (producer, consumer, admin tool) asks a name
//! server for each topic's route when it first uses the topic and again every
//! 30 s (`pollNameServerInterval`), then talks to brokers directly. The name
//! server is never on the message path; it only tells clients where to go.

use workbook_trace::step;

use crate::client::pull_result::{PullResult, PullStatus};
use crate::client::send_result::{SendResult, SendStatus};
use crate::common::message::Message;
use crate::common::message_decoder::{decodes_batch, message_properties_to_string};
use crate::common::route::TopicRouteData;
use crate::common::topic_config::{TopicConfig, TopicFilterType};
use crate::common::topic_validator::AUTO_CREATE_TOPIC_KEY_TOPIC;
use crate::remoting::code::{request_code, response_code, response_code_name};
use crate::remoting::command::RemotingCommand;
use crate::remoting::error::RemotingError;
use crate::remoting::protocol::header::GetRouteInfoRequestHeader;
use crate::remoting::protocol::header::admin::CreateTopicRequestHeader;
use crate::remoting::protocol::header::offset::{
    QueryConsumerOffsetRequestHeader, QueryConsumerOffsetResponseHeader,
    UpdateConsumerOffsetRequestHeader,
};
use crate::remoting::protocol::header::pull::{
    PullMessageRequestHeader, PullMessageResponseHeader,
};
use crate::remoting::protocol::header::send::{
    SendMessageRequestHeader, SendMessageRequestHeaderV2, SendMessageResponseHeader,
};
use crate::remoting::transport::RemotingClient;

/// A request that did not produce a route (`MQClientException` in Java).
#[derive(Debug, thiserror::Error)]
pub enum MQClientError {
    /// The name server answered, with a code other than SUCCESS.
    #[error("CODE: {code} DESC: {remark}")]
    Response { code: i32, remark: String },
    /// The request never got an answer, or the answer did not decode.
    #[error(transparent)]
    Remoting(#[from] RemotingError),
    /// The client itself gave up before or after asking (no route, no
    /// producer started, every attempt failed).
    #[error("{0}")]
    Client(String),
}

pub struct MQClientAPIImpl {
    /// Who we are in the trace (`client`, `producer`, ...).
    actor: String,
    remoting_client: Box<dyn RemotingClient>,
}

impl MQClientAPIImpl {
    pub fn new(actor: &str, remoting_client: Box<dyn RemotingClient>) -> Self {
        MQClientAPIImpl {
            actor: actor.to_string(),
            remoting_client,
        }
    }

    // ANCHOR: get_topic_route_info_from_name_server
    /// `MQClientAPIImpl#getTopicRouteInfoFromNameServer`.
    pub fn get_topic_route_info_from_name_server(
        &self,
        namesrv_addr: &str,
        topic: &str,
    ) -> Result<TopicRouteData, MQClientError> {
        const JAVA: &str = "MQClientAPIImpl#getTopicRouteInfoFromNameServer";
        let header = GetRouteInfoRequestHeader {
            topic: topic.to_string(),
            accept_standard_json_only: None,
        };
        let request =
            RemotingCommand::create_request_command(request_code::GET_ROUTEINFO_BY_TOPIC, &header);
        step!(self.actor, JAVA, "GET_ROUTEINFO_BY_TOPIC(105) -> {namesrv_addr} topic={topic}");

        let response = self.remoting_client.invoke_sync(namesrv_addr, request)?;
        let code = response.code;
        if code != response_code::SUCCESS {
            // The remark's first line is the message; RocketMQ appends a
            // second line with a FAQ link, which the trace leaves out.
            let remark = response.remark.unwrap_or_default();
            let first_line = remark.lines().next().unwrap_or_default();
            let facts = format!("<- {}({code}) remark=\"{first_line}\"", response_code_name(code));
            step!(self.actor, JAVA, "{facts}");
            return Err(MQClientError::Response { code, remark });
        }
        let body = response.body.unwrap_or_default();
        let route: TopicRouteData = serde_json::from_slice(&body).map_err(RemotingError::from)?;
        step!(self.actor, JAVA, "<- SUCCESS(0) body={}B: {}", body.len(), route.summary());
        Ok(route)
    }
    // ANCHOR_END: get_topic_route_info_from_name_server

    // ANCHOR: create_topic
    /// `MQClientAPIImpl#createTopic`, what `mqadmin updateTopic -b <addr>`
    /// sends: create or change one topic on one broker.
    pub fn create_topic(
        &self,
        broker_addr: &str,
        topic_config: &TopicConfig,
    ) -> Result<(), MQClientError> {
        const JAVA: &str = "MQClientAPIImpl#createTopic";
        let header = CreateTopicRequestHeader {
            topic: topic_config.topic_name.clone(),
            default_topic: AUTO_CREATE_TOPIC_KEY_TOPIC.to_string(),
            read_queue_nums: topic_config.read_queue_nums,
            write_queue_nums: topic_config.write_queue_nums,
            perm: topic_config.perm,
            topic_filter_type: match topic_config.topic_filter_type {
                TopicFilterType::SingleTag => "SINGLE_TAG".to_string(),
                TopicFilterType::MultiTag => "MULTI_TAG".to_string(),
            },
            topic_sys_flag: Some(topic_config.topic_sys_flag),
            order: topic_config.order,
        };
        let topic = &header.topic;
        let facts =
            format!("UPDATE_AND_CREATE_TOPIC(17) -> {broker_addr} topic={topic} {topic_config}");
        step!(self.actor, JAVA, "{facts}");
        let request =
            RemotingCommand::create_request_command(request_code::UPDATE_AND_CREATE_TOPIC, &header);
        let response = self.remoting_client.invoke_sync(broker_addr, request)?;
        let (code, name) = (response.code, response_code_name(response.code));
        step!(self.actor, JAVA, "<- {name}({code})");
        if code != response_code::SUCCESS {
            let remark = response.remark.unwrap_or_default();
            return Err(MQClientError::Response { code, remark });
        }
        Ok(())
    }
    // ANCHOR_END: create_topic

    // ANCHOR: send_message
    /// `MQClientAPIImpl#sendMessage` (sync): the header the producer filled
    /// in goes out as SEND_MESSAGE_V2, the one-letter form every Java
    /// producer uses by default, with the body beside it.
    pub fn send_message(
        &self,
        broker_addr: &str,
        msg: &Message,
        mut header: SendMessageRequestHeader,
    ) -> Result<SendResult, MQClientError> {
        header.properties = Some(message_properties_to_string(&msg.properties));
        let (group, topic, queue_id) = (&header.producer_group, &header.topic, header.queue_id);
        let size = msg.body.len();
        let facts = format!(
            "SEND_MESSAGE_V2(310) -> {broker_addr} a={group} b={topic} e={queue_id} body={size}B"
        );
        step!(self.actor, "MQClientAPIImpl#sendMessage", "{facts}");
        let v2 = SendMessageRequestHeaderV2(header);
        let request = RemotingCommand::create_request_command(request_code::SEND_MESSAGE_V2, &v2)
            .with_body(msg.body.clone());
        let response = self.remoting_client.invoke_sync(broker_addr, request)?;
        self.process_send_response(&msg.topic, response)
    }
    // ANCHOR_END: send_message

    // ANCHOR: process_send_response
    /// `MQClientAPIImpl#processSendResponse`: four codes mean "stored"; every
    /// other code is an error carrying the broker's remark.
    fn process_send_response(
        &self,
        topic: &str,
        response: RemotingCommand,
    ) -> Result<SendResult, MQClientError> {
        const JAVA: &str = "MQClientAPIImpl#processSendResponse";
        let code = response.code;
        let send_status = match code {
            response_code::SUCCESS => SendStatus::SendOk,
            response_code::FLUSH_DISK_TIMEOUT => SendStatus::FlushDiskTimeout,
            response_code::FLUSH_SLAVE_TIMEOUT => SendStatus::FlushSlaveTimeout,
            response_code::SLAVE_NOT_AVAILABLE => SendStatus::SlaveNotAvailable,
            _ => {
                let remark = response.remark.unwrap_or_default();
                let (name, first_line) =
                    (response_code_name(code), remark.lines().next().unwrap_or(""));
                step!(self.actor, JAVA, "<- {name}({code}) remark=\"{first_line}\"");
                return Err(MQClientError::Response { code, remark });
            }
        };
        let header: SendMessageResponseHeader = response.decode_command_custom_header()?;
        let (queue_id, offset, id) = (header.queue_id, header.queue_offset, &header.msg_id);
        let facts = format!(
            "<- SUCCESS(0) {send_status} {topic}-{queue_id} queueOffset={offset} offsetMsgId={id}"
        );
        step!(self.actor, JAVA, "{facts}");
        Ok(SendResult {
            send_status,
            offset_msg_id: header.msg_id,
            topic: topic.to_string(),
            queue_id,
            queue_offset: offset,
        })
    }
    // ANCHOR_END: process_send_response

    // ANCHOR: pull_message
    /// `MQClientAPIImpl#pullMessage` (sync here; the push consumer of
    /// chapter 09 pulls asynchronously).
    pub fn pull_message(
        &self,
        broker_addr: &str,
        header: PullMessageRequestHeader,
    ) -> Result<PullResult, MQClientError> {
        let (topic, queue_id, offset) = (&header.topic, header.queue_id, header.queue_offset);
        let (flag, commit) = (header.sys_flag, header.commit_offset);
        let sub = header.subscription.as_deref().unwrap_or("");
        let facts = format!(
            "PULL_MESSAGE(11) -> {broker_addr} {topic}-{queue_id} queueOffset={offset} sysFlag={flag} commitOffset={commit} subscription={sub:?}"
        );
        step!(self.actor, "MQClientAPIImpl#pullMessage", "{facts}");
        let request = RemotingCommand::create_request_command(request_code::PULL_MESSAGE, &header);
        let response = self.remoting_client.invoke_sync(broker_addr, request)?;
        process_pull_response(&self.actor, response)
    }
    // ANCHOR_END: pull_message

    // ANCHOR: pull_message_async
    /// `MQClientAPIImpl#pullMessageAsync`: how a push consumer pulls. The
    /// broker may hold the request (long polling); `callback` gets the
    /// result whenever the answer comes (`PullCallback#onSuccess`).
    pub fn pull_message_async(
        &self,
        broker_addr: &str,
        header: PullMessageRequestHeader,
        callback: impl FnOnce(Result<PullResult, MQClientError>) + Send + 'static,
    ) -> Result<(), MQClientError> {
        let (topic, queue_id, offset) = (&header.topic, header.queue_id, header.queue_offset);
        let (flag, timeout) = (header.sys_flag, header.suspend_timeout_millis);
        let facts = format!(
            "PULL_MESSAGE(11) -> {broker_addr} {topic}-{queue_id} queueOffset={offset} sysFlag={flag} suspendTimeoutMillis={timeout}"
        );
        step!(self.actor, "MQClientAPIImpl#pullMessageAsync", "{facts}");
        let request = RemotingCommand::create_request_command(request_code::PULL_MESSAGE, &header);
        let actor = self.actor.clone();
        let on_response = move |response| callback(process_pull_response(&actor, response));
        self.remoting_client
            .invoke_async(broker_addr, request, Box::new(on_response))?;
        Ok(())
    }
    // ANCHOR_END: pull_message_async

    /// `MQClientAPIImpl#updateConsumerOffset` (Java sends it oneway; the
    /// in-process transport only has round trips, so we take the answer).
    pub fn update_consumer_offset(
        &self,
        broker_addr: &str,
        header: UpdateConsumerOffsetRequestHeader,
    ) -> Result<(), MQClientError> {
        let (group, topic, queue_id, offset) =
            (&header.consumer_group, &header.topic, header.queue_id, header.commit_offset);
        let facts = format!(
            "UPDATE_CONSUMER_OFFSET(15) -> {broker_addr} group={group} {topic}-{queue_id} commitOffset={offset}"
        );
        step!(self.actor, "MQClientAPIImpl#updateConsumerOffset", "{facts}");
        let request =
            RemotingCommand::create_request_command(request_code::UPDATE_CONSUMER_OFFSET, &header);
        let response = self.remoting_client.invoke_sync(broker_addr, request)?;
        match response.code {
            response_code::SUCCESS => Ok(()),
            code => Err(MQClientError::Response {
                code,
                remark: response.remark.unwrap_or_default(),
            }),
        }
    }

    /// `MQClientAPIImpl#queryConsumerOffset`: where the group resumes.
    pub fn query_consumer_offset(
        &self,
        broker_addr: &str,
        header: QueryConsumerOffsetRequestHeader,
    ) -> Result<i64, MQClientError> {
        const JAVA: &str = "MQClientAPIImpl#queryConsumerOffset";
        let (group, topic, queue_id) = (&header.consumer_group, &header.topic, header.queue_id);
        let facts =
            format!("QUERY_CONSUMER_OFFSET(14) -> {broker_addr} group={group} {topic}-{queue_id}");
        step!(self.actor, JAVA, "{facts}");
        let request =
            RemotingCommand::create_request_command(request_code::QUERY_CONSUMER_OFFSET, &header);
        let response = self.remoting_client.invoke_sync(broker_addr, request)?;
        if response.code != response_code::SUCCESS {
            let remark = response.remark.unwrap_or_default();
            return Err(MQClientError::Response {
                code: response.code,
                remark,
            });
        }
        let answer: QueryConsumerOffsetResponseHeader = response.decode_command_custom_header()?;
        step!(self.actor, JAVA, "<- SUCCESS(0) offset={}", answer.offset);
        Ok(answer.offset)
    }
}

// ANCHOR: process_pull_response
/// `MQClientAPIImpl#processPullResponse`: four codes are answers about
/// the queue; any other is an error.
fn process_pull_response(
    actor: &str,
    response: RemotingCommand,
) -> Result<PullResult, MQClientError> {
    const JAVA: &str = "MQClientAPIImpl#processPullResponse";
    let code = response.code;
    let pull_status = match code {
        response_code::SUCCESS => PullStatus::Found,
        response_code::PULL_NOT_FOUND => PullStatus::NoNewMsg,
        response_code::PULL_RETRY_IMMEDIATELY => PullStatus::NoMatchedMsg,
        response_code::PULL_OFFSET_MOVED => PullStatus::OffsetIllegal,
        _ => {
            let remark = response.remark.unwrap_or_default();
            step!(actor, JAVA, "<- {}({code}) remark={remark:?}", response_code_name(code));
            return Err(MQClientError::Response { code, remark });
        }
    };
    let header: PullMessageResponseHeader = response.decode_command_custom_header()?;
    let body = response.body.unwrap_or_default();
    let msg_found_list = if body.is_empty() {
        Vec::new()
    } else {
        decodes_batch(&body).map_err(RemotingError::from)?
    };
    let found: Vec<String> = msg_found_list
        .iter()
        .map(|m| {
            format!(
                "{}:{}",
                m.queue_offset,
                m.msg.properties.get("TAGS").map_or("", String::as_str)
            )
        })
        .collect();
    let (name, next) = (response_code_name(code), header.next_begin_offset);
    let facts = format!(
        "<- {name}({code}) {pull_status} nextBeginOffset={next} msgs=[{}]",
        found.join(", ")
    );
    step!(actor, JAVA, "{facts}");
    Ok(PullResult {
        pull_status,
        next_begin_offset: header.next_begin_offset,
        min_offset: header.min_offset,
        max_offset: header.max_offset,
        msg_found_list,
    })
}
// ANCHOR_END: process_pull_response
