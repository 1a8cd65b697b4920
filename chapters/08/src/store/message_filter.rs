//! `MessageFilter` — mirrors `org.apache.rocketmq.store.MessageFilter`: the
//! store asks it about every message a read walks past.

/// Which messages a read may return.
pub trait MessageFilter {
    /// Decide from the tag hash code alone, the one fact a consume-queue
    /// entry carries besides the message's position (Part IV): no need to
    /// read the message itself.
    fn is_matched_by_consume_queue(&self, tags_code: i64) -> bool;
}
