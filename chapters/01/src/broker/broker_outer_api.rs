//! `BrokerOuterAPI` — everything a broker sends to name servers.
//! Mirrors `org.apache.rocketmq.broker.out.BrokerOuterAPI`.
//!
//! The broker builds one REGISTER_BROKER request (header + JSON body) and
//! sends the same request to every configured name server. Java sends them in
//! parallel on a thread pool and waits for all; we send them one after the
//! other, which changes nothing a reader can observe with one name server.

use workbook_trace::step;

use crate::broker::broker_config::BrokerConfig;
use crate::common::util_all::crc32;
use crate::remoting::code::{request_code, response_code, response_code_label};
use crate::remoting::command::RemotingCommand;
use crate::remoting::protocol::body::register_broker_body::{
    RegisterBrokerBody, TopicConfigSerializeWrapper,
};
use crate::remoting::protocol::header::{
    RegisterBrokerRequestHeader, RegisterBrokerResponseHeader,
};
use crate::remoting::transport::RemotingClient;

pub struct BrokerOuterAPI {
    remoting_client: Box<dyn RemotingClient>,
}

impl BrokerOuterAPI {
    pub fn new(remoting_client: Box<dyn RemotingClient>) -> Self {
        BrokerOuterAPI { remoting_client }
    }

    // ANCHOR: register_broker_all
    /// `BrokerOuterAPI#registerBrokerAll`: tell every name server who we are
    /// and which topics we serve. Returns the answers that came back.
    pub fn register_broker_all(
        &self,
        config: &BrokerConfig,
        topic_config_wrapper: TopicConfigSerializeWrapper,
    ) -> Vec<RegisterBrokerResponseHeader> {
        const JAVA: &str = "BrokerOuterAPI#registerBrokerAll";
        let topics: Vec<&str> = topic_config_wrapper
            .topic_config_table
            .keys()
            .map(String::as_str)
            .collect();
        let topics = format!("[{}]", topics.join(", "));
        let version = topic_config_wrapper.data_version.counter;

        let body = RegisterBrokerBody {
            filter_server_list: Vec::new(),
            topic_config_serialize_wrapper: topic_config_wrapper,
        }
        .encode();
        let header = RegisterBrokerRequestHeader {
            broker_name: config.broker_name.clone(),
            broker_addr: config.broker_addr(),
            cluster_name: config.broker_cluster_name.clone(),
            ha_server_addr: config.ha_server_addr(),
            broker_id: config.broker_id,
            // Absent: the name server applies its default expiry (chapter 02).
            heartbeat_timeout_millis: None,
            compressed: false,
            body_crc32: crc32(&body),
        };

        let (me, size) = (config.actor(), body.len());
        let mut results = Vec::new();
        for addr in config.namesrv_addr_list() {
            step!(me, JAVA, "REGISTER_BROKER(103) -> {addr} topics={topics}");
            step!(me, JAVA, "dataVersion={version} body={size}B");
            let request =
                RemotingCommand::create_request_command(request_code::REGISTER_BROKER, &header)
                    .with_body(body.clone());
            if let Some(result) = self.register_broker(config, &addr, request) {
                results.push(result);
            }
        }
        results
    }
    // ANCHOR_END: register_broker_all

    /// `BrokerOuterAPI#registerBroker`: one name server, one request. A
    /// failure is logged and skipped: the other name servers still count,
    /// and the next periodic registration tries this one again.
    fn register_broker(
        &self,
        config: &BrokerConfig,
        namesrv_addr: &str,
        request: RemotingCommand,
    ) -> Option<RegisterBrokerResponseHeader> {
        const JAVA: &str = "BrokerOuterAPI#registerBroker";
        let response = match self.remoting_client.invoke_sync(namesrv_addr, request) {
            Ok(response) => response,
            Err(e) => {
                tracing::warn!("failed to register to name server {namesrv_addr}: {e}");
                step!(config.actor(), JAVA, "<- failed: {e}");
                return None;
            }
        };
        let (code, opaque) = (response_code_label(response.code), response.opaque);
        step!(config.actor(), JAVA, "<- {code} opaque={opaque}");
        if response.code != response_code::SUCCESS {
            return None;
        }
        response.decode_command_custom_header().ok()
    }
}
