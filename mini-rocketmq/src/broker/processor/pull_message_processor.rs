//! `PullMessageProcessor`: the read path — PULL_MESSAGE.
//!
//! Mirrors `org.apache.rocketmq.broker.processor.PullMessageProcessor` and
//! `DefaultPullMessageResultHandler`. A pull names a queue and a logical
//! offset; the answer is the next batch of matching messages as raw CommitLog
//! records, plus where to continue:
//!
//! 1. **check**: the broker and the topic are readable, the consumer group
//!    exists (created on first sight) and may consume, the queue id is valid;
//! 2. **subscription**: the filter comes from the request (SUBSCRIPTION bit)
//!    or — what push consumers rely on — from the subscription the group
//!    registered with its last HEART_BEAT;
//! 3. **read** from the store with an [`ExpressionMessageFilter`] that drops
//!    other tags by their hash codes;
//! 4. **answer**: the GetMessageStatus becomes a response code (facts §3.2),
//!    the header carries `nextBeginOffset`, `minOffset`, `maxOffset` and
//!    `suggestWhichBrokerId`, the body is the records concatenated — exactly
//!    the bytes the store holds, so there is no decoding or re-encoding;
//! 5. **or hold it**: "nothing yet" (PULL_NOT_FOUND) on a request with the
//!    SUSPEND bit is not answered but parked in the
//!    [`PullRequestHoldService`](crate::broker::longpolling::pull_request_hold_service)
//!    until a message arrives or the suspend timeout passes; the re-run that
//!    follows may not suspend again (`broker_allow_suspend = false`).
//!
//! A pull with the COMMIT_OFFSET bit also carries the consumer's progress
//! (`commitOffset`), stored like an UPDATE_CONSUMER_OFFSET — but only on the
//! first run, not on the re-run after a hold.

use std::sync::Arc;

use tokio::time::{Duration, Instant};

use super::{error_response, invalid_header};
use crate::broker::controller::BrokerController;
use crate::broker::filter::expression_message_filter::ExpressionMessageFilter;
use crate::broker::longpolling::pull_request::PullRequest;
use crate::common::perm;
use crate::common::sysflag::PullSysFlag;
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
use crate::store::config::BrokerRole;
use crate::store::get_message_result::GetMessageStatus;

pub struct PullMessageProcessor {
    broker: Arc<BrokerController>,
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

impl PullMessageProcessor {
    pub fn new(broker: Arc<BrokerController>) -> Self {
        PullMessageProcessor { broker }
    }

    /// Java `processRequest(channel, request, brokerAllowSuspend)`. Returns
    /// `None` when the request was parked for long polling.
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
        let broker = &self.broker;
        if let Err(e) = topic_validator::validate_group(&header.consumer_group) {
            return Some(error_response(
                response_code::INVALID_PARAMETER,
                e.to_string(),
            ));
        }
        let config = &broker.broker_config;

        if !perm::is_readable(config.broker_permission) {
            return Some(error_response(
                response_code::NO_PERMISSION,
                format!(
                    "the broker[{}] pulling message is forbidden",
                    config.broker_ip1
                ),
            ));
        }
        let Some(group_config) = broker
            .subscription_group_manager
            .find_subscription_group_config(&header.consumer_group)
        else {
            return Some(error_response(
                response_code::SUBSCRIPTION_GROUP_NOT_EXIST,
                format!(
                    "subscription group [{}] does not exist",
                    header.consumer_group
                ),
            ));
        };
        if !group_config.consume_enable {
            return Some(error_response(
                response_code::NO_PERMISSION,
                format!(
                    "subscription group no permission, {}",
                    header.consumer_group
                ),
            ));
        }

        let has_suspend_flag = PullSysFlag::has_suspend_flag(header.sys_flag);
        let has_commit_offset_flag = PullSysFlag::has_commit_offset_flag(header.sys_flag);
        let has_subscription_flag = PullSysFlag::has_subscription_flag(header.sys_flag);

        let Some(topic_config) = broker
            .topic_config_manager
            .select_topic_config(&header.topic)
        else {
            tracing::warn!(topic = %header.topic, consumer = %channel.remote_addr(),
                "pull refused: the topic does not exist");
            return Some(error_response(
                response_code::TOPIC_NOT_EXIST,
                format!("topic[{}] not exist, apply first please!", header.topic),
            ));
        };
        if !perm::is_readable(topic_config.perm) {
            return Some(error_response(
                response_code::NO_PERMISSION,
                format!("the topic[{}] pulling message is forbidden", header.topic),
            ));
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
            return Some(error_response(response_code::SYSTEM_ERROR, info));
        }

        // Which messages the consumer wants.
        let subscription: Arc<SubscriptionData> = if has_subscription_flag {
            Arc::new(SubscriptionData::build(
                &header.topic,
                header.subscription.as_deref().unwrap_or(""),
                header.expression_type.as_deref(),
                header.sub_version,
            ))
        } else {
            let consumer_manager = &broker.consumer_manager;
            if !consumer_manager.is_group_online(&header.consumer_group) {
                tracing::warn!(group = %header.consumer_group, consumer = %channel.remote_addr(),
                    "pull refused: the consumer's group info does not exist (no heartbeat yet)");
                return Some(error_response(
                    response_code::SUBSCRIPTION_NOT_EXIST,
                    format!(
                        "the consumer's group info not exist, group: {}",
                        header.consumer_group
                    ),
                ));
            }
            if !group_config.consume_broadcast_enable
                && consumer_manager
                    .message_model(&header.consumer_group)
                    .as_deref()
                    == Some(BROADCASTING)
            {
                return Some(error_response(
                    response_code::NO_PERMISSION,
                    format!(
                        "the consumer group[{}] can not consume by broadcast way",
                        header.consumer_group
                    ),
                ));
            }
            let Some(sub) =
                consumer_manager.find_subscription_data(&header.consumer_group, &header.topic)
            else {
                tracing::warn!(group = %header.consumer_group, topic = %header.topic,
                    "pull refused: the consumer's subscription does not exist");
                return Some(error_response(
                    response_code::SUBSCRIPTION_NOT_EXIST,
                    format!(
                        "the consumer's subscription not exist, group: {} topic: {}",
                        header.consumer_group, header.topic
                    ),
                ));
            };
            if sub.sub_version < header.sub_version {
                return Some(error_response(
                    response_code::SUBSCRIPTION_NOT_LATEST,
                    format!(
                        "the consumer's subscription not latest, group: {} topic: {}",
                        header.consumer_group, header.topic
                    ),
                ));
            }
            sub
        };
        if subscription.expression_type != EXPRESSION_TYPE_TAG {
            return Some(error_response(
                response_code::SYSTEM_ERROR,
                "The broker does not support consumer to filter message by SQL92".to_string(),
            ));
        }
        let filter = Arc::new(ExpressionMessageFilter::new(Some(subscription)));

        let result = broker.store.get_message(
            &header.consumer_group,
            &header.topic,
            header.queue_id,
            header.queue_offset,
            header.max_msg_nums.max(1),
            Some(filter.as_ref()),
        );

        // No slaves here: always read from the master unless a slave may serve reads.
        let suggest_which_broker_id =
            if result.suggest_pulling_from_slave && config.slave_read_enable {
                group_config.which_broker_when_consume_slowly
            } else {
                0
            };
        let code = match result.status {
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
        };

        // Store the progress the consumer reported, once per pull.
        if broker_allow_suspend
            && has_commit_offset_flag
            && broker.store_config.broker_role != BrokerRole::Slave
        {
            broker.consumer_offset_manager.commit_offset(
                &channel.remote_addr().to_string(),
                &header.consumer_group,
                &header.topic,
                header.queue_id,
                header.commit_offset,
            );
        }

        if code == response_code::PULL_NOT_FOUND && broker_allow_suspend && has_suspend_flag {
            let polling = if config.long_polling_enable {
                Duration::from_millis(header.suspend_timeout_millis.max(0) as u64)
            } else {
                Duration::from_millis(config.short_polling_time_mills)
            };
            let topic = header.topic.clone();
            let queue_id = header.queue_id;
            broker.pull_request_hold_service.suspend_pull_request(
                &topic,
                queue_id,
                PullRequest {
                    request,
                    channel,
                    deadline: Instant::now() + polling,
                    pull_from_this_offset: header.queue_offset,
                    message_filter: filter,
                },
            );
            return None;
        }

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
        Some(response)
    }
}
