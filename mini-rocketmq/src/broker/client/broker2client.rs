//! `Broker2Client`: requests the broker sends *to* its clients.
//!
//! Mirrors `org.apache.rocketmq.broker.client.net.Broker2Client`. A client's
//! connection to the broker also carries requests the other way; here the
//! only one is NOTIFY_CONSUMER_IDS_CHANGED (40), a oneway push that tells a
//! consumer its group's membership changed so it rebalances now instead of at
//! its next 20-second tick. Oneway means nobody waits: a push to a connection
//! that has just died fails quietly and the client's periodic rebalance
//! covers it. RESET_CONSUMER_CLIENT_OFFSET (220) tells a consumer to jump to
//! new offsets after `mqadmin resetOffsetByTime`.

use crate::remoting::channel::Channel;
use crate::remoting::code::request_code;
use crate::remoting::command::RemotingCommand;
use crate::remoting::protocol::body::reset_offset_body::ResetOffsetBody;
use crate::remoting::protocol::header::offset::ResetOffsetRequestHeader;

/// Send NOTIFY_CONSUMER_IDS_CHANGED (header `consumerGroup`) to one client.
pub fn notify_consumer_ids_changed(channel: &Channel, consumer_group: &str) {
    let request = RemotingCommand::new_request(request_code::NOTIFY_CONSUMER_IDS_CHANGED)
        .with_ext("consumerGroup", consumer_group);
    match channel.send_oneway(request) {
        Ok(()) => tracing::debug!(group = consumer_group, client = %channel.remote_addr(),
            "Broker2Client#notifyConsumerIdsChanged"),
        Err(e) => {
            tracing::warn!(group = consumer_group, client = %channel.remote_addr(), error = %e,
            "notifyConsumerIdsChanged failed")
        }
    }
}

/// Send RESET_CONSUMER_CLIENT_OFFSET with the new offsets to one consumer.
pub fn reset_consumer_client_offset(
    channel: &Channel,
    header: &ResetOffsetRequestHeader,
    body: &ResetOffsetBody,
) {
    let request = RemotingCommand::new_request_with_header(
        request_code::RESET_CONSUMER_CLIENT_OFFSET,
        header,
    )
    .with_body(body.encode());
    match channel.send_oneway(request) {
        Ok(()) => {
            tracing::info!(group = %header.group, topic = %header.topic, client = %channel.remote_addr(),
            "[reset-offset] reset offset sent to the consumer")
        }
        Err(e) => {
            tracing::warn!(group = %header.group, client = %channel.remote_addr(), error = %e,
            "[reset-offset] could not reach the consumer")
        }
    }
}
