//! `MessageStoreConfig` — mirrors `org.apache.rocketmq.store.config.MessageStoreConfig`,
//! cut down to the one property this chapter reads.

use std::path::{Path, PathBuf};

/// Where a broker keeps what it stores.
#[derive(Debug, Clone)]
pub struct MessageStoreConfig {
    /// `storePathRootDir`, default `~/store`. The broker's config files live
    /// in its `config/` directory (`BrokerPathConfigHelper`).
    pub store_path_root_dir: PathBuf,
}

impl MessageStoreConfig {
    /// `BrokerPathConfigHelper.getTopicConfigPath`: `<root>/config/topics.json`.
    pub fn topic_config_path(&self) -> PathBuf {
        config_dir(&self.store_path_root_dir).join("topics.json")
    }
}

fn config_dir(root: &Path) -> PathBuf {
    root.join("config")
}
