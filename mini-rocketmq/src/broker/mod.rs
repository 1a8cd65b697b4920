//! The broker: where messages are stored and served.
//!
//! Mirrors RocketMQ's `broker` module. Start reading at [`controller`], which
//! assembles everything else; then follow a message through
//! [`processor::send_message_processor`] into the store and back out through
//! [`processor::pull_message_processor`].
//!
//! | Java class | file |
//! |---|---|
//! | `BrokerController` | [`controller`] |
//! | `BrokerConfig` | [`broker_config`] |
//! | `BrokerOuterAPI` | [`broker_outer_api`] |
//! | `TopicConfigManager` | [`topic_config_manager`] |
//! | `ConsumerOffsetManager` | [`consumer_offset_manager`] |
//! | `SubscriptionGroupManager` | [`subscription_group_manager`] |
//! | `RebalanceLockManager` | [`rebalance_lock_manager`] |
//! | `ConsumerManager`, `ProducerManager`, `ClientHousekeepingService`, `Broker2Client` | [`client`] |
//! | `PullRequestHoldService`, `NotifyMessageArrivingListener` | [`longpolling`] |
//! | `ExpressionMessageFilter` | [`filter`] |
//! | `SendMessageProcessor`, `PullMessageProcessor`, `AdminBrokerProcessor`, … | [`processor`] |
//!
//! Shortcuts taken, each explained where it is made: no master/slave
//! replication, no transactions (half messages are refused), no delay levels
//! (delayed and retried messages are delivered at once), no SQL92 filters, no
//! POP consumption.

pub mod broker_config;
pub mod broker_outer_api;
pub mod client;
pub mod consumer_offset_manager;
pub mod controller;
pub mod filter;
pub mod longpolling;
pub mod processor;
pub mod rebalance_lock_manager;
pub mod subscription_group_manager;
pub mod topic_config_manager;

pub use broker_config::BrokerConfig;
pub use controller::{BrokerController, BrokerError, BrokerHandle};
