//! `RebalanceLockManager`: which client may consume a queue in order.
//!
//! Mirrors `org.apache.rocketmq.broker.client.rebalance.RebalanceLockManager`.
//! An orderly consumer must never have two members processing the same queue,
//! not even for the moment a rebalance moves the queue from one member to
//! another. So before consuming a queue it asks the queue's broker for a lock
//! (LOCK_BATCH_MQ), renews it every 20 s, and releases it (UNLOCK_BATCH_MQ)
//! when the queue is taken away. The broker keeps, per group and queue, the
//! client holding the lock and when it last renewed it; a lock not renewed
//! for 60 s expires, so a crashed client cannot keep a queue forever
//! (Java `RebalanceLockManager`, `broker/src/main/java/org/apache/rocketmq/broker/client/rebalance/RebalanceLockManager.java`: broker lifetime 60 s, client lifetime 30 s, renewal 20 s).
//!
//! One mutex guards the table. Lock requests are rare (every 20 s per
//! consumer) and short, so a single lock is simpler and plenty fast.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::time::Instant;

use crate::common::message_queue::MessageQueue;

/// `REBALANCE_LOCK_MAX_LIVE_TIME`.
pub const REBALANCE_LOCK_MAX_LIVE_TIME: Duration = Duration::from_secs(60);

struct LockEntry {
    client_id: String,
    last_update: Instant,
}

impl LockEntry {
    fn is_expired(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.last_update) > REBALANCE_LOCK_MAX_LIVE_TIME
    }
}

#[derive(Default)]
pub struct RebalanceLockManager {
    /// group → queue → holder.
    table: Mutex<HashMap<String, HashMap<MessageQueue, LockEntry>>>,
}

impl RebalanceLockManager {
    pub fn new() -> Self {
        Self::default()
    }

    /// Java `tryLockBatch`: lock (or renew) every queue of `mqs` for
    /// `client_id` that is free, expired or already its own. Returns the
    /// queues the client now holds; the others are held by someone else.
    pub fn try_lock_batch(
        &self,
        group: &str,
        mqs: &BTreeSet<MessageQueue>,
        client_id: &str,
    ) -> BTreeSet<MessageQueue> {
        let now = Instant::now();
        let mut locked = BTreeSet::new();
        let mut table = self.table.lock();
        let group_table = table.entry(group.to_string()).or_default();
        for mq in mqs {
            match group_table.get_mut(mq) {
                None => {
                    group_table.insert(
                        mq.clone(),
                        LockEntry {
                            client_id: client_id.to_string(),
                            last_update: now,
                        },
                    );
                    tracing::info!(group, client_id, mq = ?mq, "RebalanceLockManager#tryLockBatch: message queue locked");
                    locked.insert(mq.clone());
                }
                Some(entry) if entry.client_id == client_id => {
                    entry.last_update = now;
                    locked.insert(mq.clone());
                }
                Some(entry) if entry.is_expired(now) => {
                    tracing::warn!(group, old_client = %entry.client_id, new_client = client_id, mq = ?mq,
                        "message queue lock expired, taken over by another client");
                    entry.client_id = client_id.to_string();
                    entry.last_update = now;
                    locked.insert(mq.clone());
                }
                Some(entry) => {
                    tracing::warn!(group, holder = %entry.client_id, client_id, mq = ?mq,
                        "message queue locked by other client");
                }
            }
        }
        locked
    }

    /// Java `unlockBatch`: release the queues `client_id` holds; queues held
    /// by others are left alone.
    pub fn unlock_batch(&self, group: &str, mqs: &BTreeSet<MessageQueue>, client_id: &str) {
        let mut table = self.table.lock();
        let Some(group_table) = table.get_mut(group) else {
            tracing::warn!(group, client_id, "unlockBatch: group not found");
            return;
        };
        for mq in mqs {
            match group_table.get(mq) {
                Some(entry) if entry.client_id == client_id => {
                    group_table.remove(mq);
                    tracing::info!(group, client_id, mq = ?mq, "RebalanceLockManager#unlockBatch: message queue unlocked");
                }
                Some(entry) => {
                    tracing::warn!(group, holder = %entry.client_id, client_id, mq = ?mq,
                    "unlockBatch: message queue locked by other client")
                }
                None => {}
            }
        }
        if group_table.is_empty() {
            table.remove(group);
        }
    }

    /// Whether `client_id` holds an unexpired lock on `mq`.
    pub fn is_locked(&self, group: &str, mq: &MessageQueue, client_id: &str) -> bool {
        let now = Instant::now();
        let table = self.table.lock();
        table
            .get(group)
            .and_then(|g| g.get(mq))
            .is_some_and(|e| e.client_id == client_id && !e.is_expired(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mqs(ids: &[i32]) -> BTreeSet<MessageQueue> {
        ids.iter()
            .map(|i| MessageQueue::new("T", "b", *i))
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn one_holder_until_expiry() {
        let m = RebalanceLockManager::new();
        assert_eq!(m.try_lock_batch("g", &mqs(&[0, 1]), "c1"), mqs(&[0, 1]));
        // c2 gets only the queue nobody holds.
        assert_eq!(m.try_lock_batch("g", &mqs(&[1, 2]), "c2"), mqs(&[2]));
        // Renewing keeps c1's lock alive past the first 60 s.
        tokio::time::advance(Duration::from_secs(40)).await;
        m.try_lock_batch("g", &mqs(&[1]), "c1");
        tokio::time::advance(Duration::from_secs(40)).await;
        assert_eq!(m.try_lock_batch("g", &mqs(&[0, 1]), "c2"), mqs(&[0]));
        assert!(m.is_locked("g", &MessageQueue::new("T", "b", 1), "c1"));
    }

    #[tokio::test]
    async fn unlock_only_own_queues() {
        let m = RebalanceLockManager::new();
        m.try_lock_batch("g", &mqs(&[0]), "c1");
        m.try_lock_batch("g", &mqs(&[1]), "c2");
        m.unlock_batch("g", &mqs(&[0, 1]), "c1");
        assert_eq!(m.try_lock_batch("g", &mqs(&[0, 1]), "c3"), mqs(&[0]));
    }
}
