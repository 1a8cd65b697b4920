//! `Channel` — one open connection, as processors and callers see it: Netty's
//! `Channel` plus the response table and `ResponseFuture` of Java
//! `NettyRemotingAbstract`.
//!
//! A `Channel` is a cheap handle (an `Arc`) that any task may hold and clone.
//! It never touches the socket itself: it queues commands for the
//! connection's writer task and keeps the table of requests still waiting for
//! a response. That split is what lets a processor answer *later* — the pull
//! processor parks a long-poll request with a `Channel` clone and answers it
//! when a message arrives — and lets a broker push a request to a client
//! (NOTIFY_CONSUMER_IDS_CHANGED, CHECK_TRANSACTION_STATE) over the client's
//! own connection.
//!
//! The response table is keyed by `opaque`. It lives in the channel rather
//! than in one global map (Java's `responseTable`) because a response can only
//! come back on the connection its request left on, and a per-connection table
//! can be failed all at once when that connection dies. It is split into
//! shards so that many callers pipelining on one connection rarely meet on
//! the same lock.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::time::Instant;

use crate::remoting::command::{RemotingCommand, SerializeType};
use crate::remoting::error::RemotingError;

/// What happens to a connection, for the server's owner (the name server uses
/// it to drop a broker's routes the moment its connection closes). Java
/// `ChannelEventListener`. Called on the connection's own task: keep it short.
pub trait ChannelEventListener: Send + Sync + 'static {
    fn on_channel_connect(&self, _channel: &Channel) {}
    fn on_channel_close(&self, _channel: &Channel) {}
    /// Nothing was read or written for the configured idle time; the channel
    /// is closed right after this (Java's `IdleStateHandler` + close).
    fn on_channel_idle(&self, _channel: &Channel) {}
    /// A read/write error or an undecodable frame; the channel is closed right
    /// after this.
    fn on_channel_exception(&self, _channel: &Channel) {}
}

/// A waiting caller's half of a request: its `ResponseFuture`.
type ResponseSender = oneshot::Sender<Result<RemotingCommand, RemotingError>>;

const RESPONSE_TABLE_SHARDS: usize = 8;

/// Requests in flight on one connection, by opaque.
struct ResponseTable {
    shards: [Mutex<HashMap<i32, ResponseSender>>; RESPONSE_TABLE_SHARDS],
}

impl ResponseTable {
    fn new() -> Self {
        ResponseTable {
            shards: std::array::from_fn(|_| Mutex::new(HashMap::new())),
        }
    }

    fn shard(&self, opaque: i32) -> &Mutex<HashMap<i32, ResponseSender>> {
        &self.shards[opaque as usize % RESPONSE_TABLE_SHARDS]
    }

    fn insert(&self, opaque: i32, tx: ResponseSender) {
        self.shard(opaque).lock().insert(opaque, tx);
    }

    fn take(&self, opaque: i32) -> Option<ResponseSender> {
        self.shard(opaque).lock().remove(&opaque)
    }

    /// Fails every waiting caller (the connection is gone).
    fn fail_all(&self, addr: &str) {
        for shard in &self.shards {
            let drained: Vec<_> = shard.lock().drain().collect();
            for (opaque, tx) in drained {
                let _ = tx.send(Err(RemotingError::ChannelClosed {
                    addr: addr.to_owned(),
                    opaque,
                }));
            }
        }
    }
}

pub(crate) struct ChannelInner {
    id: u64,
    remote_addr: SocketAddr,
    local_addr: SocketAddr,
    /// `remote_addr` as text, for error messages (Java's `parseChannelRemoteAddr`).
    remote_text: String,
    outbound: mpsc::UnboundedSender<RemotingCommand>,
    responses: ResponseTable,
    closed: AtomicBool,
    /// Wakes the reader and writer tasks when someone calls [`Channel::close`].
    pub(crate) close_requested: Notify,
    /// Set when both connection tasks have finished and the socket is gone.
    terminated: AtomicBool,
    terminated_notify: Notify,
    /// Idle tracking: milliseconds since `created` of the last read or write.
    created: Instant,
    last_activity_ms: AtomicU64,
}

/// One connection (accepted by a server or opened by a client).
#[derive(Clone)]
pub struct Channel {
    pub(crate) inner: Arc<ChannelInner>,
}

static NEXT_CHANNEL_ID: AtomicU64 = AtomicU64::new(1);

impl Channel {
    pub(crate) fn new(
        remote_addr: SocketAddr,
        local_addr: SocketAddr,
        outbound: mpsc::UnboundedSender<RemotingCommand>,
    ) -> Channel {
        Channel {
            inner: Arc::new(ChannelInner {
                id: NEXT_CHANNEL_ID.fetch_add(1, Ordering::Relaxed),
                remote_addr,
                local_addr,
                remote_text: remote_addr.to_string(),
                outbound,
                responses: ResponseTable::new(),
                closed: AtomicBool::new(false),
                close_requested: Notify::new(),
                terminated: AtomicBool::new(false),
                terminated_notify: Notify::new(),
                created: Instant::now(),
                last_activity_ms: AtomicU64::new(0),
            }),
        }
    }

    /// Unique within the process; stable for the channel's life.
    pub fn id(&self) -> u64 {
        self.inner.id
    }

    pub fn remote_addr(&self) -> SocketAddr {
        self.inner.remote_addr
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.inner.local_addr
    }

    /// `false` once the connection is closed or closing.
    pub fn is_active(&self) -> bool {
        !self.inner.closed.load(Ordering::Acquire)
    }

    /// Sends the response to a request: copies the request's opaque and
    /// serialize type onto `resp` and marks it a response.
    pub fn send_response(
        &self,
        request_opaque: i32,
        request_type: SerializeType,
        mut resp: RemotingCommand,
    ) -> Result<(), RemotingError> {
        resp.opaque = request_opaque;
        resp.serialize_type = request_type;
        resp.mark_response();
        self.enqueue(resp)
    }

    /// Sends a request that wants no response (server → client pushes such as
    /// NOTIFY_CONSUMER_IDS_CHANGED, or a client's UPDATE_CONSUMER_OFFSET).
    pub fn send_oneway(&self, mut request: RemotingCommand) -> Result<(), RemotingError> {
        request.mark_oneway();
        self.enqueue(request)
    }

    /// Sends a request and waits for its response (Java `invokeSyncImpl`).
    pub async fn invoke(
        &self,
        request: RemotingCommand,
        timeout: Duration,
    ) -> Result<RemotingCommand, RemotingError> {
        let opaque = request.opaque;
        let (tx, rx) = oneshot::channel();
        self.inner.responses.insert(opaque, tx);
        // If this future is dropped (the caller gave up), forget the entry.
        let _guard = PendingGuard {
            channel: self,
            opaque,
        };
        // A close that raced with the insert has already failed the table;
        // do not leave this caller waiting for the timeout.
        if !self.is_active() {
            return Err(self.closed_error(opaque));
        }
        self.enqueue(request)?;
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(self.closed_error(opaque)),
            Err(_) => Err(RemotingError::Timeout {
                addr: self.inner.remote_text.clone(),
                timeout_ms: timeout.as_millis(),
                opaque,
            }),
        }
    }

    /// Closes the connection: both tasks stop, waiting callers get
    /// [`RemotingError::ChannelClosed`], and the listener hears `on_channel_close`.
    pub fn close(&self) {
        if !self.inner.closed.swap(true, Ordering::AcqRel) {
            self.inner.close_requested.notify_waiters();
        }
    }

    /// Waits until the connection's tasks have finished and its socket is
    /// closed (after [`close`](Self::close) or after the peer went away).
    pub async fn closed(&self) {
        loop {
            let notified = self.inner.terminated_notify.notified();
            if self.inner.terminated.load(Ordering::Acquire) {
                return;
            }
            notified.await;
        }
    }

    fn enqueue(&self, cmd: RemotingCommand) -> Result<(), RemotingError> {
        if !self.is_active() {
            return Err(self.send_failed("channel closed"));
        }
        self.inner
            .outbound
            .send(cmd)
            .map_err(|_| self.send_failed("channel closed"))
    }

    fn send_failed(&self, reason: &'static str) -> RemotingError {
        RemotingError::SendFailed {
            addr: self.inner.remote_text.clone(),
            reason,
        }
    }

    fn closed_error(&self, opaque: i32) -> RemotingError {
        RemotingError::ChannelClosed {
            addr: self.inner.remote_text.clone(),
            opaque,
        }
    }

    // ---- used by the connection tasks ----

    /// Hands a response to the caller waiting for it. Returns it back when no
    /// caller waits (it timed out or never existed).
    pub(crate) fn complete_response(&self, resp: RemotingCommand) -> Option<RemotingCommand> {
        match self.inner.responses.take(resp.opaque) {
            Some(tx) => {
                // The receiver may have just been dropped; nothing to do then.
                let _ = tx.send(Ok(resp));
                None
            }
            None => Some(resp),
        }
    }

    /// Fails one waiting request (its frame could not be written).
    pub(crate) fn fail_request(&self, opaque: i32, err: RemotingError) {
        if let Some(tx) = self.inner.responses.take(opaque) {
            let _ = tx.send(Err(err));
        }
    }

    /// Marks the channel closed and fails every waiting caller.
    pub(crate) fn mark_closed(&self) {
        self.inner.closed.store(true, Ordering::Release);
        self.inner.responses.fail_all(&self.inner.remote_text);
    }

    pub(crate) fn mark_terminated(&self) {
        self.inner.terminated.store(true, Ordering::Release);
        self.inner.terminated_notify.notify_waiters();
    }

    /// Records a read or write for idle detection.
    pub(crate) fn touch(&self) {
        let ms = self.inner.created.elapsed().as_millis() as u64;
        self.inner.last_activity_ms.store(ms, Ordering::Relaxed);
    }

    /// When the channel last read or wrote.
    pub(crate) fn last_activity(&self) -> Instant {
        self.inner.created
            + Duration::from_millis(self.inner.last_activity_ms.load(Ordering::Relaxed))
    }
}

impl std::fmt::Debug for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channel")
            .field("id", &self.inner.id)
            .field("remote", &self.inner.remote_addr)
            .field("local", &self.inner.local_addr)
            .field("active", &self.is_active())
            .finish()
    }
}

/// Removes an `invoke`'s entry from the response table however the call ends
/// (response, timeout, or the caller dropping the future).
struct PendingGuard<'a> {
    channel: &'a Channel,
    opaque: i32,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        self.channel.inner.responses.take(self.opaque);
    }
}
