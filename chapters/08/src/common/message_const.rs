//! Property names — mirrors `org.apache.rocketmq.common.message.MessageConst`.

/// The message's tag: one word a consumer can subscribe by.
pub const PROPERTY_TAGS: &str = "TAGS";
/// Business keys, space-separated, for the index (chapter 15).
pub const PROPERTY_KEYS: &str = "KEYS";
/// Set by the broker: the cluster that stored the message.
pub const PROPERTY_CLUSTER: &str = "CLUSTER";
/// Set by the broker: its region (`regionId`, default `DefaultRegion`).
pub const PROPERTY_MSG_REGION: &str = "MSG_REGION";
/// Set by the broker: whether message tracing is on (`traceOn`).
pub const PROPERTY_TRACE_SWITCH: &str = "TRACE_ON";
