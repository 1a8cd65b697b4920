//! `BrokerController` — a broker's parts and its start-up. Mirrors
//! `org.apache.rocketmq.broker.BrokerController`, cut down to what
//! registration needs: the config, the topic config table and its version,
//! and the `BrokerOuterAPI` that carries them to the name servers.
//!
//! Java keeps the topic configs in a `TopicConfigManager` persisted to
//! `topics.json`; chapter 03 brings that in. Here the table is a plain map.

use std::collections::BTreeMap;

use crate::broker::broker_config::BrokerConfig;
use crate::broker::broker_outer_api::BrokerOuterAPI;
use crate::common::data_version::DataVersion;
use crate::common::topic_config::TopicConfig;
use crate::remoting::protocol::body::register_broker_body::TopicConfigSerializeWrapper;
use crate::remoting::transport::RemotingClient;

pub struct BrokerController {
    broker_config: BrokerConfig,
    topic_config_table: BTreeMap<String, TopicConfig>,
    data_version: DataVersion,
    broker_outer_api: BrokerOuterAPI,
}

impl BrokerController {
    pub fn new(broker_config: BrokerConfig, remoting_client: Box<dyn RemotingClient>) -> Self {
        BrokerController {
            broker_config,
            topic_config_table: BTreeMap::new(),
            data_version: DataVersion::default(),
            broker_outer_api: BrokerOuterAPI::new(remoting_client),
        }
    }

    /// `TopicConfigManager#updateTopicConfig`: add or replace a topic and bump
    /// the data version, so the next registration makes the name server
    /// rebuild this broker's queue data.
    pub fn update_topic_config(&mut self, topic_config: TopicConfig) {
        self.topic_config_table
            .insert(topic_config.topic_name.clone(), topic_config);
        self.data_version.next_version();
    }

    /// `BrokerController#start`: in this chapter, one registration.
    pub fn start(&self) {
        self.register_broker_all();
    }

    /// `BrokerController#registerBrokerAll`: snapshot the topic configs with
    /// their version and send them to every name server.
    pub fn register_broker_all(&self) {
        let wrapper = TopicConfigSerializeWrapper {
            data_version: self.data_version.clone(),
            topic_config_table: self.topic_config_table.clone(),
        };
        // A master ignores the answers; a slave would learn its master's
        // address from them (`handleRegisterBrokerResult`).
        let _ = self
            .broker_outer_api
            .register_broker_all(&self.broker_config, wrapper);
    }
}
