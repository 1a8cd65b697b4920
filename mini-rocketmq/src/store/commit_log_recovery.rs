//! Finding where the CommitLog's valid data ends after a restart (Java:
//! `CommitLog#recoverNormally` and `CommitLog#recoverAbnormally`).
//!
//! On disk, a CommitLog file does not say how much of it is written: the
//! loaded files all look full. Recovery walks records forward — checking
//! magic, size and body CRC (`check_message_and_return_size`) — and the
//! first record that fails marks the end. Everything after it is a torn
//! write from a crash (or zeros) and is cut off, so the next put overwrites
//! it. Where the walk starts is the only difference between the two modes
//! (facts §5.6):
//!
//! * **normal** (no `abort` file — the last run shut down cleanly): the
//!   third-newest file; the consume queues are known to be complete.
//! * **abnormal** (`abort` present — the last run crashed): the newest file
//!   whose first message is older than the checkpoint's `min_timestamp()`,
//!   i.e. before anything that might be missing from the consume queues. The
//!   store then re-dispatches from that file so the queues are rebuilt.

use std::sync::Arc;

use super::commit_log::CommitLog;
use super::dispatch_request::{CheckedRecord, check_message_and_return_size};
use super::mapped_file::MappedFile;

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
        self.reset_warm();
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
