//! Turning a pull response into messages — Java `PullAPIWrapper`
//! (`processPullResult`, `updatePullFromWhichNode`).
//!
//! The broker filters by tag *hash code* (the consume queue stores only the
//! hash, facts §5.2), so two tags with the same hash both pass its filter.
//! The client therefore filters again by the tag *string* after decoding —
//! the second half of RocketMQ's two-step tag filter.
//!
//! It also remembers, per queue, which broker id the broker suggested for
//! the next pull (master, or a slave when the master is busy).

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use parking_lot::RwLock;

use crate::client::mq_client_api::pull_result::{PullResult, PullStatus};
use crate::common::message::MessageExt;
use crate::common::message_const;
use crate::common::message_decoder;
use crate::common::message_queue::MessageQueue;
use crate::common::mix_all;
use crate::remoting::protocol::body::heartbeat_data::SubscriptionData;

/// Java `PullAPIWrapper`.
#[derive(Debug, Default)]
pub struct PullAPIWrapper {
    /// queue → the broker id to pull from next (absent = master).
    pull_from_which_node_table: RwLock<HashMap<MessageQueue, i64>>,
}

impl PullAPIWrapper {
    /// The broker id to pull `mq` from (Java `recalculatePullFromWhichNode`).
    pub fn recalculate_pull_from_which_node(&self, mq: &MessageQueue) -> i64 {
        self.pull_from_which_node_table
            .read()
            .get(mq)
            .copied()
            .unwrap_or(mix_all::MASTER_ID)
    }

    /// Java `processPullResult`: decode, filter by tag string, stamp the
    /// queue's min/max offsets and broker name, and put a retried message
    /// back under its original topic (`resetRetryAndNamespace`, done here
    /// once rather than before every consume).
    pub fn process_pull_result(
        &self,
        mq: &MessageQueue,
        consumer_group: &str,
        mut result: PullResult,
        body: Bytes,
        subscription: &SubscriptionData,
    ) -> PullResult {
        self.pull_from_which_node_table
            .write()
            .insert(mq.clone(), result.suggest_which_broker_id);
        if result.pull_status != PullStatus::Found || body.is_empty() {
            return result;
        }
        let retry_topic = mix_all::get_retry_topic(consumer_group);
        let min_offset = result.min_offset.to_string();
        let max_offset = result.max_offset.to_string();
        let filter_by_tags = !subscription.tags_set.is_empty() && !subscription.class_filter_mode;
        result.msg_found_list = message_decoder::decodes_batch(&body, true, true)
            .into_iter()
            .filter(|msg| {
                !filter_by_tags
                    || msg
                        .tags()
                        .is_some_and(|tag| subscription.tags_set.contains(tag))
            })
            .map(|mut msg: MessageExt| {
                msg.put_property(message_const::PROPERTY_MIN_OFFSET, min_offset.clone());
                msg.put_property(message_const::PROPERTY_MAX_OFFSET, max_offset.clone());
                msg.broker_name = mq.broker_name.clone();
                if msg.topic == retry_topic
                    && let Some(original) = msg.property(message_const::PROPERTY_RETRY_TOPIC)
                {
                    msg.message.topic = original.to_string();
                }
                Arc::new(msg)
            })
            .collect();
        result
    }
}
