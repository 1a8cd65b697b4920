//! Server-side filtering during a read (Java: `org.apache.rocketmq.store.MessageFilter`).
//!
//! A pull filters in two steps. First on the consume-queue entry alone,
//! whose tagsCode is the hash of the message's tag: most non-matching
//! messages are rejected without touching the CommitLog. Then, for filters
//! that need more than the tag (SQL92 on properties), on the full record.
//! The broker implements this trait (ExpressionMessageFilter); the store
//! only calls it.

pub trait MessageFilter: Send + Sync {
    /// Decide from the consume-queue entry's tagsCode (always `Some` here;
    /// `None` is kept for Java parity, where the code may be missing).
    fn is_matched_by_consume_queue(&self, tags_code: Option<i64>) -> bool;

    /// Decide from the whole CommitLog record (`msg` is the raw record).
    fn is_matched_by_commit_log(&self, msg: &[u8]) -> bool;
}
