//! Outcome of a put (Java: `PutMessageStatus`, `PutMessageResult`,
//! `AppendMessageStatus`, `AppendMessageResult`).
//!
//! Two levels, as in RocketMQ: the CommitLog's append callback reports an
//! [`AppendMessageResult`] (where the record went), and the store wraps it
//! into a [`PutMessageResult`] whose status also covers what happened
//! around the append (flush timeout, store shut down, message illegal…).
//! The send processor turns the status into a response code (Java `SendMessageProcessor#handlePutMessageResult`, `broker/src/main/java/org/apache/rocketmq/broker/processor/SendMessageProcessor.java`).

use std::net::SocketAddr;

use crate::common::message_decoder::create_message_id;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutMessageStatus {
    PutOk,
    /// Stored, but SYNC_FLUSH did not finish within `syncFlushTimeout`.
    FlushDiskTimeout,
    FlushSlaveTimeout,
    SlaveNotAvailable,
    /// Store not started, shut down, or a slave.
    ServiceNotAvailable,
    CreateMappedFileFailed,
    /// Body too large, topic too long, record larger than a file…
    MessageIllegal,
    /// Properties string over 32767 bytes.
    PropertiesSizeExceeded,
    /// The previous put held the lock longer than `osPageCacheBusyTimeOutMills`.
    OsPageCacheBusy,
    UnknownError,
}

impl PutMessageStatus {
    /// The Java enum constant, for logs and remarks.
    pub fn name(self) -> &'static str {
        match self {
            PutMessageStatus::PutOk => "PUT_OK",
            PutMessageStatus::FlushDiskTimeout => "FLUSH_DISK_TIMEOUT",
            PutMessageStatus::FlushSlaveTimeout => "FLUSH_SLAVE_TIMEOUT",
            PutMessageStatus::SlaveNotAvailable => "SLAVE_NOT_AVAILABLE",
            PutMessageStatus::ServiceNotAvailable => "SERVICE_NOT_AVAILABLE",
            PutMessageStatus::CreateMappedFileFailed => "CREATE_MAPPED_FILE_FAILED",
            PutMessageStatus::MessageIllegal => "MESSAGE_ILLEGAL",
            PutMessageStatus::PropertiesSizeExceeded => "PROPERTIES_SIZE_EXCEEDED",
            PutMessageStatus::OsPageCacheBusy => "OS_PAGE_CACHE_BUSY",
            PutMessageStatus::UnknownError => "UNKNOWN_ERROR",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendMessageStatus {
    PutOk,
    /// The record did not fit; a blank filled the file and the caller rolls to a new one.
    EndOfFile,
    MessageSizeExceeded,
    PropertiesSizeExceeded,
    UnknownError,
}

/// Where an append put its record(s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendMessageResult {
    pub status: AppendMessageStatus,
    /// CommitLog offset of the (first) record.
    pub wrote_offset: i64,
    /// Bytes written (all records of a batch).
    pub wrote_bytes: usize,
    /// Store timestamp given to the record(s) under the put lock.
    pub store_timestamp: i64,
    /// Consume-queue offset of the (first) message (Java `logicsOffset`).
    pub logics_offset: i64,
    /// Messages written (1, or the batch size).
    pub msg_num: i32,
    /// Store host the offset msgIds are built from.
    pub store_host: SocketAddr,
    /// For a batch: the CommitLog offset of every record (empty for a single message).
    pub batch_offsets: Vec<i64>,
}

impl AppendMessageResult {
    /// Same as `logics_offset`: the queue offset the send response reports.
    pub fn queue_offset(&self) -> i64 {
        self.logics_offset
    }

    /// The offset msgId (Java `MessageDecoder#createMessageId`, `common/src/main/java/org/apache/rocketmq/common/message/MessageDecoder.java`); for a batch, every record's id joined by commas,
    /// exactly the `msgId` a SEND_BATCH_MESSAGE response carries. Built lazily, as in
    /// Java (a `Supplier`), so a put that nobody asks the id of pays nothing.
    pub fn msg_id(&self) -> String {
        if self.batch_offsets.is_empty() {
            return create_message_id(self.store_host, self.wrote_offset);
        }
        let mut s = String::with_capacity(self.batch_offsets.len() * 33);
        for (i, off) in self.batch_offsets.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&create_message_id(self.store_host, *off));
        }
        s
    }

    pub fn is_ok(&self) -> bool {
        self.status == AppendMessageStatus::PutOk
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutMessageResult {
    pub status: PutMessageStatus,
    pub append_message_result: Option<AppendMessageResult>,
}

impl PutMessageResult {
    pub fn new(
        status: PutMessageStatus,
        append_message_result: Option<AppendMessageResult>,
    ) -> Self {
        PutMessageResult {
            status,
            append_message_result,
        }
    }

    pub fn failed(status: PutMessageStatus) -> Self {
        PutMessageResult {
            status,
            append_message_result: None,
        }
    }

    /// Stored and flushed as requested.
    pub fn is_ok(&self) -> bool {
        self.status == PutMessageStatus::PutOk
    }

    /// The record is in the CommitLog (PUT_OK or one of the "stored, but…" statuses),
    /// so the send response still carries msgId and queue offset.
    pub fn is_stored(&self) -> bool {
        matches!(
            self.status,
            PutMessageStatus::PutOk
                | PutMessageStatus::FlushDiskTimeout
                | PutMessageStatus::FlushSlaveTimeout
                | PutMessageStatus::SlaveNotAvailable
        ) && self.append_message_result.is_some()
    }
}
