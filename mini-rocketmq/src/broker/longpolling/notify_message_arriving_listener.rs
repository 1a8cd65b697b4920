//! `NotifyMessageArrivingListener`: the store's "a message is readable" hook,
//! forwarded to the hold service.
//!
//! Mirrors `org.apache.rocketmq.broker.longpolling.NotifyMessageArrivingListener`.
//! The store's dispatcher calls it right after it appends a consume-queue
//! entry; a held pull for that queue is answered at once, which is what makes
//! a push consumer see a message within a millisecond of its send even
//! though its pull was sent seconds earlier.

use std::sync::Arc;

use super::pull_request_hold_service::PullRequestHoldService;
use crate::store::message_arriving_listener::MessageArrivingListener;

pub struct NotifyMessageArrivingListener {
    hold_service: Arc<PullRequestHoldService>,
}

impl NotifyMessageArrivingListener {
    pub fn new(hold_service: Arc<PullRequestHoldService>) -> Self {
        NotifyMessageArrivingListener { hold_service }
    }
}

impl MessageArrivingListener for NotifyMessageArrivingListener {
    fn arriving(
        &self,
        topic: &str,
        queue_id: i32,
        logic_offset: i64,
        tags_code: Option<i64>,
        _msg_store_time: i64,
        _properties: &str,
    ) {
        self.hold_service
            .notify_message_arriving(topic, queue_id, logic_offset, tags_code);
    }
}
