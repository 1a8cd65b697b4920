//! Long polling: holding an empty pull until a message arrives (Java package
//! `org.apache.rocketmq.broker.longpolling`).

pub mod notify_message_arriving_listener;
pub mod pull_request;
pub mod pull_request_hold_service;
