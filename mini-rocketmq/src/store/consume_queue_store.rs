//! All consume queues of the store, by topic and queue id (Java:
//! `org.apache.rocketmq.store.queue.ConsumeQueueStore` and the
//! `consumeQueueTable` of `DefaultMessageStore`).
//!
//! Queues are created on demand by the dispatcher the first time it meets a
//! `(topic, queueId)`, and found again on start-up by walking
//! `consumequeue/<topic>/<queueId>/`. Lookups take a read lock on the table
//! and return an `Arc<ConsumeQueue>`, so a pull never blocks the dispatcher
//! for longer than a hash lookup.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::RwLock;

use super::consume_queue::ConsumeQueue;
use super::error::StoreError;

type Table = HashMap<String, HashMap<i32, Arc<ConsumeQueue>>>;

pub struct ConsumeQueueStore {
    root: PathBuf,
    file_size: usize,
    table: RwLock<Table>,
}

impl std::fmt::Debug for ConsumeQueueStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsumeQueueStore")
            .field("root", &self.root)
            .field("topics", &self.table.read().len())
            .finish()
    }
}

/// A topic name that is safe to use as a directory name under the store root.
/// The broker validates topics far more strictly; this only guards the file system.
pub fn is_safe_topic_dir(topic: &str) -> bool {
    !topic.is_empty() && topic != "." && topic != ".." && !topic.contains(['/', '\\', '\0'])
}

impl ConsumeQueueStore {
    pub fn new(root: impl Into<PathBuf>, file_size: usize) -> Self {
        ConsumeQueueStore {
            root: root.into(),
            file_size,
            table: RwLock::new(HashMap::new()),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Load every queue directory found on disk (Java `loadConsumeQueue`).
    pub fn load(&self) -> Result<(), StoreError> {
        let topics = match std::fs::read_dir(&self.root) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(StoreError::io("read directory", &self.root, e)),
        };
        let mut table = self.table.write();
        for topic_dir in topics.flatten() {
            let Ok(topic) = topic_dir.file_name().into_string() else {
                continue;
            };
            if !topic_dir.path().is_dir() || !is_safe_topic_dir(&topic) {
                continue;
            }
            let queues = std::fs::read_dir(topic_dir.path())
                .map_err(|e| StoreError::io("read directory", topic_dir.path(), e))?;
            for queue_dir in queues.flatten() {
                let Some(queue_id) = queue_dir
                    .file_name()
                    .to_str()
                    .and_then(|s| s.parse::<i32>().ok())
                else {
                    continue;
                };
                let cq = ConsumeQueue::new(&self.root, &topic, queue_id, self.file_size);
                cq.load()?;
                table
                    .entry(topic.clone())
                    .or_default()
                    .insert(queue_id, Arc::new(cq));
            }
        }
        Ok(())
    }

    /// Recover every queue (see [`ConsumeQueue::recover`]).
    pub fn recover(&self) {
        for cq in self.all() {
            cq.recover();
        }
    }

    pub fn find_consume_queue(&self, topic: &str, queue_id: i32) -> Option<Arc<ConsumeQueue>> {
        self.table
            .read()
            .get(topic)
            .and_then(|q| q.get(&queue_id))
            .cloned()
    }

    /// The queue for `(topic, queue_id)`, created if missing (Java `findOrCreateConsumeQueue`).
    /// `None` only for a topic that cannot be a directory name.
    pub fn find_or_create(&self, topic: &str, queue_id: i32) -> Option<Arc<ConsumeQueue>> {
        if let Some(cq) = self.find_consume_queue(topic, queue_id) {
            return Some(cq);
        }
        if !is_safe_topic_dir(topic) {
            return None;
        }
        let mut table = self.table.write();
        let queues = table.entry(topic.to_owned()).or_default();
        let cq = queues.entry(queue_id).or_insert_with(|| {
            Arc::new(ConsumeQueue::new(
                &self.root,
                topic,
                queue_id,
                self.file_size,
            ))
        });
        Some(Arc::clone(cq))
    }

    /// Every queue (a snapshot).
    pub fn all(&self) -> Vec<Arc<ConsumeQueue>> {
        self.table
            .read()
            .values()
            .flat_map(|q| q.values().cloned())
            .collect()
    }

    /// The queues of one topic, by queue id.
    pub fn queues_of(&self, topic: &str) -> Vec<Arc<ConsumeQueue>> {
        let mut v: Vec<_> = self
            .table
            .read()
            .get(topic)
            .map(|q| q.values().cloned().collect())
            .unwrap_or_default();
        v.sort_by_key(|q| q.queue_id());
        v
    }

    pub fn topics(&self) -> Vec<String> {
        self.table.read().keys().cloned().collect()
    }

    /// The newest CommitLog position any queue has indexed; where the
    /// dispatcher resumes after a clean restart.
    pub fn max_physic_offset(&self) -> i64 {
        self.all()
            .iter()
            .map(|q| q.max_physic_offset())
            .max()
            .unwrap_or(-1)
    }

    /// Drop entries pointing at or past `phy_offset` in every queue.
    pub fn truncate_dirty(&self, phy_offset: i64) {
        for cq in self.all() {
            if cq.max_physic_offset() > phy_offset {
                cq.truncate_dirty_logic_files(phy_offset);
            }
        }
    }

    /// Delete every queue (the CommitLog is gone, so they point at nothing).
    pub fn destroy_all(&self) {
        let mut table = self.table.write();
        for cq in table.values().flat_map(|q| q.values()) {
            cq.destroy();
        }
        table.clear();
    }

    /// Delete a topic's queues and their directory; true if it had any.
    pub fn delete_topic(&self, topic: &str) -> bool {
        let removed = self.table.write().remove(topic);
        let Some(queues) = removed else { return false };
        for cq in queues.values() {
            cq.destroy();
        }
        if is_safe_topic_dir(topic) {
            let _ = std::fs::remove_dir_all(self.root.join(topic));
        }
        true
    }

    /// Flush every queue; returns an error from the first queue that failed, after trying all.
    pub fn flush_all(&self, least_pages: usize) -> std::io::Result<()> {
        let mut first_err = None;
        for cq in self.all() {
            if let Err(e) = cq.flush(least_pages) {
                tracing::warn!(topic = %cq.topic(), queue = cq.queue_id(), error = %e, "consume queue flush failed");
                first_err.get_or_insert(e);
            }
        }
        first_err.map_or(Ok(()), Err)
    }
}
