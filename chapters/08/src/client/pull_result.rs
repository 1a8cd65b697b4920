//! `PullResult` and `PullStatus` — mirror `org.apache.rocketmq.client.consumer`.

use crate::common::message::MessageExt;

/// What a pull found (`PullStatus`), as the consumer sees the response code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullStatus {
    /// SUCCESS: messages.
    Found,
    /// PULL_NOT_FOUND: nothing new; ask again later.
    NoNewMsg,
    /// PULL_RETRY_IMMEDIATELY: messages, none with a subscribed tag.
    NoMatchedMsg,
    /// PULL_OFFSET_MOVED: the offset was wrong; continue from
    /// `nextBeginOffset`.
    OffsetIllegal,
}

impl std::fmt::Display for PullStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PullStatus::Found => "FOUND",
            PullStatus::NoNewMsg => "NO_NEW_MSG",
            PullStatus::NoMatchedMsg => "NO_MATCHED_MSG",
            PullStatus::OffsetIllegal => "OFFSET_ILLEGAL",
        })
    }
}

/// `PullResult`: the messages, and where to pull next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullResult {
    pub pull_status: PullStatus,
    pub next_begin_offset: i64,
    pub min_offset: i64,
    pub max_offset: i64,
    pub msg_found_list: Vec<MessageExt>,
}
