//! `ClientRequestProcessor`: GET_ROUTEINFO_BY_TOPIC, the question every
//! producer and consumer asks every 30 seconds.
//!
//! Mirrors `org.apache.rocketmq.namesrv.processor.ClientRequestProcessor`.
//!
//! The answer is the topic's [`TopicRouteData`], or TOPIC_NOT_EXIST with
//! RocketMQ's remark and FAQ link. The body's JSON shape depends on who asks
//! (Java `ClientRequestProcessor#getRouteInfoByTopic`, `namesrv/src/main/java/org/apache/rocketmq/namesrv/processor/ClientRequestProcessor.java`):
//!
//! - a client at version ≥ 401 (4.9.4+), or one that sets the header
//!   `acceptStandardJsonOnly=true`, gets standard JSON — `brokerAddrs` keys
//!   quoted (`{"0":"…"}`), non-ASCII `\u`-escaped;
//! - an older client gets fastjson's default form, `{0:"…"}`, which is what
//!   its fastjson expects byte for byte.
//!
//! With `needWaitForService`, routes are refused for `waitSecondsForService`
//! after start-up, so clients of a freshly restarted name server do not
//! take "no route" for an answer before the brokers had a chance to register.

use std::sync::Arc;

use super::{ProcessError, into_response, success};
use crate::common::fastjson::JsonStyle;
use crate::common::mix_all::NAMESPACE_ORDER_TOPIC_CONFIG;
use crate::common::route::TopicRouteData;
use crate::namesrv::clock::Clock;
use crate::namesrv::kv_config_manager::KVConfigManager;
use crate::namesrv::namesrv_config::NamesrvConfig;
use crate::namesrv::route_info_manager::RouteInfoManager;
use crate::remoting::code::response_code;
use crate::remoting::command::{RemotingCommand, mq_version};
use crate::remoting::protocol::header::namesrv::GetRouteInfoRequestHeader;
use crate::remoting::server::{BoxFuture, Channel, RequestProcessor};

/// `FAQUrl.APPLY_TOPIC_URL`.
pub const APPLY_TOPIC_URL: &str = "https://rocketmq.apache.org/docs/bestPractice/06FAQ";

/// Java `FAQUrl.suggestTodo(url)`.
pub fn suggest_todo(url: &str) -> String {
    format!("\nSee {url} for further details.")
}

/// The TOPIC_NOT_EXIST remark, exactly as Java words it.
pub fn topic_not_exist_remark(topic: &str) -> String {
    format!(
        "No topic route info in name server for the topic: {topic}{}",
        suggest_todo(APPLY_TOPIC_URL)
    )
}

pub struct ClientRequestProcessor {
    config: Arc<NamesrvConfig>,
    route_info_manager: Arc<RouteInfoManager>,
    kv_config_manager: Arc<KVConfigManager>,
    clock: Arc<dyn Clock>,
    startup_millis: i64,
}

impl ClientRequestProcessor {
    pub fn new(
        config: Arc<NamesrvConfig>,
        route_info_manager: Arc<RouteInfoManager>,
        kv_config_manager: Arc<KVConfigManager>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let startup_millis = clock.now_millis();
        ClientRequestProcessor {
            config,
            route_info_manager,
            kv_config_manager,
            clock,
            startup_millis,
        }
    }

    /// GET_ROUTEINFO_BY_TOPIC.
    pub fn get_route_info_by_topic(&self, request: &RemotingCommand) -> RemotingCommand {
        let outcome = self.route_info(request);
        into_response(request, outcome)
    }

    fn route_info(&self, request: &RemotingCommand) -> Result<RemotingCommand, ProcessError> {
        let header: GetRouteInfoRequestHeader = request.decode_header()?;

        let ready = self.clock.now_millis() - self.startup_millis
            >= self.config.wait_seconds_for_service.saturating_mul(1000);
        if self.config.need_wait_for_service && !ready {
            tracing::warn!(code = request.code, "name server not ready");
            return Ok(RemotingCommand::new_response(
                response_code::SYSTEM_ERROR,
                "name server not ready".to_string(),
            ));
        }

        let Some(mut route) = self
            .route_info_manager
            .pickup_topic_route_data(&header.topic)
        else {
            return Ok(RemotingCommand::new_response(
                response_code::TOPIC_NOT_EXIST,
                topic_not_exist_remark(&header.topic),
            ));
        };

        if self.config.order_message_enable {
            route.order_topic_conf = self
                .kv_config_manager
                .get_kv_config(NAMESPACE_ORDER_TOPIC_CONFIG, &header.topic);
        }
        let style = route_json_style(request.version, header.accept_standard_json_only);
        Ok(success().with_body(TopicRouteData::encode(&route, style)))
    }
}

/// Which JSON a client of this version gets (Java `MQVersion`, `common/src/main/java/org/apache/rocketmq/common/MQVersion.java`; Java `ClientRequestProcessor#getRouteInfoByTopic`, `namesrv/src/main/java/org/apache/rocketmq/namesrv/processor/ClientRequestProcessor.java`).
pub fn route_json_style(
    request_version: i32,
    accept_standard_json_only: Option<bool>,
) -> JsonStyle {
    if request_version >= mq_version::V4_9_4 || accept_standard_json_only.unwrap_or(false) {
        JsonStyle::Standard
    } else {
        JsonStyle::Fastjson
    }
}

impl RequestProcessor for ClientRequestProcessor {
    fn process_request(
        &self,
        _channel: Channel,
        request: RemotingCommand,
    ) -> BoxFuture<'_, Option<RemotingCommand>> {
        let response = self.get_route_info_by_topic(&request);
        Box::pin(async move { Some(response) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn style_follows_version_and_flag() {
        assert_eq!(route_json_style(479, None), JsonStyle::Standard);
        assert_eq!(route_json_style(401, None), JsonStyle::Standard);
        assert_eq!(route_json_style(400, None), JsonStyle::Fastjson);
        assert_eq!(route_json_style(400, Some(false)), JsonStyle::Fastjson);
        assert_eq!(route_json_style(0, Some(true)), JsonStyle::Standard);
    }

    #[test]
    fn remark_is_javas() {
        assert_eq!(
            topic_not_exist_remark("T"),
            "No topic route info in name server for the topic: T\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details."
        );
    }
}
