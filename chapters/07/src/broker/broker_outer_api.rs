//! `BrokerOuterAPI` — everything a broker sends to name servers.
//! Mirrors `org.apache.rocketmq.broker.out.BrokerOuterAPI`.
//!
//! The broker builds one REGISTER_BROKER request (header + JSON body) and
//! sends the same request to **every** configured name server: name servers
//! never talk to each other, so each must hear from every broker itself, and
//! a client may ask any of them. Java sends them in parallel on a thread pool
//! and waits for all; we send them one after the other, in the configured
//! order, which keeps the trace in one order on every run.

use workbook_trace::step;

use crate::broker::broker_config::BrokerConfig;
use crate::common::util_all::crc32;
use crate::remoting::code::{request_code, response_code, response_code_name};
use crate::remoting::command::RemotingCommand;
use crate::remoting::protocol::body::register_broker_body::{
    RegisterBrokerBody, TopicConfigSerializeWrapper,
};
use crate::remoting::protocol::header::{
    RegisterBrokerRequestHeader, RegisterBrokerResponseHeader, UnRegisterBrokerRequestHeader,
};
use crate::remoting::transport::RemotingClient;

pub struct BrokerOuterAPI {
    /// Who we are and which name servers we tell (Java reads these from the
    /// controller's `BrokerConfig` on every call).
    config: BrokerConfig,
    remoting_client: Box<dyn RemotingClient>,
}

impl BrokerOuterAPI {
    pub fn new(config: BrokerConfig, remoting_client: Box<dyn RemotingClient>) -> Self {
        BrokerOuterAPI {
            config,
            remoting_client,
        }
    }

    // ANCHOR: register_broker_all
    /// `BrokerOuterAPI#registerBrokerAll`: tell every name server who we are
    /// and which topics we serve. Returns the answers that came back.
    pub fn register_broker_all(
        &self,
        topic_config_wrapper: TopicConfigSerializeWrapper,
    ) -> Vec<RegisterBrokerResponseHeader> {
        let config = &self.config;
        let topics = topic_config_wrapper.topic_config_table.len();
        let data_version = topic_config_wrapper.data_version.counter;

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

        let mut results = Vec::new();
        for namesrv_addr in config.namesrv_addr_list() {
            let facts = format!(
                "REGISTER_BROKER(103) -> {namesrv_addr} cluster={} id={} addr={} topics={topics} dataVersion={data_version} body={}B",
                header.cluster_name,
                header.broker_id,
                header.broker_addr,
                body.len()
            );
            step!(config.broker_name, "BrokerOuterAPI#registerBrokerAll", "{facts}");
            let request =
                RemotingCommand::create_request_command(request_code::REGISTER_BROKER, &header)
                    .with_body(body.clone());
            if let Some(result) = self.register_broker(&namesrv_addr, request) {
                results.push(result);
            }
        }
        results
    }
    // ANCHOR_END: register_broker_all

    // ANCHOR: unregister_broker_all
    /// `BrokerOuterAPI#unregisterBrokerAll`: tell every name server we are
    /// leaving, so that clients stop being sent to us now rather than after
    /// the name server's 120-second expiry.
    pub fn unregister_broker_all(&self) {
        let config = &self.config;
        let header = UnRegisterBrokerRequestHeader {
            broker_name: config.broker_name.clone(),
            broker_addr: config.broker_addr(),
            cluster_name: config.broker_cluster_name.clone(),
            broker_id: config.broker_id,
        };
        for namesrv_addr in config.namesrv_addr_list() {
            let facts = format!(
                "UNREGISTER_BROKER(104) -> {namesrv_addr} cluster={} id={} addr={}",
                header.cluster_name, header.broker_id, header.broker_addr
            );
            step!(config.broker_name, "BrokerOuterAPI#unregisterBrokerAll", "{facts}");
            let request =
                RemotingCommand::create_request_command(request_code::UNREGISTER_BROKER, &header);
            // `BrokerOuterAPI#unregisterBroker`; a failure only means that
            // name server will expire us instead.
            match self.remoting_client.invoke_sync(&namesrv_addr, request) {
                Ok(response) => {
                    let facts = format!(
                        "<- {}({}) opaque={}",
                        response_code_name(response.code),
                        response.code,
                        response.opaque
                    );
                    step!(config.broker_name, "BrokerOuterAPI#unregisterBroker", "{facts}")
                }
                Err(e) => {
                    tracing::warn!("failed to unregister from name server {namesrv_addr}: {e}")
                }
            }
        }
    }
    // ANCHOR_END: unregister_broker_all

    /// `BrokerOuterAPI#registerBroker`: one name server, one request. A
    /// failure is logged and skipped: the other name servers still count,
    /// and the next periodic registration tries this one again.
    fn register_broker(
        &self,
        namesrv_addr: &str,
        request: RemotingCommand,
    ) -> Option<RegisterBrokerResponseHeader> {
        const JAVA: &str = "BrokerOuterAPI#registerBroker";
        let config = &self.config;
        let response = match self.remoting_client.invoke_sync(namesrv_addr, request) {
            Ok(response) => response,
            Err(e) => {
                tracing::warn!("failed to register to name server {namesrv_addr}: {e}");
                step!(config.broker_name, JAVA, "<- failed: {e}");
                return None;
            }
        };
        let facts = format!(
            "<- {}({}) opaque={}",
            response_code_name(response.code),
            response.code,
            response.opaque
        );
        step!(config.broker_name, JAVA, "{facts}");
        if response.code != response_code::SUCCESS {
            return None;
        }
        response.decode_command_custom_header().ok()
    }
}
