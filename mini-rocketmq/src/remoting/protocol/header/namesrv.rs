//! Name server headers — Java package `protocol.header.namesrv` (Java `RegisterBrokerRequestHeader`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/header/namesrv/RegisterBrokerRequestHeader.java`).

use crate::command_custom_header;

command_custom_header! {
    /// REGISTER_BROKER (103); the body is RegisterBrokerBody.
    pub struct RegisterBrokerRequestHeader {
        ! broker_name: String = "brokerName",
        /// `ip:port` clients use.
        ! broker_addr: String = "brokerAddr",
        ! cluster_name: String = "clusterName",
        ! ha_server_addr: String = "haServerAddr",
        /// 0 = master.
        ! broker_id: i64 = "brokerId",
        ? heartbeat_timeout_millis: i64 = "heartbeatTimeoutMillis",
        ? enable_acting_master: bool = "enableActingMaster",
        /// Java `boolean compressed`: always written.
        ? compressed: bool = "compressed" or false,
        /// CRC32 of the body & 0x7FFFFFFF; 0 means "not checked".
        ? body_crc32: i32 = "bodyCrc32" or 0,
    }
}

command_custom_header! {
    /// The response to REGISTER_BROKER; filled for a slave whose master is live.
    pub struct RegisterBrokerResponseHeader {
        ? ha_server_addr: String = "haServerAddr",
        ? master_addr: String = "masterAddr",
    }
}

command_custom_header! {
    /// UNREGISTER_BROKER (104).
    pub struct UnRegisterBrokerRequestHeader {
        ! broker_name: String = "brokerName",
        ! broker_addr: String = "brokerAddr",
        ! cluster_name: String = "clusterName",
        ! broker_id: i64 = "brokerId",
    }
}

command_custom_header! {
    /// GET_ROUTEINFO_BY_TOPIC (105).
    pub struct GetRouteInfoRequestHeader {
        ! topic: String = "topic",
        /// Ask for standard JSON (quoted numeric keys) regardless of version.
        ? accept_standard_json_only: bool = "acceptStandardJsonOnly",
    }
}

command_custom_header! {
    /// QUERY_DATA_VERSION (322); the body is the broker's DataVersion.
    pub struct QueryDataVersionRequestHeader {
        ! broker_name: String = "brokerName",
        ! broker_addr: String = "brokerAddr",
        ! cluster_name: String = "clusterName",
        ! broker_id: i64 = "brokerId",
    }
}

command_custom_header! {
    /// The response to QUERY_DATA_VERSION; the body is the name server's DataVersion.
    pub struct QueryDataVersionResponseHeader {
        ! changed: bool = "changed",
    }
}

command_custom_header! {
    /// BROKER_HEARTBEAT (904): a lightweight "still alive".
    pub struct BrokerHeartbeatRequestHeader {
        ! cluster_name: String = "clusterName",
        ! broker_addr: String = "brokerAddr",
        ! broker_name: String = "brokerName",
        ? broker_id: i64 = "brokerId",
        ? epoch: i32 = "epoch",
        ? max_offset: i64 = "maxOffset",
        ? confirm_offset: i64 = "confirmOffset",
        /// The spelling (`Mills`) is Java's.
        ? heartbeat_timeout_mills: i64 = "heartbeatTimeoutMills",
        ? election_priority: i32 = "electionPriority",
    }
}

command_custom_header! {
    /// PUT_KV_CONFIG (100).
    pub struct PutKVConfigRequestHeader {
        ! namespace: String = "namespace",
        ! key: String = "key",
        ! value: String = "value",
    }
}

command_custom_header! {
    /// GET_KV_CONFIG (101).
    pub struct GetKVConfigRequestHeader {
        ! namespace: String = "namespace",
        ! key: String = "key",
    }
}

command_custom_header! {
    /// The response to GET_KV_CONFIG.
    pub struct GetKVConfigResponseHeader {
        ? value: String = "value",
    }
}

command_custom_header! {
    /// DELETE_KV_CONFIG (102).
    pub struct DeleteKVConfigRequestHeader {
        ! namespace: String = "namespace",
        ! key: String = "key",
    }
}

command_custom_header! {
    /// GET_KVLIST_BY_NAMESPACE (219); the response body is KVTable JSON.
    pub struct GetKVListByNamespaceRequestHeader {
        ! namespace: String = "namespace",
    }
}

command_custom_header! {
    /// WIPE_WRITE_PERM_OF_BROKER (205).
    pub struct WipeWritePermOfBrokerRequestHeader {
        ! broker_name: String = "brokerName",
    }
}

command_custom_header! {
    /// The response to WIPE_WRITE_PERM_OF_BROKER.
    pub struct WipeWritePermOfBrokerResponseHeader {
        ! wipe_topic_count: i32 = "wipeTopicCount",
    }
}

command_custom_header! {
    /// ADD_WRITE_PERM_OF_BROKER (327).
    pub struct AddWritePermOfBrokerRequestHeader {
        ! broker_name: String = "brokerName",
    }
}

command_custom_header! {
    /// The response to ADD_WRITE_PERM_OF_BROKER.
    pub struct AddWritePermOfBrokerResponseHeader {
        ! add_topic_count: i32 = "addTopicCount",
    }
}

command_custom_header! {
    /// DELETE_TOPIC_IN_NAMESRV (216).
    pub struct DeleteTopicFromNamesrvRequestHeader {
        ! topic: String = "topic",
        ? cluster_name: String = "clusterName",
    }
}

command_custom_header! {
    /// REGISTER_TOPIC_IN_NAMESRV (217); the body is TopicRouteData.
    pub struct RegisterTopicRequestHeader {
        ! topic: String = "topic",
    }
}

command_custom_header! {
    /// GET_TOPICS_BY_CLUSTER (224).
    pub struct GetTopicsByClusterRequestHeader {
        ! cluster: String = "cluster",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::command::RemotingCommand;

    #[test]
    fn register_broker_writes_java_primitives() {
        let req = RemotingCommand::new_request(103).with_header(&RegisterBrokerRequestHeader {
            broker_name: "broker-a".into(),
            broker_addr: "10.0.0.1:10911".into(),
            cluster_name: "DefaultCluster".into(),
            ha_server_addr: "10.0.0.1:10912".into(),
            broker_id: 0,
            ..Default::default()
        });
        assert_eq!(req.ext("compressed"), Some("false"));
        assert_eq!(req.ext("bodyCrc32"), Some("0"));
        assert_eq!(req.ext("enableActingMaster"), None);
        let back: RegisterBrokerRequestHeader = req.decode_header().unwrap();
        assert_eq!(back.broker_id, 0);
    }

    #[test]
    fn route_request_tolerates_rpc_base_keys() {
        let h: GetRouteInfoRequestHeader = RemotingCommand::new_request(105)
            .with_ext("topic", "T")
            .with_ext("ns", "x")
            .with_ext("nsd", "false")
            .with_ext("lo", "true")
            .decode_header()
            .unwrap();
        assert_eq!(h.topic, "T");
        assert_eq!(h.accept_standard_json_only, None);
    }
}
