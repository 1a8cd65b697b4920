//! What `MQClientInstance` needs from a consumer — Java `MQConsumerInner`.
//!
//! The instance is shared by every producer and consumer with the same client
//! id; its timers (heartbeat, route refresh, rebalance, offset persistence)
//! walk the registered consumers and call back into them through this trait.
//! Push and pull consumers implement it differently (a push consumer starts
//! pull loops when it gains a queue, a lite pull consumer starts pull tasks),
//! which is the one place a trait object earns its keep here.

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::RwLock;

use crate::client::consumer::message_model::{ConsumeFromWhere, ConsumeType, MessageModel};
use crate::common::message_queue::MessageQueue;
use crate::remoting::processor::BoxFuture;
use crate::remoting::protocol::body::heartbeat_data::SubscriptionData;

/// Java `MQClientInstance.consumerTable`: group → its consumer. The instance
/// owns it; the client's request processor reads it to find the consumer a
/// broker's request is for.
pub type ConsumerTable = RwLock<BTreeMap<String, Arc<dyn MQConsumerInner>>>;

/// Java `MQConsumerInner`.
pub trait MQConsumerInner: Send + Sync + 'static {
    fn group_name(&self) -> &str;
    fn message_model(&self) -> MessageModel;
    fn consume_type(&self) -> ConsumeType;
    fn consume_from_where(&self) -> ConsumeFromWhere;
    /// The subscriptions to announce in heartbeats (including the group's
    /// `%RETRY%` topic for clustering push consumers).
    fn subscriptions(&self) -> Vec<SubscriptionData>;
    /// Re-runs queue allocation for every subscribed topic.
    fn do_rebalance(&self) -> BoxFuture<'_, ()>;
    /// Sends the in-memory offsets to their store (broker or local file).
    fn persist_consumer_offset(&self) -> BoxFuture<'_, ()>;
    /// A fresh route arrived: these are now the topic's readable queues.
    fn update_topic_subscribe_info(&self, topic: &str, info: &[MessageQueue]);
    /// True when the consumer subscribes `topic` but has no queues for it yet
    /// (the route refresh then updates it even if the route did not change).
    fn is_subscribe_topic_need_update(&self, topic: &str) -> bool;
    /// Moves the group's position on `topic` (the broker's
    /// RESET_CONSUMER_CLIENT_OFFSET, sent by `mqadmin resetOffsetByTime`).
    fn reset_offset<'a>(
        &'a self,
        topic: &'a str,
        offsets: &'a [(MessageQueue, i64)],
    ) -> BoxFuture<'a, ()>;
}
