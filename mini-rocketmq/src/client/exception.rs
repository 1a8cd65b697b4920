//! What a client call can fail with — Java `MQClientException`,
//! `MQBrokerException` and the remoting exceptions they wrap (package
//! `org.apache.rocketmq.client.exception`).
//!
//! Java throws three families and the producer's retry loop catches each one
//! differently; one enum with three arms keeps that distinction visible to a
//! `match`:
//!
//! * [`MQClientError::Client`] — the client itself refuses or gives up: no
//!   route for the topic, a message that breaks the rules, the retries ran out.
//! * [`MQClientError::Broker`] — the broker (or name server) answered with a
//!   non-success response code; `code` is RocketMQ's `ResponseCode`, so callers
//!   can match on `response_code::TOPIC_NOT_EXIST` and friends.
//! * [`MQClientError::Remoting`] — the request never got an answer (connect
//!   failure, timeout, closed channel).
//!
//! Every message names the address or the topic involved, because "send
//! failed" alone sends a reader hunting.

use crate::remoting::code::{response_code, response_code_name};
use crate::remoting::error::RemotingError;

/// Java `MQClientException` / `MQBrokerException` / `RemotingException`.
#[derive(Debug, thiserror::Error)]
pub enum MQClientError {
    /// The client refuses or gives up; `code` is a `ResponseCode` when one
    /// applies (`-1` otherwise, like Java's `MQClientException(-1, …)`).
    #[error("{message}")]
    Client { code: i32, message: String },

    /// A non-success response. `addr` is the peer that gave it.
    #[error("{addr} answered {name} ({code}): {remark}", name = response_code_name(*.code))]
    Broker {
        code: i32,
        remark: String,
        addr: String,
    },

    /// No answer at all.
    #[error(transparent)]
    Remoting(#[from] RemotingError),
}

impl MQClientError {
    /// A client-side error with no response code.
    pub fn client(message: impl Into<String>) -> Self {
        MQClientError::Client {
            code: -1,
            message: message.into(),
        }
    }

    /// A client-side error that carries a response code.
    pub fn client_with_code(code: i32, message: impl Into<String>) -> Self {
        MQClientError::Client {
            code,
            message: message.into(),
        }
    }

    /// A non-success response from `addr`.
    pub fn broker(code: i32, remark: Option<&str>, addr: &str) -> Self {
        MQClientError::Broker {
            code,
            remark: remark.unwrap_or("").to_string(),
            addr: addr.to_string(),
        }
    }

    /// The response code behind this error, in RocketMQ's numbering: the
    /// broker's code, the client-side code, or the RPC_* code of a remoting
    /// failure.
    pub fn response_code(&self) -> i32 {
        match self {
            MQClientError::Client { code, .. } | MQClientError::Broker { code, .. } => *code,
            MQClientError::Remoting(e) => e.response_code(),
        }
    }

    /// True when the name server said the topic has no route.
    pub fn is_topic_not_exist(&self) -> bool {
        self.response_code() == response_code::TOPIC_NOT_EXIST
    }
}

/// Results of client calls.
pub type MQResult<T> = Result<T, MQClientError>;
