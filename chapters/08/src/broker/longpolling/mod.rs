//! Long polling: a pull that finds nothing is held, not answered, until a
//! message arrives or its time is up (Java package `broker.longpolling`).

pub mod notify_message_arriving_listener;
pub mod pull_request;
pub mod pull_request_hold_service;
