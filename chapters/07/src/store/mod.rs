//! The message store: where the broker puts messages and reads them back. Until Part IV it lives in memory; its configuration
//! also names the root directory under which the broker keeps its config
//! files (`config/topics.json`).

pub mod config;
pub mod get_message_result;
pub mod message_arriving_listener;
pub mod message_filter;
pub mod message_store;
pub mod put_message_result;
