//! A background thread that sleeps until woken or until its period elapses
//! (Java: `org.apache.rocketmq.common.ServiceThread`).
//!
//! Every store service — the dispatcher, the flushers — is such a loop.
//! Java implements `wakeup()` / `waitForRunning(interval)` with a
//! count-down latch and a `hasNotified` flag so that a wakeup that arrives
//! *before* the thread goes to sleep is not lost. `std::thread::park` has
//! exactly those semantics built in (an `unpark` before `park` makes the
//! next `park` return at once), and `unpark` on a thread that is not parked
//! is a single atomic operation — cheap enough to call after every put.
//!
//! Store services are plain OS threads rather than tokio tasks: they block
//! in `msync` and spin through mapped memory, which must not stall an async
//! runtime's workers.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering, fence};
use std::thread::{JoinHandle, Thread};
use std::time::Duration;

use parking_lot::Mutex;

#[derive(Default)]
pub struct ServiceThread {
    name: String,
    stopped: Arc<AtomicBool>,
    /// Set while the loop is (about to be) parked in `park_when_idle`.
    parked: Arc<AtomicBool>,
    thread: OnceLock<Thread>,
    join: Mutex<Option<JoinHandle<()>>>,
}

/// What the loop body gets: a way to sleep and to ask whether to stop.
#[derive(Clone)]
pub struct ServiceContext {
    stopped: Arc<AtomicBool>,
    parked: Arc<AtomicBool>,
}

impl ServiceContext {
    pub fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }

    /// Sleep up to `interval`, or less if someone calls `wakeup` (Java `waitForRunning`).
    pub fn wait_for_running(&self, interval: Duration) {
        if !self.is_stopped() {
            std::thread::park_timeout(interval);
        }
    }

    /// Park up to `interval` unless `has_work()` says otherwise, and let
    /// [`ServiceThread::wakeup_if_parked`] know we are parked. The flag is set
    /// *before* the last look for work, and a waker publishes its work
    /// *before* reading the flag (a SeqCst fence on both sides), so either
    /// this look sees the work or the waker sees the flag — a wake-up can
    /// never fall between the two.
    pub fn park_when_idle(&self, interval: Duration, has_work: impl Fn() -> bool) {
        self.parked.store(true, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        if !has_work() && !self.is_stopped() {
            std::thread::park_timeout(interval);
        }
        self.parked.store(false, Ordering::Relaxed);
    }
}

impl ServiceThread {
    pub fn new(name: impl Into<String>) -> Self {
        ServiceThread {
            name: name.into(),
            ..Default::default()
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Spawn the loop; calling `start` twice is a no-op.
    pub fn start(&self, body: impl FnOnce(ServiceContext) + Send + 'static) -> std::io::Result<()> {
        let mut join = self.join.lock();
        if join.is_some() || self.thread.get().is_some() {
            return Ok(());
        }
        let ctx = ServiceContext {
            stopped: Arc::clone(&self.stopped),
            parked: Arc::clone(&self.parked),
        };
        let handle = std::thread::Builder::new()
            .name(self.name.clone())
            .spawn(move || body(ctx))?;
        let _ = self.thread.set(handle.thread().clone());
        *join = Some(handle);
        Ok(())
    }

    /// Wake the loop if it is sleeping (Java `wakeup`).
    #[inline]
    pub fn wakeup(&self) {
        if let Some(t) = self.thread.get() {
            t.unpark();
        }
    }

    /// Wake the loop only if it parked itself in `park_when_idle`: a fence and
    /// a load instead of an `unpark` per call, which matters when it is
    /// called after every put.
    #[inline]
    pub fn wakeup_if_parked(&self) {
        fence(Ordering::SeqCst);
        if self.parked.load(Ordering::Relaxed) {
            self.wakeup();
        }
    }

    pub fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }

    /// Ask the loop to stop, wake it, and wait for it to finish
    /// (unless called from the service thread itself).
    pub fn shutdown(&self) {
        self.stopped.store(true, Ordering::Release);
        self.wakeup();
        let handle = self.join.lock().take();
        if let Some(h) = handle {
            if h.thread().id() == std::thread::current().id() {
                return;
            }
            if h.join().is_err() {
                tracing::error!(service = %self.name, "service thread panicked");
            }
        }
    }

    /// Ask the loop to stop without waiting for it.
    pub fn signal_stop(&self) {
        self.stopped.store(true, Ordering::Release);
        self.wakeup();
    }
}
