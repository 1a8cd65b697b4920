//! `MQClientAPIImpl` — the requests a producer or consumer sends.
//! Mirrors `org.apache.rocketmq.client.impl.MQClientAPIImpl`.
//!
//! In RocketMQ every client (producer, consumer, admin tool) asks a name
//! server for each topic's route when it first uses the topic and again every
//! 30 s (`pollNameServerInterval`), then talks to brokers directly. The name
//! server is never on the message path; it only tells clients where to go.

use workbook_trace::step;

use crate::common::route::TopicRouteData;
use crate::remoting::code::{request_code, response_code, response_code_label};
use crate::remoting::command::RemotingCommand;
use crate::remoting::error::RemotingError;
use crate::remoting::protocol::header::GetRouteInfoRequestHeader;
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
            let label = response_code_label(code);
            step!(self.actor, JAVA, "<- {label} remark=\"{first_line}\"");
            return Err(MQClientError::Response { code, remark });
        }
        let body = response.body.unwrap_or_default();
        let route: TopicRouteData = serde_json::from_slice(&body).map_err(RemotingError::from)?;
        step!(self.actor, JAVA, "<- SUCCESS(0) body={}B: {}", body.len(), route.summary());
        Ok(route)
    }
    // ANCHOR_END: get_topic_route_info_from_name_server
}
