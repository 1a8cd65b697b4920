//! Steering sends away from a broker that just failed or answered slowly.
//! Mirrors `MQFaultStrategy` and `LatencyFaultToleranceImpl` of
//! `org.apache.rocketmq.client.latency`.
//!
//! After every attempt the producer reports how long the broker took. The
//! two tables turn a latency into a time out: a latency of at least
//! `latencyMax[i]` keeps the broker out of queue selection for
//! `notAvailableDuration[i]`. A failed attempt is charged 10000 ms whatever it
//! took, so a broker that failed is out for 10 s. Queue selection then
//! prefers, in order: a queue of an *available* broker that is not the one
//! the previous attempt failed on; one of a *reachable* broker; any queue.
//!
//! Like Java, this is off unless the producer sets
//! `sendLatencyFaultEnable`; then the only steering is chapter 07's rule,
//! "not the broker the last attempt failed on".

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::client::client_instance::lock;
use crate::client::topic_publish_info::TopicPublishInfo;
use crate::common::message_queue::MessageQueue;

// ANCHOR: tables
/// `MQFaultStrategy.latencyMax`, in ms.
pub const LATENCY_MAX: [u64; 7] = [50, 100, 550, 1800, 3000, 5000, 15000];
/// `MQFaultStrategy.notAvailableDuration`, in ms, for the matching latency.
pub const NOT_AVAILABLE_DURATION: [u64; 7] = [0, 0, 2000, 5000, 6000, 10000, 30000];
/// What a failed attempt is charged (`isolation ? 10000 : currentLatency`).
pub const ISOLATION_LATENCY: u64 = 10_000;

/// `MQFaultStrategy#computeNotAvailableDuration`: from the top, the first
/// threshold the latency reaches.
pub fn compute_not_available_duration(current_latency: u64) -> u64 {
    let row = LATENCY_MAX.iter().rposition(|&max| current_latency >= max);
    row.map_or(0, |i| NOT_AVAILABLE_DURATION[i])
}
// ANCHOR_END: tables

/// One broker's record (`LatencyFaultToleranceImpl.FaultItem`).
#[derive(Debug, Clone)]
pub struct FaultItem {
    pub current_latency: u64,
    /// The broker is available again from this time on (ms).
    pub start_timestamp: u64,
    pub reachable: bool,
}

/// `LatencyFaultToleranceImpl`: broker name → fault item.
#[derive(Debug, Default)]
pub struct LatencyFaultToleranceImpl {
    fault_item_table: Mutex<BTreeMap<String, FaultItem>>,
}

impl LatencyFaultToleranceImpl {
    /// `#updateFaultItem`: the broker is out until `now + not_available_duration`.
    pub fn update_fault_item(&self, name: &str, item: FaultItem) {
        lock(&self.fault_item_table).insert(name.to_string(), item);
    }

    /// `#isAvailable`: no record, or its time out is over.
    pub fn is_available(&self, name: &str, now: u64) -> bool {
        lock(&self.fault_item_table)
            .get(name)
            .is_none_or(|item| now >= item.start_timestamp)
    }

    /// `#isReachable`: no record, or the last failure was not "unreachable".
    pub fn is_reachable(&self, name: &str) -> bool {
        lock(&self.fault_item_table)
            .get(name)
            .is_none_or(|item| item.reachable)
    }
}

/// `MQFaultStrategy`.
#[derive(Debug, Default)]
pub struct MQFaultStrategy {
    pub latency_fault_tolerance: LatencyFaultToleranceImpl,
    pub send_latency_fault_enable: bool,
}

impl MQFaultStrategy {
    pub fn new(send_latency_fault_enable: bool) -> Self {
        MQFaultStrategy {
            latency_fault_tolerance: LatencyFaultToleranceImpl::default(),
            send_latency_fault_enable,
        }
    }

    // ANCHOR: select_one_message_queue
    /// `MQFaultStrategy#selectOneMessageQueue`: which pass found the queue
    /// comes back with it, for the trace.
    pub fn select_one_message_queue(
        &self,
        tp_info: &TopicPublishInfo,
        last_broker_name: Option<&str>,
        now: u64,
    ) -> Option<(MessageQueue, &'static str)> {
        let not_last = |mq: &MessageQueue| last_broker_name != Some(mq.broker_name.as_str());
        if self.send_latency_fault_enable {
            let lft = &self.latency_fault_tolerance;
            let available =
                |mq: &MessageQueue| not_last(mq) && lft.is_available(&mq.broker_name, now);
            if let Some(mq) = tp_info.select_one_message_queue_filtered(available) {
                return Some((mq, "available"));
            }
            let reachable = |mq: &MessageQueue| not_last(mq) && lft.is_reachable(&mq.broker_name);
            if let Some(mq) = tp_info.select_one_message_queue_filtered(reachable) {
                return Some((mq, "reachable"));
            }
            return tp_info.select_one_message_queue(None).map(|mq| (mq, "any"));
        }
        tp_info
            .select_one_message_queue(last_broker_name)
            .map(|mq| (mq, "round robin"))
    }
    // ANCHOR_END: select_one_message_queue

    // ANCHOR: update_fault_item
    /// `MQFaultStrategy#updateFaultItem`: the time out this attempt earns
    /// the broker, when the strategy is on. Returns the duration.
    pub fn update_fault_item(
        &self,
        broker_name: &str,
        current_latency: u64,
        isolation: bool,
        reachable: bool,
        now: u64,
    ) -> u64 {
        if !self.send_latency_fault_enable {
            return 0;
        }
        let charged = if isolation {
            ISOLATION_LATENCY
        } else {
            current_latency
        };
        let duration = compute_not_available_duration(charged);
        let item = FaultItem {
            current_latency,
            start_timestamp: now + duration,
            reachable,
        };
        self.latency_fault_tolerance
            .update_fault_item(broker_name, item);
        duration
    }
    // ANCHOR_END: update_fault_item
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_map_to_rocketmq_time_outs() {
        assert_eq!(compute_not_available_duration(0), 0);
        assert_eq!(compute_not_available_duration(549), 0);
        assert_eq!(compute_not_available_duration(550), 2000);
        assert_eq!(compute_not_available_duration(ISOLATION_LATENCY), 10_000);
        assert_eq!(compute_not_available_duration(20_000), 30_000);
    }

    #[test]
    fn an_isolated_broker_is_available_again_after_its_time_out() {
        let strategy = MQFaultStrategy::new(true);
        assert_eq!(strategy.update_fault_item("b", 0, true, true, 6_000), 10_000);
        let lft = &strategy.latency_fault_tolerance;
        assert!(!lft.is_available("b", 15_999));
        assert!(lft.is_available("b", 16_000));
        assert!(lft.is_available("a", 0));
    }
}
