//! Steering sends away from slow or failing brokers — Java `MQFaultStrategy`
//! and `LatencyFaultToleranceImpl` (package `org.apache.rocketmq.client.latency`).
//!
//! After every send the producer reports how long the broker took. A slow
//! answer (≥ 550 ms) or a failure puts the broker "in the penalty box" for a
//! while; queue selection then prefers queues of brokers that are out of it.
//! The two tables below are RocketMQ 5.x's: a latency of at least
//! `LATENCY_MAX[i]` buys `NOT_AVAILABLE_DURATION[i]` of isolation, and a
//! failed send counts as a 10 s latency (so 10 s of isolation).
//!
//! Like Java, the latency part is **off by default**
//! (`sendLatencyFaultEnable=false`); then the only steering is the simple rule
//! every producer follows: *the retry after a failure goes to a different
//! broker than the one that just failed* (`lastBrokerName`). Turning it on
//! adds the penalty box on top.
//!
//! What Java 5.x has and we leave out: the background "detector" that probes
//! isolated brokers to lift their penalty early. Here a penalty simply expires.
//!
//! Time comes from `tokio::time::Instant`, so tests can run the clock paused
//! and step over a 30 s penalty instantly.

use std::collections::HashMap;
use std::time::Duration;

use parking_lot::RwLock;
use tokio::time::Instant;

use crate::client::topic_publish_info::TopicPublishInfo;
use crate::common::message_queue::MessageQueue;

/// Latency thresholds in ms (RocketMQ 5.x `MQFaultStrategy.latencyMax`).
pub const LATENCY_MAX: [u64; 7] = [50, 100, 550, 1800, 3000, 5000, 15000];
/// Isolation in ms for the matching threshold (`notAvailableDuration`).
pub const NOT_AVAILABLE_DURATION: [u64; 7] = [0, 0, 2000, 5000, 6000, 10000, 30000];
/// A failed send is charged as if it had taken this long (Java 5.x uses
/// `isolation ? 10000 : currentLatency`).
pub const ISOLATION_LATENCY_MS: u64 = 10_000;

/// One broker's record (Java `LatencyFaultToleranceImpl.FaultItem`).
#[derive(Debug, Clone)]
struct FaultItem {
    /// The latency of the last send, kept for logs and `pick_one_at_least`.
    current_latency_ms: u64,
    /// The broker may be used again from this instant on.
    available_from: Instant,
    /// False after a failure that looked like "cannot reach it at all".
    reachable: bool,
}

/// Java `LatencyFaultToleranceImpl`: broker name → fault item.
///
/// A `parking_lot::RwLock` rather than a concurrent map: every send reads
/// (`is_available`), and every send also writes once — but only when latency
/// faults are enabled, which is not the default. The lock is never held
/// across an `.await`.
#[derive(Debug, Default)]
pub struct LatencyFaultToleranceImpl {
    fault_item_table: RwLock<HashMap<String, FaultItem>>,
}

impl LatencyFaultToleranceImpl {
    /// Records the outcome of one send to `name`.
    pub fn update_fault_item(
        &self,
        name: &str,
        current_latency_ms: u64,
        not_available_ms: u64,
        reachable: bool,
    ) {
        let item = FaultItem {
            current_latency_ms,
            available_from: Instant::now() + Duration::from_millis(not_available_ms),
            reachable,
        };
        self.fault_item_table.write().insert(name.to_string(), item);
    }

    /// True unless `name` is serving a penalty right now.
    pub fn is_available(&self, name: &str) -> bool {
        match self.fault_item_table.read().get(name) {
            Some(item) => Instant::now() >= item.available_from,
            None => true,
        }
    }

    /// False when the last failure suggested the broker cannot be reached.
    pub fn is_reachable(&self, name: &str) -> bool {
        self.fault_item_table
            .read()
            .get(name)
            .is_none_or(|item| item.reachable)
    }

    /// Forgets a broker (for example when it left the route).
    pub fn remove(&self, name: &str) {
        self.fault_item_table.write().remove(name);
    }

    /// The least bad broker when every broker is penalised: the one whose
    /// penalty ends first, ties broken by lower latency (Java sorts the fault
    /// items the same way before picking).
    pub fn pick_one_at_least(&self) -> Option<String> {
        self.fault_item_table
            .read()
            .iter()
            .min_by_key(|(_, item)| (item.available_from, item.current_latency_ms))
            .map(|(name, _)| name.clone())
    }
}

/// Java `MQFaultStrategy`: chooses the queue for the next send attempt.
#[derive(Debug, Default)]
pub struct MQFaultStrategy {
    latency_fault_tolerance: LatencyFaultToleranceImpl,
    send_latency_fault_enable: bool,
}

impl MQFaultStrategy {
    /// `send_latency_fault_enable` mirrors `DefaultMQProducer#setSendLatencyFaultEnable`.
    pub fn new(send_latency_fault_enable: bool) -> Self {
        MQFaultStrategy {
            latency_fault_tolerance: LatencyFaultToleranceImpl::default(),
            send_latency_fault_enable,
        }
    }

    pub fn send_latency_fault_enable(&self) -> bool {
        self.send_latency_fault_enable
    }

    /// Picks a queue, avoiding `last_broker_name` (the broker the previous
    /// attempt of this same send failed on). With latency faults enabled the
    /// order of preference is: available and not the last broker → reachable
    /// and not the last broker → anything. Without: not the last broker →
    /// anything. "Anything" keeps a one-broker cluster sending rather than
    /// failing outright.
    pub fn select_one_message_queue(
        &self,
        tp_info: &TopicPublishInfo,
        last_broker_name: Option<&str>,
    ) -> Option<MessageQueue> {
        let not_last = |mq: &MessageQueue| last_broker_name != Some(mq.broker_name.as_str());
        if self.send_latency_fault_enable {
            let lft = &self.latency_fault_tolerance;
            if let Some(mq) = tp_info.select_one_message_queue_where(|mq| {
                not_last(mq) && lft.is_available(&mq.broker_name)
            }) {
                return Some(mq);
            }
            if let Some(mq) = tp_info.select_one_message_queue_where(|mq| {
                not_last(mq) && lft.is_reachable(&mq.broker_name)
            }) {
                return Some(mq);
            }
            return tp_info.select_one_message_queue();
        }
        tp_info
            .select_one_message_queue_where(not_last)
            .or_else(|| tp_info.select_one_message_queue())
    }

    /// Reports one send attempt. `isolation` is true for a failed attempt:
    /// it is charged [`ISOLATION_LATENCY_MS`], whatever it really took.
    pub fn update_fault_item(
        &self,
        broker_name: &str,
        current_latency_ms: u64,
        isolation: bool,
        reachable: bool,
    ) {
        if !self.send_latency_fault_enable {
            return;
        }
        let charged = if isolation {
            ISOLATION_LATENCY_MS
        } else {
            current_latency_ms
        };
        let duration = compute_not_available_duration(charged);
        self.latency_fault_tolerance.update_fault_item(
            broker_name,
            current_latency_ms,
            duration,
            reachable,
        );
    }

    /// The underlying table, for tests and diagnostics.
    pub fn latency_fault_tolerance(&self) -> &LatencyFaultToleranceImpl {
        &self.latency_fault_tolerance
    }
}

/// Walks the thresholds from the top: the first `LATENCY_MAX[i]` the latency
/// reaches decides the penalty.
pub fn compute_not_available_duration(current_latency_ms: u64) -> u64 {
    LATENCY_MAX
        .iter()
        .zip(NOT_AVAILABLE_DURATION.iter())
        .rev()
        .find(|(max, _)| current_latency_ms >= **max)
        .map_or(0, |(_, duration)| *duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn penalty_grows_with_latency() {
        assert_eq!(compute_not_available_duration(10), 0);
        assert_eq!(compute_not_available_duration(100), 0);
        assert_eq!(compute_not_available_duration(549), 0);
        assert_eq!(compute_not_available_duration(550), 2000);
        assert_eq!(compute_not_available_duration(ISOLATION_LATENCY_MS), 10000);
        assert_eq!(compute_not_available_duration(60_000), 30000);
    }

    #[tokio::test(start_paused = true)]
    async fn a_penalty_expires() {
        let lft = LatencyFaultToleranceImpl::default();
        lft.update_fault_item("broker-a", 600, 2000, true);
        assert!(!lft.is_available("broker-a"));
        assert!(lft.is_available("broker-b"));
        tokio::time::advance(Duration::from_millis(2001)).await;
        assert!(lft.is_available("broker-a"));
    }

    #[tokio::test(start_paused = true)]
    async fn least_bad_broker_is_the_one_released_first() {
        let lft = LatencyFaultToleranceImpl::default();
        lft.update_fault_item("slow", 600, 30_000, true);
        lft.update_fault_item("slower", 700, 2_000, true);
        assert_eq!(lft.pick_one_at_least().as_deref(), Some("slower"));
    }
}
