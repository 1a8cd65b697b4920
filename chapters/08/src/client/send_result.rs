//! `SendResult` and `SendStatus` — mirror `org.apache.rocketmq.client.producer`.

/// How a send went, for a send the broker accepted (`SendStatus`). The
/// three non-OK statuses say the message is stored but not yet flushed or
/// replicated as configured (Part IV, chapter 24).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendStatus {
    SendOk,
    FlushDiskTimeout,
    FlushSlaveTimeout,
    SlaveNotAvailable,
}

/// What a producer learns about a stored message (`SendResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendResult {
    pub send_status: SendStatus,
    /// The broker's id for it: store host + commit-log offset.
    pub offset_msg_id: String,
    pub topic: String,
    pub queue_id: i32,
    pub queue_offset: i64,
}

/// Prints the Java constant: `SEND_OK`, ...
impl std::fmt::Display for SendStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SendStatus::SendOk => "SEND_OK",
            SendStatus::FlushDiskTimeout => "FLUSH_DISK_TIMEOUT",
            SendStatus::FlushSlaveTimeout => "FLUSH_SLAVE_TIMEOUT",
            SendStatus::SlaveNotAvailable => "SLAVE_NOT_AVAILABLE",
        })
    }
}
