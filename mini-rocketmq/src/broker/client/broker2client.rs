//! `Broker2Client`: requests the broker sends *to* its clients.
//!
//! Mirrors `org.apache.rocketmq.broker.client.net.Broker2Client`. A client's
//! connection to the broker also carries requests the other way; here the
//! only one is NOTIFY_CONSUMER_IDS_CHANGED (40), a oneway push that tells a
//! consumer its group's membership changed so it rebalances now instead of at
//! its next 20-second tick. Oneway means nobody waits: a push to a connection
//! that has just died fails quietly and the client's periodic rebalance
//! covers it.

use crate::remoting::channel::Channel;
use crate::remoting::code::request_code;
use crate::remoting::command::RemotingCommand;

/// Send NOTIFY_CONSUMER_IDS_CHANGED (header `consumerGroup`) to one client.
pub fn notify_consumer_ids_changed(channel: &Channel, consumer_group: &str) {
    let request = RemotingCommand::new_request(request_code::NOTIFY_CONSUMER_IDS_CHANGED)
        .with_ext("consumerGroup", consumer_group);
    match channel.send_oneway(request) {
        Ok(()) => tracing::debug!(group = consumer_group, client = %channel.remote_addr(),
            "Broker2Client#notifyConsumerIdsChanged"),
        Err(e) => tracing::warn!(group = consumer_group, client = %channel.remote_addr(), error = %e,
            "notifyConsumerIdsChanged failed"),
    }
}
