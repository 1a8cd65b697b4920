//! Server-side message filtering (Java package `org.apache.rocketmq.broker.filter`).

pub mod expression_message_filter;
