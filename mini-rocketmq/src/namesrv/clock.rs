//! The name server's notion of "now", in milliseconds.
//!
//! Java calls `System.currentTimeMillis()` wherever it needs the time: when a
//! broker registers (its `lastUpdateTimestamp`) and when the scan asks
//! whether `lastUpdateTimestamp + heartbeatTimeoutMillis < now`. That makes
//! the 120-second expiry impossible to test without waiting 120 seconds.
//!
//! Here the route tables ask a [`Clock`] instead. Production uses
//! [`SystemClock`]; tests hand in a [`ManualClock`] and move it forward by
//! two minutes in one call, then run the scan and watch the broker go —
//! deterministic, and without touching tokio's clock (which would also
//! fast-forward the sockets' timeouts in a TCP test).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use crate::common::data_version::current_time_millis;

/// A source of wall-clock milliseconds.
pub trait Clock: Send + Sync + 'static {
    fn now_millis(&self) -> i64;
}

/// The real clock (`System.currentTimeMillis()`).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> i64 {
        current_time_millis()
    }
}

/// A clock that only moves when told to. Clones share the same time, so a
/// test keeps one handle and gives another to the name server.
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    now: Arc<AtomicI64>,
}

impl ManualClock {
    /// A clock reading `start_millis`.
    pub fn new(start_millis: i64) -> Self {
        ManualClock {
            now: Arc::new(AtomicI64::new(start_millis)),
        }
    }

    /// Move forward by `millis`.
    pub fn advance(&self, millis: i64) {
        self.now.fetch_add(millis, Ordering::SeqCst);
    }

    pub fn set(&self, millis: i64) {
        self.now.store(millis, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_millis(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_clones_share_time() {
        let a = ManualClock::new(1_000);
        let b = a.clone();
        a.advance(120_000);
        assert_eq!(b.now_millis(), 121_000);
        b.set(5);
        assert_eq!(a.now_millis(), 5);
        assert!(SystemClock.now_millis() > 1_600_000_000_000);
    }
}
