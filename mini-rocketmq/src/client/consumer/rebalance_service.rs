//! The rebalance timer — Java `RebalanceService`.
//!
//! One loop per client instance re-runs queue allocation for every consumer
//! of the instance every `rebalance_interval` (20 s), or at once when woken:
//! a broker's NOTIFY_CONSUMER_IDS_CHANGED calls [`RebalanceService::wakeup`]
//! (Java's `RebalanceService.wakeup()`), which ends the current wait.
//!
//! Java's `run` is `while (!stopped) { waitForRunning(interval);
//! mqClientFactory.doRebalance(); }`. The waiting half lives here; the loop
//! that calls `doRebalance` is started by `MQClientInstance#start`, so this
//! file does not import the instance that owns it.

use std::time::Duration;

use tokio::sync::Notify;

/// Java `RebalanceService`: the wait between two rebalance rounds.
#[derive(Debug, Default)]
pub struct RebalanceService {
    wakeup: Notify,
}

impl RebalanceService {
    pub fn new() -> Self {
        RebalanceService::default()
    }

    /// Java `ServiceThread#waitForRunning`: return after `interval`, or
    /// earlier when [`wakeup`](Self::wakeup) is called (a wake-up that came
    /// while nobody waited is kept for the next wait).
    pub async fn wait_for_running(&self, interval: Duration) {
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = self.wakeup.notified() => {}
        }
    }

    /// Java `RebalanceService#wakeup`: rebalance now.
    pub fn wakeup(&self) {
        self.wakeup.notify_one();
    }
}
