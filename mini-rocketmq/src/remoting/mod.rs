//! The remoting layer — Apache RocketMQ's `remoting` module: how peers talk.
//!
//! Every RocketMQ role (name server, broker, producer, consumer, admin tool)
//! talks to the others the same way: request/response commands over TCP,
//! matched by a request id. This module is that transport, wire-compatible
//! with the Java one:
//!
//! | file | Java class | job |
//! |---|---|---|
//! | [`code`] | `RequestCode`, `ResponseCode` | what a command asks for / how it ended |
//! | [`command`] | `RemotingCommand`, `LanguageCode`, `SerializeType` | the command value |
//! | [`error`] | `RemotingCommandException` and friends | what can go wrong |
//! | [`protocol::header`] | `CommandCustomHeader` and every `*RequestHeader` | typed arguments ↔ `extFields` |
//! | [`protocol::body`] | `protocol.body.*` | JSON bodies |
//! | [`codec`] | `NettyEncoder`, `NettyDecoder` | command ↔ frame bytes |
//! | [`remoting_serializable`] | `RemotingSerializable` (fastjson) | the JSON header |
//! | [`rocketmq_serializable`] | `RocketMQSerializable` | the ROCKETMQ binary header |
//! | [`processor`] | `NettyRequestProcessor` | handling requests by code |
//! | [`channel`] | Netty `Channel`, `ResponseFuture`, `ChannelEventListener` | one connection's handle and response table |
//! | [`connection`] | `NettyRemotingAbstract`, the Netty pipeline | a connection's reader and writer tasks |
//! | [`frame_memory`] | (none) | the memory all connections may hold for incomplete frames |
//! | [`server`] | `NettyRemotingServer` | accept, dispatch to processors |
//! | [`client`] | `NettyRemotingClient` | one shared connection per address, sync/async/oneway calls |
//!
//! Start with [`command`] and [`codec`] (the wire), then [`connection`] (how
//! one connection runs), then [`server`] and [`client`].
//!
//! ## Where this differs from the Java remoting layer
//!
//! * **Responses go out in the caller's header serialization.** Java answers
//!   in the responder's process-wide default; a peer must decode both kinds
//!   either way, and answering in kind is kinder to strict peers.
//! * **The response table lives in each connection**, split into shards,
//!   instead of one process-wide map: a response can only arrive on the
//!   connection its request left on, and a dead connection fails exactly its
//!   own callers at once.
//! * **Processors are async functions, not thread pools.** The connection polls
//!   a processor's future once inline and spawns it only if it has to wait, so
//!   a processor must never block its thread (use `spawn_blocking` for that).
//! * **Left out**: TLS and HAProxy-protocol sniffing on the first byte, the
//!   oneway/async semaphores that cap requests in flight, and closing a
//!   client connection after a timeout (`clientCloseSocketIfTimeout`).

pub mod channel;
pub mod client;
pub mod code;
pub mod codec;
pub mod command;
pub mod connection;
pub mod error;
pub mod frame_memory;
pub mod processor;
pub mod protocol;
pub mod remoting_serializable;
pub mod rocketmq_serializable;
pub mod server;

pub use channel::{Channel, ChannelEventListener};
pub use client::{ClientConfig, RemotingClient};
pub use command::{LanguageCode, RemotingCommand, SerializeType};
pub use error::{FrameError, RemotingError};
pub use processor::{BoxFuture, RequestProcessor};
pub use protocol::header::CommandCustomHeader;
pub use server::{RemotingServer, ServerConfig, ServerHandle};
