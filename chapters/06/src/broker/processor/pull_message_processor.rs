//! `PullMessageProcessor` — the read path. Mirrors
//! `org.apache.rocketmq.broker.processor.PullMessageProcessor` and the part of
//! `DefaultPullMessageResultHandler` that builds the response.
//!
//! A pull names a queue and a queue offset: "group G wants up to N messages
//! of queue Q of topic T, from offset O, matching tags S". One pull, four
//! steps:
//!
//! 1. **check**: the topic exists and is readable, the queue id is valid;
//! 2. **subscribe**: the tags come with the request (SUBSCRIPTION bit) and
//!    become hash codes an [`ExpressionMessageFilter`] compares;
//! 3. **read** from the store, which classifies the offset and walks the
//!    queue; its `GetMessageStatus` becomes the response code, and its name
//!    the remark:
//!
//!    | GetMessageStatus | response code | the consumer's PullStatus |
//!    |---|---|---|
//!    | FOUND | SUCCESS | FOUND |
//!    | NO_MATCHED_MESSAGE | PULL_RETRY_IMMEDIATELY | NO_MATCHED_MSG |
//!    | OFFSET_OVERFLOW_ONE, NO_MESSAGE_IN_QUEUE at offset 0 | PULL_NOT_FOUND | NO_NEW_MSG |
//!    | OFFSET_OVERFLOW_BADLY, OFFSET_TOO_SMALL, NO_MESSAGE_IN_QUEUE elsewhere | PULL_OFFSET_MOVED | OFFSET_ILLEGAL |
//!
//! 4. **commit** the consumer's progress when the COMMIT_OFFSET bit is set:
//!    a pull doubles as an offset report;
//! 5. **or hold it**: a pull that found nothing (PULL_NOT_FOUND) and carries
//!    the SUSPEND bit is not answered but handed to the
//!    `PullRequestHoldService`, which runs it again when a message arrives
//!    or its time is up (`executeRequestWhenWakeup`). That second run may
//!    not be held again, and does not commit again (`brokerAllowSuspend`
//!    is false).
//!
//! The response header always says where to continue (`nextBeginOffset`)
//! and what the queue holds (`minOffset`, `maxOffset`).

use std::sync::Arc;

use workbook_trace::step;

use crate::broker::broker_config::BrokerConfig;
use crate::broker::consumer_offset_manager::ConsumerOffsetManager;
use crate::broker::filter::expression_message_filter::ExpressionMessageFilter;
use crate::broker::longpolling::pull_request::PullRequest;
use crate::broker::longpolling::pull_request_hold_service::{
    PullRequestHoldService, PullRequestWakeup,
};
use crate::broker::topic_config_manager::TopicConfigManager;
use crate::common::message_decoder::encode_messages;
use crate::common::perm::is_readable;
use crate::common::sysflag::{has_commit_offset_flag, has_subscription_flag, has_suspend_flag};
use crate::common::virtual_clock::VirtualClock;
use crate::remoting::code::{response_code, response_code_name};
use crate::remoting::command::RemotingCommand;
use crate::remoting::error::RemotingError;
use crate::remoting::protocol::header::pull::{
    PullMessageRequestHeader, PullMessageResponseHeader,
};
use crate::remoting::protocol::heartbeat::subscription_data::SubscriptionData;
use crate::remoting::transport::{Channel, RequestProcessor};
use crate::store::get_message_result::{GetMessageResult, GetMessageStatus};
use crate::store::message_store::DefaultMessageStore;

pub struct PullMessageProcessor {
    /// `brokerName` (who we are in the trace), `longPollingEnable`,
    /// `shortPollingTimeMills`.
    broker_config: BrokerConfig,
    topic_config_manager: Arc<TopicConfigManager>,
    message_store: Arc<DefaultMessageStore>,
    consumer_offset_manager: Arc<ConsumerOffsetManager>,
    pull_request_hold_service: Arc<PullRequestHoldService>,
    clock: VirtualClock,
}

impl PullMessageProcessor {
    pub fn new(
        broker_config: BrokerConfig,
        topic_config_manager: Arc<TopicConfigManager>,
        message_store: Arc<DefaultMessageStore>,
        consumer_offset_manager: Arc<ConsumerOffsetManager>,
        pull_request_hold_service: Arc<PullRequestHoldService>,
        clock: VirtualClock,
    ) -> Self {
        PullMessageProcessor {
            broker_config,
            topic_config_manager,
            message_store,
            consumer_offset_manager,
            pull_request_hold_service,
            clock,
        }
    }

    // ANCHOR: process_request
    /// `PullMessageProcessor#processRequest(channel, request,
    /// brokerAllowSuspend)`: check, subscribe, read, commit, then answer —
    /// or hold the pull (`None`) when it found nothing and may wait.
    fn pull_message(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
        broker_allow_suspend: bool,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let header: PullMessageRequestHeader = request.decode_command_custom_header()?;
        if let Err(refusal) = self.check(channel, &header) {
            return Ok(Some(refusal));
        }
        let filter = match self.build_filter(&header) {
            Ok(filter) => filter,
            Err(refusal) => return Ok(Some(refusal)),
        };
        let (topic, queue_id, offset) = (&header.topic, header.queue_id, header.queue_offset);
        let result =
            self.message_store
                .get_message(topic, queue_id, offset, header.max_msg_nums, &filter);
        let response = self.to_response(&header, result);
        if broker_allow_suspend && has_commit_offset_flag(header.sys_flag) {
            let (group, client) = (&header.consumer_group, channel.remote_addr());
            let manager = &self.consumer_offset_manager;
            manager.commit_offset(client, group, topic, queue_id, header.commit_offset);
        }
        let may_hold = broker_allow_suspend && has_suspend_flag(header.sys_flag);
        if response.code == response_code::PULL_NOT_FOUND && may_hold {
            self.suspend(channel, request, &header, filter);
            return Ok(None);
        }
        Ok(Some(response))
    }
    // ANCHOR_END: process_request

    // ANCHOR: suspend
    /// The PULL_NOT_FOUND case of `DefaultPullMessageResultHandler`: hold the
    /// pull for its `suspendTimeoutMillis` (or `shortPollingTimeMills` with
    /// long polling off) instead of answering.
    fn suspend(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
        header: &PullMessageRequestHeader,
        filter: ExpressionMessageFilter,
    ) {
        let config = &self.broker_config;
        let timeout_millis = match config.long_polling_enable {
            true => u64::try_from(header.suspend_timeout_millis).unwrap_or(0),
            false => config.short_polling_time_mills,
        };
        let pull_request = PullRequest {
            request_command: request.clone(),
            client_channel: channel.clone(),
            timeout_millis,
            suspend_timestamp: self.clock.now_ms(),
            pull_from_this_offset: header.queue_offset,
            message_filter: filter,
        };
        let service = &self.pull_request_hold_service;
        service.suspend_pull_request(&header.topic, header.queue_id, pull_request);
    }
    // ANCHOR_END: suspend

    // ANCHOR: check
    /// The checks before the read: the topic exists and may be read, and
    /// the queue is one of its read queues.
    fn check(
        &self,
        channel: &Channel,
        header: &PullMessageRequestHeader,
    ) -> Result<(), RemotingCommand> {
        let topic = &header.topic;
        let Some(topic_config) = self.topic_config_manager.select_topic_config(topic) else {
            let remark = format!("topic[{topic}] not exist, apply first please!");
            return Err(self.refuse(response_code::TOPIC_NOT_EXIST, remark));
        };
        if !is_readable(topic_config.perm) {
            let remark = format!("the topic[{topic}] pulling message is forbidden");
            return Err(self.refuse(response_code::NO_PERMISSION, remark));
        }
        let (queue_id, read) = (header.queue_id, topic_config.read_queue_nums);
        if queue_id < 0 || queue_id >= read {
            let consumer = channel.remote_addr();
            let remark = format!(
                "queueId[{queue_id}] is illegal, topic:[{topic}] topicConfig.readQueueNums:[{read}] consumer:[{consumer}]"
            );
            return Err(self.refuse(response_code::SYSTEM_ERROR, remark));
        }
        Ok(())
    }
    // ANCHOR_END: check

    /// The subscription this pull reads with. Without the SUBSCRIPTION bit
    /// Java uses the one the group registered in its last heartbeat
    /// (chapter 10); this broker has no heartbeats yet.
    fn build_filter(
        &self,
        header: &PullMessageRequestHeader,
    ) -> Result<ExpressionMessageFilter, RemotingCommand> {
        let group = &header.consumer_group;
        if !has_subscription_flag(header.sys_flag) {
            let remark = format!("the consumer's group info not exist, group: {group}");
            return Err(self.refuse(response_code::SUBSCRIPTION_NOT_EXIST, remark));
        }
        let expression = header.subscription.as_deref().unwrap_or("");
        let sub = SubscriptionData::build(&header.topic, expression, header.sub_version);
        let (tags, codes) = (&sub.tags_set, &sub.code_set);
        let facts =
            format!("group={group} subscription={expression:?} tagsSet={tags:?} codeSet={codes:?}");
        step!(self.broker_config.broker_name, "PullMessageProcessor#processRequest", "{facts}");
        Ok(ExpressionMessageFilter::new(sub))
    }

    // ANCHOR: to_response
    /// The store's answer as a response: the code for its status, the
    /// status's name as remark, where to continue, the messages as body.
    fn to_response(
        &self,
        header: &PullMessageRequestHeader,
        result: GetMessageResult,
    ) -> RemotingCommand {
        let code = match result.status {
            GetMessageStatus::Found => response_code::SUCCESS,
            GetMessageStatus::NoMatchedMessage => response_code::PULL_RETRY_IMMEDIATELY,
            GetMessageStatus::OffsetOverflowOne => response_code::PULL_NOT_FOUND,
            GetMessageStatus::NoMessageInQueue if header.queue_offset == 0 => {
                response_code::PULL_NOT_FOUND
            }
            GetMessageStatus::NoMessageInQueue
            | GetMessageStatus::OffsetOverflowBadly
            | GetMessageStatus::OffsetTooSmall => response_code::PULL_OFFSET_MOVED,
        };
        let response_header = PullMessageResponseHeader {
            suggest_which_broker_id: 0,
            next_begin_offset: result.next_begin_offset,
            min_offset: result.min_offset,
            max_offset: result.max_offset,
        };
        let (status, name) = (result.status.name(), response_code_name(code));
        let next = result.next_begin_offset;
        let facts = format!("{status} -> {name}({code}) nextBeginOffset={next}");
        step!(self.broker_config.broker_name, "PullMessageProcessor#processRequest", "{facts}");
        let response = RemotingCommand::create_response_command(code, Some(status.to_string()))
            .with_header(&response_header);
        if result.message_list.is_empty() {
            return response;
        }
        response.with_body(encode_messages(&result.message_list))
    }
    // ANCHOR_END: to_response

    /// A refusal before the read; the remark reaches the consumer.
    fn refuse(&self, code: i32, remark: String) -> RemotingCommand {
        let name = response_code_name(code);
        let facts = format!("refused: {name}({code})");
        step!(self.broker_config.broker_name, "PullMessageProcessor#processRequest", "{facts}");
        RemotingCommand::create_response_command(code, Some(remark))
    }
}

impl PullMessageProcessor {
    /// One run of a pull; a header that does not decode is answered.
    fn run(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
        broker_allow_suspend: bool,
    ) -> Option<RemotingCommand> {
        self.pull_message(channel, request, broker_allow_suspend)
            .unwrap_or_else(|e| {
                let refusal = RemotingCommand::create_response_command(
                    response_code::SYSTEM_ERROR,
                    Some(e.to_string()),
                );
                Some(refusal)
            })
    }
}

impl RequestProcessor for PullMessageProcessor {
    /// For a caller that cannot wait: answer now, never hold.
    fn process_request(&self, channel: &Channel, request: RemotingCommand) -> RemotingCommand {
        let answer = self.run(channel, &request, false);
        // Not allowed to suspend, the run always answers.
        answer.expect("a pull that may not be held is always answered")
    }

    /// A pull from the network: it may be held.
    fn async_process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Option<RemotingCommand> {
        self.run(channel, &request, true)
    }
}

// ANCHOR: execute_request_when_wakeup
impl PullRequestWakeup for PullMessageProcessor {
    /// `PullMessageProcessor#executeRequestWhenWakeup`: run the held pull
    /// again, not allowed to be held this time, and send the answer down the
    /// channel it came on.
    fn execute_request_when_wakeup(&self, channel: Channel, request: RemotingCommand) {
        let (name, client) = (&self.broker_config.broker_name, channel.remote_addr());
        let facts = format!("run the pull of {client} again, brokerAllowSuspend=false");
        step!(name, "PullMessageProcessor#executeRequestWhenWakeup", "{facts}");
        if let Some(response) = self.run(&channel, &request, false) {
            channel.write_and_flush(response);
        }
    }
}
// ANCHOR_END: execute_request_when_wakeup
