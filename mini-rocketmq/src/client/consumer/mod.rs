//! Consumers — Java packages `org.apache.rocketmq.client.consumer` and
//! `client.impl.consumer`.
//!
//! | file | Java class |
//! |---|---|
//! | [`default_mq_push_consumer`] | `DefaultMQPushConsumer` (builder and API) |
//! | [`default_mq_push_consumer_impl`] | `DefaultMQPushConsumerImpl` (start, pull loop, shutdown) and `DefaultMQPushConsumer`'s settings (`PushConsumerConfig`) |
//! | [`rebalance_push_impl`] | `RebalancePushImpl` |
//! | [`lite_pull_consumer`] | `DefaultLitePullConsumer` (builder and API) |
//! | [`lite_pull_consumer_impl`] | `DefaultLitePullConsumerImpl` (pull tasks, poll, commit) and `DefaultLitePullConsumer`'s settings (`LitePullConsumerConfig`) |
//! | [`rebalance_lite_pull_impl`] | `RebalanceLitePullImpl` |
//! | [`listener`] | `MessageListenerConcurrently`, `ConsumeConcurrentlyContext`, `ConsumeConcurrentlyStatus` |
//! | [`consume_message_concurrently_service`] | `ConsumeMessageConcurrentlyService` |
//! | [`pull_message_service`] | `PullMessageService`, `PullRequest` |
//! | [`mq_client_api::pull_result`](crate::client::mq_client_api::pull_result) | `PullResult`, `PullStatus` (re-exported here) |
//! | [`pull_api_wrapper`] | `PullAPIWrapper` |
//! | [`process_queue`] | `ProcessQueue` |
//! | [`offset_store`] | `OffsetStore`, `RemoteBrokerOffsetStore`, `LocalFileOffsetStore` |
//! | [`rebalance_impl`] | `RebalanceImpl` |
//! | [`rebalance_service`] | `RebalanceService` |
//! | [`allocate_message_queue`] | `AllocateMessageQueueAveragely`, `AllocateMessageQueueAveragelyByCircle` |
//! | [`message_model`] | `MessageModel`, `ConsumeFromWhere`, `ConsumeType` |
//! | [`mq_consumer_inner`] | `MQConsumerInner` |

pub mod allocate_message_queue;
pub mod consume_message_concurrently_service;
pub mod default_mq_push_consumer;
pub mod default_mq_push_consumer_impl;
pub mod listener;
pub mod lite_pull_consumer;
pub mod lite_pull_consumer_impl;
pub mod message_model;
pub mod mq_consumer_inner;
pub mod offset_store;
pub mod process_queue;
pub mod pull_api_wrapper;
pub mod pull_message_service;
pub mod rebalance_impl;
pub mod rebalance_lite_pull_impl;
pub mod rebalance_push_impl;
pub mod rebalance_service;

pub use crate::client::mq_client_api::pull_result::{PullResult, PullStatus};
pub use allocate_message_queue::{
    AllocateMessageQueueAveragely, AllocateMessageQueueAveragelyByCircle,
    AllocateMessageQueueStrategy,
};
pub use default_mq_push_consumer::{
    DefaultMQPushConsumer, PushConsumerBuilder, PushConsumerConfig,
};
pub use listener::{ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus};
pub use lite_pull_consumer::{
    DefaultLitePullConsumer, LitePullConsumerBuilder, LitePullConsumerConfig,
};
pub use message_model::{ConsumeFromWhere, MessageModel};
