//! The next queue offset of every `(topic, queueId)` (Java:
//! `org.apache.rocketmq.store.queue.QueueOffsetOperator`, the `topicQueueTable`).
//!
//! The put path asks it, under the CommitLog put lock, "which number does
//! the next message of this queue get?" and bumps it after the append. It
//! is the only mutable state a put touches besides the mapped file, so it is
//! shaped for that one question: one hash of the topic per put, and the
//! queue ids below 1024 (all real ones) in a plain vector instead of a
//! second hash map. Recovery rebuilds it from the consume queues.

use std::collections::HashMap;

/// Queue ids below this live in the dense vector.
const DENSE_QUEUE_IDS: i32 = 1024;

#[derive(Debug, Default)]
struct QueueOffsets {
    dense: Vec<i64>,
    sparse: HashMap<i32, i64>,
}

impl QueueOffsets {
    fn slot(&mut self, queue_id: i32) -> &mut i64 {
        if (0..DENSE_QUEUE_IDS).contains(&queue_id) {
            let i = queue_id as usize;
            if self.dense.len() <= i {
                self.dense.resize(i + 1, 0);
            }
            &mut self.dense[i]
        } else {
            self.sparse.entry(queue_id).or_insert(0)
        }
    }

    fn get(&self, queue_id: i32) -> i64 {
        if (0..DENSE_QUEUE_IDS).contains(&queue_id) {
            self.dense.get(queue_id as usize).copied().unwrap_or(0)
        } else {
            self.sparse.get(&queue_id).copied().unwrap_or(0)
        }
    }

    fn remove(&mut self, queue_id: i32) {
        if let Some(v) = usize::try_from(queue_id)
            .ok()
            .and_then(|i| self.dense.get_mut(i))
        {
            *v = 0;
        }
        self.sparse.remove(&queue_id);
    }
}

#[derive(Debug, Default)]
pub struct QueueOffsetOperator {
    topics: HashMap<String, QueueOffsets>,
}

impl QueueOffsetOperator {
    /// The next offset of a queue (0 for a queue never written).
    pub fn get(&self, topic: &str, queue_id: i32) -> i64 {
        self.topics.get(topic).map(|q| q.get(queue_id)).unwrap_or(0)
    }

    /// The counter itself, created at 0 if missing; the put reads it, appends,
    /// and writes it back incremented.
    pub fn slot(&mut self, topic: &str, queue_id: i32) -> &mut i64 {
        if !self.topics.contains_key(topic) {
            self.topics
                .insert(topic.to_owned(), QueueOffsets::default());
        }
        self.topics
            .get_mut(topic)
            .expect("inserted just above")
            .slot(queue_id)
    }

    pub fn set(&mut self, topic: &str, queue_id: i32, next: i64) {
        *self.slot(topic, queue_id) = next;
    }

    pub fn remove_queue(&mut self, topic: &str, queue_id: i32) {
        if let Some(q) = self.topics.get_mut(topic) {
            q.remove(queue_id);
        }
    }

    pub fn remove_topic(&mut self, topic: &str) {
        self.topics.remove(topic);
    }

    pub fn clear(&mut self) {
        self.topics.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_and_sparse_queue_ids() {
        let mut t = QueueOffsetOperator::default();
        assert_eq!(t.get("T", 3), 0);
        *t.slot("T", 3) += 5;
        t.set("T", 70_000, 9);
        t.set("T", -1, 2);
        assert_eq!(t.get("T", 3), 5);
        assert_eq!(t.get("T", 2), 0);
        assert_eq!(t.get("T", 70_000), 9);
        assert_eq!(t.get("T", -1), 2);
        t.remove_queue("T", 3);
        assert_eq!(t.get("T", 3), 0);
        t.remove_topic("T");
        assert_eq!(t.get("T", 70_000), 0);
    }
}
