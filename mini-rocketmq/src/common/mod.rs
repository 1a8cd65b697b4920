//! See the crate documentation for the layout.
pub mod config_manager;
pub mod properties_file;
pub mod subscription_group;
pub mod data_version;
pub mod fastjson;
pub mod mix_all;
pub mod perm;
pub mod route;
pub mod topic_config;
pub mod topic_validator;
pub mod message;
pub mod message_client_id;
pub mod message_const;
pub mod message_decoder;
pub mod sysflag;
