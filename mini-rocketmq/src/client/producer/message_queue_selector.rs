//! Choosing the queue yourself — Java `MessageQueueSelector` and its stock
//! implementations `SelectMessageQueueByHash` / `SelectMessageQueueByRandom`.
//!
//! Ordered messaging in RocketMQ is *per queue*: messages of one queue are
//! stored and delivered in order, so a producer that wants "all events of
//! order 42 in order" sends them all to the same queue. A selector is the
//! function that maps a message (and a caller-supplied key) to a queue. Java
//! passes the key as a separate `Object arg`; a Rust closure simply captures
//! it, so the selector here takes only the queue list and the message.

use crate::common::message::Message;
use crate::common::message_queue::MessageQueue;

/// Java `MessageQueueSelector`. Any `Fn(&[MessageQueue], &Message) -> usize`
/// closure is one: it returns an index into the queue list (taken modulo its
/// length, so a hash can be returned as is).
pub trait MessageQueueSelector: Send + Sync {
    fn select(&self, mqs: &[MessageQueue], msg: &Message) -> usize;
}

impl<F> MessageQueueSelector for F
where
    F: Fn(&[MessageQueue], &Message) -> usize + Send + Sync,
{
    fn select(&self, mqs: &[MessageQueue], msg: &Message) -> usize {
        self(mqs, msg)
    }
}

/// Java `SelectMessageQueueByHash`: the same key always lands on the same
/// queue (as long as the topic's queue count does not change).
#[derive(Debug, Clone)]
pub struct SelectMessageQueueByHash<K: std::hash::Hash>(pub K);

impl<K: std::hash::Hash + Send + Sync> MessageQueueSelector for SelectMessageQueueByHash<K> {
    fn select(&self, mqs: &[MessageQueue], _msg: &Message) -> usize {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        // A fixed-key hasher: the mapping must be stable across processes and
        // restarts, which `RandomState` would not be.
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(&self.0);
        (hash % mqs.len().max(1) as u64) as usize
    }
}
