//! Query by key: the index files and the dispatcher that fills them (Java:
//! `org.apache.rocketmq.store.index.IndexService`).
//!
//! Every message is indexed under `topic#UNIQ_KEY` and under `topic#k` for
//! each space-separated key in its KEYS property (rolled-back transactional
//! messages excepted), so QUERY_MESSAGE / VIEW_MESSAGE_BY_ID by unique key can
//! find it without scanning the CommitLog. Index files are filled one after
//! another; a full file stays as it is and a new one, named by its creation
//! time (`yyyyMMddHHmmssSSS`), takes over. A query walks files newest first
//! and stops once it has enough offsets or the files get older than its
//! time range.
//!
//! As in RocketMQ, the index is best effort after a crash: files written
//! after the checkpoint's `indexMsgTimestamp` are dropped at start-up, and
//! only the messages that recovery re-dispatches are indexed again.

use std::path::PathBuf;
use std::sync::Arc;

use parking_lot::RwLock;

use super::dispatch_request::DispatchRequest;
use super::error::StoreError;
use super::index_file::IndexFile;
use super::reput_message_service::CommitLogDispatcher;
use super::store_checkpoint::StoreCheckpoint;
use crate::common::message_const::KEY_SEPARATOR;
use crate::common::sysflag::MessageSysFlag;

/// CommitLog offsets found for a key, plus how far the index has got.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryOffsetResult {
    pub phy_offsets: Vec<i64>,
    pub index_last_update_timestamp: i64,
    pub index_last_update_phyoffset: i64,
}

/// The answer to QUERY_MESSAGE: matching records back to back, ready to be
/// the response body (Java `QueryMessageResult`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryMessageResult {
    pub body: bytes::Bytes,
    pub message_count: usize,
    pub index_last_update_timestamp: i64,
    pub index_last_update_phyoffset: i64,
}

pub struct IndexService {
    dir: PathBuf,
    hash_slot_num: usize,
    index_num: usize,
    max_msgs_num_batch: usize,
    checkpoint: Arc<StoreCheckpoint>,
    files: RwLock<Vec<Arc<IndexFile>>>,
}

impl std::fmt::Debug for IndexService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexService")
            .field("dir", &self.dir)
            .field("files", &self.files.read().len())
            .finish()
    }
}

/// `yyyyMMddHHmmssSSS` of a unix time in ms (UTC; Java uses local time, which
/// would need a time-zone database — the name only has to sort by time).
pub fn time_to_file_name(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    // civil-from-days (Howard Hinnant)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}{:03}",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

impl IndexService {
    pub fn new(
        dir: impl Into<PathBuf>,
        hash_slot_num: usize,
        index_num: usize,
        max_msgs_num_batch: usize,
        checkpoint: Arc<StoreCheckpoint>,
    ) -> Self {
        IndexService {
            dir: dir.into(),
            hash_slot_num: hash_slot_num.max(1),
            index_num: index_num.max(2),
            max_msgs_num_batch: max_msgs_num_batch.max(1),
            checkpoint,
            files: RwLock::new(Vec::new()),
        }
    }

    /// Open the existing index files, oldest first (Java `load`); after a
    /// crash, drop those newer than the checkpoint's index timestamp.
    pub fn load(&self, last_exit_ok: bool) -> Result<(), StoreError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(StoreError::io("read directory", &self.dir, e)),
        };
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.len() == 17 && n.bytes().all(|b| b.is_ascii_digit()))
            })
            .collect();
        paths.sort();
        let mut files = Vec::new();
        for path in paths {
            let f = IndexFile::open(&path, self.hash_slot_num, self.index_num)
                .map_err(|e| StoreError::io("map", &path, e))?;
            if !last_exit_ok && f.header().end_timestamp > self.checkpoint.index_msg_timestamp() {
                tracing::warn!(file = %path.display(), "index file newer than the checkpoint after a crash; deleting it");
                let _ = f.destroy();
                continue;
            }
            files.push(Arc::new(f));
        }
        *self.files.write() = files;
        Ok(())
    }

    /// The file to write to, creating a new one when the last is full (Java `getAndCreateLastIndexFile`).
    fn last_writable_file(&self) -> Option<Arc<IndexFile>> {
        if let Some(f) = self.files.read().last().filter(|f| !f.is_write_full()) {
            return Some(Arc::clone(f));
        }
        let mut files = self.files.write();
        if let Some(f) = files.last().filter(|f| !f.is_write_full()) {
            return Some(Arc::clone(f));
        }
        if let Err(e) = std::fs::create_dir_all(&self.dir) {
            tracing::error!(dir = %self.dir.display(), error = %e, "cannot create the index directory");
            return None;
        }
        // Names must be unique and increasing even if two files fill within a millisecond.
        let mut ms = crate::store::commit_log::now_ms();
        let mut path = self.dir.join(time_to_file_name(ms));
        while path.exists() || files.last().is_some_and(|l| l.path() >= path.as_path()) {
            ms += 1;
            path = self.dir.join(time_to_file_name(ms));
        }
        let full = files.last().cloned();
        match IndexFile::open(&path, self.hash_slot_num, self.index_num) {
            Ok(f) => {
                let f = Arc::new(f);
                files.push(Arc::clone(&f));
                drop(files);
                if let Some(prev) = full {
                    // A finished file is flushed once and never written again.
                    self.flush_file(&prev);
                }
                Some(f)
            }
            Err(e) => {
                tracing::error!(file = %path.display(), error = %e, "cannot create an index file");
                None
            }
        }
    }

    fn flush_file(&self, f: &IndexFile) {
        match f.flush() {
            Ok(()) => {
                let end = f.header().end_timestamp;
                if end > self.checkpoint.index_msg_timestamp() {
                    self.checkpoint.set_index_msg_timestamp(end);
                }
            }
            Err(e) => tracing::error!(file = %f.path().display(), error = %e, "index flush failed"),
        }
    }

    /// Flush the file being written (and record its end time in the checkpoint).
    pub fn flush(&self) {
        let last = self.files.read().last().cloned();
        if let Some(f) = last {
            self.flush_file(&f);
        }
    }

    fn put_key(
        &self,
        file: &mut Arc<IndexFile>,
        topic: &str,
        key: &str,
        req: &DispatchRequest<'_>,
    ) -> bool {
        for _ in 0..3 {
            if file.put_key(topic, key, req.commit_log_offset, req.store_timestamp) {
                return true;
            }
            match self.last_writable_file() {
                Some(f) => *file = f,
                None => return false,
            }
        }
        false
    }

    /// Index one message (Java `buildIndex`).
    pub fn build_index(&self, req: &DispatchRequest<'_>) {
        let Some(mut file) = self.last_writable_file() else {
            return;
        };
        if req.commit_log_offset < file.header().end_phy_offset {
            return; // already indexed (recovery re-dispatch)
        }
        if MessageSysFlag::get_transaction_value(req.sys_flag)
            == MessageSysFlag::TRANSACTION_ROLLBACK_TYPE
        {
            return;
        }
        if let Some(uniq) = req.uniq_key.filter(|k| !k.is_empty())
            && !self.put_key(&mut file, req.topic, uniq, req)
        {
            tracing::error!(
                offset = req.commit_log_offset,
                "could not index a message's unique key"
            );
            return;
        }
        for key in req
            .keys
            .into_iter()
            .flat_map(|k| k.split(KEY_SEPARATOR))
            .filter(|k| !k.is_empty())
        {
            if !self.put_key(&mut file, req.topic, key, req) {
                tracing::error!(
                    offset = req.commit_log_offset,
                    "could not index a message key"
                );
                return;
            }
        }
    }

    /// CommitLog offsets of messages indexed under `topic#key` and stored in
    /// `[begin, end]`, at most `min(max_num, maxMsgsNumBatch)` (Java `queryOffset`).
    pub fn query_offset(
        &self,
        topic: &str,
        key: &str,
        max_num: usize,
        begin: i64,
        end: i64,
    ) -> QueryOffsetResult {
        let max_num = max_num.min(self.max_msgs_num_batch);
        let mut result = QueryOffsetResult::default();
        let files = self.files.read().clone();
        for (i, f) in files.iter().enumerate().rev() {
            let h = f.header();
            if i + 1 == files.len() {
                result.index_last_update_timestamp = h.end_timestamp;
                result.index_last_update_phyoffset = h.end_phy_offset;
            }
            if f.is_time_matched(begin, end) {
                f.select_phy_offsets(&mut result.phy_offsets, topic, key, max_num, begin, end);
            }
            if h.begin_timestamp < begin || result.phy_offsets.len() >= max_num {
                break;
            }
        }
        result
    }

    /// Delete every index file.
    pub fn destroy(&self) {
        for f in self.files.write().drain(..) {
            let _ = f.destroy();
        }
    }
}

impl CommitLogDispatcher for IndexService {
    fn dispatch(&self, request: &DispatchRequest<'_>) {
        self.build_index(request);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_sort_by_time() {
        assert_eq!(time_to_file_name(0), "19700101000000000");
        assert_eq!(time_to_file_name(1_709_251_199_999), "20240229235959999");
        assert!(time_to_file_name(1_709_251_200_000) > time_to_file_name(1_709_251_199_999));
    }

    fn req<'a>(offset: i64, ts: i64, uniq: &'a str, keys: &'a str) -> DispatchRequest<'a> {
        DispatchRequest {
            topic: "T",
            queue_id: 0,
            commit_log_offset: offset,
            msg_size: 100,
            tags_code: 0,
            store_timestamp: ts,
            consume_queue_offset: 0,
            keys: Some(keys),
            uniq_key: Some(uniq),
            sys_flag: 0,
            prepared_transaction_offset: 0,
            properties: "",
        }
    }

    #[test]
    fn build_query_and_roll() {
        let dir = tempfile::tempdir().unwrap();
        let cp = Arc::new(StoreCheckpoint::open(dir.path().join("checkpoint")).unwrap());
        // 3 keys per message, 10 entries per file → a new file every 3 messages.
        let svc = IndexService::new(dir.path().join("index"), 11, 10, 64, Arc::clone(&cp));
        let t0 = 1_700_000_000_000;
        for i in 0..10i64 {
            svc.build_index(&req(
                i * 100,
                t0 + i * 1000,
                &format!("U{i}"),
                &format!("order-{} shared", i % 2),
            ));
        }
        assert!(svc.files.read().len() >= 4);
        assert!(
            cp.index_msg_timestamp() > 0,
            "a full file is flushed and checkpointed"
        );
        assert_eq!(
            svc.query_offset("T", "U7", 32, 0, i64::MAX).phy_offsets,
            vec![700]
        );
        let mut odd = svc
            .query_offset("T", "order-1", 32, 0, i64::MAX)
            .phy_offsets;
        odd.sort();
        assert_eq!(odd, vec![100, 300, 500, 700, 900]);
        let shared = svc.query_offset("T", "shared", 3, 0, i64::MAX);
        assert_eq!(
            shared.phy_offsets,
            vec![900, 800, 700],
            "newest first, capped"
        );
        assert_eq!(shared.index_last_update_phyoffset, 900);
        assert!(
            svc.query_offset("T", "nope", 32, 0, i64::MAX)
                .phy_offsets
                .is_empty()
        );
        // Re-dispatching old records changes nothing.
        svc.build_index(&req(0, t0, "U0", "again"));
        assert!(
            svc.query_offset("T", "again", 32, 0, i64::MAX)
                .phy_offsets
                .is_empty()
        );
    }
}
