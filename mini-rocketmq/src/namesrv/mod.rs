//! The name server — Apache RocketMQ's `namesrv` module.
//!
//! A name server is a phone book: brokers register what they serve
//! (REGISTER_BROKER every 30 s), clients look up where a topic lives
//! (GET_ROUTEINFO_BY_TOPIC every 30 s). It keeps everything in memory, talks
//! to no other name server, and forgets a broker that stops calling — after
//! 120 s of silence, or at once when the broker's connection closes.
//!
//! | file | Java class | job |
//! |---|---|---|
//! | [`controller`] | `NamesrvController` | wire the parts, start and stop |
//! | [`namesrv_config`] | `NamesrvConfig` (+ `NettyServerConfig` ports) | settings by their RocketMQ names |
//! | [`route_info_manager`] | `RouteInfoManager`, `BrokerLiveInfo` | the five route tables |
//! | [`processor`] | `DefaultRequestProcessor`, `ClientRequestProcessor` | one method per request code |
//! | [`broker_housekeeping_service`] | `BrokerHousekeepingService` | closed connection → broker removed |
//! | [`kv_config_manager`] | `KVConfigManager` | namespaced key/value settings, `kvConfig.json` |
//! | [`clock`] | — (`System.currentTimeMillis()`) | injectable time, so expiry is testable |
//!
//! Read [`route_info_manager`] first: the processors are thin.
//!
//! Shortcuts taken for teaching, each noted where it happens: no
//! controller/DLedger mode, static-topic mappings are carried but not
//! interpreted, unregistration is synchronous instead of batched on a
//! thread, and Java's thread pools are tokio tasks.

pub mod broker_housekeeping_service;
pub mod clock;
pub mod controller;
pub mod kv_config_manager;
pub mod namesrv_config;
pub mod processor;
pub mod route_info_manager;

pub use controller::{NamesrvController, NamesrvHandle};
pub use kv_config_manager::KVConfigManager;
pub use namesrv_config::NamesrvConfig;
pub use processor::{ClientRequestProcessor, DefaultRequestProcessor};
pub use route_info_manager::RouteInfoManager;
