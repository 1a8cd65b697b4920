//! `BrokerController` — a broker's parts, its start-up and its shutdown.
//! Mirrors `org.apache.rocketmq.broker.BrokerController`, cut down to what
//! registration needs: the config, the topic config table and its version,
//! and the `BrokerOuterAPI` that carries them to the name servers — now
//! every 30 s, which is all the name server has to go on to know we live.
//!
//! Java keeps the topic configs in a `TopicConfigManager` persisted to
//! `topics.json`; chapter 03 brings that in. Here the table is a plain map.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use workbook_trace::step;

use crate::broker::broker_config::BrokerConfig;
use crate::broker::broker_outer_api::BrokerOuterAPI;
use crate::common::data_version::DataVersion;
use crate::common::topic_config::TopicConfig;
use crate::common::virtual_clock::{TaskId, VirtualClock};
use crate::remoting::protocol::body::register_broker_body::TopicConfigSerializeWrapper;
use crate::remoting::transport::RemotingClient;

pub struct BrokerController {
    broker_config: BrokerConfig,
    topic_config_table: BTreeMap<String, TopicConfig>,
    data_version: DataVersion,
    broker_outer_api: BrokerOuterAPI,
    clock: VirtualClock,
    /// The periodic registration, once started; cancelled on shutdown.
    register_task: Mutex<Option<TaskId>>,
}

impl BrokerController {
    pub fn new(
        broker_config: BrokerConfig,
        remoting_client: Box<dyn RemotingClient>,
        clock: VirtualClock,
    ) -> Self {
        BrokerController {
            broker_config,
            topic_config_table: BTreeMap::new(),
            data_version: DataVersion::default(),
            broker_outer_api: BrokerOuterAPI::new(remoting_client),
            clock,
            register_task: Mutex::new(None),
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

    // ANCHOR: start
    /// `BrokerController#start`: register now, then again every
    /// `registerNameServerPeriod` (first after 10 s). Each registration is
    /// also the broker's heartbeat.
    pub fn start(self: &Arc<Self>) {
        self.register_broker_all();
        let period = self
            .broker_config
            .register_name_server_period
            .clamp(10_000, 60_000);
        let broker = Arc::clone(self);
        let task = self
            .clock
            .schedule_at_fixed_rate(10_000, period, move || broker.register_broker_all());
        *self.lock_register_task() = Some(task);
        let me = self.broker_config.actor();
        step!(me, "BrokerController#start", "registerBrokerAll every {period}ms, first in 10000ms");
    }
    // ANCHOR_END: start

    // ANCHOR: shutdown
    /// `BrokerController#shutdown`: stop re-registering, then unregister from
    /// every name server so that routes drop this broker at once.
    pub fn shutdown(&self) {
        if let Some(task) = self.lock_register_task().take() {
            self.clock.cancel(task);
        }
        self.broker_outer_api
            .unregister_broker_all(&self.broker_config);
    }
    // ANCHOR_END: shutdown

    /// Not in RocketMQ: stands for a broker that stops talking without
    /// leaving — a long GC pause, a hung disk, a network partition. Its
    /// registrations stop, nobody unregisters it, and (unlike after a crash)
    /// its connection is not closed, so only the name server's scan notices.
    pub fn simulate_hang(&self) {
        if let Some(task) = self.lock_register_task().take() {
            self.clock.cancel(task);
        }
        let me = self.broker_config.actor();
        step!(me, "BrokerController#registerBrokerAll", "stops: hung, its connection still open");
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

    fn lock_register_task(&self) -> MutexGuard<'_, Option<TaskId>> {
        // It only ever holds a task id; a panic elsewhere cannot corrupt it.
        self.register_task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
