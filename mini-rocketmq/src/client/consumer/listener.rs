//! The application's side of a push consumer — Java
//! `MessageListenerConcurrently`, `ConsumeConcurrentlyContext` and
//! `ConsumeConcurrentlyStatus` (package `client.consumer.listener`).
//!
//! A listener is an async closure: it gets a batch of messages (one by
//! default, `consume_message_batch_max_size`) and answers with a status:
//!
//! ```no_run
//! # use mini_rocketmq::client::consumer::DefaultMQPushConsumer;
//! # use mini_rocketmq::client::consumer::listener::ConsumeConcurrentlyStatus;
//! # let consumer = DefaultMQPushConsumer::new("cg");
//! consumer.register_message_listener_concurrently(|msgs, _ctx| async move {
//!     for msg in &msgs {
//!         println!("{} {:?}", msg.msg_id, msg.body);
//!     }
//!     ConsumeConcurrentlyStatus::ConsumeSuccess
//! });
//! ```
//!
//! `ReconsumeLater` hands the messages back to the broker (CONSUMER_SEND_MSG_BACK),
//! which delivers them again after a delay through the group's `%RETRY%`
//! topic — 10 s, 30 s, 1 min … up to 16 times, then the dead-letter queue.
//! A listener that panics counts as `ReconsumeLater`: the message is not
//! lost, and the consumer keeps running.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

use crate::common::message::MessageExt;
use crate::common::message_queue::MessageQueue;
use crate::remoting::processor::BoxFuture;

/// Java `ConsumeConcurrentlyStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsumeConcurrentlyStatus {
    /// Done; the offset may move past these messages.
    ConsumeSuccess,
    /// Failed; deliver again later.
    ReconsumeLater,
}

/// Java `ConsumeConcurrentlyContext`. Cheap to clone; clones share the
/// settable delay level, so a listener can set it on the copy it was given.
#[derive(Debug, Clone)]
pub struct ConsumeConcurrentlyContext {
    pub message_queue: MessageQueue,
    delay_level_when_next_consume: Arc<AtomicI32>,
}

impl ConsumeConcurrentlyContext {
    pub fn new(message_queue: MessageQueue) -> Self {
        ConsumeConcurrentlyContext {
            message_queue,
            delay_level_when_next_consume: Arc::new(AtomicI32::new(0)),
        }
    }

    /// The delay level for a `ReconsumeLater`: 0 lets the broker choose
    /// (`3 + reconsumeTimes`), a negative value sends the message straight
    /// to the dead-letter queue, 1..=18 picks a level (Java `ConsumeConcurrentlyContext#delayLevelWhenNextConsume`, `client/src/main/java/org/apache/rocketmq/client/consumer/listener/ConsumeConcurrentlyContext.java`).
    pub fn set_delay_level_when_next_consume(&self, level: i32) {
        self.delay_level_when_next_consume
            .store(level, Ordering::Relaxed);
    }

    pub fn delay_level_when_next_consume(&self) -> i32 {
        self.delay_level_when_next_consume.load(Ordering::Relaxed)
    }
}

/// Java `MessageListenerConcurrently`. Implemented for every
/// `Fn(Vec<Arc<MessageExt>>, ConsumeConcurrentlyContext) -> impl Future<Output = ConsumeConcurrentlyStatus>`.
pub trait MessageListenerConcurrently: Send + Sync + 'static {
    fn consume_message(
        &self,
        msgs: Vec<Arc<MessageExt>>,
        context: ConsumeConcurrentlyContext,
    ) -> BoxFuture<'static, ConsumeConcurrentlyStatus>;
}

impl<F, Fut> MessageListenerConcurrently for F
where
    F: Fn(Vec<Arc<MessageExt>>, ConsumeConcurrentlyContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ConsumeConcurrentlyStatus> + Send + 'static,
{
    fn consume_message(
        &self,
        msgs: Vec<Arc<MessageExt>>,
        context: ConsumeConcurrentlyContext,
    ) -> BoxFuture<'static, ConsumeConcurrentlyStatus> {
        Box::pin(self(msgs, context))
    }
}
