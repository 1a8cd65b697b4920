//! The lite pull consumer's side of rebalance — Java `RebalanceLitePullImpl`:
//! a queue gained starts a pull task, a queue lost stops it and commits how
//! far `poll` got.

use crate::client::consumer::lite_pull_consumer_impl::DefaultLitePullConsumerImpl;
use crate::client::consumer::message_model::ConsumeFromWhere;
use crate::client::consumer::offset_store::ReadOffsetType;
use crate::client::consumer::process_queue::ProcessQueue;
use crate::client::consumer::pull_message_service::PullRequest;
use crate::client::consumer::rebalance_impl::RebalanceHooks;
use crate::client::exception::{MQClientError, MQResult};
use crate::client::mq_admin_impl::MQAdminImpl;
use crate::client::now_millis;
use crate::common::message_queue::MessageQueue;
use crate::remoting::processor::BoxFuture;

impl DefaultLitePullConsumerImpl {
    /// Java `RebalanceLitePullImpl#computePullFromWhereWithException`.
    pub(super) async fn compute_pull_from_where_impl(&self, mq: &MessageQueue) -> MQResult<i64> {
        let running = self.running()?;
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
        match self.config.consume_from_where {
            ConsumeFromWhere::ConsumeFromLastOffset => admin.max_offset(mq).await,
            ConsumeFromWhere::ConsumeFromFirstOffset => Ok(0),
            ConsumeFromWhere::ConsumeFromTimestamp => {
                admin.search_offset(mq, now_millis() - 30 * 60 * 1000).await
            }
        }
    }
}

impl RebalanceHooks for DefaultLitePullConsumerImpl {
    fn remove_unnecessary_message_queue<'a>(
        &'a self,
        mq: &'a MessageQueue,
        _pq: &'a ProcessQueue,
    ) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            let Some(running) = self.running.get() else {
                return true;
            };
            if let Some(offset) = self.stop_queue(mq).filter(|o| *o >= 0) {
                running.offset_store.update_offset(mq, offset, false);
            }
            running.offset_store.persist(mq).await;
            running.offset_store.remove_offset(mq);
            true
        })
    }

    fn compute_pull_from_where<'a>(&'a self, mq: &'a MessageQueue) -> BoxFuture<'a, MQResult<i64>> {
        Box::pin(self.compute_pull_from_where_impl(mq))
    }

    fn dispatch_pull_request(&self, requests: Vec<PullRequest>) {
        for request in requests {
            self.start_queue(
                request.message_queue,
                request.next_offset,
                request.process_queue,
            );
        }
    }

    fn remove_dirty_offset(&self, mq: &MessageQueue) {
        if let Some(running) = self.running.get() {
            running.offset_store.remove_offset(mq);
        }
    }

    fn drops_expired_queues(&self) -> bool {
        // The pull tasks here are replaced by `seek`; the rebalance table's
        // process queue may be an old one, and its pull time says nothing.
        false
    }
}
