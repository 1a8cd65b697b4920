//! `PullMessageProcessor`: the read path — PULL_MESSAGE.
//!
//! Mirrors `org.apache.rocketmq.broker.processor.PullMessageProcessor` and
//! `DefaultPullMessageResultHandler`. A pull names a queue and a logical
//! offset; the answer is the next batch of matching messages as raw CommitLog
//! records, plus where to continue:
//!
//! 1. **check** (`check`): the broker and the topic are readable, the
//!    consumer group exists (created on first sight) and may consume, the
//!    queue id is valid;
//! 2. **find the subscription** (`find_subscription`): the filter comes from
//!    the request (SUBSCRIPTION bit) or — what push consumers rely on — from
//!    the subscription the group registered with its last HEART_BEAT;
//! 3. **read** from the store (`DefaultMessageStore::get_message`) with an
//!    [`ExpressionMessageFilter`] that drops other tags by their hash codes,
//!    and turn the GetMessageStatus into a response code
//!    (`compose_response_code`, Java `PullMessageProcessor#processRequest`,
//!    `broker/src/main/java/org/apache/rocketmq/broker/processor/PullMessageProcessor.java`);
//! 4. **commit the offset** (`commit_offset`): a pull with the COMMIT_OFFSET
//!    bit carries the consumer's progress, stored like an
//!    UPDATE_CONSUMER_OFFSET — on the first run only, not on the re-run
//!    after a hold;
//! 5. **hold it** (`suspend_pull_request`): "nothing yet" (PULL_NOT_FOUND) on
//!    a request with the SUSPEND bit is not answered but parked in the
//!    [`PullRequestHoldService`](crate::broker::longpolling::pull_request_hold_service)
//!    until a message arrives or the suspend timeout passes; the re-run that
//!    follows (`ExecuteRequestWhenWakeup`) may not suspend again
//!    (`broker_allow_suspend = false`);
//! 6. **or answer** (`compose_response`): the header carries
//!    `nextBeginOffset`, `minOffset`, `maxOffset` and `suggestWhichBrokerId`,
//!    the body is the records concatenated — exactly the bytes the store
//!    holds, so there is no decoding or re-encoding.

use std::sync::Arc;

use tokio::time::{Duration, Instant};

use super::{error_response, invalid_header};
use crate::broker::broker_config::BrokerConfig;
use crate::broker::client::consumer_manager::ConsumerManager;
use crate::broker::consumer_offset_manager::ConsumerOffsetManager;
use crate::broker::filter::expression_message_filter::ExpressionMessageFilter;
use crate::broker::longpolling::pull_request::PullRequest;
use crate::broker::longpolling::pull_request_hold_service::{
    ExecuteRequestWhenWakeup, PullRequestHoldService,
};
use crate::broker::subscription_group_manager::SubscriptionGroupManager;
use crate::broker::topic_config_manager::TopicConfigManager;
use crate::common::perm;
use crate::common::subscription_group::SubscriptionGroupConfig;
use crate::common::sysflag::PullSysFlag;
use crate::common::topic_config::TopicConfig;
use crate::common::topic_validator;
use crate::remoting::channel::Channel;
use crate::remoting::code::response_code;
use crate::remoting::command::RemotingCommand;
use crate::remoting::processor::{BoxFuture, RequestProcessor};
use crate::remoting::protocol::body::heartbeat_data::{
    BROADCASTING, EXPRESSION_TYPE_TAG, SubscriptionData,
};
use crate::remoting::protocol::header::pull::{
    PullMessageRequestHeader, PullMessageResponseHeader,
};
use crate::store::config::{BrokerRole, MessageStoreConfig};
use crate::store::get_message_result::{GetMessageResult, GetMessageStatus};
use crate::store::message_store::DefaultMessageStore;

pub struct PullMessageProcessor {
    broker_config: Arc<BrokerConfig>,
    store_config: Arc<MessageStoreConfig>,
    store: DefaultMessageStore,
    topic_config_manager: Arc<TopicConfigManager>,
    subscription_group_manager: Arc<SubscriptionGroupManager>,
    consumer_manager: Arc<ConsumerManager>,
    consumer_offset_manager: Arc<ConsumerOffsetManager>,
    pull_request_hold_service: Arc<PullRequestHoldService>,
}

impl RequestProcessor for PullMessageProcessor {
    fn process_request(
        &self,
        channel: Channel,
        request: RemotingCommand,
    ) -> BoxFuture<'_, Option<RemotingCommand>> {
        Box::pin(self.process_request_inner(channel, request, true))
    }
}

impl ExecuteRequestWhenWakeup for PullMessageProcessor {
    fn execute_request_when_wakeup(
        &self,
        channel: Channel,
        request: RemotingCommand,
    ) -> BoxFuture<'_, Option<RemotingCommand>> {
        Box::pin(self.process_request_inner(channel, request, false))
    }
}

impl PullMessageProcessor {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        broker_config: Arc<BrokerConfig>,
        store_config: Arc<MessageStoreConfig>,
        store: DefaultMessageStore,
        topic_config_manager: Arc<TopicConfigManager>,
        subscription_group_manager: Arc<SubscriptionGroupManager>,
        consumer_manager: Arc<ConsumerManager>,
        consumer_offset_manager: Arc<ConsumerOffsetManager>,
        pull_request_hold_service: Arc<PullRequestHoldService>,
    ) -> Self {
        PullMessageProcessor {
            broker_config,
            store_config,
            store,
            topic_config_manager,
            subscription_group_manager,
            consumer_manager,
            consumer_offset_manager,
            pull_request_hold_service,
        }
    }

    /// Java `processRequest(channel, request, brokerAllowSuspend)`: check,
    /// find the subscription, read, commit the consumer's offset, then hold
    /// or answer. Returns `None` when the request was parked for long polling.
    pub async fn process_request_inner(
        &self,
        channel: Channel,
        request: RemotingCommand,
        broker_allow_suspend: bool,
    ) -> Option<RemotingCommand> {
        let header: PullMessageRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return Some(invalid_header(&request, &e)),
        };
        let (group_config, topic_config) = match self.check(&channel, &header) {
            Ok(configs) => configs,
            Err(response) => return Some(*response),
        };
        let subscription = match self.find_subscription(&channel, &header, &group_config) {
            Ok(sub) => sub,
            Err(response) => return Some(*response),
        };
        if subscription.expression_type != EXPRESSION_TYPE_TAG {
            return Some(error_response(
                response_code::SYSTEM_ERROR,
                "The broker does not support consumer to filter message by SQL92".to_string(),
            ));
        }
        let filter = Arc::new(ExpressionMessageFilter::new(Some(subscription)));

        let result = self.store.get_message(
            &header.consumer_group,
            &header.topic,
            header.queue_id,
            header.queue_offset,
            header.max_msg_nums.max(1),
            Some(filter.as_ref()),
        );
        let code = compose_response_code(&header, &result);

        if broker_allow_suspend {
            self.commit_offset(&channel, &header);
        }
        if code == response_code::PULL_NOT_FOUND
            && broker_allow_suspend
            && PullSysFlag::has_suspend_flag(header.sys_flag)
        {
            self.suspend_pull_request(request, channel, &header, filter);
            return None;
        }
        Some(self.compose_response(code, result, &group_config, &topic_config))
    }

    /// Every reason to refuse a pull before reading: the broker and the topic
    /// are readable, the group exists (created on first sight) and may
    /// consume, the queue id is valid. Returns the group's and the topic's
    /// configs.
    fn check(
        &self,
        channel: &Channel,
        header: &PullMessageRequestHeader,
    ) -> Result<(Arc<SubscriptionGroupConfig>, Arc<TopicConfig>), Box<RemotingCommand>> {
        let refuse = |code, remark: String| Err(Box::new(error_response(code, remark)));
        if let Err(e) = topic_validator::validate_group(&header.consumer_group) {
            return refuse(response_code::INVALID_PARAMETER, e.to_string());
        }
        if !perm::is_readable(self.broker_config.broker_permission) {
            return refuse(
                response_code::NO_PERMISSION,
                format!(
                    "the broker[{}] pulling message is forbidden",
                    self.broker_config.broker_ip1
                ),
            );
        }
        let Some(group_config) = self
            .subscription_group_manager
            .find_subscription_group_config(&header.consumer_group)
        else {
            return refuse(
                response_code::SUBSCRIPTION_GROUP_NOT_EXIST,
                format!(
                    "subscription group [{}] does not exist",
                    header.consumer_group
                ),
            );
        };
        if !group_config.consume_enable {
            return refuse(
                response_code::NO_PERMISSION,
                format!(
                    "subscription group no permission, {}",
                    header.consumer_group
                ),
            );
        }
        let Some(topic_config) = self.topic_config_manager.select_topic_config(&header.topic)
        else {
            tracing::warn!(topic = %header.topic, consumer = %channel.remote_addr(),
                "pull refused: the topic does not exist");
            return refuse(
                response_code::TOPIC_NOT_EXIST,
                format!("topic[{}] not exist, apply first please!", header.topic),
            );
        };
        if !perm::is_readable(topic_config.perm) {
            return refuse(
                response_code::NO_PERMISSION,
                format!("the topic[{}] pulling message is forbidden", header.topic),
            );
        }
        if header.queue_id < 0 || header.queue_id >= topic_config.read_queue_nums {
            let info = format!(
                "queueId[{}] is illegal, topic:[{}] topicConfig.readQueueNums:[{}] consumer:[{}]",
                header.queue_id,
                header.topic,
                topic_config.read_queue_nums,
                channel.remote_addr()
            );
            tracing::warn!("{info}");
            return refuse(response_code::SYSTEM_ERROR, info);
        }
        Ok((group_config, topic_config))
    }

    /// Which messages the consumer wants: the filter of the request (the
    /// SUBSCRIPTION bit), or — what push consumers rely on — the
    /// subscription the group registered with its last HEART_BEAT.
    fn find_subscription(
        &self,
        channel: &Channel,
        header: &PullMessageRequestHeader,
        group_config: &SubscriptionGroupConfig,
    ) -> Result<Arc<SubscriptionData>, Box<RemotingCommand>> {
        if PullSysFlag::has_subscription_flag(header.sys_flag) {
            return Ok(Arc::new(SubscriptionData::build(
                &header.topic,
                header.subscription.as_deref().unwrap_or(""),
                header.expression_type.as_deref(),
                header.sub_version,
            )));
        }
        let refuse = |code, remark: String| Err(Box::new(error_response(code, remark)));
        let group = &header.consumer_group;
        if !self.consumer_manager.is_group_online(group) {
            tracing::warn!(group = %group, consumer = %channel.remote_addr(),
                "pull refused: the consumer's group info does not exist (no heartbeat yet)");
            return refuse(
                response_code::SUBSCRIPTION_NOT_EXIST,
                format!("the consumer's group info not exist, group: {group}"),
            );
        }
        if !group_config.consume_broadcast_enable
            && self.consumer_manager.message_model(group).as_deref() == Some(BROADCASTING)
        {
            return refuse(
                response_code::NO_PERMISSION,
                format!("the consumer group[{group}] can not consume by broadcast way"),
            );
        }
        let Some(sub) = self
            .consumer_manager
            .find_subscription_data(group, &header.topic)
        else {
            tracing::warn!(group = %group, topic = %header.topic,
                "pull refused: the consumer's subscription does not exist");
            return refuse(
                response_code::SUBSCRIPTION_NOT_EXIST,
                format!(
                    "the consumer's subscription not exist, group: {group} topic: {}",
                    header.topic
                ),
            );
        };
        if sub.sub_version < header.sub_version {
            return refuse(
                response_code::SUBSCRIPTION_NOT_LATEST,
                format!(
                    "the consumer's subscription not latest, group: {group} topic: {}",
                    header.topic
                ),
            );
        }
        Ok(sub)
    }

    /// A pull with the COMMIT_OFFSET bit carries the consumer's progress,
    /// stored like an UPDATE_CONSUMER_OFFSET — on the first run only, not on
    /// the re-run after a hold, and never on a slave.
    fn commit_offset(&self, channel: &Channel, header: &PullMessageRequestHeader) {
        if PullSysFlag::has_commit_offset_flag(header.sys_flag)
            && self.store_config.broker_role != BrokerRole::Slave
        {
            self.consumer_offset_manager.commit_offset(
                &channel.remote_addr().to_string(),
                &header.consumer_group,
                &header.topic,
                header.queue_id,
                header.commit_offset,
            );
        }
    }

    /// Nothing yet: park the request in the hold service until a message
    /// arrives or the suspend timeout passes (`shortPollingTimeMills` when
    /// long polling is off).
    fn suspend_pull_request(
        &self,
        request: RemotingCommand,
        channel: Channel,
        header: &PullMessageRequestHeader,
        filter: Arc<ExpressionMessageFilter>,
    ) {
        let polling = if self.broker_config.long_polling_enable {
            Duration::from_millis(header.suspend_timeout_millis.max(0) as u64)
        } else {
            Duration::from_millis(self.broker_config.short_polling_time_mills)
        };
        self.pull_request_hold_service.suspend_pull_request(
            &header.topic,
            header.queue_id,
            PullRequest {
                request,
                channel,
                deadline: Instant::now() + polling,
                pull_from_this_offset: header.queue_offset,
                message_filter: filter,
            },
        );
    }

    /// The answer: `nextBeginOffset`, `minOffset`, `maxOffset` and
    /// `suggestWhichBrokerId` in the header; on SUCCESS the body is the
    /// records concatenated — exactly the bytes the store holds, so there is
    /// no decoding or re-encoding.
    fn compose_response(
        &self,
        code: i32,
        result: GetMessageResult,
        group_config: &SubscriptionGroupConfig,
        topic_config: &TopicConfig,
    ) -> RemotingCommand {
        // No slaves here: always read from the master unless a slave may serve reads.
        let suggest_which_broker_id =
            if result.suggest_pulling_from_slave && self.broker_config.slave_read_enable {
                group_config.which_broker_when_consume_slowly
            } else {
                0
            };
        let response_header = PullMessageResponseHeader {
            suggest_which_broker_id,
            next_begin_offset: result.next_begin_offset,
            min_offset: result.min_offset,
            max_offset: result.max_offset,
            offset_delta: None,
            topic_sys_flag: Some(topic_config.topic_sys_flag),
            group_sys_flag: Some(group_config.group_sys_flag),
            forbidden_type: None,
        };
        let mut response = RemotingCommand::new_response(code, result.status.name().to_string())
            .with_header(&response_header);
        if code == response_code::SUCCESS {
            response = response.with_body(result.body);
        }
        response
    }
}

/// What the store found, as a response code (Java
/// `PullMessageProcessor#composeResponseHeader`; the table is in
/// `broker/src/main/java/org/apache/rocketmq/broker/processor/PullMessageProcessor.java`).
fn compose_response_code(header: &PullMessageRequestHeader, result: &GetMessageResult) -> i32 {
    match result.status {
        GetMessageStatus::Found => response_code::SUCCESS,
        GetMessageStatus::MessageWasRemoving | GetMessageStatus::NoMatchedMessage => {
            response_code::PULL_RETRY_IMMEDIATELY
        }
        GetMessageStatus::NoMatchedLogicQueue | GetMessageStatus::NoMessageInQueue => {
            if header.queue_offset != 0 {
                tracing::info!(topic = %header.topic, queue_id = header.queue_id, offset = header.queue_offset,
                    group = %header.consumer_group, status = result.status.name(),
                    "the broker stores no queue data, fix the request offset");
                response_code::PULL_OFFSET_MOVED
            } else {
                response_code::PULL_NOT_FOUND
            }
        }
        GetMessageStatus::OffsetFoundNull | GetMessageStatus::OffsetOverflowOne => {
            response_code::PULL_NOT_FOUND
        }
        GetMessageStatus::OffsetOverflowBadly
        | GetMessageStatus::OffsetTooSmall
        | GetMessageStatus::OffsetReset => {
            tracing::info!(topic = %header.topic, queue_id = header.queue_id, offset = header.queue_offset,
                min = result.min_offset, max = result.max_offset, group = %header.consumer_group,
                status = result.status.name(), "pull offset moved");
            response_code::PULL_OFFSET_MOVED
        }
    }
}
