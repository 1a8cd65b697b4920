//! `ExpressionMessageFilter` — mirrors
//! `org.apache.rocketmq.broker.filter.ExpressionMessageFilter`, for TAG
//! expressions (SQL92 filters are chapter 22).
//!
//! Every stored message carries its tag's hash code, and so does a
//! subscription (`codeSet`). The filter compares the two numbers, so the
//! store can skip a message without reading it. Hashes collide, so a message
//! whose tag merely shares a hash gets through; the consumer checks the tag
//! string again after decoding (`PullAPIWrapper#processPullResult`).

use crate::remoting::protocol::heartbeat::subscription_data::SubscriptionData;
use crate::store::message_filter::MessageFilter;

pub struct ExpressionMessageFilter {
    subscription_data: SubscriptionData,
}

impl ExpressionMessageFilter {
    pub fn new(subscription_data: SubscriptionData) -> Self {
        ExpressionMessageFilter { subscription_data }
    }
}

// ANCHOR: is_matched_by_consume_queue
impl MessageFilter for ExpressionMessageFilter {
    /// `ExpressionMessageFilter#isMatchedByConsumeQueue`: `*` takes all;
    /// otherwise the tag's hash must be one of the subscribed hashes.
    fn is_matched_by_consume_queue(&self, tags_code: i64) -> bool {
        let sub = &self.subscription_data;
        sub.is_sub_all() || sub.code_set.contains(&tags_code)
    }
}
// ANCHOR_END: is_matched_by_consume_queue
