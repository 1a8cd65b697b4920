//! The outcome of one pull — Java `PullResult`, `PullStatus` and the
//! client-internal `PullResultExt`.
//!
//! The broker answers a PULL_MESSAGE with a response code and three offsets
//! (Java `MQClientAPIImpl#processPullResponse`, `client/src/main/java/org/apache/rocketmq/client/impl/MQClientAPIImpl.java`); the client turns the code into a [`PullStatus`] and, for
//! `Found`, decodes the body into messages. `next_begin_offset` is where the
//! next pull of this queue starts, whatever the status — even "no new
//! message" moves it when filtered-out messages were skipped.

use std::sync::Arc;

use crate::common::message::MessageExt;
use crate::remoting::code::response_code;

/// Java `PullStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PullStatus {
    /// Messages came back (SUCCESS).
    Found,
    /// Nothing new at this offset (PULL_NOT_FOUND).
    NoNewMsg,
    /// Messages were there but none matched the filter (PULL_RETRY_IMMEDIATELY).
    NoMatchedMsg,
    /// The offset is outside the queue (PULL_OFFSET_MOVED): too small after
    /// old files were deleted, or too large after a reset.
    OffsetIllegal,
}

impl PullStatus {
    /// Java `MQClientAPIImpl#processPullResponse`; `None` for any other code,
    /// which the caller turns into an error.
    pub fn from_response_code(code: i32) -> Option<PullStatus> {
        match code {
            response_code::SUCCESS => Some(PullStatus::Found),
            response_code::PULL_NOT_FOUND => Some(PullStatus::NoNewMsg),
            response_code::PULL_RETRY_IMMEDIATELY => Some(PullStatus::NoMatchedMsg),
            response_code::PULL_OFFSET_MOVED => Some(PullStatus::OffsetIllegal),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PullStatus::Found => "FOUND",
            PullStatus::NoNewMsg => "NO_NEW_MSG",
            PullStatus::NoMatchedMsg => "NO_MATCHED_MSG",
            PullStatus::OffsetIllegal => "OFFSET_ILLEGAL",
        }
    }
}

/// Java `PullResult` (with `PullResultExt`'s extra field).
#[derive(Debug, Clone)]
pub struct PullResult {
    pub pull_status: PullStatus,
    pub next_begin_offset: i64,
    pub min_offset: i64,
    pub max_offset: i64,
    /// Decoded and tag-filtered messages (`Found` only). `Arc` because the
    /// same message sits in the process queue and in the listener's batch.
    pub msg_found_list: Vec<Arc<MessageExt>>,
    /// The broker id the broker suggests for the next pull of this queue
    /// (0 = master; 1 when the master thinks a slave should serve it).
    pub suggest_which_broker_id: i64,
}
