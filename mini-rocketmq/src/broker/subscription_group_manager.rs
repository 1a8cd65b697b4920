//! `SubscriptionGroupManager`: the consumer groups this broker knows.
//!
//! Mirrors `org.apache.rocketmq.broker.subscription.SubscriptionGroupManager`.
//! One [`SubscriptionGroupConfig`] per consumer group, persisted in
//! `config/subscriptionGroup.json`:
//!
//! ```text
//! {"dataVersion":{...},"forbiddenTable":{},"subscriptionGroupTable":{"cg":{...}}}
//! ```
//!
//! Groups are created with RocketMQ's defaults the first time they pull or
//! heartbeat (`autoCreateSubscriptionGroup=true`), or explicitly with
//! UPDATE_AND_CREATE_SUBSCRIPTIONGROUP. Java seeds a handful of its own
//! system groups; this broker only needs them created on demand like any
//! other group, so it does not.
//!
//! Like the topic table, a change only wakes [`changed`](SubscriptionGroupManager::changed);
//! the controller writes the file off the request path.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::RwLock;
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use crate::common::config_manager::ConfigManager;
use crate::common::data_version::DataVersion;
use crate::common::subscription_group::SubscriptionGroupConfig;

/// The content of `subscriptionGroup.json` (and of GET_ALL_SUBSCRIPTIONGROUP_CONFIG).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubscriptionGroupWrapper {
    pub data_version: DataVersion,
    /// group → topic → forbidden-permission bits (kept, not interpreted).
    pub forbidden_table: BTreeMap<String, BTreeMap<String, i32>>,
    pub subscription_group_table: BTreeMap<String, SubscriptionGroupConfig>,
}

struct Table {
    data_version: DataVersion,
    forbidden: BTreeMap<String, BTreeMap<String, i32>>,
    groups: HashMap<String, Arc<SubscriptionGroupConfig>>,
}

/// Consumer group configs.
pub struct SubscriptionGroupManager {
    config_file: PathBuf,
    auto_create: bool,
    table: RwLock<Table>,
    changed: Notify,
}

impl SubscriptionGroupManager {
    pub fn new(store_path_root_dir: &Path, auto_create_subscription_group: bool) -> Self {
        SubscriptionGroupManager {
            config_file: store_path_root_dir
                .join("config")
                .join("subscriptionGroup.json"),
            auto_create: auto_create_subscription_group,
            table: RwLock::new(Table {
                data_version: DataVersion::new(),
                forbidden: BTreeMap::new(),
                groups: HashMap::new(),
            }),
            changed: Notify::new(),
        }
    }

    /// The group's config; created with defaults when auto-creation is on.
    /// `None` means the group is unknown and may not consume
    /// (SUBSCRIPTION_GROUP_NOT_EXIST).
    pub fn find_subscription_group_config(
        &self,
        group: &str,
    ) -> Option<Arc<SubscriptionGroupConfig>> {
        if let Some(c) = self.table.read().groups.get(group) {
            return Some(c.clone());
        }
        if !self.auto_create {
            return None;
        }
        let created = {
            let mut table = self.table.write();
            if let Some(c) = table.groups.get(group) {
                return Some(c.clone());
            }
            let c = Arc::new(SubscriptionGroupConfig::new(group));
            table.groups.insert(group.to_string(), c.clone());
            table.data_version.next_version();
            c
        };
        tracing::info!(
            group,
            "SubscriptionGroupManager: auto create new subscription group"
        );
        self.changed.notify_one();
        Some(created)
    }

    /// Create or replace a group (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP).
    pub fn update_subscription_group_config(&self, config: SubscriptionGroupConfig) {
        {
            let mut table = self.table.write();
            table
                .groups
                .insert(config.group_name.clone(), Arc::new(config.clone()));
            table.data_version.next_version();
        }
        tracing::info!(group = %config.group_name, "SubscriptionGroupManager: group config updated");
        self.changed.notify_one();
    }

    /// Remove a group (DELETE_SUBSCRIPTIONGROUP). Returns whether it existed.
    pub fn delete_subscription_group_config(&self, group: &str) -> bool {
        let removed = {
            let mut table = self.table.write();
            let removed = table.groups.remove(group).is_some();
            if removed {
                table.data_version.next_version();
            }
            removed
        };
        if removed {
            self.changed.notify_one();
        }
        removed
    }

    /// A snapshot of the whole table.
    pub fn build_wrapper(&self) -> SubscriptionGroupWrapper {
        let table = self.table.read();
        SubscriptionGroupWrapper {
            data_version: table.data_version,
            forbidden_table: table.forbidden.clone(),
            subscription_group_table: table
                .groups
                .iter()
                .map(|(k, v)| (k.clone(), SubscriptionGroupConfig::clone(v)))
                .collect(),
        }
    }

    /// Woken after every change; the controller persists.
    pub fn changed(&self) -> &Notify {
        &self.changed
    }
}

impl ConfigManager for SubscriptionGroupManager {
    fn encode(&self, pretty: bool) -> String {
        let w = self.build_wrapper();
        let text = if pretty {
            serde_json::to_string_pretty(&w)
        } else {
            serde_json::to_string(&w)
        };
        text.unwrap_or_default()
    }

    fn decode(&self, json: &str) -> Result<(), String> {
        let w: SubscriptionGroupWrapper =
            crate::common::fastjson::from_slice(json.as_bytes()).map_err(|e| e.to_string())?;
        let mut table = self.table.write();
        table.data_version = w.data_version;
        table.forbidden = w.forbidden_table;
        for (name, mut c) in w.subscription_group_table {
            if c.group_name.is_empty() {
                c.group_name = name.clone();
            }
            table.groups.insert(name, Arc::new(c));
        }
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
    fn auto_creates_persists_and_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let m = SubscriptionGroupManager::new(dir.path(), true);
        let c = m.find_subscription_group_config("cg").unwrap();
        assert_eq!(c.retry_max_times, 16);
        let mut custom = SubscriptionGroupConfig::new("orders");
        custom.retry_queue_nums = 2;
        m.update_subscription_group_config(custom);
        m.persist().unwrap();
        let again = SubscriptionGroupManager::new(dir.path(), false);
        assert!(again.load());
        assert_eq!(
            again
                .find_subscription_group_config("orders")
                .unwrap()
                .retry_queue_nums,
            2
        );
        assert!(again.find_subscription_group_config("cg").is_some());
        assert!(again.find_subscription_group_config("unknown").is_none());
    }
}
