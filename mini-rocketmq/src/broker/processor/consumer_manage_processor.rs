//! `ConsumerManageProcessor`: consumer offsets and group membership —
//! QUERY_CONSUMER_OFFSET, UPDATE_CONSUMER_OFFSET, GET_CONSUMER_LIST_BY_GROUP.
//!
//! Mirrors `org.apache.rocketmq.broker.processor.ConsumerManageProcessor`.
//! These are the three calls a clustering consumer makes around a rebalance:
//! "who is in my group?" (to split the queues), "where did my group stop on
//! this queue?" (to start pulling), and every 5 s "here is how far I got".

use std::sync::Arc;

use super::{error_response, invalid_header};
use crate::broker::client::consumer_manager::ConsumerManager;
use crate::broker::consumer_offset_manager::ConsumerOffsetManager;
use crate::broker::topic_config_manager::TopicConfigManager;
use crate::remoting::channel::Channel;
use crate::remoting::code::{request_code, response_code};
use crate::remoting::command::RemotingCommand;
use crate::remoting::processor::{BoxFuture, RequestProcessor};
use crate::remoting::protocol::body::get_consumer_list_by_group::GetConsumerListByGroupResponseBody;
use crate::remoting::protocol::header::client_manage::GetConsumerListByGroupRequestHeader;
use crate::remoting::protocol::header::offset::{
    QueryConsumerOffsetRequestHeader, QueryConsumerOffsetResponseHeader,
    UpdateConsumerOffsetRequestHeader,
};
use crate::store::message_store::DefaultMessageStore;

pub struct ConsumerManageProcessor {
    store: DefaultMessageStore,
    topic_config_manager: Arc<TopicConfigManager>,
    consumer_manager: Arc<ConsumerManager>,
    consumer_offset_manager: Arc<ConsumerOffsetManager>,
}

impl RequestProcessor for ConsumerManageProcessor {
    fn process_request(
        &self,
        channel: Channel,
        request: RemotingCommand,
    ) -> BoxFuture<'_, Option<RemotingCommand>> {
        Box::pin(async move {
            let response = match request.code {
                request_code::GET_CONSUMER_LIST_BY_GROUP => {
                    self.get_consumer_list_by_group(&channel, &request)
                }
                request_code::UPDATE_CONSUMER_OFFSET => {
                    self.update_consumer_offset(&channel, &request)
                }
                _ => self.query_consumer_offset(&request),
            };
            Some(response)
        })
    }
}

impl ConsumerManageProcessor {
    pub fn new(
        store: DefaultMessageStore,
        topic_config_manager: Arc<TopicConfigManager>,
        consumer_manager: Arc<ConsumerManager>,
        consumer_offset_manager: Arc<ConsumerOffsetManager>,
    ) -> Self {
        ConsumerManageProcessor {
            store,
            topic_config_manager,
            consumer_manager,
            consumer_offset_manager,
        }
    }

    /// GET_CONSUMER_LIST_BY_GROUP (38): the client ids of the group's live
    /// members. An unknown group is SYSTEM_ERROR "no consumer for this group"
    /// as in Java; a consumer asks right after its first heartbeat, so it
    /// normally finds at least itself.
    fn get_consumer_list_by_group(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> RemotingCommand {
        let header: GetConsumerListByGroupRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        match self
            .consumer_manager
            .get_consumer_id_list(&header.consumer_group)
        {
            Some(ids) if !ids.is_empty() => {
                let body = GetConsumerListByGroupResponseBody {
                    consumer_id_list: ids,
                };
                RemotingCommand::new_response(response_code::SUCCESS, None).with_body(body.encode())
            }
            _ => {
                tracing::warn!(group = %header.consumer_group, client = %channel.remote_addr(),
                    "getConsumerListByGroup: the group has no member online");
                error_response(
                    response_code::SYSTEM_ERROR,
                    format!("no consumer for this group, {}", header.consumer_group),
                )
            }
        }
    }

    /// UPDATE_CONSUMER_OFFSET (15), usually oneway: record progress.
    fn update_consumer_offset(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> RemotingCommand {
        let header: UpdateConsumerOffsetRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        let Some(topic_config) = self.topic_config_manager.select_topic_config(&header.topic)
        else {
            return error_response(
                response_code::TOPIC_NOT_EXIST,
                format!("Topic {} not exist!", header.topic),
            );
        };
        if header.queue_id < 0
            || header.queue_id
                >= topic_config
                    .read_queue_nums
                    .max(topic_config.write_queue_nums)
        {
            return error_response(
                response_code::INVALID_PARAMETER,
                format!(
                    "QueueId {} is illegal for topic {}",
                    header.queue_id, header.topic
                ),
            );
        }
        self.consumer_offset_manager.commit_offset(
            &channel.remote_addr().to_string(),
            &header.consumer_group,
            &header.topic,
            header.queue_id,
            header.commit_offset,
        );
        RemotingCommand::new_response(response_code::SUCCESS, None)
    }

    /// QUERY_CONSUMER_OFFSET (14): the committed offset; for a group that
    /// never committed one, 0 when the queue still starts at 0 (so a new group
    /// does not skip the first messages ever sent), else QUERY_NOT_FOUND and
    /// the consumer decides from its `consumeFromWhere` (Java `ConsumerManageProcessor#queryConsumerOffset`, `broker/src/main/java/org/apache/rocketmq/broker/processor/ConsumerManageProcessor.java`).
    fn query_consumer_offset(&self, request: &RemotingCommand) -> RemotingCommand {
        let header: QueryConsumerOffsetRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        let offset = self.consumer_offset_manager.query_offset(
            &header.consumer_group,
            &header.topic,
            header.queue_id,
        );
        if offset >= 0 {
            return RemotingCommand::new_response(response_code::SUCCESS, None)
                .with_header(&QueryConsumerOffsetResponseHeader { offset });
        }
        if header.set_zero_if_not_found == Some(false) {
            return error_response(
                response_code::QUERY_NOT_FOUND,
                "Not found, do not set to zero, maybe this group boot first".to_string(),
            );
        }
        let min = self
            .store
            .get_min_offset_in_queue(&header.topic, header.queue_id);
        let max = self
            .store
            .get_max_offset_in_queue(&header.topic, header.queue_id);
        // Java also requires the first message to still be in the page cache
        // (`checkInMemByConsumeOffset`); a mini broker's data always is.
        if min <= 0 && max > 0 {
            RemotingCommand::new_response(response_code::SUCCESS, None)
                .with_header(&QueryConsumerOffsetResponseHeader { offset: 0 })
        } else {
            error_response(
                response_code::QUERY_NOT_FOUND,
                "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first".to_string(),
            )
        }
    }
}
