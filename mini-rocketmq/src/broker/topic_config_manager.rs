//! `TopicConfigManager`: the broker's table of topics.
//!
//! Mirrors `org.apache.rocketmq.broker.topic.TopicConfigManager`. Every topic a
//! broker serves has a [`TopicConfig`] here (queue counts, permission, filter
//! type). The table is
//!
//! - **seeded** at construction with the system topics RocketMQ creates on
//!   every broker (Java `TopicConfigManager#createTopicInSendMessageMethod`, `broker/src/main/java/org/apache/rocketmq/broker/topic/TopicConfigManager.java`): `SELF_TEST_TOPIC`, `TBW102` (when
//!   `autoCreateTopicEnable`), `BenchmarkTest`, the cluster and broker name
//!   topics, `OFFSET_MOVED_EVENT`, `SCHEDULE_TOPIC_XXXX`, the transaction
//!   topics, the reply topic, the revive topic and the broker-member topic;
//! - **loaded** from `config/topics.json` on top of those (a [`ConfigManager`]);
//! - **grown** on the send path: a send to an unknown topic copies the
//!   template topic (`TBW102`) when its perm has the INHERIT bit
//!   ([`create_topic_in_send_message_method`](TopicConfigManager::create_topic_in_send_message_method));
//! - **versioned**: every change bumps the [`DataVersion`] that REGISTER_BROKER
//!   carries, so the name server knows to rebuild this broker's queue data.
//!
//! ## Why a change only *signals*
//!
//! Java persists `topics.json` and re-registers with the name servers inside
//! the creating call. Here a change bumps the version and wakes
//! [`changed`](TopicConfigManager::changed), a `Notify` the controller waits
//! on in a background task that writes the file (on a blocking thread) and
//! registers. The request that created the topic therefore never waits for
//! an fsync or a network round trip, and no lock is held across either.
//! A burst of auto-creations collapses into one write, because `Notify`
//! keeps at most one pending permit.
//!
//! The table sits behind a `parking_lot::RwLock`: the send path only reads
//! (one lookup and an `Arc` clone per message) and writers are rare.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::RwLock;
use tokio::sync::Notify;

use crate::broker::broker_config::BrokerConfig;
use crate::common::config_manager::ConfigManager;
use crate::common::data_version::DataVersion;
use crate::common::mix_all;
use crate::common::perm;
use crate::common::topic_config::{TopicConfig, TopicConfigSerializeWrapper};
use crate::common::topic_validator::{
    AUTO_CREATE_TOPIC_KEY_TOPIC, RMQ_SYS_BENCHMARK_TOPIC, RMQ_SYS_OFFSET_MOVED_EVENT,
    RMQ_SYS_SCHEDULE_TOPIC, RMQ_SYS_SELF_TEST_TOPIC, RMQ_SYS_TRANS_HALF_TOPIC,
    RMQ_SYS_TRANS_OP_HALF_TOPIC, SYNC_BROKER_MEMBER_GROUP_PREFIX,
};

/// Queues of `SCHEDULE_TOPIC_XXXX`: one per delay level.
pub const SCHEDULE_TOPIC_QUEUE_NUM: i32 = 18;
/// Queues of the POP revive topic (`BrokerConfig.reviveQueueNum`).
pub const REVIVE_QUEUE_NUM: i32 = 8;
/// `PopAckConstants.REVIVE_TOPIC`, followed by the cluster name.
pub const REVIVE_TOPIC_PREFIX: &str = "rmq_sys_REVIVE_LOG_";

/// The topic table and its version stamp, always changed together.
struct Table {
    data_version: DataVersion,
    topics: HashMap<String, Arc<TopicConfig>>,
}

/// The broker's topics. Shared behind an `Arc` by the processors.
pub struct TopicConfigManager {
    config_file: PathBuf,
    auto_create_topic_enable: bool,
    table: RwLock<Table>,
    changed: Notify,
}

impl TopicConfigManager {
    /// A table holding the system topics for this broker's config.
    /// `store_path_root_dir` is where `config/topics.json` lives.
    pub fn new(broker_config: &BrokerConfig, store_path_root_dir: &Path) -> Self {
        let mut topics = HashMap::new();
        for tc in system_topics(broker_config) {
            topics.insert(tc.topic_name.clone(), Arc::new(tc));
        }

        TopicConfigManager {
            config_file: store_path_root_dir.join("config").join("topics.json"),
            auto_create_topic_enable: broker_config.auto_create_topic_enable,
            table: RwLock::new(Table {
                data_version: DataVersion::new(),
                topics,
            }),
            changed: Notify::new(),
        }
    }

    /// The config of `topic`, if the broker has it. This is the send and pull
    /// paths' lookup: a read lock and an `Arc` clone.
    pub fn select_topic_config(&self, topic: &str) -> Option<Arc<TopicConfig>> {
        self.table.read().topics.get(topic).cloned()
    }

    /// Java `createTopicInSendMessageMethod`: a send named a topic this broker
    /// does not have. Create it from the template topic `default_topic`
    /// (normally `TBW102`) when the template exists and carries the INHERIT
    /// bit: queues = `min(client's defaultTopicQueueNums, template's write
    /// queues)`, perm = template's minus INHERIT, filter type copied.
    ///
    /// Returns the topic's config (new or raced-in), or `None` when it cannot
    /// be created; the caller answers TOPIC_NOT_EXIST.
    pub fn create_topic_in_send_message_method(
        &self,
        topic: &str,
        default_topic: &str,
        remote_addr: &str,
        client_default_topic_queue_nums: i32,
        topic_sys_flag: i32,
    ) -> Option<Arc<TopicConfig>> {
        let created = {
            let mut table = self.table.write();
            if let Some(existing) = table.topics.get(topic) {
                return Some(existing.clone());
            }
            let Some(template) = table.topics.get(default_topic) else {
                tracing::warn!(
                    topic,
                    default_topic,
                    producer = remote_addr,
                    "create new topic failed: the default topic does not exist"
                );
                return None;
            };
            let mut template_perm = template.perm;
            // With auto-creation switched off, a TBW102 left over in
            // topics.json must not act as a template.
            if default_topic == AUTO_CREATE_TOPIC_KEY_TOPIC && !self.auto_create_topic_enable {
                template_perm = perm::PERM_READ | perm::PERM_WRITE;
            }
            if !perm::is_inherited(template_perm) {
                tracing::warn!(
                    topic,
                    default_topic,
                    perm = template_perm,
                    producer = remote_addr,
                    "create new topic failed: the default topic has no INHERIT permission"
                );
                return None;
            }
            let queue_nums = client_default_topic_queue_nums
                .min(template.write_queue_nums)
                .max(0);
            let mut tc = TopicConfig::with_queues(
                topic,
                queue_nums,
                queue_nums,
                template_perm & !perm::PERM_INHERIT,
            );
            tc.topic_sys_flag = topic_sys_flag;
            tc.topic_filter_type = template.topic_filter_type;
            let tc = Arc::new(tc);
            table.topics.insert(topic.to_string(), tc.clone());
            table.data_version.next_version();
            tc
        };
        tracing::info!(
            topic,
            default_topic,
            producer = remote_addr,
            read = created.read_queue_nums,
            write = created.write_queue_nums,
            perm = created.perm,
            "TopicConfigManager#createTopicInSendMessageMethod: created new topic"
        );
        self.changed.notify_one();
        Some(created)
    }

    /// Java `createTopicInSendMessageBackMethod`: create a topic the broker
    /// itself needs (a group's `%RETRY%` or `%DLQ%` topic) with the given
    /// shape, or return the existing one; `true` when this call created it
    /// (the caller then registers it with the name servers, see
    /// [`TopicRouteRegistration`](crate::broker::topic_route_registration::TopicRouteRegistration)).
    pub fn create_topic_in_send_message_back_method(
        &self,
        topic: &str,
        queue_nums: i32,
        perm: i32,
        topic_sys_flag: i32,
    ) -> (Arc<TopicConfig>, bool) {
        if let Some(tc) = self.select_topic_config(topic) {
            return (tc, false);
        }
        let created = {
            let mut table = self.table.write();
            if let Some(existing) = table.topics.get(topic) {
                return (existing.clone(), false);
            }
            let mut tc = TopicConfig::with_queues(topic, queue_nums, queue_nums, perm);
            tc.topic_sys_flag = topic_sys_flag;
            let tc = Arc::new(tc);
            table.topics.insert(topic.to_string(), tc.clone());
            table.data_version.next_version();
            tc
        };
        tracing::info!(
            topic,
            queues = queue_nums,
            perm,
            "TopicConfigManager#createTopicInSendMessageBackMethod: created new topic"
        );
        self.changed.notify_one();
        (created, true)
    }

    /// Create or replace a topic (UPDATE_AND_CREATE_TOPIC). Always bumps the
    /// version, as Java's `updateTopicConfig` does.
    pub fn update_topic_config(&self, tc: TopicConfig) {
        {
            let mut table = self.table.write();
            let old = table
                .topics
                .insert(tc.topic_name.clone(), Arc::new(tc.clone()));
            table.data_version.next_version();
            match old {
                Some(old) => tracing::info!(topic = %tc.topic_name, old = ?*old, new = ?tc,
                    "TopicConfigManager#updateTopicConfig: topic changed"),
                None => tracing::info!(topic = %tc.topic_name, new = ?tc,
                    "TopicConfigManager#updateTopicConfig: topic created"),
            }
        }
        self.changed.notify_one();
    }

    /// Remove a topic (DELETE_TOPIC_IN_BROKER). Returns whether it existed.
    pub fn delete_topic_config(&self, topic: &str) -> bool {
        let removed = {
            let mut table = self.table.write();
            let removed = table.topics.remove(topic).is_some();
            if removed {
                table.data_version.next_version();
            }
            removed
        };
        if removed {
            tracing::info!(topic, "TopicConfigManager#deleteTopicConfig: topic removed");
            self.changed.notify_one();
        }
        removed
    }

    /// The current version stamp.
    pub fn data_version(&self) -> DataVersion {
        self.table.read().data_version
    }

    /// Every topic name, sorted.
    pub fn topic_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.table.read().topics.keys().cloned().collect();
        names.sort();
        names
    }

    /// A consistent snapshot of the table and its version: the content of
    /// `topics.json`, GET_ALL_TOPIC_CONFIG and REGISTER_BROKER.
    pub fn build_serialize_wrapper(&self) -> TopicConfigSerializeWrapper {
        let table = self.table.read();
        TopicConfigSerializeWrapper {
            data_version: table.data_version,
            topic_config_table: table
                .topics
                .iter()
                .map(|(k, v)| (k.clone(), TopicConfig::clone(v)))
                .collect(),
        }
    }

    /// The table as REGISTER_BROKER sends it (Java
    /// `BrokerController#registerBrokerAll`): a broker without read or write
    /// permission lends its restriction to every topic.
    pub fn build_serialize_wrapper_for_registration(
        &self,
        broker_permission: i32,
    ) -> TopicConfigSerializeWrapper {
        let mut wrapper = self.build_serialize_wrapper();
        if !perm::is_writeable(broker_permission) || !perm::is_readable(broker_permission) {
            for tc in wrapper.topic_config_table.values_mut() {
                tc.perm &= broker_permission;
            }
        }
        wrapper
    }

    /// Woken after every change; the controller persists and re-registers.
    pub fn changed(&self) -> &Notify {
        &self.changed
    }
}

/// The topics every broker has before anyone creates one (Java's
/// `TopicConfigManager` constructor): self test, `TBW102` when
/// auto-creation is on, benchmark, the cluster's and the broker's own
/// topics, offset-moved events, schedule, trace, reply, revive, the
/// member-group sync topic and the transaction half/op topics.
fn system_topics(broker_config: &BrokerConfig) -> Vec<TopicConfig> {
    let mut out = Vec::new();
    let rw = perm::PERM_READ | perm::PERM_WRITE;

    out.push(TopicConfig::with_queues(RMQ_SYS_SELF_TEST_TOPIC, 1, 1, rw));
    if broker_config.auto_create_topic_enable {
        let n = broker_config.default_topic_queue_nums;
        out.push(TopicConfig::with_queues(
            AUTO_CREATE_TOPIC_KEY_TOPIC,
            n,
            n,
            perm::PERM_INHERIT | rw,
        ));
    }
    out.push(TopicConfig::with_queues(
        RMQ_SYS_BENCHMARK_TOPIC,
        1024,
        1024,
        rw,
    ));
    // The cluster topic keeps TopicConfig's 16/16 queues, as Java does.
    let mut cluster = TopicConfig::new(broker_config.broker_cluster_name.clone());
    cluster.perm = perm::PERM_INHERIT
        | if broker_config.cluster_topic_enable {
            rw
        } else {
            0
        };
    out.push(cluster);
    let broker_perm = perm::PERM_INHERIT
        | if broker_config.broker_topic_enable {
            rw
        } else {
            0
        };
    out.push(TopicConfig::with_queues(
        broker_config.broker_name.clone(),
        1,
        1,
        broker_perm,
    ));
    out.push(TopicConfig::with_queues(
        RMQ_SYS_OFFSET_MOVED_EVENT,
        1,
        1,
        rw,
    ));
    out.push(TopicConfig::with_queues(
        RMQ_SYS_SCHEDULE_TOPIC,
        SCHEDULE_TOPIC_QUEUE_NUM,
        SCHEDULE_TOPIC_QUEUE_NUM,
        rw,
    ));
    if broker_config.trace_topic_enable {
        out.push(TopicConfig::with_queues(
            broker_config.msg_trace_topic_name.clone(),
            1,
            1,
            rw,
        ));
    }
    out.push(TopicConfig::with_queues(
        mix_all::get_reply_topic(&broker_config.broker_cluster_name),
        1,
        1,
        rw,
    ));
    out.push(TopicConfig::with_queues(
        format!("{REVIVE_TOPIC_PREFIX}{}", broker_config.broker_cluster_name),
        REVIVE_QUEUE_NUM,
        REVIVE_QUEUE_NUM,
        rw,
    ));
    out.push(TopicConfig::with_queues(
        format!(
            "{SYNC_BROKER_MEMBER_GROUP_PREFIX}{}",
            broker_config.broker_name
        ),
        1,
        1,
        perm::PERM_INHERIT,
    ));
    out.push(TopicConfig::with_queues(RMQ_SYS_TRANS_HALF_TOPIC, 1, 1, rw));
    out.push(TopicConfig::with_queues(
        RMQ_SYS_TRANS_OP_HALF_TOPIC,
        1,
        1,
        rw,
    ));
    out
}

impl ConfigManager for TopicConfigManager {
    fn encode(&self, pretty: bool) -> String {
        let wrapper = self.build_serialize_wrapper();
        let text = if pretty {
            serde_json::to_string_pretty(&wrapper)
        } else {
            serde_json::to_string(&wrapper)
        };
        // Serializing plain structs with string keys cannot fail.
        text.unwrap_or_default()
    }

    /// Files written by Java brokers are plain JSON here (topic-name keys),
    /// but go through the fastjson reader anyway so hand-edited files with
    /// fastjson quirks still load. Loaded topics override the seeded ones and
    /// the file's version is kept, as Java does.
    fn decode(&self, json: &str) -> Result<(), String> {
        let wrapper: TopicConfigSerializeWrapper =
            crate::common::fastjson::from_slice(json.as_bytes()).map_err(|e| e.to_string())?;
        let mut table = self.table.write();
        for (name, mut tc) in wrapper.topic_config_table {
            if tc.topic_name.is_empty() {
                tc.topic_name = name.clone();
            }
            table.topics.insert(name, Arc::new(tc));
        }
        table.data_version = wrapper.data_version;
        Ok(())
    }

    fn config_file_path(&self) -> PathBuf {
        self.config_file.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manager(dir: &Path) -> TopicConfigManager {
        TopicConfigManager::new(&BrokerConfig::default(), dir)
    }

    #[test]
    fn seeds_the_system_topics() {
        let dir = tempfile::tempdir().unwrap();
        let m = manager(dir.path());
        let tbw = m.select_topic_config("TBW102").unwrap();
        assert_eq!(
            (tbw.read_queue_nums, tbw.write_queue_nums, tbw.perm),
            (8, 8, 7)
        );
        assert_eq!(
            m.select_topic_config("SCHEDULE_TOPIC_XXXX")
                .unwrap()
                .read_queue_nums,
            18
        );
        assert_eq!(
            m.select_topic_config("BenchmarkTest")
                .unwrap()
                .write_queue_nums,
            1024
        );
        assert_eq!(m.select_topic_config("DefaultCluster").unwrap().perm, 7);
        assert_eq!(m.select_topic_config("broker-a").unwrap().perm, 7);
        assert!(
            m.select_topic_config("DefaultCluster_REPLY_TOPIC")
                .is_some()
        );
    }

    #[test]
    fn auto_create_takes_min_of_client_and_template() {
        let dir = tempfile::tempdir().unwrap();
        let m = manager(dir.path());
        let v0 = m.data_version();
        let tc = m
            .create_topic_in_send_message_method("TopicTest", "TBW102", "1.2.3.4:5", 4, 0)
            .unwrap();
        assert_eq!(
            (tc.read_queue_nums, tc.write_queue_nums, tc.perm),
            (4, 4, 6)
        );
        assert_eq!(m.data_version().counter, v0.counter + 1);
        // A second call returns the same topic without another version bump.
        m.create_topic_in_send_message_method("TopicTest", "TBW102", "x", 16, 0)
            .unwrap();
        assert_eq!(m.data_version().counter, v0.counter + 1);
    }

    #[test]
    fn no_auto_create_without_template_or_when_disabled() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = BrokerConfig {
            auto_create_topic_enable: false,
            ..Default::default()
        };
        let m = TopicConfigManager::new(&cfg, dir.path());
        assert!(m.select_topic_config("TBW102").is_none());
        assert!(
            m.create_topic_in_send_message_method("T", "TBW102", "x", 4, 0)
                .is_none()
        );
        // Even a TBW102 loaded from an old topics.json is no template now.
        m.update_topic_config(TopicConfig::with_queues("TBW102", 8, 8, 7));
        assert!(
            m.create_topic_in_send_message_method("T", "TBW102", "x", 4, 0)
                .is_none()
        );
    }

    #[test]
    fn persists_and_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let m = manager(dir.path());
        m.update_topic_config(TopicConfig::with_queues("Orders", 2, 3, 6));
        m.persist().unwrap();
        let again = manager(dir.path());
        assert!(again.load());
        let tc = again.select_topic_config("Orders").unwrap();
        assert_eq!((tc.read_queue_nums, tc.write_queue_nums), (2, 3));
        assert_eq!(again.data_version(), m.data_version());
    }
}
