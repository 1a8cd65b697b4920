//! `ExpressionMessageFilter`: which messages of a queue a pull may return.
//!
//! Mirrors `org.apache.rocketmq.broker.filter.ExpressionMessageFilter`, for
//! TAG expressions. A subscription `TagA || TagB` arrives as a set of tag
//! hash codes (`SubscriptionData.codeSet`, Java `String.hashCode`); every
//! consume-queue entry carries the hash of its message's tag (`tagsCode`).
//! So the store can reject non-matching messages from the 20-byte index entry
//! alone, without reading the CommitLog — that is the whole point of putting
//! the hash in the consume queue.
//!
//! Hashes collide, so this filter can let through a message whose tag merely
//! has the same hash; clients check the tag string again after decoding
//! (Java `PullAPIWrapper#processPullResult`). SQL92 expressions are not
//! supported by this broker (the pull processor refuses them up front, as a
//! Java broker does with `enablePropertyFilter=false`), so the CommitLog
//! stage accepts everything.

use std::sync::Arc;

use crate::remoting::protocol::body::heartbeat_data::{EXPRESSION_TYPE_TAG, SubscriptionData};
use crate::store::message_filter::MessageFilter;

pub struct ExpressionMessageFilter {
    subscription: Option<Arc<SubscriptionData>>,
}

impl ExpressionMessageFilter {
    /// A filter for `subscription`; `None` lets everything through.
    pub fn new(subscription: Option<Arc<SubscriptionData>>) -> Self {
        ExpressionMessageFilter { subscription }
    }

    /// The subscription this filter applies.
    pub fn subscription(&self) -> Option<&Arc<SubscriptionData>> {
        self.subscription.as_ref()
    }
}

impl MessageFilter for ExpressionMessageFilter {
    fn is_matched_by_consume_queue(&self, tags_code: Option<i64>) -> bool {
        let Some(sub) = &self.subscription else {
            return true;
        };
        if sub.class_filter_mode || sub.expression_type != EXPRESSION_TYPE_TAG {
            return true;
        }
        let Some(code) = tags_code else {
            return true;
        };
        if sub.is_sub_all() {
            return true;
        }
        // Java compares `codeSet.contains(tagsCode.intValue())`: the entry
        // holds the int hash widened to a long, so truncating gives it back.
        sub.code_set.contains(&(code as i32))
    }

    fn is_matched_by_commit_log(&self, _msg: &[u8]) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::message::tags_string_to_tags_code;

    #[test]
    fn matches_by_tag_hash() {
        let sub = Arc::new(SubscriptionData::build("T", "TagA || TagB", None, 1));
        let f = ExpressionMessageFilter::new(Some(sub));
        assert!(f.is_matched_by_consume_queue(Some(tags_string_to_tags_code("TagA"))));
        assert!(f.is_matched_by_consume_queue(Some(tags_string_to_tags_code("TagB"))));
        assert!(!f.is_matched_by_consume_queue(Some(tags_string_to_tags_code("TagC"))));
        // A message without a tag has code 0, which no real tag set contains.
        assert!(!f.is_matched_by_consume_queue(Some(0)));
        let all = ExpressionMessageFilter::new(Some(Arc::new(SubscriptionData::build(
            "T", "*", None, 1,
        ))));
        assert!(all.is_matched_by_consume_queue(Some(12345)));
        assert!(ExpressionMessageFilter::new(None).is_matched_by_consume_queue(Some(1)));
    }
}
