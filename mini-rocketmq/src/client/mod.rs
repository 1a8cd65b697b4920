//! The client side — Apache RocketMQ's `client` module: producers, consumers
//! and the machinery they share.
//!
//! ## Layout
//!
//! | file | Java class | job |
//! |---|---|---|
//! | [`client_config`] | `ClientConfig` | name servers, client id, timer periods |
//! | [`client_instance`] | `MQClientInstance` | one per client id: connections, route cache, heartbeats, rebalance and offset timers |
//! | [`mq_client_manager`] | `MQClientManager` | the process-wide table of instances by client id |
//! | [`mq_client_api`] | `MQClientAPIImpl`, `SendResult`, `PullResult` | every RPC as a typed async method, and the results it returns |
//! | [`mq_admin_impl`] | `MQAdminImpl` | queue offsets, offset by time, messages by id or key |
//! | [`topic_publish_info`] | `TopicPublishInfo` | a topic's writable queues, round robin |
//! | [`client_remoting_processor`] | `ClientRemotingProcessor` | requests brokers send to clients |
//! | [`exception`] | `MQClientException`, `MQBrokerException` | errors |
//! | [`producer`] | `DefaultMQProducer`, `MQFaultStrategy` … | sending |
//! | [`consumer`] | `DefaultMQPushConsumer`, `DefaultLitePullConsumer`, `RebalanceImpl` … | consuming |
//!
//! ## Where a message goes
//!
//! ```text
//! producer.send(msg)
//!   └─ MQClientInstance: route of the topic (cache ← name server every 30 s)
//!   └─ MQFaultStrategy: pick a queue (round robin, avoid the broker that just failed)
//!   └─ MQClientAPIImpl: SEND_MESSAGE_V2 → broker (one shared connection per broker)
//!
//! push consumer
//!   └─ RebalanceImpl (every 20 s / on NOTIFY_CONSUMER_IDS_CHANGED): which queues are mine
//!   └─ PullMessageService: PULL_MESSAGE per queue, long-polled by the broker
//!   └─ ProcessQueue → ConsumeMessageConcurrentlyService → your async listener
//!   └─ OffsetStore: position in memory, UPDATE_CONSUMER_OFFSET every 5 s
//! ```
//!
//! ## Which way the imports point
//!
//! ```text
//! producer::DefaultMQProducer ─► DefaultMQProducerImpl ─┐
//! consumer::DefaultMQPushConsumer ─► …PushConsumerImpl ─┼─► MQClientInstance ─► MQClientAPIImpl ─► remoting
//! consumer::DefaultLitePullConsumer ─► …LitePullImpl ───┘   (mq_client_manager    (+ SendResult,
//!                                                            hands it out)         PullResult)
//! ```
//!
//! Every arrow points down; `scripts/imports.py client` counts no import
//! circle. Where Java's classes point at each other, the Rust splits the
//! knot: the results live with the API that returns them
//! ([`mq_client_api::send_result`], [`mq_client_api::pull_result`]), the
//! instance does not know the [`mq_client_manager`] that hands it out (the
//! table forgets shut-down instances itself), and the broker→client
//! [`client_remoting_processor`] holds the instance's consumer table and
//! rebalance service rather than the instance.
//!
//! Each client is a face and an impl, as in Java: the face
//! (`DefaultMQProducer`, `DefaultMQPushConsumer`, `DefaultLitePullConsumer`)
//! is the builder and the public methods; the impl holds the running state
//! *and the settings* (`ProducerConfig`, `PushConsumerConfig`,
//! `LitePullConsumerConfig`), which Java keeps on the face and reads back
//! through a reference from the impl. Keeping them with the impl lets the
//! face depend on the impl and not the other way round.
//!
//! ## Shortcuts taken for teaching
//!
//! * Async Rust replaces Java's thread pools: a listener call, a pull, a
//!   timer are tokio tasks; a semaphore bounds concurrent listener calls.
//! * Not implemented: transactional and request/reply producers, orderly
//!   push consumption (`ConsumeMessageOrderlyService`; the lock/unlock RPCs
//!   exist), SQL92 filters, message tracing, namespaces, the VIP channel.

pub mod client_config;
pub mod client_instance;
pub mod client_remoting_processor;
pub mod consumer;
pub mod exception;
pub mod mq_admin_impl;
pub mod mq_client_api;
pub mod mq_client_manager;
pub mod producer;
pub mod topic_publish_info;

pub use client_config::ClientConfig;
pub use exception::{MQClientError, MQResult};

/// Java's `System.currentTimeMillis()`: wall-clock Unix milliseconds, the
/// unit of every timestamp on the wire (born time, subscription versions).
pub(crate) use crate::common::system_clock::now_millis;
