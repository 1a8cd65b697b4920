//! `BrokerController` — a broker's parts, its start-up and its shutdown.
//! Mirrors `org.apache.rocketmq.broker.BrokerController`.
//!
//! The controller owns every service of a broker, each behind an `Arc` so
//! that a processor can hold exactly the services it uses and nothing else:
//!
//! ```text
//!            ┌───────────────────── BrokerController ─────────────────────┐
//!  requests  │ RemotingServer: processors by request code                 │
//!  ────────► │   SEND_MESSAGE(_V2) → SendMessageProcessor ──► DefaultMessageStore
//!            │   default → AdminBrokerProcessor ──┐                       │
//!            │                                    ▼                       │
//!            │ TopicConfigManager (topics.json)  BrokerOuterAPI ──────────┼──► every name server
//!            └────────────────────────────────────────────────────────────┘
//! ```
//!
//! Its life has Java's four steps:
//!
//! * [`new`](BrokerController::new) builds the services (Java's constructor);
//! * [`initialize`](BrokerController::initialize) loads the config files and
//!   registers the processors; a broker whose files cannot be read refuses
//!   to start;
//! * [`start`](BrokerController::start) listens, registers with every name
//!   server, and schedules the re-registration every 30 s;
//! * [`shutdown`](BrokerController::shutdown) undoes it: stop re-registering,
//!   unregister, stop listening, persist.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use workbook_trace::step;

use crate::broker::broker_config::BrokerConfig;
use crate::broker::broker_outer_api::BrokerOuterAPI;
use crate::broker::processor::admin_broker_processor::AdminBrokerProcessor;
use crate::broker::processor::send_message_processor::SendMessageProcessor;
use crate::broker::topic_config_manager::TopicConfigManager;
use crate::common::config_manager::ConfigError;
use crate::common::topic_config::TopicConfig;
use crate::common::virtual_clock::{TaskId, VirtualClock};
use crate::remoting::code::request_code;
use crate::remoting::server::RemotingServer;
use crate::remoting::transport::InProcessNetwork;
use crate::store::config::MessageStoreConfig;
use crate::store::message_store::{DefaultMessageStore, store_host};

/// Why a broker did not start (Java logs it and exits with -3).
#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    #[error("cannot load a config file: {0}")]
    Config(#[from] ConfigError),
    #[error("brokerIP1:listenPort {0:?} is not an IP address and port")]
    BadBrokerAddr(String),
}

pub struct BrokerController {
    broker_config: BrokerConfig,
    topic_config_manager: Arc<TopicConfigManager>,
    broker_outer_api: Arc<BrokerOuterAPI>,
    message_store: Arc<DefaultMessageStore>,
    /// Built by `initialize`, listening from `start` on.
    remoting_server: Option<Arc<RemotingServer>>,
    network: InProcessNetwork,
    clock: VirtualClock,
    /// The periodic registration, once started; cancelled on shutdown.
    register_task: Mutex<Option<TaskId>>,
}

impl BrokerController {
    /// `new BrokerController(...)`: build the services; nothing is loaded,
    /// nothing listens yet.
    pub fn new(
        broker_config: BrokerConfig,
        message_store_config: MessageStoreConfig,
        network: InProcessNetwork,
        clock: VirtualClock,
    ) -> Self {
        let client = network.client(&broker_config.broker_addr());
        let topic_config_manager = Arc::new(TopicConfigManager::new(
            &broker_config,
            message_store_config.topic_config_path(),
        ));
        let broker_outer_api =
            Arc::new(BrokerOuterAPI::new(broker_config.clone(), Box::new(client)));
        let name = &broker_config.broker_name;
        let message_store = DefaultMessageStore::new(name, message_store_config, clock.clone());
        BrokerController {
            broker_config,
            topic_config_manager,
            broker_outer_api,
            message_store: Arc::new(message_store),
            remoting_server: None,
            network,
            clock,
            register_task: Mutex::new(None),
        }
    }

    // ANCHOR: initialize
    /// `BrokerController#initialize`: load the config files, then register
    /// the processors.
    pub fn initialize(&mut self) -> Result<(), BrokerError> {
        self.topic_config_manager.load_and_trace()?;
        self.remoting_server = Some(Arc::new(self.register_processor()?));
        Ok(())
    }
    // ANCHOR_END: initialize

    // ANCHOR: register_processor
    /// `BrokerController#registerProcessor`: each processor gets the services
    /// it uses. Requests no processor claims go to `AdminBrokerProcessor`.
    fn register_processor(&self) -> Result<RemotingServer, BrokerError> {
        let config = &self.broker_config;
        let addr = config.broker_addr();
        let store_host = store_host(&addr).ok_or(BrokerError::BadBrokerAddr(addr))?;
        let mut server = RemotingServer::default();
        let send = Arc::new(SendMessageProcessor::new(
            config.clone(),
            store_host,
            self.topic_config_manager.clone(),
            self.broker_outer_api.clone(),
            self.message_store.clone(),
        ));
        server.register_processor(request_code::SEND_MESSAGE, send.clone());
        server.register_processor(request_code::SEND_MESSAGE_V2, send);
        let admin = AdminBrokerProcessor::new(
            &config.broker_name,
            self.topic_config_manager.clone(),
            self.broker_outer_api.clone(),
        );
        server.register_default_processor(Arc::new(admin));
        Ok(server)
    }
    // ANCHOR_END: register_processor

    // ANCHOR: start
    /// `BrokerController#start`: listen, register with every name server
    /// now, then again every `registerNameServerPeriod` (first after 10 s).
    /// Each registration is also the broker's heartbeat.
    pub fn start(self: &Arc<Self>) {
        let (name, addr) = (&self.broker_config.broker_name, self.broker_config.broker_addr());
        if let Some(server) = &self.remoting_server {
            self.network.listen(&addr, server.clone());
            step!(name, "BrokerController#start", "remotingServer listening at {addr}");
        }
        self.register_broker_all();
        let period = self
            .broker_config
            .register_name_server_period
            .clamp(10_000, 60_000);
        // A weak handle: the clock must not keep a dropped broker alive.
        let broker = Arc::downgrade(self);
        let task = self.clock.schedule_at_fixed_rate(10_000, period, move || {
            if let Some(broker) = broker.upgrade() {
                broker.register_broker_all();
            }
        });
        *self.lock_register_task() = Some(task);
        step!(
            name,
            "BrokerController#start",
            "registerBrokerAll again every {period}ms, first in 10000ms"
        );
    }
    // ANCHOR_END: start

    // ANCHOR: shutdown
    /// `BrokerController#shutdown`: stop re-registering, unregister from
    /// every name server so routes drop this broker at once, stop listening,
    /// and write the config files a last time.
    pub fn shutdown(&self) {
        if let Some(task) = self.lock_register_task().take() {
            self.clock.cancel(task);
        }
        self.broker_outer_api.unregister_broker_all();
        self.network.close(&self.broker_config.broker_addr());
        self.topic_config_manager.persist_and_trace();
    }
    // ANCHOR_END: shutdown

    /// Not in RocketMQ: the machine loses power. Nothing answers at the
    /// broker's address any more, its registrations stop, and nobody
    /// unregisters it, so the name server keeps it in every route until its
    /// scan finds it silent for 120 s (chapter 02). Clients learn sooner:
    /// their next request to it fails to connect (chapter 07).
    pub fn simulate_power_cut(&self) {
        if let Some(task) = self.lock_register_task().take() {
            self.clock.cancel(task);
        }
        let (me, addr) = (&self.broker_config.broker_name, self.broker_config.broker_addr());
        self.network.close(&addr);
        let java = "BrokerController#registerBrokerAll";
        step!(me, java, "stops: power cut, nothing answers at {addr}");
    }

    /// `BrokerController#registerBrokerAll`: the whole topic table with its
    /// version, to every name server.
    pub fn register_broker_all(&self) {
        let wrapper = self.topic_config_manager.build_serialize_wrapper();
        // A master ignores the answers; a slave would learn its master's
        // address from them (`handleRegisterBrokerResult`).
        let _ = self.broker_outer_api.register_broker_all(wrapper);
    }

    pub fn broker_config(&self) -> &BrokerConfig {
        &self.broker_config
    }

    pub fn topic_config_manager(&self) -> &Arc<TopicConfigManager> {
        &self.topic_config_manager
    }

    pub fn message_store(&self) -> &Arc<DefaultMessageStore> {
        &self.message_store
    }

    fn lock_register_task(&self) -> MutexGuard<'_, Option<TaskId>> {
        // It only ever holds a task id; a panic elsewhere cannot corrupt it.
        self.register_task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

// ANCHOR: register_increment_broker_data
/// `BrokerController#registerIncrementBrokerData`: after a topic changed,
/// register with only that topic and the new data version; the name
/// servers rebuild that one row and keep the rest. A free function, so a
/// processor can call it with the two services it holds.
pub fn register_increment_broker_data(
    topic_config_manager: &TopicConfigManager,
    broker_outer_api: &BrokerOuterAPI,
    topic_config: &TopicConfig,
) {
    let wrapper = topic_config_manager.build_increment_wrapper(topic_config);
    let _ = broker_outer_api.register_broker_all(wrapper);
}
// ANCHOR_END: register_increment_broker_data
