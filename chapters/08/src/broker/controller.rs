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
//!            │   PULL_MESSAGE      → PullMessageProcessor ──► (reads it)  │
//!            │     nothing yet? held in PullRequestHoldService, woken by   │
//!            │     the store's NotifyMessageArrivingListener or a timeout  │
//!            │   UPDATE/QUERY_CONSUMER_OFFSET → ConsumerManageProcessor   │
//!            │   default → AdminBrokerProcessor ──┐                       │
//!            │                                    ▼                       │
//!            │ TopicConfigManager (topics.json)  BrokerOuterAPI ──────────┼──► every name server
//!            │ ConsumerOffsetManager (consumerOffset.json, every 5 s)     │
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

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use workbook_trace::step;

use crate::broker::broker_config::BrokerConfig;
use crate::broker::broker_outer_api::BrokerOuterAPI;
use crate::broker::consumer_offset_manager::ConsumerOffsetManager;
use crate::broker::longpolling::notify_message_arriving_listener::NotifyMessageArrivingListener;
use crate::broker::longpolling::pull_request_hold_service::{
    LONG_POLLING_CHECK_INTERVAL_MS, PullRequestHoldService, PullRequestWakeup,
};
use crate::broker::processor::admin_broker_processor::AdminBrokerProcessor;
use crate::broker::processor::consumer_manage_processor::ConsumerManageProcessor;
use crate::broker::processor::pull_message_processor::PullMessageProcessor;
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
    consumer_offset_manager: Arc<ConsumerOffsetManager>,
    pull_request_hold_service: Arc<PullRequestHoldService>,
    /// Built by `initialize`, listening from `start` on.
    remoting_server: Option<Arc<RemotingServer>>,
    network: InProcessNetwork,
    clock: VirtualClock,
    /// The periodic tasks, once started; cancelled on shutdown.
    scheduled_tasks: Mutex<Vec<TaskId>>,
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
        let offsets_file = message_store_config.consumer_offset_path();
        let consumer_offset_manager = ConsumerOffsetManager::new(name, offsets_file);
        let message_store = DefaultMessageStore::new(name, message_store_config, clock.clone());
        let message_store = Arc::new(message_store);
        // Long polling: the store tells the hold service of every arrival.
        let check_interval = match broker_config.long_polling_enable {
            true => LONG_POLLING_CHECK_INTERVAL_MS,
            false => broker_config.short_polling_time_mills,
        };
        let store = message_store.clone();
        let hold = PullRequestHoldService::new(name, store, clock.clone(), check_interval);
        let pull_request_hold_service = Arc::new(hold);
        let listener = NotifyMessageArrivingListener::new(pull_request_hold_service.clone());
        message_store.set_message_arriving_listener(Arc::new(listener));
        BrokerController {
            broker_config,
            topic_config_manager,
            broker_outer_api,
            message_store,
            pull_request_hold_service,
            consumer_offset_manager: Arc::new(consumer_offset_manager),
            remoting_server: None,
            network,
            clock,
            scheduled_tasks: Mutex::new(Vec::new()),
        }
    }

    // ANCHOR: initialize
    /// `BrokerController#initialize`: load the config files, then register
    /// the processors.
    pub fn initialize(&mut self) -> Result<(), BrokerError> {
        self.topic_config_manager.load_and_trace()?;
        self.consumer_offset_manager.load_and_trace()?;
        self.initialize_broker_scheduled_tasks();
        self.remoting_server = Some(Arc::new(self.register_processor()?));
        Ok(())
    }
    // ANCHOR_END: initialize

    // ANCHOR: initialize_broker_scheduled_tasks
    /// `BrokerController#initializeBrokerScheduledTasks`: write the consumer
    /// offsets every `flushConsumerOffsetInterval`, first after 10 s.
    fn initialize_broker_scheduled_tasks(&self) {
        let period = self.broker_config.flush_consumer_offset_interval;
        let offsets = Arc::clone(&self.consumer_offset_manager);
        let task = self
            .clock
            .schedule_at_fixed_rate(10_000, period, move || offsets.persist_and_trace());
        self.lock_scheduled_tasks().push(task);
        let name = &self.broker_config.broker_name;
        let facts = format!("consumerOffsetManager.persist every {period}ms, first in 10000ms");
        step!(name, "BrokerController#initializeBrokerScheduledTasks", "{facts}");
    }
    // ANCHOR_END: initialize_broker_scheduled_tasks

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
        let (name, topics) = (&config.broker_name, &self.topic_config_manager);
        let (store, offsets) = (&self.message_store, &self.consumer_offset_manager);
        let hold = &self.pull_request_hold_service;
        let pull = PullMessageProcessor::new(
            config.clone(),
            topics.clone(),
            store.clone(),
            offsets.clone(),
            hold.clone(),
            self.clock.clone(),
        );
        let pull = Arc::new(pull);
        // The hold service re-runs woken pulls through the processor.
        let wakeup: Weak<dyn PullRequestWakeup> = Arc::downgrade(&pull) as _;
        hold.set_pull_message_processor(wakeup);
        server.register_processor(request_code::PULL_MESSAGE, pull);
        let manage =
            ConsumerManageProcessor::new(name, topics.clone(), store.clone(), offsets.clone());
        let manage = Arc::new(manage);
        server.register_processor(request_code::UPDATE_CONSUMER_OFFSET, manage.clone());
        server.register_processor(request_code::QUERY_CONSUMER_OFFSET, manage);
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
        let hold = self.pull_request_hold_service.start();
        self.lock_scheduled_tasks().push(hold);
        let every = self.pull_request_hold_service.check_interval_ms();
        let facts = format!("pullRequestHoldService checks held pulls every {every}ms");
        step!(name, "BrokerController#start", "{facts}");
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
        self.lock_scheduled_tasks().push(task);
        let facts = format!("registerBrokerAll again every {period}ms, first in 10000ms");
        step!(name, "BrokerController#start", "{facts}");
    }
    // ANCHOR_END: start

    // ANCHOR: shutdown
    /// `BrokerController#shutdown`: stop re-registering, unregister from
    /// every name server so routes drop this broker at once, stop listening,
    /// and write the config files a last time.
    pub fn shutdown(&self) {
        for task in self.lock_scheduled_tasks().drain(..) {
            self.clock.cancel(task);
        }
        self.broker_outer_api.unregister_broker_all();
        self.network.close(&self.broker_config.broker_addr());
        self.topic_config_manager.persist_and_trace();
        self.consumer_offset_manager.persist_and_trace();
    }
    // ANCHOR_END: shutdown

    /// Not in RocketMQ: the machine loses power. Nothing answers at the
    /// broker's address any more, its timers stop, and nobody unregisters
    /// it, so the name server keeps it in every route until its scan finds
    /// it silent for 120 s (chapter 02). Clients learn sooner: their next
    /// request to it fails to connect (chapter 07).
    pub fn simulate_power_cut(&self) {
        for task in self.lock_scheduled_tasks().drain(..) {
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

    fn lock_scheduled_tasks(&self) -> MutexGuard<'_, Vec<TaskId>> {
        // It only ever holds task ids; a panic elsewhere cannot corrupt it.
        self.scheduled_tasks
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
