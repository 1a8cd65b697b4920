//! Plain data shared by the roles: messages, topic configs, route data, versions and
//! the constants RocketMQ keeps in `MixAll`, `PermName` and `TopicValidator`,
//! the JSON-file protocol of `ConfigManager`, and the virtual clock every
//! role reads the time from.

pub mod config_manager;
pub mod data_version;
pub mod message;
pub mod message_const;
pub mod message_decoder;
pub mod message_queue;
pub mod mix_all;
pub mod perm;
pub mod route;
pub mod sysflag;
pub mod topic_config;
pub mod topic_validator;
pub mod util_all;
pub mod virtual_clock;
