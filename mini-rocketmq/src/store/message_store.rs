//! The store as the broker sees it (Java: `org.apache.rocketmq.store.DefaultMessageStore`).
//!
//! It wires the parts together and owns their life cycle:
//!
//! ```text
//! open ── load files ── recover (abort file? → normal / abnormal) ── catch up dispatch
//! start ─ create `abort` ── spawn ReputMessageService, the CommitLog flusher,
//!         FlushConsumeQueueService
//! put ─── CommitLog append ── wake the dispatcher ── (SYNC_FLUSH: wait for the group commit)
//! get ─── ConsumeQueue entries ── filter by tag code ── copy records out of the CommitLog
//! shutdown ─ stop services ── finish dispatch ── flush all ── checkpoint ── delete `abort`
//! ```
//!
//! The `abort` file is the crash detector: it exists exactly while a store
//! is running. Finding it at open means the previous run did not reach
//! `shutdown`, so the consume queues and the CommitLog tail cannot be
//! trusted and recovery takes the careful path.
//!
//! `DefaultMessageStore` is a cheap handle (an `Arc` inside); clone it into
//! every processor. Background services hold only the parts they use, never
//! the store itself, so dropping the last handle without `shutdown` stops
//! them (and leaves `abort` behind, exactly like a crash would).

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use parking_lot::Mutex;

mod get_message;

use super::allocate_mapped_file_service::AllocateMappedFileService;
use super::commit_log::{CommitLog, now_ms};
use super::commit_log_recovery::recover_store;
use super::config::{BrokerRole, FlushDiskType, MessageStoreConfig};
use super::consume_queue::{BoundaryType, ConsumeQueue};
use super::consume_queue_store::{ConsumeQueueStore, is_safe_topic_dir};
use super::disk_space::{DiskSpaceGuard, used_percent};
use super::dispatch_request::{CheckedRecord, check_message_and_return_size};
use super::dispatch_request::{RMQ_SYS_SCHEDULE_TOPIC, parse_delay_levels};
use super::error::StoreError;
use super::flush::{FlushCommitLogService, FlushConsumeQueueService};
use super::index_service::{IndexService, QueryMessageResult, QueryOffsetResult};
use super::mapped_file::SelectMappedBufferResult;
use super::message_arriving_listener::MessageArrivingListener;
use super::put_message_result::{PutMessageResult, PutMessageStatus};
use super::quarantine::{Quarantine, QuarantinedRange};
use super::reput_message_service::{CommitLogDispatcher, ReputMessageService};
use super::store_checkpoint::StoreCheckpoint;
use crate::common::message::{MessageExt, MessageExtBatch, MessageExtBrokerInner};
use crate::common::message_decoder;

struct Inner {
    config: MessageStoreConfig,
    commit_log: Arc<CommitLog>,
    consume_queue_store: Arc<ConsumeQueueStore>,
    checkpoint: Arc<StoreCheckpoint>,
    reput: Arc<ReputMessageService>,
    flush_commit_log: Arc<FlushCommitLogService>,
    flush_consume_queue: Arc<FlushConsumeQueueService>,
    allocate_mapped_file: Arc<AllocateMappedFileService>,
    index_service: Option<Arc<IndexService>>,
    /// Damaged CommitLog ranges recovery stepped over.
    quarantine: Arc<Quarantine>,
    /// Refuses puts while the store's file system is nearly full.
    disk_space: DiskSpaceGuard,
    /// Java's `shutdown` flag, inverted: puts are refused until `start` and after `shutdown`.
    running: AtomicBool,
    shut_down: AtomicBool,
    last_exit_ok: bool,
    boot_timestamp: i64,
    put_message_times_total: AtomicU64,
    put_message_size_total: AtomicU64,
    lifecycle: Mutex<()>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Dropped without `shutdown`: stop the threads (they own clones of the
        // parts they use, which they release as they exit) but leave `abort`
        // in place, as a crash would.
        self.reput.signal_stop();
        self.flush_commit_log.signal_stop();
        self.flush_consume_queue.signal_stop();
        self.allocate_mapped_file.signal_stop();
    }
}

#[derive(Clone)]
pub struct DefaultMessageStore {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for DefaultMessageStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultMessageStore")
            .field("root", &self.inner.config.store_path_root_dir)
            .field("max_phy_offset", &self.max_phy_offset())
            .finish()
    }
}

impl DefaultMessageStore {
    /// Open the store under `config.store_path_root_dir`: load every file,
    /// recover (normal or abnormal, decided by the `abort` file) and bring the
    /// consume queues up to date with the CommitLog (Java `load` + the first
    /// half of `start`).
    pub fn open(config: MessageStoreConfig) -> Result<Self, StoreError> {
        let root = config.store_path_root_dir.clone();
        std::fs::create_dir_all(&root).map_err(|e| StoreError::io("create directory", &root, e))?;
        let last_exit_ok = !config.abort_path().exists();

        let commit_log = Arc::new(CommitLog::new(&config));
        commit_log.load()?;
        let consume_queue_store = Arc::new(ConsumeQueueStore::new(
            config.consume_queue_dir(),
            config.mapped_file_size_consume_queue,
        ));
        consume_queue_store.load()?;
        let checkpoint = Arc::new(StoreCheckpoint::open(config.checkpoint_path())?);
        let delay_levels = parse_delay_levels(&config.message_delay_level);
        let index_service = if config.message_index_enable {
            let index = Arc::new(IndexService::new(
                config.index_dir(),
                config.max_hash_slot_num as usize,
                config.max_index_num as usize,
                config.max_msgs_num_batch,
                Arc::clone(&checkpoint),
            ));
            index.load(last_exit_ok)?;
            Some(index)
        } else {
            None
        };
        let mut dispatchers: Vec<Arc<dyn CommitLogDispatcher>> = Vec::new();
        if let Some(index) = &index_service {
            dispatchers.push(Arc::clone(index) as Arc<dyn CommitLogDispatcher>);
        }
        let quarantine = Arc::new(Quarantine::open(config.quarantine_dir()));
        let reput = Arc::new(ReputMessageService::new(
            Arc::clone(&commit_log),
            Arc::clone(&consume_queue_store),
            dispatchers,
            delay_levels.clone(),
            Arc::clone(&quarantine),
        ));

        recover_store(
            &config,
            &commit_log,
            &consume_queue_store,
            &checkpoint,
            &reput,
            &quarantine,
            last_exit_ok,
        );

        let flush_commit_log = Arc::new(FlushCommitLogService::new(
            &config,
            Arc::clone(&commit_log),
            Arc::clone(&checkpoint),
        ));
        let flush_consume_queue = Arc::new(FlushConsumeQueueService::new(
            &config,
            Arc::clone(&consume_queue_store),
            index_service.clone(),
            Arc::clone(&checkpoint),
            Arc::clone(&reput),
        ));
        let allocate_mapped_file = Arc::new(AllocateMappedFileService::new(
            Arc::clone(&commit_log),
            config.commit_log_warm_ahead_size,
        ));
        let disk_space = DiskSpaceGuard::new(
            &root,
            config.disk_space_warning_level_ratio,
            config.disk_space_clean_forcibly_ratio,
        );
        tracing::info!(
            root = %root.display(), last_exit_ok, max_phy_offset = commit_log.max_offset(),
            queues = consume_queue_store.all().len(), "message store opened"
        );
        Ok(DefaultMessageStore {
            inner: Arc::new(Inner {
                config,
                commit_log,
                consume_queue_store,
                checkpoint,
                reput,
                flush_commit_log,
                flush_consume_queue,
                allocate_mapped_file,
                index_service,
                quarantine,
                disk_space,
                running: AtomicBool::new(false),
                shut_down: AtomicBool::new(false),
                last_exit_ok,
                boot_timestamp: now_ms(),
                put_message_times_total: AtomicU64::new(0),
                put_message_size_total: AtomicU64::new(0),
                lifecycle: Mutex::new(()),
            }),
        })
    }

    /// Create the `abort` file and start the background services; puts are
    /// accepted from now on.
    pub fn start(&self) -> Result<(), StoreError> {
        let _l = self.inner.lifecycle.lock();
        if self.inner.running.load(Ordering::Acquire)
            || self.inner.shut_down.load(Ordering::Acquire)
        {
            return Ok(());
        }
        let abort = self.inner.config.abort_path();
        std::fs::write(&abort, std::process::id().to_string())
            .map_err(|e| StoreError::io("create", &abort, e))?;
        let spawn = |r: std::io::Result<()>| {
            r.map_err(|e| StoreError::io("spawn service thread", &abort, e))
        };
        spawn(self.inner.reput.start())?;
        spawn(self.inner.flush_commit_log.start())?;
        spawn(self.inner.flush_consume_queue.start())?;
        spawn(self.inner.allocate_mapped_file.start())?;
        self.inner.running.store(true, Ordering::Release);
        Ok(())
    }

    /// Refuse new puts, finish dispatching, flush everything, write the
    /// checkpoint and delete the `abort` file (Java `shutdown`).
    pub fn shutdown(&self) {
        let _l = self.inner.lifecycle.lock();
        if self.inner.shut_down.swap(true, Ordering::AcqRel) {
            return;
        }
        let was_running = self.inner.running.swap(false, Ordering::AcqRel);
        self.inner.reput.shutdown();
        self.inner.flush_commit_log.shutdown();
        self.inner.flush_consume_queue.shutdown();
        self.inner.allocate_mapped_file.shutdown();
        if was_running {
            let abort = self.inner.config.abort_path();
            if let Err(e) = std::fs::remove_file(&abort) {
                tracing::warn!(file = %abort.display(), error = %e, "could not delete the abort file");
            }
        }
        tracing::info!(
            max_phy_offset = self.max_phy_offset(),
            "message store shut down"
        );
    }

    pub fn config(&self) -> &MessageStoreConfig {
        &self.inner.config
    }

    /// Whether the previous run ended with `shutdown` (no `abort` file at open).
    pub fn last_exit_ok(&self) -> bool {
        self.inner.last_exit_ok
    }

    pub fn commit_log(&self) -> &CommitLog {
        &self.inner.commit_log
    }

    pub fn checkpoint(&self) -> &StoreCheckpoint {
        &self.inner.checkpoint
    }

    pub fn consume_queue_store(&self) -> &ConsumeQueueStore {
        &self.inner.consume_queue_store
    }

    pub fn find_consume_queue(&self, topic: &str, queue_id: i32) -> Option<Arc<ConsumeQueue>> {
        self.inner
            .consume_queue_store
            .find_consume_queue(topic, queue_id)
    }

    /// Current time in ms, as the store stamps it.
    pub fn now(&self) -> i64 {
        now_ms()
    }

    /// Why a put cannot be accepted right now, if it cannot.
    fn check_store_status(&self) -> Option<PutMessageStatus> {
        if !self.inner.running.load(Ordering::Acquire) {
            return Some(PutMessageStatus::ServiceNotAvailable);
        }
        if self.inner.config.broker_role == BrokerRole::Slave {
            return Some(PutMessageStatus::ServiceNotAvailable);
        }
        if self.is_os_page_cache_busy() {
            return Some(PutMessageStatus::OsPageCacheBusy);
        }
        // Java's runningFlags "disk full" bit: not writeable → SERVICE_NOT_AVAILABLE.
        if self.inner.disk_space.is_full(now_ms()) {
            return Some(PutMessageStatus::ServiceNotAvailable);
        }
        None
    }

    /// The put lock has been held for longer than `osPageCacheBusyTimeOutMills`.
    pub fn is_os_page_cache_busy(&self) -> bool {
        let held = self.inner.commit_log.lock_time_mills();
        held > self.inner.config.os_page_cache_busy_timeout_mills as i64 && held < 10_000_000
    }

    /// Store one message (Java `asyncPutMessage`).
    pub async fn put_message(&self, msg: MessageExtBrokerInner) -> PutMessageResult {
        if let Some(status) = self.check_store_status() {
            return PutMessageResult::failed(status);
        }
        if !is_safe_topic_dir(&msg.topic) {
            tracing::warn!(topic = %msg.topic, "topic cannot name a consume queue directory");
            return PutMessageResult::failed(PutMessageStatus::MessageIllegal);
        }
        let result = self.inner.commit_log.put_message(&msg);
        self.after_put(result, msg.is_wait_store_msg_ok()).await
    }

    /// Store a SEND_BATCH_MESSAGE batch (Java `asyncPutMessages`).
    pub async fn put_messages(&self, batch: MessageExtBatch) -> PutMessageResult {
        if let Some(status) = self.check_store_status() {
            return PutMessageResult::failed(status);
        }
        if !is_safe_topic_dir(&batch.topic) {
            return PutMessageResult::failed(PutMessageStatus::MessageIllegal);
        }
        let result = self.inner.commit_log.put_messages(&batch);
        self.after_put(result, batch.is_wait_store_msg_ok()).await
    }

    /// Wake the dispatcher, count, and apply the flush policy (Java `handleDiskFlush`).
    async fn after_put(
        &self,
        mut result: PutMessageResult,
        wait_store_msg_ok: bool,
    ) -> PutMessageResult {
        let Some(append) = result
            .append_message_result
            .as_ref()
            .filter(|_| result.status == PutMessageStatus::PutOk)
        else {
            return result;
        };
        self.inner.reput.wakeup();
        self.inner.allocate_mapped_file.after_put();
        self.inner
            .put_message_times_total
            .fetch_add(append.msg_num.max(1) as u64, Ordering::Relaxed);
        self.inner
            .put_message_size_total
            .fetch_add(append.wrote_bytes as u64, Ordering::Relaxed);
        let flush = &self.inner.flush_commit_log;
        match flush.flush_disk_type() {
            FlushDiskType::SyncFlush if wait_store_msg_ok => {
                let next = append.wrote_offset + append.wrote_bytes as i64;
                let timeout = Duration::from_millis(self.inner.config.sync_flush_timeout);
                if !flush.wait_for_flush(next, timeout).await {
                    tracing::warn!(offset = next, "sync flush timed out");
                    result.status = PutMessageStatus::FlushDiskTimeout;
                }
            }
            FlushDiskType::SyncFlush => flush.wakeup(),
            FlushDiskType::AsyncFlush => {
                if !self.inner.config.flush_commit_log_timed {
                    flush.wakeup();
                }
            }
        }
        result
    }

    pub fn get_max_offset_in_queue(&self, topic: &str, queue_id: i32) -> i64 {
        self.find_consume_queue(topic, queue_id)
            .map(|q| q.max_offset_in_queue())
            .unwrap_or(0)
    }

    pub fn get_min_offset_in_queue(&self, topic: &str, queue_id: i32) -> i64 {
        self.find_consume_queue(topic, queue_id)
            .map(|q| q.min_offset_in_queue())
            .unwrap_or(0)
    }

    pub fn get_message_total_in_queue(&self, topic: &str, queue_id: i32) -> i64 {
        self.find_consume_queue(topic, queue_id)
            .map(|q| q.message_total_in_queue())
            .unwrap_or(0)
    }

    /// The queue offset stored closest to `timestamp` (SEARCH_OFFSET_BY_TIMESTAMP).
    pub fn get_offset_in_queue_by_time(
        &self,
        topic: &str,
        queue_id: i32,
        timestamp: i64,
        boundary: BoundaryType,
    ) -> i64 {
        let Some(cq) = self.find_consume_queue(topic, queue_id) else {
            return 0;
        };
        let cl = &self.inner.commit_log;
        cq.get_offset_in_queue_by_time(timestamp, boundary, |off, size| {
            cl.pickup_store_timestamp(off, size)
        })
    }

    /// CommitLog offset of message `consume_queue_offset` (0 if unknown).
    pub fn get_commit_log_offset_in_queue(
        &self,
        topic: &str,
        queue_id: i32,
        consume_queue_offset: i64,
    ) -> i64 {
        self.find_consume_queue(topic, queue_id)
            .and_then(|q| q.get_unit(consume_queue_offset))
            .map(|u| u.commit_log_offset)
            .unwrap_or(0)
    }

    /// Store time of message `consume_queue_offset`, or -1.
    pub fn get_message_store_timestamp(
        &self,
        topic: &str,
        queue_id: i32,
        consume_queue_offset: i64,
    ) -> i64 {
        self.find_consume_queue(topic, queue_id)
            .and_then(|q| q.get_unit(consume_queue_offset))
            .map(|u| {
                self.inner
                    .commit_log
                    .pickup_store_timestamp(u.commit_log_offset, u.size)
            })
            .unwrap_or(-1)
    }

    /// Store time of the oldest message still in the queue, or -1.
    pub fn get_earliest_message_time(&self, topic: &str, queue_id: i32) -> i64 {
        let min = self.get_min_offset_in_queue(topic, queue_id);
        self.get_message_store_timestamp(topic, queue_id, min)
    }

    /// The raw record starting at `commit_log_offset` (its size read from
    /// its first 4 bytes); `None` if it is not a sound record.
    pub fn select_one_message_by_offset(
        &self,
        commit_log_offset: i64,
    ) -> Option<SelectMappedBufferResult> {
        let head = self.inner.commit_log.get_message(commit_log_offset, 4)?;
        let size = i32::from_be_bytes(head.as_slice().try_into().ok()?);
        if size <= 0 {
            return None;
        }
        let record = self
            .inner
            .commit_log
            .get_message(commit_log_offset, size as usize)?;
        self.is_sound_record(commit_log_offset, &record)
            .then_some(record)
    }

    /// The raw record of known `size` at `commit_log_offset`; `None` if it
    /// is not a sound record.
    pub fn select_one_message_by_offset_and_size(
        &self,
        commit_log_offset: i64,
        size: i32,
    ) -> Option<SelectMappedBufferResult> {
        let record = self
            .inner
            .commit_log
            .get_message(commit_log_offset, usize::try_from(size).ok()?)?;
        self.is_sound_record(commit_log_offset, &record)
            .then_some(record)
    }

    /// Whether `record`, read at `offset`, may be handed to a reader: not in
    /// a quarantined range, and whole — its size, magic, PHYSICALOFFSET and
    /// body CRC all agree. Recovery checks the same for the files it walks;
    /// this catches damage in older files (or after start) on the way out,
    /// so a consumer never receives a damaged record. A record that fails
    /// is quarantined then and there. The cost is one CRC pass over each
    /// record read (crc32fast: a few tens of ns per KiB).
    pub(crate) fn is_sound_record(&self, offset: i64, record: &SelectMappedBufferResult) -> bool {
        let q = &self.inner.quarantine;
        if q.overlaps(offset, record.len() as i64) {
            return false;
        }
        let why = match message_decoder::parse_record(record.as_slice()) {
            Ok(v) if v.total_size as usize != record.len() => {
                format!(
                    "size field {} where {} was expected",
                    v.total_size,
                    record.len()
                )
            }
            Ok(v) if v.physical_offset != offset => {
                format!(
                    "record claims offset {} but sits at {offset}",
                    v.physical_offset
                )
            }
            Ok(v) => match v.verify_crc() {
                Ok(()) => return true,
                Err(e) => e.to_string(),
            },
            Err(e) => e.to_string(),
        };
        q.add(
            QuarantinedRange {
                offset,
                size: record.len() as i64,
                reason: format!("read check: {why}"),
            },
            record.mapped_file().path(),
            record.as_slice(),
        );
        false
    }

    /// The damaged CommitLog ranges known to this store.
    pub fn quarantine(&self) -> &Quarantine {
        &self.inner.quarantine
    }

    /// Decode the record at `commit_log_offset` (VIEW_MESSAGE_BY_ID, CONSUMER_SEND_MSG_BACK).
    pub fn look_message_by_offset(&self, commit_log_offset: i64) -> Option<MessageExt> {
        let sel = self.select_one_message_by_offset(commit_log_offset)?;
        message_decoder::decode(&Bytes::copy_from_slice(sel.as_slice()), true, false).ok()
    }

    /// Decode the record of known `size` at `commit_log_offset`.
    pub fn look_message_by_offset_and_size(
        &self,
        commit_log_offset: i64,
        size: i32,
    ) -> Option<MessageExt> {
        let sel = self.select_one_message_by_offset_and_size(commit_log_offset, size)?;
        message_decoder::decode(&Bytes::copy_from_slice(sel.as_slice()), true, false).ok()
    }

    /// CommitLog offsets of messages indexed under `topic#key` and stored
    /// within `[begin, end]` ms (empty when `messageIndexEnable` is off).
    pub fn query_offset(
        &self,
        topic: &str,
        key: &str,
        max_num: usize,
        begin: i64,
        end: i64,
    ) -> QueryOffsetResult {
        match &self.inner.index_service {
            Some(index) => index.query_offset(topic, key, max_num, begin, end),
            None => QueryOffsetResult::default(),
        }
    }

    /// The messages of `topic` whose UNIQ_KEY or one of whose KEYS is `key`
    /// (QUERY_MESSAGE, Java `queryMessage`). Index hits are checked against the
    /// record itself, since different keys can share a hash.
    pub fn query_message(
        &self,
        topic: &str,
        key: &str,
        max_num: usize,
        begin: i64,
        end: i64,
    ) -> QueryMessageResult {
        let offsets = self.query_offset(topic, key, max_num, begin, end);
        let mut body = bytes::BytesMut::new();
        let mut count = 0;
        for &offset in &offsets.phy_offsets {
            let Some(record) = self.select_one_message_by_offset(offset) else {
                continue;
            };
            let matches = match check_message_and_return_size(record.as_slice(), false, &[]) {
                CheckedRecord::Message(r) => {
                    r.topic == topic
                        && (r.uniq_key == Some(key)
                            || r.keys.is_some_and(|ks| {
                                ks.split(crate::common::message_const::KEY_SEPARATOR)
                                    .any(|k| k == key)
                            }))
                }
                _ => false,
            };
            if matches {
                body.extend_from_slice(record.as_slice());
                count += 1;
            }
        }
        QueryMessageResult {
            body: body.freeze(),
            message_count: count,
            index_last_update_timestamp: offsets.index_last_update_timestamp,
            index_last_update_phyoffset: offsets.index_last_update_phyoffset,
        }
    }

    /// One past the last CommitLog byte.
    pub fn max_phy_offset(&self) -> i64 {
        self.inner.commit_log.max_offset()
    }

    pub fn min_phy_offset(&self) -> i64 {
        self.inner.commit_log.min_offset()
    }

    /// CommitLog bytes not yet turned into consume-queue entries.
    pub fn dispatch_behind_bytes(&self) -> i64 {
        self.inner.reput.behind()
    }

    /// Where the dispatcher has got to.
    pub fn reput_from_offset(&self) -> i64 {
        self.inner.reput.reput_from_offset()
    }

    /// CommitLog offset known to be on disk.
    pub fn flushed_where(&self) -> i64 {
        self.inner.commit_log.flushed_where()
    }

    /// Install the long-polling hook (Java passes it to the constructor).
    pub fn set_message_arriving_listener(&self, listener: Arc<dyn MessageArrivingListener>) {
        self.inner.reput.set_listener(Some(listener));
    }

    /// Figures for GET_BROKER_RUNTIME_INFO, under RocketMQ's key names.
    pub fn runtime_info(&self) -> Vec<(String, String)> {
        let times = self.inner.put_message_times_total.load(Ordering::Relaxed);
        let size = self.inner.put_message_size_total.load(Ordering::Relaxed);
        let avg = if times == 0 {
            0.0
        } else {
            size as f64 / times as f64
        };
        let cp = &self.inner.checkpoint;
        vec![
            (
                "bootTimestamp".into(),
                self.inner.boot_timestamp.to_string(),
            ),
            (
                "commitLogMinOffset".into(),
                self.min_phy_offset().to_string(),
            ),
            (
                "commitLogMaxOffset".into(),
                self.max_phy_offset().to_string(),
            ),
            (
                "commitLogFlushedOffset".into(),
                self.flushed_where().to_string(),
            ),
            (
                "dispatchBehindBytes".into(),
                self.dispatch_behind_bytes().to_string(),
            ),
            ("putMessageTimesTotal".into(), times.to_string()),
            ("putMessageSizeTotal".into(), size.to_string()),
            ("putMessageAverageSize".into(), format!("{avg:.2}")),
            (
                "dispatchMessageTimesTotal".into(),
                self.inner.reput.dispatched_total().to_string(),
            ),
            (
                "consumeQueueCount".into(),
                self.inner.consume_queue_store.all().len().to_string(),
            ),
            (
                "physicMsgTimestamp".into(),
                cp.physic_msg_timestamp().to_string(),
            ),
            (
                "logicsMsgTimestamp".into(),
                cp.logics_msg_timestamp().to_string(),
            ),
            (
                "commitLogDiskRatio".into(),
                used_percent(&self.inner.config.store_path_root_dir)
                    .map(|u| format!("{:.4}", u / 100.0))
                    .unwrap_or_default(),
            ),
            // Ours, not RocketMQ's: damaged ranges recovery stepped over.
            (
                "commitLogQuarantinedRanges".into(),
                self.inner.quarantine.len().to_string(),
            ),
            (
                "commitLogQuarantinedBytes".into(),
                self.inner.quarantine.total_bytes().to_string(),
            ),
            (
                "flushDiskType".into(),
                self.inner.config.flush_disk_type.name().to_owned(),
            ),
        ]
    }

    /// Delete the consume queues of `topics` (Java `deleteTopics`); the
    /// CommitLog keeps the records until its files expire. Returns how many
    /// topics had queues.
    pub fn delete_topics<S: AsRef<str>>(&self, topics: &[S]) -> usize {
        let mut n = 0;
        for t in topics {
            let topic = t.as_ref();
            if self.inner.consume_queue_store.delete_topic(topic) {
                n += 1;
            }
            self.inner
                .commit_log
                .remove_topic_from_topic_queue_table(topic);
        }
        n
    }

    /// Delete the queues of every topic not in `retain_topics` (except the
    /// schedule topic). Returns how many topics were removed.
    pub fn clean_unused_topic(&self, retain_topics: &HashSet<String>) -> usize {
        let doomed: Vec<String> = self
            .inner
            .consume_queue_store
            .topics()
            .into_iter()
            .filter(|t| !retain_topics.contains(t) && t != RMQ_SYS_SCHEDULE_TOPIC)
            .collect();
        self.delete_topics(&doomed)
    }
}
