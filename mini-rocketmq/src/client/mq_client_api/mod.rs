//! Typed RPCs over the remoting client — Java `MQClientAPIImpl`.
//!
//! Every call a client or tool makes is one method here: it builds the
//! request (code + typed header + JSON body), invokes it through the shared
//! [`RemotingClient`], and turns the response into a Rust value or an
//! [`MQClientError`] that names the peer and the response code. Nothing above
//! this file sees a `RemotingCommand`.
//!
//! Name servers are interchangeable: calls that go to "the" name server try
//! the one that answered last and move on to the next on a connection
//! failure (Java `getAndCreateNameserverChannel` / `namesrvIndex`).
//!
//! Java keeps all of it in one class. Here the `impl` is spread over four
//! files by topic: this one (plumbing, name server, send, pull),
//! [`offset`] (consumer offsets and queue offsets), [`client_manage`]
//! (heartbeats, group membership, send-back, locks) and [`admin`] (what
//! `mqadmin` needs — Java's `MQClientAPIImpl` serves `DefaultMQAdminExt` too).
//!
//! The results these calls return live here too, beside the API that builds
//! them: [`send_result`] (`SendResult`, `SendStatus`) and [`pull_result`]
//! (`PullResult`, `PullStatus`). Java keeps them in the `producer` and
//! `consumer` packages; here that would make this lower layer import from
//! the layers above it. `client::producer` and `client::consumer` re-export
//! them under their usual names.

mod admin;
mod client_manage;
mod offset;
pub mod pull_result;
pub mod send_result;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;

use crate::client::client_config::ClientConfig;
use crate::client::exception::{MQClientError, MQResult};
use crate::client::mq_client_api::pull_result::{PullResult, PullStatus};
use crate::client::mq_client_api::send_result::{SendResult, SendStatus};
use crate::common::message::MessageExt;
use crate::common::message_const;
use crate::common::message_decoder;
use crate::common::message_queue::MessageQueue;
use crate::common::route::TopicRouteData;
use crate::common::topic_config::TopicConfig;
use crate::remoting::client::{ClientConfig as RemotingClientConfig, RemotingClient};
use crate::remoting::code::{request_code, response_code};
use crate::remoting::command::{LanguageCode, RemotingCommand};
use crate::remoting::error::RemotingError;
use crate::remoting::protocol::body::cluster_info::ClusterInfo;
use crate::remoting::protocol::body::consume_stats::ConsumeStats;
use crate::remoting::protocol::body::consumer_connection::ConsumerConnection;
use crate::remoting::protocol::body::get_consumer_list_by_group::GetConsumerListByGroupResponseBody;
use crate::remoting::protocol::body::kv_table::KVTable;
use crate::remoting::protocol::body::lock_batch::{LockBatchRequestBody, LockBatchResponseBody};
use crate::remoting::protocol::body::reset_offset_body::ResetOffsetBody;
use crate::remoting::protocol::body::topic_list::TopicList;
use crate::remoting::protocol::body::topic_stats_table::TopicStatsTable;
use crate::remoting::protocol::header::CommandCustomHeader;
use crate::remoting::protocol::header::{
    BoundaryType, ConsumerSendMsgBackRequestHeader, CreateTopicRequestHeader,
    DeleteTopicFromNamesrvRequestHeader, DeleteTopicRequestHeader, GetConsumeStatsRequestHeader,
    GetConsumerConnectionListRequestHeader, GetConsumerListByGroupRequestHeader,
    GetEarliestMsgStoretimeRequestHeader, GetMaxOffsetRequestHeader, GetMinOffsetRequestHeader,
    GetRouteInfoRequestHeader, GetTopicStatsInfoRequestHeader, PullMessageRequestHeader,
    PullMessageResponseHeader, QueryConsumerOffsetRequestHeader, QueryMessageRequestHeader,
    ResetOffsetRequestHeader, SearchOffsetRequestHeader, SendMessageRequestHeader,
    SendMessageRequestHeaderV2, SendMessageResponseHeader, UnregisterClientRequestHeader,
    UpdateConsumerOffsetRequestHeader, ViewMessageRequestHeader,
};

/// Java `CommunicationMode`: who waits for the broker's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommunicationMode {
    /// The caller awaits the result.
    Sync,
    /// The caller gets the result through a callback.
    Async,
    /// Nobody waits; there is no result.
    Oneway,
}

/// One send, as `sendKernelImpl` hands it over: the V1 header (converted to
/// V2 short keys here), the body, and what to report as `SendResult.msg_id`.
#[derive(Debug)]
pub struct SendRequest<'a> {
    pub header: SendMessageRequestHeader,
    pub body: Bytes,
    pub batch: bool,
    pub msg_id: &'a str,
}

/// The reply to QUERY_MESSAGE: the messages found and how current the
/// broker's index is.
#[derive(Debug, Clone)]
pub struct QueryResult {
    pub index_last_update_timestamp: i64,
    pub message_list: Vec<MessageExt>,
}

/// Java `MQClientAPIImpl`.
pub struct MQClientAPIImpl {
    remoting_client: RemotingClient,
    namesrv_addr_list: parking_lot::RwLock<Arc<Vec<String>>>,
    /// The name server that answered last; calls start there.
    namesrv_index: AtomicUsize,
}

impl std::fmt::Debug for MQClientAPIImpl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MQClientAPIImpl")
            .field("namesrv_addr_list", &self.namesrv_addr_list.read())
            .finish_non_exhaustive()
    }
}

impl MQClientAPIImpl {
    pub fn new(config: &ClientConfig) -> Self {
        MQClientAPIImpl {
            remoting_client: RemotingClient::new(RemotingClientConfig {
                serialize_type: config.serialize_type,
                ..RemotingClientConfig::default()
            }),
            namesrv_addr_list: parking_lot::RwLock::new(Arc::new(config.namesrv_addr_list())),
            namesrv_index: AtomicUsize::new(0),
        }
    }

    /// The shared connection pool.
    pub fn remoting_client(&self) -> &RemotingClient {
        &self.remoting_client
    }

    /// Replaces the name-server list (Java `updateNameServerAddressList`).
    pub fn update_name_server_address_list(&self, addrs: Vec<String>) {
        *self.namesrv_addr_list.write() = Arc::new(addrs);
    }

    pub fn name_server_address_list(&self) -> Vec<String> {
        self.namesrv_addr_list.read().as_ref().clone()
    }

    // ----- plumbing -----------------------------------------------------------

    /// Invokes a name server, starting with the last one that answered and
    /// trying each of the others once on a connection failure. The error of
    /// the last attempt names its address.
    async fn invoke_namesrv(
        &self,
        request: RemotingCommand,
        timeout: Duration,
    ) -> MQResult<(String, RemotingCommand)> {
        let addrs = Arc::clone(&self.namesrv_addr_list.read());
        if addrs.is_empty() {
            return Err(MQClientError::client(
                "no name server address: set namesrv_addr (-n) or the NAMESRV_ADDR environment variable",
            ));
        }
        let start = self.namesrv_index.load(Ordering::Relaxed);
        let mut last_error = None;
        for i in 0..addrs.len() {
            let index = (start + i) % addrs.len();
            let addr = &addrs[index];
            // Each attempt needs its own opaque: the connection keys waiters by it.
            let attempt = if i == 0 {
                request.clone()
            } else {
                renumber(&request)
            };
            match self.remoting_client.invoke(addr, attempt, timeout).await {
                Ok(response) => {
                    self.namesrv_index.store(index, Ordering::Relaxed);
                    return Ok((addr.clone(), response));
                }
                Err(e) => {
                    tracing::debug!(namesrv = %addr, error = %e, "name server call failed");
                    last_error = Some(e);
                }
            }
        }
        Err(name_server_unreachable(&addrs, last_error))
    }

    async fn invoke(
        &self,
        addr: &str,
        request: RemotingCommand,
        timeout: Duration,
    ) -> MQResult<RemotingCommand> {
        Ok(self.remoting_client.invoke(addr, request, timeout).await?)
    }

    /// Invokes and insists on SUCCESS.
    async fn invoke_ok(
        &self,
        addr: &str,
        request: RemotingCommand,
        timeout: Duration,
    ) -> MQResult<RemotingCommand> {
        let response = self.invoke(addr, request, timeout).await?;
        expect_success(addr, response)
    }

    // ----- name server ----------------------------------------------------------

    /// GET_ROUTEINFO_BY_TOPIC (105). TOPIC_NOT_EXIST comes back as an error
    /// whose `is_topic_not_exist()` is true.
    pub async fn get_topic_route_info_from_name_server(
        &self,
        topic: &str,
        timeout: Duration,
    ) -> MQResult<TopicRouteData> {
        let header = GetRouteInfoRequestHeader {
            topic: topic.to_string(),
            accept_standard_json_only: Some(true),
        };
        let request = request_with_header(request_code::GET_ROUTEINFO_BY_TOPIC, &header);
        let (addr, response) = self.invoke_namesrv(request, timeout).await?;
        let response = expect_success(&addr, response)?;
        let body = response.body.unwrap_or_default();
        TopicRouteData::decode(&body).map_err(|e| bad_body(&addr, "TopicRouteData", e))
    }

    /// GET_BROKER_CLUSTER_INFO (106).
    pub async fn get_broker_cluster_info(&self, timeout: Duration) -> MQResult<ClusterInfo> {
        let request = request(request_code::GET_BROKER_CLUSTER_INFO);
        let (addr, response) = self.invoke_namesrv(request, timeout).await?;
        let body = expect_success(&addr, response)?.body.unwrap_or_default();
        ClusterInfo::decode(&body).map_err(|e| bad_body(&addr, "ClusterInfo", e))
    }

    /// GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206).
    pub async fn get_topic_list_from_name_server(&self, timeout: Duration) -> MQResult<TopicList> {
        let request = request(request_code::GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
        let (addr, response) = self.invoke_namesrv(request, timeout).await?;
        let body = expect_success(&addr, response)?.body.unwrap_or_default();
        TopicList::decode(&body).map_err(|e| bad_body(&addr, "TopicList", e))
    }

    /// DELETE_TOPIC_IN_NAMESRV (216), sent to *every* name server (each keeps
    /// its own tables).
    pub async fn delete_topic_in_name_server(
        &self,
        topic: &str,
        timeout: Duration,
    ) -> MQResult<()> {
        let addrs = Arc::clone(&self.namesrv_addr_list.read());
        for addr in addrs.iter() {
            let header = DeleteTopicFromNamesrvRequestHeader {
                topic: topic.to_string(),
                ..Default::default()
            };
            let request = request_with_header(request_code::DELETE_TOPIC_IN_NAMESRV, &header);
            self.invoke_ok(addr, request, timeout).await?;
        }
        Ok(())
    }

    // ----- send -------------------------------------------------------------------

    /// SEND_MESSAGE_V2 (310) or SEND_BATCH_MESSAGE (320), both with the
    /// short-key V2 header (Java `SendMessageRequestHeaderV2#createSendMessageRequestHeaderV2`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/header/SendMessageRequestHeaderV2.java`). Oneway returns a placeholder result
    /// that only says which queue the message was written to.
    pub async fn send_message(
        &self,
        addr: &str,
        broker_name: &str,
        request: SendRequest<'_>,
        timeout: Duration,
        mode: CommunicationMode,
    ) -> MQResult<SendResult> {
        let code = if request.batch {
            request_code::SEND_BATCH_MESSAGE
        } else {
            request_code::SEND_MESSAGE_V2
        };
        let topic = request.header.topic.clone();
        let queue_id = request.header.queue_id;
        let header = SendMessageRequestHeaderV2::from(request.header);
        let command = request_with_header(code, &header).with_body(request.body);
        if mode == CommunicationMode::Oneway {
            let mut command = command;
            command.mark_oneway();
            self.remoting_client.invoke_oneway(addr, command).await?;
            return Ok(SendResult {
                send_status: SendStatus::SendOk,
                msg_id: request.msg_id.to_string(),
                message_queue: MessageQueue::new(topic, broker_name, queue_id),
                queue_offset: -1,
                offset_msg_id: String::new(),
                transaction_id: None,
                region_id: String::new(),
                trace_on: false,
            });
        }
        let response = self.invoke(addr, command, timeout).await?;
        process_send_response(addr, broker_name, &topic, request.msg_id, response)
    }

    // ----- pull ----------------------------------------------------------------------

    /// PULL_MESSAGE (11). The body, if any, is left undecoded in the result's
    /// caller (`PullAPIWrapper`), which knows the subscription to filter by.
    pub async fn pull_message(
        &self,
        addr: &str,
        header: PullMessageRequestHeader,
        timeout: Duration,
    ) -> MQResult<(PullResult, Bytes)> {
        let request = request_with_header(request_code::PULL_MESSAGE, &header);
        let response = self.invoke(addr, request, timeout).await?;
        let Some(pull_status) = PullStatus::from_response_code(response.code) else {
            return Err(MQClientError::broker(
                response.code,
                response.remark.as_deref(),
                addr,
            ));
        };
        let rh: PullMessageResponseHeader = response
            .decode_header()
            .map_err(|e| bad_header(addr, "PullMessageResponseHeader", e))?;
        let result = PullResult {
            pull_status,
            next_begin_offset: rh.next_begin_offset,
            min_offset: rh.min_offset,
            max_offset: rh.max_offset,
            msg_found_list: Vec::new(),
            suggest_which_broker_id: rh.suggest_which_broker_id,
        };
        Ok((result, response.body.unwrap_or_default()))
    }
}

// ----- request helpers ------------------------------------------------------------------

/// A request from this client. It says it is written in Rust (LanguageCode
/// 12): brokers show it in `consumerConnection`, and Java's broker keys a few
/// compatibility decisions on the language.
fn request(code: i32) -> RemotingCommand {
    let mut command = RemotingCommand::new_request(code);
    command.language = LanguageCode::Rust;
    command
}

fn request_with_header(code: i32, header: &impl CommandCustomHeader) -> RemotingCommand {
    request(code).with_header(header)
}

// ----- response helpers ---------------------------------------------------------------

fn expect_success(addr: &str, response: RemotingCommand) -> MQResult<RemotingCommand> {
    if response.code == response_code::SUCCESS {
        Ok(response)
    } else {
        Err(MQClientError::broker(
            response.code,
            response.remark.as_deref(),
            addr,
        ))
    }
}

/// The `offset` field that offset queries answer with.
fn read_offset(addr: &str, response: &RemotingCommand) -> MQResult<i64> {
    response
        .ext("offset")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| MQClientError::client(format!("{addr} answered without an offset")))
}

/// Java `processSendResponse`.
fn process_send_response(
    addr: &str,
    broker_name: &str,
    topic: &str,
    msg_id: &str,
    response: RemotingCommand,
) -> MQResult<SendResult> {
    let Some(send_status) = SendStatus::from_response_code(response.code) else {
        return Err(MQClientError::broker(
            response.code,
            response.remark.as_deref(),
            addr,
        ));
    };
    let header: SendMessageResponseHeader = response
        .decode_header()
        .map_err(|e| bad_header(addr, "SendMessageResponseHeader", e))?;
    Ok(SendResult {
        send_status,
        msg_id: msg_id.to_string(),
        message_queue: MessageQueue::new(topic, broker_name, header.queue_id),
        queue_offset: header.queue_offset,
        offset_msg_id: header.msg_id,
        transaction_id: header.transaction_id,
        region_id: response
            .ext(message_const::PROPERTY_MSG_REGION)
            .unwrap_or("DefaultRegion")
            .to_string(),
        trace_on: response.ext(message_const::PROPERTY_TRACE_SWITCH) != Some("false"),
    })
}

fn bad_body(addr: &str, what: &str, e: impl std::fmt::Display) -> MQClientError {
    MQClientError::client(format!(
        "{addr} sent a {what} body that does not parse: {e}"
    ))
}

fn bad_header(addr: &str, what: &str, e: RemotingError) -> MQClientError {
    MQClientError::client(format!("{addr} sent a {what} that does not parse: {e}"))
}

/// One sentence naming every address tried and why the last one failed.
fn name_server_unreachable(addrs: &[String], last: Option<RemotingError>) -> MQClientError {
    let cause = last.map_or_else(|| "no attempt made".to_string(), |e| e.to_string());
    MQClientError::client_with_code(
        response_code::RPC_SEND_TO_CHANNEL_FAILED,
        format!(
            "name server unreachable (tried {}): {cause}",
            addrs.join(", ")
        ),
    )
}

/// A copy of `request` with a fresh opaque, for a retry on another peer.
fn renumber(request: &RemotingCommand) -> RemotingCommand {
    let mut copy = request.clone();
    copy.opaque = crate::remoting::command::next_opaque();
    copy
}
