//! `PullRequest` — mirrors `org.apache.rocketmq.broker.longpolling.PullRequest`:
//! a pull the broker holds instead of answering.

use crate::broker::filter::expression_message_filter::ExpressionMessageFilter;
use crate::remoting::command::RemotingCommand;
use crate::remoting::transport::Channel;

pub struct PullRequest {
    /// The request as it came, to run again when woken.
    pub request_command: RemotingCommand,
    /// Where the answer goes.
    pub client_channel: Channel,
    /// How long it may be held: the pull's `suspendTimeoutMillis` (15 s from
    /// a push consumer), or `shortPollingTimeMills` without long polling.
    pub timeout_millis: u64,
    /// When it was held (virtual ms).
    pub suspend_timestamp: u64,
    /// The queue offset it asked for: a message at or past it wakes it.
    pub pull_from_this_offset: i64,
    /// Its subscription, to wake it only for a matching tag.
    pub message_filter: ExpressionMessageFilter,
}
