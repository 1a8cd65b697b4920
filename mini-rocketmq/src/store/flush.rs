//! Making puts durable (Java: `CommitLog.FlushRealTimeService`,
//! `CommitLog.GroupCommitService` and `DefaultMessageStore.FlushConsumeQueueService`).
//!
//! A put only copies bytes into the page cache; `msync` makes them durable.
//! RocketMQ offers two policies (Java `CommitLog.FlushRealTimeService`, `store/src/main/java/org/apache/rocketmq/store/CommitLog.java`):
//!
//! * **ASYNC_FLUSH** (`FlushRealTimeService`): every 500 ms, msync if at least
//!   4 pages are dirty, and unconditionally every 10 s. A put never waits; a
//!   machine crash can lose the last moments of data (a process crash
//!   cannot: the page cache survives it).
//! * **SYNC_FLUSH** (`GroupCommitService`): a put waits until the flushed
//!   offset passes its record's end. Waiting producers are served by one
//!   msync together ("group commit"): while one msync runs, more puts land
//!   in the page cache, and the next msync covers them all. Java swaps two
//!   request lists to get that; here the flushed offset is published on a
//!   `tokio::sync::watch` channel and each waiter waits for the value it
//!   needs, which batches waiters for free and never wakes one too early.
//!
//! Consume queues are flushed by their own service every second (2 pages
//! at least, everything every 60 s); they can always be rebuilt from the
//! CommitLog, so they need less care.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::commit_log::CommitLog;
use super::config::{FlushDiskType, MessageStoreConfig};
use super::consume_queue_store::ConsumeQueueStore;
use super::index_service::IndexService;
use super::reput_message_service::ReputMessageService;
use super::service_thread::{ServiceContext, ServiceThread};
use super::store_checkpoint::StoreCheckpoint;

/// The CommitLog flusher: `FlushRealTimeService` or `GroupCommitService`,
/// depending on `flushDiskType`.
pub struct FlushCommitLogService {
    flush_disk_type: FlushDiskType,
    commit_log: Arc<CommitLog>,
    checkpoint: Arc<StoreCheckpoint>,
    interval: Duration,
    least_pages: usize,
    thorough_interval: Duration,
    /// Latest flushed CommitLog offset, for SYNC_FLUSH waiters.
    flushed: watch::Sender<i64>,
    thread: ServiceThread,
}

impl FlushCommitLogService {
    pub fn new(
        config: &MessageStoreConfig,
        commit_log: Arc<CommitLog>,
        checkpoint: Arc<StoreCheckpoint>,
    ) -> Self {
        let name = match config.flush_disk_type {
            FlushDiskType::AsyncFlush => "FlushRealTimeService",
            FlushDiskType::SyncFlush => "GroupCommitService",
        };
        let flushed = watch::Sender::new(commit_log.flushed_where());
        FlushCommitLogService {
            flush_disk_type: config.flush_disk_type,
            commit_log,
            checkpoint,
            interval: Duration::from_millis(config.flush_interval_commit_log),
            least_pages: config.flush_commit_log_least_pages,
            thorough_interval: Duration::from_millis(config.flush_commit_log_thorough_interval),
            flushed,
            thread: ServiceThread::new(name),
        }
    }

    pub fn flush_disk_type(&self) -> FlushDiskType {
        self.flush_disk_type
    }

    pub fn start(self: &Arc<Self>) -> std::io::Result<()> {
        let me = Arc::clone(self);
        match self.flush_disk_type {
            FlushDiskType::AsyncFlush => self.thread.start(move |ctx| me.run_real_time(ctx)),
            FlushDiskType::SyncFlush => self.thread.start(move |ctx| me.run_group_commit(ctx)),
        }
    }

    /// Ask for a flush now (a SYNC_FLUSH put, or an ASYNC put when not timed).
    #[inline]
    pub fn wakeup(&self) {
        self.thread.wakeup();
    }

    /// Flush `least_pages`-worth, publish the result, record the timestamp.
    fn flush_once(&self, least_pages: usize) -> i64 {
        match self.commit_log.flush(least_pages) {
            Ok(flushed) => {
                let ts = self.commit_log.mapped_file_queue().store_timestamp();
                if ts > 0 {
                    self.checkpoint.set_physic_msg_timestamp(ts);
                }
                self.flushed.send_if_modified(|v| {
                    let changed = flushed > *v;
                    if changed {
                        *v = flushed;
                    }
                    changed
                });
                flushed
            }
            Err(e) => {
                tracing::error!(error = %e, "CommitLog flush failed");
                self.commit_log.flushed_where()
            }
        }
    }

    /// FlushRealTimeService#run: periodic flush with a page threshold.
    fn run_real_time(&self, ctx: ServiceContext) {
        let mut last_thorough = Instant::now();
        while !ctx.is_stopped() {
            ctx.wait_for_running(self.interval);
            let least = if last_thorough.elapsed() >= self.thorough_interval {
                last_thorough = Instant::now();
                0
            } else {
                self.least_pages
            };
            self.flush_once(least);
        }
        self.flush_once(0);
    }

    /// GroupCommitService#run: flush whenever woken (or every 10 ms), everything dirty.
    fn run_group_commit(&self, ctx: ServiceContext) {
        while !ctx.is_stopped() {
            ctx.wait_for_running(Duration::from_millis(10));
            self.flush_once(0);
        }
        self.flush_once(0);
    }

    /// Wait until the CommitLog is flushed up to `next_offset` (a SYNC_FLUSH
    /// put's `wrote_offset + wrote_bytes`); false on timeout.
    pub async fn wait_for_flush(&self, next_offset: i64, timeout: Duration) -> bool {
        let mut rx = self.flushed.subscribe();
        if *rx.borrow_and_update() >= next_offset {
            return true;
        }
        self.wakeup();
        matches!(
            tokio::time::timeout(timeout, rx.wait_for(|v| *v >= next_offset)).await,
            Ok(Ok(_))
        )
    }

    /// Stop the thread and flush everything.
    pub fn shutdown(&self) {
        self.thread.shutdown();
        self.flush_once(0);
    }

    pub(crate) fn signal_stop(&self) {
        self.thread.signal_stop();
    }
}

/// FlushConsumeQueueService: flush every consume queue, then the checkpoint.
pub struct FlushConsumeQueueService {
    consume_queue_store: Arc<ConsumeQueueStore>,
    index_service: Option<Arc<IndexService>>,
    checkpoint: Arc<StoreCheckpoint>,
    reput: Arc<ReputMessageService>,
    interval: Duration,
    least_pages: usize,
    thorough_interval: Duration,
    thread: ServiceThread,
}

impl FlushConsumeQueueService {
    pub fn new(
        config: &MessageStoreConfig,
        consume_queue_store: Arc<ConsumeQueueStore>,
        index_service: Option<Arc<IndexService>>,
        checkpoint: Arc<StoreCheckpoint>,
        reput: Arc<ReputMessageService>,
    ) -> Self {
        FlushConsumeQueueService {
            consume_queue_store,
            index_service,
            checkpoint,
            reput,
            interval: Duration::from_millis(config.flush_interval_consume_queue),
            least_pages: config.flush_consume_queue_least_pages,
            thorough_interval: Duration::from_millis(config.flush_consume_queue_thorough_interval),
            thread: ServiceThread::new("FlushConsumeQueueService"),
        }
    }

    pub fn start(self: &Arc<Self>) -> std::io::Result<()> {
        let me = Arc::clone(self);
        self.thread.start(move |ctx| {
            let mut last_thorough = Instant::now();
            while !ctx.is_stopped() {
                ctx.wait_for_running(me.interval);
                let thorough = last_thorough.elapsed() >= me.thorough_interval;
                if thorough {
                    last_thorough = Instant::now();
                }
                me.flush(thorough);
            }
        })
    }

    /// One round (Java `doFlush`). The logics timestamp is taken *before*
    /// flushing, so it never claims more than what reached the disk; it is
    /// recorded only by a thorough round, which flushes every dirty page.
    pub fn flush(&self, thorough: bool) {
        let logics_ts = self.reput.last_dispatched_store_timestamp();
        let least = if thorough { 0 } else { self.least_pages };
        let ok = self.consume_queue_store.flush_all(least).is_ok();
        if thorough && let Some(index) = &self.index_service {
            index.flush();
        }
        if thorough && ok {
            if logics_ts > 0 {
                self.checkpoint.set_logics_msg_timestamp(logics_ts);
            }
            if let Err(e) = self.checkpoint.flush() {
                tracing::error!(error = %e, "checkpoint flush failed");
            }
        }
    }

    pub fn shutdown(&self) {
        self.thread.shutdown();
        self.flush(true);
    }

    pub(crate) fn signal_stop(&self) {
        self.thread.signal_stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::message::{Message, MessageExtBrokerInner};

    fn setup(dir: &std::path::Path) -> (Arc<CommitLog>, FlushCommitLogService) {
        let mut c = MessageStoreConfig::with_root(dir);
        c.mapped_file_size_commit_log = 64 * 1024;
        c.flush_disk_type = FlushDiskType::SyncFlush;
        let cl = Arc::new(CommitLog::new(&c));
        let cp = Arc::new(StoreCheckpoint::open(c.checkpoint_path()).unwrap());
        let svc = FlushCommitLogService::new(&c, Arc::clone(&cl), cp);
        (cl, svc)
    }

    fn put(cl: &CommitLog) -> i64 {
        let mut m = MessageExtBrokerInner::from_message(Message::new("T", "durable"));
        m.born_host = "127.0.0.1:1".parse().unwrap();
        m.store_host = m.born_host;
        let a = cl.put_message(&m).append_message_result.unwrap();
        a.wrote_offset + a.wrote_bytes as i64
    }

    #[tokio::test]
    async fn waiter_times_out_when_nobody_flushes() {
        let dir = tempfile::tempdir().unwrap();
        let (cl, svc) = setup(dir.path());
        let end = put(&cl);
        // The service thread was never started: the wait must give up (→ FLUSH_DISK_TIMEOUT).
        assert!(!svc.wait_for_flush(end, Duration::from_millis(20)).await);
        // A flush publishes the offset and the same wait succeeds at once.
        svc.flush_once(0);
        assert!(svc.wait_for_flush(end, Duration::from_millis(20)).await);
        assert_eq!(cl.flushed_where(), end);
    }

    #[tokio::test]
    async fn group_commit_serves_many_waiters() {
        let dir = tempfile::tempdir().unwrap();
        let (cl, svc) = setup(dir.path());
        let svc = Arc::new(svc);
        svc.start().unwrap();
        let mut waits = Vec::new();
        for _ in 0..16 {
            let end = put(&cl);
            let s = Arc::clone(&svc);
            waits.push(tokio::spawn(async move {
                s.wait_for_flush(end, Duration::from_secs(5)).await
            }));
        }
        for w in waits {
            assert!(w.await.unwrap());
        }
        assert_eq!(cl.flushed_where(), cl.max_offset());
        svc.shutdown();
    }
}
