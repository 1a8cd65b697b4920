//! Outcome of a read by queue offset (Java: `GetMessageStatus`, `GetMessageResult`).
//!
//! A pull asks "up to N messages of topic T, queue Q, from logical offset
//! O". The answer carries the raw CommitLog records, copied straight out of
//! the mapping into one buffer — that buffer *is* the PULL_MESSAGE response
//! body (Java `DefaultMessageStore#getMessage`, `store/src/main/java/org/apache/rocketmq/store/DefaultMessageStore.java`) — plus the offsets the consumer needs to continue:
//! `next_begin_offset`, and the queue's `min_offset` / `max_offset`.

use bytes::Bytes;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GetMessageStatus {
    Found,
    /// Messages were there, but none passed the filter.
    NoMatchedMessage,
    /// The CommitLog no longer has the record a queue entry points at.
    MessageWasRemoving,
    OffsetFoundNull,
    /// Requested offset is more than one past the end.
    OffsetOverflowBadly,
    /// Requested offset is exactly the end (nothing new yet).
    OffsetOverflowOne,
    /// Requested offset was already deleted.
    OffsetTooSmall,
    NoMatchedLogicQueue,
    /// The queue exists (or not) but holds nothing.
    NoMessageInQueue,
    OffsetReset,
}

impl GetMessageStatus {
    /// The Java enum constant; the PULL response uses it as its remark.
    pub fn name(self) -> &'static str {
        match self {
            GetMessageStatus::Found => "FOUND",
            GetMessageStatus::NoMatchedMessage => "NO_MATCHED_MESSAGE",
            GetMessageStatus::MessageWasRemoving => "MESSAGE_WAS_REMOVING",
            GetMessageStatus::OffsetFoundNull => "OFFSET_FOUND_NULL",
            GetMessageStatus::OffsetOverflowBadly => "OFFSET_OVERFLOW_BADLY",
            GetMessageStatus::OffsetOverflowOne => "OFFSET_OVERFLOW_ONE",
            GetMessageStatus::OffsetTooSmall => "OFFSET_TOO_SMALL",
            GetMessageStatus::NoMatchedLogicQueue => "NO_MATCHED_LOGIC_QUEUE",
            GetMessageStatus::NoMessageInQueue => "NO_MESSAGE_IN_QUEUE",
            GetMessageStatus::OffsetReset => "OFFSET_RESET",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetMessageResult {
    pub status: GetMessageStatus,
    /// Where the consumer should pull next.
    pub next_begin_offset: i64,
    pub min_offset: i64,
    pub max_offset: i64,
    /// The matching records, back to back, exactly as stored.
    pub body: Bytes,
    /// Consume-queue offset of each returned message.
    pub message_queue_offsets: Vec<i64>,
    /// Whether the broker should suggest reading from a slave (always false: no HA here yet).
    pub suggest_pulling_from_slave: bool,
}

impl GetMessageResult {
    pub fn new(status: GetMessageStatus) -> Self {
        GetMessageResult {
            status,
            next_begin_offset: 0,
            min_offset: 0,
            max_offset: 0,
            body: Bytes::new(),
            message_queue_offsets: Vec::new(),
            suggest_pulling_from_slave: false,
        }
    }

    pub fn message_count(&self) -> usize {
        self.message_queue_offsets.len()
    }

    pub fn buffer_total_size(&self) -> usize {
        self.body.len()
    }

    /// Each record as its own zero-copy `Bytes` (split on the records' TOTALSIZE fields).
    pub fn message_buffers(&self) -> impl Iterator<Item = Bytes> + '_ {
        let mut pos = 0usize;
        std::iter::from_fn(move || {
            let size = i32::from_be_bytes(self.body.get(pos..pos + 4)?.try_into().ok()?);
            let end = pos
                .checked_add(usize::try_from(size).ok()?)
                .filter(|&e| e <= self.body.len() && size > 0)?;
            let b = self.body.slice(pos..end);
            pos = end;
            Some(b)
        })
    }
}
