//! The dispatcher: tails the CommitLog and builds consume queues (Java:
//! `DefaultMessageStore.ReputMessageService` with the
//! `CommitLogDispatcherBuildConsumeQueue` / `…BuildIndex` dispatchers).
//!
//! `reput_from_offset` is the CommitLog position up to which every record
//! has been dispatched. The loop reads forward from there, record by record
//! (checking structure but not CRCs — it reads what this process just
//! wrote), and for each message:
//!
//! 1. appends a 20-byte entry to the consume queue of its `(topic, queueId)`
//!    — unless it is a prepared or rolled-back transactional half message;
//! 2. adds its keys to the index (when enabled);
//! 3. tells the [`MessageArrivingListener`] so held long-poll pulls wake up.
//!
//! Java's loop sleeps 1 ms when it has caught up. We keep that as a
//! fallback, but the put path also calls [`wakeup`](ReputMessageService::wakeup)
//! (an `unpark`, one atomic operation when the thread is busy) so a message
//! becomes pullable microseconds after it is stored.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use parking_lot::{Mutex, RwLock};

use super::commit_log::CommitLog;
use super::consume_queue::ConsumeQueue;
use super::consume_queue_store::ConsumeQueueStore;
use super::dispatch_request::{CheckedRecord, DispatchRequest, check_message_and_return_size};
use super::message_arriving_listener::MessageArrivingListener;
use super::quarantine::Quarantine;
use super::service_thread::ServiceThread;

/// Something that wants to see every stored message, in CommitLog order
/// (Java `CommitLogDispatcher`). The consume-queue builder is built in; the
/// index service is the other implementation.
pub trait CommitLogDispatcher: Send + Sync {
    fn dispatch(&self, request: &DispatchRequest<'_>);
}

/// How long the loop rests after a round that found work. Under load, new
/// records arrive every few microseconds; waking the thread for each one (a
/// futex wake and a context switch per put) measured as the largest single
/// cost of a 1 KiB send in the broker. Resting 50 µs lets a burst pile up
/// and bounds the extra delay before a pull can see a message; an idle
/// thread parks instead and the next put wakes it at once.
pub const REPUT_NAP: Duration = Duration::from_micros(50);

pub struct ReputMessageService {
    commit_log: Arc<CommitLog>,
    consume_queue_store: Arc<ConsumeQueueStore>,
    /// Extra dispatchers after the consume queue (the index service).
    dispatchers: Vec<Arc<dyn CommitLogDispatcher>>,
    listener: RwLock<Option<Arc<dyn MessageArrivingListener>>>,
    delay_levels: Vec<i64>,
    /// Damaged ranges recovery found: stepped over, never dispatched.
    quarantine: Arc<Quarantine>,
    reput_from_offset: AtomicI64,
    /// Store time of the newest dispatched message (feeds the checkpoint's logics timestamp).
    last_dispatched_store_timestamp: AtomicI64,
    dispatched_total: AtomicU64,
    /// Where a bad record stopped the loop, so it is logged once, not every millisecond.
    stuck_at: AtomicI64,
    /// `do_reput` runs on the service thread, but also at start-up and shutdown.
    dispatch_lock: Mutex<()>,
    thread: ServiceThread,
}

impl std::fmt::Debug for ReputMessageService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReputMessageService")
            .field("reput_from_offset", &self.reput_from_offset())
            .finish()
    }
}

impl ReputMessageService {
    pub fn new(
        commit_log: Arc<CommitLog>,
        consume_queue_store: Arc<ConsumeQueueStore>,
        dispatchers: Vec<Arc<dyn CommitLogDispatcher>>,
        delay_levels: Vec<i64>,
        quarantine: Arc<Quarantine>,
    ) -> Self {
        ReputMessageService {
            commit_log,
            consume_queue_store,
            dispatchers,
            listener: RwLock::new(None),
            delay_levels,
            quarantine,
            reput_from_offset: AtomicI64::new(0),
            last_dispatched_store_timestamp: AtomicI64::new(0),
            dispatched_total: AtomicU64::new(0),
            stuck_at: AtomicI64::new(-1),
            dispatch_lock: Mutex::new(()),
            thread: ServiceThread::new("ReputMessageService"),
        }
    }

    pub fn set_listener(&self, listener: Option<Arc<dyn MessageArrivingListener>>) {
        *self.listener.write() = listener;
    }

    pub fn reput_from_offset(&self) -> i64 {
        self.reput_from_offset.load(Ordering::Acquire)
    }

    pub fn set_reput_from_offset(&self, offset: i64) {
        self.reput_from_offset.store(offset, Ordering::Release);
    }

    pub fn last_dispatched_store_timestamp(&self) -> i64 {
        self.last_dispatched_store_timestamp.load(Ordering::Acquire)
    }

    pub fn dispatched_total(&self) -> u64 {
        self.dispatched_total.load(Ordering::Relaxed)
    }

    /// CommitLog bytes written but not yet dispatched (Java `dispatchBehindBytes`).
    pub fn behind(&self) -> i64 {
        (self.commit_log.max_offset() - self.reput_from_offset()).max(0)
    }

    /// Start the loop on its own thread.
    pub fn start(self: &Arc<Self>) -> std::io::Result<()> {
        let me = Arc::clone(self);
        self.thread.start(move |ctx| {
            while !ctx.is_stopped() {
                if me.do_reput() > 0 {
                    // Busy: nap instead of parking, so the puts arriving
                    // meanwhile are dispatched as one batch and none of them
                    // has to wake us.
                    std::thread::sleep(REPUT_NAP);
                } else {
                    ctx.park_when_idle(Duration::from_millis(1), || me.behind() > 0);
                }
            }
        })
    }

    /// Called after every put: wake the loop if it is parked (a fence and a
    /// load when it is not).
    #[inline]
    pub fn wakeup(&self) {
        self.thread.wakeup_if_parked();
    }

    /// Stop the thread, then dispatch whatever is left so consume queues are
    /// complete before they are flushed (Java waits for `behind == 0` too).
    pub fn shutdown(&self) {
        self.thread.shutdown();
        self.do_reput();
    }

    pub(crate) fn signal_stop(&self) {
        self.thread.signal_stop();
    }

    /// Dispatch everything between `reput_from_offset` and the CommitLog end;
    /// returns how many messages were dispatched (Java `doReput`).
    pub fn do_reput(&self) -> usize {
        let _guard = self.dispatch_lock.lock();
        let listener = self.listener.read().clone();
        let mut cache = None;
        let mut dispatched = 0usize;
        loop {
            let mut from = self.reput_from_offset();
            if from < self.commit_log.min_offset() {
                // Files were deleted under us; resume at the oldest one left.
                from = self.commit_log.min_offset();
                self.set_reput_from_offset(from);
            }
            if from >= self.commit_log.max_offset() {
                break;
            }
            let Some(sel) = self.commit_log.get_data(from) else {
                break;
            };
            let buf = sel.as_slice();
            let mut pos = 0usize;
            let mut roll = false;
            let mut stop = false;
            let mut skip_to = None;
            while pos < buf.len() {
                match check_message_and_return_size(&buf[pos..], false, &self.delay_levels) {
                    CheckedRecord::Message(req) if req.commit_log_offset == from + pos as i64 => {
                        self.dispatch(&req, &mut cache);
                        if let Some(l) = &listener
                            && req.is_consumable()
                        {
                            l.arriving(
                                req.topic,
                                req.queue_id,
                                req.consume_queue_offset + 1,
                                Some(req.tags_code),
                                req.store_timestamp,
                                req.properties,
                            );
                        }
                        self.last_dispatched_store_timestamp
                            .store(req.store_timestamp, Ordering::Release);
                        pos += req.msg_size as usize;
                        dispatched += 1;
                    }
                    CheckedRecord::Blank => {
                        roll = true;
                        break;
                    }
                    other => {
                        let at = from + pos as i64;
                        if let Some(range) = self.quarantine.range_containing(at) {
                            skip_to = Some(range.end());
                            break;
                        }
                        if self.stuck_at.swap(at, Ordering::Relaxed) != at {
                            tracing::error!(offset = at, record = ?other, "dispatcher found no valid record where one was written; waiting");
                        }
                        stop = true;
                        break;
                    }
                }
            }
            self.set_reput_from_offset(from + pos as i64);
            if let Some(end) = skip_to {
                tracing::debug!(
                    from = from + pos as i64,
                    to = end,
                    "dispatcher steps over a quarantined range"
                );
                self.set_reput_from_offset(end);
                continue;
            }
            if roll {
                self.set_reput_from_offset(self.commit_log.roll_next_file(from));
                continue;
            }
            if stop || pos == 0 {
                break;
            }
        }
        if dispatched > 0 {
            self.dispatched_total
                .fetch_add(dispatched as u64, Ordering::Relaxed);
        }
        dispatched
    }

    /// Build the consume-queue entry and index entries of one message (the
    /// two CommitLogDispatchers). `cache` remembers the last queue used, since
    /// consecutive messages very often go to the same one.
    pub(crate) fn dispatch(
        &self,
        req: &DispatchRequest<'_>,
        cache: &mut Option<Arc<ConsumeQueue>>,
    ) {
        if req.is_consumable() {
            let hit = cache.as_ref().is_some_and(|c| {
                c.queue_id() == req.queue_id && c.topic() == req.topic && !c.is_destroyed()
            });
            if !hit {
                *cache = self
                    .consume_queue_store
                    .find_or_create(req.topic, req.queue_id);
            }
            match cache {
                Some(cq) => {
                    if !cq.put_message_position_info(
                        req.commit_log_offset,
                        req.msg_size,
                        req.tags_code,
                        req.consume_queue_offset,
                    ) {
                        tracing::error!(
                            topic = req.topic,
                            queue = req.queue_id,
                            "could not write a consume queue entry"
                        );
                    }
                }
                None => tracing::warn!(
                    topic = req.topic,
                    "topic is not usable as a directory name; no consume queue built"
                ),
            }
        }
        for d in &self.dispatchers {
            d.dispatch(req);
        }
    }
}
