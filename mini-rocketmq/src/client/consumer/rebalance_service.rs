//! The rebalance timer — Java `RebalanceService`.
//!
//! One task per client instance re-runs queue allocation for every consumer
//! of the instance every `rebalance_interval` (20 s), or at once when woken:
//! a broker's NOTIFY_CONSUMER_IDS_CHANGED calls `rebalance_immediately`,
//! which is a `Notify::notify_one` on the same `wakeup` this task waits on
//! (Java's `RebalanceService.wakeup()`).

use std::sync::{Arc, Weak};

use tokio::sync::Notify;

use crate::client::client_instance::MQClientInstance;

/// Java `RebalanceService`: rebalance every `rebalance_interval`, or at once
/// when woken.
pub(crate) async fn run(instance: Weak<MQClientInstance>, wakeup: Arc<Notify>) {
    loop {
        let Some(period) = instance.upgrade().map(|me| me.config().rebalance_interval) else {
            return;
        };
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = wakeup.notified() => {}
        }
        let Some(me) = instance.upgrade() else { return };
        me.do_rebalance().await;
    }
}
