//! Request processors: one per Java processor class, each serving the request
//! codes that class serves (Java package `org.apache.rocketmq.broker.processor`).
//!
//! | code(s) | processor |
//! |---|---|
//! | SEND_MESSAGE, SEND_MESSAGE_V2, SEND_BATCH_MESSAGE, CONSUMER_SEND_MSG_BACK | [`send_message_processor`] (+ [`abstract_send_message_processor`]) |
//! | PULL_MESSAGE | [`pull_message_processor`] |
//! | QUERY_CONSUMER_OFFSET, UPDATE_CONSUMER_OFFSET, GET_CONSUMER_LIST_BY_GROUP | [`consumer_manage_processor`] |
//! | HEART_BEAT, UNREGISTER_CLIENT, CHECK_CLIENT_CONFIG | [`client_manage_processor`] |
//! | QUERY_MESSAGE, VIEW_MESSAGE_BY_ID | [`query_message_processor`] |
//! | everything else (topics, offsets, stats, locks, config) | [`admin_broker_processor`] |
//!
//! Codes nobody serves are answered REQUEST_CODE_NOT_SUPPORTED by the
//! admin processor, which is registered as the default.

pub mod abstract_send_message_processor;
pub mod admin_broker_processor;
pub mod admin_stats;
pub mod client_manage_processor;
pub mod consumer_manage_processor;
pub mod pull_message_processor;
pub mod query_message_processor;
pub mod send_message_processor;

use crate::remoting::code::response_code;
use crate::remoting::command::RemotingCommand;
use crate::remoting::error::RemotingError;

/// A response with an error code and a remark a user can act on.
pub(crate) fn error_response(code: i32, remark: String) -> RemotingCommand {
    RemotingCommand::new_response(code, remark)
}

/// A request whose header does not decode (a required field missing or not a
/// number): SYSTEM_ERROR with Java's wording, as `NettyRemotingAbstract`
/// answers a `RemotingCommandException`. Logged, because a well-behaved
/// client never sends one.
pub(crate) fn invalid_header(request: &RemotingCommand, error: &RemotingError) -> RemotingCommand {
    tracing::warn!(code = request.code, name = request.code_name(), error = %error,
        "request refused: invalid header");
    error_response(response_code::SYSTEM_ERROR, error.to_string())
}
