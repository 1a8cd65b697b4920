//! `TopicConfigManager` — the broker's table of topics, persisted to
//! `config/topics.json`. Mirrors `org.apache.rocketmq.broker.topic.TopicConfigManager`.
//!
//! Every topic a broker serves has a [`TopicConfig`] here: how many queues
//! it has for reading and for writing, and who may do what (`perm`). The
//! table is
//!
//! * **seeded** at construction (`init`) with the system topics every
//!   RocketMQ broker has, and `TBW102` when `autoCreateTopicEnable` is on;
//! * **loaded** from `config/topics.json` on top of those, file over seed,
//!   keeping the file's data version (a [`ConfigManager`]);
//! * **changed** by an admin's UPDATE_AND_CREATE_TOPIC (and, from chapter
//!   04, by a send to a topic nobody created), each change bumping the
//!   [`DataVersion`] and rewriting the file.
//!
//! The data version is what the name servers compare: a registration whose
//! version they already hold leaves their `topicQueueTable` alone.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use workbook_trace::step;

use crate::broker::broker_config::BrokerConfig;
use crate::common::config_manager::{ConfigError, ConfigManager};
use crate::common::data_version::DataVersion;
use crate::common::perm::{PERM_INHERIT, PERM_READ, PERM_WRITE, is_inherited};
use crate::common::topic_config::TopicConfig;
use crate::common::topic_validator::{
    AUTO_CREATE_TOPIC_KEY_TOPIC, RMQ_SYS_BENCHMARK_TOPIC, RMQ_SYS_OFFSET_MOVED_EVENT,
    RMQ_SYS_SCHEDULE_TOPIC, RMQ_SYS_SELF_TEST_TOPIC, RMQ_SYS_TRANS_HALF_TOPIC,
    RMQ_SYS_TRANS_OP_HALF_TOPIC,
};
use crate::remoting::protocol::body::register_broker_body::TopicConfigSerializeWrapper;

/// Queues of `SCHEDULE_TOPIC_XXXX`: one per delay level (Part VI).
const SCHEDULE_TOPIC_QUEUE_NUM: i32 = 18;

/// The table and its version, always changed together under one lock.
#[derive(Default)]
struct Table {
    topic_config_table: BTreeMap<String, TopicConfig>,
    data_version: DataVersion,
}

pub struct TopicConfigManager {
    /// Who we are in the trace (the broker name).
    actor: String,
    /// `autoCreateTopicEnable`: whether `TBW102` was seeded.
    auto_create_topic_enable: bool,
    config_file: PathBuf,
    table: Mutex<Table>,
}

impl TopicConfigManager {
    // ANCHOR: init
    /// `new TopicConfigManager(brokerController)` → `init()`: the system
    /// topics, before anything is loaded. The version stays at 0: these are
    /// what every broker has, not a change.
    pub fn new(config: &BrokerConfig, config_file: PathBuf) -> Self {
        let rw = PERM_READ | PERM_WRITE;
        let mut system = vec![
            TopicConfig::with_queues(RMQ_SYS_SELF_TEST_TOPIC, 1, 1, rw),
            TopicConfig::with_queues(RMQ_SYS_BENCHMARK_TOPIC, 1024, 1024, rw),
            // A topic named after the cluster and one after the broker, so a
            // producer can address "any broker of the cluster" or "this one".
            TopicConfig::with_queues(&config.broker_cluster_name, 16, 16, PERM_INHERIT | rw),
            TopicConfig::with_queues(&config.broker_name, 1, 1, PERM_INHERIT | rw),
            TopicConfig::with_queues(RMQ_SYS_OFFSET_MOVED_EVENT, 1, 1, rw),
            TopicConfig::with_queues(
                RMQ_SYS_SCHEDULE_TOPIC,
                SCHEDULE_TOPIC_QUEUE_NUM,
                SCHEDULE_TOPIC_QUEUE_NUM,
                rw,
            ),
            TopicConfig::with_queues(RMQ_SYS_TRANS_HALF_TOPIC, 1, 1, rw),
            TopicConfig::with_queues(RMQ_SYS_TRANS_OP_HALF_TOPIC, 1, 1, rw),
        ];
        let actor = config.broker_name.clone();
        let names: Vec<&str> = system.iter().map(|tc| tc.topic_name.as_str()).collect();
        let names = names.join(", ");
        step!(actor, "TopicConfigManager#init", "system topics [{names}]");
        if config.auto_create_topic_enable {
            let n = config.default_topic_queue_nums;
            let tbw102 =
                TopicConfig::with_queues(AUTO_CREATE_TOPIC_KEY_TOPIC, n, n, PERM_INHERIT | rw);
            let facts =
                format!("TBW102 {tbw102}: autoCreateTopicEnable=true, the template for new topics");
            step!(actor, "TopicConfigManager#init", "{facts}");
            system.push(tbw102);
        }
        let topic_config_table = system
            .into_iter()
            .map(|tc| (tc.topic_name.clone(), tc))
            .collect();
        TopicConfigManager {
            actor,
            auto_create_topic_enable: config.auto_create_topic_enable,
            config_file,
            table: Mutex::new(Table {
                topic_config_table,
                data_version: DataVersion::default(),
            }),
        }
    }
    // ANCHOR_END: init

    /// `TopicConfigManager#selectTopicConfig`.
    pub fn select_topic_config(&self, topic: &str) -> Option<TopicConfig> {
        self.lock().topic_config_table.get(topic).cloned()
    }

    // ANCHOR: update_topic_config
    /// `TopicConfigManager#updateTopicConfig`: add or replace a topic, bump
    /// the data version, rewrite `topics.json`.
    pub fn update_topic_config(&self, topic_config: TopicConfig) {
        let (topic, version) = {
            let mut table = self.lock();
            let topic = topic_config.topic_name.clone();
            let old = table.topic_config_table.insert(topic.clone(), topic_config);
            table.data_version.next_version();
            let verb = if old.is_some() { "updated" } else { "created" };
            (format!("{topic} {verb}"), table.data_version.counter)
        };
        step!(self.actor, "TopicConfigManager#updateTopicConfig", "{topic}, dataVersion={version}");
        self.persist_and_trace();
    }
    // ANCHOR_END: update_topic_config

    // ANCHOR: create_topic_in_send_message_method
    /// `TopicConfigManager#createTopicInSendMessageMethod`: a send names a
    /// topic this broker lacks. Copy the template `default_topic` (TBW102)
    /// if its perm has INHERIT: `min(client's defaultTopicQueueNums,
    /// template's write queues)` queues, the template's perm minus INHERIT.
    /// `None` when there is no template to copy.
    pub fn create_topic_in_send_message_method(
        &self,
        topic: &str,
        default_topic: &str,
        client_default_topic_queue_nums: i32,
    ) -> Option<TopicConfig> {
        const JAVA: &str = "TopicConfigManager#createTopicInSendMessageMethod";
        let (created, version) = {
            let mut table = self.lock();
            if let Some(existing) = table.topic_config_table.get(topic) {
                return Some(existing.clone()); // another send created it first
            }
            let Some(template) = table.topic_config_table.get(default_topic) else {
                step!(self.actor, JAVA, "{topic}: no template {default_topic} -> not created");
                return None;
            };
            let template_perm = template.perm;
            if !is_inherited(template_perm) {
                step!(self.actor, JAVA, "{topic}: {default_topic} lacks INHERIT -> not created");
                return None;
            }
            let queues = client_default_topic_queue_nums.min(template.write_queue_nums);
            let mut created =
                TopicConfig::with_queues(topic, queues, queues, template_perm & !PERM_INHERIT);
            created.topic_filter_type = template.topic_filter_type;
            table
                .topic_config_table
                .insert(topic.to_string(), created.clone());
            table.data_version.next_version();
            (created, table.data_version.counter)
        };
        let auto = self.auto_create_topic_enable;
        let facts = format!(
            "{topic} {created} from {default_topic} (autoCreateTopicEnable={auto}), dataVersion={version}"
        );
        step!(self.actor, JAVA, "{facts}");
        self.persist_and_trace();
        Some(created)
    }
    // ANCHOR_END: create_topic_in_send_message_method

    /// `TopicConfigManager#buildTopicConfigSerializeWrapper`: a consistent
    /// snapshot of every topic and the version — what REGISTER_BROKER carries
    /// and what `topics.json` holds.
    pub fn build_serialize_wrapper(&self) -> TopicConfigSerializeWrapper {
        let table = self.lock();
        TopicConfigSerializeWrapper {
            data_version: table.data_version.clone(),
            topic_config_table: table.topic_config_table.clone(),
        }
    }

    /// The wrapper of `BrokerController#registerIncrementBrokerData`: only
    /// the topics that changed, with the current version.
    pub fn build_increment_wrapper(
        &self,
        topic_config: &TopicConfig,
    ) -> TopicConfigSerializeWrapper {
        let table = self.lock();
        TopicConfigSerializeWrapper {
            data_version: table.data_version.clone(),
            topic_config_table: BTreeMap::from([(
                topic_config.topic_name.clone(),
                topic_config.clone(),
            )]),
        }
    }

    /// `ConfigManager#load`, with one trace line saying what was loaded.
    pub fn load_and_trace(&self) -> Result<(), ConfigError> {
        let from = self.load()?.describe();
        let (topics, version) = {
            let table = self.lock();
            (table.topic_config_table.len(), table.data_version.counter)
        };
        let facts = format!("config/topics.json {from}: {topics} topics, dataVersion={version}");
        step!(self.actor, "TopicConfigManager#load", "{facts}");
        Ok(())
    }

    /// `ConfigManager#persist`, with one trace line saying what was written.
    pub fn persist_and_trace(&self) {
        let topics = self.lock().topic_config_table.len();
        match self.persist() {
            Ok(kept) => {
                let bak = if kept {
                    ", previous file kept as topics.json.bak"
                } else {
                    ""
                };
                let facts = format!("config/topics.json: {topics} topics{bak}");
                step!(self.actor, "TopicConfigManager#persist", "{facts}");
            }
            Err(e) => tracing::error!("persist config/topics.json failed: {e}"),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        // Every change completes before anything that could panic runs, so
        // a poisoned lock still guards a consistent table.
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl ConfigManager for TopicConfigManager {
    fn encode(&self) -> String {
        // Plain structs with string keys always serialise.
        serde_json::to_string_pretty(&self.build_serialize_wrapper())
            .expect("a TopicConfigSerializeWrapper always serialises")
    }

    /// File over seed: loaded topics replace seeded ones of the same name,
    /// and the file's version becomes the table's.
    fn decode(&self, json: &str) -> Result<(), String> {
        let wrapper: TopicConfigSerializeWrapper =
            serde_json::from_str(json).map_err(|e| e.to_string())?;
        let mut table = self.lock();
        table.topic_config_table.extend(wrapper.topic_config_table);
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

    #[test]
    fn seeds_tbw102_only_when_auto_create_is_on() {
        let mut config = BrokerConfig::default();
        let m = TopicConfigManager::new(&config, PathBuf::from("unused"));
        let tbw102 = m.select_topic_config("TBW102").unwrap();
        assert_eq!((tbw102.read_queue_nums, tbw102.perm), (8, 7));
        assert_eq!(m.build_serialize_wrapper().data_version.counter, 0);

        config.auto_create_topic_enable = false;
        let m = TopicConfigManager::new(&config, PathBuf::from("unused"));
        assert!(m.select_topic_config("TBW102").is_none());
        assert!(m.select_topic_config("SCHEDULE_TOPIC_XXXX").is_some());
    }

    #[test]
    fn the_file_wins_over_the_seed_and_brings_its_version() {
        let m = TopicConfigManager::new(&BrokerConfig::default(), PathBuf::from("unused"));
        let mut wrapper = m.build_serialize_wrapper();
        wrapper.data_version.counter = 7;
        wrapper
            .topic_config_table
            .insert("TBW102".into(), TopicConfig::new("TBW102", 2));
        m.decode(&serde_json::to_string(&wrapper).unwrap()).unwrap();
        assert_eq!(m.select_topic_config("TBW102").unwrap().write_queue_nums, 2);
        assert_eq!(m.build_serialize_wrapper().data_version.counter, 7);
        assert!(m.decode("{not json").is_err());
    }
}
