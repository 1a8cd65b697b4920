//! `TopicPublishInfo` — a producer's view of one topic. Mirrors
//! `org.apache.rocketmq.client.impl.producer.TopicPublishInfo` and
//! `MQClientInstance#topicRouteData2TopicPublishInfo`, which builds it.
//!
//! A route says, per broker, how many write queues the topic has there and
//! whether the broker takes writes. A producer flattens that into one list
//! of [`MessageQueue`]s, broker by broker and queue id by queue id, and walks
//! the list round robin with one counter, `sendWhichQueue`. The walk does not
//! care which broker a queue is on, so messages spread over the brokers in
//! proportion to their queues.
//!
//! A `TopicPublishInfo` never changes once built: a route refresh builds a
//! new one and replaces the old. Only the counter moves.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::message_queue::MessageQueue;
use crate::common::mix_all::MASTER_ID;
use crate::common::perm;
use crate::common::route::TopicRouteData;

/// The queues a producer may write to, and where it is in its walk.
#[derive(Debug)]
pub struct TopicPublishInfo {
    /// False for the placeholder a producer holds before any route is known
    /// (Java's `haveTopicRouterInfo`).
    pub have_topic_router_info: bool,
    /// Every writable queue of the topic, grouped by broker.
    pub message_queue_list: Vec<MessageQueue>,
    /// The round-robin position. Java keeps one per thread
    /// (`ThreadLocalIndex`) and starts it at a random number, so that many
    /// producers do not all begin with the same queue; ours starts at 0 so
    /// the trace is the same on every run.
    send_which_queue: AtomicUsize,
    /// The route this was built from.
    pub topic_route_data: TopicRouteData,
}

impl TopicPublishInfo {
    /// `TopicPublishInfo#ok`: is there at least one queue to send to?
    pub fn ok(&self) -> bool {
        !self.message_queue_list.is_empty()
    }

    /// Where the walk is: the value the last selection took.
    pub fn send_which_queue(&self) -> usize {
        self.send_which_queue.load(Ordering::Relaxed)
    }

    // ANCHOR: select_one_message_queue
    /// `TopicPublishInfo#selectOneMessageQueue(lastBrokerName)`: the next
    /// queue round robin, skipping the broker the previous attempt of this
    /// send failed on. Each queue looked at moves the counter one step. When
    /// every queue is on that broker, it takes the next one anyway: a topic
    /// on one broker must still be sent to.
    pub fn select_one_message_queue(&self, last_broker_name: Option<&str>) -> Option<MessageQueue> {
        let n = self.message_queue_list.len();
        if n == 0 {
            return None;
        }
        if let Some(last) = last_broker_name {
            for _ in 0..n {
                let mq = &self.message_queue_list[self.increment_and_get() % n];
                if mq.broker_name != last {
                    return Some(mq.clone());
                }
            }
        }
        Some(self.message_queue_list[self.increment_and_get() % n].clone())
    }
    // ANCHOR_END: select_one_message_queue

    // ANCHOR: select_one_message_queue_filtered
    /// `TopicPublishInfo#selectOneMessageQueue(QueueFilter...)`: the next
    /// queue round robin that passes `filter`, or none. Each queue looked at
    /// moves the counter one step.
    pub fn select_one_message_queue_filtered(
        &self,
        filter: impl Fn(&MessageQueue) -> bool,
    ) -> Option<MessageQueue> {
        let n = self.message_queue_list.len();
        (0..n)
            .map(|_| &self.message_queue_list[self.increment_and_get() % n])
            .find(|mq| filter(mq))
            .cloned()
    }
    // ANCHOR_END: select_one_message_queue_filtered

    /// `ThreadLocalIndex#incrementAndGet`.
    fn increment_and_get(&self) -> usize {
        self.send_which_queue.fetch_add(1, Ordering::Relaxed) + 1
    }
}

// ANCHOR: topic_route_data_to_topic_publish_info
/// `MQClientInstance#topicRouteData2TopicPublishInfo`: one queue per write
/// queue of every broker that takes writes and has a master, brokers in name
/// order (Java sorts the `QueueData`s by broker name first).
pub fn topic_route_data_to_topic_publish_info(
    topic: &str,
    route: &TopicRouteData,
) -> TopicPublishInfo {
    let mut queue_datas = route.queue_datas.clone();
    queue_datas.sort_by(|a, b| a.broker_name.cmp(&b.broker_name));
    let mut message_queue_list = Vec::new();
    for qd in queue_datas.iter().filter(|qd| perm::is_writeable(qd.perm)) {
        // A broker whose master is gone stays in the route while its slaves
        // live; only a master takes writes, so it contributes no queues.
        let has_master = route
            .broker_datas
            .iter()
            .any(|bd| bd.broker_name == qd.broker_name && bd.broker_addrs.contains_key(&MASTER_ID));
        if has_master {
            let ids = 0..qd.write_queue_nums;
            message_queue_list.extend(ids.map(|id| MessageQueue::new(topic, &qd.broker_name, id)));
        }
    }
    TopicPublishInfo {
        have_topic_router_info: true,
        message_queue_list,
        send_which_queue: AtomicUsize::new(0),
        topic_route_data: route.clone(),
    }
}
// ANCHOR_END: topic_route_data_to_topic_publish_info

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::common::route::{BrokerData, QueueData};

    fn route(brokers: &[(&str, i32)]) -> TopicRouteData {
        TopicRouteData {
            broker_datas: brokers
                .iter()
                .map(|(name, _)| BrokerData {
                    broker_addrs: BTreeMap::from([(0, format!("{name}:10911"))]),
                    broker_name: name.to_string(),
                    cluster: "DefaultCluster".into(),
                    enable_acting_master: false,
                })
                .collect(),
            filter_server_table: BTreeMap::new(),
            queue_datas: brokers
                .iter()
                .map(|(name, queues)| QueueData {
                    broker_name: name.to_string(),
                    perm: 6,
                    read_queue_nums: *queues,
                    topic_sys_flag: 0,
                    write_queue_nums: *queues,
                })
                .collect(),
        }
    }

    #[test]
    fn queues_are_listed_broker_by_broker_in_name_order() {
        let info = topic_route_data_to_topic_publish_info("T", &route(&[("b", 1), ("a", 2)]));
        let names: Vec<String> = info
            .message_queue_list
            .iter()
            .map(|mq| mq.to_string())
            .collect();
        assert_eq!(names, ["a/q0", "a/q1", "b/q0"]);
    }

    #[test]
    fn a_retry_skips_the_last_broker_unless_it_is_the_only_one() {
        let info = topic_route_data_to_topic_publish_info("T", &route(&[("a", 2), ("b", 2)]));
        // The counter is at 1 after this: a/q1.
        assert_eq!(info.select_one_message_queue(None).unwrap().to_string(), "a/q1");
        // 2 is b/q0: skipped; 3 is b/q1: skipped; 4 is a/q0.
        let mq = info.select_one_message_queue(Some("b")).unwrap();
        assert_eq!((mq.to_string(), info.send_which_queue()), ("a/q0".into(), 4));

        let only_b = topic_route_data_to_topic_publish_info("T", &route(&[("b", 2)]));
        assert_eq!(
            only_b
                .select_one_message_queue(Some("b"))
                .unwrap()
                .broker_name,
            "b"
        );
    }

    #[test]
    fn a_read_only_broker_gets_no_queues() {
        let mut r = route(&[("a", 2), ("b", 2)]);
        r.queue_datas[1].perm = perm::PERM_READ;
        let info = topic_route_data_to_topic_publish_info("T", &r);
        assert!(
            info.message_queue_list
                .iter()
                .all(|mq| mq.broker_name == "a")
        );
    }
}
