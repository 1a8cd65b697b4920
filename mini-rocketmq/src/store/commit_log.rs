//! The CommitLog: every message of every topic, appended to one log
//! (Java: `org.apache.rocketmq.store.CommitLog` with its inner
//! `DefaultAppendMessageCallback`, and `MessageExtEncoder`).
//!
//! RocketMQ's central bet is that one sequential write stream beats many
//! per-queue files: all topics share this log, and the per-queue indexes
//! (consume queues) are built *afterwards* by the dispatcher. So the put path
//! is short:
//!
//! 1. Outside the lock: compute the body CRC, pick the record version,
//!    validate sizes. Nothing here depends on other puts.
//! 2. Under the put lock: take the store timestamp, look up the queue offset
//!    for `(topic, queueId)`, and encode the record **directly into the
//!    mapped file** at the write position (no intermediate buffer), then
//!    bump the queue offset. If the record does not fit in the current file,
//!    write the 8-byte END_OF_FILE blank `[remaining][BLANK_MAGIC_CODE]`,
//!    roll to a new file and write it there.
//! 3. After the lock: the store wakes the dispatcher and, for SYNC_FLUSH,
//!    waits for the group commit.
//!
//! The queue offset table lives inside the put lock's mutex, because only
//! the put path uses it: queue offsets are assigned in the same order as
//! CommitLog offsets, which is what lets the dispatcher build consume
//! queues by simply tailing the log.

use std::io;
use std::sync::atomic::{AtomicI64, Ordering};

use parking_lot::Mutex;

use super::config::MessageStoreConfig;
use super::error::StoreError;
use super::mapped_file::SelectMappedBufferResult;
use super::mapped_file_queue::MappedFileQueue;
use super::put_message_result::{
    AppendMessageResult, AppendMessageStatus, PutMessageResult, PutMessageStatus,
};
use super::queue_offset_operator::QueueOffsetOperator;
use crate::common::message::{
    MessageExtBatch, MessageExtBrokerInner, MessageVersion, is_consumable_transaction_state,
};
use crate::common::message_decoder::{
    BLANK_MAGIC_CODE, BORN_HOST_POSITION, DecodeError, RecordFields, SYSFLAG_POSITION,
    batch_entries, body_crc, calc_msg_length, encode_record_into, message_properties_to_string,
    sys_flag_for_hosts,
};
use crate::common::sysflag::MessageSysFlag;

/// Every file keeps room for the 8-byte END_OF_FILE blank (Java `END_FILE_MIN_BLANK_LENGTH`).
pub const END_FILE_MIN_BLANK_LENGTH: usize = 4 + 4;

pub(crate) use crate::common::system_clock::now_millis as now_ms;

pub struct CommitLog {
    pub(crate) mapped_file_queue: MappedFileQueue,
    file_size: usize,
    max_message_size: usize,
    auto_message_version_on_topic_len: bool,
    put_lock: Mutex<QueueOffsetOperator>,
    /// One past the last appended byte, published after each append.
    max_offset: AtomicI64,
    /// When the current holder took the put lock (0 = free), for OS_PAGE_CACHE_BUSY.
    begin_time_in_lock: AtomicI64,
}

impl std::fmt::Debug for CommitLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommitLog")
            .field("max_offset", &self.max_offset())
            .finish()
    }
}

/// What [`CommitLog::put_locked`] appends: `len` bytes holding `msg_num`
/// records of one queue.
struct Put<'a> {
    topic: &'a str,
    queue_id: i32,
    /// Counts in its consume queue (not a prepared or rolled-back half message).
    consumable: bool,
    len: usize,
    msg_num: i32,
    store_host: std::net::SocketAddr,
}

/// Where the records being appended go, known only under the lock.
#[derive(Clone, Copy)]
struct AppendAt {
    /// CommitLog offset of the first byte.
    wrote_offset: i64,
    /// Queue offset of the first record.
    queue_offset: i64,
    store_timestamp: i64,
}

/// A validation failure, mapped to the status the broker reports.
fn illegal(why: &str) -> PutMessageResult {
    tracing::warn!(reason = why, "message rejected by the store");
    PutMessageResult::failed(PutMessageStatus::MessageIllegal)
}

impl CommitLog {
    pub fn new(config: &MessageStoreConfig) -> Self {
        CommitLog {
            mapped_file_queue: MappedFileQueue::new(
                config.commit_log_dir(),
                config.mapped_file_size_commit_log,
            ),
            file_size: config.mapped_file_size_commit_log,
            max_message_size: config.max_message_size,
            auto_message_version_on_topic_len: config.auto_message_version_on_topic_len,
            put_lock: Mutex::new(QueueOffsetOperator::default()),
            max_offset: AtomicI64::new(0),
            begin_time_in_lock: AtomicI64::new(0),
        }
    }

    /// Map the existing files (positions are fixed by recovery afterwards).
    pub fn load(&self) -> Result<(), StoreError> {
        self.mapped_file_queue.load()?;
        self.max_offset
            .store(self.mapped_file_queue.max_offset(), Ordering::Release);
        Ok(())
    }

    pub fn mapped_file_queue(&self) -> &MappedFileQueue {
        &self.mapped_file_queue
    }

    pub fn file_size(&self) -> usize {
        self.file_size
    }

    fn version_for(&self, msg: &MessageExtBrokerInner) -> MessageVersion {
        if self.auto_message_version_on_topic_len || msg.topic.len() > i8::MAX as usize {
            MessageVersion::for_topic_len(msg.topic.len())
        } else {
            msg.version
        }
    }

    /// Append one message (Java `CommitLog#asyncPutMessage` minus the flush
    /// and replication wait, which [`DefaultMessageStore`](super::DefaultMessageStore) adds).
    pub fn put_message(&self, msg: &MessageExtBrokerInner) -> PutMessageResult {
        if msg.body.len() > self.max_message_size {
            return illegal("body larger than maxMessageSize");
        }
        // The store writes the encoded string; encode the map only if the caller did not.
        let encoded;
        let properties = if msg.properties_string.is_empty() && !msg.properties.is_empty() {
            encoded = message_properties_to_string(&msg.properties);
            encoded.as_bytes()
        } else {
            msg.properties_string.as_bytes()
        };
        let mut fields = RecordFields {
            version: self.version_for(msg),
            body_crc: body_crc(&msg.body),
            queue_id: msg.queue_id,
            flag: msg.flag,
            queue_offset: 0,
            physical_offset: 0,
            sys_flag: msg.sys_flag,
            born_timestamp: msg.born_timestamp,
            born_host: msg.born_host,
            store_timestamp: 0,
            store_host: msg.store_host,
            reconsume_times: msg.reconsume_times,
            prepared_transaction_offset: msg.prepared_transaction_offset,
            body: &msg.body,
            topic: msg.topic.as_bytes(),
            properties,
        };
        match fields.validate() {
            Ok(()) => {}
            Err(DecodeError::PropertiesTooLong(_)) => {
                tracing::warn!(topic = %msg.topic, "properties longer than 32767 bytes");
                return PutMessageResult::failed(PutMessageStatus::PropertiesSizeExceeded);
            }
            Err(e) => return illegal(&e.to_string()),
        }
        let len = fields.record_len();
        if len + END_FILE_MIN_BLANK_LENGTH > self.file_size {
            return illegal("record larger than a CommitLog file");
        }
        let put = Put {
            topic: &msg.topic,
            queue_id: msg.queue_id,
            consumable: is_consumable_transaction_state(msg.sys_flag),
            len,
            msg_num: 1,
            store_host: msg.store_host,
        };
        self.put_locked(put, |at, buf| {
            fields.physical_offset = at.wrote_offset;
            fields.queue_offset = at.queue_offset;
            fields.store_timestamp = at.store_timestamp;
            encode_record_into(buf, &fields).map(|_| ())
        })
    }

    /// Append a SEND_BATCH_MESSAGE batch as consecutive records in one file
    /// (Java `CommitLog#asyncPutMessages`). The batch body is split outside
    /// the lock; inside, every record is encoded straight into the mapping.
    pub fn put_messages(&self, batch: &MessageExtBatch) -> PutMessageResult {
        if batch.body.len() > self.max_message_size {
            return illegal("batch body larger than maxMessageSize");
        }
        let version = self.version_for(batch);
        let sys_flag = sys_flag_for_hosts(batch.sys_flag, batch.born_host, batch.store_host);
        let topic = batch.topic.as_bytes();
        // (entry, crc, record length) per message.
        let mut entries = Vec::new();
        let mut total_len = 0usize;
        for e in batch_entries(&batch.body) {
            let e = match e {
                Ok(e) => e,
                Err(err) => return illegal(&format!("malformed batch body: {err}")),
            };
            if e.properties.len() > i16::MAX as usize {
                return PutMessageResult::failed(PutMessageStatus::PropertiesSizeExceeded);
            }
            let len = calc_msg_length(
                version,
                sys_flag,
                e.body.len(),
                topic.len(),
                e.properties.len(),
            );
            total_len += len;
            entries.push((e, body_crc(e.body), len));
        }
        if entries.is_empty() {
            return illegal("empty batch");
        }
        if version == MessageVersion::V1 && topic.len() > i8::MAX as usize {
            return illegal("topic too long for record version 1");
        }
        if total_len + END_FILE_MIN_BLANK_LENGTH > self.file_size {
            return illegal("batch larger than a CommitLog file");
        }
        let consumable = is_consumable_transaction_state(sys_flag);
        let mut offsets = Vec::with_capacity(entries.len());
        let put = Put {
            topic: &batch.topic,
            queue_id: batch.queue_id,
            consumable,
            len: total_len,
            msg_num: entries.len() as i32,
            store_host: batch.store_host,
        };
        let mut result = self.put_locked(put, |at, buf| {
            let wrote_offset = at.wrote_offset;
            let mut pos = 0usize;
            for (i, (e, crc, len)) in entries.iter().enumerate() {
                let fields = RecordFields {
                    version,
                    body_crc: *crc,
                    queue_id: batch.queue_id,
                    flag: e.flag,
                    queue_offset: if consumable {
                        at.queue_offset + i as i64
                    } else {
                        0
                    },
                    physical_offset: wrote_offset + pos as i64,
                    sys_flag,
                    born_timestamp: batch.born_timestamp,
                    born_host: batch.born_host,
                    store_timestamp: at.store_timestamp,
                    store_host: batch.store_host,
                    reconsume_times: batch.reconsume_times,
                    prepared_transaction_offset: 0,
                    body: e.body,
                    topic,
                    properties: e.properties,
                };
                encode_record_into(&mut buf[pos..pos + len], &fields)?;
                offsets.push(wrote_offset + pos as i64);
                pos += len;
            }
            Ok(())
        });
        if let Some(appended) = result.append_message_result.as_mut() {
            appended.batch_offsets = offsets;
        }
        result
    }

    /// The locked half of both puts (Java `CommitLog#asyncPutMessage(s)`
    /// between `putMessageLock.lock()` and `unlock()`): stamp the store time,
    /// take the queue's next offset, append `put.len` bytes through `encode`
    /// (Java `DefaultAppendMessageCallback#doAppend`), then advance the
    /// queue offset by `put.msg_num` and publish the new max offset.
    fn put_locked(
        &self,
        put: Put<'_>,
        mut encode: impl FnMut(AppendAt, &mut [u8]) -> Result<(), DecodeError>,
    ) -> PutMessageResult {
        let mut table = self.put_lock.lock();
        let begin = now_ms();
        self.begin_time_in_lock.store(begin, Ordering::Relaxed);
        // One table lookup per put: read the counter now, bump it after the append.
        let counter = if put.consumable {
            Some(table.slot(put.topic, put.queue_id))
        } else {
            None
        };
        let queue_offset = counter.as_deref().copied().unwrap_or(0);
        let appended = self.append_locked(put.len, begin, |wrote_offset, buf| {
            let at = AppendAt {
                wrote_offset,
                queue_offset,
                store_timestamp: begin,
            };
            encode(at, buf)
        });
        let result = match appended {
            Ok(wrote_offset) => {
                if let Some(c) = counter {
                    *c = queue_offset + put.msg_num as i64;
                }
                self.max_offset
                    .store(wrote_offset + put.len as i64, Ordering::Release);
                PutMessageResult::new(
                    PutMessageStatus::PutOk,
                    Some(AppendMessageResult {
                        status: AppendMessageStatus::PutOk,
                        wrote_offset,
                        wrote_bytes: put.len,
                        store_timestamp: begin,
                        logics_offset: queue_offset,
                        msg_num: put.msg_num,
                        store_host: put.store_host,
                        batch_offsets: Vec::new(),
                    }),
                )
            }
            Err(status) => PutMessageResult::failed(status),
        };
        self.begin_time_in_lock.store(0, Ordering::Relaxed);
        drop(table);
        result
    }

    /// Under the put lock: write `len` bytes through `write` into the last
    /// file, rolling over (with an END_OF_FILE blank) at most once. Returns
    /// the CommitLog offset the bytes went to.
    fn append_locked(
        &self,
        len: usize,
        store_timestamp: i64,
        mut write: impl FnMut(i64, &mut [u8]) -> Result<(), DecodeError>,
    ) -> Result<i64, PutMessageStatus> {
        for _ in 0..2 {
            let file = self
                .mapped_file_queue
                .last_mapped_file_or_create(0)
                .map_err(|e| {
                    tracing::error!(error = %e, "cannot create a CommitLog file");
                    PutMessageStatus::CreateMappedFileFailed
                })?;
            let file_size = self.file_size;
            let outcome = file.append_with(|from, free| {
                let wrote_offset = from + (file_size - free.len()) as i64;
                if len + END_FILE_MIN_BLANK_LENGTH > free.len() {
                    // END_OF_FILE: `[remaining][BLANK_MAGIC]`; the rest of the file stays unused.
                    let remaining = free.len();
                    if remaining >= END_FILE_MIN_BLANK_LENGTH {
                        free[..4].copy_from_slice(&(remaining as i32).to_be_bytes());
                        free[4..8].copy_from_slice(&BLANK_MAGIC_CODE.to_be_bytes());
                    }
                    return (remaining, Ok(None));
                }
                match write(wrote_offset, &mut free[..len]) {
                    Ok(()) => (len, Ok(Some(wrote_offset))),
                    Err(e) => (0, Err(e)),
                }
            });
            match outcome {
                Ok(Some(wrote_offset)) => {
                    file.set_store_timestamp(store_timestamp);
                    return Ok(wrote_offset);
                }
                Ok(None) => {
                    // The blank advanced the published end too: the dispatcher must skip it.
                    self.max_offset.store(
                        file.file_from_offset() + file_size as i64,
                        Ordering::Release,
                    );
                    continue;
                }
                Err(e) => {
                    tracing::error!(error = %e, "record encoding failed after validation");
                    return Err(PutMessageStatus::UnknownError);
                }
            }
        }
        Err(PutMessageStatus::UnknownError)
    }

    /// Bytes from `offset` to the end of what is written in its file.
    pub fn get_data(&self, offset: i64) -> Option<SelectMappedBufferResult> {
        self.mapped_file_queue.get_data(offset)
    }

    /// The record of `size` bytes at `offset` (Java `getMessage(offset, size)`).
    pub fn get_message(&self, offset: i64, size: usize) -> Option<SelectMappedBufferResult> {
        self.mapped_file_queue.get_data_sized(offset, size)
    }

    /// The store timestamp of the record at `offset`, or -1 (Java `pickupStoreTimestamp`).
    pub fn pickup_store_timestamp(&self, offset: i64, size: i32) -> i64 {
        if offset < self.min_offset() || size <= 0 {
            return -1;
        }
        let Some(sel) = self.get_message(offset, size as usize) else {
            return -1;
        };
        let buf = sel.as_slice();
        let Some(flag) = buf.get(SYSFLAG_POSITION..SYSFLAG_POSITION + 4) else {
            return -1;
        };
        let sys_flag = i32::from_be_bytes([flag[0], flag[1], flag[2], flag[3]]);
        let pos = BORN_HOST_POSITION + MessageSysFlag::born_host_len(sys_flag);
        buf.get(pos..pos + 8)
            .map(|b| i64::from_be_bytes(b.try_into().unwrap_or([0xFF; 8])))
            .unwrap_or(-1)
    }

    /// First CommitLog offset still stored (0 when empty).
    pub fn min_offset(&self) -> i64 {
        self.mapped_file_queue.min_offset()
    }

    /// One past the last written byte.
    pub fn max_offset(&self) -> i64 {
        self.max_offset.load(Ordering::Acquire)
    }

    pub(crate) fn set_max_offset(&self, offset: i64) {
        self.max_offset.store(offset, Ordering::Release);
    }

    pub fn roll_next_file(&self, offset: i64) -> i64 {
        self.mapped_file_queue.roll_next_file(offset)
    }

    /// msync what is dirty (see `MappedFileQueue::flush`); returns the flushed offset.
    pub fn flush(&self, least_pages: usize) -> io::Result<i64> {
        self.mapped_file_queue.flush(least_pages)
    }

    pub fn flushed_where(&self) -> i64 {
        self.mapped_file_queue.flushed_where()
    }

    /// How long the current put has held the lock, in ms (0 if nobody holds it).
    pub fn lock_time_mills(&self) -> i64 {
        let begin = self.begin_time_in_lock.load(Ordering::Relaxed);
        if begin == 0 {
            0
        } else {
            (now_ms() - begin).max(0)
        }
    }

    /// Next queue offset of `(topic, queue_id)`.
    pub fn queue_offset(&self, topic: &str, queue_id: i32) -> i64 {
        self.put_lock.lock().get(topic, queue_id)
    }

    /// Set the next queue offset (recovery rebuilds the table from the consume queues).
    pub fn set_queue_offset(&self, topic: &str, queue_id: i32, offset: i64) {
        self.put_lock.lock().set(topic, queue_id, offset);
    }

    pub fn remove_queue_from_topic_queue_table(&self, topic: &str, queue_id: i32) {
        self.put_lock.lock().remove_queue(topic, queue_id);
    }

    pub fn remove_topic_from_topic_queue_table(&self, topic: &str) {
        self.put_lock.lock().remove_topic(topic);
    }

    pub fn clear_topic_queue_table(&self) {
        self.put_lock.lock().clear();
    }
}
