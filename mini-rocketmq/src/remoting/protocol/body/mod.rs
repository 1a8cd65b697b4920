//! JSON bodies of remoting commands — Java package
//! `org.apache.rocketmq.remoting.protocol.body`, one file per body class.
//!
//! Java serializes bodies with fastjson (`RemotingSerializable#encode`); each
//! file here says which quirks of that output its type reproduces or accepts
//! (unquoted numeric map keys, objects used as map keys, field order).
pub mod cluster_info;
pub mod consume_stats;
pub mod consumer_connection;
pub mod get_consumer_list_by_group;
pub mod heartbeat_data;
pub mod kv_table;
pub mod lock_batch;
pub mod register_broker_body;
pub mod reset_offset_body;
pub mod topic_list;
pub mod topic_stats_table;
