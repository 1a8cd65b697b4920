//! `DefaultRequestProcessor`: everything a name server does except route
//! lookups.
//!
//! Mirrors `org.apache.rocketmq.namesrv.processor.DefaultRequestProcessor`.
//! One `match` on the request code, one small method per code, each doing
//! what the Java method of the same name does:
//!
//! | code | method | effect |
//! |---|---|---|
//! | REGISTER_BROKER (103) | `register_broker` | CRC check, body decode, `RouteInfoManager#registerBroker` |
//! | UNREGISTER_BROKER (104) | `unregister_broker` | remove the broker process |
//! | QUERY_DATA_VERSION (322) | `query_broker_topic_config` | "has my topic table changed?" + heartbeat |
//! | BROKER_HEARTBEAT (904) | `broker_heartbeat` | refresh liveness |
//! | PUT/GET/DELETE_KV_CONFIG (100–102), GET_KVLIST_BY_NAMESPACE (219) | `*_kv_config` | the KV store |
//! | GET_BROKER_CLUSTER_INFO (106) | `get_broker_cluster_info` | [`ClusterInfo`] body |
//! | GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206), GET_TOPICS_BY_CLUSTER (224), GET_SYSTEM_TOPIC_LIST_FROM_NS (304) | `get_*` | [`TopicList`] bodies |
//! | WIPE/ADD_WRITE_PERM_OF_BROKER (205 / 327) | `*_write_perm_of_broker` | drain / restore a broker group |
//! | DELETE/REGISTER_TOPIC_IN_NAMESRV (216 / 217) | `*_topic_*_namesrv` | edit routes by hand |
//!
//! Any other code is answered REQUEST_CODE_NOT_SUPPORTED with Java's remark
//! `" request type <code> not supported"`. GET_ROUTEINFO_BY_TOPIC normally
//! goes to [`ClientRequestProcessor`](super::ClientRequestProcessor), but is
//! forwarded there if it lands here, so this processor alone is a complete
//! name server.

use std::sync::Arc;

use bytes::Bytes;

use super::{ClientRequestProcessor, ProcessError, into_response, success};
use crate::common::data_version::DataVersion;
use crate::common::mix_all::{NAMESPACE_ORDER_TOPIC_CONFIG, ZONE_NAME};
use crate::common::route::TopicRouteData;
use crate::namesrv::kv_config_manager::KVConfigManager;
use crate::namesrv::namesrv_config::NamesrvConfig;
use crate::namesrv::route_info_manager::{BrokerRegistration, RouteInfoManager};
use crate::remoting::code::{request_code, response_code};
use crate::remoting::command::RemotingCommand;
use crate::remoting::protocol::body::register_broker_body::{
    RegisterBrokerBody, TopicConfigAndMappingSerializeWrapper,
};
use crate::remoting::protocol::header::namesrv::{
    AddWritePermOfBrokerRequestHeader, AddWritePermOfBrokerResponseHeader,
    BrokerHeartbeatRequestHeader, DeleteKVConfigRequestHeader, DeleteTopicFromNamesrvRequestHeader,
    GetKVConfigRequestHeader, GetKVConfigResponseHeader, GetKVListByNamespaceRequestHeader,
    GetTopicsByClusterRequestHeader, PutKVConfigRequestHeader, QueryDataVersionRequestHeader,
    QueryDataVersionResponseHeader, RegisterBrokerRequestHeader, RegisterBrokerResponseHeader,
    RegisterTopicRequestHeader, UnRegisterBrokerRequestHeader, WipeWritePermOfBrokerRequestHeader,
    WipeWritePermOfBrokerResponseHeader,
};
use crate::remoting::server::{BoxFuture, Channel, RequestProcessor};

pub struct DefaultRequestProcessor {
    config: Arc<NamesrvConfig>,
    route_info_manager: Arc<RouteInfoManager>,
    kv_config_manager: Arc<KVConfigManager>,
    /// For a GET_ROUTEINFO_BY_TOPIC that reaches the default processor.
    client_request_processor: Arc<ClientRequestProcessor>,
}

impl DefaultRequestProcessor {
    pub fn new(
        config: Arc<NamesrvConfig>,
        route_info_manager: Arc<RouteInfoManager>,
        kv_config_manager: Arc<KVConfigManager>,
        client_request_processor: Arc<ClientRequestProcessor>,
    ) -> Self {
        DefaultRequestProcessor {
            config,
            route_info_manager,
            kv_config_manager,
            client_request_processor,
        }
    }

    /// The whole dispatch, synchronous: nothing here waits on I/O except the
    /// rare KV persist, which Java also does inline.
    pub fn process(&self, channel: &Channel, request: &RemotingCommand) -> RemotingCommand {
        tracing::debug!(
            code = request.code,
            name = request.code_name(),
            peer = %channel.remote_addr(),
            "receive request"
        );
        let outcome = match request.code {
            request_code::PUT_KV_CONFIG => self.put_kv_config(request),
            request_code::GET_KV_CONFIG => self.get_kv_config(request),
            request_code::DELETE_KV_CONFIG => self.delete_kv_config(request),
            request_code::GET_KVLIST_BY_NAMESPACE => self.get_kv_list_by_namespace(request),
            request_code::QUERY_DATA_VERSION => self.query_broker_topic_config(request),
            request_code::REGISTER_BROKER => self.register_broker(channel, request),
            request_code::UNREGISTER_BROKER => self.unregister_broker(request),
            request_code::BROKER_HEARTBEAT => self.broker_heartbeat(request),
            request_code::GET_BROKER_CLUSTER_INFO => Ok(self.get_broker_cluster_info()),
            request_code::WIPE_WRITE_PERM_OF_BROKER => {
                self.wipe_write_perm_of_broker(channel, request)
            }
            request_code::ADD_WRITE_PERM_OF_BROKER => {
                self.add_write_perm_of_broker(channel, request)
            }
            request_code::GET_ALL_TOPIC_LIST_FROM_NAMESERVER => {
                Ok(self.get_all_topic_list_from_nameserver(channel))
            }
            request_code::DELETE_TOPIC_IN_NAMESRV => self.delete_topic_in_namesrv(request),
            request_code::REGISTER_TOPIC_IN_NAMESRV => self.register_topic_to_namesrv(request),
            request_code::GET_TOPICS_BY_CLUSTER => self.get_topics_by_cluster(request),
            request_code::GET_SYSTEM_TOPIC_LIST_FROM_NS => Ok(self.get_system_topic_list_from_ns()),
            request_code::GET_ROUTEINFO_BY_TOPIC => {
                return self
                    .client_request_processor
                    .get_route_info_by_topic(request);
            }
            code => Ok(RemotingCommand::new_response(
                response_code::REQUEST_CODE_NOT_SUPPORTED,
                format!(" request type {code} not supported"),
            )),
        };
        into_response(request, outcome)
    }

    // ------------------------------------------------------------------
    // Brokers
    // ------------------------------------------------------------------

    /// REGISTER_BROKER.
    fn register_broker(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, ProcessError> {
        let header: RegisterBrokerRequestHeader = request.decode_header()?;
        let empty = Bytes::new();
        let body = request.body.as_ref().unwrap_or(&empty);

        // A non-zero bodyCrc32 must match the body (UtilAll.crc32 drops the sign bit).
        if header.body_crc32 != 0 {
            let crc = (crc32fast::hash(body) & 0x7FFF_FFFF) as i32;
            if crc != header.body_crc32 {
                tracing::warn!(peer = %channel.remote_addr(), "receive registerBroker request, crc32 not match");
                return Ok(RemotingCommand::new_response(
                    response_code::SYSTEM_ERROR,
                    "crc32 not match".to_string(),
                ));
            }
        }

        // No body: an empty table with an all-zero version, as Java substitutes.
        let (wrapper, filter_server_list) = if request.body.is_some() {
            let decoded = RegisterBrokerBody::decode(body, header.compressed, request.version)
                .map_err(|e| ProcessError(format!("Failed to decode RegisterBrokerBody: {e}")))?;
            (
                decoded.topic_config_serialize_wrapper,
                decoded.filter_server_list,
            )
        } else {
            (TopicConfigAndMappingSerializeWrapper::default(), Vec::new())
        };

        let registration = BrokerRegistration {
            cluster_name: header.cluster_name,
            broker_addr: header.broker_addr,
            broker_name: header.broker_name,
            broker_id: header.broker_id,
            ha_server_addr: header.ha_server_addr,
            zone_name: request.ext(ZONE_NAME).map(str::to_string),
            heartbeat_timeout_millis: header.heartbeat_timeout_millis,
            enable_acting_master: header.enable_acting_master,
            topic_config_wrapper: wrapper,
            filter_server_list: Some(filter_server_list),
            channel: Some(channel.clone()),
        };
        let result = match self.route_info_manager.register_broker(registration) {
            Ok(result) => result,
            Err(e) => {
                tracing::warn!(error = %e, "register broker failed");
                return Ok(RemotingCommand::new_response(
                    response_code::SYSTEM_ERROR,
                    "register broker failed".to_string(),
                ));
            }
        };

        let mut response = success().with_header(&RegisterBrokerResponseHeader {
            ha_server_addr: result.ha_server_addr,
            master_addr: result.master_addr,
        });
        if self.config.return_order_topic_config_to_broker
            && let Some(table) = self
                .kv_config_manager
                .get_kv_list_by_namespace(NAMESPACE_ORDER_TOPIC_CONFIG)
        {
            response = response.with_body(table.encode());
        }
        Ok(response)
    }

    /// UNREGISTER_BROKER (a broker shutting down cleanly).
    fn unregister_broker(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, ProcessError> {
        let h: UnRegisterBrokerRequestHeader = request.decode_header()?;
        self.route_info_manager.unregister_broker(
            &h.cluster_name,
            &h.broker_addr,
            &h.broker_name,
            h.broker_id,
        );
        Ok(success())
    }

    /// QUERY_DATA_VERSION: the broker asks whether the name server's copy of
    /// its topic table is current (and is alive while asking).
    fn query_broker_topic_config(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, ProcessError> {
        let h: QueryDataVersionRequestHeader = request.decode_header()?;
        let body = request.body.as_ref().ok_or_else(|| {
            ProcessError("QUERY_DATA_VERSION needs the broker's DataVersion as body".into())
        })?;
        let version: DataVersion = crate::common::fastjson::from_slice(body)?;

        let rim = &self.route_info_manager;
        let changed = rim.is_broker_topic_config_changed(&h.cluster_name, &h.broker_addr, &version);
        rim.update_broker_info_update_timestamp(&h.cluster_name, &h.broker_addr);

        let mut response = success().with_header(&QueryDataVersionResponseHeader { changed });
        if let Some(ours) = rim.query_broker_topic_config(&h.cluster_name, &h.broker_addr) {
            response = response.with_body(ours.encode());
        }
        Ok(response)
    }

    /// BROKER_HEARTBEAT.
    fn broker_heartbeat(&self, request: &RemotingCommand) -> Result<RemotingCommand, ProcessError> {
        let h: BrokerHeartbeatRequestHeader = request.decode_header()?;
        self.route_info_manager
            .update_broker_info_update_timestamp(&h.cluster_name, &h.broker_addr);
        Ok(success())
    }

    // ------------------------------------------------------------------
    // KV config
    // ------------------------------------------------------------------

    fn put_kv_config(&self, request: &RemotingCommand) -> Result<RemotingCommand, ProcessError> {
        let h: PutKVConfigRequestHeader = request.decode_header()?;
        self.kv_config_manager
            .put_kv_config(&h.namespace, &h.key, &h.value);
        Ok(success())
    }

    fn get_kv_config(&self, request: &RemotingCommand) -> Result<RemotingCommand, ProcessError> {
        let h: GetKVConfigRequestHeader = request.decode_header()?;
        match self.kv_config_manager.get_kv_config(&h.namespace, &h.key) {
            Some(value) => {
                Ok(success().with_header(&GetKVConfigResponseHeader { value: Some(value) }))
            }
            None => Ok(RemotingCommand::new_response(
                response_code::QUERY_NOT_FOUND,
                format!("No config item, Namespace: {} Key: {}", h.namespace, h.key),
            )),
        }
    }

    fn delete_kv_config(&self, request: &RemotingCommand) -> Result<RemotingCommand, ProcessError> {
        let h: DeleteKVConfigRequestHeader = request.decode_header()?;
        self.kv_config_manager
            .delete_kv_config(&h.namespace, &h.key);
        Ok(success())
    }

    fn get_kv_list_by_namespace(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, ProcessError> {
        let h: GetKVListByNamespaceRequestHeader = request.decode_header()?;
        match self
            .kv_config_manager
            .get_kv_list_by_namespace(&h.namespace)
        {
            Some(table) => Ok(success().with_body(table.encode())),
            None => Ok(RemotingCommand::new_response(
                response_code::QUERY_NOT_FOUND,
                format!("No config item, Namespace: {}", h.namespace),
            )),
        }
    }

    // ------------------------------------------------------------------
    // Cluster and topic queries, admin edits
    // ------------------------------------------------------------------

    fn get_broker_cluster_info(&self) -> RemotingCommand {
        success().with_body(self.route_info_manager.get_all_cluster_info().encode())
    }

    fn get_all_topic_list_from_nameserver(&self, channel: &Channel) -> RemotingCommand {
        let enabled = self.config.enable_all_topic_list;
        tracing::info!(peer = %channel.remote_addr(), enabled, "getAllTopicListFromNameserver");
        if !enabled {
            return RemotingCommand::new_response(
                response_code::SYSTEM_ERROR,
                "disable".to_string(),
            );
        }
        success().with_body(self.route_info_manager.get_all_topic_list().encode())
    }

    fn get_topics_by_cluster(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, ProcessError> {
        if !self.config.enable_topic_list {
            return Ok(RemotingCommand::new_response(
                response_code::SYSTEM_ERROR,
                "disable".to_string(),
            ));
        }
        let h: GetTopicsByClusterRequestHeader = request.decode_header()?;
        let list = self.route_info_manager.get_topics_by_cluster(&h.cluster);
        Ok(success().with_body(list.encode()))
    }

    fn get_system_topic_list_from_ns(&self) -> RemotingCommand {
        success().with_body(self.route_info_manager.get_system_topic_list().encode())
    }

    fn wipe_write_perm_of_broker(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, ProcessError> {
        let h: WipeWritePermOfBrokerRequestHeader = request.decode_header()?;
        let count = self
            .route_info_manager
            .wipe_write_perm_of_broker(&h.broker_name);
        tracing::info!(broker_name = %h.broker_name, peer = %channel.remote_addr(), count, "wipe write perm of broker");
        Ok(success().with_header(&WipeWritePermOfBrokerResponseHeader {
            wipe_topic_count: count,
        }))
    }

    fn add_write_perm_of_broker(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, ProcessError> {
        let h: AddWritePermOfBrokerRequestHeader = request.decode_header()?;
        let count = self
            .route_info_manager
            .add_write_perm_of_broker(&h.broker_name);
        tracing::info!(broker_name = %h.broker_name, peer = %channel.remote_addr(), count, "add write perm of broker");
        Ok(success().with_header(&AddWritePermOfBrokerResponseHeader {
            add_topic_count: count,
        }))
    }

    fn delete_topic_in_namesrv(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, ProcessError> {
        let h: DeleteTopicFromNamesrvRequestHeader = request.decode_header()?;
        match h.cluster_name.as_deref().filter(|c| !c.is_empty()) {
            Some(cluster) => self
                .route_info_manager
                .delete_topic_in_cluster(&h.topic, cluster),
            None => self.route_info_manager.delete_topic(&h.topic),
        }
        Ok(success())
    }

    fn register_topic_to_namesrv(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, ProcessError> {
        let h: RegisterTopicRequestHeader = request.decode_header()?;
        if let Some(body) = &request.body {
            let route = TopicRouteData::decode(body)?;
            if !route.queue_datas.is_empty() {
                self.route_info_manager
                    .register_topic(&h.topic, &route.queue_datas);
            }
        }
        Ok(success())
    }
}

impl RequestProcessor for DefaultRequestProcessor {
    fn process_request(
        &self,
        channel: Channel,
        request: RemotingCommand,
    ) -> BoxFuture<'_, Option<RemotingCommand>> {
        let response = self.process(&channel, &request);
        Box::pin(async move { Some(response) })
    }
}
