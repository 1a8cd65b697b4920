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
//! Admin calls (`mqadmin`) live here too, as in Java, where
//! `MQClientAPIImpl` also serves `DefaultMQAdminExt`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;

use crate::client::client_config::ClientConfig;
use crate::client::consumer::pull_result::{PullResult, PullStatus};
use crate::client::exception::{MQClientError, MQResult};
use crate::client::producer::send_result::{SendResult, SendStatus};
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
    /// short-key V2 header (facts §3.1). Oneway returns a placeholder result
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

    // ----- offsets -------------------------------------------------------------------

    /// QUERY_CONSUMER_OFFSET (14). `Ok(None)` when the broker has no offset
    /// for the group and queue (QUERY_NOT_FOUND).
    pub async fn query_consumer_offset(
        &self,
        addr: &str,
        group: &str,
        mq: &MessageQueue,
        timeout: Duration,
    ) -> MQResult<Option<i64>> {
        let header = QueryConsumerOffsetRequestHeader {
            consumer_group: group.to_string(),
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            set_zero_if_not_found: Some(false),
            broker_name: Some(mq.broker_name.clone()),
        };
        let request = request_with_header(request_code::QUERY_CONSUMER_OFFSET, &header);
        let response = self.invoke(addr, request, timeout).await?;
        match response.code {
            response_code::SUCCESS => read_offset(addr, &response).map(Some),
            response_code::QUERY_NOT_FOUND => Ok(None),
            code => Err(MQClientError::broker(
                code,
                response.remark.as_deref(),
                addr,
            )),
        }
    }

    fn update_offset_request(group: &str, mq: &MessageQueue, offset: i64) -> RemotingCommand {
        let header = UpdateConsumerOffsetRequestHeader {
            consumer_group: group.to_string(),
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            commit_offset: offset,
            broker_name: Some(mq.broker_name.clone()),
        };
        request_with_header(request_code::UPDATE_CONSUMER_OFFSET, &header)
    }

    /// UPDATE_CONSUMER_OFFSET (15), waiting for the answer (shutdown, tools).
    pub async fn update_consumer_offset(
        &self,
        addr: &str,
        group: &str,
        mq: &MessageQueue,
        offset: i64,
        timeout: Duration,
    ) -> MQResult<()> {
        let request = Self::update_offset_request(group, mq, offset);
        self.invoke_ok(addr, request, timeout).await.map(|_| ())
    }

    /// UPDATE_CONSUMER_OFFSET (15) oneway — what the 5 s timer sends.
    pub async fn update_consumer_offset_oneway(
        &self,
        addr: &str,
        group: &str,
        mq: &MessageQueue,
        offset: i64,
    ) -> MQResult<()> {
        let mut request = Self::update_offset_request(group, mq, offset);
        request.mark_oneway();
        Ok(self.remoting_client.invoke_oneway(addr, request).await?)
    }

    /// GET_MAX_OFFSET (30): one past the last message of the queue.
    pub async fn get_max_offset(
        &self,
        addr: &str,
        mq: &MessageQueue,
        timeout: Duration,
    ) -> MQResult<i64> {
        let header = GetMaxOffsetRequestHeader {
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            broker_name: Some(mq.broker_name.clone()),
            ..Default::default()
        };
        let request = request_with_header(request_code::GET_MAX_OFFSET, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        read_offset(addr, &response)
    }

    /// GET_MIN_OFFSET (31): the oldest offset still stored.
    pub async fn get_min_offset(
        &self,
        addr: &str,
        mq: &MessageQueue,
        timeout: Duration,
    ) -> MQResult<i64> {
        let header = GetMinOffsetRequestHeader {
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            broker_name: Some(mq.broker_name.clone()),
        };
        let request = request_with_header(request_code::GET_MIN_OFFSET, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        read_offset(addr, &response)
    }

    /// SEARCH_OFFSET_BY_TIMESTAMP (29): the first offset stored at or after
    /// `timestamp_ms` (LOWER) or the last one at or before it (UPPER).
    pub async fn search_offset(
        &self,
        addr: &str,
        mq: &MessageQueue,
        timestamp_ms: i64,
        boundary: BoundaryType,
        timeout: Duration,
    ) -> MQResult<i64> {
        let header = SearchOffsetRequestHeader {
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            timestamp: timestamp_ms,
            boundary_type: Some(boundary),
            broker_name: Some(mq.broker_name.clone()),
        };
        let request = request_with_header(request_code::SEARCH_OFFSET_BY_TIMESTAMP, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        read_offset(addr, &response)
    }

    /// GET_EARLIEST_MSG_STORETIME (32).
    pub async fn get_earliest_msg_storetime(
        &self,
        addr: &str,
        mq: &MessageQueue,
        timeout: Duration,
    ) -> MQResult<i64> {
        let header = GetEarliestMsgStoretimeRequestHeader {
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            broker_name: Some(mq.broker_name.clone()),
        };
        let request = request_with_header(request_code::GET_EARLIEST_MSG_STORETIME, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        response
            .ext("timestamp")
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| {
                MQClientError::client(format!(
                    "{addr} sent no timestamp in GET_EARLIEST_MSG_STORETIME"
                ))
            })
    }

    // ----- client management -----------------------------------------------------------

    /// HEART_BEAT (34) with a pre-encoded `HeartbeatData` body.
    pub async fn send_heartbeat(&self, addr: &str, body: Bytes, timeout: Duration) -> MQResult<()> {
        let request = request(request_code::HEART_BEAT).with_body(body);
        self.invoke_ok(addr, request, timeout).await.map(|_| ())
    }

    /// UNREGISTER_CLIENT (35).
    pub async fn unregister_client(
        &self,
        addr: &str,
        client_id: &str,
        producer_group: Option<&str>,
        consumer_group: Option<&str>,
        timeout: Duration,
    ) -> MQResult<()> {
        let header = UnregisterClientRequestHeader {
            client_id: client_id.to_string(),
            producer_group: producer_group.map(str::to_string),
            consumer_group: consumer_group.map(str::to_string),
        };
        let request = request_with_header(request_code::UNREGISTER_CLIENT, &header);
        self.invoke_ok(addr, request, timeout).await.map(|_| ())
    }

    /// GET_CONSUMER_LIST_BY_GROUP (38): the client ids of a group's members.
    pub async fn get_consumer_id_list_by_group(
        &self,
        addr: &str,
        group: &str,
        timeout: Duration,
    ) -> MQResult<Vec<String>> {
        let header = GetConsumerListByGroupRequestHeader {
            consumer_group: group.to_string(),
        };
        let request = request_with_header(request_code::GET_CONSUMER_LIST_BY_GROUP, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        let body = response.body.unwrap_or_default();
        GetConsumerListByGroupResponseBody::decode(&body)
            .map(|b| b.consumer_id_list)
            .map_err(|e| bad_body(addr, "GetConsumerListByGroupResponseBody", e))
    }

    /// CONSUMER_SEND_MSG_BACK (36): "consume this again later". The broker
    /// re-stores the message in `%RETRY%<group>` with a delay, or in
    /// `%DLQ%<group>` once it has failed too often (facts §6.4).
    #[allow(clippy::too_many_arguments)]
    pub async fn consumer_send_message_back(
        &self,
        addr: &str,
        broker_name: &str,
        msg: &MessageExt,
        group: &str,
        delay_level: i32,
        max_reconsume_times: i32,
        timeout: Duration,
    ) -> MQResult<()> {
        let header = ConsumerSendMsgBackRequestHeader {
            offset: msg.commit_log_offset,
            group: group.to_string(),
            delay_level,
            origin_msg_id: Some(msg.msg_id.clone()),
            origin_topic: Some(msg.topic.clone()),
            unit_mode: false,
            max_reconsume_times: Some(max_reconsume_times),
            broker_name: Some(broker_name.to_string()),
        };
        let request = request_with_header(request_code::CONSUMER_SEND_MSG_BACK, &header);
        self.invoke_ok(addr, request, timeout).await.map(|_| ())
    }

    /// LOCK_BATCH_MQ (41): returns the queues the broker locked for us.
    pub async fn lock_batch_mq(
        &self,
        addr: &str,
        body: &LockBatchRequestBody,
        timeout: Duration,
    ) -> MQResult<BTreeSet<MessageQueue>> {
        let request = request(request_code::LOCK_BATCH_MQ).with_body(body.encode());
        let response = self.invoke_ok(addr, request, timeout).await?;
        let body = response.body.unwrap_or_default();
        LockBatchResponseBody::decode(&body)
            .map(|b| b.lock_ok_mq_set)
            .map_err(|e| bad_body(addr, "LockBatchResponseBody", e))
    }

    /// UNLOCK_BATCH_MQ (42).
    pub async fn unlock_batch_mq(
        &self,
        addr: &str,
        body: &LockBatchRequestBody,
        timeout: Duration,
    ) -> MQResult<()> {
        let request = request(request_code::UNLOCK_BATCH_MQ).with_body(body.encode());
        self.invoke_ok(addr, request, timeout).await.map(|_| ())
    }

    // ----- admin ---------------------------------------------------------------------------

    /// UPDATE_AND_CREATE_TOPIC (17) on one broker.
    pub async fn create_topic(
        &self,
        addr: &str,
        default_topic: &str,
        config: &TopicConfig,
        timeout: Duration,
    ) -> MQResult<()> {
        let header = CreateTopicRequestHeader {
            topic: config.topic_name.clone(),
            default_topic: default_topic.to_string(),
            read_queue_nums: config.read_queue_nums,
            write_queue_nums: config.write_queue_nums,
            perm: config.perm,
            topic_filter_type: config.topic_filter_type.as_str().to_string(),
            topic_sys_flag: Some(config.topic_sys_flag),
            order: config.order,
            ..Default::default()
        };
        let request = request_with_header(request_code::UPDATE_AND_CREATE_TOPIC, &header);
        self.invoke_ok(addr, request, timeout).await.map(|_| ())
    }

    /// DELETE_TOPIC_IN_BROKER (215).
    pub async fn delete_topic_in_broker(
        &self,
        addr: &str,
        topic: &str,
        timeout: Duration,
    ) -> MQResult<()> {
        let header = DeleteTopicRequestHeader {
            topic: topic.to_string(),
        };
        let request = request_with_header(request_code::DELETE_TOPIC_IN_BROKER, &header);
        self.invoke_ok(addr, request, timeout).await.map(|_| ())
    }

    /// GET_BROKER_RUNTIME_INFO (28): the broker's key/value status table.
    pub async fn get_broker_runtime_info(
        &self,
        addr: &str,
        timeout: Duration,
    ) -> MQResult<BTreeMap<String, String>> {
        let request = request(request_code::GET_BROKER_RUNTIME_INFO);
        let response = self.invoke_ok(addr, request, timeout).await?;
        let body = response.body.unwrap_or_default();
        KVTable::decode(&body)
            .map(|t| t.table)
            .map_err(|e| bad_body(addr, "KVTable", e))
    }

    /// GET_TOPIC_STATS_INFO (202): min/max offsets of every queue of a topic
    /// on one broker.
    pub async fn get_topic_stats_info(
        &self,
        addr: &str,
        topic: &str,
        timeout: Duration,
    ) -> MQResult<TopicStatsTable> {
        let header = GetTopicStatsInfoRequestHeader {
            topic: topic.to_string(),
        };
        let request = request_with_header(request_code::GET_TOPIC_STATS_INFO, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        let body = response.body.unwrap_or_default();
        TopicStatsTable::decode(&body).map_err(|e| bad_body(addr, "TopicStatsTable", e))
    }

    /// GET_CONSUME_STATS (208): a group's progress on one broker.
    pub async fn get_consume_stats(
        &self,
        addr: &str,
        group: &str,
        topic: Option<&str>,
        timeout: Duration,
    ) -> MQResult<ConsumeStats> {
        let header = GetConsumeStatsRequestHeader {
            consumer_group: group.to_string(),
            topic: topic.map(str::to_string),
            ..Default::default()
        };
        let request = request_with_header(request_code::GET_CONSUME_STATS, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        let body = response.body.unwrap_or_default();
        ConsumeStats::decode(&body).map_err(|e| bad_body(addr, "ConsumeStats", e))
    }

    /// GET_CONSUMER_CONNECTION_LIST (203): the group's members as one broker
    /// sees them.
    pub async fn get_consumer_connection_list(
        &self,
        addr: &str,
        group: &str,
        timeout: Duration,
    ) -> MQResult<ConsumerConnection> {
        let header = GetConsumerConnectionListRequestHeader {
            consumer_group: group.to_string(),
        };
        let request = request_with_header(request_code::GET_CONSUMER_CONNECTION_LIST, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        let body = response.body.unwrap_or_default();
        ConsumerConnection::decode(&body).map_err(|e| bad_body(addr, "ConsumerConnection", e))
    }

    /// INVOKE_BROKER_TO_RESET_OFFSET (222): the broker moves `group`'s
    /// offsets on `topic` to the first message stored at `timestamp_ms`
    /// (`-1`: the end of each queue) and tells the online members
    /// (RESET_CONSUMER_CLIENT_OFFSET). Returns the new offsets.
    pub async fn invoke_broker_to_reset_offset(
        &self,
        addr: &str,
        topic: &str,
        group: &str,
        timestamp_ms: i64,
        force: bool,
        timeout: Duration,
    ) -> MQResult<BTreeMap<MessageQueue, i64>> {
        let header = ResetOffsetRequestHeader {
            group: group.to_string(),
            topic: topic.to_string(),
            queue_id: -1,
            offset: None,
            timestamp: timestamp_ms,
            is_force: force,
        };
        let request = request_with_header(request_code::INVOKE_BROKER_TO_RESET_OFFSET, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        let body = response.body.unwrap_or_default();
        if body.is_empty() {
            return Ok(BTreeMap::new());
        }
        ResetOffsetBody::decode(&body)
            .map(|b| b.offset_table)
            .map_err(|e| bad_body(addr, "ResetOffsetBody", e))
    }

    /// VIEW_MESSAGE_BY_ID (33): the message at a CommitLog offset (the
    /// second half of an offset msgId, facts §4.4).
    pub async fn view_message(
        &self,
        addr: &str,
        phy_offset: i64,
        timeout: Duration,
    ) -> MQResult<MessageExt> {
        let header = ViewMessageRequestHeader {
            offset: phy_offset,
            ..Default::default()
        };
        let request = request_with_header(request_code::VIEW_MESSAGE_BY_ID, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        let body = response.body.unwrap_or_default();
        message_decoder::decode(&body, true, true).map_err(|e| {
            MQClientError::client(format!("{addr} returned an undecodable message: {e}"))
        })
    }

    /// QUERY_MESSAGE (12): messages of `topic` whose key (or, with
    /// `uniq_key`, whose UNIQ_KEY) is `key`, stored between the timestamps.
    /// Nothing found is QUERY_NOT_FOUND, an error whose remark says why (a
    /// broker without index files says so there).
    #[allow(clippy::too_many_arguments)]
    pub async fn query_message(
        &self,
        addr: &str,
        topic: &str,
        key: &str,
        max_num: i32,
        begin_timestamp: i64,
        end_timestamp: i64,
        uniq_key: bool,
        timeout: Duration,
    ) -> MQResult<QueryResult> {
        let header = QueryMessageRequestHeader {
            topic: topic.to_string(),
            key: key.to_string(),
            max_num,
            begin_timestamp,
            end_timestamp,
        };
        let mut request = request_with_header(request_code::QUERY_MESSAGE, &header);
        if uniq_key {
            request = request.with_ext("_UNIQUE_KEY_QUERY", "true");
        }
        let response = self.invoke(addr, request, timeout).await?;
        match response.code {
            response_code::SUCCESS => {
                let last = response
                    .ext("indexLastUpdateTimestamp")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let body = response.body.unwrap_or_default();
                Ok(QueryResult {
                    index_last_update_timestamp: last,
                    message_list: message_decoder::decodes_batch(&body, true, true),
                })
            }
            code => Err(MQClientError::broker(
                code,
                response.remark.as_deref(),
                addr,
            )),
        }
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
