//! The hook that makes long polling fast (Java: `MessageArrivingListener`).
//!
//! The dispatcher calls it right after it has built a consume-queue entry, so
//! a pull that the broker is holding for that queue can be answered at once
//! instead of at its next periodic check.

pub trait MessageArrivingListener: Send + Sync {
    /// A message became readable.
    ///
    /// * `logic_offset` is the queue's new max offset (the message's queue offset + 1);
    /// * `tags_code` and `properties` (the encoded properties string) let the
    ///   listener check a held request's filter before waking it.
    fn arriving(
        &self,
        topic: &str,
        queue_id: i32,
        logic_offset: i64,
        tags_code: Option<i64>,
        msg_store_time: i64,
        properties: &str,
    );
}
