//! Producers — Java package `org.apache.rocketmq.client.producer` (plus
//! `client.latency` for the fault strategy).
//!
//! | file | Java class |
//! |---|---|
//! | [`default_mq_producer`] | `DefaultMQProducer` (builder and API) |
//! | [`default_mq_producer_impl`] | `DefaultMQProducerImpl` (the send path) and `DefaultMQProducer`'s settings (`ProducerConfig`) |
//! | [`latency_fault_tolerance`] | `MQFaultStrategy`, `LatencyFaultToleranceImpl` |
//! | [`message_queue_selector`] | `MessageQueueSelector`, `SelectMessageQueueByHash` |
//! | [`mq_client_api::send_result`](crate::client::mq_client_api::send_result) | `SendResult`, `SendStatus` (re-exported here) |

pub mod default_mq_producer;
pub mod default_mq_producer_impl;
pub mod latency_fault_tolerance;
pub mod message_queue_selector;

pub use crate::client::mq_client_api::send_result::{SendResult, SendStatus};
pub use default_mq_producer::{DefaultMQProducer, ProducerBuilder, ProducerConfig};
pub use message_queue_selector::{MessageQueueSelector, SelectMessageQueueByHash};
