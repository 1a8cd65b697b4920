//! `MessageQueue` — mirrors `org.apache.rocketmq.common.message.MessageQueue`.
//!
//! A queue is named by three things: its topic, the broker (by name, not by
//! address) that holds it, and its id on that broker. `TopicTest` with two
//! write queues on broker-a and two on broker-b is four queues to a producer:
//! `broker-a/q0`, `broker-a/q1`, `broker-b/q0`, `broker-b/q1`. The broker
//! name, not an address, is what a client remembers: a broker's master may
//! move, its name stays.

use std::fmt;

/// One queue of one topic on one broker.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageQueue {
    pub topic: String,
    pub broker_name: String,
    pub queue_id: i32,
}

impl MessageQueue {
    pub fn new(topic: &str, broker_name: &str, queue_id: i32) -> Self {
        MessageQueue {
            topic: topic.to_string(),
            broker_name: broker_name.to_string(),
            queue_id,
        }
    }
}

/// Prints as `broker-a/q1`: the trace always says which topic it is about.
impl fmt::Display for MessageQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/q{}", self.broker_name, self.queue_id)
    }
}
