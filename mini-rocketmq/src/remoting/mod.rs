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
//!
//! Start with [`command`], then [`protocol::header`].

pub mod code;
pub mod codec;
pub mod command;
pub mod error;
pub mod protocol;

pub use command::{LanguageCode, RemotingCommand, SerializeType};
pub use error::{FrameError, RemotingError};
pub use protocol::header::CommandCustomHeader;
