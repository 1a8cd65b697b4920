//! `TopicValidator`: which topic and group names are legal, and which topics
//! belong to the system.
//!
//! Mirrors `org.apache.rocketmq.common.topic.TopicValidator`. Names travel
//! inside file names (`store/consumequeue/<topic>/…`), inside other names
//! (`%RETRY%<group>`) and as `extFields` values, so RocketMQ keeps them to a
//! small alphabet: `[A-Za-z0-9%_|-]`. Topics are at most 127 characters
//! (255 for retry and DLQ topics, which carry a group name inside), groups
//! at most 120 so that `%RETRY%` + group still fits.
//!
//! The error messages are RocketMQ's, so a client that shows the remark
//! shows the same text as against a Java broker.

use std::fmt;

use crate::common::mix_all;

pub const AUTO_CREATE_TOPIC_KEY_TOPIC: &str = "TBW102";
pub const RMQ_SYS_SCHEDULE_TOPIC: &str = "SCHEDULE_TOPIC_XXXX";
pub const RMQ_SYS_BENCHMARK_TOPIC: &str = "BenchmarkTest";
pub const RMQ_SYS_TRANS_HALF_TOPIC: &str = "RMQ_SYS_TRANS_HALF_TOPIC";
pub const RMQ_SYS_TRACE_TOPIC: &str = "RMQ_SYS_TRACE_TOPIC";
pub const RMQ_SYS_TRANS_OP_HALF_TOPIC: &str = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
pub const RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC: &str = "TRANS_CHECK_MAX_TIME_TOPIC";
pub const RMQ_SYS_SELF_TEST_TOPIC: &str = "SELF_TEST_TOPIC";
pub const RMQ_SYS_OFFSET_MOVED_EVENT: &str = "OFFSET_MOVED_EVENT";
pub const RMQ_SYS_ROCKSDB_OFFSET_TOPIC: &str = "CHECKPOINT_TOPIC";

/// Every topic starting with this is a system topic.
pub const SYSTEM_TOPIC_PREFIX: &str = "rmq_sys_";
pub const SYNC_BROKER_MEMBER_GROUP_PREFIX: &str = "rmq_sys_SYNC_BROKER_MEMBER_";

pub const TOPIC_MAX_LENGTH: usize = 127;
pub const GROUP_MAX_LENGTH: usize = 120;
pub const RETRY_OR_DLQ_TOPIC_MAX_LENGTH: usize = 255;

/// Topics the broker creates for itself.
const SYSTEM_TOPICS: &[&str] = &[
    AUTO_CREATE_TOPIC_KEY_TOPIC,
    RMQ_SYS_SCHEDULE_TOPIC,
    RMQ_SYS_BENCHMARK_TOPIC,
    RMQ_SYS_TRANS_HALF_TOPIC,
    RMQ_SYS_TRACE_TOPIC,
    RMQ_SYS_TRANS_OP_HALF_TOPIC,
    RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
    RMQ_SYS_SELF_TEST_TOPIC,
    RMQ_SYS_OFFSET_MOVED_EVENT,
    RMQ_SYS_ROCKSDB_OFFSET_TOPIC,
];

/// System topics a client may not send to directly.
const NOT_ALLOWED_SEND_TOPICS: &[&str] = &[
    RMQ_SYS_SCHEDULE_TOPIC,
    RMQ_SYS_TRANS_HALF_TOPIC,
    RMQ_SYS_TRANS_OP_HALF_TOPIC,
    RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
    RMQ_SYS_SELF_TEST_TOPIC,
    RMQ_SYS_OFFSET_MOVED_EVENT,
];

/// Why a topic or group name was refused. `Display` gives RocketMQ's remark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    /// Empty or only whitespace.
    Blank { kind: NameKind },
    /// A character outside `[A-Za-z0-9%_|-]`.
    IllegalCharacters { kind: NameKind, name: String },
    /// Longer than the limit for its kind.
    TooLong {
        kind: NameKind,
        name: String,
        max: usize,
    },
}

/// What was being validated, for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Topic,
    RetryOrDlqTopic,
    Group,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = |k: &NameKind| match k {
            NameKind::Group => "group",
            _ => "topic",
        };
        match self {
            NameError::Blank { kind } => write!(f, "The specified {} is blank.", noun(kind)),
            NameError::IllegalCharacters { kind, name } => write!(
                f,
                "The specified {}: {}, contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$",
                noun(kind),
                name
            ),
            NameError::TooLong {
                kind: NameKind::RetryOrDlqTopic,
                name,
                max,
            } => write!(
                f,
                "The specified topic is DLQ or Retry topic: {name}, and it's longer than topic max length: {max}"
            ),
            NameError::TooLong { kind, name, max } => write!(
                f,
                "The specified {}: {}, is longer than {} max length: {}",
                noun(kind),
                name,
                noun(kind),
                max
            ),
        }
    }
}

impl std::error::Error for NameError {}

/// `true` when `c` may appear in a topic or group name.
fn is_valid_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '%' | '-' | '_' | '|')
}

/// Java `isTopicOrGroupIllegal`: any character outside the alphabet.
pub fn is_topic_or_group_illegal(name: &str) -> bool {
    !name.chars().all(is_valid_char)
}

/// Java counts `String.length()` (UTF-16 units); names that pass the
/// character check are ASCII, so bytes and chars agree here.
fn is_blank(name: &str) -> bool {
    name.trim().is_empty()
}

/// Java `validateTopic`.
pub fn validate_topic(topic: &str) -> Result<(), NameError> {
    if is_blank(topic) {
        return Err(NameError::Blank {
            kind: NameKind::Topic,
        });
    }
    if is_topic_or_group_illegal(topic) {
        return Err(NameError::IllegalCharacters {
            kind: NameKind::Topic,
            name: topic.to_string(),
        });
    }
    let (kind, max) = if mix_all::is_retry_topic(topic) || mix_all::is_dlq_topic(topic) {
        (NameKind::RetryOrDlqTopic, RETRY_OR_DLQ_TOPIC_MAX_LENGTH)
    } else {
        (NameKind::Topic, TOPIC_MAX_LENGTH)
    };
    if topic.len() > max {
        return Err(NameError::TooLong {
            kind,
            name: topic.to_string(),
            max,
        });
    }
    Ok(())
}

/// Java `validateGroup`.
pub fn validate_group(group: &str) -> Result<(), NameError> {
    if is_blank(group) {
        return Err(NameError::Blank {
            kind: NameKind::Group,
        });
    }
    if is_topic_or_group_illegal(group) {
        return Err(NameError::IllegalCharacters {
            kind: NameKind::Group,
            name: group.to_string(),
        });
    }
    if group.len() > GROUP_MAX_LENGTH {
        return Err(NameError::TooLong {
            kind: NameKind::Group,
            name: group.to_string(),
            max: GROUP_MAX_LENGTH,
        });
    }
    Ok(())
}

/// One of the broker's own topics, or any `rmq_sys_*` topic.
pub fn is_system_topic(topic: &str) -> bool {
    SYSTEM_TOPICS.contains(&topic) || topic.starts_with(SYSTEM_TOPIC_PREFIX)
}

/// A system topic clients may not send to.
pub fn is_not_allowed_send_topic(topic: &str) -> bool {
    NOT_ALLOWED_SEND_TOPICS.contains(&topic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_alphabet() {
        assert!(validate_topic("TopicTest").is_ok());
        assert!(validate_topic("a-b_c|d%e09").is_ok());
        assert!(validate_topic(&"t".repeat(127)).is_ok());
        assert!(validate_topic(&format!("%RETRY%{}", "g".repeat(200))).is_ok());
        assert!(validate_group(&"g".repeat(120)).is_ok());
    }

    #[test]
    fn rejects_with_rocketmq_messages() {
        assert_eq!(
            validate_topic("  ").unwrap_err().to_string(),
            "The specified topic is blank."
        );
        assert_eq!(
            validate_topic("a b").unwrap_err().to_string(),
            "The specified topic: a b, contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"
        );
        assert!(validate_topic("主题").is_err());
        let long = "t".repeat(128);
        assert_eq!(
            validate_topic(&long).unwrap_err().to_string(),
            format!("The specified topic: {long}, is longer than topic max length: 127")
        );
        let long_retry = format!("%RETRY%{}", "g".repeat(249));
        assert!(
            validate_topic(&long_retry)
                .unwrap_err()
                .to_string()
                .starts_with("The specified topic is DLQ or Retry topic")
        );
        assert!(validate_group(&"g".repeat(121)).is_err());
        assert_eq!(
            validate_group("").unwrap_err().to_string(),
            "The specified group is blank."
        );
    }

    #[test]
    fn system_topics() {
        assert!(is_system_topic("TBW102"));
        assert!(is_system_topic("rmq_sys_anything"));
        assert!(!is_system_topic("TopicTest"));
        assert!(is_not_allowed_send_topic("SCHEDULE_TOPIC_XXXX"));
        assert!(!is_not_allowed_send_topic("TBW102"));
    }
}
