//! Damaged CommitLog ranges that recovery stepped over instead of cutting
//! the log there. RocketMQ has no counterpart: its `CommitLog#recoverNormally`
//! (`store/src/main/java/org/apache/rocketmq/store/CommitLog.java`) ends the
//! log at the first record that fails `checkMessageAndReturnSize`, so one bad
//! record in the middle of a file throws away every good record after it.
//!
//! Here recovery looks for the next valid record instead (see
//! [`commit_log_recovery`](super::commit_log_recovery)) and records the bytes
//! it skipped in this report. The damaged bytes stay where they are in the
//! CommitLog (rewriting a log that other offsets point into would move
//! every later record); what changes is that nothing reads them any more:
//!
//! * the dispatcher jumps over a quarantined range instead of stopping at it;
//! * the pull and lookup paths refuse a record that lies in one.
//!
//! The report lives in `{storePathRootDir}/quarantine/`:
//!
//! ```text
//! quarantine/report      one line per range: offset=… size=… file=… reason=…
//! quarantine/<offset>    a copy of the damaged bytes (the first 1 MiB of them)
//! ```
//!
//! It is read back at every start, so a range found once stays out of reach
//! even after normal recovery no longer scans the file that holds it.

use std::io::Write;
use std::path::{Path, PathBuf};

use parking_lot::RwLock;

/// How much of a damaged range is copied next to the report (a torn range
/// can be a whole file; the copy is for a person to look at, not to restore).
const MAX_COPIED_BYTES: usize = 1 << 20;

/// One damaged range of the CommitLog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantinedRange {
    /// CommitLog offset of the first damaged byte.
    pub offset: i64,
    /// Bytes up to the next valid record (or the end of the file).
    pub size: i64,
    /// Why the record at `offset` was refused.
    pub reason: String,
}

impl QuarantinedRange {
    pub fn end(&self) -> i64 {
        self.offset + self.size
    }

    pub fn contains(&self, offset: i64) -> bool {
        offset >= self.offset && offset < self.end()
    }
}

/// The quarantine report of one store.
#[derive(Debug)]
pub struct Quarantine {
    dir: PathBuf,
    /// Sorted by offset, never overlapping.
    ranges: RwLock<Vec<QuarantinedRange>>,
}

impl Quarantine {
    /// Load the report under `dir` (empty if there is none yet).
    pub fn open(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        let mut ranges = Vec::new();
        if let Ok(text) = std::fs::read_to_string(dir.join("report")) {
            for line in text.lines() {
                match parse_line(line) {
                    Some(r) => ranges.push(r),
                    None if line.trim().is_empty() => {}
                    None => tracing::warn!(line, "quarantine report line not understood; ignored"),
                }
            }
        }
        ranges.sort_by_key(|r| r.offset);
        ranges.dedup_by(|b, a| b.offset < a.end());
        Quarantine {
            dir,
            ranges: RwLock::new(ranges),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// How many damaged ranges are known (the `commitLogQuarantinedRanges` runtime figure).
    pub fn len(&self) -> usize {
        self.ranges.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.read().is_empty()
    }

    /// Total damaged bytes (the `commitLogQuarantinedBytes` runtime figure).
    pub fn total_bytes(&self) -> i64 {
        self.ranges.read().iter().map(|r| r.size).sum()
    }

    pub fn ranges(&self) -> Vec<QuarantinedRange> {
        self.ranges.read().clone()
    }

    /// The range holding `offset`, if any.
    pub fn range_containing(&self, offset: i64) -> Option<QuarantinedRange> {
        let ranges = self.ranges.read();
        if ranges.is_empty() {
            return None;
        }
        let i = ranges.partition_point(|r| r.offset <= offset);
        let r = ranges.get(i.checked_sub(1)?)?;
        r.contains(offset).then(|| r.clone())
    }

    /// Whether any byte of `[offset, offset + size)` is quarantined.
    pub fn overlaps(&self, offset: i64, size: i64) -> bool {
        let ranges = self.ranges.read();
        if ranges.is_empty() {
            return false;
        }
        let end = offset + size.max(1);
        let i = ranges.partition_point(|r| r.end() <= offset);
        ranges.get(i).is_some_and(|r| r.offset < end)
    }

    /// Add a damaged range: a WARN line naming it, a line in the report and
    /// a copy of (the start of) its bytes. A range already known is not
    /// reported twice. Returns whether it was new.
    pub fn add(&self, range: QuarantinedRange, file: &Path, bytes: &[u8]) -> bool {
        {
            let mut ranges = self.ranges.write();
            if ranges
                .iter()
                .any(|r| r.offset < range.end() && range.offset < r.end())
            {
                return false;
            }
            let at = ranges.partition_point(|r| r.offset < range.offset);
            ranges.insert(at, range.clone());
        }
        tracing::warn!(
            offset = range.offset,
            size = range.size,
            file = %file.display(),
            reason = %range.reason,
            "CommitLog damage quarantined; the valid records after it are kept"
        );
        if let Err(e) = self.write(&range, file, bytes) {
            tracing::warn!(dir = %self.dir.display(), error = %e, "could not write the quarantine report");
        }
        true
    }

    fn write(&self, range: &QuarantinedRange, file: &Path, bytes: &[u8]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let copy = &bytes[..bytes.len().min(MAX_COPIED_BYTES)];
        std::fs::write(self.dir.join(format!("{:020}", range.offset)), copy)?;
        let mut report = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("report"))?;
        // The reason goes last: it is free text (a decode error message).
        writeln!(
            report,
            "offset={} size={} file={} reason={}",
            range.offset,
            range.size,
            file.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            range.reason.replace('\n', " ")
        )?;
        report.sync_all()
    }

    /// Forget ranges that lie wholly before `min_offset` (their files are deleted).
    pub fn forget_before(&self, min_offset: i64) {
        self.ranges.write().retain(|r| r.end() > min_offset);
    }
}

fn parse_line(line: &str) -> Option<QuarantinedRange> {
    let mut offset = None;
    let mut size = None;
    let mut reason = String::new();
    let mut rest = line.trim();
    while !rest.is_empty() {
        let (field, tail) = match rest.find(' ') {
            Some(i) => (&rest[..i], rest[i + 1..].trim_start()),
            None => (rest, ""),
        };
        let (key, value) = field.split_once('=')?;
        match key {
            "offset" => offset = value.parse().ok(),
            "size" => size = value.parse().ok(),
            "file" => {}
            "reason" => {
                // Free text to the end of the line.
                reason = rest["reason=".len()..].to_owned();
                break;
            }
            _ => return None,
        }
        rest = tail;
    }
    let size: i64 = size?;
    (size > 0).then_some(QuarantinedRange {
        offset: offset?,
        size,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_round_trips_and_lookups_work() {
        let dir = tempfile::tempdir().unwrap();
        let q = Quarantine::open(dir.path().join("quarantine"));
        assert!(q.is_empty());
        let r = QuarantinedRange {
            offset: 1000,
            size: 200,
            reason: "body CRC mismatch: stored 1, computed 2".into(),
        };
        assert!(q.add(r.clone(), Path::new("/x/00000000000000000000"), &[1, 2, 3]));
        assert!(
            !q.add(r.clone(), Path::new("/x/0"), &[]),
            "same range twice"
        );
        assert_eq!(q.range_containing(1000), Some(r.clone()));
        assert_eq!(q.range_containing(1199), Some(r.clone()));
        assert_eq!(q.range_containing(1200), None);
        assert_eq!(q.range_containing(999), None);
        assert!(q.overlaps(900, 101));
        assert!(!q.overlaps(900, 100));
        assert!(q.overlaps(1199, 5));
        assert!(!q.overlaps(1200, 5));

        let again = Quarantine::open(dir.path().join("quarantine"));
        assert_eq!(again.ranges(), vec![r]);
        assert_eq!(again.total_bytes(), 200);
        assert_eq!(
            std::fs::read(dir.path().join("quarantine/00000000000000001000")).unwrap(),
            vec![1, 2, 3]
        );
    }

    #[test]
    fn a_garbled_report_line_is_skipped() {
        assert_eq!(parse_line("offset=5 size=x"), None);
        assert_eq!(parse_line("offset=5 size=0 reason=r"), None);
        assert_eq!(parse_line("nonsense"), None);
        assert_eq!(
            parse_line("offset=5 size=7 file=f reason=bad magic code 0x1"),
            Some(QuarantinedRange {
                offset: 5,
                size: 7,
                reason: "bad magic code 0x1".into()
            })
        );
    }
}
