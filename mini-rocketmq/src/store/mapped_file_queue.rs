//! A directory of equally sized mapped files that together form one
//! endless log (Java: `org.apache.rocketmq.store.MappedFileQueue`).
//!
//! The CommitLog is one queue (`commitlog/`) and every consume queue is
//! another (`consumequeue/<topic>/<queueId>/`). The queue knows how to:
//!
//! * **roll over** — hand out the last file, or create the next one when it
//!   is full (named by `last.from + file_size`);
//! * **find by offset** — `(offset - first.from) / file_size` is the index,
//!   because files are contiguous and equally sized;
//! * **load** existing files at start-up (every file's positions start at
//!   "full"; recovery then sets the real end of the last one);
//! * **truncate** everything past a recovered offset ("dirty" files).
//!
//! The file list sits behind a read-write lock: readers (pulls, the
//! dispatcher) take it briefly to find a file and then work on an
//! `Arc<MappedFile>` with no lock held; only creating or deleting a file
//! takes the write side.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use parking_lot::{Mutex, RwLock};

use super::error::StoreError;
use super::mapped_file::{MappedFile, SelectMappedBufferResult, offset_to_file_name};

pub struct MappedFileQueue {
    store_path: PathBuf,
    mapped_file_size: usize,
    files: RwLock<Vec<Arc<MappedFile>>>,
    /// Global offset up to which everything is on disk.
    flushed_where: AtomicI64,
    /// Store timestamp of the newest message known flushed (CommitLog only).
    store_timestamp: AtomicI64,
    /// The file after the last one, created ahead of need (Java keeps such
    /// files in `AllocateMappedFileService`'s request table, outside the list).
    pre_allocated: Mutex<Option<Arc<MappedFile>>>,
}

impl std::fmt::Debug for MappedFileQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MappedFileQueue")
            .field("path", &self.store_path)
            .field("files", &self.files.read().len())
            .field("flushed_where", &self.flushed_where())
            .finish()
    }
}

impl MappedFileQueue {
    pub fn new(store_path: impl Into<PathBuf>, mapped_file_size: usize) -> Self {
        MappedFileQueue {
            store_path: store_path.into(),
            mapped_file_size,
            files: RwLock::new(Vec::new()),
            flushed_where: AtomicI64::new(0),
            store_timestamp: AtomicI64::new(0),
            pre_allocated: Mutex::new(None),
        }
    }

    pub fn store_path(&self) -> &Path {
        &self.store_path
    }

    pub fn mapped_file_size(&self) -> usize {
        self.mapped_file_size
    }

    /// Map every existing file of the directory, oldest first (Java `load`).
    /// A file of the wrong size stops the load: it means the store was
    /// written with a different `mappedFileSize*` setting.
    pub fn load(&self) -> Result<(), StoreError> {
        let dir = match std::fs::read_dir(&self.store_path) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(StoreError::io("read directory", &self.store_path, e)),
        };
        let mut found = Vec::new();
        for entry in dir {
            let entry = entry.map_err(|e| StoreError::io("read directory", &self.store_path, e))?;
            let name = entry.file_name();
            let Some(offset) = name
                .to_str()
                .filter(|n| n.len() == 20)
                .and_then(|n| n.parse::<i64>().ok())
            else {
                continue; // not one of ours (e.g. an editor's backup file)
            };
            found.push((offset, entry.path()));
        }
        found.sort();
        let mut files = Vec::with_capacity(found.len());
        for (offset, path) in found {
            let len = std::fs::metadata(&path)
                .map_err(|e| StoreError::io("stat", &path, e))?
                .len();
            if len != self.mapped_file_size as u64 {
                return Err(StoreError::FileSizeMismatch {
                    path,
                    actual: len,
                    expected: self.mapped_file_size,
                });
            }
            let f = MappedFile::open(&path, offset, self.mapped_file_size)
                .map_err(|e| StoreError::io("map", &path, e))?;
            // Until recovery says otherwise, an existing file counts as full and flushed.
            f.set_positions(self.mapped_file_size, self.mapped_file_size);
            files.push(Arc::new(f));
        }
        *self.files.write() = files;
        Ok(())
    }

    /// A snapshot of the file list.
    pub fn mapped_files(&self) -> Vec<Arc<MappedFile>> {
        self.files.read().clone()
    }

    pub fn is_empty(&self) -> bool {
        self.files.read().is_empty()
    }

    pub fn first_mapped_file(&self) -> Option<Arc<MappedFile>> {
        self.files.read().first().cloned()
    }

    pub fn last_mapped_file(&self) -> Option<Arc<MappedFile>> {
        self.files.read().last().cloned()
    }

    /// The file to append to: the last one, or a new one when there is none
    /// (starting at the file boundary at or below `start_offset`) or the last
    /// one is full (Java `getLastMappedFile(startOffset, needCreate)`).
    pub fn last_mapped_file_or_create(
        &self,
        start_offset: i64,
    ) -> Result<Arc<MappedFile>, StoreError> {
        if let Some(last) = self.last_mapped_file().filter(|f| !f.is_full()) {
            return Ok(last);
        }
        let mut files = self.files.write();
        // Re-check under the write lock: another thread may have rolled already.
        let create_offset = match files.last() {
            Some(last) if !last.is_full() => return Ok(Arc::clone(last)),
            Some(last) => last.file_from_offset() + self.mapped_file_size as i64,
            None => start_offset - start_offset % self.mapped_file_size as i64,
        };
        let ready = self
            .pre_allocated
            .lock()
            .take_if(|f| f.file_from_offset() == create_offset);
        let f = match ready {
            Some(f) => f,
            None => self.create_file(create_offset)?,
        };
        files.push(Arc::clone(&f));
        Ok(f)
    }

    fn create_file(&self, offset: i64) -> Result<Arc<MappedFile>, StoreError> {
        std::fs::create_dir_all(&self.store_path)
            .map_err(|e| StoreError::io("create directory", &self.store_path, e))?;
        let path = self.store_path.join(offset_to_file_name(offset));
        let f = MappedFile::open(&path, offset, self.mapped_file_size)
            .map_err(|e| StoreError::io("create", &path, e))?;
        tracing::debug!(file = %path.display(), "created mapped file");
        Ok(Arc::new(f))
    }

    /// The file that will follow the last one, created now so that the put
    /// which fills the current file does not pay for creating the next
    /// (Java `AllocateMappedFileService`). It joins the list only when the
    /// writer rolls over to it.
    pub fn pre_allocate_next(&self) -> Result<Arc<MappedFile>, StoreError> {
        let next_offset = self
            .last_mapped_file()
            .map(|l| l.file_from_offset() + self.mapped_file_size as i64)
            .unwrap_or(0);
        let mut slot = self.pre_allocated.lock();
        if let Some(f) = slot.as_ref()
            && f.file_from_offset() == next_offset
        {
            return Ok(Arc::clone(f));
        }
        if let Some(stale) = slot.take() {
            let _ = stale.destroy();
        }
        let f = self.create_file(next_offset)?;
        *slot = Some(Arc::clone(&f));
        Ok(f)
    }

    /// Delete a pre-allocated file that was never used (shutdown, truncation).
    pub fn discard_pre_allocated(&self) {
        if let Some(f) = self.pre_allocated.lock().take()
            && let Err(e) = f.destroy()
        {
            tracing::warn!(file = %f.path().display(), error = %e, "could not delete a pre-allocated file");
        }
    }

    /// The file holding global `offset` (Java `findMappedFileByOffset`).
    /// With `return_first_on_not_found`, an offset outside the queue yields the first file.
    pub fn find_mapped_file_by_offset(
        &self,
        offset: i64,
        return_first_on_not_found: bool,
    ) -> Option<Arc<MappedFile>> {
        let files = self.files.read();
        let first = files.first()?;
        let last = files.last()?;
        let size = self.mapped_file_size as i64;
        if offset >= first.file_from_offset() && offset < last.file_from_offset() + size {
            let index = ((offset - first.file_from_offset()) / size) as usize;
            if let Some(f) = files
                .get(index)
                .filter(|f| offset >= f.file_from_offset() && offset < f.file_from_offset() + size)
            {
                return Some(Arc::clone(f));
            }
            // Files are contiguous, so this only happens if one went missing; fall back to a scan.
            if let Some(f) = files
                .iter()
                .find(|f| offset >= f.file_from_offset() && offset < f.file_from_offset() + size)
            {
                return Some(Arc::clone(f));
            }
        }
        return_first_on_not_found.then(|| Arc::clone(first))
    }

    /// Bytes from `offset` to the write position of the file that holds it.
    pub fn get_data(&self, offset: i64) -> Option<SelectMappedBufferResult> {
        let f = self.find_mapped_file_by_offset(offset, false)?;
        let pos = (offset - f.file_from_offset()) as usize;
        f.select_mapped_buffer_from(pos)
    }

    /// `[offset, offset+size)`, if written and inside one file.
    pub fn get_data_sized(&self, offset: i64, size: usize) -> Option<SelectMappedBufferResult> {
        let f = self.find_mapped_file_by_offset(offset, false)?;
        let pos = (offset - f.file_from_offset()) as usize;
        f.select_mapped_buffer(pos, size)
    }

    /// Start offset of the file after the one holding `offset`.
    pub fn roll_next_file(&self, offset: i64) -> i64 {
        let size = self.mapped_file_size as i64;
        offset + size - offset % size
    }

    /// First offset still stored (0 when empty).
    pub fn min_offset(&self) -> i64 {
        self.first_mapped_file()
            .map(|f| f.file_from_offset())
            .unwrap_or(0)
    }

    /// One past the last written byte (0 when empty).
    pub fn max_offset(&self) -> i64 {
        self.last_mapped_file()
            .map(|f| f.file_from_offset() + f.read_position() as i64)
            .unwrap_or(0)
    }

    pub fn flushed_where(&self) -> i64 {
        self.flushed_where.load(Ordering::Acquire)
    }

    pub fn set_flushed_where(&self, offset: i64) {
        self.flushed_where.store(offset, Ordering::Release);
    }

    /// Store timestamp of the newest flushed message.
    pub fn store_timestamp(&self) -> i64 {
        self.store_timestamp.load(Ordering::Acquire)
    }

    /// Flush from `flushed_where` onwards, across file boundaries, if at least
    /// `least_pages` are dirty (0 = whatever is dirty). Returns the new
    /// flushed offset. Java flushes one file per call; walking on to the next
    /// file lets one group commit cover a roll-over.
    pub fn flush(&self, least_pages: usize) -> std::io::Result<i64> {
        let mut where_ = self.flushed_where();
        loop {
            let Some(f) = self.find_mapped_file_by_offset(where_, where_ == 0) else {
                break;
            };
            // Read the timestamp before flushing: it then belongs to a message
            // that is certainly inside the flushed range.
            let ts = f.store_timestamp();
            let flushed = f.flush(least_pages)?;
            let new_where = f.file_from_offset() + flushed as i64;
            if ts > 0 && flushed > 0 {
                self.store_timestamp.fetch_max(ts, Ordering::AcqRel);
            }
            if new_where <= where_ {
                break;
            }
            where_ = new_where;
            self.flushed_where.fetch_max(where_, Ordering::AcqRel);
            if flushed < f.file_size() {
                break; // still in this file: nothing after it to flush
            }
        }
        Ok(self.flushed_where())
    }

    /// Drop everything at or after `offset` (Java `truncateDirtyFiles`): the
    /// file holding it is cut back (and its stale tail zeroed), later files
    /// are deleted.
    pub fn truncate_dirty_files(&self, offset: i64) {
        self.discard_pre_allocated();
        let size = self.mapped_file_size as i64;
        let mut files = self.files.write();
        files.retain(|f| {
            let from = f.file_from_offset();
            if from + size <= offset {
                return true;
            }
            if offset >= from {
                let pos = (offset - from) as usize;
                f.set_positions(pos, pos);
                f.zero_tail(pos);
                true
            } else {
                if let Err(e) = f.destroy() {
                    tracing::warn!(file = %f.path().display(), error = %e, "could not delete a dirty file");
                }
                false
            }
        });
        if self.flushed_where() > offset {
            self.set_flushed_where(offset);
        }
    }

    /// Delete every file (a consume queue whose topic is deleted, or one that
    /// recovery finds entirely past the CommitLog end).
    pub fn destroy(&self) {
        self.discard_pre_allocated();
        let mut files = self.files.write();
        for f in files.drain(..) {
            if let Err(e) = f.destroy() {
                tracing::warn!(file = %f.path().display(), error = %e, "could not delete a mapped file");
            }
        }
        self.set_flushed_where(0);
        let _ = std::fs::remove_dir(&self.store_path);
    }

    /// Remove files that lie entirely before `offset` (expired data).
    /// Returns how many were deleted.
    pub fn delete_files_before(&self, offset: i64) -> usize {
        let size = self.mapped_file_size as i64;
        let mut files = self.files.write();
        let keep_from = files
            .iter()
            .position(|f| f.file_from_offset() + size > offset)
            .unwrap_or(files.len());
        // Never delete the file currently written to.
        let keep_from = keep_from.min(files.len().saturating_sub(1));
        for f in files.drain(..keep_from) {
            if let Err(e) = f.destroy() {
                tracing::warn!(file = %f.path().display(), error = %e, "could not delete an expired file");
            }
        }
        keep_from
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roll_find_truncate_load() {
        let dir = tempfile::tempdir().unwrap();
        let q = MappedFileQueue::new(dir.path(), 100);
        for i in 0..25u8 {
            let f = q.last_mapped_file_or_create(0).unwrap();
            assert!(f.append_bytes(&[i; 10]));
        }
        // 250 bytes → files at 0, 100, 200.
        let names: Vec<_> = q
            .mapped_files()
            .iter()
            .map(|f| f.file_from_offset())
            .collect();
        assert_eq!(names, vec![0, 100, 200]);
        assert!(dir.path().join("00000000000000000100").exists());
        assert_eq!(q.max_offset(), 250);
        assert_eq!(
            q.find_mapped_file_by_offset(150, false)
                .unwrap()
                .file_from_offset(),
            100
        );
        assert!(q.find_mapped_file_by_offset(300, false).is_none());
        assert_eq!(q.get_data(240).unwrap().as_slice(), &[24u8; 10]);
        assert_eq!(q.roll_next_file(150), 200);
        assert_eq!(q.flush(0).unwrap(), 250);

        q.truncate_dirty_files(130);
        assert_eq!(q.max_offset(), 130);
        assert_eq!(q.mapped_files().len(), 2);
        assert!(!dir.path().join("00000000000000000200").exists());

        let q2 = MappedFileQueue::new(dir.path(), 100);
        q2.load().unwrap();
        assert_eq!(q2.mapped_files().len(), 2);
        // Loaded files count as full until recovery sets the real end.
        assert_eq!(q2.max_offset(), 200);
        let tail = q2.last_mapped_file().unwrap();
        assert!(
            tail.slice(30, 70).unwrap().iter().all(|&b| b == 0),
            "stale tail was zeroed"
        );

        let wrong = MappedFileQueue::new(dir.path(), 64);
        assert!(matches!(
            wrong.load(),
            Err(StoreError::FileSizeMismatch { .. })
        ));
    }
}
