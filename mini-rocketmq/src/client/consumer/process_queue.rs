//! The consumer's in-memory buffer for one queue — Java `ProcessQueue`.
//!
//! Pulled messages wait here, keyed by queue offset, until the listener has
//! consumed them. The map does three jobs at once:
//!
//! * **flow control** — the pull loop looks at `msg_count` / `msg_size` and
//!   stops pulling while the listener is behind (`pullThresholdForQueue` =
//!   1000 messages, `pullThresholdSizeForQueue` = 100 MiB);
//! * **the commit point** — consumption is concurrent, so message 17 may be
//!   done before message 12. The offset that is safe to commit is the
//!   *smallest offset still in the map* (everything below it is done), or
//!   `queue_offset_max + 1` once the map is empty. That is what
//!   [`ProcessQueue::remove_message`] returns, and why a crash redelivers
//!   (at-least-once) rather than loses;
//! * **ownership** — when rebalance gives the queue to another consumer it
//!   sets `dropped`; every task holding this queue checks the flag and stops,
//!   and no offset is committed for it any more.
//!
//! A `parking_lot::Mutex` guards the map (Java: a `ReentrantReadWriteLock`);
//! it is held for microseconds and never across an `.await`. The counters the
//! pull loop reads on every pull are atomics so that flow-control checks take
//! no lock.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::time::Instant;

use crate::common::message::MessageExt;
use crate::common::message_const;

/// A push consumer whose pull loop has been silent this long is considered
/// stuck, and rebalance drops the queue so that it can be picked up afresh
/// (Java `rocketmq.client.pull.pullMaxIdleTime`, default 120 s).
pub const PULL_MAX_IDLE_TIME: Duration = Duration::from_secs(120);

/// Java `ProcessQueue`.
#[derive(Debug)]
pub struct ProcessQueue {
    msg_tree_map: Mutex<BTreeMap<i64, Arc<MessageExt>>>,
    msg_count: AtomicI64,
    msg_size: AtomicI64,
    /// Highest queue offset ever put here; the commit point once the map
    /// drains.
    queue_offset_max: AtomicI64,
    dropped: AtomicBool,
    /// Messages the broker holds beyond what we have pulled (from the
    /// `MAX_OFFSET` property of the last message), for lag reports.
    msg_acc_cnt: AtomicI64,
    last_pull_timestamp: Mutex<Instant>,
    last_consume_timestamp: Mutex<Instant>,
}

impl Default for ProcessQueue {
    fn default() -> Self {
        ProcessQueue {
            msg_tree_map: Mutex::new(BTreeMap::new()),
            msg_count: AtomicI64::new(0),
            msg_size: AtomicI64::new(0),
            queue_offset_max: AtomicI64::new(0),
            dropped: AtomicBool::new(false),
            msg_acc_cnt: AtomicI64::new(0),
            last_pull_timestamp: Mutex::new(Instant::now()),
            last_consume_timestamp: Mutex::new(Instant::now()),
        }
    }
}

impl ProcessQueue {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds freshly pulled messages. Returns true when the map was empty
    /// before, i.e. nothing was being consumed (the orderly service uses this
    /// to know whether it must start a consume task).
    pub fn put_message(&self, msgs: &[Arc<MessageExt>]) -> bool {
        let mut map = self.msg_tree_map.lock();
        let was_empty = map.is_empty();
        for msg in msgs {
            // A message can arrive twice when a pull is retried; count it once.
            if map.insert(msg.queue_offset, Arc::clone(msg)).is_none() {
                self.msg_count.fetch_add(1, Ordering::Relaxed);
                self.msg_size
                    .fetch_add(msg.body.len() as i64, Ordering::Relaxed);
            }
            self.queue_offset_max
                .fetch_max(msg.queue_offset, Ordering::Relaxed);
        }
        if let Some(last) = msgs.last() {
            let max_offset = last
                .property(message_const::PROPERTY_MAX_OFFSET)
                .and_then(|v| v.parse::<i64>().ok());
            if let Some(max_offset) = max_offset {
                let acc = max_offset - last.queue_offset;
                self.msg_acc_cnt.store(acc.max(0), Ordering::Relaxed);
            }
        }
        was_empty
    }

    /// Removes consumed messages and returns the offset that is now safe to
    /// commit, or `-1` when the map was already empty (nothing to report).
    pub fn remove_message(&self, msgs: &[Arc<MessageExt>]) -> i64 {
        let mut map = self.msg_tree_map.lock();
        if map.is_empty() {
            return -1;
        }
        *self.last_consume_timestamp.lock() = Instant::now();
        for msg in msgs {
            if let Some(removed) = map.remove(&msg.queue_offset) {
                self.msg_count.fetch_sub(1, Ordering::Relaxed);
                self.msg_size
                    .fetch_sub(removed.body.len() as i64, Ordering::Relaxed);
            }
        }
        match map.first_key_value() {
            Some((first, _)) => *first,
            None => self.queue_offset_max.load(Ordering::Relaxed) + 1,
        }
    }

    /// Messages waiting to be consumed.
    pub fn msg_count(&self) -> i64 {
        self.msg_count.load(Ordering::Relaxed)
    }

    /// Bytes of message bodies waiting to be consumed.
    pub fn msg_size(&self) -> i64 {
        self.msg_size.load(Ordering::Relaxed)
    }

    /// Distance between the smallest and the largest offset held — a wide
    /// span means one slow message is holding the commit point back.
    pub fn max_span(&self) -> i64 {
        let map = self.msg_tree_map.lock();
        match (map.first_key_value(), map.last_key_value()) {
            (Some((first, _)), Some((last, _))) => last - first,
            _ => 0,
        }
    }

    /// Smallest offset still held (for consumer-progress reports).
    pub fn min_offset(&self) -> Option<i64> {
        self.msg_tree_map.lock().first_key_value().map(|(k, _)| *k)
    }

    pub fn msg_acc_cnt(&self) -> i64 {
        self.msg_acc_cnt.load(Ordering::Relaxed)
    }

    pub fn is_dropped(&self) -> bool {
        self.dropped.load(Ordering::Acquire)
    }

    /// Marks the queue as no longer ours. Release/acquire so that a task that
    /// sees `dropped == true` also sees everything written before it.
    pub fn set_dropped(&self, dropped: bool) {
        self.dropped.store(dropped, Ordering::Release);
    }

    /// Forgets every buffered message (the queue was dropped).
    pub fn clear(&self) {
        let mut map = self.msg_tree_map.lock();
        map.clear();
        self.msg_count.store(0, Ordering::Relaxed);
        self.msg_size.store(0, Ordering::Relaxed);
    }

    pub fn touch_last_pull(&self) {
        *self.last_pull_timestamp.lock() = Instant::now();
    }

    /// True when no pull has happened for [`PULL_MAX_IDLE_TIME`].
    pub fn is_pull_expired(&self) -> bool {
        self.last_pull_timestamp.lock().elapsed() > PULL_MAX_IDLE_TIME
    }
}
