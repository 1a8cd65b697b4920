//! `BrokerOuterAPI`: the broker as a client of the name servers.
//!
//! Mirrors `org.apache.rocketmq.broker.out.BrokerOuterAPI`. A broker is found
//! by clients only through the name servers, and a name server forgets a
//! broker that has been silent for 120 s. So the broker registers
//!
//! - at start-up,
//! - every `registerNameServerPeriod` (30 s),
//! - and whenever its topic table changed (a topic was created or deleted),
//!
//! with **every** name server in `namesrvAddr`, in parallel: name servers do
//! not talk to each other, each one must hear from every broker itself. A
//! registration carries the whole topic table (`RegisterBrokerBody`, the
//! uncompressed JSON form: Java `BrokerOuterAPI#registerBrokerAll`,
//! `broker/src/main/java/org/apache/rocketmq/broker/out/BrokerOuterAPI.java`, marks even a compressed body
//! `compressed=false`, so the compressed form is best left off)
//! stamped with its `DataVersion`, so a name server can skip rebuilding routes
//! when nothing changed. At shutdown the broker says goodbye with
//! UNREGISTER_BROKER so its routes disappear at once instead of after 120 s.

use std::time::Duration;

use tokio::task::JoinSet;

use crate::common::topic_config::TopicConfigSerializeWrapper;
use crate::remoting::client::{ClientConfig, RemotingClient};
use crate::remoting::code::{request_code, response_code};
use crate::remoting::command::RemotingCommand;
use crate::remoting::protocol::body::register_broker_body::RegisterBrokerBody;
use crate::remoting::protocol::header::namesrv::{
    RegisterBrokerRequestHeader, RegisterBrokerResponseHeader, UnRegisterBrokerRequestHeader,
};

/// Who this broker is, as the name servers know it.
#[derive(Debug, Clone)]
pub struct BrokerIdentity {
    pub cluster_name: String,
    pub broker_name: String,
    pub broker_id: i64,
    /// `brokerIP1:listenPort`, the address clients connect to.
    pub broker_addr: String,
    /// `brokerIP2:haListenPort`, where slaves would replicate from.
    pub ha_server_addr: String,
}

/// What one name server answered to REGISTER_BROKER.
#[derive(Debug, Clone, Default)]
pub struct RegisterBrokerResult {
    pub namesrv_addr: String,
    pub ha_server_addr: Option<String>,
    pub master_addr: Option<String>,
}

pub struct BrokerOuterAPI {
    client: RemotingClient,
    namesrv_addrs: Vec<String>,
    timeout: Duration,
}

impl BrokerOuterAPI {
    pub fn new(namesrv_addrs: Vec<String>, timeout: Duration) -> Self {
        BrokerOuterAPI {
            client: RemotingClient::new(ClientConfig::default()),
            namesrv_addrs,
            timeout,
        }
    }

    pub fn namesrv_addrs(&self) -> &[String] {
        &self.namesrv_addrs
    }

    /// Java `registerBrokerAll`: register with every name server in parallel.
    /// Returns the successful answers; failures are logged (the next periodic
    /// registration retries them).
    pub async fn register_broker_all(
        &self,
        identity: &BrokerIdentity,
        topics: TopicConfigSerializeWrapper,
    ) -> Vec<RegisterBrokerResult> {
        if self.namesrv_addrs.is_empty() {
            return Vec::new();
        }
        let body = RegisterBrokerBody {
            filter_server_list: Vec::new(),
            topic_config_serialize_wrapper: topics.into(),
        }
        .encode();
        let header = RegisterBrokerRequestHeader {
            broker_name: identity.broker_name.clone(),
            broker_addr: identity.broker_addr.clone(),
            cluster_name: identity.cluster_name.clone(),
            ha_server_addr: identity.ha_server_addr.clone(),
            broker_id: identity.broker_id,
            heartbeat_timeout_millis: None,
            enable_acting_master: Some(false),
            compressed: false,
            body_crc32: crc32(&body),
        };
        let body = bytes::Bytes::from(body);

        let mut calls = JoinSet::new();
        for addr in &self.namesrv_addrs {
            let client = self.client.clone();
            let addr = addr.clone();
            let request =
                RemotingCommand::new_request_with_header(request_code::REGISTER_BROKER, &header)
                    .with_body(body.clone());
            let timeout = self.timeout;
            calls.spawn(async move {
                let outcome = client.invoke(&addr, request, timeout).await;
                (addr, outcome)
            });
        }
        let mut results = Vec::new();
        while let Some(joined) = calls.join_next().await {
            let Ok((addr, outcome)) = joined else {
                continue;
            };
            match outcome {
                Ok(response) if response.code == response_code::SUCCESS => {
                    let h: RegisterBrokerResponseHeader =
                        response.decode_header().unwrap_or_default();
                    tracing::debug!(namesrv = %addr, broker = %identity.broker_addr,
                        "BrokerOuterAPI#registerBrokerAll: registered");
                    results.push(RegisterBrokerResult {
                        namesrv_addr: addr,
                        ha_server_addr: h.ha_server_addr,
                        master_addr: h.master_addr,
                    });
                }
                Ok(response) => tracing::warn!(namesrv = %addr, code = response.code,
                    remark = response.remark.as_deref().unwrap_or(""), "register broker to name server refused"),
                Err(e) => {
                    tracing::warn!(namesrv = %addr, error = %e, "register broker to name server failed")
                }
            }
        }
        results
    }

    /// Java `unregisterBrokerAll`: say goodbye to every name server.
    pub async fn unregister_broker_all(&self, identity: &BrokerIdentity) {
        let header = UnRegisterBrokerRequestHeader {
            broker_name: identity.broker_name.clone(),
            broker_addr: identity.broker_addr.clone(),
            cluster_name: identity.cluster_name.clone(),
            broker_id: identity.broker_id,
        };
        let mut calls = JoinSet::new();
        for addr in &self.namesrv_addrs {
            let client = self.client.clone();
            let addr = addr.clone();
            let request =
                RemotingCommand::new_request_with_header(request_code::UNREGISTER_BROKER, &header);
            let timeout = self.timeout.min(Duration::from_secs(3));
            calls
                .spawn(async move { (addr.clone(), client.invoke(&addr, request, timeout).await) });
        }
        while let Some(joined) = calls.join_next().await {
            let Ok((addr, outcome)) = joined else {
                continue;
            };
            match outcome {
                Ok(r) if r.code == response_code::SUCCESS => {
                    tracing::info!(namesrv = %addr, "unregisterBroker OK")
                }
                Ok(r) => tracing::warn!(namesrv = %addr, code = r.code, "unregisterBroker refused"),
                Err(e) => tracing::warn!(namesrv = %addr, error = %e, "unregisterBroker failed"),
            }
        }
    }

    pub async fn shutdown(&self) {
        self.client.shutdown().await;
    }
}

/// `UtilAll.crc32`: CRC32 of the body, masked to a non-negative int.
fn crc32(bytes: &[u8]) -> i32 {
    (crc32fast::hash(bytes) & 0x7FFF_FFFF) as i32
}
