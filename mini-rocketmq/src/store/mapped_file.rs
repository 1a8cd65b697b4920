//! One fixed-size, memory-mapped file (Java: `org.apache.rocketmq.store.logfile.DefaultMappedFile`).
//!
//! Both the CommitLog and every consume queue are sequences of these files.
//! A file is named by the global offset of its first byte, zero-padded to 20
//! digits (`00000000001073741824`), so finding the file that holds offset
//! `x` is a division, not a search.
//!
//! Three positions describe a file's state:
//!
//! ```text
//! 0            flushed            wrote                                file_size
//! |== on disk ==|== page cache only ==|== never written (sparse hole) ==|
//! ```
//!
//! * `wrote_position`: bytes appended so far. It is advanced with `Release`
//!   ordering only after the bytes are written, so a reader that loads it
//!   with `Acquire` may read everything below it without a lock — that is
//!   how pulls and the dispatcher read while producers keep appending.
//!   (Java has a separate `committed` position for its off-heap write
//!   buffer; we always write straight into the mapping, so committed = wrote.)
//! * `flushed_position`: bytes known to be on disk (msync'ed).
//!
//! Bytes below `wrote_position` never change again (recovery, which may move
//! the position back, runs before any reader exists), which is what makes
//! handing out `&[u8]` views of the mapping sound. Appends go through a
//! small internal mutex so that two writers can never hold overlapping
//! `&mut [u8]`; the CommitLog already serialises puts with its own lock, so
//! this mutex is never contended and costs a few nanoseconds.
//!
//! Files are created sparse with `set_len` and never pre-touched, so a 1 GiB
//! CommitLog file occupies disk only as messages arrive.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

use bytes::Bytes;
use memmap2::MmapRaw;
use parking_lot::Mutex;

/// The OS page size RocketMQ assumes when counting dirty pages.
pub const OS_PAGE_SIZE: usize = 4096;

/// Render a file's start offset as its 20-digit name (Java `UtilAll.offset2FileName`).
pub fn offset_to_file_name(offset: i64) -> String {
    format!("{offset:020}")
}

pub struct MappedFile {
    path: PathBuf,
    file_from_offset: i64,
    file_size: usize,
    map: MmapRaw,
    /// Kept open for the life of the mapping (and for `set_len` on truncation).
    _file: File,
    wrote_position: AtomicUsize,
    flushed_position: AtomicUsize,
    /// Store timestamp of the last message appended (CommitLog files only);
    /// the flush service copies it into the checkpoint.
    store_timestamp: AtomicI64,
    append_lock: Mutex<()>,
}

impl std::fmt::Debug for MappedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MappedFile")
            .field("path", &self.path)
            .field("from", &self.file_from_offset)
            .field("size", &self.file_size)
            .field("wrote", &self.wrote_position())
            .field("flushed", &self.flushed_position())
            .finish()
    }
}

impl MappedFile {
    /// Create (or reopen) the file `path` of `file_size` bytes starting at
    /// global offset `file_from_offset`. A new file is a sparse hole; an
    /// existing file keeps its bytes, and its positions start at 0 for the
    /// caller (recovery) to set.
    pub fn open(
        path: impl Into<PathBuf>,
        file_from_offset: i64,
        file_size: usize,
    ) -> io::Result<MappedFile> {
        let path = path.into();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        let len = file.metadata()?.len();
        if len != file_size as u64 {
            if len > file_size as u64 {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{} is {len} bytes, larger than the configured {file_size}",
                        path.display()
                    ),
                ));
            }
            file.set_len(file_size as u64)?;
        }
        let map = MmapRaw::map_raw(&file)?;
        Ok(MappedFile {
            path,
            file_from_offset,
            file_size,
            map,
            _file: file,
            wrote_position: AtomicUsize::new(0),
            flushed_position: AtomicUsize::new(0),
            store_timestamp: AtomicI64::new(0),
            append_lock: Mutex::new(()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn file_from_offset(&self) -> i64 {
        self.file_from_offset
    }

    pub fn file_size(&self) -> usize {
        self.file_size
    }

    pub fn wrote_position(&self) -> usize {
        self.wrote_position.load(Ordering::Acquire)
    }

    /// What readers may see; equal to `wrote_position` (no transient store pool).
    pub fn read_position(&self) -> usize {
        self.wrote_position()
    }

    pub fn flushed_position(&self) -> usize {
        self.flushed_position.load(Ordering::Acquire)
    }

    pub fn is_full(&self) -> bool {
        self.wrote_position() == self.file_size
    }

    pub fn store_timestamp(&self) -> i64 {
        self.store_timestamp.load(Ordering::Acquire)
    }

    pub fn set_store_timestamp(&self, ts: i64) {
        self.store_timestamp.store(ts, Ordering::Release);
    }

    /// Set both positions; only for loading and recovery, before readers exist.
    pub(crate) fn set_positions(&self, wrote: usize, flushed: usize) {
        let wrote = wrote.min(self.file_size);
        self.wrote_position.store(wrote, Ordering::Release);
        self.flushed_position
            .store(flushed.min(wrote), Ordering::Release);
    }

    /// Append through `f`, which gets this file's start offset and the free
    /// space from the write position to the end, and returns how many bytes
    /// it wrote plus its own result (Java `appendMessage(msg, callback)`).
    /// The write position advances only after `f` returns, so readers never
    /// see a half-written record.
    pub fn append_with<R>(&self, f: impl FnOnce(i64, &mut [u8]) -> (usize, R)) -> R {
        let _guard = self.append_lock.lock();
        let pos = self.wrote_position.load(Ordering::Relaxed);
        // SAFETY: [pos, file_size) lies inside the mapping, and no reader
        // looks at bytes at or above `wrote_position`; the append lock makes
        // this the only `&mut` to that range.
        let free = unsafe {
            std::slice::from_raw_parts_mut(self.map.as_mut_ptr().add(pos), self.file_size - pos)
        };
        let (wrote, result) = f(self.file_from_offset, free);
        assert!(
            wrote <= self.file_size - pos,
            "append callback claims more bytes than the file has left"
        );
        self.wrote_position.store(pos + wrote, Ordering::Release);
        result
    }

    /// Fault in `[pos, pos+len)` for writing ahead of the writer, so the put
    /// path copies into memory that is already mapped instead of taking a
    /// page fault (and the file system's block reservation) every 4 KiB.
    /// One `madvise(MADV_POPULATE_WRITE)` call per range (Linux ≥ 5.14).
    /// The pages stay zero, which is what recovery expects past the end.
    pub fn warm(&self, pos: usize, len: usize) -> io::Result<()> {
        let len = len.min(self.file_size.saturating_sub(pos));
        if len == 0 {
            return Ok(());
        }
        #[cfg(target_os = "linux")]
        {
            self.map
                .advise_range(memmap2::Advice::PopulateWrite, pos, len)
        }
        #[cfg(not(target_os = "linux"))]
        {
            Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "warming needs MADV_POPULATE_WRITE",
            ))
        }
    }

    /// Append raw bytes; `false` when they do not fit.
    pub fn append_bytes(&self, data: &[u8]) -> bool {
        self.append_with(|_, free| {
            if data.len() > free.len() {
                (0, false)
            } else {
                free[..data.len()].copy_from_slice(data);
                (data.len(), true)
            }
        })
    }

    /// A view of `[pos, pos+len)`, if all of it has been written.
    pub fn slice(&self, pos: usize, len: usize) -> Option<&[u8]> {
        let end = pos.checked_add(len)?;
        if end > self.read_position() {
            return None;
        }
        // SAFETY: the range is below the published write position, so it is
        // initialised and never written again while `self` is alive.
        Some(unsafe { std::slice::from_raw_parts(self.map.as_ptr().add(pos), len) })
    }

    /// A view from `pos` to the write position.
    pub fn slice_from(&self, pos: usize) -> Option<&[u8]> {
        let end = self.read_position();
        if pos > end {
            return None;
        }
        self.slice(pos, end - pos)
    }

    /// A view of `[pos, pos+len)` that keeps the file alive (Java `selectMappedBuffer`).
    pub fn select_mapped_buffer(
        self: &Arc<Self>,
        pos: usize,
        len: usize,
    ) -> Option<SelectMappedBufferResult> {
        self.slice(pos, len)?;
        Some(SelectMappedBufferResult {
            start_offset: self.file_from_offset + pos as i64,
            file: Arc::clone(self),
            pos,
            len,
        })
    }

    /// A view from `pos` to the write position.
    pub fn select_mapped_buffer_from(
        self: &Arc<Self>,
        pos: usize,
    ) -> Option<SelectMappedBufferResult> {
        let end = self.read_position();
        if pos > end {
            return None;
        }
        self.select_mapped_buffer(pos, end - pos)
    }

    /// Whether enough is dirty to be worth an msync (Java `isAbleToFlush`).
    fn able_to_flush(&self, flushed: usize, wrote: usize, least_pages: usize) -> bool {
        if wrote == self.file_size && flushed < wrote {
            return true; // a full file is always finished off
        }
        if least_pages > 0 {
            wrote / OS_PAGE_SIZE >= flushed / OS_PAGE_SIZE + least_pages
        } else {
            wrote > flushed
        }
    }

    /// msync the dirty range if at least `least_pages` pages are dirty;
    /// returns the flushed position afterwards (Java `flush(flushLeastPages)`).
    pub fn flush(&self, least_pages: usize) -> io::Result<usize> {
        let flushed = self.flushed_position();
        let wrote = self.wrote_position();
        if !self.able_to_flush(flushed, wrote, least_pages) {
            return Ok(flushed);
        }
        // flush_range aligns the start down to a page boundary itself.
        self.map.flush_range(flushed, wrote - flushed)?;
        // fetch_max: two flushers (the flush service and shutdown) may race;
        // the position must never move backwards.
        let prev = self.flushed_position.fetch_max(wrote, Ordering::AcqRel);
        Ok(prev.max(wrote))
    }

    /// Zero stale bytes from `pos` on, so that a later recovery can never
    /// mistake the remains of a torn record for a valid one. Stops at the
    /// file end or after 1 MiB of bytes that are already zero: everything
    /// ever appended is contiguous, and the untouched part of a sparse file
    /// reads as zeros, so a long zero run marks the old high-water mark.
    pub(crate) fn zero_tail(&self, pos: usize) {
        const STOP_AFTER_ZERO_RUN: usize = 1 << 20;
        let mut at = pos;
        let mut zero_run = 0usize;
        while at < self.file_size && zero_run < STOP_AFTER_ZERO_RUN {
            let end = ((at / OS_PAGE_SIZE + 1) * OS_PAGE_SIZE).min(self.file_size);
            // SAFETY: [at, end) is inside the mapping and at or above the
            // write position, which recovery has just moved below it; no
            // reader or writer exists yet.
            let chunk =
                unsafe { std::slice::from_raw_parts_mut(self.map.as_mut_ptr().add(at), end - at) };
            if chunk.iter().all(|&b| b == 0) {
                zero_run += chunk.len();
            } else {
                chunk.fill(0);
                zero_run = 0;
            }
            at = end;
        }
    }

    /// Delete the file from disk; the mapping stays valid until the last `Arc` is dropped.
    pub fn destroy(&self) -> io::Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// A readable range of a mapped file that keeps the file mapped while held
/// (Java `SelectMappedBufferResult`).
#[derive(Clone)]
pub struct SelectMappedBufferResult {
    /// Global offset of the first byte.
    pub start_offset: i64,
    file: Arc<MappedFile>,
    pos: usize,
    len: usize,
}

impl std::fmt::Debug for SelectMappedBufferResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SelectMappedBufferResult(start={}, len={})",
            self.start_offset, self.len
        )
    }
}

impl SelectMappedBufferResult {
    pub fn as_slice(&self) -> &[u8] {
        self.file
            .slice(self.pos, self.len)
            .expect("range was checked when the result was created and never shrinks")
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn mapped_file(&self) -> &Arc<MappedFile> {
        &self.file
    }

    /// Narrow to `[from, from+len)` relative to this view.
    pub fn sub(&self, from: usize, len: usize) -> Option<SelectMappedBufferResult> {
        (from.checked_add(len)? <= self.len).then(|| SelectMappedBufferResult {
            start_offset: self.start_offset + from as i64,
            file: Arc::clone(&self.file),
            pos: self.pos + from,
            len,
        })
    }

    /// Zero-copy `Bytes` over the mapping (the file stays mapped while the `Bytes` lives).
    pub fn into_bytes(self) -> Bytes {
        Bytes::from_owner(self)
    }
}

impl AsRef<[u8]> for SelectMappedBufferResult {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_read_flush() {
        let dir = tempfile::tempdir().unwrap();
        let f = Arc::new(
            MappedFile::open(dir.path().join(offset_to_file_name(1024)), 1024, 1024).unwrap(),
        );
        assert_eq!(std::fs::metadata(f.path()).unwrap().len(), 1024);
        assert!(f.slice(0, 1).is_none(), "nothing written yet");
        assert!(f.append_bytes(b"hello"));
        assert!(f.append_bytes(b" world"));
        assert_eq!(f.wrote_position(), 11);
        assert_eq!(f.slice(0, 11).unwrap(), b"hello world");
        assert!(f.slice(5, 7).is_none());
        let sel = f.select_mapped_buffer_from(6).unwrap();
        assert_eq!(sel.start_offset, 1030);
        assert_eq!(sel.as_slice(), b"world");
        assert_eq!(&sel.clone().into_bytes()[..], b"world");
        // Less than one page dirty: a flush that wants 1 page does nothing.
        assert_eq!(f.flush(1).unwrap(), 0);
        assert_eq!(f.flush(0).unwrap(), 11);
        assert!(!f.append_bytes(&[0u8; 2000]));
        let r = f.append_with(|from, free| {
            assert_eq!(from, 1024);
            assert_eq!(free.len(), 1024 - 11);
            free.fill(1);
            (free.len(), 7)
        });
        assert_eq!(r, 7);
        assert!(f.is_full());
        // A full file is flushed even if fewer than least_pages are dirty.
        assert_eq!(f.flush(4).unwrap(), 1024);
    }

    #[test]
    fn zero_tail_clears_stale_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let f = MappedFile::open(dir.path().join("f"), 0, 3 * OS_PAGE_SIZE).unwrap();
        f.append_with(|_, free| {
            free[..2 * OS_PAGE_SIZE].fill(9);
            (2 * OS_PAGE_SIZE, ())
        });
        f.set_positions(10, 0);
        f.zero_tail(10);
        f.set_positions(3 * OS_PAGE_SIZE, 0);
        let all = f.slice(0, 3 * OS_PAGE_SIZE).unwrap();
        assert!(all[..10].iter().all(|&b| b == 9));
        assert!(all[10..].iter().all(|&b| b == 0));
    }
}
