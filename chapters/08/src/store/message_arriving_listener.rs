//! `MessageArrivingListener` — mirrors
//! `org.apache.rocketmq.store.MessageArrivingListener`: how the store tells
//! the broker that a queue just grew.

/// Called after every message a queue gains.
pub trait MessageArrivingListener: Send + Sync {
    /// `arriving(topic, queueId, logicOffset, tagsCode, ...)`: the message
    /// at queue offset `logic_offset`, with tag hash `tags_code`, is there.
    fn arriving(&self, topic: &str, queue_id: i32, logic_offset: i64, tags_code: i64);
}
