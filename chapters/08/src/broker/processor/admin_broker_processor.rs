//! `AdminBrokerProcessor` — the requests `mqadmin` sends a broker. Mirrors
//! `org.apache.rocketmq.broker.processor.AdminBrokerProcessor`, of which this
//! chapter needs one: UPDATE_AND_CREATE_TOPIC.
//!
//! Creating a topic is a broker-side act. The name servers learn about it
//! only because the broker, right after changing its table, registers again
//! with the new data version (`BrokerController#registerIncrementBrokerData`).
//! Until then no client can find the topic.

use std::sync::Arc;

use workbook_trace::step;

use crate::broker::broker_outer_api::BrokerOuterAPI;
use crate::broker::controller::register_increment_broker_data;
use crate::broker::topic_config_manager::TopicConfigManager;
use crate::common::topic_config::{TopicConfig, TopicFilterType};
use crate::remoting::code::{request_code, response_code};
use crate::remoting::command::RemotingCommand;
use crate::remoting::error::RemotingError;
use crate::remoting::protocol::header::admin::CreateTopicRequestHeader;
use crate::remoting::transport::{Channel, RequestProcessor};

pub struct AdminBrokerProcessor {
    /// Who we are in the trace (the broker name).
    actor: String,
    topic_config_manager: Arc<TopicConfigManager>,
    broker_outer_api: Arc<BrokerOuterAPI>,
}

impl AdminBrokerProcessor {
    pub fn new(
        actor: &str,
        topic_config_manager: Arc<TopicConfigManager>,
        broker_outer_api: Arc<BrokerOuterAPI>,
    ) -> Self {
        AdminBrokerProcessor {
            actor: actor.to_string(),
            topic_config_manager,
            broker_outer_api,
        }
    }

    // ANCHOR: update_and_create_topic
    /// `AdminBrokerProcessor#updateAndCreateTopic`: store the topic, then
    /// tell the name servers (Java also checks the name against the rules
    /// chapter 04 shows, and refuses system topic names).
    fn update_and_create_topic(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let header: CreateTopicRequestHeader = request.decode_command_custom_header()?;
        let (topic, read, write) = (&header.topic, header.read_queue_nums, header.write_queue_nums);
        let facts = format!("topic={topic} r{read}/w{write} perm={}", header.perm);
        step!(self.actor, "AdminBrokerProcessor#updateAndCreateTopic", "{facts}");
        let mut topic_config = TopicConfig::with_queues(topic, read, write, header.perm);
        topic_config.topic_filter_type = match header.topic_filter_type.as_str() {
            "MULTI_TAG" => TopicFilterType::MultiTag,
            _ => TopicFilterType::SingleTag,
        };
        topic_config.topic_sys_flag = header.topic_sys_flag.unwrap_or(0);
        topic_config.order = header.order;
        self.topic_config_manager
            .update_topic_config(topic_config.clone());
        let (manager, outer_api) = (&self.topic_config_manager, &self.broker_outer_api);
        register_increment_broker_data(manager, outer_api, &topic_config);
        Ok(RemotingCommand::create_response_command(response_code::SUCCESS, None))
    }
    // ANCHOR_END: update_and_create_topic
}

impl RequestProcessor for AdminBrokerProcessor {
    /// `AdminBrokerProcessor#processRequest`: dispatch on the code.
    fn process_request(&self, _channel: &Channel, request: RemotingCommand) -> RemotingCommand {
        let handled = match request.code {
            request_code::UPDATE_AND_CREATE_TOPIC => self.update_and_create_topic(&request),
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
