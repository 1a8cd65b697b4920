//! `ConsumerOffsetManager`: how far each consumer group has consumed.
//!
//! Mirrors `org.apache.rocketmq.broker.offset.ConsumerOffsetManager`. In
//! clustering mode the broker, not the consumer, remembers progress: one
//! number per (topic, group, queue) — the consume-queue index of the next
//! message the group has not yet acknowledged. Consumers report it
//!
//! - with UPDATE_CONSUMER_OFFSET, a oneway request the push consumer sends
//!   every 5 s for every queue it holds, and
//! - piggy-backed on PULL_MESSAGE (`commitOffset` with the COMMIT_OFFSET bit),
//!
//! and read it back with QUERY_CONSUMER_OFFSET when a queue is assigned to
//! them after a rebalance or a restart.
//!
//! The table is keyed like Java's, `"<topic>@<group>"` → queue id → offset,
//! and written to `config/consumerOffset.json` in the same shape:
//!
//! ```text
//! {"dataVersion":{...},"offsetTable":{"TopicTest@cg":{0:17,1:4}}}
//! ```
//!
//! The queue-id keys are *unquoted*, as fastjson writes `Map<Integer, Long>`,
//! so a Java broker can read our file and we can read its file.
//!
//! ## Persistence
//!
//! Commits only touch memory. The controller calls
//! [`ConfigManager::persist`] every `flushConsumerOffsetInterval` (5 s) on a
//! blocking thread and once more at shutdown; a crash loses at most those
//! 5 s of progress, which consumers tolerate by design (at-least-once
//! delivery: they re-consume a few messages). Persisting is skipped when
//! nothing was committed since the last write.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::common::config_manager::ConfigManager;
use crate::common::data_version::DataVersion;
use crate::common::fastjson::{self, JsonStyle};

/// Between topic and group in a table key.
pub const TOPIC_GROUP_SEPARATOR: char = '@';

/// The content of `consumerOffset.json`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct OffsetSerializeWrapper {
    data_version: DataVersion,
    offset_table: BTreeMap<String, BTreeMap<i32, i64>>,
}

struct Table {
    data_version: DataVersion,
    /// `topic@group` → queue id → next offset to consume.
    offsets: HashMap<String, HashMap<i32, i64>>,
}

/// Committed consumer offsets, shared by the processors behind an `Arc`.
pub struct ConsumerOffsetManager {
    config_file: PathBuf,
    table: Mutex<Table>,
    /// Set by every commit, cleared by a successful persist.
    dirty: AtomicBool,
}

fn key(topic: &str, group: &str) -> String {
    let mut k = String::with_capacity(topic.len() + group.len() + 1);
    k.push_str(topic);
    k.push(TOPIC_GROUP_SEPARATOR);
    k.push_str(group);
    k
}

impl ConsumerOffsetManager {
    /// An empty table whose file is `<store_path_root_dir>/config/consumerOffset.json`.
    pub fn new(store_path_root_dir: &Path) -> Self {
        ConsumerOffsetManager {
            config_file: store_path_root_dir
                .join("config")
                .join("consumerOffset.json"),
            table: Mutex::new(Table {
                data_version: DataVersion::new(),
                offsets: HashMap::new(),
            }),
            dirty: AtomicBool::new(false),
        }
    }

    /// Record that `group` has consumed `topic`/`queue_id` up to (not
    /// including) `offset`. A value lower than the stored one is accepted —
    /// consumers move back on purpose after a reset — but logged, as Java does.
    pub fn commit_offset(
        &self,
        client_host: &str,
        group: &str,
        topic: &str,
        queue_id: i32,
        offset: i64,
    ) {
        let k = key(topic, group);
        let previous = {
            let mut table = self.table.lock();
            table.offsets.entry(k).or_default().insert(queue_id, offset)
        };
        self.dirty.store(true, Ordering::Release);
        if let Some(prev) = previous
            && offset < prev
        {
            tracing::warn!(
                client_host,
                group,
                topic,
                queue_id,
                offset,
                stored = prev,
                "[NOTIFYME] update consumer offset less than store"
            );
        }
    }

    /// The committed offset, or -1 when the group never committed one for
    /// this queue (the caller then decides from `consumeFromWhere`).
    pub fn query_offset(&self, group: &str, topic: &str, queue_id: i32) -> i64 {
        let table = self.table.lock();
        table
            .offsets
            .get(&key(topic, group))
            .and_then(|m| m.get(&queue_id).copied())
            .unwrap_or(-1)
    }

    /// Every queue's offset of `group` on `topic`.
    pub fn query_offsets(&self, group: &str, topic: &str) -> BTreeMap<i32, i64> {
        let table = self.table.lock();
        table
            .offsets
            .get(&key(topic, group))
            .map(|m| m.iter().map(|(q, o)| (*q, *o)).collect())
            .unwrap_or_default()
    }

    /// Topics `group` has offsets for (GET_CONSUME_STATS without a topic).
    pub fn which_topic_by_consumer(&self, group: &str) -> HashSet<String> {
        let table = self.table.lock();
        table
            .offsets
            .keys()
            .filter_map(|k| k.rsplit_once(TOPIC_GROUP_SEPARATOR))
            .filter(|(_, g)| *g == group)
            .map(|(t, _)| t.to_string())
            .collect()
    }

    /// Groups that have offsets on `topic`.
    pub fn which_group_by_topic(&self, topic: &str) -> HashSet<String> {
        let table = self.table.lock();
        table
            .offsets
            .keys()
            .filter_map(|k| k.split_once(TOPIC_GROUP_SEPARATOR))
            .filter(|(t, _)| *t == topic)
            .map(|(_, g)| g.to_string())
            .collect()
    }

    /// Forget every offset on `topic` (the topic was deleted).
    pub fn clean_offset_by_topic(&self, topic: &str) {
        let mut table = self.table.lock();
        let before = table.offsets.len();
        table
            .offsets
            .retain(|k, _| k.split_once(TOPIC_GROUP_SEPARATOR).map(|(t, _)| t) != Some(topic));
        if table.offsets.len() != before {
            self.dirty.store(true, Ordering::Release);
        }
    }

    /// Forget every offset of `group` (the group was deleted).
    pub fn remove_offset(&self, group: &str) {
        let mut table = self.table.lock();
        let before = table.offsets.len();
        table
            .offsets
            .retain(|k, _| k.rsplit_once(TOPIC_GROUP_SEPARATOR).map(|(_, g)| g) != Some(group));
        if table.offsets.len() != before {
            self.dirty.store(true, Ordering::Release);
        }
    }

    /// Persist only when something was committed since the last write. This
    /// is what the 5-second timer calls.
    pub fn persist_if_dirty(&self) -> std::io::Result<()> {
        if self.dirty.swap(false, Ordering::AcqRel)
            && let Err(e) = self.persist()
        {
            // Try again on the next tick.
            self.dirty.store(true, Ordering::Release);
            return Err(e);
        }
        Ok(())
    }
}

impl ConfigManager for ConsumerOffsetManager {
    fn encode(&self, _pretty: bool) -> String {
        let wrapper = {
            let mut table = self.table.lock();
            table.data_version.next_version();
            OffsetSerializeWrapper {
                data_version: table.data_version,
                offset_table: table
                    .offsets
                    .iter()
                    .map(|(k, m)| (k.clone(), m.iter().map(|(q, o)| (*q, *o)).collect()))
                    .collect(),
            }
        };
        // Plain data with string and integer keys: cannot fail.
        fastjson::to_string(&wrapper, JsonStyle::Fastjson).unwrap_or_default()
    }

    fn decode(&self, json: &str) -> Result<(), String> {
        let wrapper: OffsetSerializeWrapper =
            fastjson::from_slice(json.as_bytes()).map_err(|e| e.to_string())?;
        let mut table = self.table.lock();
        table.data_version = wrapper.data_version;
        table.offsets = wrapper
            .offset_table
            .into_iter()
            .map(|(k, m)| (k, m.into_iter().collect()))
            .collect();
        Ok(())
    }

    fn config_file_path(&self) -> PathBuf {
        self.config_file.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_query_and_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let m = ConsumerOffsetManager::new(dir.path());
        assert_eq!(m.query_offset("cg", "T", 0), -1);
        m.commit_offset("c", "cg", "T", 0, 17);
        m.commit_offset("c", "cg", "T", 1, 4);
        assert_eq!(m.query_offset("cg", "T", 0), 17);
        assert_eq!(
            m.which_topic_by_consumer("cg"),
            HashSet::from(["T".to_string()])
        );
        assert_eq!(
            m.which_group_by_topic("T"),
            HashSet::from(["cg".to_string()])
        );
    }

    #[test]
    fn file_has_java_shape_and_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let m = ConsumerOffsetManager::new(dir.path());
        m.commit_offset("c", "cg", "TopicTest", 0, 17);
        m.persist_if_dirty().unwrap();
        let text = std::fs::read_to_string(m.config_file_path()).unwrap();
        assert!(
            text.contains(r#""offsetTable":{"TopicTest@cg":{0:17}}"#),
            "{text}"
        );
        let again = ConsumerOffsetManager::new(dir.path());
        assert!(again.load());
        assert_eq!(again.query_offset("cg", "TopicTest", 0), 17);
    }

    #[test]
    fn reads_a_java_file() {
        let dir = tempfile::tempdir().unwrap();
        let m = ConsumerOffsetManager::new(dir.path());
        let java = r#"{
            "dataVersion":{"counter":3,"stateVersion":0,"timestamp":1700000000000},
            "groupTopicMap":{"cg":["T"]},
            "offsetTable":{"T@cg":{0:5,1:6},"%RETRY%cg@cg":{0:0}}
        }"#;
        m.decode(java).unwrap();
        assert_eq!(m.query_offset("cg", "T", 1), 6);
        assert_eq!(m.query_offset("cg", "%RETRY%cg", 0), 0);
    }

    #[test]
    fn clean_by_topic_and_group() {
        let dir = tempfile::tempdir().unwrap();
        let m = ConsumerOffsetManager::new(dir.path());
        m.commit_offset("c", "g1", "T1", 0, 1);
        m.commit_offset("c", "g2", "T1", 0, 1);
        m.commit_offset("c", "g1", "T2", 0, 1);
        m.clean_offset_by_topic("T1");
        assert_eq!(m.query_offset("g2", "T1", 0), -1);
        assert_eq!(m.query_offset("g1", "T2", 0), 1);
        m.remove_offset("g1");
        assert_eq!(m.query_offset("g1", "T2", 0), -1);
    }
}
