//! Refusing puts before the disk is full (Java:
//! `DefaultMessageStore.CleanCommitLogService#isSpaceToDelete` with
//! `RunningFlags#getAndMakeDiskFull` / `#getAndMakeDiskOK`, in
//! `store/src/main/java/org/apache/rocketmq/store/DefaultMessageStore.java`).
//!
//! The CommitLog is memory-mapped. A write into a mapped page that the file
//! system cannot back is not an error return but a SIGBUS that kills the
//! broker, so the store must stop accepting writes while there is still
//! room. Like RocketMQ it watches how full the store's file system is:
//!
//! * used > `diskSpaceWarningLevelRatio` (90 %): mark the disk full; puts
//!   get SERVICE_NOT_AVAILABLE ("the broker's disk is full…"), reads go on;
//! * used ≤ `diskSpaceCleanForciblyRatio` (85 %): writable again;
//! * in between: the state stays as it is, so it does not flap.
//!
//! RocketMQ checks every 10 s from its clean-up thread; we check on the put
//! path, at most once per [`CHECK_INTERVAL_MS`], which costs one clock read
//! per put otherwise. (RocketMQ also deletes expired files early above
//! `diskMaxUsedSpaceRatio`; mini-rocketmq has no clean-up service, so space
//! comes back only when someone frees it.)
//!
//! The 10 % between the warning level and a full disk must hold what is
//! already mapped but not yet written: the rest of the current CommitLog
//! file and consume-queue files. With 1 GiB CommitLog files that means a
//! disk of more than 10 GiB, which any real broker has.

use std::ffi::CString;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

/// How often the put path looks at the file system (ms).
pub const CHECK_INTERVAL_MS: i64 = 100;

/// Used share of the file system holding `path`, in percent (Java
/// `UtilAll#getDiskPartitionSpaceUsedPercent`: (total − free) / total).
pub fn used_percent(path: &Path) -> io::Result<f64> {
    let c = CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    // SAFETY: `c` is a valid NUL-terminated path and `st` a writable
    // statvfs that the call fills in; nothing is kept after it returns.
    let st = unsafe {
        let mut st: libc::statvfs = std::mem::zeroed();
        if libc::statvfs(c.as_ptr(), &mut st) != 0 {
            return Err(io::Error::last_os_error());
        }
        st
    };
    let total = st.f_blocks as f64;
    if total == 0.0 {
        return Ok(0.0);
    }
    Ok((total - st.f_bfree as f64) / total * 100.0)
}

/// The store's "disk full" flag and when it was last checked.
#[derive(Debug)]
pub struct DiskSpaceGuard {
    path: PathBuf,
    warning_level: f64,
    clean_forcibly: f64,
    full: AtomicBool,
    last_check_ms: AtomicI64,
}

impl DiskSpaceGuard {
    pub fn new(
        path: impl Into<PathBuf>,
        warning_level_ratio: u32,
        clean_forcibly_ratio: u32,
    ) -> Self {
        DiskSpaceGuard {
            path: path.into(),
            warning_level: f64::from(warning_level_ratio),
            clean_forcibly: f64::from(clean_forcibly_ratio.min(warning_level_ratio)),
            full: AtomicBool::new(false),
            last_check_ms: AtomicI64::new(i64::MIN),
        }
    }

    /// Whether puts must be refused; looks at the file system again if the
    /// last look is older than [`CHECK_INTERVAL_MS`].
    pub fn is_full(&self, now_ms: i64) -> bool {
        let last = self.last_check_ms.load(Ordering::Relaxed);
        if now_ms.saturating_sub(last) >= CHECK_INTERVAL_MS
            && self
                .last_check_ms
                .compare_exchange(last, now_ms, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        {
            self.check();
        }
        self.full.load(Ordering::Acquire)
    }

    /// Look at the file system now and update the flag.
    pub fn check(&self) {
        let used = match used_percent(&self.path) {
            Ok(u) => u,
            Err(e) => {
                tracing::warn!(path = %self.path.display(), error = %e, "cannot tell how full the disk is");
                return;
            }
        };
        if used > self.warning_level {
            if !self.full.swap(true, Ordering::AcqRel) {
                tracing::error!(
                    path = %self.path.display(), used_percent = format!("{used:.1}"),
                    limit = self.warning_level,
                    "disk almost full: refusing puts until space returns (diskSpaceWarningLevelRatio)"
                );
            }
        } else if used <= self.clean_forcibly && self.full.swap(false, Ordering::AcqRel) {
            tracing::info!(
                path = %self.path.display(), used_percent = format!("{used:.1}"),
                "disk space OK again: accepting puts"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn used_percent_of_a_real_directory_is_a_percentage() {
        let dir = tempfile::tempdir().unwrap();
        let u = used_percent(dir.path()).unwrap();
        assert!((0.0..=100.0).contains(&u), "{u}");
        assert!(used_percent(Path::new("/no/such/dir/at/all")).is_err());
    }

    #[test]
    fn thresholds_with_hysteresis() {
        let dir = tempfile::tempdir().unwrap();
        let u = used_percent(dir.path()).unwrap();
        // A warning level below the current use marks the disk full at once.
        let g = DiskSpaceGuard::new(dir.path(), 0, 0);
        if u > 0.0 {
            assert!(g.is_full(0));
        }
        // One above it never does.
        let g = DiskSpaceGuard::new(dir.path(), 100, 100);
        assert!(!g.is_full(0));
    }
}
