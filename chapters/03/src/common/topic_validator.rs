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
