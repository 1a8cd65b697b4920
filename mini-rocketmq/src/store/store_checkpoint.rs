//! The checkpoint file (Java: `org.apache.rocketmq.store.StoreCheckpoint`).
//!
//! A 4096-byte file, `<root>/checkpoint`, whose first 40 bytes record how
//! far each kind of file was known to be on disk (Java `StoreCheckpoint`, `store/src/main/java/org/apache/rocketmq/store/StoreCheckpoint.java`):
//!
//! ```text
//!  0 physicMsgTimestamp   store time of the newest flushed CommitLog message
//!  8 logicsMsgTimestamp   store time of the newest flushed consume-queue entry
//! 16 indexMsgTimestamp    store time of the newest flushed index entry
//! 24 masterFlushedOffset
//! 32 confirmPhyOffset
//! ```
//!
//! After a crash, recovery starts from the newest CommitLog file whose first
//! message is older than `min(physic, logics) - 3 s`, which is guaranteed to
//! be before anything that might be missing from the consume queues.
//!
//! Java maps the file and msyncs it; for 40 bytes, a positioned write plus
//! `fdatasync` is the same on disk and simpler to follow.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};

use parking_lot::Mutex;

use super::error::StoreError;

/// Size of the checkpoint file (`UtilAll.OS_PAGE_SIZE`).
pub const CHECKPOINT_FILE_SIZE: u64 = 4096;

pub struct StoreCheckpoint {
    path: PathBuf,
    file: Mutex<File>,
    physic_msg_timestamp: AtomicI64,
    logics_msg_timestamp: AtomicI64,
    index_msg_timestamp: AtomicI64,
    master_flushed_offset: AtomicI64,
    confirm_phy_offset: AtomicI64,
}

impl std::fmt::Debug for StoreCheckpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreCheckpoint")
            .field("physic", &self.physic_msg_timestamp())
            .field("logics", &self.logics_msg_timestamp())
            .field("index", &self.index_msg_timestamp())
            .finish()
    }
}

impl StoreCheckpoint {
    /// Open (creating a zeroed 4096-byte file if needed) and read the values.
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let path = path.into();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::io("create directory", dir, e))?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| StoreError::io("open", &path, e))?;
        let len = file
            .metadata()
            .map_err(|e| StoreError::io("stat", &path, e))?
            .len();
        if len < CHECKPOINT_FILE_SIZE {
            file.set_len(CHECKPOINT_FILE_SIZE)
                .map_err(|e| StoreError::io("extend", &path, e))?;
        }
        let mut head = [0u8; 40];
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.read_exact(&mut head))
            .map_err(|e| StoreError::io("read", &path, e))?;
        let at = |i: usize| i64::from_be_bytes(head[i..i + 8].try_into().unwrap_or([0; 8]));
        let cp = StoreCheckpoint {
            path,
            file: Mutex::new(file),
            physic_msg_timestamp: AtomicI64::new(at(0)),
            logics_msg_timestamp: AtomicI64::new(at(8)),
            index_msg_timestamp: AtomicI64::new(at(16)),
            master_flushed_offset: AtomicI64::new(at(24)),
            confirm_phy_offset: AtomicI64::new(at(32)),
        };
        tracing::debug!(checkpoint = ?cp, "checkpoint loaded");
        Ok(cp)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Write the five values at the start of the file and sync them.
    pub fn flush(&self) -> Result<(), StoreError> {
        let mut head = [0u8; 40];
        for (i, v) in [
            self.physic_msg_timestamp(),
            self.logics_msg_timestamp(),
            self.index_msg_timestamp(),
            self.master_flushed_offset(),
            self.confirm_phy_offset(),
        ]
        .into_iter()
        .enumerate()
        {
            head[i * 8..i * 8 + 8].copy_from_slice(&v.to_be_bytes());
        }
        let mut file = self.file.lock();
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.write_all(&head))
            .and_then(|_| file.sync_data())
            .map_err(|e| StoreError::io("write", &self.path, e))
    }

    pub fn physic_msg_timestamp(&self) -> i64 {
        self.physic_msg_timestamp.load(Ordering::Acquire)
    }
    pub fn set_physic_msg_timestamp(&self, v: i64) {
        self.physic_msg_timestamp.store(v, Ordering::Release);
    }
    pub fn logics_msg_timestamp(&self) -> i64 {
        self.logics_msg_timestamp.load(Ordering::Acquire)
    }
    pub fn set_logics_msg_timestamp(&self, v: i64) {
        self.logics_msg_timestamp.store(v, Ordering::Release);
    }
    pub fn index_msg_timestamp(&self) -> i64 {
        self.index_msg_timestamp.load(Ordering::Acquire)
    }
    pub fn set_index_msg_timestamp(&self, v: i64) {
        self.index_msg_timestamp.store(v, Ordering::Release);
    }
    pub fn master_flushed_offset(&self) -> i64 {
        self.master_flushed_offset.load(Ordering::Acquire)
    }
    pub fn set_master_flushed_offset(&self, v: i64) {
        self.master_flushed_offset.store(v, Ordering::Release);
    }
    pub fn confirm_phy_offset(&self) -> i64 {
        self.confirm_phy_offset.load(Ordering::Acquire)
    }
    pub fn set_confirm_phy_offset(&self, v: i64) {
        self.confirm_phy_offset.store(v, Ordering::Release);
    }

    /// The time before which everything is known to be on disk in both the
    /// CommitLog and the consume queues, minus 3 s of safety (Java `getMinTimestamp`).
    pub fn min_timestamp(&self) -> i64 {
        let min = self.physic_msg_timestamp().min(self.logics_msg_timestamp());
        (min - 3000).max(0)
    }

    /// Like [`min_timestamp`](Self::min_timestamp), also bounded by the index (Java `getMinTimestampIndex`).
    pub fn min_timestamp_index(&self) -> i64 {
        self.min_timestamp().min(self.index_msg_timestamp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_survive_reopen_at_java_offsets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint");
        let cp = StoreCheckpoint::open(&path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 4096);
        assert_eq!(cp.min_timestamp(), 0);
        cp.set_physic_msg_timestamp(1_700_000_010_000);
        cp.set_logics_msg_timestamp(1_700_000_005_000);
        cp.set_index_msg_timestamp(1_700_000_001_000);
        cp.set_master_flushed_offset(77);
        cp.set_confirm_phy_offset(88);
        cp.flush().unwrap();
        drop(cp);
        let raw = std::fs::read(&path).unwrap();
        assert_eq!(raw.len(), 4096);
        assert_eq!(
            i64::from_be_bytes(raw[0..8].try_into().unwrap()),
            1_700_000_010_000
        );
        assert_eq!(
            i64::from_be_bytes(raw[8..16].try_into().unwrap()),
            1_700_000_005_000
        );
        assert_eq!(
            i64::from_be_bytes(raw[16..24].try_into().unwrap()),
            1_700_000_001_000
        );
        assert_eq!(i64::from_be_bytes(raw[24..32].try_into().unwrap()), 77);
        assert_eq!(i64::from_be_bytes(raw[32..40].try_into().unwrap()), 88);
        let cp = StoreCheckpoint::open(&path).unwrap();
        assert_eq!(cp.min_timestamp(), 1_700_000_002_000);
        assert_eq!(cp.min_timestamp_index(), 1_700_000_001_000);
        assert_eq!(cp.confirm_phy_offset(), 88);
    }
}
