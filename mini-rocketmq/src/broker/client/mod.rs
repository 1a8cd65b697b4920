//! The broker's view of its clients: who produces, who consumes, in which
//! groups, with which subscriptions (Java package `org.apache.rocketmq.broker.client`).

pub mod broker2client;
pub mod client_channel_info;
pub mod client_housekeeping_service;
pub mod consumer_group_info;
pub mod consumer_manager;
pub mod producer_manager;
