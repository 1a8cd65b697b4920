//! The broker: where messages are stored and served.
//!
//! Mirrors RocketMQ's `broker` module. Start reading at [`broker_startup`]
//! and [`controller`], which assembles everything else; then follow a message
//! through [`processor::send_message_processor`] into the store and back out
//! through [`processor::pull_message_processor`].
//!
//! | Java class | file |
//! |---|---|
//! | `BrokerStartup` | [`broker_startup`] |
//! | `BrokerController` | [`controller`] |
//! | `BrokerConfig` | [`broker_config`] |
//! | `BrokerOuterAPI` | [`broker_outer_api`] |
//! | `TopicConfigManager` | [`topic_config_manager`] |
//! | `TopicConfigManager#registerBrokerData` (`BrokerController#registerIncrementBrokerData`) | [`topic_route_registration`] |
//! | `ConsumerOffsetManager` | [`consumer_offset_manager`] |
//! | `SubscriptionGroupManager` | [`subscription_group_manager`] |
//! | `RebalanceLockManager` | [`rebalance_lock_manager`] |
//! | `ConsumerManager`, `ProducerManager`, `ClientHousekeepingService`, `Broker2Client` | [`client`] |
//! | `PullRequestHoldService`, `NotifyMessageArrivingListener` | [`longpolling`] |
//! | `ExpressionMessageFilter` | [`filter`] |
//! | `SendMessageProcessor`, `PullMessageProcessor`, `AdminBrokerProcessor`, … | [`processor`] |
//!
//! ## Which way the imports point
//!
//! ```text
//! broker_startup ─► controller ─► processor/* ─► longpolling, client, filter,
//!                                                 *_manager, topic_route_registration,
//!                                                 broker_outer_api ─► store, remoting, common
//! ```
//!
//! The controller builds the processors and hands each one the `Arc`'d
//! services it uses (`BrokerController#registerProcessor`); no processor
//! imports the controller. Long polling re-runs a woken pull through
//! [`ExecuteRequestWhenWakeup`](longpolling::pull_request_hold_service::ExecuteRequestWhenWakeup),
//! a trait it owns and the pull processor implements, so the hold service
//! does not import the processor either. `scripts/imports.py broker` checks
//! this: no import circles.
//!
//! Shortcuts taken, each explained where it is made: no master/slave
//! replication, no transactions (half messages are refused), no delay levels
//! (delayed and retried messages are delivered at once), no SQL92 filters, no
//! POP consumption.

pub mod broker_config;
pub mod broker_outer_api;
pub mod broker_startup;
pub mod client;
pub mod consumer_offset_manager;
pub mod controller;
pub mod filter;
pub mod longpolling;
pub mod processor;
pub mod rebalance_lock_manager;
pub mod subscription_group_manager;
pub mod topic_config_manager;
pub mod topic_route_registration;

pub use broker_config::BrokerConfig;
pub use controller::{BrokerController, BrokerError, BrokerHandle};
