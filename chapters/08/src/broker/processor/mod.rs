//! The broker's request processors, one per kind of request, each holding
//! only the services it uses (Java hands every processor the whole
//! `BrokerController`).

pub mod admin_broker_processor;
pub mod consumer_manage_processor;
pub mod pull_message_processor;
pub mod send_message_processor;
