//! Keeping the next pages and the next CommitLog file ready before the
//! writer needs them (Java: `org.apache.rocketmq.store.AllocateMappedFileService`).
//!
//! Java's service creates the *next* mapped file in the background (and, if
//! `warmMapedFileEnable`, touches every page of it), so that a roll-over does
//! not stall the put that triggers it. Ours does the same for the file, and
//! instead of warming whole files it keeps a sliding window of
//! `commit_log_warm_ahead_size` bytes faulted in just ahead of the write
//! position ([`CommitLog::warm_ahead`]): puts copy into mapped memory, and a
//! sparse 1 GiB file still only grows as messages arrive.
//!
//! The put path wakes the service when less than half the window is left
//! (one atomic load per put); otherwise it checks every 10 ms.

use std::sync::Arc;
use std::time::Duration;

use super::commit_log::CommitLog;
use super::service_thread::ServiceThread;

pub struct AllocateMappedFileService {
    commit_log: Arc<CommitLog>,
    window: usize,
    thread: ServiceThread,
}

impl AllocateMappedFileService {
    pub fn new(commit_log: Arc<CommitLog>, window: usize) -> Self {
        AllocateMappedFileService {
            commit_log,
            window,
            thread: ServiceThread::new("AllocateMappedFileService"),
        }
    }

    pub fn start(self: &Arc<Self>) -> std::io::Result<()> {
        if self.window == 0 {
            return Ok(());
        }
        let me = Arc::clone(self);
        self.thread.start(move |ctx| {
            while !ctx.is_stopped() {
                me.commit_log.warm_ahead(me.window);
                ctx.wait_for_running(Duration::from_millis(10));
            }
        })
    }

    /// Called after a put: wake the service if the warm window runs low.
    #[inline]
    pub fn after_put(&self) {
        if self.commit_log.needs_warm(self.window) {
            self.thread.wakeup();
        }
    }

    /// Stop, and delete a pre-created file nobody wrote to.
    pub fn shutdown(&self) {
        self.thread.shutdown();
        self.commit_log.mapped_file_queue().discard_pre_allocated();
    }

    pub(crate) fn signal_stop(&self) {
        self.thread.signal_stop();
    }
}
