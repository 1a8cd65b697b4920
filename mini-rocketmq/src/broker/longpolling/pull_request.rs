//! `PullRequest`: a pull the broker is holding instead of answering.
//!
//! Mirrors `org.apache.rocketmq.broker.longpolling.PullRequest`. It keeps
//! everything needed to run the pull again later: the original command (its
//! opaque and serialize type address the eventual response), the connection
//! to answer on, the offset the consumer is waiting beyond, the filter to
//! decide whether an arriving message is interesting, and the deadline.

use std::sync::Arc;

use tokio::time::Instant;

use crate::broker::filter::expression_message_filter::ExpressionMessageFilter;
use crate::remoting::channel::Channel;
use crate::remoting::command::RemotingCommand;

pub struct PullRequest {
    pub request: RemotingCommand,
    pub channel: Channel,
    /// When the broker answers "nothing new" anyway.
    pub deadline: Instant,
    /// The queue offset the consumer asked for; a message at or beyond it wakes the pull.
    pub pull_from_this_offset: i64,
    pub message_filter: Arc<ExpressionMessageFilter>,
}

impl PullRequest {
    pub fn is_expired(&self, now: Instant) -> bool {
        now >= self.deadline
    }
}
