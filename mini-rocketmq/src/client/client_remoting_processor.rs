//! Requests a broker sends *to* a client — Java `ClientRemotingProcessor`.
//!
//! The connection a client opened to a broker carries requests the other way
//! too. The one that matters for consumption is NOTIFY_CONSUMER_IDS_CHANGED
//! (40, oneway): the broker saw a member join or leave a group (a heartbeat
//! from a new client id, an UNREGISTER_CLIENT, a dead channel) and tells the
//! remaining members, who rebalance at once instead of waiting up to 20 s.
//! That is why a consumer that shuts down cleanly hands its queues over in
//! well under a second.

use std::sync::Weak;

use crate::client::client_instance::MQClientInstance;
use crate::remoting::channel::Channel;
use crate::remoting::code::{request_code, response_code};
use crate::remoting::command::RemotingCommand;
use crate::remoting::processor::{BoxFuture, RequestProcessor};
use crate::remoting::protocol::header::NotifyConsumerIdsChangedRequestHeader;

/// Java `ClientRemotingProcessor`. Holds the instance weakly: the instance
/// owns the connection that owns this processor.
pub struct ClientRemotingProcessor {
    instance: Weak<MQClientInstance>,
}

impl ClientRemotingProcessor {
    /// The codes registered on the client's connections.
    pub const HANDLED_CODES: [i32; 1] = [request_code::NOTIFY_CONSUMER_IDS_CHANGED];

    pub fn new(instance: Weak<MQClientInstance>) -> Self {
        ClientRemotingProcessor { instance }
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
                    if let Some(instance) = self.instance.upgrade() {
                        instance.rebalance_immediately();
                    }
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
