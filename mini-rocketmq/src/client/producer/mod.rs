//! Producers — Java package `org.apache.rocketmq.client.producer` (plus
//! `client.latency` for the fault strategy).
//!
//! | file | Java class |
//! |---|---|
//! | [`default_mq_producer`] | `DefaultMQProducer` (settings and API) |
//! | [`default_mq_producer_impl`] | `DefaultMQProducerImpl` (the send path) |
//! | [`latency_fault_tolerance`] | `MQFaultStrategy`, `LatencyFaultToleranceImpl` |
//! | [`message_queue_selector`] | `MessageQueueSelector`, `SelectMessageQueueByHash` |
//! | [`send_result`] | `SendResult`, `SendStatus` |

pub mod default_mq_producer;
pub mod default_mq_producer_impl;
pub mod latency_fault_tolerance;
pub mod message_queue_selector;
pub mod send_result;

pub use default_mq_producer::{DefaultMQProducer, ProducerBuilder, ProducerConfig};
pub use message_queue_selector::{MessageQueueSelector, SelectMessageQueueByHash};
pub use send_result::{SendResult, SendStatus};
