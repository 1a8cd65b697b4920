//! `NotifyMessageArrivingListener` — mirrors
//! `org.apache.rocketmq.broker.longpolling.NotifyMessageArrivingListener`:
//! the store's arrival events, passed to the hold service.

use std::sync::Arc;

use crate::broker::longpolling::pull_request_hold_service::PullRequestHoldService;
use crate::store::message_arriving_listener::MessageArrivingListener;

pub struct NotifyMessageArrivingListener {
    pull_request_hold_service: Arc<PullRequestHoldService>,
}

impl NotifyMessageArrivingListener {
    pub fn new(pull_request_hold_service: Arc<PullRequestHoldService>) -> Self {
        NotifyMessageArrivingListener {
            pull_request_hold_service,
        }
    }
}

// ANCHOR: arriving
impl MessageArrivingListener for NotifyMessageArrivingListener {
    /// A message at `logic_offset` means the queue's max offset is now one
    /// past it: held pulls from below that can be answered.
    fn arriving(&self, topic: &str, queue_id: i32, logic_offset: i64, tags_code: i64) {
        let service = &self.pull_request_hold_service;
        service.notify_message_arriving(topic, queue_id, logic_offset + 1, Some(tags_code));
    }
}
// ANCHOR_END: arriving
