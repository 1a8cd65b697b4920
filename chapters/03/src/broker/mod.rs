//! The broker: started by `BrokerStartup`, assembled by `BrokerController`,
//! with its topics in `TopicConfigManager` and its voice towards the name
//! servers in `BrokerOuterAPI`.
//!
//! Storing and serving messages begins in chapter 04; this chapter's broker
//! keeps topics and tells every name server about them.

pub mod broker_config;
pub mod broker_outer_api;
pub mod broker_startup;
pub mod controller;
pub mod processor;
pub mod topic_config_manager;
