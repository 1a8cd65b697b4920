//! Finding where the CommitLog's valid data ends after a restart (Java:
//! `CommitLog#recoverNormally` and `CommitLog#recoverAbnormally`).
//!
//! On disk, a CommitLog file does not say how much of it is written: the
//! loaded files all look full. Recovery walks records forward — checking
//! magic, size and body CRC (`check_message_and_return_size`) — and the
//! first record that fails marks the end. Everything after it is a torn
//! write from a crash (or zeros) and is cut off, so the next put overwrites
//! it. Where the walk starts is the only difference between the two modes
//! (Java `CommitLog#recoverAbnormally`, `store/src/main/java/org/apache/rocketmq/store/CommitLog.java`):
//!
//! * **normal** (no `abort` file — the last run shut down cleanly): the
//!   third-newest file; the consume queues are known to be complete.
//! * **abnormal** (`abort` present — the last run crashed): the newest file
//!   whose first message is older than the checkpoint's `min_timestamp()`,
//!   i.e. before anything that might be missing from the consume queues. The
//!   store then re-dispatches from that file so the queues are rebuilt.

use std::sync::Arc;

use super::commit_log::CommitLog;
use super::config::MessageStoreConfig;
use super::consume_queue_store::ConsumeQueueStore;
use super::dispatch_request::{CheckedRecord, check_message_and_return_size};
use super::mapped_file::MappedFile;
use super::reput_message_service::ReputMessageService;
use super::store_checkpoint::StoreCheckpoint;

/// How far recovery found valid data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecoveryOutcome {
    /// CommitLog offset of the first byte after the last valid record.
    pub process_offset: i64,
    /// Start offset of the file the walk began in (where re-dispatch starts).
    pub scan_start_offset: i64,
    /// Valid records walked over.
    pub records: u64,
}

impl CommitLog {
    /// Walk records from file `start`, returning the end of valid data.
    fn scan_valid(
        &self,
        files: &[Arc<MappedFile>],
        start: usize,
        check_crc: bool,
        delay_levels: &[i64],
    ) -> RecoveryOutcome {
        let mut index = start;
        let mut pos = 0usize;
        let mut records = 0u64;
        loop {
            let file = &files[index];
            let data = file.slice(0, file.read_position()).unwrap_or(&[]);
            let at = file.file_from_offset() + pos as i64;
            match check_message_and_return_size(
                data.get(pos..).unwrap_or(&[]),
                check_crc,
                delay_levels,
            ) {
                CheckedRecord::Message(req) if req.commit_log_offset == at => {
                    pos += req.msg_size as usize;
                    records += 1;
                }
                CheckedRecord::Blank if index + 1 < files.len() => {
                    index += 1;
                    pos = 0;
                }
                CheckedRecord::Blank | CheckedRecord::End => break,
                CheckedRecord::Message(req) => {
                    tracing::warn!(
                        offset = at,
                        recorded = req.commit_log_offset,
                        "record claims another position; treating it as the end"
                    );
                    break;
                }
                CheckedRecord::Invalid(e) => {
                    tracing::warn!(offset = at, error = %e, "invalid record; the CommitLog ends here");
                    break;
                }
            }
        }
        RecoveryOutcome {
            process_offset: files[index].file_from_offset() + pos as i64,
            scan_start_offset: files[start].file_from_offset(),
            records,
        }
    }

    /// Cut the CommitLog at `offset` and make it the new end.
    fn truncate_at(&self, offset: i64) {
        self.mapped_file_queue.set_flushed_where(offset);
        self.mapped_file_queue.truncate_dirty_files(offset);
        self.set_max_offset(offset);
    }

    /// Recovery after a clean shutdown; `None` if there are no files.
    pub fn recover_normally(
        &self,
        check_crc: bool,
        delay_levels: &[i64],
    ) -> Option<RecoveryOutcome> {
        let files = self.mapped_file_queue.mapped_files();
        if files.is_empty() {
            return None;
        }
        let start = files.len().saturating_sub(3);
        let outcome = self.scan_valid(&files, start, check_crc, delay_levels);
        self.truncate_at(outcome.process_offset);
        tracing::info!(end = outcome.process_offset, "CommitLog recovered normally");
        Some(outcome)
    }

    /// Recovery after a crash; `min_timestamp` is the checkpoint's
    /// `min_timestamp()`. `None` if there are no files.
    pub fn recover_abnormally(
        &self,
        check_crc: bool,
        min_timestamp: i64,
        delay_levels: &[i64],
    ) -> Option<RecoveryOutcome> {
        let files = self.mapped_file_queue.mapped_files();
        if files.is_empty() {
            return None;
        }
        // Newest file whose first message was stored before the checkpoint time.
        let start = (0..files.len())
            .rev()
            .find(|&i| {
                let f = &files[i];
                let data = f.slice(0, f.read_position()).unwrap_or(&[]);
                match check_message_and_return_size(data, false, delay_levels) {
                    CheckedRecord::Message(req) => req.store_timestamp <= min_timestamp,
                    _ => false,
                }
            })
            .unwrap_or(0);
        let outcome = self.scan_valid(&files, start, check_crc, delay_levels);
        self.truncate_at(outcome.process_offset);
        tracing::warn!(
            end = outcome.process_offset,
            redispatch_from = outcome.scan_start_offset,
            "CommitLog recovered after an abnormal shutdown"
        );
        Some(outcome)
    }
}

/// Recovery at open (Java `DefaultMessageStore#recover` + the reput catch-up
/// at the start of `start()`): consume queues first, then the CommitLog, then
/// cut queues back to the CommitLog end, re-dispatch, and rebuild the queue
/// offset table.
pub(crate) fn recover_store(
    config: &MessageStoreConfig,
    commit_log: &CommitLog,
    consume_queue_store: &ConsumeQueueStore,
    checkpoint: &StoreCheckpoint,
    reput: &ReputMessageService,
    last_exit_ok: bool,
    delay_levels: &[i64],
) {
    consume_queue_store.recover();
    let max_phy_in_queues = consume_queue_store.max_physic_offset();
    let outcome = if last_exit_ok {
        commit_log.recover_normally(config.check_crc_on_recover, delay_levels)
    } else {
        commit_log.recover_abnormally(
            config.check_crc_on_recover,
            if config.message_index_enable && config.message_index_safe {
                checkpoint.min_timestamp_index()
            } else {
                checkpoint.min_timestamp()
            },
            delay_levels,
        )
    };
    let reput_from = match outcome {
        None => {
            if !consume_queue_store.all().is_empty() {
                tracing::warn!(
                    "the CommitLog files are gone; deleting the consume queues that pointed into them"
                );
                consume_queue_store.destroy_all();
            }
            commit_log.set_max_offset(0);
            0
        }
        Some(o) => {
            if max_phy_in_queues > o.process_offset {
                consume_queue_store.truncate_dirty(o.process_offset);
            }
            let resume = consume_queue_store
                .max_physic_offset()
                .max(commit_log.min_offset());
            if last_exit_ok {
                resume
            } else {
                resume.min(o.scan_start_offset)
            }
        }
    };
    reput.set_reput_from_offset(reput_from.min(commit_log.max_offset()));
    let redispatched = reput.do_reput();
    commit_log.clear_topic_queue_table();
    for cq in consume_queue_store.all() {
        cq.correct_min_offset(commit_log.min_offset());
        commit_log.set_queue_offset(cq.topic(), cq.queue_id(), cq.max_offset_in_queue());
    }
    tracing::debug!(
        redispatched,
        reput_from,
        "consume queues caught up with the CommitLog"
    );
}
