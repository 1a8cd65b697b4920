//! Queue allocation strategies — Java `AllocateMessageQueueStrategy`,
//! `AllocateMessageQueueAveragely` and `AllocateMessageQueueAveragelyByCircle`
//! (package `org.apache.rocketmq.client.consumer.rebalance`).
//!
//! In CLUSTERING mode every member of a consumer group runs the same
//! allocation on its own, with no coordinator: each one asks a broker for the
//! group's client ids, sorts both lists, and keeps the slice that belongs to
//! its own id. The scheme only works because the function is *pure* — the
//! same `(mq_all, cid_all)` gives every member the same split, so the slices
//! never overlap and nothing is left out. That is why the strategies here take
//! plain slices and return a `Vec`, with no state and no I/O.
//!
//! Two members that momentarily see *different* client lists (one heard about
//! a new member, the other not yet) may both take a queue for a few seconds;
//! RocketMQ accepts that window (at-least-once), and so do we.

use crate::common::message_queue::MessageQueue;

/// Java `AllocateMessageQueueStrategy`: decides which of `mq_all` the client
/// `current_cid` consumes. Both lists arrive sorted (RebalanceImpl sorts them)
/// so that every member computes the same answer.
pub trait AllocateMessageQueueStrategy: Send + Sync + 'static {
    /// Returns this client's share. An unknown `current_cid` (not yet in the
    /// broker's list, e.g. right after start) gets nothing until the next
    /// rebalance, as in Java.
    fn allocate(
        &self,
        consumer_group: &str,
        current_cid: &str,
        mq_all: &[MessageQueue],
        cid_all: &[String],
    ) -> Vec<MessageQueue>;

    /// The strategy's name as RocketMQ reports it (`AVG`, `AVG_BY_CIRCLE`).
    fn name(&self) -> &'static str;
}

/// Java `AllocateMessageQueueAveragely` (the default): contiguous blocks.
///
/// With 8 queues and 3 consumers the blocks are 3, 3, 2 — the first
/// `8 % 3 = 2` consumers get one extra queue. Contiguous blocks keep a
/// consumer's queues on as few brokers as possible (the route lists a
/// broker's queues next to each other), so it opens fewer connections.
#[derive(Debug, Default, Clone, Copy)]
pub struct AllocateMessageQueueAveragely;

impl AllocateMessageQueueStrategy for AllocateMessageQueueAveragely {
    fn allocate(
        &self,
        _consumer_group: &str,
        current_cid: &str,
        mq_all: &[MessageQueue],
        cid_all: &[String],
    ) -> Vec<MessageQueue> {
        let Some(index) = cid_all.iter().position(|cid| cid == current_cid) else {
            return Vec::new();
        };
        let (queues, consumers) = (mq_all.len(), cid_all.len());
        if queues == 0 {
            return Vec::new();
        }
        // More consumers than queues: everyone gets at most one queue and the
        // consumers past the last queue get none (start >= queues below).
        let remainder = queues % consumers;
        let block = if queues <= consumers {
            1
        } else if index < remainder {
            queues / consumers + 1
        } else {
            queues / consumers
        };
        // The first `remainder` consumers own the longer blocks, so everybody
        // after them starts `remainder` queues further along.
        let start = if index < remainder {
            index * block
        } else {
            index * block + remainder
        };
        if start >= queues {
            return Vec::new();
        }
        let len = block.min(queues - start);
        mq_all[start..start + len].to_vec()
    }

    fn name(&self) -> &'static str {
        "AVG"
    }
}

/// Java `AllocateMessageQueueAveragelyByCircle`: deal the queues out like
/// cards — consumer *i* takes queues *i*, *i + n*, *i + 2n* … Shares differ
/// by at most one queue as with the block strategy, but each consumer's
/// queues are spread over all brokers, so losing one broker costs every
/// consumer a little instead of one consumer everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct AllocateMessageQueueAveragelyByCircle;

impl AllocateMessageQueueStrategy for AllocateMessageQueueAveragelyByCircle {
    fn allocate(
        &self,
        _consumer_group: &str,
        current_cid: &str,
        mq_all: &[MessageQueue],
        cid_all: &[String],
    ) -> Vec<MessageQueue> {
        let Some(index) = cid_all.iter().position(|cid| cid == current_cid) else {
            return Vec::new();
        };
        mq_all
            .iter()
            .skip(index)
            .step_by(cid_all.len())
            .cloned()
            .collect()
    }

    fn name(&self) -> &'static str {
        "AVG_BY_CIRCLE"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queues(n: i32) -> Vec<MessageQueue> {
        (0..n)
            .map(|i| MessageQueue::new("T", if i < n / 2 { "a" } else { "b" }, i))
            .collect()
    }

    fn cids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("cid-{i}")).collect()
    }

    fn ids(mqs: &[MessageQueue]) -> Vec<i32> {
        mqs.iter().map(|mq| mq.queue_id).collect()
    }

    /// Every queue goes to exactly one consumer, whatever the counts.
    fn assert_partition(strategy: &dyn AllocateMessageQueueStrategy, q: i32, c: usize) {
        let (mq_all, cid_all) = (queues(q), cids(c));
        let mut seen: Vec<i32> = cid_all
            .iter()
            .flat_map(|cid| ids(&strategy.allocate("g", cid, &mq_all, &cid_all)))
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            (0..q).collect::<Vec<_>>(),
            "{} q={q} c={c}",
            strategy.name()
        );
    }

    #[test]
    fn averagely_gives_contiguous_blocks_with_the_extra_queues_first() {
        let (mq_all, cid_all) = (queues(8), cids(3));
        let s = AllocateMessageQueueAveragely;
        assert_eq!(ids(&s.allocate("g", "cid-0", &mq_all, &cid_all)), [0, 1, 2]);
        assert_eq!(ids(&s.allocate("g", "cid-1", &mq_all, &cid_all)), [3, 4, 5]);
        assert_eq!(ids(&s.allocate("g", "cid-2", &mq_all, &cid_all)), [6, 7]);
    }

    #[test]
    fn averagely_with_more_consumers_than_queues_leaves_the_last_idle() {
        let (mq_all, cid_all) = (queues(2), cids(3));
        let s = AllocateMessageQueueAveragely;
        assert_eq!(ids(&s.allocate("g", "cid-0", &mq_all, &cid_all)), [0]);
        assert_eq!(ids(&s.allocate("g", "cid-1", &mq_all, &cid_all)), [1]);
        assert!(s.allocate("g", "cid-2", &mq_all, &cid_all).is_empty());
    }

    #[test]
    fn by_circle_deals_queues_round_robin() {
        let (mq_all, cid_all) = (queues(8), cids(3));
        let s = AllocateMessageQueueAveragelyByCircle;
        assert_eq!(ids(&s.allocate("g", "cid-0", &mq_all, &cid_all)), [0, 3, 6]);
        assert_eq!(ids(&s.allocate("g", "cid-2", &mq_all, &cid_all)), [2, 5]);
    }

    #[test]
    fn unknown_client_gets_nothing() {
        let (mq_all, cid_all) = (queues(4), cids(2));
        assert!(
            AllocateMessageQueueAveragely
                .allocate("g", "x", &mq_all, &cid_all)
                .is_empty()
        );
        assert!(
            AllocateMessageQueueAveragelyByCircle
                .allocate("g", "x", &mq_all, &cid_all)
                .is_empty()
        );
    }

    #[test]
    fn both_strategies_partition_the_queues() {
        for q in 0..17 {
            for c in 1..6 {
                assert_partition(&AllocateMessageQueueAveragely, q, c);
                assert_partition(&AllocateMessageQueueAveragelyByCircle, q, c);
            }
        }
    }
}
