//! `KVConfigManager`: the name server's small key/value store.
//!
//! Mirrors `org.apache.rocketmq.namesrv.kvconfig.KVConfigManager`. Operators
//! and tools keep cluster-wide settings here, grouped by namespace
//! (PUT_KV_CONFIG / GET_KV_CONFIG / DELETE_KV_CONFIG /
//! GET_KVLIST_BY_NAMESPACE). The one namespace RocketMQ itself reads is
//! `ORDER_TOPIC_CONFIG`: its table is returned to every registering broker,
//! and a topic's entry is put in its route when `orderMessageEnable` is on.
//!
//! The table lives in memory and is written to `kvConfigPath`
//! (`~/namesrv/kvConfig.json` by default) after every change, as
//! `{"configTable":{"<namespace>":{"<key>":"<value>"}}}`, through the same
//! `.bak` + fsync routine the broker uses for its config files
//! ([`ConfigManager`]). An empty path keeps the table in memory only — what
//! tests and the one-process local mode use.
//!
//! Writes are rare (an operator's command), so persisting synchronously on
//! the request path is what Java does too; the persist lock makes two
//! concurrent writers land on disk in the order they changed the table.

use std::collections::BTreeMap;
use std::path::PathBuf;

use parking_lot::{Mutex, RwLock};
use serde::{Deserialize, Serialize};

use crate::common::config_manager::ConfigManager;
use crate::remoting::protocol::body::kv_table::KVTable;

type ConfigTable = BTreeMap<String, BTreeMap<String, String>>;

/// The file format (`KVConfigSerializeWrapper`).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct KVConfigSerializeWrapper {
    config_table: ConfigTable,
}

pub struct KVConfigManager {
    /// Where the table is persisted; `None` keeps it in memory only.
    kv_config_path: Option<PathBuf>,
    /// namespace → key → value.
    config_table: RwLock<ConfigTable>,
    /// Serializes "snapshot + write" so files land in change order.
    persist_lock: Mutex<()>,
}

impl KVConfigManager {
    /// A manager persisting to `kv_config_path` (an empty path means memory
    /// only). Call [`load`](ConfigManager::load) to read an existing file.
    pub fn new(kv_config_path: PathBuf) -> Self {
        KVConfigManager {
            kv_config_path: (!kv_config_path.as_os_str().is_empty()).then_some(kv_config_path),
            config_table: RwLock::new(BTreeMap::new()),
            persist_lock: Mutex::new(()),
        }
    }

    /// Load the file if there is one. A missing file is an empty table; an
    /// unreadable one is logged and also leaves the table empty, as Java does
    /// (the name server still starts).
    pub fn load_if_configured(&self) {
        if self.kv_config_path.is_some() && !self.load() {
            tracing::warn!(
                "kv config file and its backup are unusable; starting with an empty table"
            );
        }
    }

    /// PUT_KV_CONFIG.
    pub fn put_kv_config(&self, namespace: &str, key: &str, value: &str) {
        {
            let mut table = self.config_table.write();
            let ns = table.entry(namespace.to_string()).or_insert_with(|| {
                tracing::info!(namespace, "putKVConfig create new Namespace");
                BTreeMap::new()
            });
            match ns.insert(key.to_string(), value.to_string()) {
                Some(_) => tracing::info!(namespace, key, value, "putKVConfig update config item"),
                None => tracing::info!(namespace, key, value, "putKVConfig create new config item"),
            }
        }
        self.persist_if_configured();
    }

    /// GET_KV_CONFIG.
    pub fn get_kv_config(&self, namespace: &str, key: &str) -> Option<String> {
        self.config_table.read().get(namespace)?.get(key).cloned()
    }

    /// DELETE_KV_CONFIG. Like Java, an emptied namespace stays (with no keys).
    pub fn delete_kv_config(&self, namespace: &str, key: &str) {
        {
            let mut table = self.config_table.write();
            if let Some(ns) = table.get_mut(namespace) {
                let old = ns.remove(key);
                tracing::info!(namespace, key, value = ?old, "deleteKVConfig delete a config item");
            }
        }
        self.persist_if_configured();
    }

    /// GET_KVLIST_BY_NAMESPACE: the namespace as a [`KVTable`], or `None`
    /// when the namespace was never created.
    pub fn get_kv_list_by_namespace(&self, namespace: &str) -> Option<KVTable> {
        let table = self.config_table.read();
        table.get(namespace).map(|ns| KVTable { table: ns.clone() })
    }

    fn persist_if_configured(&self) {
        if self.kv_config_path.is_none() {
            return;
        }
        let _guard = self.persist_lock.lock();
        // The error is logged by `persist`; the in-memory change stands, as in Java.
        let _ = self.persist();
    }
}

impl ConfigManager for KVConfigManager {
    fn encode(&self, pretty: bool) -> String {
        let table = self.config_table.read();
        let wrapper = KVConfigSerializeWrapper {
            config_table: table.clone(),
        };
        let text = if pretty {
            serde_json::to_string_pretty(&wrapper)
        } else {
            serde_json::to_string(&wrapper)
        };
        // Maps of strings always serialize.
        text.unwrap_or_default()
    }

    fn decode(&self, json: &str) -> Result<(), String> {
        let wrapper: KVConfigSerializeWrapper =
            crate::common::fastjson::from_slice(json.as_bytes()).map_err(|e| e.to_string())?;
        *self.config_table.write() = wrapper.config_table;
        Ok(())
    }

    fn config_file_path(&self) -> PathBuf {
        self.kv_config_path.clone().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_get_delete_in_memory() {
        let kv = KVConfigManager::new(PathBuf::new());
        assert_eq!(kv.get_kv_config("ns", "k"), None);
        assert!(kv.get_kv_list_by_namespace("ns").is_none());
        kv.put_kv_config("ns", "k", "v1");
        kv.put_kv_config("ns", "k", "v2");
        assert_eq!(kv.get_kv_config("ns", "k").as_deref(), Some("v2"));
        let list = kv.get_kv_list_by_namespace("ns").unwrap();
        assert_eq!(list.table.len(), 1);
        kv.delete_kv_config("ns", "k");
        assert_eq!(kv.get_kv_config("ns", "k"), None);
        assert!(kv.get_kv_list_by_namespace("ns").unwrap().table.is_empty());
    }

    #[test]
    fn persists_and_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("namesrv").join("kvConfig.json");
        let kv = KVConfigManager::new(path.clone());
        kv.put_kv_config("ORDER_TOPIC_CONFIG", "TopicA", "broker-a:4");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"configTable\""));

        let again = KVConfigManager::new(path);
        again.load_if_configured();
        assert_eq!(
            again
                .get_kv_config("ORDER_TOPIC_CONFIG", "TopicA")
                .as_deref(),
            Some("broker-a:4")
        );
    }
}
