//! `GetMessageStatus` and `GetMessageResult` — mirror the classes of the same
//! names in `org.apache.rocketmq.store`: the answer to "up to N messages of
//! topic T, queue Q, from queue offset O".

use crate::common::message::MessageExt;

/// How a read went. The pull processor turns each status into a response
/// code, and puts the status's name in the response's remark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GetMessageStatus {
    /// Messages found; they are in the result.
    Found,
    /// Messages were there, but the filter let none of them through.
    NoMatchedMessage,
    /// The queue has never held a message.
    NoMessageInQueue,
    /// The offset is exactly the queue's end: nothing new yet.
    OffsetOverflowOne,
    /// The offset is beyond the end: the consumer's offset is wrong.
    OffsetOverflowBadly,
    /// The offset is below the queue's first message (deleted files,
    /// Part IV): the consumer is too far behind.
    OffsetTooSmall,
}

impl GetMessageStatus {
    /// The Java enum constant.
    pub fn name(self) -> &'static str {
        match self {
            GetMessageStatus::Found => "FOUND",
            GetMessageStatus::NoMatchedMessage => "NO_MATCHED_MESSAGE",
            GetMessageStatus::NoMessageInQueue => "NO_MESSAGE_IN_QUEUE",
            GetMessageStatus::OffsetOverflowOne => "OFFSET_OVERFLOW_ONE",
            GetMessageStatus::OffsetOverflowBadly => "OFFSET_OVERFLOW_BADLY",
            GetMessageStatus::OffsetTooSmall => "OFFSET_TOO_SMALL",
        }
    }
}

/// The messages read, and where the consumer should continue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetMessageResult {
    pub status: GetMessageStatus,
    /// The queue offset to ask for next.
    pub next_begin_offset: i64,
    /// The queue's first and one-past-last offsets.
    pub min_offset: i64,
    pub max_offset: i64,
    pub message_list: Vec<MessageExt>,
}
