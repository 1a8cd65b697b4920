//! `AdminBrokerProcessor`: everything an operator (or a client asking about
//! offsets) can ask a broker that is not a send, a pull or a heartbeat.
//!
//! Mirrors `org.apache.rocketmq.broker.processor.AdminBrokerProcessor`, the
//! largest processor in RocketMQ. The codes group into:
//!
//! - **topics**: UPDATE_AND_CREATE_TOPIC, DELETE_TOPIC_IN_BROKER,
//!   GET_ALL_TOPIC_CONFIG, GET_TOPIC_CONFIG, GET_TOPIC_STATS_INFO;
//! - **queue offsets**: GET_MAX_OFFSET, GET_MIN_OFFSET,
//!   SEARCH_OFFSET_BY_TIMESTAMP, GET_EARLIEST_MSG_STORETIME;
//! - **consumer groups**: GET_CONSUME_STATS, GET_CONSUMER_CONNECTION_LIST,
//!   GET_PRODUCER_CONNECTION_LIST, UPDATE_AND_CREATE_SUBSCRIPTIONGROUP,
//!   GET_ALL_SUBSCRIPTIONGROUP_CONFIG, DELETE_SUBSCRIPTIONGROUP,
//!   GET_ALL_CONSUMER_OFFSET, INVOKE_BROKER_TO_RESET_OFFSET;
//! - **orderly consumption**: LOCK_BATCH_MQ, UNLOCK_BATCH_MQ;
//! - **the broker itself**: GET_BROKER_RUNTIME_INFO, GET_BROKER_CONFIG.
//!
//! It is also the server's default processor, so every code nobody serves
//! ends here and is answered REQUEST_CODE_NOT_SUPPORTED with Java's remark.
//!
//! The offset and stats computations live in [`admin_stats`](super::admin_stats)
//! so that this file stays a readable dispatch over small handlers.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::{error_response, invalid_header};
use crate::broker::broker_config::BrokerConfig;
use crate::broker::client::consumer_manager::ConsumerManager;
use crate::broker::client::producer_manager::ProducerManager;
use crate::broker::consumer_offset_manager::ConsumerOffsetManager;
use crate::broker::longpolling::pull_request_hold_service::PullRequestHoldService;
use crate::broker::rebalance_lock_manager::RebalanceLockManager;
use crate::broker::subscription_group_manager::SubscriptionGroupManager;
use crate::broker::topic_config_manager::TopicConfigManager;
use crate::broker::topic_route_registration::TopicRouteRegistration;
use crate::common::config_manager::ConfigManager;
use crate::common::perm;
use crate::common::subscription_group::SubscriptionGroupConfig;
use crate::common::topic_config::{TopicConfig, TopicFilterType};
use crate::common::topic_validator;
use crate::remoting::channel::Channel;
use crate::remoting::code::{request_code, request_code_name, response_code};
use crate::remoting::command::RemotingCommand;
use crate::remoting::processor::{BoxFuture, RequestProcessor};
use crate::remoting::protocol::body::kv_table::KVTable;
use crate::remoting::protocol::body::lock_batch::{LockBatchRequestBody, LockBatchResponseBody};
use crate::remoting::protocol::header::BoundaryType;
use crate::remoting::protocol::header::admin::{
    CreateTopicRequestHeader, DeleteSubscriptionGroupRequestHeader, DeleteTopicRequestHeader,
    GetAllTopicConfigResponseHeader, GetBrokerConfigResponseHeader, GetConsumeStatsRequestHeader,
    GetTopicConfigRequestHeader, GetTopicStatsInfoRequestHeader,
};
use crate::remoting::protocol::header::client_manage::GetConsumerConnectionListRequestHeader;
use crate::remoting::protocol::header::offset::{
    GetEarliestMsgStoretimeRequestHeader, GetEarliestMsgStoretimeResponseHeader,
    GetMaxOffsetRequestHeader, GetMaxOffsetResponseHeader, GetMinOffsetRequestHeader,
    GetMinOffsetResponseHeader, ResetOffsetRequestHeader, SearchOffsetRequestHeader,
    SearchOffsetResponseHeader,
};
use crate::store::config::MessageStoreConfig;
use crate::store::consume_queue::BoundaryType as StoreBoundaryType;
use crate::store::message_store::DefaultMessageStore;

/// Largest queue count UPDATE_AND_CREATE_TOPIC accepts. RocketMQ has no hard
/// limit; every queue costs a directory and files, so a typo like 80000 is
/// refused instead of filling the disk.
const MAX_QUEUE_NUMS: i32 = 1024;

/// The admin processor reads and changes nearly every table of the broker,
/// so it holds more services than any other processor; the controller
/// fills them in (`BrokerController#registerProcessor`).
pub struct AdminBrokerProcessor {
    pub broker_config: Arc<BrokerConfig>,
    pub store_config: Arc<MessageStoreConfig>,
    pub store: DefaultMessageStore,
    pub topic_config_manager: Arc<TopicConfigManager>,
    pub consumer_offset_manager: Arc<ConsumerOffsetManager>,
    pub subscription_group_manager: Arc<SubscriptionGroupManager>,
    pub consumer_manager: Arc<ConsumerManager>,
    pub producer_manager: Arc<ProducerManager>,
    pub rebalance_lock_manager: Arc<RebalanceLockManager>,
    pub pull_request_hold_service: Arc<PullRequestHoldService>,
    /// Registers a topic UPDATE_AND_CREATE_TOPIC created before answering.
    pub topic_route_registration: Arc<TopicRouteRegistration>,
    /// `brokerIP1:listenPort`, for GET_BROKER_RUNTIME_INFO.
    pub broker_addr: String,
}

impl RequestProcessor for AdminBrokerProcessor {
    fn process_request(
        &self,
        channel: Channel,
        request: RemotingCommand,
    ) -> BoxFuture<'_, Option<RemotingCommand>> {
        Box::pin(async move {
            let response = self.dispatch(&channel, &request);
            // Java `updateAndCreateTopic` registers with the name servers
            // before it answers: the route is there when the caller reads
            // SUCCESS (mqadmin updateTopic, then topicRoute at once).
            if request.code == request_code::UPDATE_AND_CREATE_TOPIC
                && response.code == response_code::SUCCESS
            {
                self.topic_route_registration.register_broker_data().await;
            }
            Some(response)
        })
    }
}

impl AdminBrokerProcessor {
    fn dispatch(&self, channel: &Channel, request: &RemotingCommand) -> RemotingCommand {
        use request_code::*;
        match request.code {
            UPDATE_AND_CREATE_TOPIC => self.update_and_create_topic(channel, request),
            DELETE_TOPIC_IN_BROKER => self.delete_topic(channel, request),
            GET_ALL_TOPIC_CONFIG => self.get_all_topic_config(),
            GET_TOPIC_CONFIG => self.get_topic_config(request),
            GET_TOPIC_STATS_INFO => self.get_topic_stats_info(request),
            GET_MAX_OFFSET => self.get_max_offset(request),
            GET_MIN_OFFSET => self.get_min_offset(request),
            SEARCH_OFFSET_BY_TIMESTAMP => self.search_offset_by_timestamp(request),
            GET_EARLIEST_MSG_STORETIME => self.get_earliest_msg_storetime(request),
            GET_CONSUME_STATS => self.get_consume_stats(request),
            GET_CONSUMER_CONNECTION_LIST => self.get_consumer_connection_list(request),
            GET_PRODUCER_CONNECTION_LIST => self.get_producer_connection_list(request),
            UPDATE_AND_CREATE_SUBSCRIPTIONGROUP => {
                self.update_and_create_subscription_group(channel, request)
            }
            GET_ALL_SUBSCRIPTIONGROUP_CONFIG => self.get_all_subscription_group_config(),
            DELETE_SUBSCRIPTIONGROUP => self.delete_subscription_group(channel, request),
            GET_ALL_CONSUMER_OFFSET => self.get_all_consumer_offset(),
            INVOKE_BROKER_TO_RESET_OFFSET => self.reset_offset(channel, request),
            LOCK_BATCH_MQ => self.lock_batch_mq(request),
            UNLOCK_BATCH_MQ => self.unlock_batch_mq(request),
            GET_BROKER_RUNTIME_INFO => self.get_broker_runtime_info(),
            GET_BROKER_CONFIG => self.get_broker_config(),
            code => {
                tracing::warn!(code, name = request_code_name(code), client = %channel.remote_addr(),
                    "request code not supported by this broker");
                error_response(
                    response_code::REQUEST_CODE_NOT_SUPPORTED,
                    format!(" request type {code} not supported"),
                )
            }
        }
    }

    // ------------------------------------------------------------------
    // Topics
    // ------------------------------------------------------------------

    /// UPDATE_AND_CREATE_TOPIC (17), what `mqadmin updateTopic` sends.
    fn update_and_create_topic(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> RemotingCommand {
        let h: CreateTopicRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        if let Err(e) = topic_validator::validate_topic(&h.topic) {
            return error_response(response_code::INVALID_PARAMETER, e.to_string());
        }
        let config = &self.broker_config;
        if config.validate_system_topic_when_update_topic
            && topic_validator::is_system_topic(&h.topic)
        {
            return error_response(
                response_code::INVALID_PARAMETER,
                format!("The topic[{}] is conflict with system topic.", h.topic),
            );
        }
        if h.topic == config.broker_cluster_name || h.topic == config.broker_name {
            return error_response(
                response_code::INVALID_PARAMETER,
                format!(
                    "The topic[{}] is conflict with system reserved words.",
                    h.topic
                ),
            );
        }
        let queues_ok = |n: i32| (1..=MAX_QUEUE_NUMS).contains(&n);
        if !queues_ok(h.read_queue_nums) || !queues_ok(h.write_queue_nums) {
            return error_response(
                response_code::INVALID_PARAMETER,
                format!(
                    "readQueueNums {} / writeQueueNums {} out of range [1, {MAX_QUEUE_NUMS}]",
                    h.read_queue_nums, h.write_queue_nums
                ),
            );
        }
        if !perm::is_valid(h.perm) {
            return error_response(
                response_code::INVALID_PARAMETER,
                format!("invalid perm {}", h.perm),
            );
        }
        let Some(filter_type) = TopicFilterType::parse(&h.topic_filter_type) else {
            return error_response(
                response_code::INVALID_PARAMETER,
                format!("invalid topicFilterType {}", h.topic_filter_type),
            );
        };
        let mut tc = TopicConfig::with_queues(
            h.topic.clone(),
            h.read_queue_nums,
            h.write_queue_nums,
            h.perm,
        );
        tc.topic_filter_type = filter_type;
        tc.topic_sys_flag = h.topic_sys_flag.unwrap_or(0);
        tc.order = h.order;
        tc.attributes = parse_attributes(h.attributes.as_deref().unwrap_or(""));
        tracing::info!(topic = %h.topic, read = h.read_queue_nums, write = h.write_queue_nums, perm = h.perm,
            caller = %channel.remote_addr(), "AdminBrokerProcessor#updateAndCreateTopic");
        self.topic_config_manager.update_topic_config(tc);
        RemotingCommand::new_response(response_code::SUCCESS, None)
    }

    /// DELETE_TOPIC_IN_BROKER (215): forget the topic, its offsets and its
    /// consume queues. The CommitLog keeps the records until they expire.
    fn delete_topic(&self, channel: &Channel, request: &RemotingCommand) -> RemotingCommand {
        let h: DeleteTopicRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        if let Err(e) = topic_validator::validate_topic(&h.topic) {
            return error_response(response_code::INVALID_PARAMETER, e.to_string());
        }
        if topic_validator::is_system_topic(&h.topic) {
            return error_response(
                response_code::INVALID_PARAMETER,
                format!("The topic[{}] is conflict with system topic.", h.topic),
            );
        }
        tracing::info!(topic = %h.topic, caller = %channel.remote_addr(), "AdminBrokerProcessor#deleteTopic");
        self.topic_config_manager.delete_topic_config(&h.topic);
        self.consumer_offset_manager.clean_offset_by_topic(&h.topic);
        self.store.delete_topics(&[h.topic.as_str()]);
        RemotingCommand::new_response(response_code::SUCCESS, None)
    }

    /// GET_ALL_TOPIC_CONFIG (21): the whole table, as `topics.json` holds it.
    fn get_all_topic_config(&self) -> RemotingCommand {
        let wrapper = self.topic_config_manager.build_serialize_wrapper();
        let total = wrapper.topic_config_table.len() as i32;
        let body = serde_json::to_vec(&wrapper).unwrap_or_default();
        RemotingCommand::new_response(response_code::SUCCESS, None)
            .with_header(&GetAllTopicConfigResponseHeader {
                total_topic_num: total,
            })
            .with_body(body)
    }

    /// GET_TOPIC_CONFIG (351): one topic's config.
    fn get_topic_config(&self, request: &RemotingCommand) -> RemotingCommand {
        let h: GetTopicConfigRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        match self.topic_config_manager.select_topic_config(&h.topic) {
            Some(tc) => RemotingCommand::new_response(response_code::SUCCESS, None).with_body(
                serde_json::to_vec(&serde_json::json!({ "topicConfig": *tc })).unwrap_or_default(),
            ),
            None => error_response(
                response_code::TOPIC_NOT_EXIST,
                format!("No topic in this self. topic: {}", h.topic),
            ),
        }
    }

    /// GET_TOPIC_STATS_INFO (202): min/max offset of every queue.
    fn get_topic_stats_info(&self, request: &RemotingCommand) -> RemotingCommand {
        let h: GetTopicStatsInfoRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        match self.topic_stats_table(&h.topic) {
            Some(table) => RemotingCommand::new_response(response_code::SUCCESS, None)
                .with_body(table.encode()),
            None => error_response(
                response_code::TOPIC_NOT_EXIST,
                format!("topic[{}] not exist", h.topic),
            ),
        }
    }

    // ------------------------------------------------------------------
    // Queue offsets
    // ------------------------------------------------------------------

    /// GET_MAX_OFFSET (30): one past the last message of a queue.
    fn get_max_offset(&self, request: &RemotingCommand) -> RemotingCommand {
        let h: GetMaxOffsetRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        let offset = self.store.get_max_offset_in_queue(&h.topic, h.queue_id);
        RemotingCommand::new_response(response_code::SUCCESS, None)
            .with_header(&GetMaxOffsetResponseHeader { offset })
    }

    /// GET_MIN_OFFSET (31): the oldest message still stored.
    fn get_min_offset(&self, request: &RemotingCommand) -> RemotingCommand {
        let h: GetMinOffsetRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        let offset = self.store.get_min_offset_in_queue(&h.topic, h.queue_id);
        RemotingCommand::new_response(response_code::SUCCESS, None)
            .with_header(&GetMinOffsetResponseHeader { offset })
    }

    /// SEARCH_OFFSET_BY_TIMESTAMP (29): the queue offset of the first (lower)
    /// or last (upper) message stored at or around a time.
    fn search_offset_by_timestamp(&self, request: &RemotingCommand) -> RemotingCommand {
        let h: SearchOffsetRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        let boundary = match h.boundary_type.unwrap_or_default() {
            BoundaryType::Lower => StoreBoundaryType::Lower,
            BoundaryType::Upper => StoreBoundaryType::Upper,
        };
        let offset =
            self.store
                .get_offset_in_queue_by_time(&h.topic, h.queue_id, h.timestamp, boundary);
        RemotingCommand::new_response(response_code::SUCCESS, None)
            .with_header(&SearchOffsetResponseHeader { offset })
    }

    /// GET_EARLIEST_MSG_STORETIME (32).
    fn get_earliest_msg_storetime(&self, request: &RemotingCommand) -> RemotingCommand {
        let h: GetEarliestMsgStoretimeRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        let timestamp = self.store.get_earliest_message_time(&h.topic, h.queue_id);
        RemotingCommand::new_response(response_code::SUCCESS, None)
            .with_header(&GetEarliestMsgStoretimeResponseHeader { timestamp })
    }

    // ------------------------------------------------------------------
    // Consumer groups
    // ------------------------------------------------------------------

    /// GET_CONSUME_STATS (208): per-queue lag of a group (`mqadmin consumerProgress`).
    fn get_consume_stats(&self, request: &RemotingCommand) -> RemotingCommand {
        let h: GetConsumeStatsRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        let stats = self.consume_stats(&h.consumer_group, h.topic.as_deref());
        RemotingCommand::new_response(response_code::SUCCESS, None).with_body(stats.encode())
    }

    /// GET_CONSUMER_CONNECTION_LIST (203).
    fn get_consumer_connection_list(&self, request: &RemotingCommand) -> RemotingCommand {
        let h: GetConsumerConnectionListRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        match self.consumer_manager.consumer_connection(&h.consumer_group) {
            Some(cc) => {
                RemotingCommand::new_response(response_code::SUCCESS, None).with_body(cc.encode())
            }
            None => error_response(
                response_code::CONSUMER_NOT_ONLINE,
                format!("the consumer group[{}] not online", h.consumer_group),
            ),
        }
    }

    /// GET_PRODUCER_CONNECTION_LIST (204), header `producerGroup`.
    fn get_producer_connection_list(&self, request: &RemotingCommand) -> RemotingCommand {
        let Some(group) = request.ext("producerGroup") else {
            return error_response(
                response_code::SYSTEM_ERROR,
                "the custom field <producerGroup> is null".into(),
            );
        };
        match self.producer_manager.producer_connection(group) {
            Some(pc) => {
                RemotingCommand::new_response(response_code::SUCCESS, None).with_body(pc.encode())
            }
            None => error_response(
                response_code::SYSTEM_ERROR,
                format!("the producer group[{group}] not exist"),
            ),
        }
    }

    /// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200): body = SubscriptionGroupConfig.
    fn update_and_create_subscription_group(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> RemotingCommand {
        let body = request.body.as_deref().unwrap_or_default();
        let config: SubscriptionGroupConfig = match crate::common::fastjson::from_slice(body) {
            Ok(c) => c,
            Err(e) => {
                return error_response(
                    response_code::SYSTEM_ERROR,
                    format!("invalid SubscriptionGroupConfig body: {e}"),
                );
            }
        };
        if let Err(e) = topic_validator::validate_group(&config.group_name) {
            return error_response(response_code::INVALID_PARAMETER, e.to_string());
        }
        tracing::info!(group = %config.group_name, caller = %channel.remote_addr(),
            "AdminBrokerProcessor#updateAndCreateSubscriptionGroup");
        self.subscription_group_manager
            .update_subscription_group_config(config);
        RemotingCommand::new_response(response_code::SUCCESS, None)
    }

    /// GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201): the content of subscriptionGroup.json.
    fn get_all_subscription_group_config(&self) -> RemotingCommand {
        let body = self.subscription_group_manager.encode(false);
        RemotingCommand::new_response(response_code::SUCCESS, None).with_body(body.into_bytes())
    }

    /// DELETE_SUBSCRIPTIONGROUP (207).
    fn delete_subscription_group(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> RemotingCommand {
        let h: DeleteSubscriptionGroupRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        tracing::info!(group = %h.group_name, clean_offset = h.clean_offset, caller = %channel.remote_addr(),
            "AdminBrokerProcessor#deleteSubscriptionGroup");
        self.subscription_group_manager
            .delete_subscription_group_config(&h.group_name);
        if h.clean_offset {
            self.consumer_offset_manager.remove_offset(&h.group_name);
        }
        RemotingCommand::new_response(response_code::SUCCESS, None)
    }

    /// GET_ALL_CONSUMER_OFFSET (43): the content of consumerOffset.json.
    fn get_all_consumer_offset(&self) -> RemotingCommand {
        let body = self.consumer_offset_manager.encode(false);
        RemotingCommand::new_response(response_code::SUCCESS, None).with_body(body.into_bytes())
    }

    /// INVOKE_BROKER_TO_RESET_OFFSET (222), what `mqadmin resetOffsetByTime`
    /// sends: move a group's offsets on a topic to a point in time.
    fn reset_offset(&self, channel: &Channel, request: &RemotingCommand) -> RemotingCommand {
        let h: ResetOffsetRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        tracing::info!(group = %h.group, topic = %h.topic, timestamp = h.timestamp, force = h.is_force,
            caller = %channel.remote_addr(), "AdminBrokerProcessor#resetOffset");
        match self.reset_offset_of_group(&h) {
            Ok(body) => {
                RemotingCommand::new_response(response_code::SUCCESS, None).with_body(body.encode())
            }
            Err((code, remark)) => error_response(code, remark),
        }
    }

    // ------------------------------------------------------------------
    // Orderly consumption
    // ------------------------------------------------------------------

    /// LOCK_BATCH_MQ (41).
    fn lock_batch_mq(&self, request: &RemotingCommand) -> RemotingCommand {
        let body = match LockBatchRequestBody::decode(request.body.as_deref().unwrap_or_default()) {
            Ok(b) => b,
            Err(e) => {
                return error_response(
                    response_code::SYSTEM_ERROR,
                    format!("invalid LockBatchRequestBody: {e}"),
                );
            }
        };
        let locked = self.rebalance_lock_manager.try_lock_batch(
            &body.consumer_group,
            &body.mq_set,
            &body.client_id,
        );
        let response = LockBatchResponseBody {
            lock_ok_mq_set: locked,
        };
        RemotingCommand::new_response(response_code::SUCCESS, None).with_body(response.encode())
    }

    /// UNLOCK_BATCH_MQ (42).
    fn unlock_batch_mq(&self, request: &RemotingCommand) -> RemotingCommand {
        let body = match LockBatchRequestBody::decode(request.body.as_deref().unwrap_or_default()) {
            Ok(b) => b,
            Err(e) => {
                return error_response(
                    response_code::SYSTEM_ERROR,
                    format!("invalid UnlockBatchRequestBody: {e}"),
                );
            }
        };
        self.rebalance_lock_manager.unlock_batch(
            &body.consumer_group,
            &body.mq_set,
            &body.client_id,
        );
        RemotingCommand::new_response(response_code::SUCCESS, None)
    }

    // ------------------------------------------------------------------
    // The broker itself
    // ------------------------------------------------------------------

    /// GET_BROKER_RUNTIME_INFO (28): what `mqadmin brokerStatus` prints.
    fn get_broker_runtime_info(&self) -> RemotingCommand {
        let mut table: BTreeMap<String, String> = self.store.runtime_info().into_iter().collect();
        table.insert("brokerVersionDesc".into(), "V5_3_3".into());
        table.insert(
            "brokerVersion".into(),
            crate::remoting::command::mq_version::CURRENT_VERSION.to_string(),
        );
        table.insert("brokerActive".into(), "true".into());
        table.insert("brokerName".into(), self.broker_config.broker_name.clone());
        table.insert("brokerId".into(), self.broker_config.broker_id.to_string());
        table.insert("brokerAddr".into(), self.broker_addr.clone());
        // Pulls parked by long polling. Java has no such figure; its
        // `pullThreadPoolQueueSize` counts pulls waiting for a thread, which
        // this broker (one task per request) does not have, so the key says
        // what is counted instead of borrowing that name.
        table.insert(
            "heldPullRequests".into(),
            self.pull_request_hold_service.held_count().to_string(),
        );
        let topics: BTreeSet<String> = self
            .topic_config_manager
            .topic_names()
            .into_iter()
            .collect();
        table.insert("topicCount".into(), topics.len().to_string());
        RemotingCommand::new_response(response_code::SUCCESS, None)
            .with_body(KVTable { table }.encode())
    }

    /// GET_BROKER_CONFIG (26): every broker and store property as
    /// `key=value` lines; the header carries the topic table's data version.
    fn get_broker_config(&self) -> RemotingCommand {
        let mut text = String::new();
        for (k, v) in self.broker_config.properties() {
            text.push_str(&format!("{k}={v}\n"));
        }
        for (k, v) in self.store_config.to_properties() {
            text.push_str(&format!("{k}={v}\n"));
        }
        let version =
            serde_json::to_string(&self.topic_config_manager.data_version()).unwrap_or_default();
        RemotingCommand::new_response(response_code::SUCCESS, None)
            .with_header(&GetBrokerConfigResponseHeader { version })
            .with_body(text.into_bytes())
    }
}

/// `AttributeParser.parseToMap`: `+key=value,+key2=value2` (a leading `-`
/// means delete, which only matters when updating; it is dropped here).
fn parse_attributes(text: &str) -> BTreeMap<String, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| s.starts_with('+'))
        .filter_map(|s| s.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_like_rocketmq() {
        let m = parse_attributes("+message.type=NORMAL,+queue.type=BatchCQ,-x");
        assert_eq!(m.get("+message.type").map(String::as_str), Some("NORMAL"));
        assert_eq!(m.len(), 2);
    }
}
