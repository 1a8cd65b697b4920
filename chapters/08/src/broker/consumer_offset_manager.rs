//! `ConsumerOffsetManager` — how far each consumer group has consumed each
//! queue, persisted to `config/consumerOffset.json`. Mirrors
//! `org.apache.rocketmq.broker.offset.ConsumerOffsetManager`.
//!
//! In clustering mode the broker, not the consumer, remembers progress: one
//! number per topic, group and queue — the queue offset of the next message
//! the group has not yet consumed. Consumers report it two ways:
//!
//! * piggy-backed on a pull: `commitOffset` with the COMMIT_OFFSET bit;
//! * UPDATE_CONSUMER_OFFSET, which a push consumer sends every 5 s for every
//!   queue it holds (`RemoteBrokerOffsetStore#persistAll`, chapter 09);
//!
//! and read it back with QUERY_CONSUMER_OFFSET when a queue becomes theirs.
//!
//! Commits only change memory. The broker writes the table every
//! `flushConsumerOffsetInterval` (5 s) and at shutdown, through
//! `ConfigManager#persist` and its `.bak`; a crash loses at most the last
//! 5 s of progress, which consumers survive by design: they consume those
//! messages again (at-least-once delivery).
//!
//! The file keeps Java's shape, keyed `topic@group`:
//!
//! ```text
//! {"offsetTable":{"TopicTest@GroupA":{"0":3}}}
//! ```
//!
//! (fastjson writes the queue ids unquoted, `{0:3}`, which is not JSON;
//! fastjson also reads them quoted, so a Java broker can load our file.)

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use workbook_trace::step;

use crate::common::config_manager::{ConfigError, ConfigManager};

/// Between topic and group in a key (`TOPIC_GROUP_SEPARATOR`).
pub const TOPIC_GROUP_SEPARATOR: &str = "@";

/// `topic@group` → queue id → the next offset to consume.
type OffsetTable = BTreeMap<String, BTreeMap<i32, i64>>;

/// The content of `consumerOffset.json`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OffsetSerializeWrapper {
    offset_table: OffsetTable,
}

pub struct ConsumerOffsetManager {
    /// Who we are in the trace (the broker name).
    actor: String,
    config_file: PathBuf,
    offset_table: Mutex<OffsetTable>,
}

impl ConsumerOffsetManager {
    pub fn new(actor: &str, config_file: PathBuf) -> Self {
        ConsumerOffsetManager {
            actor: actor.to_string(),
            config_file,
            offset_table: Mutex::new(BTreeMap::new()),
        }
    }

    // ANCHOR: commit_offset
    /// `ConsumerOffsetManager#commitOffset`: remember where `group` is in
    /// one queue. Memory only; the next persist writes it.
    pub fn commit_offset(
        &self,
        client_host: &str,
        group: &str,
        topic: &str,
        queue_id: i32,
        offset: i64,
    ) {
        let key = format!("{topic}{TOPIC_GROUP_SEPARATOR}{group}");
        let old = self
            .lock()
            .entry(key.clone())
            .or_default()
            .insert(queue_id, offset);
        let old = old.map_or("none".to_string(), |o| o.to_string());
        let facts =
            format!("offsetTable[{key}][{queue_id}] = {offset} (was {old}) from {client_host}");
        step!(self.actor, "ConsumerOffsetManager#commitOffset", "{facts}");
    }
    // ANCHOR_END: commit_offset

    /// `ConsumerOffsetManager#queryOffset`: the committed offset, or -1.
    pub fn query_offset(&self, group: &str, topic: &str, queue_id: i32) -> i64 {
        let key = format!("{topic}{TOPIC_GROUP_SEPARATOR}{group}");
        let table = self.lock();
        let offset = table.get(&key).and_then(|queues| queues.get(&queue_id));
        offset.copied().unwrap_or(-1)
    }

    /// `ConfigManager#load`, with one trace line saying what was loaded.
    pub fn load_and_trace(&self) -> Result<(), ConfigError> {
        let from = self.load()?.describe();
        let keys = self.lock().len();
        let facts = format!("config/consumerOffset.json {from}: {keys} topic@group");
        step!(self.actor, "ConsumerOffsetManager#load", "{facts}");
        Ok(())
    }

    /// `ConfigManager#persist`, with one trace line saying what was written.
    pub fn persist_and_trace(&self) {
        let keys = self.lock().len();
        match self.persist() {
            Ok(kept) => {
                let bak = if kept {
                    ", previous file kept as consumerOffset.json.bak"
                } else {
                    ""
                };
                let facts = format!("config/consumerOffset.json: {keys} topic@group{bak}");
                step!(self.actor, "ConsumerOffsetManager#persist", "{facts}");
            }
            Err(e) => tracing::error!("persist config/consumerOffset.json failed: {e}"),
        }
    }

    fn lock(&self) -> MutexGuard<'_, OffsetTable> {
        // Each change is one map insert; a panic elsewhere cannot tear it.
        self.offset_table
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl ConfigManager for ConsumerOffsetManager {
    fn encode(&self) -> String {
        let wrapper = OffsetSerializeWrapper {
            offset_table: self.lock().clone(),
        };
        // String keys and integers always serialise.
        serde_json::to_string_pretty(&wrapper).expect("an offset table always serialises")
    }

    fn decode(&self, json: &str) -> Result<(), String> {
        let wrapper: OffsetSerializeWrapper =
            serde_json::from_str(json).map_err(|e| e.to_string())?;
        *self.lock() = wrapper.offset_table;
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
    fn offsets_round_trip_through_json_with_rocketmqs_keys() {
        let m = ConsumerOffsetManager::new("b", PathBuf::from("unused"));
        assert_eq!(m.query_offset("G", "T", 0), -1);
        m.commit_offset("c:1", "G", "T", 0, 3);
        m.commit_offset("c:1", "G", "T", 1, 5);
        let json = m.encode();
        assert!(json.contains("\"T@G\""), "{json}");
        let again = ConsumerOffsetManager::new("b", PathBuf::from("unused"));
        again.decode(&json).unwrap();
        assert_eq!(again.query_offset("G", "T", 1), 5);
    }
}
