//! The push consumer's side of rebalance — Java `RebalancePushImpl`.
//!
//! [`RebalanceImpl`](super::rebalance_impl::RebalanceImpl) decides which
//! queues this client owns; these callbacks act on the decision: where a new
//! queue starts (`compute_pull_from_where`), how its first pull request
//! enters the pull loop, and what happens to the offset of a queue taken away.

use crate::client::consumer::default_mq_push_consumer_impl::DefaultMQPushConsumerImpl;
use crate::client::consumer::message_model::ConsumeFromWhere;
use crate::client::consumer::offset_store::ReadOffsetType;
use crate::client::consumer::process_queue::ProcessQueue;
use crate::client::consumer::pull_message_service::PullRequest;
use crate::client::consumer::rebalance_impl::RebalanceHooks;
use crate::client::exception::{MQClientError, MQResult};
use crate::client::mq_admin_impl::MQAdminImpl;
use crate::client::now_millis;
use crate::common::message_queue::MessageQueue;
use crate::common::mix_all;
use crate::remoting::processor::BoxFuture;

impl DefaultMQPushConsumerImpl {
    /// Java `RebalancePushImpl#computePullFromWhereWithException`.
    async fn compute_pull_from_where_impl(&self, mq: &MessageQueue) -> MQResult<i64> {
        let Some(running) = self.running.get() else {
            return Err(MQClientError::client("the consumer is not running"));
        };
        let last = running
            .offset_store
            .read_offset(mq, ReadOffsetType::ReadFromStore)
            .await;
        if last >= 0 {
            return Ok(last);
        }
        if last != -1 {
            return Err(MQClientError::client(format!(
                "cannot read the committed offset of {mq}"
            )));
        }
        let admin = MQAdminImpl::new(&running.instance);
        let is_retry = mix_all::is_retry_topic(&mq.topic);
        match self.config.consume_from_where {
            // A new group on a retry topic starts at 0: everything in it was
            // sent back by this very group.
            ConsumeFromWhere::ConsumeFromLastOffset if is_retry => Ok(0),
            ConsumeFromWhere::ConsumeFromLastOffset => admin.max_offset(mq).await,
            ConsumeFromWhere::ConsumeFromFirstOffset => Ok(0),
            ConsumeFromWhere::ConsumeFromTimestamp if is_retry => admin.max_offset(mq).await,
            ConsumeFromWhere::ConsumeFromTimestamp => {
                let timestamp = self
                    .config
                    .consume_timestamp
                    .unwrap_or_else(|| now_millis() - 30 * 60 * 1000);
                admin.search_offset(mq, timestamp).await
            }
        }
    }
}

impl RebalanceHooks for DefaultMQPushConsumerImpl {
    fn remove_unnecessary_message_queue<'a>(
        &'a self,
        mq: &'a MessageQueue,
        _pq: &'a ProcessQueue,
    ) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            let Some(running) = self.running.get() else {
                return true;
            };
            running.offset_store.persist(mq).await;
            running.offset_store.remove_offset(mq);
            true
        })
    }

    fn compute_pull_from_where<'a>(&'a self, mq: &'a MessageQueue) -> BoxFuture<'a, MQResult<i64>> {
        Box::pin(self.compute_pull_from_where_impl(mq))
    }

    fn dispatch_pull_request(&self, requests: Vec<PullRequest>) {
        let Some(running) = self.running.get() else {
            return;
        };
        for request in requests {
            running
                .pull_service
                .execute_pull_request_immediately(request);
        }
    }

    fn remove_dirty_offset(&self, mq: &MessageQueue) {
        if let Some(running) = self.running.get() {
            running.offset_store.remove_offset(mq);
        }
    }
}
