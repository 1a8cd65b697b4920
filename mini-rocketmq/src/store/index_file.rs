//! One index file: a hash table from message key to CommitLog offsets
//! (Java: `org.apache.rocketmq.store.index.IndexFile` and `IndexHeader`).
//!
//! Layout (Java `IndexFile`, `store/src/main/java/org/apache/rocketmq/store/index/IndexFile.java`), all big-endian:
//!
//! ```text
//! header   40 B        beginTimestamp i64 | endTimestamp i64 | beginPhyOffset i64
//!                      | endPhyOffset i64 | hashSlotCount i32 | indexCount i32
//! slots    N × 4 B     slot[hash % N] = number of the newest entry with that hash (0 = empty)
//! entries  M × 20 B    keyHash i32 | phyOffset i64 | timeDiff i32 (s since beginTimestamp)
//!                      | prevIndex i32 (next older entry in the same slot)
//! ```
//!
//! with N = 5,000,000 and M = 20,000,000 by default (420,000,040 bytes,
//! sparse on disk). It is a hash table with chaining where the chains live
//! in an append-only array: a new entry records the slot's previous head in
//! `prevIndex` and becomes the head. Entry numbers start at 1, so 0 can mean
//! "empty". A lookup walks one chain, newest first, keeping the entries
//! whose hash and time match; the caller checks the real key, since
//! different keys can share a hash.
//!
//! Unlike the logs, this file is written at random positions (the slots),
//! so it does not use `MappedFile`'s append-only model: a read-write lock
//! guards the header and the mapped bytes, the dispatcher takes it to add a
//! key and queries take it shared.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use memmap2::MmapRaw;
use parking_lot::RwLock;

use crate::common::message::java_string_hash_code;

pub const INDEX_HEADER_SIZE: usize = 40;
const HASH_SLOT_SIZE: usize = 4;
const INDEX_SIZE: usize = 20;
const INVALID_INDEX: i32 = 0;

/// The 40-byte header, kept in memory and written back on flush.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexHeader {
    pub begin_timestamp: i64,
    pub end_timestamp: i64,
    pub begin_phy_offset: i64,
    pub end_phy_offset: i64,
    pub hash_slot_count: i32,
    /// Next entry number; starts at 1.
    pub index_count: i32,
}

impl IndexHeader {
    fn decode(b: &[u8; INDEX_HEADER_SIZE]) -> Self {
        let i64_at = |p: usize| i64::from_be_bytes(b[p..p + 8].try_into().unwrap_or([0; 8]));
        let i32_at = |p: usize| i32::from_be_bytes(b[p..p + 4].try_into().unwrap_or([0; 4]));
        IndexHeader {
            begin_timestamp: i64_at(0),
            end_timestamp: i64_at(8),
            begin_phy_offset: i64_at(16),
            end_phy_offset: i64_at(24),
            hash_slot_count: i32_at(32),
            index_count: i32_at(36).max(1),
        }
    }

    fn encode(&self) -> [u8; INDEX_HEADER_SIZE] {
        let mut b = [0u8; INDEX_HEADER_SIZE];
        b[0..8].copy_from_slice(&self.begin_timestamp.to_be_bytes());
        b[8..16].copy_from_slice(&self.end_timestamp.to_be_bytes());
        b[16..24].copy_from_slice(&self.begin_phy_offset.to_be_bytes());
        b[24..32].copy_from_slice(&self.end_phy_offset.to_be_bytes());
        b[32..36].copy_from_slice(&self.hash_slot_count.to_be_bytes());
        b[36..40].copy_from_slice(&self.index_count.to_be_bytes());
        b
    }
}

/// Java `IndexFile#indexKeyHashMethod` of `topic + "#" + key`, computed
/// without building the string: `abs(hashCode)`, and 0 for `Integer.MIN_VALUE`.
pub fn index_key_hash(topic: &str, key: &str) -> i32 {
    let continue_hash = |h: i32, s: &str| {
        s.encode_utf16()
            .fold(h, |h, c| h.wrapping_mul(31).wrapping_add(c as i32))
    };
    let h = continue_hash(java_string_hash_code(topic), "#");
    let h = continue_hash(h, key);
    h.checked_abs().unwrap_or(0)
}

pub struct IndexFile {
    path: PathBuf,
    map: MmapRaw,
    _file: File,
    hash_slot_num: usize,
    index_num: usize,
    header: RwLock<IndexHeader>,
}

impl std::fmt::Debug for IndexFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexFile")
            .field("path", &self.path)
            .field("header", &*self.header.read())
            .finish()
    }
}

impl IndexFile {
    pub fn file_size(hash_slot_num: usize, index_num: usize) -> usize {
        INDEX_HEADER_SIZE + hash_slot_num * HASH_SLOT_SIZE + index_num * INDEX_SIZE
    }

    /// Create a new (sparse) index file or open an existing one and read its header.
    pub fn open(
        path: impl Into<PathBuf>,
        hash_slot_num: usize,
        index_num: usize,
    ) -> io::Result<Self> {
        let path = path.into();
        let size = Self::file_size(hash_slot_num, index_num) as u64;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        if file.metadata()?.len() != size {
            file.set_len(size)?;
        }
        let map = MmapRaw::map_raw(&file)?;
        let mut head = [0u8; INDEX_HEADER_SIZE];
        // SAFETY: the mapping is at least INDEX_HEADER_SIZE bytes and nobody else uses it yet.
        unsafe {
            std::ptr::copy_nonoverlapping(map.as_ptr(), head.as_mut_ptr(), INDEX_HEADER_SIZE)
        };
        Ok(IndexFile {
            path,
            map,
            _file: file,
            hash_slot_num,
            index_num,
            header: RwLock::new(IndexHeader::decode(&head)),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn header(&self) -> IndexHeader {
        *self.header.read()
    }

    pub fn is_write_full(&self) -> bool {
        self.header.read().index_count as usize >= self.index_num
    }

    fn slot_pos(&self, key_hash: i32) -> usize {
        INDEX_HEADER_SIZE + (key_hash as usize % self.hash_slot_num) * HASH_SLOT_SIZE
    }

    fn entry_pos(&self, index: i32) -> usize {
        INDEX_HEADER_SIZE + self.hash_slot_num * HASH_SLOT_SIZE + index as usize * INDEX_SIZE
    }

    // The mapped bytes are only touched while `header` is locked (shared for
    // reads, exclusive for writes), and every position is checked against the
    // file size by construction (slot < hash_slot_num, index < index_num).
    fn read_i32(&self, pos: usize) -> i32 {
        debug_assert!(pos + 4 <= self.map.len());
        // SAFETY: in bounds (see above); unaligned big-endian read of plain bytes.
        i32::from_be(unsafe { std::ptr::read_unaligned(self.map.as_ptr().add(pos) as *const i32) })
    }

    fn read_i64(&self, pos: usize) -> i64 {
        debug_assert!(pos + 8 <= self.map.len());
        // SAFETY: as for read_i32.
        i64::from_be(unsafe { std::ptr::read_unaligned(self.map.as_ptr().add(pos) as *const i64) })
    }

    fn write_bytes(&self, pos: usize, bytes: &[u8]) {
        debug_assert!(pos + bytes.len() <= self.map.len());
        // SAFETY: in bounds; called only with the header lock held exclusively.
        unsafe {
            std::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                self.map.as_mut_ptr().add(pos),
                bytes.len(),
            )
        };
    }

    /// Add `topic#key` → `phy_offset` (Java `putKey`). False when the file is full.
    pub fn put_key(&self, topic: &str, key: &str, phy_offset: i64, store_timestamp: i64) -> bool {
        let mut h = self.header.write();
        if h.index_count as usize >= self.index_num {
            return false;
        }
        let key_hash = index_key_hash(topic, key);
        let slot_pos = self.slot_pos(key_hash);
        let mut slot_value = self.read_i32(slot_pos);
        if slot_value <= INVALID_INDEX || slot_value > h.index_count {
            slot_value = INVALID_INDEX;
        }
        let time_diff = if h.begin_timestamp <= 0 {
            0
        } else {
            ((store_timestamp - h.begin_timestamp) / 1000).clamp(0, i32::MAX as i64) as i32
        };
        let mut entry = [0u8; INDEX_SIZE];
        entry[0..4].copy_from_slice(&key_hash.to_be_bytes());
        entry[4..12].copy_from_slice(&phy_offset.to_be_bytes());
        entry[12..16].copy_from_slice(&time_diff.to_be_bytes());
        entry[16..20].copy_from_slice(&slot_value.to_be_bytes());
        self.write_bytes(self.entry_pos(h.index_count), &entry);
        self.write_bytes(slot_pos, &h.index_count.to_be_bytes());
        if h.index_count <= 1 {
            h.begin_phy_offset = phy_offset;
            h.begin_timestamp = store_timestamp;
        }
        if slot_value == INVALID_INDEX {
            h.hash_slot_count += 1;
        }
        h.index_count += 1;
        h.end_phy_offset = phy_offset;
        h.end_timestamp = store_timestamp;
        true
    }

    /// Whether the file's time range overlaps `[begin, end]` (Java `isTimeMatched`).
    pub fn is_time_matched(&self, begin: i64, end: i64) -> bool {
        let h = self.header.read();
        (begin < h.begin_timestamp && end > h.end_timestamp)
            || (begin >= h.begin_timestamp && begin <= h.end_timestamp)
            || (end >= h.begin_timestamp && end <= h.end_timestamp)
    }

    /// Collect CommitLog offsets of entries for `topic#key` stored within
    /// `[begin, end]`, newest first, until `out` holds `max_num` (Java `selectPhyOffset`).
    pub fn select_phy_offsets(
        &self,
        out: &mut Vec<i64>,
        topic: &str,
        key: &str,
        max_num: usize,
        begin: i64,
        end: i64,
    ) {
        let h = self.header.read();
        let key_hash = index_key_hash(topic, key);
        let slot_value = self.read_i32(self.slot_pos(key_hash));
        if slot_value <= INVALID_INDEX || slot_value > h.index_count || h.index_count <= 1 {
            return;
        }
        let mut next = slot_value;
        // The chain can hold at most index_count entries; the bound guards against a corrupt loop.
        for _ in 0..h.index_count {
            if out.len() >= max_num {
                break;
            }
            let pos = self.entry_pos(next);
            let hash_read = self.read_i32(pos);
            let phy = self.read_i64(pos + 4);
            let time_diff = self.read_i32(pos + 12);
            let prev = self.read_i32(pos + 16);
            if time_diff < 0 {
                break;
            }
            let time = h.begin_timestamp + time_diff as i64 * 1000;
            if hash_read == key_hash && time >= begin && time <= end {
                out.push(phy);
            }
            if prev <= INVALID_INDEX || prev > h.index_count || prev == next || time < begin {
                break;
            }
            next = prev;
        }
    }

    /// Write the header into the file and msync it all.
    pub fn flush(&self) -> io::Result<()> {
        let h = self.header.write();
        self.write_bytes(0, &h.encode());
        drop(h);
        self.map.flush()
    }

    pub fn destroy(&self) -> io::Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_hash_matches_java() {
        // "T#k".hashCode() in Java = 84*31^2 + 35*31 + 107 = 81916
        assert_eq!(index_key_hash("T", "k"), 81916);
        assert_eq!(
            index_key_hash("TopicTest", "OrderID188"),
            java_string_hash_code("TopicTest#OrderID188")
                .checked_abs()
                .unwrap_or(0)
        );
    }

    #[test]
    fn put_select_flush_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("20240101000000000");
        // 7 slots so keys collide; room for 9 entries (numbers 1..=8 usable).
        let f = IndexFile::open(&path, 7, 9).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 40 + 7 * 4 + 9 * 20);
        let t0 = 1_700_000_000_000;
        for i in 0..8i64 {
            let key = if i % 2 == 0 { "even" } else { "odd" };
            assert!(f.put_key("T", key, i * 100, t0 + i * 1000));
        }
        assert!(f.is_write_full());
        assert!(!f.put_key("T", "late", 900, t0));
        let mut out = Vec::new();
        f.select_phy_offsets(&mut out, "T", "even", 10, 0, i64::MAX);
        assert_eq!(out, vec![600, 400, 200, 0], "newest first");
        out.clear();
        f.select_phy_offsets(&mut out, "T", "odd", 2, 0, i64::MAX);
        assert_eq!(out, vec![700, 500]);
        out.clear();
        f.select_phy_offsets(&mut out, "T", "odd", 10, t0 + 2500, t0 + 5500);
        assert_eq!(out, vec![500, 300]);
        out.clear();
        f.select_phy_offsets(&mut out, "Other", "odd", 10, 0, i64::MAX);
        assert!(out.is_empty());
        assert!(f.is_time_matched(t0 + 3000, t0 + 4000));
        assert!(!f.is_time_matched(0, t0 - 1));
        f.flush().unwrap();
        let h = f.header();
        assert_eq!(
            (h.index_count, h.begin_phy_offset, h.end_phy_offset),
            (9, 0, 700)
        );
        drop(f);
        let raw = std::fs::read(&path).unwrap();
        assert_eq!(i32::from_be_bytes(raw[36..40].try_into().unwrap()), 9);
        let f = IndexFile::open(&path, 7, 9).unwrap();
        assert_eq!(f.header(), h);
        let mut out = Vec::new();
        f.select_phy_offsets(&mut out, "T", "even", 10, 0, i64::MAX);
        assert_eq!(out.len(), 4);
    }
}
