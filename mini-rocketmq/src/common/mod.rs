//! Plain data shared by every role: messages and their properties, topic
//! configs, route data, data versions, names and limits, config files.
pub mod config_manager;
pub mod data_version;
pub mod fastjson;
pub mod message;
pub mod message_batch;
pub mod message_client_id;
pub mod message_const;
pub mod message_decoder;
pub mod message_id;
pub mod message_queue;
pub mod mix_all;
pub mod perm;
pub mod properties_file;
pub mod route;
pub mod subscription_group;
pub mod sysflag;
pub mod system_clock;
pub mod topic_config;
pub mod topic_validator;
