//! Errors of the remoting layer — Java `RemotingCommandException`,
//! `RemotingTimeoutException`, `RemotingSendRequestException`,
//! `RemotingConnectException` and `RemotingTooMuchRequestException`.
//!
//! Two types, because they happen at two different places:
//!
//! * [`FrameError`] — the bytes on a connection are not a valid RocketMQ frame.
//!   The codec returns it and the connection that produced it is closed
//!   (Java's `NettyDecoder` closes the channel on any decode error). It never
//!   reaches a processor.
//! * [`RemotingError`] — everything a *caller* of the remoting layer can see:
//!   a header field missing from `extFields`, a timeout, a lost connection.
//!   Each message says what happened and where, so a log line is enough to act.

use std::io;

use crate::remoting::code::response_code;

/// The bytes read from a peer do not form a valid frame (Java `NettyDecoder`, `remoting/src/main/java/org/apache/rocketmq/remoting/netty/NettyDecoder.java`; Java `RemotingSerializable`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/RemotingSerializable.java`; Java `RocketMQSerializable`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/RocketMQSerializable.java`).
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The length prefix cannot even hold the 4-byte header mark.
    #[error("frame length {frame_len} is smaller than the 4-byte header mark")]
    BadFrameLength { frame_len: i64 },

    /// Netty's `LengthFieldBasedFrameDecoder` limit: the whole frame, length
    /// prefix included, must fit in `com.rocketmq.remoting.frameMaxLength`.
    #[error(
        "frame of {total} bytes (length prefix {frame_len} + 4) exceeds the {max}-byte limit \
         (com.rocketmq.remoting.frameMaxLength)"
    )]
    TooLong {
        frame_len: i64,
        total: i64,
        max: usize,
    },

    /// The header mark announces more header bytes than the frame holds.
    #[error("header length {header_len} is larger than frame length {frame_len} - 4")]
    HeaderTooLong { header_len: usize, frame_len: usize },

    /// The high byte of the header mark is neither JSON (0) nor ROCKETMQ (1).
    #[error("unknown serialize type {0} in the header mark (expected 0 = JSON or 1 = ROCKETMQ)")]
    UnknownSerializeType(u8),

    /// The JSON header is not a JSON object of RemotingCommand fields.
    #[error("invalid JSON header: {0}")]
    InvalidJsonHeader(String),

    /// The ROCKETMQ binary header is shorter than its own length fields say.
    #[error("invalid ROCKETMQ header: {0}")]
    InvalidBinaryHeader(String),

    /// The peer closed the connection with part of a frame still unread.
    #[error("connection closed in the middle of a frame ({buffered} bytes of it received)")]
    Truncated { buffered: usize },

    /// Growing this connection's buffer for a partial frame would take the
    /// memory all connections hold for incomplete frames past its limit.
    #[error(
        "{wanted} more bytes for an incomplete frame would pass the limit: \
         {held} of {limit} bytes are held by incomplete frames of all connections"
    )]
    MemoryBudgetExhausted {
        wanted: usize,
        held: usize,
        limit: usize,
    },
}

/// What a user of the remoting layer (a processor, a client call) can get back.
#[derive(Debug, thiserror::Error)]
pub enum RemotingError {
    /// A `@CFNotNull` header field is absent from `extFields`. The message is
    /// Java's (`RemotingCommand#decodeCommandCustomHeader`), so a processor can
    /// pass it on as the remark of its error response.
    #[error("the custom field <{0}> is null")]
    MissingField(String),

    /// A header field is present but does not parse as its declared type.
    #[error("the custom field <{field}> has invalid value {value:?}: expected {expected}")]
    InvalidField {
        field: String,
        value: String,
        expected: &'static str,
    },

    /// The frame could not be encoded or decoded.
    #[error(transparent)]
    Frame(#[from] FrameError),

    /// The address is not `host:port`.
    #[error("invalid address {0:?}: expected host:port")]
    InvalidAddress(String),

    /// TCP connect failed (Java `RemotingConnectException`).
    #[error("connect to <{addr}> failed: {source}")]
    Connect {
        addr: String,
        #[source]
        source: io::Error,
    },

    /// TCP connect did not finish within the client's connect timeout.
    #[error("connect to <{addr}> timed out after {timeout_ms} ms")]
    ConnectTimeout { addr: String, timeout_ms: u128 },

    /// No response arrived in time (Java `RemotingTimeoutException`,
    /// `RPC_TIME_OUT`). The wording is Java's.
    #[error("wait response on the channel <{addr}> timeout, {timeout_ms}(ms)")]
    Timeout {
        addr: String,
        timeout_ms: u128,
        opaque: i32,
    },

    /// The request could not be handed to the connection (Java
    /// `RemotingSendRequestException`, `RPC_SEND_TO_CHANNEL_FAILED`).
    #[error("send request to <{addr}> failed: {reason}")]
    SendFailed { addr: String, reason: &'static str },

    /// The connection closed while a response was still awaited.
    #[error("channel <{addr}> closed before the response to opaque {opaque} arrived")]
    ChannelClosed { addr: String, opaque: i32 },

    /// `RemotingClient::shutdown` has been called.
    #[error("the remoting client is shut down")]
    Shutdown,

    /// Any other socket error.
    #[error("I/O error: {0}")]
    Io(#[from] io::Error),
}

impl RemotingError {
    /// The Java response code for this failure, for callers that report
    /// errors the way `MQClientAPIImpl` does (e.g. as a `SendResult` code).
    pub fn response_code(&self) -> i32 {
        match self {
            RemotingError::Timeout { .. } => response_code::RPC_TIME_OUT,
            RemotingError::SendFailed { .. } | RemotingError::ChannelClosed { .. } => {
                response_code::RPC_SEND_TO_CHANNEL_FAILED
            }
            RemotingError::InvalidAddress(_) => response_code::RPC_ADDR_IS_NULL,
            RemotingError::MissingField(_) | RemotingError::InvalidField { .. } => {
                response_code::SYSTEM_ERROR
            }
            _ => response_code::RPC_UNKNOWN,
        }
    }

    /// True for failures after which retrying on another connection may help
    /// (the producer's retry loop asks this).
    pub fn is_connection_failure(&self) -> bool {
        matches!(
            self,
            RemotingError::Connect { .. }
                | RemotingError::ConnectTimeout { .. }
                | RemotingError::SendFailed { .. }
                | RemotingError::ChannelClosed { .. }
                | RemotingError::Io(_)
        )
    }
}
