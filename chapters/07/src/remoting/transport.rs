//! The in-process transport — stands in for `NettyRemotingServer` and
//! `NettyRemotingClient` until Part V.
//!
//! RocketMQ's roles never call each other's methods; they exchange
//! [`RemotingCommand`]s over TCP. We want that discipline from the first
//! chapter, so that what a role *says* to another is always visible as a code,
//! a header and a body, but we do not want sockets, threads and framing yet.
//! So the "network" here is a map from address to request processor, and
//! sending is a function call.
//!
//! Two small traits are the seam Part V cuts along:
//!
//! * [`RequestProcessor`] is what a server role plugs in (Java's
//!   `NettyRequestProcessor`): one command in, one command out.
//! * [`RemotingClient`] is what a caller holds (Java's `RemotingClient`):
//!   `invoke_sync(addr, request) -> response`.
//!
//! Part V puts TCP under the same two traits: a `RemotingClient` that frames
//! the command onto a socket, a server that decodes frames and calls the same
//! `RequestProcessor`. The name server, the brokers and the clients above them
//! do not change; the chapter diff will show it.
//!
//! Like Java's `invokeSync`, [`RemotingClient::invoke_sync`] blocks the caller
//! until the answer is there. Java also passes a timeout; an in-process call
//! cannot hang, so ours has none, and the TCP client of Part V will take its
//! timeout from its own configuration.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::code::{request_code_name, response_code_name};
use super::command::RemotingCommand;
use super::error::RemotingError;

/// The connection a request came in on, as the server sees it.
///
/// In Netty this is the live socket; the name server keeps it in
/// `BrokerLiveInfo` so that it can close it when a broker goes quiet, and a
/// broker keeps a held pull's channel to answer it later
/// ([`write_and_flush`](Channel::write_and_flush)). Here it knows who is on
/// the other end and, for a request sent with `invoke_async`, where its
/// answer goes.
#[derive(Clone)]
pub struct Channel {
    remote_addr: String,
    /// Delivers a response to the caller's callback (`None` for a channel
    /// whose caller waits for the processor's return value).
    responder: Option<Arc<dyn Fn(RemotingCommand) + Send + Sync>>,
}

impl Channel {
    /// A channel from `remote_addr` (the transport makes these; tests may too).
    pub fn new(remote_addr: &str) -> Self {
        Channel {
            remote_addr: remote_addr.to_string(),
            responder: None,
        }
    }

    /// The caller's address (`RemotingHelper.parseChannelRemoteAddr`).
    pub fn remote_addr(&self) -> &str {
        &self.remote_addr
    }

    /// `Channel#writeAndFlush`: answer a request the processor held. A
    /// channel without a responder (its caller used `invoke_sync`) drops it.
    pub fn write_and_flush(&self, response: RemotingCommand) {
        match &self.responder {
            Some(respond) => respond(response),
            None => tracing::warn!(to = %self.remote_addr, "no caller waits for this response"),
        }
    }
}

impl fmt::Debug for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Channel")
            .field("remote_addr", &self.remote_addr)
            .finish()
    }
}

/// Two channels are the same connection if they reach the same caller.
impl PartialEq for Channel {
    fn eq(&self, other: &Self) -> bool {
        self.remote_addr == other.remote_addr
    }
}

impl Eq for Channel {}

// ANCHOR: traits
/// What a server role plugs into the transport (`NettyRequestProcessor`).
///
/// It answers every request with a response; an unknown code gets
/// `REQUEST_CODE_NOT_SUPPORTED`, never a panic.
pub trait RequestProcessor: Send + Sync {
    fn process_request(&self, channel: &Channel, request: RemotingCommand) -> RemotingCommand;

    /// The same, for a processor that may answer later: `None` means it
    /// kept the channel and will `write_and_flush` the answer itself (Java's
    /// `processRequest` returning `null`). Every processor but the pull
    /// processor answers at once.
    fn async_process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Option<RemotingCommand> {
        Some(self.process_request(channel, request))
    }
}

/// What a caller holds to reach other roles by address (`RemotingClient`).
pub trait RemotingClient: Send + Sync {
    /// Send `request` to `addr` and wait for its response
    /// (`RemotingClient#invokeSync`).
    fn invoke_sync(
        &self,
        addr: &str,
        request: RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError>;

    /// Send `request` to `addr`; `callback` gets the response whenever it
    /// comes — now, or after the server held the request
    /// (`RemotingClient#invokeAsync`).
    fn invoke_async(
        &self,
        addr: &str,
        request: RemotingCommand,
        callback: Box<dyn FnOnce(RemotingCommand) + Send>,
    ) -> Result<(), RemotingError>;
}
// ANCHOR_END: traits

/// The whole "network": which processor listens at which address.
///
/// Cheap to clone; every clone is the same network. A `BTreeMap` rather than
/// a `HashMap` so that anything that ever lists the addresses lists them in
/// the same order on every run.
#[derive(Clone, Default)]
pub struct InProcessNetwork {
    listeners: Arc<Mutex<BTreeMap<String, Arc<dyn RequestProcessor>>>>,
}

impl InProcessNetwork {
    /// Make `processor` answer everything sent to `addr`. This is
    /// `NettyRemotingServer` bound to a port with a default processor.
    pub fn listen(&self, addr: &str, processor: Arc<dyn RequestProcessor>) {
        self.lock().insert(addr.to_string(), processor);
    }

    /// Stop answering at `addr` (`NettyRemotingServer#shutdown`): requests
    /// sent there from now on fail to connect.
    pub fn close(&self, addr: &str) {
        self.lock().remove(addr);
    }

    /// A client for the role at `local_addr` (that address is what servers see
    /// as the channel's remote address).
    pub fn client(&self, local_addr: &str) -> InProcessClient {
        InProcessClient {
            network: self.clone(),
            local_addr: local_addr.to_string(),
            next_opaque: AtomicI32::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Arc<dyn RequestProcessor>>> {
        // The map is only ever inserted into or read; a panic elsewhere while
        // the guard was held cannot leave it half-written, so a poisoned lock
        // is still a usable one.
        self.listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// One role's client on the in-process network.
pub struct InProcessClient {
    network: InProcessNetwork,
    local_addr: String,
    /// Java's `RemotingCommand.requestId`: one counter per process, from 0.
    next_opaque: AtomicI32,
}

// ANCHOR: invoke_sync
impl RemotingClient for InProcessClient {
    fn invoke_sync(
        &self,
        addr: &str,
        request: RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let (processor, request, opaque) = self.prepare(addr, request)?;
        let channel = Channel::new(&self.local_addr);
        // A processor that holds a request (long polling) answers nobody
        // who waits synchronously: there is no other thread to answer on.
        let response = processor
            .async_process_request(&channel, request)
            .ok_or_else(|| RemotingError::NoResponse(addr.to_string()))?;
        Ok(self.finish(addr, opaque, response))
    }

    fn invoke_async(
        &self,
        addr: &str,
        request: RemotingCommand,
        callback: Box<dyn FnOnce(RemotingCommand) + Send>,
    ) -> Result<(), RemotingError> {
        let (processor, request, opaque) = self.prepare(addr, request)?;
        // The channel answers through the callback, once: later answers
        // (there should be none) find it taken.
        let callback = Arc::new(Mutex::new(Some(callback)));
        let (from, to) = (addr.to_string(), self.local_addr.clone());
        let channel = Channel {
            remote_addr: self.local_addr.clone(),
            responder: Some(Arc::new(move |response| {
                let response = stamp(&from, &to, opaque, response);
                let taken = callback
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take();
                if let Some(callback) = taken {
                    callback(response);
                }
            })),
        };
        if let Some(response) = processor.async_process_request(&channel, request) {
            channel.write_and_flush(response);
        }
        Ok(())
    }
}

impl InProcessClient {
    /// Stamp the opaque, find the processor at `addr`.
    fn prepare(
        &self,
        addr: &str,
        mut request: RemotingCommand,
    ) -> Result<(Arc<dyn RequestProcessor>, RemotingCommand, i32), RemotingError> {
        request.opaque = self.next_opaque.fetch_add(1, Ordering::Relaxed);
        let opaque = request.opaque;

        // Clone the processor out of the map and release the lock before
        // calling it: a processor may itself send requests (a name server
        // notifying brokers), and must not find the network locked.
        let processor = self
            .network
            .lock()
            .get(addr)
            .cloned()
            .ok_or_else(|| RemotingError::ConnectFailed(addr.to_string()))?;

        tracing::debug!(
            from = %self.local_addr, to = addr, opaque,
            "request {}({})", request_code_name(request.code), request.code
        );
        Ok((processor, request, opaque))
    }

    fn finish(&self, addr: &str, opaque: i32, response: RemotingCommand) -> RemotingCommand {
        stamp(addr, &self.local_addr, opaque, response)
    }
}

/// What NettyRemotingAbstract does for every processor: the answer carries
/// the question's opaque and the response flag, whatever the processor
/// remembered to set.
fn stamp(from: &str, to: &str, opaque: i32, mut response: RemotingCommand) -> RemotingCommand {
    response.opaque = opaque;
    response.mark_response_type();
    tracing::debug!(
        from,
        to,
        opaque,
        "response {}({})",
        response_code_name(response.code),
        response.code
    );
    response
}
// ANCHOR_END: invoke_sync

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::code::response_code;

    fn raw_request(code: i32) -> RemotingCommand {
        RemotingCommand {
            code,
            opaque: 0,
            flag: 0,
            remark: None,
            ext_fields: Default::default(),
            body: None,
        }
    }

    struct Echo;
    impl RequestProcessor for Echo {
        fn process_request(&self, channel: &Channel, request: RemotingCommand) -> RemotingCommand {
            RemotingCommand::create_response_command(
                response_code::SUCCESS,
                Some(channel.remote_addr().to_string()),
            )
            .with_body(request.body.unwrap_or_default())
        }
    }

    #[test]
    fn a_response_carries_its_requests_opaque_and_the_callers_address() {
        let network = InProcessNetwork::default();
        network.listen("server:1", Arc::new(Echo));
        let client = network.client("client:2");
        let mut last = -1;
        for _ in 0..3 {
            let response = client.invoke_sync("server:1", raw_request(7)).unwrap();
            assert!(response.is_response_type());
            assert_eq!(response.remark.as_deref(), Some("client:2"));
            assert_eq!(response.opaque, last + 1);
            last = response.opaque;
        }
    }

    #[test]
    fn an_unknown_address_is_a_connect_error() {
        let client = InProcessNetwork::default().client("client:2");
        let err = client.invoke_sync("nowhere:9", raw_request(7)).unwrap_err();
        assert!(err.to_string().contains("nowhere:9"));
    }
}
