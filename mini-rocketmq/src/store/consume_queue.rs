//! One queue's index into the CommitLog (Java: `org.apache.rocketmq.store.ConsumeQueue`).
//!
//! A consumer addresses messages as "queue Q of topic T, message number N".
//! The consume queue turns N into a CommitLog position with one
//! multiplication: entry N lives at byte `N × 20` of this queue's log
//! (`consumequeue/<topic>/<queueId>/`, 6,000,000-byte files = 300,000
//! entries), and every entry has the same shape (Java `ConsumeQueue#CQ_STORE_UNIT_SIZE`, `store/src/main/java/org/apache/rocketmq/store/ConsumeQueue.java`):
//!
//! ```text
//! | CommitLog offset i64 | record size i32 | tagsCode i64 |
//! ```
//!
//! The tagsCode (hash of the tag) lets a pull skip non-matching messages
//! without reading the CommitLog. Entries are written by the dispatcher
//! only, never on the put path. An entry whose offset is ≥ 0 and size > 0
//! is valid; the untouched (zero) tail of a file is where the queue ends.
//! A queue that starts at a logical offset > 0 (its earlier files were
//! deleted, or its first message carried a high queue offset) is padded
//! with filler entries `(0, i32::MAX, 0)`, which readers skip.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use super::config::CQ_STORE_UNIT_SIZE;
use super::error::StoreError;
use super::mapped_file::SelectMappedBufferResult;
use super::mapped_file_queue::MappedFileQueue;

const UNIT: i64 = CQ_STORE_UNIT_SIZE as i64;

/// Size field of a filler entry.
pub const FILLER_SIZE: i32 = i32::MAX;

/// One 20-byte consume-queue entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CqUnit {
    pub commit_log_offset: i64,
    pub size: i32,
    pub tags_code: i64,
}

impl CqUnit {
    /// Decode the 20 bytes at the start of `b` (`b` must hold at least 20).
    pub fn decode(b: &[u8]) -> Option<CqUnit> {
        let b = b.get(..CQ_STORE_UNIT_SIZE)?;
        Some(CqUnit {
            commit_log_offset: i64::from_be_bytes(b[0..8].try_into().ok()?),
            size: i32::from_be_bytes(b[8..12].try_into().ok()?),
            tags_code: i64::from_be_bytes(b[12..20].try_into().ok()?),
        })
    }

    pub fn encode(&self) -> [u8; CQ_STORE_UNIT_SIZE] {
        let mut b = [0u8; CQ_STORE_UNIT_SIZE];
        b[0..8].copy_from_slice(&self.commit_log_offset.to_be_bytes());
        b[8..12].copy_from_slice(&self.size.to_be_bytes());
        b[12..20].copy_from_slice(&self.tags_code.to_be_bytes());
        b
    }

    /// Written by a put (not the all-zero never-written tail).
    pub fn is_valid(&self) -> bool {
        self.commit_log_offset >= 0 && self.size > 0
    }

    pub fn is_filler(&self) -> bool {
        self.size == FILLER_SIZE
    }
}

/// Which neighbour a time search returns when no entry has exactly that time
/// (Java `BoundaryType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BoundaryType {
    /// The first message stored at or after the time.
    #[default]
    Lower,
    /// The last message stored at or before the time.
    Upper,
}

pub struct ConsumeQueue {
    topic: String,
    queue_id: i32,
    mapped_file_queue: MappedFileQueue,
    file_size: usize,
    /// End (offset + size) of the CommitLog record of the newest entry; -1 when empty.
    max_physic_offset: AtomicI64,
    /// Byte position of the first live entry (a multiple of 20).
    min_logic_offset: AtomicI64,
    /// Set when the topic is deleted, so a dispatcher holding this queue in
    /// its cache looks the topic up again instead of writing into deleted files.
    destroyed: AtomicBool,
}

impl std::fmt::Debug for ConsumeQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsumeQueue")
            .field("topic", &self.topic)
            .field("queue_id", &self.queue_id)
            .field("min", &self.min_offset_in_queue())
            .field("max", &self.max_offset_in_queue())
            .finish()
    }
}

impl ConsumeQueue {
    /// A queue stored under `<root>/<topic>/<queue_id>/`.
    pub fn new(root: &Path, topic: &str, queue_id: i32, file_size: usize) -> Self {
        let file_size = (file_size / CQ_STORE_UNIT_SIZE).max(1) * CQ_STORE_UNIT_SIZE;
        let dir: PathBuf = root.join(topic).join(queue_id.to_string());
        ConsumeQueue {
            topic: topic.to_owned(),
            queue_id,
            mapped_file_queue: MappedFileQueue::new(dir, file_size),
            file_size,
            max_physic_offset: AtomicI64::new(-1),
            min_logic_offset: AtomicI64::new(0),
            destroyed: AtomicBool::new(false),
        }
    }

    pub fn is_destroyed(&self) -> bool {
        self.destroyed.load(Ordering::Acquire)
    }

    pub fn topic(&self) -> &str {
        &self.topic
    }

    pub fn queue_id(&self) -> i32 {
        self.queue_id
    }

    pub fn mapped_file_queue(&self) -> &MappedFileQueue {
        &self.mapped_file_queue
    }

    pub fn load(&self) -> Result<(), StoreError> {
        self.mapped_file_queue.load()?;
        self.min_logic_offset
            .store(self.mapped_file_queue.min_offset(), Ordering::Release);
        Ok(())
    }

    /// Find where valid entries end, scanning from the third-newest file
    /// (Java `ConsumeQueue#recover`), and cut everything after it.
    pub fn recover(&self) {
        let files = self.mapped_file_queue.mapped_files();
        if files.is_empty() {
            return;
        }
        let mut index = files.len().saturating_sub(3);
        let mut max_physic = -1i64;
        let process_offset = loop {
            let file = &files[index];
            let data = file.slice(0, file.read_position()).unwrap_or(&[]);
            let mut pos = 0usize;
            while let Some(u) = data.get(pos..).and_then(CqUnit::decode) {
                if !u.is_valid() {
                    break;
                }
                if !u.is_filler() {
                    max_physic = u.commit_log_offset + u.size as i64;
                }
                pos += CQ_STORE_UNIT_SIZE;
            }
            if pos == self.file_size && index + 1 < files.len() {
                index += 1;
                continue;
            }
            break file.file_from_offset() + pos as i64;
        };
        self.mapped_file_queue.set_flushed_where(process_offset);
        self.mapped_file_queue.truncate_dirty_files(process_offset);
        self.max_physic_offset.store(max_physic, Ordering::Release);
        tracing::debug!(topic = %self.topic, queue = self.queue_id, entries = process_offset / UNIT, "consume queue recovered");
    }

    /// Record that message number `cq_offset` is the `size`-byte record at
    /// CommitLog `offset` (Java `putMessagePositionInfo`). Called by the
    /// dispatcher only. Returns false if the entry could not be written.
    pub fn put_message_position_info(
        &self,
        offset: i64,
        size: i32,
        tags_code: i64,
        cq_offset: i64,
    ) -> bool {
        if offset + size as i64 <= self.max_physic_offset() {
            // Recovery re-dispatches records the queue already has.
            return true;
        }
        let expect = cq_offset * UNIT;
        let Some(file) = self.last_file_or_create(expect) else {
            return false;
        };
        let unit = CqUnit {
            commit_log_offset: offset,
            size,
            tags_code,
        }
        .encode();
        if expect != 0 && expect == file.file_from_offset() + file.wrote_position() as i64 {
            // The common case: the entry goes right at the end of a file with room.
            if file.append_bytes(&unit) {
                self.max_physic_offset
                    .store(offset + size as i64, Ordering::Release);
                return true;
            }
        }
        if file.wrote_position() == 0
            && self.mapped_file_queue.mapped_files().len() == 1
            && expect != 0
        {
            // A queue that starts late: pad the file up to its first entry.
            self.min_logic_offset.store(expect, Ordering::Release);
            self.mapped_file_queue
                .set_flushed_where(expect - expect % self.file_size as i64);
        }
        let current = self.mapped_file_queue.max_offset();
        if expect < current {
            tracing::warn!(topic = %self.topic, queue = self.queue_id, cq_offset, "consume queue entry already exists; skipped");
            return true;
        }
        if expect > current && current > 0 {
            tracing::warn!(
                topic = %self.topic, queue = self.queue_id, expected = expect / UNIT, actual = current / UNIT,
                "gap in consume queue offsets; padding with filler entries"
            );
        }
        let filler = CqUnit {
            commit_log_offset: 0,
            size: FILLER_SIZE,
            tags_code: 0,
        }
        .encode();
        while self.mapped_file_queue.max_offset() < expect {
            if !self.append_unit(&filler, expect) {
                return false;
            }
        }
        if !self.append_unit(&unit, expect) {
            return false;
        }
        self.max_physic_offset
            .store(offset + size as i64, Ordering::Release);
        true
    }

    fn last_file_or_create(
        &self,
        start: i64,
    ) -> Option<std::sync::Arc<super::mapped_file::MappedFile>> {
        match self.mapped_file_queue.last_mapped_file_or_create(start) {
            Ok(f) => Some(f),
            Err(e) => {
                tracing::error!(topic = %self.topic, queue = self.queue_id, error = %e, "cannot create a consume queue file");
                None
            }
        }
    }

    fn append_unit(&self, unit: &[u8; CQ_STORE_UNIT_SIZE], start: i64) -> bool {
        match self.last_file_or_create(start) {
            Some(f) => f.append_bytes(unit),
            None => false,
        }
    }

    /// Entries from message number `start_index` to the end of the file that
    /// holds it (Java `getIndexBuffer`). Callers walk it 20 bytes at a time
    /// and ask again from the next file when they run off its end.
    pub fn get_index_buffer(&self, start_index: i64) -> Option<SelectMappedBufferResult> {
        let offset = start_index.checked_mul(UNIT)?;
        if offset < self.min_logic_offset.load(Ordering::Acquire) {
            return None;
        }
        let file = self
            .mapped_file_queue
            .find_mapped_file_by_offset(offset, false)?;
        file.select_mapped_buffer_from((offset - file.file_from_offset()) as usize)
    }

    /// The entry of message number `index`.
    pub fn get_unit(&self, index: i64) -> Option<CqUnit> {
        let sel = self.get_index_buffer(index)?;
        CqUnit::decode(sel.as_slice())
    }

    /// First message number still readable.
    pub fn min_offset_in_queue(&self) -> i64 {
        self.min_logic_offset.load(Ordering::Acquire) / UNIT
    }

    /// One past the newest message number.
    pub fn max_offset_in_queue(&self) -> i64 {
        self.mapped_file_queue.max_offset() / UNIT
    }

    pub fn message_total_in_queue(&self) -> i64 {
        self.max_offset_in_queue() - self.min_offset_in_queue()
    }

    pub fn max_physic_offset(&self) -> i64 {
        self.max_physic_offset.load(Ordering::Acquire)
    }

    /// Remove entries whose CommitLog record starts at or after `phy_offset`
    /// (Java `truncateDirtyLogicFiles`): after recovery cut the CommitLog,
    /// entries pointing into the cut-off part must go too.
    pub fn truncate_dirty_logic_files(&self, phy_offset: i64) {
        let files = self.mapped_file_queue.mapped_files();
        let mut cut = None;
        for file in files.iter().rev() {
            let data = file.slice(0, file.read_position()).unwrap_or(&[]);
            let dirty = data.chunks_exact(CQ_STORE_UNIT_SIZE).position(|c| {
                CqUnit::decode(c)
                    .is_some_and(|u| !u.is_filler() && u.commit_log_offset >= phy_offset)
            });
            match dirty {
                Some(0) => cut = Some(file.file_from_offset()),
                Some(i) => {
                    cut = Some(file.file_from_offset() + (i * CQ_STORE_UNIT_SIZE) as i64);
                    break;
                }
                None => break,
            }
        }
        if let Some(cut) = cut {
            tracing::info!(topic = %self.topic, queue = self.queue_id, entries = cut / UNIT, "truncating consume queue past the CommitLog end");
            self.mapped_file_queue.truncate_dirty_files(cut);
            if self.min_logic_offset.load(Ordering::Acquire) > cut {
                self.min_logic_offset.store(cut, Ordering::Release);
            }
        }
        self.max_physic_offset
            .store(self.last_entry_end(), Ordering::Release);
    }

    /// End of the CommitLog record of the newest non-filler entry, or -1.
    fn last_entry_end(&self) -> i64 {
        let mut index = self.max_offset_in_queue() - 1;
        while index >= self.min_offset_in_queue() {
            match self.get_unit(index) {
                Some(u) if !u.is_filler() => return u.commit_log_offset + u.size as i64,
                Some(_) => index -= 1,
                None => break,
            }
        }
        -1
    }

    /// Move the min offset to the first entry whose record is still in the
    /// CommitLog (Java `correctMinOffset`), after CommitLog files were deleted.
    pub fn correct_min_offset(&self, commit_log_min_offset: i64) {
        let Some(first) = self.mapped_file_queue.first_mapped_file() else {
            return;
        };
        let data = first.slice(0, first.read_position()).unwrap_or(&[]);
        for (i, c) in data.chunks_exact(CQ_STORE_UNIT_SIZE).enumerate() {
            if let Some(u) = CqUnit::decode(c)
                && !u.is_filler()
                && u.commit_log_offset >= commit_log_min_offset
            {
                let logic = first.file_from_offset() + (i * CQ_STORE_UNIT_SIZE) as i64;
                self.min_logic_offset.store(logic, Ordering::Release);
                return;
            }
        }
        // Whole first file is filler or gone from the CommitLog: start after it.
        self.min_logic_offset.store(
            first.file_from_offset() + first.read_position() as i64,
            Ordering::Release,
        );
    }

    /// The message number stored closest to `timestamp` (Java
    /// `getOffsetInQueueByTime`): a binary search over entries, reading each
    /// probe's store time from the CommitLog through `store_time_of(offset, size)`,
    /// which returns -1 for a record that is gone. Store times grow with the
    /// queue offset because both are assigned under the put lock.
    pub fn get_offset_in_queue_by_time(
        &self,
        timestamp: i64,
        boundary: BoundaryType,
        store_time_of: impl Fn(i64, i32) -> i64,
    ) -> i64 {
        let min = self.min_offset_in_queue();
        let max = self.max_offset_in_queue();
        if min >= max {
            return min;
        }
        let time_at = |i: i64| match self.get_unit(i) {
            Some(u) if !u.is_filler() => {
                let t = store_time_of(u.commit_log_offset, u.size);
                if t < 0 { i64::MIN } else { t }
            }
            _ => i64::MIN,
        };
        match boundary {
            BoundaryType::Lower => {
                // first i with time(i) >= timestamp
                let (mut lo, mut hi) = (min, max);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if time_at(mid) >= timestamp {
                        hi = mid
                    } else {
                        lo = mid + 1
                    }
                }
                lo
            }
            BoundaryType::Upper => {
                // last i with time(i) <= timestamp
                let (mut lo, mut hi) = (min, max);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if time_at(mid) <= timestamp {
                        lo = mid + 1
                    } else {
                        hi = mid
                    }
                }
                if lo == min { min } else { lo - 1 }
            }
        }
    }

    pub fn flush(&self, least_pages: usize) -> io::Result<i64> {
        self.mapped_file_queue.flush(least_pages)
    }

    /// Delete all files of this queue.
    pub fn destroy(&self) {
        self.destroyed.store(true, Ordering::Release);
        self.mapped_file_queue.destroy();
        self.max_physic_offset.store(-1, Ordering::Release);
        self.min_logic_offset.store(0, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_lookup_roll_truncate() {
        let dir = tempfile::tempdir().unwrap();
        // 5 entries per file.
        let cq = ConsumeQueue::new(dir.path(), "T", 0, 100);
        for i in 0..12i64 {
            assert!(cq.put_message_position_info(i * 100, 100, i, i));
        }
        assert_eq!(cq.max_offset_in_queue(), 12);
        assert_eq!(cq.min_offset_in_queue(), 0);
        assert_eq!(cq.mapped_file_queue().mapped_files().len(), 3);
        assert!(dir.path().join("T/0/00000000000000000100").exists());
        assert_eq!(
            cq.get_unit(7),
            Some(CqUnit {
                commit_log_offset: 700,
                size: 100,
                tags_code: 7
            })
        );
        assert_eq!(
            cq.get_index_buffer(7).unwrap().len(),
            3 * 20,
            "to the end of the second file"
        );
        assert!(cq.get_unit(12).is_none());
        assert_eq!(cq.max_physic_offset(), 1200);
        // Re-dispatching an existing record is a no-op.
        assert!(cq.put_message_position_info(500, 100, 5, 5));
        assert_eq!(cq.max_offset_in_queue(), 12);

        let t = |off: i64, _size: i32| 1000 + off / 100 * 10; // entry i stored at 1000 + 10i
        assert_eq!(
            cq.get_offset_in_queue_by_time(1050, BoundaryType::Lower, t),
            5
        );
        assert_eq!(
            cq.get_offset_in_queue_by_time(1055, BoundaryType::Lower, t),
            6
        );
        assert_eq!(
            cq.get_offset_in_queue_by_time(1055, BoundaryType::Upper, t),
            5
        );
        assert_eq!(cq.get_offset_in_queue_by_time(0, BoundaryType::Lower, t), 0);
        assert_eq!(
            cq.get_offset_in_queue_by_time(99_999, BoundaryType::Lower, t),
            12
        );
        assert_eq!(
            cq.get_offset_in_queue_by_time(99_999, BoundaryType::Upper, t),
            11
        );

        cq.truncate_dirty_logic_files(650);
        assert_eq!(cq.max_offset_in_queue(), 7);
        assert_eq!(cq.max_physic_offset(), 700);
        assert_eq!(cq.mapped_file_queue().mapped_files().len(), 2);

        let cq2 = ConsumeQueue::new(dir.path(), "T", 0, 100);
        cq2.load().unwrap();
        cq2.recover();
        assert_eq!(cq2.max_offset_in_queue(), 7);
        assert_eq!(cq2.max_physic_offset(), 700);
    }

    #[test]
    fn late_start_is_padded() {
        let dir = tempfile::tempdir().unwrap();
        let cq = ConsumeQueue::new(dir.path(), "T", 1, 100);
        assert!(cq.put_message_position_info(0, 50, 0, 7));
        assert_eq!(cq.min_offset_in_queue(), 7);
        assert_eq!(cq.max_offset_in_queue(), 8);
        assert!(cq.get_unit(6).is_none(), "below the min offset");
        assert_eq!(cq.get_unit(7).unwrap().size, 50);
        assert!(
            CqUnit::decode(
                cq.mapped_file_queue()
                    .last_mapped_file()
                    .unwrap()
                    .slice(0, 20)
                    .unwrap()
            )
            .unwrap()
            .is_filler()
        );
    }
}
