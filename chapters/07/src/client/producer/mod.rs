//! Producers — Java package `org.apache.rocketmq.client.producer` and the
//! send path of `client.impl.producer`.
//!
//! | file | Java class |
//! |---|---|
//! | [`default_mq_producer`] | `DefaultMQProducer`: settings, `start`, `send`, `shutdown` |
//! | [`default_mq_producer_impl`] | `DefaultMQProducerImpl`: route, queue, send, retry |

pub mod default_mq_producer;
pub mod default_mq_producer_impl;
