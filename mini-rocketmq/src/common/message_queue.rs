//! `MessageQueue` — mirrors `org.apache.rocketmq.common.message.MessageQueue`.
//!
//! A topic is split into queues on each broker; a queue is named by the
//! triple (topic, brokerName, queueId). Producers pick one to send to,
//! consumers are allocated a set of them by rebalance, and offsets are kept
//! per queue. Its JSON form (`{"brokerName":…,"queueId":…,"topic":…}`) appears
//! in lock bodies and, as an object used as a map key, in fastjson output.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One queue of a topic on one broker.
///
/// The derived order compares topic, then brokerName, then queueId — the
/// same order as Java's `compareTo`, which rebalance relies on: every member
/// of a group must sort the queues identically to agree on who gets which.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageQueue {
    pub topic: String,
    pub broker_name: String,
    pub queue_id: i32,
}

impl MessageQueue {
    pub fn new(topic: impl Into<String>, broker_name: impl Into<String>, queue_id: i32) -> Self {
        MessageQueue {
            topic: topic.into(),
            broker_name: broker_name.into(),
            queue_id,
        }
    }
}

impl fmt::Display for MessageQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "MessageQueue [topic={}, brokerName={}, queueId={}]",
            self.topic, self.broker_name, self.queue_id
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_like_java_compare_to() {
        let mut v = [
            MessageQueue::new("b", "broker-a", 0),
            MessageQueue::new("a", "broker-b", 0),
            MessageQueue::new("a", "broker-a", 1),
            MessageQueue::new("a", "broker-a", 0),
        ];
        v.sort();
        let names: Vec<String> = v
            .iter()
            .map(|q| format!("{}/{}/{}", q.topic, q.broker_name, q.queue_id))
            .collect();
        assert_eq!(
            names,
            [
                "a/broker-a/0",
                "a/broker-a/1",
                "a/broker-b/0",
                "b/broker-a/0"
            ]
        );
    }

    #[test]
    fn json_uses_rocketmq_names() {
        let q = MessageQueue::new("TopicTest", "broker-a", 3);
        assert_eq!(
            serde_json::to_string(&q).unwrap(),
            r#"{"topic":"TopicTest","brokerName":"broker-a","queueId":3}"#
        );
    }
}
