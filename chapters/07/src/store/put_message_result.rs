//! `PutMessageResult`, `PutMessageStatus`, `AppendMessageResult` — mirror the
//! classes of the same names in `org.apache.rocketmq.store`.

/// How a put went (`PutMessageStatus`; the disk and replication statuses
/// arrive with Part IV and chapter 24).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutMessageStatus {
    PutOk,
    /// The body is larger than `maxMessageSize`, or the topic name longer
    /// than the commit log can hold.
    MessageIllegal,
    /// The properties string is longer than `Short.MAX_VALUE`.
    PropertiesSizeExceeded,
}

impl PutMessageStatus {
    /// The Java enum constant's name, as logs and traces print it.
    pub fn name(self) -> &'static str {
        match self {
            PutMessageStatus::PutOk => "PUT_OK",
            PutMessageStatus::MessageIllegal => "MESSAGE_ILLEGAL",
            PutMessageStatus::PropertiesSizeExceeded => "PROPERTIES_SIZE_EXCEEDED",
        }
    }
}

/// Where an appended message landed (`AppendMessageResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendMessageResult {
    /// Its commit-log offset.
    pub wrote_offset: i64,
    /// Its record size.
    pub wrote_bytes: i32,
    /// The offset message id.
    pub msg_id: String,
    pub store_timestamp: i64,
    /// Its queue offset (`logicsOffset`).
    pub logics_offset: i64,
}

/// The answer of `MessageStore#putMessage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutMessageResult {
    pub put_message_status: PutMessageStatus,
    /// Present when the message was appended.
    pub append_message_result: Option<AppendMessageResult>,
}

impl PutMessageResult {
    pub fn failed(status: PutMessageStatus) -> Self {
        PutMessageResult {
            put_message_status: status,
            append_message_result: None,
        }
    }
}
