//! Property keys a message carries (Java: `org.apache.rocketmq.common.message.MessageConst`).
//!
//! RocketMQ keeps every "system" attribute of a message — tags, keys, the
//! client-side unique id, delay level, transaction markers — as a plain string
//! property, so that the wire format and the CommitLog record never change
//! when a feature is added. These are the exact key strings the Java broker
//! and clients use; a message produced by a Java client and read by ours (or
//! the other way round) only interoperates if the keys are byte-identical.

/// Space-separated business keys; each one is indexed by the IndexService.
pub const PROPERTY_KEYS: &str = "KEYS";
/// The message tag; its Java `String.hashCode()` becomes the consume-queue tagsCode.
pub const PROPERTY_TAGS: &str = "TAGS";
/// `"false"` lets a SYNC_FLUSH broker answer before the flush completes (default `true`).
pub const PROPERTY_WAIT_STORE_MSG_OK: &str = "WAIT";
/// Delay level (1..=18) of a scheduled message.
pub const PROPERTY_DELAY_TIME_LEVEL: &str = "DELAY";
pub const PROPERTY_RETRY_TOPIC: &str = "RETRY_TOPIC";
/// The topic a delayed / prepared message will really be delivered to.
pub const PROPERTY_REAL_TOPIC: &str = "REAL_TOPIC";
pub const PROPERTY_REAL_QUEUE_ID: &str = "REAL_QID";
/// `"true"` on a transactional half message.
pub const PROPERTY_TRANSACTION_PREPARED: &str = "TRAN_MSG";
pub const PROPERTY_PRODUCER_GROUP: &str = "PGROUP";
/// Stamped by the client after a pull: the queue's min offset at pull time.
pub const PROPERTY_MIN_OFFSET: &str = "MIN_OFFSET";
/// Stamped by the client after a pull: the queue's max offset at pull time.
pub const PROPERTY_MAX_OFFSET: &str = "MAX_OFFSET";
pub const PROPERTY_BUYER_ID: &str = "BUYER_ID";
pub const PROPERTY_ORIGIN_MESSAGE_ID: &str = "ORIGIN_MESSAGE_ID";
pub const PROPERTY_TRANSFER_FLAG: &str = "TRANSFER_FLAG";
pub const PROPERTY_CORRECTION_FLAG: &str = "CORRECTION_FLAG";
pub const PROPERTY_MQ2_FLAG: &str = "MQ2_FLAG";
pub const PROPERTY_RECONSUME_TIME: &str = "RECONSUME_TIME";
pub const PROPERTY_MSG_REGION: &str = "MSG_REGION";
pub const PROPERTY_TRACE_SWITCH: &str = "TRACE_ON";
/// The client-generated message id (see `message_client_id`).
pub const PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX: &str = "UNIQ_KEY";
pub const PROPERTY_EXTEND_UNIQ_INFO: &str = "EXTEND_UNIQ_INFO";
pub const PROPERTY_MAX_RECONSUME_TIMES: &str = "MAX_RECONSUME_TIMES";
pub const PROPERTY_CONSUME_START_TIMESTAMP: &str = "CONSUME_START_TIME";
pub const PROPERTY_INNER_NUM: &str = "INNER_NUM";
pub const PROPERTY_INNER_BASE: &str = "INNER_BASE";
pub const DUP_INFO: &str = "DUP_INFO";
pub const PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS: &str = "CHECK_IMMUNITY_TIME_IN_SECONDS";
pub const PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET: &str = "TRAN_PREPARED_QUEUE_OFFSET";
pub const PROPERTY_TRANSACTION_ID: &str = "__transactionId__";
pub const PROPERTY_TRANSACTION_CHECK_TIMES: &str = "TRANSACTION_CHECK_TIMES";
pub const PROPERTY_INSTANCE_ID: &str = "INSTANCE_ID";
pub const PROPERTY_CORRELATION_ID: &str = "CORRELATION_ID";
pub const PROPERTY_MESSAGE_REPLY_TO_CLIENT: &str = "REPLY_TO_CLIENT";
pub const PROPERTY_MESSAGE_TTL: &str = "TTL";
pub const PROPERTY_REPLY_MESSAGE_ARRIVE_TIME: &str = "ARRIVE_TIME";
pub const PROPERTY_PUSH_REPLY_TIME: &str = "PUSH_REPLY_TIME";
pub const PROPERTY_CLUSTER: &str = "CLUSTER";
pub const PROPERTY_MESSAGE_TYPE: &str = "MSG_TYPE";
pub const PROPERTY_SHARDING_KEY: &str = "__SHARDINGKEY";
pub const PROPERTY_INNER_MULTI_DISPATCH: &str = "INNER_MULTI_DISPATCH";
pub const PROPERTY_INNER_MULTI_QUEUE_OFFSET: &str = "INNER_MULTI_QUEUE_OFFSET";
pub const PROPERTY_TIMER_DELAY_SEC: &str = "TIMER_DELAY_SEC";
pub const PROPERTY_TIMER_DELIVER_MS: &str = "TIMER_DELIVER_MS";
pub const PROPERTY_TIMER_DELAY_MS: &str = "TIMER_DELAY_MS";
pub const PROPERTY_BORN_HOST: &str = "__BORNHOST";
pub const PROPERTY_BORN_TIMESTAMP: &str = "BORN_TIMESTAMP";
/// Optional CRC of the whole record kept in the last 20 bytes of the properties.
pub const PROPERTY_CRC32: &str = "__CRC32#";
pub const PROPERTY_DLQ_ORIGIN_TOPIC: &str = "DLQ_ORIGIN_TOPIC";
pub const PROPERTY_DLQ_ORIGIN_MESSAGE_ID: &str = "DLQ_ORIGIN_MESSAGE_ID";

/// Separator between the keys inside [`PROPERTY_KEYS`].
pub const KEY_SEPARATOR: &str = " ";
