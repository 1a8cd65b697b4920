//! The read path of a pull (Java: `DefaultMessageStore#getMessage`).
//!
//! Given "queue Q of topic T from logical offset O, at most N messages", the
//! store first classifies O against the queue's `[min, max)` — the edge
//! cases become statuses the broker turns into PULL_OFFSET_MOVED,
//! PULL_NOT_FOUND… (Java `DefaultMessageStore#getMessage`, `store/src/main/java/org/apache/rocketmq/store/DefaultMessageStore.java`) — and otherwise walks consume-queue entries
//! from O:
//!
//! 1. skip entries whose tag hash the filter rejects (no CommitLog access);
//! 2. look the record up in the CommitLog by `(offset, size)`;
//! 3. give the filter a second chance on the full record (SQL92);
//! 4. stop at N messages, 32 messages or 256 KiB (`isTheBatchFull`).
//!
//! The chosen records are then copied, in one pass, straight out of the
//! mapped CommitLog into a single buffer: that buffer is the PULL response
//! body, so the broker adds no copy of its own.

use std::sync::atomic::Ordering;

use bytes::BytesMut;

use super::DefaultMessageStore;
use crate::store::config::CQ_STORE_UNIT_SIZE;
use crate::store::consume_queue::{ConsumeQueue, CqUnit};
use crate::store::get_message_result::{GetMessageResult, GetMessageStatus};
use crate::store::mapped_file::SelectMappedBufferResult;
use crate::store::message_filter::MessageFilter;

/// Upper bound of consume-queue entries one read examines (Java `maxFilterMessageCount` floor).
const MAX_FILTER_MESSAGE_COUNT: usize = 16000;

impl DefaultMessageStore {
    /// Read up to `max_msg_nums` messages of a queue from logical `offset`
    /// (Java `getMessage`). The records come back concatenated in
    /// `body`, ready to be a PULL response body.
    pub fn get_message(
        &self,
        group: &str,
        topic: &str,
        queue_id: i32,
        offset: i64,
        max_msg_nums: i32,
        filter: Option<&dyn MessageFilter>,
    ) -> GetMessageResult {
        let _ = group; // kept for Java parity (per-group stats / pop)
        let mut result = GetMessageResult::new(GetMessageStatus::NoMessageInQueue);
        if self.inner.shut_down.load(Ordering::Acquire) {
            result.status = GetMessageStatus::NoMatchedLogicQueue;
            result.next_begin_offset = offset;
            return result;
        }
        let Some(cq) = self.find_consume_queue(topic, queue_id) else {
            result.status = GetMessageStatus::NoMatchedLogicQueue;
            result.next_begin_offset = next_offset_correction(offset, 0);
            return result;
        };
        let min = cq.min_offset_in_queue();
        let max = cq.max_offset_in_queue();
        result.min_offset = min;
        result.max_offset = max;
        if max == 0 {
            result.status = GetMessageStatus::NoMessageInQueue;
            result.next_begin_offset = next_offset_correction(offset, 0);
        } else if offset < min {
            result.status = GetMessageStatus::OffsetTooSmall;
            result.next_begin_offset = next_offset_correction(offset, min);
        } else if offset == max {
            result.status = GetMessageStatus::OffsetOverflowOne;
            result.next_begin_offset = next_offset_correction(offset, offset);
        } else if offset > max {
            result.status = GetMessageStatus::OffsetOverflowBadly;
            result.next_begin_offset =
                next_offset_correction(offset, if min == 0 { min } else { max });
        } else {
            self.read_queue(
                &cq,
                offset,
                max,
                max_msg_nums.max(1) as usize,
                filter,
                &mut result,
            );
        }
        result
    }

    /// The FOUND path of `get_message`: walk entries, filter, collect, copy.
    fn read_queue(
        &self,
        cq: &ConsumeQueue,
        offset: i64,
        max: i64,
        max_msg_nums: usize,
        filter: Option<&dyn MessageFilter>,
        result: &mut GetMessageResult,
    ) {
        let commit_log = &self.inner.commit_log;
        let min_phy = commit_log.min_offset();
        let max_filter_count = MAX_FILTER_MESSAGE_COUNT.max(max_msg_nums * 20);
        let mut status = GetMessageStatus::NoMatchedMessage;
        let mut next_begin = offset;
        let mut next_phy_file_start = i64::MIN;
        let mut picked: Vec<SelectMappedBufferResult> = Vec::with_capacity(max_msg_nums.min(32));
        let mut total = 0usize;
        let mut index = offset;
        let mut scanned = 0usize;
        'files: while index < max && scanned < max_filter_count {
            let Some(entries) = cq.get_index_buffer(index) else {
                status = GetMessageStatus::OffsetFoundNull;
                next_begin = next_offset_correction(offset, index + 1);
                tracing::warn!(topic = %cq.topic(), queue = cq.queue_id(), index, "consume queue entry missing");
                break;
            };
            for chunk in entries.as_slice().chunks_exact(CQ_STORE_UNIT_SIZE) {
                if index >= max || scanned >= max_filter_count {
                    break 'files;
                }
                let Some(unit) = CqUnit::decode(chunk) else {
                    break 'files;
                };
                if self.is_the_batch_full(unit.size, max_msg_nums, total, picked.len()) {
                    break 'files;
                }
                scanned += 1;
                let queue_offset = index;
                index += 1;
                next_begin = index;
                if unit.is_filler() || unit.commit_log_offset < min_phy {
                    continue;
                }
                if next_phy_file_start != i64::MIN && unit.commit_log_offset < next_phy_file_start {
                    continue;
                }
                if let Some(f) = filter
                    && !f.is_matched_by_consume_queue(Some(unit.tags_code))
                {
                    if total == 0 {
                        status = GetMessageStatus::NoMatchedMessage;
                    }
                    continue;
                }
                let Some(record) =
                    commit_log.get_message(unit.commit_log_offset, unit.size as usize)
                else {
                    if total == 0 {
                        status = GetMessageStatus::MessageWasRemoving;
                    }
                    next_phy_file_start = commit_log.roll_next_file(unit.commit_log_offset);
                    continue;
                };
                if !self.is_sound_record(unit.commit_log_offset, &record) {
                    // Damaged: skipped like a filler entry; the consumer moves past it.
                    if total == 0 {
                        status = GetMessageStatus::NoMatchedMessage;
                    }
                    continue;
                }
                if let Some(f) = filter
                    && !f.is_matched_by_commit_log(record.as_slice())
                {
                    if total == 0 {
                        status = GetMessageStatus::NoMatchedMessage;
                    }
                    continue;
                }
                total += record.len();
                picked.push(record);
                result.message_queue_offsets.push(queue_offset);
                status = GetMessageStatus::Found;
                next_phy_file_start = i64::MIN;
            }
        }
        // One copy, straight from the mapping into the response buffer.
        let mut body = BytesMut::with_capacity(total);
        for r in &picked {
            body.extend_from_slice(r.as_slice());
        }
        result.body = body.freeze();
        result.status = status;
        result.next_begin_offset = next_begin;
    }

    /// Java `isTheBatchFull` for data in memory: at least one message, then
    /// stop at `max_msg_nums`, 256 KiB or 32 messages.
    fn is_the_batch_full(
        &self,
        size: i32,
        max_msg_nums: usize,
        buffer_total: usize,
        message_total: usize,
    ) -> bool {
        if buffer_total == 0 || message_total == 0 {
            return false;
        }
        if message_total >= max_msg_nums {
            return true;
        }
        let c = &self.inner.config;
        buffer_total + size.max(0) as usize > c.max_transfer_bytes_on_message_in_memory
            || message_total + 1 > c.max_transfer_count_on_message_in_memory
    }
}

/// Java `nextOffsetCorrection`: a master always moves the consumer to the
/// corrected offset (a slave would keep the old one unless `offsetCheckInSlave`).
fn next_offset_correction(_old_offset: i64, new_offset: i64) -> i64 {
    new_offset
}
