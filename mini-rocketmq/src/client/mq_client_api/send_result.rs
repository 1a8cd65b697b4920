//! The outcome of a send — Java `SendResult` and `SendStatus`
//! (package `org.apache.rocketmq.client.producer`).
//!
//! A send that reached the broker and was stored is *not* always `SendOk`:
//! the broker also stores the message when the disk flush or the slave copy
//! timed out, and says so with codes 10/11/12 (Java `MQClientAPIImpl#processSendResponse`, `client/src/main/java/org/apache/rocketmq/client/impl/MQClientAPIImpl.java`). The message is in
//! the CommitLog then, only less durable than asked, so these are results and
//! not errors — the caller decides whether to care. Every other non-zero code
//! is an error ([`MQClientError::Broker`](crate::client::exception::MQClientError)).

use std::fmt;

use crate::common::message_queue::MessageQueue;
use crate::remoting::code::response_code;

/// Java `SendStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SendStatus {
    SendOk,
    FlushDiskTimeout,
    FlushSlaveTimeout,
    SlaveNotAvailable,
}

impl SendStatus {
    /// The status a response code stands for, or `None` when the code is an
    /// error (Java `MQClientAPIImpl#processSendResponse`).
    pub fn from_response_code(code: i32) -> Option<SendStatus> {
        match code {
            response_code::SUCCESS => Some(SendStatus::SendOk),
            response_code::FLUSH_DISK_TIMEOUT => Some(SendStatus::FlushDiskTimeout),
            response_code::FLUSH_SLAVE_TIMEOUT => Some(SendStatus::FlushSlaveTimeout),
            response_code::SLAVE_NOT_AVAILABLE => Some(SendStatus::SlaveNotAvailable),
            _ => None,
        }
    }

    /// Java's enum constant name, as RocketMQ tools print it.
    pub fn as_str(self) -> &'static str {
        match self {
            SendStatus::SendOk => "SEND_OK",
            SendStatus::FlushDiskTimeout => "FLUSH_DISK_TIMEOUT",
            SendStatus::FlushSlaveTimeout => "FLUSH_SLAVE_TIMEOUT",
            SendStatus::SlaveNotAvailable => "SLAVE_NOT_AVAILABLE",
        }
    }
}

impl fmt::Display for SendStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Java `SendResult`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendResult {
    pub send_status: SendStatus,
    /// The client-made id (`UNIQ_KEY`); comma-joined for a batch.
    pub msg_id: String,
    /// Where the message landed.
    pub message_queue: MessageQueue,
    /// Its consume-queue index (the first one, for a batch).
    pub queue_offset: i64,
    /// The broker's id (`offsetMsgId`: store host + CommitLog offset, Java
    /// `MessageDecoder#createMessageId`, `common/src/main/java/org/apache/rocketmq/common/message/MessageDecoder.java`) — the key for `queryMsgById` / VIEW_MESSAGE_BY_ID.
    pub offset_msg_id: String,
    pub transaction_id: Option<String>,
    /// `MSG_REGION` from the response (`DefaultRegion`).
    pub region_id: String,
    /// `TRACE_ON` from the response.
    pub trace_on: bool,
}

impl fmt::Display for SendResult {
    /// The shape of Java's `SendResult#toString`, which tools and logs print.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SendResult [sendStatus={}, msgId={}, offsetMsgId={}, messageQueue={}, queueOffset={}]",
            self.send_status,
            self.msg_id,
            self.offset_msg_id,
            self.message_queue,
            self.queue_offset
        )
    }
}
