//! `ClientManageProcessor`: clients announcing themselves — HEART_BEAT,
//! UNREGISTER_CLIENT and CHECK_CLIENT_CONFIG.
//!
//! Mirrors `org.apache.rocketmq.broker.processor.ClientManageProcessor`. Every
//! client sends a heartbeat to every broker it uses every 30 s. From it the
//! broker learns the client's producer groups (so it can call producers
//! back) and consumer groups with their subscriptions (so it can answer
//! GET_CONSUMER_LIST_BY_GROUP, filter pulls and notify rebalances). For each
//! consumer group the broker also makes sure the group's retry topic
//! `%RETRY%<group>` exists, because the consumer subscribes to it too.

use std::sync::Arc;

use super::{error_response, invalid_header};
use crate::broker::broker_config::BrokerConfig;
use crate::broker::client::client_channel_info::ClientChannelInfo;
use crate::broker::client::consumer_manager::ConsumerManager;
use crate::broker::client::producer_manager::ProducerManager;
use crate::broker::subscription_group_manager::SubscriptionGroupManager;
use crate::broker::topic_route_registration::TopicRouteRegistration;
use crate::common::mix_all;
use crate::common::perm;
use crate::common::topic_validator;
use crate::remoting::channel::Channel;
use crate::remoting::code::{request_code, response_code};
use crate::remoting::command::RemotingCommand;
use crate::remoting::processor::{BoxFuture, RequestProcessor};
use crate::remoting::protocol::body::heartbeat_data::{EXPRESSION_TYPE_TAG, HeartbeatData};
use crate::remoting::protocol::header::client_manage::UnregisterClientRequestHeader;

/// `TopicSysFlag` of a unit-mode retry topic.
const FLAG_UNIT_SUB: i32 = 0x2;

pub struct ClientManageProcessor {
    broker_config: Arc<BrokerConfig>,
    /// Creates a group's retry topic and registers it before the heartbeat
    /// is answered.
    topic_route_registration: Arc<TopicRouteRegistration>,
    subscription_group_manager: Arc<SubscriptionGroupManager>,
    consumer_manager: Arc<ConsumerManager>,
    producer_manager: Arc<ProducerManager>,
}

impl RequestProcessor for ClientManageProcessor {
    fn process_request(
        &self,
        channel: Channel,
        request: RemotingCommand,
    ) -> BoxFuture<'_, Option<RemotingCommand>> {
        Box::pin(async move {
            let response = match request.code {
                request_code::HEART_BEAT => self.heart_beat(&channel, &request).await,
                request_code::UNREGISTER_CLIENT => self.unregister_client(&channel, &request),
                _ => self.check_client_config(&request),
            };
            Some(response)
        })
    }
}

impl ClientManageProcessor {
    pub fn new(
        broker_config: Arc<BrokerConfig>,
        topic_route_registration: Arc<TopicRouteRegistration>,
        subscription_group_manager: Arc<SubscriptionGroupManager>,
        consumer_manager: Arc<ConsumerManager>,
        producer_manager: Arc<ProducerManager>,
    ) -> Self {
        ClientManageProcessor {
            broker_config,
            topic_route_registration,
            subscription_group_manager,
            consumer_manager,
            producer_manager,
        }
    }

    /// HEART_BEAT (34).
    async fn heart_beat(&self, channel: &Channel, request: &RemotingCommand) -> RemotingCommand {
        let body = request.body.as_deref().unwrap_or_default();
        let heartbeat = match HeartbeatData::decode(body) {
            Ok(h) => h,
            Err(e) => {
                tracing::warn!(client = %channel.remote_addr(), error = %e, "heartbeat refused: the body is not HeartbeatData");
                return error_response(
                    response_code::SYSTEM_ERROR,
                    format!("invalid heartbeat body: {e}"),
                );
            }
        };
        let info = ClientChannelInfo::new(
            channel.clone(),
            heartbeat.client_id.clone(),
            request.language,
            request.version,
        );

        for consumer in &heartbeat.consumer_data_set {
            // Group names become file keys and topic names (`%RETRY%<group>`);
            // clients validate them with the same rule, so a bad one is hostile.
            if let Err(e) = topic_validator::validate_group(&consumer.group_name) {
                tracing::warn!(client = %channel.remote_addr(), "heartbeat: consumer group skipped: {e}");
                continue;
            }
            let mut notify = self.broker_config.notify_consumer_ids_changed_enable;
            if let Some(group_config) = self
                .subscription_group_manager
                .find_subscription_group_config(&consumer.group_name)
            {
                notify &= group_config.notify_consumer_ids_changed_enable;
                let topic_sys_flag = if consumer.unit_mode { FLAG_UNIT_SUB } else { 0 };
                // Registered before the answer: the consumer asks for the
                // retry topic's route right after its first heartbeat.
                self.topic_route_registration
                    .create_topic_in_send_message_back_method(
                        &mix_all::get_retry_topic(&consumer.group_name),
                        group_config.retry_queue_nums,
                        perm::PERM_READ | perm::PERM_WRITE,
                        topic_sys_flag,
                    )
                    .await;
            }
            let changed = self.consumer_manager.register_consumer(
                &consumer.group_name,
                info.clone(),
                &consumer.consume_type,
                &consumer.message_model,
                &consumer.consume_from_where,
                &consumer.subscription_data_set,
                notify,
            );
            if changed {
                tracing::info!(group = %consumer.group_name, client = %heartbeat.client_id,
                    addr = %channel.remote_addr(), "ClientManageProcessor#heartBeat: registerConsumer info changed");
            }
        }
        for producer in &heartbeat.producer_data_set {
            self.producer_manager
                .register_producer(&producer.group_name, info.clone());
        }
        RemotingCommand::new_response(response_code::SUCCESS, None)
    }

    /// UNREGISTER_CLIENT (35): a client shutting down leaves its groups.
    fn unregister_client(&self, channel: &Channel, request: &RemotingCommand) -> RemotingCommand {
        let header: UnregisterClientRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        if let Some(group) = header.producer_group.as_deref().filter(|g| !g.is_empty()) {
            self.producer_manager.unregister_producer(group, channel);
        }
        if let Some(group) = header.consumer_group.as_deref().filter(|g| !g.is_empty()) {
            let notify = self.broker_config.notify_consumer_ids_changed_enable
                && self
                    .subscription_group_manager
                    .find_subscription_group_config(group)
                    .is_none_or(|c| c.notify_consumer_ids_changed_enable);
            self.consumer_manager
                .unregister_consumer(group, channel, notify);
        }
        tracing::info!(client = %header.client_id, addr = %channel.remote_addr(), "ClientManageProcessor#unregisterClient");
        RemotingCommand::new_response(response_code::SUCCESS, None)
    }

    /// CHECK_CLIENT_CONFIG (46): a consumer with a non-TAG subscription asks
    /// whether the broker can filter it. This broker filters by tag only.
    fn check_client_config(&self, request: &RemotingCommand) -> RemotingCommand {
        let body = request.body.as_deref().unwrap_or_default();
        let value: serde_json::Value =
            crate::common::fastjson::from_slice(body).unwrap_or_default();
        let expression_type = value
            .pointer("/subscriptionData/expressionType")
            .and_then(|v| v.as_str())
            .unwrap_or(EXPRESSION_TYPE_TAG);
        if expression_type == EXPRESSION_TYPE_TAG {
            RemotingCommand::new_response(response_code::SUCCESS, None)
        } else {
            error_response(
                response_code::SYSTEM_ERROR,
                "The broker does not support consumer to filter message by SQL92".to_string(),
            )
        }
    }
}
