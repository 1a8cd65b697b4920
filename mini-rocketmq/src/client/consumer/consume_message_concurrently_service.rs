//! Running the listener — Java `ConsumeMessageConcurrentlyService`.
//!
//! Pulled messages are cut into batches of `consume_message_batch_max_size`
//! (1 by default) and each batch becomes a *consume request*: a tokio task
//! that waits for one of `consume_thread_max` (20) permits, calls the
//! listener, and then settles the outcome (Java: a 20-thread pool; a
//! semaphore bounds concurrency the same way without owning threads).
//!
//! Settling is where delivery guarantees are made (`processConsumeResult`):
//!
//! * **success** — the batch leaves the `ProcessQueue`, and the offset store
//!   learns the new commit point (the smallest offset still in flight, see
//!   `ProcessQueue::remove_message`). Nothing goes to the broker yet; the 5 s
//!   timer does that.
//! * **reconsume later** — CLUSTERING: each message is sent back to the
//!   broker (CONSUMER_SEND_MSG_BACK), which re-delivers it through the
//!   group's retry topic after a delay; *then* it leaves the process queue as
//!   if consumed. A message the broker would not take back stays in the
//!   process queue — holding the commit point — and is consumed again here
//!   after 5 s. BROADCASTING has no retry topic: a failed message is logged
//!   and dropped, as in Java.
//!
//! The listener runs in a task of its own, so a panicking listener is
//! caught (the `JoinError`) and treated as "reconsume later".

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::client::client_instance::MQClientInstance;
use crate::client::consumer::listener::{
    ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus, MessageListenerConcurrently,
};
use crate::client::consumer::message_model::MessageModel;
use crate::client::consumer::offset_store::OffsetStore;
use crate::client::consumer::process_queue::ProcessQueue;
use crate::common::message::MessageExt;
use crate::common::message_queue::MessageQueue;

/// Java's fixed back-off before a batch whose send-back failed is consumed
/// again locally.
const RECONSUME_LOCALLY_DELAY: Duration = Duration::from_secs(5);

/// The settings the service needs from the consumer.
#[derive(Debug, Clone)]
pub struct ConsumeServiceConfig {
    pub consumer_group: String,
    pub message_model: MessageModel,
    pub consume_thread_max: usize,
    pub consume_message_batch_max_size: usize,
    /// Already resolved: Java's `-1` means 16 for concurrent consumers.
    pub max_reconsume_times: i32,
}

/// Java `ConsumeMessageConcurrentlyService`. Cheap to clone.
#[derive(Clone)]
pub struct ConsumeMessageConcurrentlyService {
    inner: Arc<ServiceInner>,
}

struct ServiceInner {
    config: ConsumeServiceConfig,
    listener: Arc<dyn MessageListenerConcurrently>,
    permits: Arc<Semaphore>,
    offset_store: Arc<dyn OffsetStore>,
    instance: Arc<MQClientInstance>,
}

impl ConsumeMessageConcurrentlyService {
    pub fn new(
        config: ConsumeServiceConfig,
        listener: Arc<dyn MessageListenerConcurrently>,
        offset_store: Arc<dyn OffsetStore>,
        instance: Arc<MQClientInstance>,
    ) -> Self {
        let permits = Arc::new(Semaphore::new(config.consume_thread_max.max(1)));
        ConsumeMessageConcurrentlyService {
            inner: Arc::new(ServiceInner {
                config,
                listener,
                permits,
                offset_store,
                instance,
            }),
        }
    }

    /// Java `submitConsumeRequest`: one task per batch.
    pub fn submit_consume_request(
        &self,
        msgs: Vec<Arc<MessageExt>>,
        pq: Arc<ProcessQueue>,
        mq: &MessageQueue,
    ) {
        let batch = self.inner.config.consume_message_batch_max_size.max(1);
        for chunk in msgs.chunks(batch) {
            let inner = Arc::clone(&self.inner);
            let (chunk, pq, mq) = (chunk.to_vec(), Arc::clone(&pq), mq.clone());
            tokio::spawn(async move { inner.consume_request(chunk, pq, mq).await });
        }
    }

    /// Waits (up to `timeout`) until no consume request is running, then
    /// stops new ones from starting. Holding every permit while closing the
    /// semaphore means no request is between "listener returned" and "offset
    /// updated" when the caller goes on to persist offsets.
    pub async fn shutdown(&self, timeout: Duration) {
        let all = self.inner.config.consume_thread_max.max(1) as u32;
        let idle = tokio::time::timeout(timeout, self.inner.permits.acquire_many(all)).await;
        self.inner.permits.close();
        drop(idle);
    }
}

impl ServiceInner {
    /// Java `ConsumeRequest#run`.
    async fn consume_request(
        self: Arc<Self>,
        msgs: Vec<Arc<MessageExt>>,
        pq: Arc<ProcessQueue>,
        mq: MessageQueue,
    ) {
        if pq.is_dropped() {
            return;
        }
        let Ok(_permit) = Arc::clone(&self.permits).acquire_owned().await else {
            return; // shut down
        };
        if pq.is_dropped() {
            return;
        }
        let context = ConsumeConcurrentlyContext::new(mq.clone());
        let listening = self.listener.consume_message(msgs.clone(), context.clone());
        let status = match tokio::spawn(listening).await {
            Ok(status) => status,
            Err(e) => {
                tracing::warn!(group = %self.config.consumer_group, %mq, error = %e, "the listener panicked; the batch will be consumed again");
                ConsumeConcurrentlyStatus::ReconsumeLater
            }
        };
        if pq.is_dropped() {
            // Rebalance gave the queue away while we consumed; the new owner
            // starts from the committed offset and will see these again.
            tracing::debug!(group = %self.config.consumer_group, %mq, "queue dropped during consume; result not applied");
            return;
        }
        self.process_consume_result(status, &context, msgs, &pq, &mq)
            .await;
    }

    /// Java `processConsumeResult`.
    async fn process_consume_result(
        self: &Arc<Self>,
        status: ConsumeConcurrentlyStatus,
        context: &ConsumeConcurrentlyContext,
        mut msgs: Vec<Arc<MessageExt>>,
        pq: &Arc<ProcessQueue>,
        mq: &MessageQueue,
    ) {
        if status == ConsumeConcurrentlyStatus::ReconsumeLater {
            match self.config.message_model {
                MessageModel::Broadcasting => {
                    for msg in &msgs {
                        tracing::warn!(group = %self.config.consumer_group, msg_id = %msg.msg_id, "BROADCASTING: consume failed, message dropped");
                    }
                }
                MessageModel::Clustering => {
                    let mut failed = Vec::new();
                    for msg in &msgs {
                        if !self
                            .send_message_back(msg, context.delay_level_when_next_consume())
                            .await
                        {
                            failed.push(Arc::clone(msg));
                        }
                    }
                    if !failed.is_empty() {
                        // Keep them in the process queue (the commit point
                        // stays behind them) and try again locally.
                        msgs.retain(|m| !failed.iter().any(|f| f.queue_offset == m.queue_offset));
                        let retry: Vec<Arc<MessageExt>> = failed
                            .iter()
                            .map(|m| {
                                let mut again = MessageExt::clone(m);
                                again.reconsume_times += 1;
                                Arc::new(again)
                            })
                            .collect();
                        self.submit_consume_request_later(retry, Arc::clone(pq), mq.clone());
                    }
                }
            }
        }
        let offset = pq.remove_message(&msgs);
        if offset >= 0 && !pq.is_dropped() {
            self.offset_store.update_offset(mq, offset, true);
        }
    }

    fn submit_consume_request_later(
        self: &Arc<Self>,
        msgs: Vec<Arc<MessageExt>>,
        pq: Arc<ProcessQueue>,
        mq: MessageQueue,
    ) {
        let inner = Arc::clone(self);
        tokio::spawn(async move {
            tokio::time::sleep(RECONSUME_LOCALLY_DELAY).await;
            inner.consume_request(msgs, pq, mq).await;
        });
    }

    /// Java `DefaultMQPushConsumerImpl#sendMessageBack`: to the master of
    /// the broker the message came from (or its store host, if the route
    /// lost it). Returns whether the broker took it.
    async fn send_message_back(&self, msg: &MessageExt, delay_level: i32) -> bool {
        let addr = self
            .instance
            .find_broker_address_in_publish(&msg.broker_name)
            .map_or_else(|| msg.store_host.to_string(), |a| a.to_string());
        let timeout = self.instance.config().mq_client_api_timeout;
        let result = self
            .instance
            .api()
            .consumer_send_message_back(
                &addr,
                &msg.broker_name,
                msg,
                &self.config.consumer_group,
                delay_level,
                self.config.max_reconsume_times,
                timeout,
            )
            .await;
        match result {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(group = %self.config.consumer_group, msg_id = %msg.msg_id, error = %e, "send back failed; consuming again locally in 5 s");
                false
            }
        }
    }
}
