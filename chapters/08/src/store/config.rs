//! `MessageStoreConfig` — mirrors `org.apache.rocketmq.store.config.MessageStoreConfig`,
//! cut down to the properties this chapter reads.

use std::path::{Path, PathBuf};

/// Where a broker keeps what it stores.
#[derive(Debug, Clone)]
pub struct MessageStoreConfig {
    /// `storePathRootDir`, default `~/store`. The broker's config files live
    /// in its `config/` directory (`BrokerPathConfigHelper`).
    pub store_path_root_dir: PathBuf,
    /// `maxMessageSize`, default 4 MiB: the largest body the store accepts.
    pub max_message_size: usize,
}

/// RocketMQ's `maxMessageSize`: 4 MiB.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 4 * 1024 * 1024;

impl MessageStoreConfig {
    /// The defaults, rooted at `store_path_root_dir`.
    pub fn new(store_path_root_dir: &Path) -> Self {
        MessageStoreConfig {
            store_path_root_dir: store_path_root_dir.to_path_buf(),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
        }
    }
}

impl MessageStoreConfig {
    /// `BrokerPathConfigHelper.getTopicConfigPath`: `<root>/config/topics.json`.
    pub fn topic_config_path(&self) -> PathBuf {
        config_dir(&self.store_path_root_dir).join("topics.json")
    }

    /// `BrokerPathConfigHelper.getConsumerOffsetPath`:
    /// `<root>/config/consumerOffset.json`.
    pub fn consumer_offset_path(&self) -> PathBuf {
        config_dir(&self.store_path_root_dir).join("consumerOffset.json")
    }
}

fn config_dir(root: &Path) -> PathBuf {
    root.join("config")
}
