//! `ConsumerManageProcessor` — the offset requests. Mirrors
//! `org.apache.rocketmq.broker.processor.ConsumerManageProcessor`, for
//! UPDATE_CONSUMER_OFFSET and QUERY_CONSUMER_OFFSET (its third request,
//! GET_CONSUMER_LIST_BY_GROUP, arrives with rebalance in chapter 10).

use std::sync::Arc;

use workbook_trace::step;

use crate::broker::consumer_offset_manager::ConsumerOffsetManager;
use crate::broker::topic_config_manager::TopicConfigManager;
use crate::remoting::code::{request_code, response_code, response_code_name};
use crate::remoting::command::RemotingCommand;
use crate::remoting::error::RemotingError;
use crate::remoting::protocol::header::offset::{
    QueryConsumerOffsetRequestHeader, QueryConsumerOffsetResponseHeader,
    UpdateConsumerOffsetRequestHeader,
};
use crate::remoting::transport::{Channel, RequestProcessor};
use crate::store::message_store::DefaultMessageStore;

pub struct ConsumerManageProcessor {
    /// Who we are in the trace (the broker name).
    actor: String,
    topic_config_manager: Arc<TopicConfigManager>,
    message_store: Arc<DefaultMessageStore>,
    consumer_offset_manager: Arc<ConsumerOffsetManager>,
}

impl ConsumerManageProcessor {
    pub fn new(
        actor: &str,
        topic_config_manager: Arc<TopicConfigManager>,
        message_store: Arc<DefaultMessageStore>,
        consumer_offset_manager: Arc<ConsumerOffsetManager>,
    ) -> Self {
        ConsumerManageProcessor {
            actor: actor.to_string(),
            topic_config_manager,
            message_store,
            consumer_offset_manager,
        }
    }

    // ANCHOR: update_consumer_offset
    /// `ConsumerManageProcessor#updateConsumerOffset`: a known topic and
    /// queue, then the commit.
    fn update_consumer_offset(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let header: UpdateConsumerOffsetRequestHeader = request.decode_command_custom_header()?;
        let (topic, queue_id) = (&header.topic, header.queue_id);
        let Some(topic_config) = self.topic_config_manager.select_topic_config(topic) else {
            let remark = format!("Topic {topic} not exist!");
            return Ok(RemotingCommand::create_response_command(
                response_code::TOPIC_NOT_EXIST,
                Some(remark),
            ));
        };
        let queues = topic_config
            .read_queue_nums
            .max(topic_config.write_queue_nums);
        if queue_id < 0 || queue_id >= queues {
            let remark = format!("QueueId {queue_id} is illegal for topic {topic}");
            return Ok(RemotingCommand::create_response_command(
                response_code::INVALID_PARAMETER,
                Some(remark),
            ));
        }
        let (client, group) = (channel.remote_addr(), &header.consumer_group);
        let offset = header.commit_offset;
        self.consumer_offset_manager
            .commit_offset(client, group, topic, queue_id, offset);
        Ok(RemotingCommand::create_response_command(response_code::SUCCESS, None))
    }
    // ANCHOR_END: update_consumer_offset

    // ANCHOR: query_consumer_offset
    /// `ConsumerManageProcessor#queryConsumerOffset`: the committed offset.
    /// A group that never committed starts at 0 if the queue still holds
    /// its first message (so it misses nothing), else the client decides.
    fn query_consumer_offset(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let header: QueryConsumerOffsetRequestHeader = request.decode_command_custom_header()?;
        let (group, topic, queue_id) = (&header.consumer_group, &header.topic, header.queue_id);
        let mut offset = self
            .consumer_offset_manager
            .query_offset(group, topic, queue_id);
        let store = &self.message_store;
        let first_still_there = store.get_min_offset_in_queue(topic, queue_id) <= 0
            && store.get_max_offset_in_queue(topic, queue_id) > 0;
        if offset < 0 && header.set_zero_if_not_found != Some(false) && first_still_there {
            offset = 0;
        }
        let (code, remark) = match offset {
            o if o >= 0 => (response_code::SUCCESS, None),
            _ => (
                response_code::QUERY_NOT_FOUND,
                Some("Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first".to_string()),
            ),
        };
        let name = response_code_name(code);
        let facts =
            format!("offsetTable[{topic}@{group}][{queue_id}] -> {name}({code}) offset={offset}");
        step!(self.actor, "ConsumerManageProcessor#queryConsumerOffset", "{facts}");
        let response = RemotingCommand::create_response_command(code, remark);
        Ok(match code {
            response_code::SUCCESS => {
                response.with_header(&QueryConsumerOffsetResponseHeader { offset })
            }
            _ => response,
        })
    }
    // ANCHOR_END: query_consumer_offset
}

impl RequestProcessor for ConsumerManageProcessor {
    /// `ConsumerManageProcessor#processRequest`: dispatch on the code.
    fn process_request(&self, channel: &Channel, request: RemotingCommand) -> RemotingCommand {
        let handled = match request.code {
            request_code::UPDATE_CONSUMER_OFFSET => self.update_consumer_offset(channel, &request),
            request_code::QUERY_CONSUMER_OFFSET => self.query_consumer_offset(&request),
            code => Ok(RemotingCommand::create_response_command(
                response_code::REQUEST_CODE_NOT_SUPPORTED,
                Some(format!(" request type {code} not supported")),
            )),
        };
        handled.unwrap_or_else(|e| {
            RemotingCommand::create_response_command(
                response_code::SYSTEM_ERROR,
                Some(e.to_string()),
            )
        })
    }
}
