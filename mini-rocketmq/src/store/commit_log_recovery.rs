//! Finding where the CommitLog's valid data ends after a restart (Java:
//! `CommitLog#recoverNormally` and `CommitLog#recoverAbnormally`).
//!
//! On disk, a CommitLog file does not say how much of it is written: the
//! loaded files all look full. Recovery walks records forward, checking
//! magic, size and body CRC (`check_message_and_return_size`).
//!
//! RocketMQ ends the log at the first record that fails. That is right for
//! a torn write at the tail after a crash, and wrong for one damaged record
//! in the middle: every good record after it is thrown away too. So when a
//! record fails, we look further: the next position holding a valid record
//! (right magic, a size that fits, the body CRC, and the record's own
//! PHYSICALOFFSET field equal to where it sits) is where the walk resumes,
//! and the bytes in between go to the [`Quarantine`] report. Only when no
//! valid record follows anywhere is the failure a torn tail, cut off so the
//! next put overwrites it.
//!
//! Where the walk starts is the only difference between the two modes
//! (Java `CommitLog#recoverNormally` / `#recoverAbnormally`,
//! `store/src/main/java/org/apache/rocketmq/store/CommitLog.java`):
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
use super::dispatch_request::{CheckedRecord, check_message_and_return_size, parse_delay_levels};
use super::mapped_file::MappedFile;
use super::quarantine::{Quarantine, QuarantinedRange};
use super::reput_message_service::ReputMessageService;
use super::store_checkpoint::StoreCheckpoint;
use crate::common::message_decoder::{MESSAGE_MAGIC_CODE, MESSAGE_MAGIC_CODE_V2};

/// How far recovery found valid data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryOutcome {
    /// CommitLog offset of the first byte after the last valid record.
    pub process_offset: i64,
    /// Start offset of the file the walk began in (where re-dispatch starts).
    pub scan_start_offset: i64,
    /// Valid records walked over.
    pub records: u64,
    /// Damaged ranges the walk stepped over (already in the quarantine report).
    pub damaged: Vec<QuarantinedRange>,
}

/// The bytes of a loaded file that may hold records.
fn written(file: &MappedFile) -> &[u8] {
    file.slice(0, file.read_position()).unwrap_or(&[])
}

/// Whether a valid record starts at `pos` of `file`: the full check with
/// CRC, plus the record's PHYSICALOFFSET naming this very position, so that
/// a message body which happens to contain a record (a forwarded message, a
/// batch) is not mistaken for one.
fn valid_record_at(file: &MappedFile, pos: usize, delay_levels: &[i64]) -> bool {
    let data = written(file);
    match check_message_and_return_size(&data[pos..], true, delay_levels) {
        CheckedRecord::Message(req) => {
            req.commit_log_offset == file.file_from_offset() + pos as i64
        }
        _ => false,
    }
}

/// The first valid record at or after `(index, pos)`, searching this file
/// and every later one. Candidates are the positions where a message magic
/// code sits 4 bytes in, so the search costs a byte scan of the damaged
/// region plus one full check per candidate.
fn find_next_valid(
    files: &[Arc<MappedFile>],
    mut index: usize,
    pos: usize,
    delay_levels: &[i64],
) -> Option<(usize, usize)> {
    let magics = [
        MESSAGE_MAGIC_CODE.to_be_bytes(),
        MESSAGE_MAGIC_CODE_V2.to_be_bytes(),
    ];
    // Record starts from `first` on; the failed position itself is excluded.
    let mut first = pos + 1;
    while index < files.len() {
        let file = &files[index];
        let data = written(file);
        let mut at = first + 4;
        while at + 4 <= data.len() {
            // Both magic codes start with the same three bytes.
            let Some(hit) = data[at..].iter().position(|&b| b == magics[0][0]) else {
                break;
            };
            at += hit;
            if at + 4 <= data.len()
                && magics.iter().any(|m| data[at..at + 4] == m[..])
                && valid_record_at(file, at - 4, delay_levels)
            {
                return Some((index, at - 4));
            }
            at += 1;
        }
        index += 1;
        first = 0;
    }
    None
}

impl CommitLog {
    /// Walk records from file `start`, returning the end of valid data.
    /// Damage before the end goes to `quarantine`; the walk resumes at the
    /// next valid record.
    fn scan_valid(
        &self,
        files: &[Arc<MappedFile>],
        start: usize,
        check_crc: bool,
        delay_levels: &[i64],
        quarantine: &Quarantine,
    ) -> RecoveryOutcome {
        let mut index = start;
        let mut pos = 0usize;
        let mut records = 0u64;
        let mut damaged = Vec::new();
        loop {
            let file = &files[index];
            let data = written(file);
            let at = file.file_from_offset() + pos as i64;
            let last_file = index + 1 == files.len();
            let why = match check_message_and_return_size(
                data.get(pos..).unwrap_or(&[]),
                check_crc,
                delay_levels,
            ) {
                CheckedRecord::Message(req) if req.commit_log_offset == at => {
                    pos += req.msg_size as usize;
                    records += 1;
                    continue;
                }
                CheckedRecord::Blank if !last_file => {
                    index += 1;
                    pos = 0;
                    continue;
                }
                CheckedRecord::Blank => break,
                // Zeros: the end of what was written. Only the newest file
                // may end early; an older one ends with a filler or is full.
                // (A hole of zeros inside the newest file, which a power
                // loss could leave, also reads as the end: appends are
                // contiguous, and kill -9 keeps every written page.)
                CheckedRecord::End if last_file => break,
                CheckedRecord::End if data.len().saturating_sub(pos) < 8 => {
                    index += 1;
                    pos = 0;
                    continue;
                }
                CheckedRecord::End => "zeros where a record should be".to_owned(),
                CheckedRecord::Message(req) => format!(
                    "record claims offset {} but sits at {at}",
                    req.commit_log_offset
                ),
                CheckedRecord::Invalid(e) => e.to_string(),
            };
            let Some((next_index, next_pos)) = find_next_valid(files, index, pos, delay_levels)
            else {
                tracing::warn!(offset = at, reason = %why, "no valid record follows; the CommitLog ends here (torn tail)");
                break;
            };
            // One report entry per file the damage covers.
            for (i, f) in files.iter().enumerate().take(next_index + 1).skip(index) {
                let from = if i == index { pos } else { 0 };
                let to = if i == next_index {
                    next_pos
                } else {
                    written(f).len()
                };
                if to <= from {
                    continue;
                }
                let range = QuarantinedRange {
                    offset: f.file_from_offset() + from as i64,
                    size: (to - from) as i64,
                    reason: if i == index {
                        why.clone()
                    } else {
                        format!("continues the damage at {at}")
                    },
                };
                quarantine.add(range.clone(), f.path(), &written(f)[from..to]);
                damaged.push(range);
            }
            index = next_index;
            pos = next_pos;
        }
        RecoveryOutcome {
            process_offset: files[index].file_from_offset() + pos as i64,
            scan_start_offset: files[start].file_from_offset(),
            records,
            damaged,
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
        quarantine: &Quarantine,
    ) -> Option<RecoveryOutcome> {
        let files = self.mapped_file_queue.mapped_files();
        if files.is_empty() {
            return None;
        }
        let start = files.len().saturating_sub(3);
        let outcome = self.scan_valid(&files, start, check_crc, delay_levels, quarantine);
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
        quarantine: &Quarantine,
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
        let outcome = self.scan_valid(&files, start, check_crc, delay_levels, quarantine);
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
    quarantine: &Quarantine,
    last_exit_ok: bool,
) {
    let delay_levels = &parse_delay_levels(&config.message_delay_level)[..];
    consume_queue_store.recover();
    let max_phy_in_queues = consume_queue_store.max_physic_offset();
    let outcome = if last_exit_ok {
        commit_log.recover_normally(config.check_crc_on_recover, delay_levels, quarantine)
    } else {
        commit_log.recover_abnormally(
            config.check_crc_on_recover,
            if config.message_index_enable && config.message_index_safe {
                checkpoint.min_timestamp_index()
            } else {
                checkpoint.min_timestamp()
            },
            delay_levels,
            quarantine,
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
            // Entries at or after the first damage may point at damaged
            // records: drop them and rebuild from the records that are left
            // (the dispatcher steps over quarantined ranges; a queue offset
            // whose record is gone becomes a filler entry readers skip).
            let first_damage = o.damaged.iter().map(|r| r.offset).min();
            if let Some(d) = first_damage {
                consume_queue_store.truncate_dirty(d);
            }
            let resume = consume_queue_store
                .max_physic_offset()
                .max(commit_log.min_offset());
            let resume = match first_damage {
                Some(d) => resume.min(d),
                None => resume,
            };
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
