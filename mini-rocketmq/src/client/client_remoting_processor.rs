//! Requests a broker sends *to* a client — Java `ClientRemotingProcessor`.
//!
//! The connection a client opened to a broker carries requests the other way
//! too. The one that matters for consumption is NOTIFY_CONSUMER_IDS_CHANGED
//! (40, oneway): the broker saw a member join or leave a group (a heartbeat
//! from a new client id, an UNREGISTER_CLIENT, a dead channel) and tells the
//! remaining members, who rebalance at once instead of waiting up to 20 s.
//! That is why a consumer that shuts down cleanly hands its queues over in
//! well under a second.
//!
//! RESET_CONSUMER_CLIENT_OFFSET (220, oneway) comes from `mqadmin
//! resetOffsetByTime` through the broker: the consumer of that group drops
//! the queues, adopts the new offsets and restarts them at once.

use std::sync::{Arc, Weak};

use crate::client::consumer::mq_consumer_inner::ConsumerTable;
use crate::client::consumer::rebalance_service::RebalanceService;
use crate::remoting::channel::Channel;
use crate::remoting::code::{request_code, response_code};
use crate::remoting::command::RemotingCommand;
use crate::remoting::processor::{BoxFuture, RequestProcessor};
use crate::remoting::protocol::body::reset_offset_body::ResetOffsetBody;
use crate::remoting::protocol::header::{
    NotifyConsumerIdsChangedRequestHeader, ResetOffsetRequestHeader,
};

/// Java `ClientRemotingProcessor`. Java hands it the whole
/// `MQClientInstance`; it needs only the instance's consumer table (held
/// weakly: the instance owns the connection that owns this processor, and
/// the consumers hold the instance) and its rebalance service.
pub struct ClientRemotingProcessor {
    consumer_table: Weak<ConsumerTable>,
    rebalance_service: Arc<RebalanceService>,
}

impl ClientRemotingProcessor {
    /// The codes registered on the client's connections.
    pub const HANDLED_CODES: [i32; 2] = [
        request_code::NOTIFY_CONSUMER_IDS_CHANGED,
        request_code::RESET_CONSUMER_CLIENT_OFFSET,
    ];

    pub fn new(
        consumer_table: Weak<ConsumerTable>,
        rebalance_service: Arc<RebalanceService>,
    ) -> Self {
        ClientRemotingProcessor {
            consumer_table,
            rebalance_service,
        }
    }
}

impl ClientRemotingProcessor {
    /// Java `resetOffset`: hand the new offsets to the group's consumer.
    async fn reset_offset(&self, request: &RemotingCommand) {
        let header = match request.decode_header::<ResetOffsetRequestHeader>() {
            Ok(header) => header,
            Err(e) => {
                tracing::warn!(error = %e, "malformed RESET_CONSUMER_CLIENT_OFFSET ignored");
                return;
            }
        };
        let body = request.body.as_deref().unwrap_or_default();
        let offsets = match ResetOffsetBody::decode(body) {
            Ok(body) => body.offset_table.into_iter().collect::<Vec<_>>(),
            Err(e) => {
                tracing::warn!(error = %e, "RESET_CONSUMER_CLIENT_OFFSET with an unreadable body ignored");
                return;
            }
        };
        let Some(table) = self.consumer_table.upgrade() else {
            return;
        };
        let Some(consumer) = table.read().get(&header.group).cloned() else {
            return;
        };
        tracing::info!(group = %header.group, topic = %header.topic, queues = offsets.len(), "resetting consumer offsets");
        consumer.reset_offset(&header.topic, &offsets).await;
    }
}

impl RequestProcessor for ClientRemotingProcessor {
    fn process_request(
        &self,
        channel: Channel,
        request: RemotingCommand,
    ) -> BoxFuture<'_, Option<RemotingCommand>> {
        Box::pin(async move {
            match request.code {
                request_code::NOTIFY_CONSUMER_IDS_CHANGED => {
                    match request.decode_header::<NotifyConsumerIdsChangedRequestHeader>() {
                        Ok(header) => tracing::info!(
                            group = %header.consumer_group, broker = %channel.remote_addr(),
                            "consumer ids changed, rebalancing now"
                        ),
                        Err(e) => {
                            tracing::warn!(error = %e, "malformed NOTIFY_CONSUMER_IDS_CHANGED; rebalancing anyway")
                        }
                    }
                    self.rebalance_service.wakeup();
                    None
                }
                request_code::RESET_CONSUMER_CLIENT_OFFSET => {
                    self.reset_offset(&request).await;
                    None
                }
                code => Some(RemotingCommand::new_response(
                    response_code::REQUEST_CODE_NOT_SUPPORTED,
                    format!(" request type {code} not supported"),
                )),
            }
        })
    }
}
