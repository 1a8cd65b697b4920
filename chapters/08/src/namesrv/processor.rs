//! `DefaultRequestProcessor` — turns name-server requests into route-table
//! calls. Mirrors `org.apache.rocketmq.namesrv.processor.DefaultRequestProcessor`
//! (and, for GET_ROUTEINFO_BY_TOPIC, `ClientRequestProcessor`, to which
//! RocketMQ 5 moved route lookups so they get their own thread pool).
//!
//! The processor is deliberately thin: decode the header and body, call
//! `RouteInfoManager`, encode the answer. All the state and all the rules live
//! in the route tables; the processor only knows the protocol. That split is
//! what lets RocketMQ put a second front end (gRPC, in the proxy) on the same
//! tables.

use std::sync::Arc;

use crate::common::util_all::crc32;
use crate::namesrv::route_info_manager::RouteInfoManager;
use crate::remoting::code::{request_code, response_code};
use crate::remoting::command::RemotingCommand;
use crate::remoting::error::RemotingError;
use crate::remoting::protocol::body::register_broker_body::RegisterBrokerBody;
use crate::remoting::protocol::header::{
    GetRouteInfoRequestHeader, RegisterBrokerRequestHeader, RegisterBrokerResponseHeader,
    UnRegisterBrokerRequestHeader,
};
use crate::remoting::transport::{Channel, RequestProcessor};

/// RocketMQ's remark for an unknown topic; `FAQUrl.suggestTodo` appends a
/// second line pointing at the FAQ.
const NO_TOPIC_ROUTE_INFO: &str = "No topic route info in name server for the topic: ";
const FAQ_SUGGESTION: &str =
    "\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.";

pub struct DefaultRequestProcessor {
    route_info_manager: Arc<RouteInfoManager>,
}

impl DefaultRequestProcessor {
    /// Java hands the processor the whole `NamesrvController`; the route
    /// tables are all it uses in this chapter, so that is all it gets.
    pub fn new(route_info_manager: Arc<RouteInfoManager>) -> Self {
        DefaultRequestProcessor { route_info_manager }
    }

    /// `DefaultRequestProcessor#registerBroker`.
    fn register_broker(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let header: RegisterBrokerRequestHeader = request.decode_command_custom_header()?;
        let body_bytes = request.body.as_deref().unwrap_or_default();

        // The broker sends a CRC32 of the body; 0 means it did not compute one.
        if header.body_crc32 != 0 && header.body_crc32 != crc32(body_bytes) {
            return Ok(RemotingCommand::create_response_command(
                response_code::SYSTEM_ERROR,
                Some("crc32 not match".to_string()),
            ));
        }
        // A registration without a body is a broker with no topics (Java
        // builds an empty wrapper the same way).
        let body = if body_bytes.is_empty() {
            RegisterBrokerBody::default()
        } else {
            RegisterBrokerBody::decode(body_bytes)?
        };

        let result = self
            .route_info_manager
            .register_broker(&header, &body, channel.clone());
        let response_header = RegisterBrokerResponseHeader {
            ha_server_addr: result.ha_server_addr,
            master_addr: result.master_addr,
        };
        Ok(RemotingCommand::create_response_command(response_code::SUCCESS, None)
            .with_header(&response_header))
    }

    // ANCHOR: unregister_broker
    /// `DefaultRequestProcessor#unregisterBroker`: a broker leaving cleanly.
    fn unregister_broker(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let header: UnRegisterBrokerRequestHeader = request.decode_command_custom_header()?;
        self.route_info_manager.un_register_broker(&[header]);
        Ok(RemotingCommand::create_response_command(response_code::SUCCESS, None))
    }
    // ANCHOR_END: unregister_broker

    // ANCHOR: get_route_info_by_topic
    /// `ClientRequestProcessor#getRouteInfoByTopic`: the route as JSON, or
    /// TOPIC_NOT_EXIST with RocketMQ's remark.
    fn get_route_info_by_topic(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let header: GetRouteInfoRequestHeader = request.decode_command_custom_header()?;
        match self
            .route_info_manager
            .pickup_topic_route_data(&header.topic)
        {
            Some(route) => {
                let body = serde_json::to_vec(&route)?;
                Ok(RemotingCommand::create_response_command(response_code::SUCCESS, None)
                    .with_body(body))
            }
            None => Ok(RemotingCommand::create_response_command(
                response_code::TOPIC_NOT_EXIST,
                Some(format!("{NO_TOPIC_ROUTE_INFO}{}{FAQ_SUGGESTION}", header.topic)),
            )),
        }
    }
    // ANCHOR_END: get_route_info_by_topic
}

// ANCHOR: process_request
impl RequestProcessor for DefaultRequestProcessor {
    /// `DefaultRequestProcessor#processRequest`: dispatch on the code.
    fn process_request(&self, channel: &Channel, request: RemotingCommand) -> RemotingCommand {
        let handled = match request.code {
            request_code::REGISTER_BROKER => self.register_broker(channel, &request),
            request_code::UNREGISTER_BROKER => self.unregister_broker(&request),
            request_code::GET_ROUTEINFO_BY_TOPIC => self.get_route_info_by_topic(&request),
            code => Ok(RemotingCommand::create_response_command(
                response_code::REQUEST_CODE_NOT_SUPPORTED,
                Some(format!(" request type {code} not supported")),
            )),
        };
        // A request we cannot decode is the sender's problem, not a reason
        // to fall over: answer SYSTEM_ERROR with what was wrong, as
        // NettyRemotingAbstract does for an exception in a processor.
        handled.unwrap_or_else(|e| {
            tracing::warn!(code = request.code, "bad request: {e}");
            RemotingCommand::create_response_command(
                response_code::SYSTEM_ERROR,
                Some(e.to_string()),
            )
        })
    }
}
// ANCHOR_END: process_request

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::virtual_clock::VirtualClock;
    use crate::remoting::transport::{InProcessNetwork, RemotingClient};

    fn network_with_namesrv() -> InProcessNetwork {
        let network = InProcessNetwork::default();
        let processor = DefaultRequestProcessor::new(Arc::new(RouteInfoManager::new(
            "namesrv",
            VirtualClock::new(),
        )));
        network.listen("ns:9876", Arc::new(processor));
        network
    }

    #[test]
    fn unknown_topic_gets_topic_not_exist_with_rocketmqs_remark() {
        let client = network_with_namesrv().client("c:1");
        let header = GetRouteInfoRequestHeader {
            topic: "Nope".into(),
            accept_standard_json_only: None,
        };
        let request =
            RemotingCommand::create_request_command(request_code::GET_ROUTEINFO_BY_TOPIC, &header);
        let response = client.invoke_sync("ns:9876", request).unwrap();
        assert_eq!(response.code, response_code::TOPIC_NOT_EXIST);
        let remark = response.remark.unwrap();
        assert!(remark.starts_with("No topic route info in name server for the topic: Nope\nSee "));
    }

    #[test]
    fn unknown_code_and_missing_header_fields_are_answered_not_panicked() {
        let client = network_with_namesrv().client("c:1");
        let mut request = RemotingCommand {
            code: 99_999,
            opaque: 0,
            flag: 0,
            remark: None,
            ext_fields: Default::default(),
            body: None,
        };
        let response = client.invoke_sync("ns:9876", request.clone()).unwrap();
        assert_eq!(response.code, response_code::REQUEST_CODE_NOT_SUPPORTED);
        assert_eq!(response.remark.as_deref(), Some(" request type 99999 not supported"));

        request.code = request_code::REGISTER_BROKER;
        let response = client.invoke_sync("ns:9876", request).unwrap();
        assert_eq!(response.code, response_code::SYSTEM_ERROR);
        assert_eq!(response.remark.as_deref(), Some("the custom field <brokerName> is null"));
    }

    #[test]
    fn a_body_whose_crc_does_not_match_is_refused() {
        let client = network_with_namesrv().client("c:1");
        let header = RegisterBrokerRequestHeader {
            broker_name: "b".into(),
            broker_addr: "b:1".into(),
            cluster_name: "C".into(),
            ha_server_addr: "b:2".into(),
            broker_id: 0,
            heartbeat_timeout_millis: None,
            compressed: false,
            body_crc32: 12345,
        };
        let request =
            RemotingCommand::create_request_command(request_code::REGISTER_BROKER, &header)
                .with_body(RegisterBrokerBody::default().encode());
        let response = client.invoke_sync("ns:9876", request).unwrap();
        assert_eq!(response.code, response_code::SYSTEM_ERROR);
        assert_eq!(response.remark.as_deref(), Some("crc32 not match"));
    }
}
