//! The remoting client — Java `NettyRemotingClient` (with `NettyClientConfig`).
//!
//! Producers, consumers, brokers (towards name servers) and admin tools all
//! call other processes through one of these. It keeps **one connection per
//! address**, opened on first use and shared by every caller: requests from
//! many tasks are pipelined on it and told apart by their opaque, so a
//! hundred concurrent sends need one socket, not a hundred.
//!
//! * [`invoke`](RemotingClient::invoke) — send and wait for the response, up
//!   to a timeout (Java `invokeSync`). Connecting counts against the timeout.
//! * [`invoke_async`](RemotingClient::invoke_async) — the same, with the
//!   outcome handed to a callback (Java `invokeAsync`).
//! * [`invoke_oneway`](RemotingClient::invoke_oneway) — send, expect nothing
//!   (Java `invokeOneway`).
//!
//! When a connection is lost (peer closed, I/O error, idle) it leaves the
//! table, its waiting callers fail at once, and the next call to that address
//! connects again — that is the whole reconnect story, as in Java.
//!
//! Brokers also send requests *to* clients over these connections
//! (NOTIFY_CONSUMER_IDS_CHANGED, CHECK_TRANSACTION_STATE,
//! GET_CONSUMER_RUNNING_INFO …); register processors for them with
//! [`register_processor`](RemotingClient::register_processor).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use parking_lot::{Mutex, RwLock};
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::remoting::channel::{Channel, ChannelEventListener};
use crate::remoting::command::{RemotingCommand, SerializeType};
use crate::remoting::connection;
use crate::remoting::error::RemotingError;
use crate::remoting::frame_memory::FrameMemoryBudget;
use crate::remoting::processor::{ProcessorTable, RequestProcessor};

/// Client settings (Java `NettyClientConfig`, `remoting/src/main/java/org/apache/rocketmq/remoting/netty/NettyClientConfig.java`).
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// `connectTimeoutMillis`.
    pub connect_timeout: Duration,
    /// The header serialization of every request this client sends (Java's
    /// process-wide `serializeTypeConfigInThisServer`).
    pub serialize_type: SerializeType,
    /// `clientChannelMaxIdleTimeSeconds`: an unused connection is closed after
    /// this long (and reopened on the next call). Zero disables it.
    pub channel_max_idle: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_millis(3000),
            serialize_type: SerializeType::default(),
            channel_max_idle: Duration::from_secs(120),
        }
    }
}

/// A connection pool of one connection per address. Cheap to clone; clones
/// share the pool.
#[derive(Clone)]
pub struct RemotingClient {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    config: ClientConfig,
    /// Open connections by the address string callers use.
    channels: Mutex<HashMap<String, Channel>>,
    /// One lock per address, held while connecting, so that a burst of first
    /// calls opens one connection rather than one each.
    connecting: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    processors: Arc<RwLock<ProcessorTable>>,
    user_listener: RwLock<Option<Arc<dyn ChannelEventListener>>>,
    shut_down: AtomicBool,
    /// Memory the client's connections may hold for incomplete frames (the
    /// brokers and name servers it talks to are trusted; the default limit).
    frame_memory: Arc<FrameMemoryBudget>,
    /// The runtime `new` was called on, for `invoke_async` from outside one.
    runtime: Option<tokio::runtime::Handle>,
}

impl RemotingClient {
    pub fn new(config: ClientConfig) -> Self {
        RemotingClient {
            inner: Arc::new(ClientInner {
                config,
                channels: Mutex::new(HashMap::new()),
                connecting: Mutex::new(HashMap::new()),
                processors: Arc::new(RwLock::new(ProcessorTable::default())),
                user_listener: RwLock::new(None),
                shut_down: AtomicBool::new(false),
                frame_memory: Arc::new(FrameMemoryBudget::default()),
                runtime: tokio::runtime::Handle::try_current().ok(),
            }),
        }
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Sends `request` to `addr` and waits for the response.
    pub async fn invoke(
        &self,
        addr: &str,
        mut request: RemotingCommand,
        timeout: Duration,
    ) -> Result<RemotingCommand, RemotingError> {
        let start = Instant::now();
        let channel = self.get_or_connect(addr, timeout).await?;
        let left = timeout.saturating_sub(start.elapsed());
        if left.is_zero() {
            return Err(RemotingError::Timeout {
                addr: addr.to_owned(),
                timeout_ms: timeout.as_millis(),
                opaque: request.opaque,
            });
        }
        request.serialize_type = self.inner.config.serialize_type;
        channel.invoke(request, left).await
    }

    /// Sends `request` to `addr` marked oneway; returns once it is queued for
    /// writing.
    pub async fn invoke_oneway(
        &self,
        addr: &str,
        mut request: RemotingCommand,
    ) -> Result<(), RemotingError> {
        let channel = self
            .get_or_connect(addr, self.inner.config.connect_timeout)
            .await?;
        request.serialize_type = self.inner.config.serialize_type;
        channel.send_oneway(request)
    }

    /// Sends `request` to `addr` and calls `callback` with the response or the
    /// error, on a tokio task. Returns at once.
    pub fn invoke_async(
        &self,
        addr: &str,
        request: RemotingCommand,
        timeout: Duration,
        callback: impl FnOnce(Result<RemotingCommand, RemotingError>) + Send + 'static,
    ) {
        let runtime = tokio::runtime::Handle::try_current()
            .ok()
            .or_else(|| self.inner.runtime.clone());
        let Some(runtime) = runtime else {
            callback(Err(RemotingError::SendFailed {
                addr: addr.to_owned(),
                reason: "invoke_async needs a tokio runtime",
            }));
            return;
        };
        let client = self.clone();
        let addr = addr.to_owned();
        runtime.spawn(async move {
            callback(client.invoke(&addr, request, timeout).await);
        });
    }

    /// Handles requests with `code` that servers send to this client.
    pub fn register_processor(&self, code: i32, processor: Arc<dyn RequestProcessor>) {
        self.inner.processors.write().register(code, processor);
    }

    /// Hears connect/close/idle/exception of this client's connections.
    pub fn set_channel_event_listener(&self, listener: Arc<dyn ChannelEventListener>) {
        *self.inner.user_listener.write() = Some(listener);
    }

    /// The open connection to `addr`, if any.
    pub fn channel(&self, addr: &str) -> Option<Channel> {
        self.inner
            .channels
            .lock()
            .get(addr)
            .filter(|c| c.is_active())
            .cloned()
    }

    /// Closes the connection to `addr`; the next call reconnects.
    pub fn close_channel(&self, addr: &str) {
        if let Some(channel) = self.inner.channels.lock().remove(addr) {
            channel.close();
        }
    }

    /// Closes every connection and refuses further calls.
    pub async fn shutdown(&self) {
        self.inner.shut_down.store(true, Ordering::Release);
        let channels: Vec<Channel> = self.inner.channels.lock().drain().map(|(_, c)| c).collect();
        for channel in &channels {
            channel.close();
        }
        for channel in &channels {
            channel.closed().await;
        }
    }

    /// The shared connection to `addr`, opened if needed (Java
    /// `getAndCreateChannel`).
    async fn get_or_connect(
        &self,
        addr: &str,
        timeout: Duration,
    ) -> Result<Channel, RemotingError> {
        if self.inner.shut_down.load(Ordering::Acquire) {
            return Err(RemotingError::Shutdown);
        }
        if let Some(channel) = self.channel(addr) {
            return Ok(channel);
        }
        let lock = self
            .inner
            .connecting
            .lock()
            .entry(addr.to_owned())
            .or_default()
            .clone();
        let _connecting = lock.lock().await;
        // Someone else may have connected while we waited for the lock.
        if let Some(channel) = self.channel(addr) {
            return Ok(channel);
        }

        let connect_timeout = self.inner.config.connect_timeout.min(timeout);
        let stream = match tokio::time::timeout(connect_timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::InvalidInput => {
                return Err(RemotingError::InvalidAddress(addr.to_owned()));
            }
            Ok(Err(source)) => {
                return Err(RemotingError::Connect {
                    addr: addr.to_owned(),
                    source,
                });
            }
            Err(_) => {
                return Err(RemotingError::ConnectTimeout {
                    addr: addr.to_owned(),
                    timeout_ms: connect_timeout.as_millis(),
                });
            }
        };
        let hook = Arc::new(ClientChannelHook {
            client: Arc::downgrade(&self.inner),
            addr: addr.to_owned(),
        });
        let channel = connection::spawn(
            stream,
            self.inner.processors.clone(),
            Some(hook),
            self.inner.config.channel_max_idle,
            self.inner.frame_memory.clone(),
        )
        .map_err(|source| RemotingError::Connect {
            addr: addr.to_owned(),
            source,
        })?;
        tracing::debug!(addr, id = channel.id(), "connected");
        // A shutdown that raced with this connect must not leak it.
        if self.inner.shut_down.load(Ordering::Acquire) {
            channel.close();
            return Err(RemotingError::Shutdown);
        }
        self.inner
            .channels
            .lock()
            .insert(addr.to_owned(), channel.clone());
        Ok(channel)
    }
}

/// Removes a closed connection from the client's table (only if the table
/// still holds *that* connection), then passes the event on.
struct ClientChannelHook {
    client: std::sync::Weak<ClientInner>,
    addr: String,
}

impl ClientChannelHook {
    fn user_listener(&self) -> Option<Arc<dyn ChannelEventListener>> {
        self.client.upgrade()?.user_listener.read().clone()
    }
}

impl ChannelEventListener for ClientChannelHook {
    fn on_channel_connect(&self, channel: &Channel) {
        if let Some(l) = self.user_listener() {
            l.on_channel_connect(channel);
        }
    }

    fn on_channel_close(&self, channel: &Channel) {
        if let Some(client) = self.client.upgrade() {
            let mut channels = client.channels.lock();
            if channels.get(&self.addr).map(Channel::id) == Some(channel.id()) {
                channels.remove(&self.addr);
            }
        }
        if let Some(l) = self.user_listener() {
            l.on_channel_close(channel);
        }
    }

    fn on_channel_idle(&self, channel: &Channel) {
        if let Some(l) = self.user_listener() {
            l.on_channel_idle(channel);
        }
    }

    fn on_channel_exception(&self, channel: &Channel) {
        if let Some(l) = self.user_listener() {
            l.on_channel_exception(channel);
        }
    }
}
