//! Where a consumer's position lives — Java `OffsetStore` with its two
//! implementations `RemoteBrokerOffsetStore` (CLUSTERING) and
//! `LocalFileOffsetStore` (BROADCASTING).
//!
//! Both keep the working copy **in memory**: the consume service advances it
//! after every consumed batch (an atomic store, no I/O on the consume path),
//! and a timer persists it every `persist_consumer_offset_interval` (5 s),
//! plus once more at shutdown and when rebalance takes a queue away. A crash
//! therefore replays up to five seconds of messages — RocketMQ's
//! at-least-once in one sentence.
//!
//! * CLUSTERING: the group shares one position per queue, so it lives on the
//!   broker (`consumerOffset.json`). The timer sends UPDATE_CONSUMER_OFFSET
//!   **oneway**, as Java does; shutdown and rebalance wait for the answer,
//!   because the next owner of the queue reads the offset right after.
//! * BROADCASTING: every member reads everything and has its own position,
//!   kept in `<dir>/<clientId>/<group>/offsets.json` in Java's format
//!   (`{"offsetTable":{{"brokerName":…,"queueId":…,"topic":…}:17}}`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use parking_lot::RwLock;
use serde::{Deserialize, Serialize};

use crate::client::client_instance::MQClientInstance;
use crate::client::exception::{MQClientError, MQResult};
use crate::common::fastjson::{self, JsonStyle};
use crate::common::message_queue::MessageQueue;
use crate::common::mix_all;
use crate::remoting::processor::BoxFuture;

/// Java `ReadOffsetType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOffsetType {
    /// Only the in-memory copy.
    ReadFromMemory,
    /// Only the persisted copy (broker or file); refreshes memory.
    ReadFromStore,
    /// Memory if present, else the store.
    MemoryFirstThenStore,
}

/// Java `OffsetStore`. Offsets are "the next message to consume"; `-1`
/// means "none stored" and `-2` "the store could not be asked" (Java's
/// convention, which `compute_pull_from_where` relies on).
pub trait OffsetStore: Send + Sync + 'static {
    /// Reads the persisted state (the local file; nothing for the broker).
    fn load(&self) -> MQResult<()>;
    /// Sets the in-memory offset. With `increase_only` a smaller value is
    /// ignored — concurrent consume tasks finish out of order, and an older
    /// task must not move the position back.
    fn update_offset(&self, mq: &MessageQueue, offset: i64, increase_only: bool);
    fn read_offset<'a>(&'a self, mq: &'a MessageQueue, kind: ReadOffsetType) -> BoxFuture<'a, i64>;
    /// Persists the offsets of `mqs` (the queues still owned). `wait` asks
    /// for acknowledged writes instead of oneway ones.
    fn persist_all<'a>(&'a self, mqs: &'a BTreeSet<MessageQueue>, wait: bool) -> BoxFuture<'a, ()>;
    /// Persists one queue's offset, acknowledged.
    fn persist<'a>(&'a self, mq: &'a MessageQueue) -> BoxFuture<'a, ()>;
    fn remove_offset(&self, mq: &MessageQueue);
    /// A snapshot of the in-memory offsets of `topic` (all topics if empty).
    fn clone_offset_table(&self, topic: &str) -> BTreeMap<MessageQueue, i64>;
}

/// The in-memory table both stores share.
#[derive(Debug, Default)]
struct OffsetTable {
    table: RwLock<BTreeMap<MessageQueue, Arc<AtomicI64>>>,
}

impl OffsetTable {
    fn update(&self, mq: &MessageQueue, offset: i64, increase_only: bool) {
        // Fast path: the queue is known, one read lock and one atomic op.
        if let Some(slot) = self.table.read().get(mq) {
            store_offset(slot, offset, increase_only);
            return;
        }
        let slot = Arc::clone(self.table.write().entry(mq.clone()).or_default());
        store_offset(&slot, offset, increase_only);
    }

    fn get(&self, mq: &MessageQueue) -> Option<i64> {
        self.table
            .read()
            .get(mq)
            .map(|slot| slot.load(Ordering::Acquire))
    }

    fn remove(&self, mq: &MessageQueue) {
        self.table.write().remove(mq);
    }

    /// The first half of Java `readOffset`, the same in both stores: answer
    /// from memory unless the store was asked for; -1 when memory has
    /// nothing and only memory was asked. `None`: ask the store.
    fn read_from_memory(&self, mq: &MessageQueue, kind: ReadOffsetType) -> Option<i64> {
        if kind != ReadOffsetType::ReadFromStore
            && let Some(offset) = self.get(mq)
        {
            return Some(offset);
        }
        (kind == ReadOffsetType::ReadFromMemory).then_some(-1)
    }

    /// The second half: remember what the store said. -1 when it holds no
    /// offset for the queue, -2 when it could not be read (the error is
    /// already logged).
    fn adopt_from_store(&self, mq: &MessageQueue, stored: Result<Option<i64>, ()>) -> i64 {
        match stored {
            Ok(Some(offset)) => {
                self.update(mq, offset, false);
                offset
            }
            Ok(None) => -1,
            Err(()) => -2,
        }
    }

    fn snapshot(&self, topic: &str) -> BTreeMap<MessageQueue, i64> {
        self.table
            .read()
            .iter()
            .filter(|(mq, _)| topic.is_empty() || mq.topic == topic)
            .map(|(mq, slot)| (mq.clone(), slot.load(Ordering::Acquire)))
            .collect()
    }
}

fn store_offset(slot: &AtomicI64, offset: i64, increase_only: bool) {
    if increase_only {
        slot.fetch_max(offset, Ordering::AcqRel);
    } else {
        slot.store(offset, Ordering::Release);
    }
}

/// Java `RemoteBrokerOffsetStore`.
pub struct RemoteBrokerOffsetStore {
    instance: Arc<MQClientInstance>,
    group: String,
    offsets: OffsetTable,
}

impl RemoteBrokerOffsetStore {
    pub fn new(instance: Arc<MQClientInstance>, group: impl Into<String>) -> Self {
        RemoteBrokerOffsetStore {
            instance,
            group: group.into(),
            offsets: OffsetTable::default(),
        }
    }

    /// The master of the queue's broker, refreshing the route once if the
    /// broker is not known yet (Java does the same dance).
    async fn broker_addr(&self, mq: &MessageQueue) -> MQResult<Arc<str>> {
        let find = || {
            self.instance
                .find_broker_address_in_subscribe(&mq.broker_name, mix_all::MASTER_ID, true)
                .map(|r| r.broker_addr)
        };
        if let Some(addr) = find() {
            return Ok(addr);
        }
        self.instance
            .update_topic_route_info_from_name_server_for(&mq.topic, None)
            .await;
        find().ok_or_else(|| {
            MQClientError::client(format!("the broker [{}] does not exist", mq.broker_name))
        })
    }

    /// Java `fetchConsumeOffsetFromBroker`.
    async fn fetch_consume_offset_from_broker(&self, mq: &MessageQueue) -> MQResult<Option<i64>> {
        let addr = self.broker_addr(mq).await?;
        let timeout = self.instance.config().mq_client_api_timeout;
        self.instance
            .api()
            .query_consumer_offset(&addr, &self.group, mq, timeout)
            .await
    }

    /// Java `updateConsumeOffsetToBroker`.
    pub async fn update_consume_offset_to_broker(
        &self,
        mq: &MessageQueue,
        offset: i64,
        oneway: bool,
    ) -> MQResult<()> {
        let addr = self.broker_addr(mq).await?;
        let api = self.instance.api();
        if oneway {
            api.update_consumer_offset_oneway(&addr, &self.group, mq, offset)
                .await
        } else {
            let timeout = self.instance.config().mq_client_api_timeout;
            api.update_consumer_offset(&addr, &self.group, mq, offset, timeout)
                .await
        }
    }
}

impl OffsetStore for RemoteBrokerOffsetStore {
    fn load(&self) -> MQResult<()> {
        Ok(())
    }

    fn update_offset(&self, mq: &MessageQueue, offset: i64, increase_only: bool) {
        self.offsets.update(mq, offset, increase_only);
    }

    fn read_offset<'a>(&'a self, mq: &'a MessageQueue, kind: ReadOffsetType) -> BoxFuture<'a, i64> {
        Box::pin(async move {
            if let Some(offset) = self.offsets.read_from_memory(mq, kind) {
                return offset;
            }
            let stored = self.fetch_consume_offset_from_broker(mq).await.map_err(|e| {
                tracing::warn!(group = %self.group, %mq, error = %e, "fetching the consumer offset failed");
            });
            self.offsets.adopt_from_store(mq, stored)
        })
    }

    fn persist_all<'a>(&'a self, mqs: &'a BTreeSet<MessageQueue>, wait: bool) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            for (mq, offset) in self.offsets.snapshot("") {
                if !mqs.contains(&mq) {
                    continue;
                }
                if let Err(e) = self
                    .update_consume_offset_to_broker(&mq, offset, !wait)
                    .await
                {
                    tracing::warn!(group = %self.group, %mq, offset, error = %e, "persisting the consumer offset failed");
                } else {
                    tracing::debug!(group = %self.group, %mq, offset, "consumer offset persisted");
                }
            }
        })
    }

    fn persist<'a>(&'a self, mq: &'a MessageQueue) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let Some(offset) = self.offsets.get(mq) else {
                return;
            };
            if let Err(e) = self
                .update_consume_offset_to_broker(mq, offset, false)
                .await
            {
                tracing::warn!(group = %self.group, %mq, offset, error = %e, "persisting the consumer offset failed");
            }
        })
    }

    fn remove_offset(&self, mq: &MessageQueue) {
        self.offsets.remove(mq);
    }

    fn clone_offset_table(&self, topic: &str) -> BTreeMap<MessageQueue, i64> {
        self.offsets.snapshot(topic)
    }
}

/// Java `OffsetSerializeWrapper`: the file's shape.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct OffsetSerializeWrapper {
    #[serde(with = "fastjson::object_key_map")]
    offset_table: BTreeMap<MessageQueue, i64>,
}

/// Java `LocalFileOffsetStore`.
pub struct LocalFileOffsetStore {
    group: String,
    store_path: PathBuf,
    offsets: OffsetTable,
}

impl LocalFileOffsetStore {
    /// `dir` defaults to `~/.rocketmq_offsets` (Java's
    /// `rocketmq.client.localOffsetStoreDir`).
    pub fn new(dir: Option<PathBuf>, client_id: &str, group: &str) -> Self {
        let dir = dir.unwrap_or_else(|| {
            let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
            home.join(".rocketmq_offsets")
        });
        LocalFileOffsetStore {
            group: group.to_string(),
            store_path: dir.join(client_id).join(group).join("offsets.json"),
            offsets: OffsetTable::default(),
        }
    }

    pub fn store_path(&self) -> &std::path::Path {
        &self.store_path
    }

    fn read_file(&self) -> MQResult<OffsetSerializeWrapper> {
        let path = &self.store_path;
        let text = match std::fs::read(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // No file yet; fall back to the backup a crashed write left.
                match std::fs::read(path.with_extension("json.bak")) {
                    Ok(text) => text,
                    Err(_) => return Ok(OffsetSerializeWrapper::default()),
                }
            }
            Err(e) => {
                return Err(MQClientError::client(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
            }
        };
        fastjson::from_slice(&text).map_err(|e| {
            MQClientError::client(format!("{} is not an offsets file: {e}", path.display()))
        })
    }

    /// Write to a temporary file, then rename over the old one, so a crash
    /// leaves either the old or the new file — never half of one.
    fn write_file(&self, wrapper: &OffsetSerializeWrapper) -> std::io::Result<()> {
        let bytes = fastjson::to_vec(wrapper, JsonStyle::Fastjson)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        if let Some(dir) = self.store_path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self.store_path.with_extension("json.tmp");
        {
            use std::io::Write;
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
        }
        if self.store_path.exists() {
            std::fs::copy(&self.store_path, self.store_path.with_extension("json.bak"))?;
        }
        std::fs::rename(&tmp, &self.store_path)
    }
}

impl OffsetStore for LocalFileOffsetStore {
    fn load(&self) -> MQResult<()> {
        for (mq, offset) in self.read_file()?.offset_table {
            self.offsets.update(&mq, offset, false);
        }
        Ok(())
    }

    fn update_offset(&self, mq: &MessageQueue, offset: i64, increase_only: bool) {
        self.offsets.update(mq, offset, increase_only);
    }

    fn read_offset<'a>(&'a self, mq: &'a MessageQueue, kind: ReadOffsetType) -> BoxFuture<'a, i64> {
        Box::pin(async move {
            if let Some(offset) = self.offsets.read_from_memory(mq, kind) {
                return offset;
            }
            let stored = self
                .read_file()
                .map(|wrapper| wrapper.offset_table.get(mq).copied())
                .map_err(|e| {
                    tracing::warn!(group = %self.group, error = %e, "reading the local offsets failed");
                });
            self.offsets.adopt_from_store(mq, stored)
        })
    }

    fn persist_all<'a>(
        &'a self,
        mqs: &'a BTreeSet<MessageQueue>,
        _wait: bool,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if mqs.is_empty() {
                return;
            }
            let offset_table = self
                .offsets
                .snapshot("")
                .into_iter()
                .filter(|(mq, _)| mqs.contains(mq))
                .collect();
            let wrapper = OffsetSerializeWrapper { offset_table };
            if let Err(e) = self.write_file(&wrapper) {
                tracing::warn!(path = %self.store_path.display(), error = %e, "writing the local offsets failed");
            }
        })
    }

    fn persist<'a>(&'a self, _mq: &'a MessageQueue) -> BoxFuture<'a, ()> {
        // Java persists a single queue only together with the others.
        Box::pin(async {})
    }

    fn remove_offset(&self, mq: &MessageQueue) {
        self.offsets.remove(mq);
    }

    fn clone_offset_table(&self, topic: &str) -> BTreeMap<MessageQueue, i64> {
        self.offsets.snapshot(topic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increase_only_never_moves_back() {
        let table = OffsetTable::default();
        let mq = MessageQueue::new("T", "b", 0);
        table.update(&mq, 10, true);
        table.update(&mq, 7, true);
        assert_eq!(table.get(&mq), Some(10));
        table.update(&mq, 7, false);
        assert_eq!(table.get(&mq), Some(7));
    }

    #[tokio::test]
    async fn local_file_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalFileOffsetStore::new(Some(dir.path().to_path_buf()), "127.0.0.1@x", "g");
        let (a, b) = (
            MessageQueue::new("T", "b", 0),
            MessageQueue::new("T", "b", 1),
        );
        store.update_offset(&a, 5, false);
        store.update_offset(&b, 9, false);
        store
            .persist_all(&[a.clone(), b.clone()].into_iter().collect(), true)
            .await;
        let text = std::fs::read_to_string(store.store_path()).unwrap();
        assert!(text.starts_with(r#"{"offsetTable":{{"#), "{text}");

        let reloaded =
            LocalFileOffsetStore::new(Some(dir.path().to_path_buf()), "127.0.0.1@x", "g");
        reloaded.load().unwrap();
        assert_eq!(
            reloaded
                .read_offset(&a, ReadOffsetType::ReadFromMemory)
                .await,
            5
        );
        assert_eq!(
            reloaded
                .read_offset(&b, ReadOffsetType::MemoryFirstThenStore)
                .await,
            9
        );
        let unknown = MessageQueue::new("T", "b", 2);
        assert_eq!(
            reloaded
                .read_offset(&unknown, ReadOffsetType::ReadFromStore)
                .await,
            -1
        );
    }
}
