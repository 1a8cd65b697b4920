//! JSON bodies of remoting commands — Java package
//! `org.apache.rocketmq.remoting.protocol.body`, one file per body class.
//!
//! Java serializes bodies with fastjson (`RemotingSerializable#encode`); each
//! file here says which quirks of that output its type reproduces or accepts
//! (unquoted numeric map keys, objects used as map keys, field order).
pub mod cluster_info;
pub mod kv_table;
pub mod register_broker_body;
pub mod topic_list;
