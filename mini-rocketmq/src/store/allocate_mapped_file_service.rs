//! Keeping the next pages and the next CommitLog file ready before the
//! writer needs them (Java: `org.apache.rocketmq.store.AllocateMappedFileService`).
//!
//! Java's service creates the *next* mapped file in the background (and, if
//! `warmMapedFileEnable`, touches every page of it), so that a roll-over does
//! not stall the put that triggers it. Ours does the same for the file, and
//! instead of warming whole files it keeps a sliding window of
//! `commit_log_warm_ahead_size` bytes faulted in just ahead of the write
//! position.
//!
//! Why bother: the first write to each 4 KiB page of a sparse mapped file
//! traps into the kernel, which allocates and zeroes a page-cache page and
//! reserves a disk block. On the development VM a 1 KiB put cost about
//! 0.5 µs with its pages already mapped and several µs without, and the
//! broker's profile showed the zeroing inside the send path. Doing the
//! faults here moves that work off the put path, while a sparse 1 GiB file
//! still only grows as messages arrive (plus the window).
//!
//! The put path calls [`after_put`](AllocateMappedFileService::after_put),
//! which wakes the service when less than half the window is left (two
//! atomic loads otherwise); the service also looks every 10 ms.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use super::commit_log::CommitLog;
use super::service_thread::ServiceThread;

/// Pages are faulted in by calls of this many bytes.
const WARM_CHUNK: usize = 1 << 20;

pub struct AllocateMappedFileService {
    commit_log: Arc<CommitLog>,
    window: usize,
    /// CommitLog offset up to which pages are already faulted in.
    warmed_until: AtomicI64,
    /// Set when the kernel cannot populate pages (before Linux 5.14).
    disabled: AtomicBool,
    thread: ServiceThread,
}

impl AllocateMappedFileService {
    /// A service keeping `window` bytes warm ahead of `commit_log`'s end (0 = off).
    pub fn new(commit_log: Arc<CommitLog>, window: usize) -> Self {
        AllocateMappedFileService {
            commit_log,
            window,
            warmed_until: AtomicI64::new(0),
            disabled: AtomicBool::new(window == 0),
            thread: ServiceThread::new("AllocateMappedFileService"),
        }
    }

    pub fn start(self: &Arc<Self>) -> std::io::Result<()> {
        if self.disabled.load(Ordering::Relaxed) {
            return Ok(());
        }
        let me = Arc::clone(self);
        self.thread.start(move |ctx| {
            while !ctx.is_stopped() {
                me.warm_ahead();
                ctx.wait_for_running(Duration::from_millis(10));
            }
        })
    }

    /// Whether the warm region ahead of the writer has shrunk below half the window.
    #[inline]
    pub fn needs_warm(&self) -> bool {
        !self.disabled.load(Ordering::Relaxed)
            && self.warmed_until.load(Ordering::Relaxed)
                < self.commit_log.max_offset() + (self.window / 2) as i64
    }

    /// Called after a put: wake the service if the warm window runs low.
    #[inline]
    pub fn after_put(&self) {
        if self.needs_warm() {
            self.thread.wakeup();
        }
    }

    /// Fault in the window after the write position, pre-creating the next
    /// file when the window reaches past the current one.
    pub fn warm_ahead(&self) {
        if self.disabled.load(Ordering::Relaxed) {
            return;
        }
        let queue = self.commit_log.mapped_file_queue();
        let file_size = self.commit_log.file_size();
        let end = self.commit_log.max_offset();
        let target = end + self.window as i64;
        let mut from = self.warmed_until.load(Ordering::Acquire).max(end);
        while from < target {
            let file = match queue.find_mapped_file_by_offset(from, false) {
                Some(f) => f,
                None => match queue.pre_allocate_next() {
                    Ok(f)
                        if from >= f.file_from_offset()
                            && from < f.file_from_offset() + file_size as i64 =>
                    {
                        f
                    }
                    // The window reaches more than one file ahead (tiny test files): enough.
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot pre-allocate the next CommitLog file");
                        break;
                    }
                },
            };
            let pos = (from - file.file_from_offset()) as usize;
            let len = WARM_CHUNK
                .min(file_size - pos)
                .min((target - from) as usize);
            if let Err(e) = file.warm(pos, len) {
                tracing::info!(
                    error = %e,
                    "warming CommitLog pages ahead of the writer is not available; puts will fault pages in themselves"
                );
                self.disabled.store(true, Ordering::Relaxed);
                break;
            }
            from += len as i64;
            self.warmed_until.fetch_max(from, Ordering::AcqRel);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::config::MessageStoreConfig;

    #[test]
    fn warms_ahead_and_pre_creates_the_next_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = MessageStoreConfig::with_root(dir.path());
        c.mapped_file_size_commit_log = 4 << 20;
        let cl = Arc::new(CommitLog::new(&c));
        let svc = AllocateMappedFileService::new(Arc::clone(&cl), 6 << 20);
        svc.warm_ahead();
        // From an empty log: the first file is pre-created, then warmed.
        let first = dir.path().join("commitlog/00000000000000000000");
        assert!(first.exists());
        assert!(
            cl.mapped_file_queue().mapped_files().is_empty(),
            "not in the list until written"
        );
        let mut m = crate::common::message::MessageExtBrokerInner::from_message(
            crate::common::message::Message::new("T", "x"),
        );
        m.store_host = "127.0.0.1:10911".parse().unwrap();
        m.born_host = m.store_host;
        assert!(cl.put_message(&m).is_ok());
        assert_eq!(
            cl.mapped_file_queue().mapped_files().len(),
            1,
            "the writer took the pre-created file"
        );
        // Kernels without MADV_POPULATE_WRITE switch warming off; the rest still holds.
        if !svc.disabled.load(Ordering::Relaxed) {
            assert!(svc.warmed_until.load(Ordering::Relaxed) >= 4 << 20);
            svc.warm_ahead();
            assert!(
                dir.path().join("commitlog/00000000000004194304").exists(),
                "next file pre-created"
            );
            assert!(!svc.needs_warm());
        }
        svc.shutdown();
        assert!(
            !dir.path().join("commitlog/00000000000004194304").exists(),
            "unused file deleted on shutdown"
        );
    }
}
