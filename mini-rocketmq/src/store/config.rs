//! Store settings (Java: `org.apache.rocketmq.store.config.MessageStoreConfig`,
//! `FlushDiskType`, `BrokerRole`, `StorePathConfigHelper`).
//!
//! Field names are RocketMQ's property names in snake_case, and the defaults
//! are RocketMQ's (Java `MessageStoreConfig`, `store/src/main/java/org/apache/rocketmq/store/config/MessageStoreConfig.java`), so a `broker.conf` written for the Java broker
//! means the same thing here: [`MessageStoreConfig::set_property`] takes the
//! camelCase name as it appears in that file.
//!
//! One default deserves a word: CommitLog files are 1 GiB, as in RocketMQ,
//! but we create them *sparse* (`set_len`) and never pre-touch their pages
//! (Java's `warmMapedFileEnable` is off by default too), so an idle broker
//! costs a few kilobytes of real disk, not gigabytes. Tests shrink the sizes
//! (64 KiB CommitLog files) to make roll-over happen after a few messages.

use std::path::{Path, PathBuf};
use std::str::FromStr;

/// How a put becomes durable (Java `FlushDiskType`, `store/src/main/java/org/apache/rocketmq/store/config/FlushDiskType.java`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlushDiskType {
    /// The put returns once the record is in the page cache; a background
    /// service msyncs every `flush_interval_commit_log` ms.
    #[default]
    AsyncFlush,
    /// The put waits until the record is on disk (group commit), up to `sync_flush_timeout`.
    SyncFlush,
}

impl FlushDiskType {
    pub fn name(self) -> &'static str {
        match self {
            FlushDiskType::AsyncFlush => "ASYNC_FLUSH",
            FlushDiskType::SyncFlush => "SYNC_FLUSH",
        }
    }
}

impl FromStr for FlushDiskType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ASYNC_FLUSH" => Ok(FlushDiskType::AsyncFlush),
            "SYNC_FLUSH" => Ok(FlushDiskType::SyncFlush),
            _ => Err(format!(
                "flushDiskType must be ASYNC_FLUSH or SYNC_FLUSH, not {s:?}"
            )),
        }
    }
}

/// The broker's replication role, as the store sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BrokerRole {
    #[default]
    AsyncMaster,
    SyncMaster,
    Slave,
}

impl BrokerRole {
    pub fn name(self) -> &'static str {
        match self {
            BrokerRole::AsyncMaster => "ASYNC_MASTER",
            BrokerRole::SyncMaster => "SYNC_MASTER",
            BrokerRole::Slave => "SLAVE",
        }
    }
}

impl FromStr for BrokerRole {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ASYNC_MASTER" => Ok(BrokerRole::AsyncMaster),
            "SYNC_MASTER" => Ok(BrokerRole::SyncMaster),
            "SLAVE" => Ok(BrokerRole::Slave),
            _ => Err(format!(
                "brokerRole must be ASYNC_MASTER, SYNC_MASTER or SLAVE, not {s:?}"
            )),
        }
    }
}

/// Size of one consume-queue entry (`ConsumeQueue.CQ_STORE_UNIT_SIZE`, `store/src/main/java/org/apache/rocketmq/store/ConsumeQueue.java`).
pub const CQ_STORE_UNIT_SIZE: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageStoreConfig {
    /// Root of everything the store writes (default `~/store`).
    pub store_path_root_dir: PathBuf,
    /// CommitLog directory; `None` = `<root>/commitlog`.
    pub store_path_commit_log: Option<PathBuf>,
    /// Bytes per CommitLog file (1 GiB; sparse on disk).
    pub mapped_file_size_commit_log: usize,
    /// Bytes per consume-queue file (300000 entries × 20 bytes).
    pub mapped_file_size_consume_queue: usize,
    pub flush_disk_type: FlushDiskType,
    /// How long a SYNC_FLUSH put waits for the disk before FLUSH_DISK_TIMEOUT (ms).
    pub sync_flush_timeout: u64,
    /// ASYNC_FLUSH period (ms).
    pub flush_interval_commit_log: u64,
    /// `true`: sleep the whole interval; `false`: a put may wake the flusher early.
    pub flush_commit_log_timed: bool,
    /// Dirty 4 KiB pages needed before a periodic CommitLog flush bothers.
    pub flush_commit_log_least_pages: usize,
    /// A flush ignoring `least_pages` happens at least this often (ms).
    pub flush_commit_log_thorough_interval: u64,
    pub flush_interval_consume_queue: u64,
    pub flush_consume_queue_least_pages: usize,
    pub flush_consume_queue_thorough_interval: u64,
    /// Largest accepted body (4 MiB); a whole record may add up to 64 KiB on top.
    pub max_message_size: usize,
    /// Verify body CRCs while recovering (Java `MessageStoreConfig#checkCRCOnRecover`, `store/src/main/java/org/apache/rocketmq/store/config/MessageStoreConfig.java`).
    pub check_crc_on_recover: bool,
    pub broker_role: BrokerRole,
    /// Upper bounds of one pull answered from memory.
    pub max_transfer_bytes_on_message_in_memory: usize,
    pub max_transfer_count_on_message_in_memory: usize,
    pub max_transfer_bytes_on_message_in_disk: usize,
    pub max_transfer_count_on_message_in_disk: usize,
    pub access_message_in_memory_max_ratio: u32,
    /// Build index files for KEYS and UNIQ_KEY (Java `MessageStoreConfig#messageIndexEnable`, `store/src/main/java/org/apache/rocketmq/store/config/MessageStoreConfig.java`).
    pub message_index_enable: bool,
    pub max_hash_slot_num: u32,
    pub max_index_num: u32,
    /// After a crash, re-dispatch far enough back that the index is complete too.
    pub message_index_safe: bool,
    /// Most offsets one index query returns.
    pub max_msgs_num_batch: usize,
    pub default_query_max_num: usize,
    /// Expired-file clean-up settings (kept for compatibility of config files).
    pub file_reserved_time: u32,
    pub delete_when: String,
    pub disk_max_used_space_ratio: u32,
    /// Used space (%) of the store's file system above which puts are refused
    /// (Java `MessageStoreConfig#diskSpaceWarningLevelRatio`, read by
    /// `DefaultMessageStore.CleanCommitLogService#isSpaceToDelete`).
    pub disk_space_warning_level_ratio: u32,
    /// Used space (%) at or below which a full disk counts as writable again
    /// (Java `diskSpaceCleanForciblyRatio`; between the two the state holds).
    pub disk_space_clean_forcibly_ratio: u32,
    /// A put that holds the lock longer than this makes later puts fail fast with OS_PAGE_CACHE_BUSY (ms).
    pub os_page_cache_busy_timeout_mills: u64,
    /// Write record layout v2 for topics longer than 127 bytes.
    pub auto_message_version_on_topic_len: bool,
    /// Delay levels used by the schedule service.
    pub message_delay_level: String,
    pub duplication_enable: bool,
    /// Bytes of CommitLog pages faulted in ahead of the writer by the
    /// AllocateMappedFileService (0 = off). Not a RocketMQ setting: Java
    /// either warms a whole new file (`warmMapedFileEnable`) or nothing.
    pub commit_log_warm_ahead_size: usize,
}

impl Default for MessageStoreConfig {
    fn default() -> Self {
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        MessageStoreConfig {
            store_path_root_dir: home.join("store"),
            store_path_commit_log: None,
            mapped_file_size_commit_log: 1024 * 1024 * 1024,
            mapped_file_size_consume_queue: 300_000 * CQ_STORE_UNIT_SIZE,
            flush_disk_type: FlushDiskType::AsyncFlush,
            sync_flush_timeout: 5000,
            flush_interval_commit_log: 500,
            flush_commit_log_timed: true,
            flush_commit_log_least_pages: 4,
            flush_commit_log_thorough_interval: 10_000,
            flush_interval_consume_queue: 1000,
            flush_consume_queue_least_pages: 2,
            flush_consume_queue_thorough_interval: 60_000,
            max_message_size: 4 * 1024 * 1024,
            check_crc_on_recover: true,
            broker_role: BrokerRole::AsyncMaster,
            max_transfer_bytes_on_message_in_memory: 256 * 1024,
            max_transfer_count_on_message_in_memory: 32,
            max_transfer_bytes_on_message_in_disk: 64 * 1024,
            max_transfer_count_on_message_in_disk: 8,
            access_message_in_memory_max_ratio: 40,
            message_index_enable: true,
            max_hash_slot_num: 5_000_000,
            max_index_num: 5_000_000 * 4,
            message_index_safe: false,
            max_msgs_num_batch: 64,
            default_query_max_num: 32,
            file_reserved_time: 72,
            delete_when: "04".to_owned(),
            disk_max_used_space_ratio: 75,
            disk_space_warning_level_ratio: 90,
            disk_space_clean_forcibly_ratio: 85,
            os_page_cache_busy_timeout_mills: 1000,
            auto_message_version_on_topic_len: true,
            message_delay_level: "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h"
                .to_owned(),
            duplication_enable: false,
            commit_log_warm_ahead_size: 8 * 1024 * 1024,
        }
    }
}

fn parse<T: FromStr>(key: &str, value: &str) -> Result<T, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("{key}: cannot parse {value:?}"))
}

impl MessageStoreConfig {
    /// A config rooted at `dir` with RocketMQ's defaults otherwise.
    pub fn with_root(dir: impl Into<PathBuf>) -> Self {
        MessageStoreConfig {
            store_path_root_dir: dir.into(),
            ..Default::default()
        }
    }

    pub fn commit_log_dir(&self) -> PathBuf {
        self.store_path_commit_log
            .clone()
            .unwrap_or_else(|| self.store_path_root_dir.join("commitlog"))
    }

    pub fn consume_queue_dir(&self) -> PathBuf {
        self.store_path_root_dir.join("consumequeue")
    }

    pub fn index_dir(&self) -> PathBuf {
        self.store_path_root_dir.join("index")
    }

    pub fn checkpoint_path(&self) -> PathBuf {
        self.store_path_root_dir.join("checkpoint")
    }

    pub fn abort_path(&self) -> PathBuf {
        self.store_path_root_dir.join("abort")
    }

    /// Where recovery reports damaged CommitLog ranges (ours; RocketMQ has none).
    pub fn quarantine_dir(&self) -> PathBuf {
        self.store_path_root_dir.join("quarantine")
    }

    pub fn root(&self) -> &Path {
        &self.store_path_root_dir
    }

    /// Set a field by its RocketMQ property name (`storePathRootDir`, `flushDiskType`, …).
    /// Returns `Ok(false)` for a name this config does not know, so a caller
    /// can offer the key to another config object (broker config) first.
    pub fn set_property(&mut self, key: &str, value: &str) -> Result<bool, String> {
        let v = value.trim();
        match key {
            "storePathRootDir" => self.store_path_root_dir = PathBuf::from(v),
            "storePathCommitLog" => self.store_path_commit_log = Some(PathBuf::from(v)),
            "mappedFileSizeCommitLog" => self.mapped_file_size_commit_log = parse(key, v)?,
            "mappedFileSizeConsumeQueue" => {
                // RocketMQ rounds the size down to whole entries.
                let n: usize = parse(key, v)?;
                self.mapped_file_size_consume_queue =
                    (n / CQ_STORE_UNIT_SIZE).max(1) * CQ_STORE_UNIT_SIZE;
            }
            "flushDiskType" => self.flush_disk_type = v.parse()?,
            "syncFlushTimeout" => self.sync_flush_timeout = parse(key, v)?,
            "flushIntervalCommitLog" => self.flush_interval_commit_log = parse(key, v)?,
            "flushCommitLogTimed" => self.flush_commit_log_timed = parse(key, v)?,
            "flushCommitLogLeastPages" => self.flush_commit_log_least_pages = parse(key, v)?,
            "flushCommitLogThoroughInterval" => {
                self.flush_commit_log_thorough_interval = parse(key, v)?
            }
            "flushIntervalConsumeQueue" => self.flush_interval_consume_queue = parse(key, v)?,
            "flushConsumeQueueLeastPages" => self.flush_consume_queue_least_pages = parse(key, v)?,
            "flushConsumeQueueThoroughInterval" => {
                self.flush_consume_queue_thorough_interval = parse(key, v)?
            }
            "maxMessageSize" => self.max_message_size = parse(key, v)?,
            "checkCRCOnRecover" => self.check_crc_on_recover = parse(key, v)?,
            "brokerRole" => self.broker_role = v.parse()?,
            "maxTransferBytesOnMessageInMemory" => {
                self.max_transfer_bytes_on_message_in_memory = parse(key, v)?
            }
            "maxTransferCountOnMessageInMemory" => {
                self.max_transfer_count_on_message_in_memory = parse(key, v)?
            }
            "maxTransferBytesOnMessageInDisk" => {
                self.max_transfer_bytes_on_message_in_disk = parse(key, v)?
            }
            "maxTransferCountOnMessageInDisk" => {
                self.max_transfer_count_on_message_in_disk = parse(key, v)?
            }
            "accessMessageInMemoryMaxRatio" => {
                self.access_message_in_memory_max_ratio = parse(key, v)?
            }
            "messageIndexEnable" => self.message_index_enable = parse(key, v)?,
            "maxHashSlotNum" => self.max_hash_slot_num = parse(key, v)?,
            "maxIndexNum" => self.max_index_num = parse(key, v)?,
            "messageIndexSafe" => self.message_index_safe = parse(key, v)?,
            "maxMsgsNumBatch" => self.max_msgs_num_batch = parse(key, v)?,
            "defaultQueryMaxNum" => self.default_query_max_num = parse(key, v)?,
            "fileReservedTime" => self.file_reserved_time = parse(key, v)?,
            "deleteWhen" => self.delete_when = v.to_owned(),
            "diskMaxUsedSpaceRatio" => self.disk_max_used_space_ratio = parse(key, v)?,
            "diskSpaceWarningLevelRatio" => self.disk_space_warning_level_ratio = parse(key, v)?,
            "diskSpaceCleanForciblyRatio" => self.disk_space_clean_forcibly_ratio = parse(key, v)?,
            "osPageCacheBusyTimeOutMills" => self.os_page_cache_busy_timeout_mills = parse(key, v)?,
            "autoMessageVersionOnTopicLen" => {
                self.auto_message_version_on_topic_len = parse(key, v)?
            }
            "messageDelayLevel" => self.message_delay_level = v.to_owned(),
            "duplicationEnable" => self.duplication_enable = parse(key, v)?,
            "commitLogWarmAheadSize" => self.commit_log_warm_ahead_size = parse(key, v)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Every setting as `(RocketMQ name, value)`, for `mqbroker -p` and GET_BROKER_CONFIG.
    pub fn to_properties(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "storePathRootDir",
                self.store_path_root_dir.display().to_string(),
            ),
            (
                "storePathCommitLog",
                self.commit_log_dir().display().to_string(),
            ),
            (
                "mappedFileSizeCommitLog",
                self.mapped_file_size_commit_log.to_string(),
            ),
            (
                "mappedFileSizeConsumeQueue",
                self.mapped_file_size_consume_queue.to_string(),
            ),
            ("flushDiskType", self.flush_disk_type.name().to_owned()),
            ("syncFlushTimeout", self.sync_flush_timeout.to_string()),
            (
                "flushIntervalCommitLog",
                self.flush_interval_commit_log.to_string(),
            ),
            (
                "flushCommitLogTimed",
                self.flush_commit_log_timed.to_string(),
            ),
            (
                "flushCommitLogLeastPages",
                self.flush_commit_log_least_pages.to_string(),
            ),
            (
                "flushCommitLogThoroughInterval",
                self.flush_commit_log_thorough_interval.to_string(),
            ),
            (
                "flushIntervalConsumeQueue",
                self.flush_interval_consume_queue.to_string(),
            ),
            (
                "flushConsumeQueueLeastPages",
                self.flush_consume_queue_least_pages.to_string(),
            ),
            (
                "flushConsumeQueueThoroughInterval",
                self.flush_consume_queue_thorough_interval.to_string(),
            ),
            ("maxMessageSize", self.max_message_size.to_string()),
            ("checkCRCOnRecover", self.check_crc_on_recover.to_string()),
            ("brokerRole", self.broker_role.name().to_owned()),
            (
                "maxTransferBytesOnMessageInMemory",
                self.max_transfer_bytes_on_message_in_memory.to_string(),
            ),
            (
                "maxTransferCountOnMessageInMemory",
                self.max_transfer_count_on_message_in_memory.to_string(),
            ),
            (
                "maxTransferBytesOnMessageInDisk",
                self.max_transfer_bytes_on_message_in_disk.to_string(),
            ),
            (
                "maxTransferCountOnMessageInDisk",
                self.max_transfer_count_on_message_in_disk.to_string(),
            ),
            (
                "accessMessageInMemoryMaxRatio",
                self.access_message_in_memory_max_ratio.to_string(),
            ),
            ("messageIndexEnable", self.message_index_enable.to_string()),
            ("maxHashSlotNum", self.max_hash_slot_num.to_string()),
            ("maxIndexNum", self.max_index_num.to_string()),
            ("messageIndexSafe", self.message_index_safe.to_string()),
            ("maxMsgsNumBatch", self.max_msgs_num_batch.to_string()),
            ("defaultQueryMaxNum", self.default_query_max_num.to_string()),
            ("fileReservedTime", self.file_reserved_time.to_string()),
            ("deleteWhen", self.delete_when.clone()),
            (
                "diskMaxUsedSpaceRatio",
                self.disk_max_used_space_ratio.to_string(),
            ),
            (
                "diskSpaceWarningLevelRatio",
                self.disk_space_warning_level_ratio.to_string(),
            ),
            (
                "diskSpaceCleanForciblyRatio",
                self.disk_space_clean_forcibly_ratio.to_string(),
            ),
            (
                "osPageCacheBusyTimeOutMills",
                self.os_page_cache_busy_timeout_mills.to_string(),
            ),
            (
                "autoMessageVersionOnTopicLen",
                self.auto_message_version_on_topic_len.to_string(),
            ),
            ("messageDelayLevel", self.message_delay_level.clone()),
            ("duplicationEnable", self.duplication_enable.to_string()),
            (
                "commitLogWarmAheadSize",
                self.commit_log_warm_ahead_size.to_string(),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_rocketmq() {
        let c = MessageStoreConfig::default();
        assert_eq!(c.mapped_file_size_commit_log, 1 << 30);
        assert_eq!(c.mapped_file_size_consume_queue, 6_000_000);
        assert_eq!(c.flush_disk_type, FlushDiskType::AsyncFlush);
        assert_eq!(c.sync_flush_timeout, 5000);
        assert_eq!(c.max_message_size, 4 << 20);
    }

    #[test]
    fn properties_by_rocketmq_name() {
        let mut c = MessageStoreConfig::default();
        assert_eq!(c.set_property("flushDiskType", "SYNC_FLUSH"), Ok(true));
        assert_eq!(c.flush_disk_type, FlushDiskType::SyncFlush);
        assert_eq!(c.set_property("storePathRootDir", "/tmp/x"), Ok(true));
        assert_eq!(c.commit_log_dir(), PathBuf::from("/tmp/x/commitlog"));
        assert_eq!(c.set_property("brokerName", "b"), Ok(false));
        assert!(c.set_property("maxMessageSize", "lots").is_err());
        assert!(
            c.to_properties()
                .iter()
                .any(|(k, v)| *k == "flushDiskType" && v == "SYNC_FLUSH")
        );
    }
}
