//! The producer's view of one topic — Java `TopicPublishInfo` — and the two
//! conversions `MQClientInstance` makes from a name-server route:
//! `topicRouteData2TopicPublishInfo` (the queues a producer may write to) and
//! `topicRouteData2TopicSubscribeInfo` (the queues a consumer may read from).
//!
//! A route lists, per broker, how many read and write queues the topic has
//! there and the broker's permission bits. A producer flattens that into one
//! list of `MessageQueue`s — broker by broker, queue id by queue id — and
//! walks it round-robin with one shared counter. A `TopicPublishInfo` is
//! immutable once built: a route refresh builds a new one and swaps the
//! `Arc`, so the send path reads it without any lock.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::message_queue::MessageQueue;
use crate::common::perm;
use crate::common::route::TopicRouteData;

/// Java `TopicPublishInfo`.
#[derive(Debug)]
pub struct TopicPublishInfo {
    /// True when the name server has an `ORDER_TOPIC_CONFIG` entry for the
    /// topic; the queue list then comes from that entry, in its order.
    pub order_topic: bool,
    /// False for the placeholder built when the name server knows nothing
    /// about the topic (the producer then falls back to `TBW102`'s route).
    pub have_topic_router_info: bool,
    /// Every writable queue of the topic, grouped by broker.
    pub message_queue_list: Vec<MessageQueue>,
    /// Round-robin position. Java uses a thread-local counter with a random
    /// start (`ThreadLocalIndex`); one shared atomic gives the same spread
    /// and is simpler to read. It starts at a clock-derived value so that
    /// many short-lived producers do not all hit queue 0 first.
    send_which_queue: AtomicUsize,
    /// The route this was built from (kept for the brokers' names).
    pub topic_route_data: TopicRouteData,
}

impl TopicPublishInfo {
    /// Java `MQClientInstance#topicRouteData2TopicPublishInfo`.
    pub fn from_route(topic: &str, route: &TopicRouteData) -> Self {
        let mut message_queue_list = Vec::new();
        let order_conf = route.order_topic_conf.as_deref().filter(|c| !c.is_empty());
        if let Some(conf) = order_conf {
            // "broker-a:4;broker-b:4" — the order the user configured wins,
            // because an ordered producer hashes keys onto this exact list.
            for entry in conf.split(';') {
                let Some((broker_name, nums)) = entry.split_once(':') else {
                    continue;
                };
                let Ok(nums) = nums.trim().parse::<i32>() else {
                    continue;
                };
                message_queue_list
                    .extend((0..nums).map(|id| MessageQueue::new(topic, broker_name.trim(), id)));
            }
        } else {
            let mut queue_datas = route.queue_datas.clone();
            queue_datas.sort_by(|a, b| a.broker_name.cmp(&b.broker_name));
            for qd in queue_datas {
                if !perm::is_writeable(qd.perm) {
                    continue;
                }
                // A broker whose master is gone still shows up in the route
                // (its slaves keep it there); a producer can only write to a
                // master, so such brokers contribute no queues.
                let has_master = route
                    .broker_datas
                    .iter()
                    .any(|bd| bd.broker_name == qd.broker_name && bd.broker_addrs.contains_key(&0));
                if !has_master {
                    continue;
                }
                message_queue_list.extend(
                    (0..qd.write_queue_nums)
                        .map(|id| MessageQueue::new(topic, &qd.broker_name, id)),
                );
            }
        }
        TopicPublishInfo {
            order_topic: order_conf.is_some(),
            have_topic_router_info: true,
            message_queue_list,
            send_which_queue: AtomicUsize::new(random_start()),
            topic_route_data: route.clone(),
        }
    }

    /// True when there is at least one queue to send to (Java `ok()`).
    pub fn ok(&self) -> bool {
        !self.message_queue_list.is_empty()
    }

    /// The next queue round-robin, whatever its broker.
    pub fn select_one_message_queue(&self) -> Option<MessageQueue> {
        let n = self.message_queue_list.len();
        if n == 0 {
            return None;
        }
        let index = self.send_which_queue.fetch_add(1, Ordering::Relaxed);
        Some(self.message_queue_list[index % n].clone())
    }

    /// The next queue round-robin that passes `filter`, or `None` when no
    /// queue does (Java `selectOneMessageQueue(QueueFilter...)`). One counter
    /// step per call, then a scan from there, so a filter that rejects a
    /// whole broker does not make the next broker's first queue hot.
    pub fn select_one_message_queue_where(
        &self,
        filter: impl Fn(&MessageQueue) -> bool,
    ) -> Option<MessageQueue> {
        let n = self.message_queue_list.len();
        if n == 0 {
            return None;
        }
        let start = self.send_which_queue.fetch_add(1, Ordering::Relaxed);
        (0..n)
            .map(|i| &self.message_queue_list[(start + i) % n])
            .find(|mq| filter(mq))
            .cloned()
    }

    /// Number of write queues `broker_name` has for this topic (used when a
    /// queue must be re-homed onto another broker).
    pub fn write_queue_nums_by_broker(&self, broker_name: &str) -> i32 {
        self.topic_route_data
            .queue_datas
            .iter()
            .find(|qd| qd.broker_name == broker_name)
            .map_or(-1, |qd| qd.write_queue_nums)
    }
}

/// Java `MQClientInstance#topicRouteData2TopicSubscribeInfo`: every readable
/// queue, sorted the way rebalance needs them (topic, broker, queue id).
pub fn topic_route_data_to_subscribe_info(
    topic: &str,
    route: &TopicRouteData,
) -> Vec<MessageQueue> {
    let mut mqs: Vec<MessageQueue> = route
        .queue_datas
        .iter()
        .filter(|qd| perm::is_readable(qd.perm))
        .flat_map(|qd| {
            (0..qd.read_queue_nums).map(|id| MessageQueue::new(topic, &qd.broker_name, id))
        })
        .collect();
    mqs.sort();
    mqs
}

/// A start position that differs between producers created in the same
/// process; no `rand` dependency needed for something this unimportant.
fn random_start() -> usize {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    (nanos as usize) % 1024
}
