//! The remoting server — Java `NettyRemotingServer` (with `NettyServerConfig`).
//!
//! A name server or broker builds one, registers a processor per request code
//! (and optionally a default processor for every other code), and starts it:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use std::sync::Arc;
//! use mini_rocketmq::remoting::code::{request_code, response_code};
//! use mini_rocketmq::remoting::processor::processor_fn;
//! use mini_rocketmq::remoting::server::{RemotingServer, ServerConfig};
//! use mini_rocketmq::remoting::RemotingCommand;
//!
//! let mut server = RemotingServer::bind("127.0.0.1:0", ServerConfig::default()).await?;
//! server.register_processor(
//!     request_code::HEART_BEAT,
//!     processor_fn(|_ch, _req| async { Some(RemotingCommand::new_response(response_code::SUCCESS, None)) }),
//! );
//! let handle = server.start();
//! println!("listening on {}", handle.local_addr());
//! handle.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Binding happens in [`RemotingServer::bind`], before any processor is
//! registered, so that a test can bind port 0 and learn the real port first.
//! The accept loop gives each connection to [`connection`], which does the
//! reading, dispatching and writing. Java's boss/selector/worker thread pools
//! become tokio tasks on the caller's runtime.
//!
//! [`connection`]: crate::remoting::connection

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::remoting::connection;
use crate::remoting::frame_memory::{DEFAULT_INCOMPLETE_FRAME_MEMORY, FrameMemoryBudget};
use crate::remoting::processor::ProcessorTable;

pub use crate::remoting::channel::{Channel, ChannelEventListener};
pub use crate::remoting::processor::{BoxFuture, RequestProcessor};

/// Server settings (Java `NettyServerConfig`, `remoting/src/main/java/org/apache/rocketmq/remoting/netty/NettyServerConfig.java`).
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// `serverChannelMaxIdleTimeSeconds`: a connection with no traffic for
    /// this long is closed. Zero disables it.
    pub channel_max_idle: Duration,
    /// `serverSocketBacklog`.
    pub backlog: u32,
    /// Bytes all connections together may hold for frames that have not
    /// fully arrived (ours; see [`frame_memory`](crate::remoting::frame_memory)).
    pub incomplete_frame_memory: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            channel_max_idle: Duration::from_secs(120),
            backlog: 1024,
            incomplete_frame_memory: DEFAULT_INCOMPLETE_FRAME_MEMORY,
        }
    }
}

/// A bound, not yet started server.
pub struct RemotingServer {
    listener: TcpListener,
    local_addr: SocketAddr,
    config: ServerConfig,
    processors: ProcessorTable,
    listener_hook: Option<Arc<dyn ChannelEventListener>>,
}

impl RemotingServer {
    /// Binds `addr` (`host:port`; port 0 picks a free port) now.
    pub async fn bind(addr: &str, config: ServerConfig) -> std::io::Result<Self> {
        let socket_addr = tokio::net::lookup_host(addr).await?.next().ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{addr} resolves to no address"),
            )
        })?;
        let socket = if socket_addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        // Lets a restarted broker bind its port again while old connections
        // sit in TIME_WAIT, as Netty's SO_REUSEADDR does.
        socket.set_reuseaddr(true)?;
        socket.bind(socket_addr)?;
        let listener = socket.listen(config.backlog)?;
        let local_addr = listener.local_addr()?;
        Ok(RemotingServer {
            listener,
            local_addr,
            config,
            processors: ProcessorTable::default(),
            listener_hook: None,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Routes requests with `code` to `processor`.
    pub fn register_processor(&mut self, code: i32, processor: Arc<dyn RequestProcessor>) {
        self.processors.register(code, processor);
    }

    /// Routes every code without its own processor to `processor`.
    pub fn register_default_processor(&mut self, processor: Arc<dyn RequestProcessor>) {
        self.processors.register_default(processor);
    }

    pub fn set_channel_event_listener(&mut self, listener: Arc<dyn ChannelEventListener>) {
        self.listener_hook = Some(listener);
    }

    /// Starts accepting on the current tokio runtime.
    pub fn start(self) -> ServerHandle {
        let shared = Arc::new(ServerShared {
            channels: Mutex::new(HashMap::new()),
            user_listener: self.listener_hook,
            frame_memory: Arc::new(FrameMemoryBudget::new(self.config.incomplete_frame_memory)),
        });
        let stop = Arc::new(Notify::new());
        let accept_task = tokio::spawn(accept_loop(
            self.listener,
            Arc::new(self.processors),
            shared.clone(),
            self.config,
            stop.clone(),
        ));
        tracing::info!(addr = %self.local_addr, "remoting server started");
        ServerHandle {
            local_addr: self.local_addr,
            shared,
            stop,
            accept_task,
        }
    }
}

/// A running server.
pub struct ServerHandle {
    local_addr: SocketAddr,
    shared: Arc<ServerShared>,
    stop: Arc<Notify>,
    accept_task: JoinHandle<()>,
}

impl ServerHandle {
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The memory budget for incomplete frames, with its current figures.
    pub fn frame_memory(&self) -> &FrameMemoryBudget {
        &self.shared.frame_memory
    }

    /// The currently open connections.
    pub fn channels(&self) -> Vec<Channel> {
        self.shared.channels.lock().values().cloned().collect()
    }

    /// Stops accepting, closes every connection and waits until their sockets
    /// are closed and the port is free again.
    pub async fn shutdown(self) {
        self.stop.notify_one();
        let channels_left = self.shared.clone();
        let _ = self.accept_task.await;
        let channels: Vec<Channel> = channels_left.channels.lock().values().cloned().collect();
        for channel in &channels {
            channel.close();
        }
        for channel in &channels {
            channel.closed().await;
        }
        tracing::info!(addr = %self.local_addr, "remoting server stopped");
    }
}

/// What the accept loop and every connection of one server share: the open
/// channels (so shutdown can close them) and the owner's listener.
struct ServerShared {
    channels: Mutex<HashMap<u64, Channel>>,
    user_listener: Option<Arc<dyn ChannelEventListener>>,
    frame_memory: Arc<FrameMemoryBudget>,
}

/// Keeps the channel registry current, then passes the event on.
impl ChannelEventListener for ServerShared {
    fn on_channel_connect(&self, channel: &Channel) {
        self.channels.lock().insert(channel.id(), channel.clone());
        if let Some(l) = &self.user_listener {
            l.on_channel_connect(channel);
        }
    }

    fn on_channel_close(&self, channel: &Channel) {
        self.channels.lock().remove(&channel.id());
        if let Some(l) = &self.user_listener {
            l.on_channel_close(channel);
        }
    }

    fn on_channel_idle(&self, channel: &Channel) {
        if let Some(l) = &self.user_listener {
            l.on_channel_idle(channel);
        }
    }

    fn on_channel_exception(&self, channel: &Channel) {
        if let Some(l) = &self.user_listener {
            l.on_channel_exception(channel);
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    processors: Arc<ProcessorTable>,
    shared: Arc<ServerShared>,
    config: ServerConfig,
    stop: Arc<Notify>,
) {
    let frame_memory = shared.frame_memory.clone();
    let hook: Arc<dyn ChannelEventListener> = shared;
    loop {
        let accepted = tokio::select! {
            biased;
            _ = stop.notified() => return,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, peer)) => {
                match connection::spawn(
                    stream,
                    processors.clone(),
                    Some(hook.clone()),
                    config.channel_max_idle,
                    frame_memory.clone(),
                ) {
                    Ok(channel) => {
                        tracing::debug!(peer = %peer, id = channel.id(), "connection accepted")
                    }
                    Err(e) => tracing::warn!(peer = %peer, error = %e, "dropping new connection"),
                }
            }
            Err(e) => {
                // Usually EMFILE: out of file descriptors. Back off briefly
                // instead of spinning on the same error.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}
