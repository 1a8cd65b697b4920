//! The broker: started by `BrokerStartup`, assembled by `BrokerController`,
//! with its topics in `TopicConfigManager`, its consumers' progress in
//! `ConsumerOffsetManager`, its voice towards the name servers in
//! `BrokerOuterAPI`, and one processor per kind of request.

pub mod broker_config;
pub mod broker_outer_api;
pub mod broker_startup;
pub mod consumer_offset_manager;
pub mod controller;
pub mod filter;
pub mod longpolling;
pub mod processor;
pub mod topic_config_manager;
