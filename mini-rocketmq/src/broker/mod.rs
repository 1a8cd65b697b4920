//! The broker: where messages are stored and served.
//!
//! Mirrors RocketMQ's `broker` module. See the crate documentation for the
//! layout of the whole system; inside the broker the map is:
//!
//! | Java class | file |
//! |---|---|
//! | `BrokerConfig` | [`broker_config`] |

pub mod broker_config;
pub mod client;
pub mod consumer_offset_manager;
pub mod rebalance_lock_manager;
pub mod subscription_group_manager;
pub mod topic_config_manager;
