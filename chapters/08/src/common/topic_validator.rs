//! Names of the system topics — mirrors the constants of
//! `org.apache.rocketmq.common.topic.TopicValidator`.
//!
//! Every broker creates these at start-up (see `TopicConfigManager`), so
//! they are in every name server's `topicQueueTable` even before anyone has
//! created a topic of their own.

/// The template topic for topics created on first send (chapter 04).
pub const AUTO_CREATE_TOPIC_KEY_TOPIC: &str = "TBW102";
/// Where delayed messages wait for their delivery time (Part VI).
pub const RMQ_SYS_SCHEDULE_TOPIC: &str = "SCHEDULE_TOPIC_XXXX";
/// The topic the bundled benchmark tools send to.
pub const RMQ_SYS_BENCHMARK_TOPIC: &str = "BenchmarkTest";
/// Half (prepared) transactional messages (Part VI).
pub const RMQ_SYS_TRANS_HALF_TOPIC: &str = "RMQ_SYS_TRANS_HALF_TOPIC";
/// Commit/rollback records of transactional messages (Part VI).
pub const RMQ_SYS_TRANS_OP_HALF_TOPIC: &str = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
/// A topic to check that a broker can store and serve a message.
pub const RMQ_SYS_SELF_TEST_TOPIC: &str = "SELF_TEST_TOPIC";
/// Where a broker reports that a consumer's offset had to be moved.
pub const RMQ_SYS_OFFSET_MOVED_EVENT: &str = "OFFSET_MOVED_EVENT";

/// Topic names may be at most this long (the commit log stores the length
/// in one byte, see chapter 12).
pub const TOPIC_MAX_LENGTH: usize = 127;

/// Topics only the broker itself writes to
/// (`TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET`).
const NOT_ALLOWED_SEND_TOPICS: [&str; 5] = [
    RMQ_SYS_SCHEDULE_TOPIC,
    RMQ_SYS_TRANS_HALF_TOPIC,
    RMQ_SYS_TRANS_OP_HALF_TOPIC,
    RMQ_SYS_SELF_TEST_TOPIC,
    RMQ_SYS_OFFSET_MOVED_EVENT,
];

// ANCHOR: validate_topic
/// `TopicValidator#validateTopic`: not blank, only `[%|a-zA-Z0-9_-]`, at
/// most 127 characters. The error is the remark RocketMQ answers with.
pub fn validate_topic(topic: &str) -> Result<(), &'static str> {
    if topic.trim().is_empty() {
        return Err("The specified topic is blank.");
    }
    let legal = |c: char| c.is_ascii_alphanumeric() || matches!(c, '%' | '|' | '_' | '-');
    if !topic.chars().all(legal) {
        return Err(
            "The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$",
        );
    }
    if topic.len() > TOPIC_MAX_LENGTH {
        return Err("The specified topic is longer than topic max length.");
    }
    Ok(())
}
// ANCHOR_END: validate_topic

/// `TopicValidator#isNotAllowedSendTopic`.
pub fn is_not_allowed_send_topic(topic: &str) -> bool {
    NOT_ALLOWED_SEND_TOPICS.contains(&topic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_names_follow_rocketmqs_rules() {
        assert!(validate_topic("TopicTest").is_ok());
        assert!(validate_topic("%RETRY%group-1|x_y").is_ok());
        assert!(validate_topic(" ").is_err());
        assert!(validate_topic("Topic#1").is_err());
        assert!(validate_topic(&"t".repeat(128)).is_err());
        assert!(is_not_allowed_send_topic("SCHEDULE_TOPIC_XXXX"));
        assert!(!is_not_allowed_send_topic("TBW102"));
    }
}
