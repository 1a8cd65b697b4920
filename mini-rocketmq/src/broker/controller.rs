//! `BrokerController`: one broker, assembled and started.
//!
//! Mirrors `org.apache.rocketmq.broker.BrokerController` (`initialize`,
//! `start`, `registerProcessor`, `shutdown`). It owns every part of a broker
//! as `Arc`'d services. Java hands the whole controller to every processor;
//! here `register_processor` builds
//! each processor from the few services it uses, so a processor's fields say
//! what it touches and no processor imports the controller:
//!
//! ```text
//!                    ┌──────────────── BrokerController ────────────────┐
//!  TCP :10911 ──►    │ RemotingServer ── processors by request code     │
//!                    │   SendMessage / PullMessage / ConsumerManage /   │
//!                    │   ClientManage / QueryMessage / AdminBroker      │
//!                    │ TopicConfigManager   ConsumerOffsetManager       │
//!                    │ SubscriptionGroupManager  RebalanceLockManager   │
//!                    │ ConsumerManager  ProducerManager  (client tables)│
//!                    │ PullRequestHoldService ◄── store arrivals        │
//!                    │ DefaultMessageStore (CommitLog, consume queues)  │
//!                    │ BrokerOuterAPI ──► REGISTER_BROKER to namesrvs   │
//!                    └──────────────────────────────────────────────────┘
//! ```
//!
//! [`BrokerController::new`] is Java's `initialize`: open (and recover) the
//! store, load `topics.json`, `consumerOffset.json` and
//! `subscriptionGroup.json`. [`BrokerController::start`] binds the port,
//! registers the processors, starts the store and the background tasks, and
//! registers with the name servers; it returns a [`BrokerHandle`] whose
//! [`shutdown`](BrokerHandle::shutdown) undoes all of it in the safe order:
//! leave the name servers, stop serving, persist offsets and configs, then
//! flush and close the store (which deletes the `abort` file — the next start
//! is a normal recovery).
//!
//! ## Background tasks
//!
//! | task | period | Java |
//! |---|---|---|
//! | register with every name server | `registerNameServerPeriod` (30 s, first after 10 s) | `BrokerController#start` scheduled `registerBrokerAll` |
//! | persist `consumerOffset.json` | `flushConsumerOffsetInterval` (5 s) | `ConsumerOffsetManager#persist` |
//! | persist topics / groups and re-register after a change | on change | `TopicConfigManager#persist`, `registerBrokerData` |
//! | drop silent clients | 10 s | `ClientHousekeepingService` |
//! | re-check held pulls | ≤ 5 s | `PullRequestHoldService` |
//!
//! Blocking file writes run on tokio's blocking pool (`spawn_blocking`), never
//! on the threads that serve requests.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::broker::broker_config::BrokerConfig;
use crate::broker::broker_outer_api::{BrokerIdentity, BrokerOuterAPI};
use crate::broker::client::client_housekeeping_service::ClientHousekeepingService;
use crate::broker::client::consumer_manager::ConsumerManager;
use crate::broker::client::producer_manager::ProducerManager;
use crate::broker::consumer_offset_manager::ConsumerOffsetManager;
use crate::broker::longpolling::notify_message_arriving_listener::NotifyMessageArrivingListener;
use crate::broker::longpolling::pull_request_hold_service::PullRequestHoldService;
use crate::broker::processor::abstract_send_message_processor::AbstractSendMessageProcessor;
use crate::broker::processor::admin_broker_processor::AdminBrokerProcessor;
use crate::broker::processor::client_manage_processor::ClientManageProcessor;
use crate::broker::processor::consumer_manage_processor::ConsumerManageProcessor;
use crate::broker::processor::pull_message_processor::PullMessageProcessor;
use crate::broker::processor::query_message_processor::QueryMessageProcessor;
use crate::broker::processor::send_message_processor::SendMessageProcessor;
use crate::broker::rebalance_lock_manager::RebalanceLockManager;
use crate::broker::subscription_group_manager::SubscriptionGroupManager;
use crate::broker::topic_config_manager::TopicConfigManager;
use crate::broker::topic_route_registration::TopicRouteRegistration;
use crate::common::config_manager::ConfigManager;
use crate::remoting::code::request_code;
use crate::remoting::server::{RemotingServer, ServerConfig, ServerHandle};
use crate::store::config::MessageStoreConfig;
use crate::store::error::StoreError;
use crate::store::message_store::DefaultMessageStore;

/// Why a broker could not start.
#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    #[error("message store: {0}")]
    Store(#[from] StoreError),
    #[error("config file {0} is corrupt and so is its .bak; fix or remove them")]
    CorruptConfig(String),
    #[error("brokerIP1 {0:?} is not an IP address")]
    BadBrokerIp(String),
    #[error("cannot listen on port {port}: {source}")]
    Bind {
        port: u16,
        #[source]
        source: std::io::Error,
    },
}

/// Everything one broker is made of. Each service is an `Arc` so that a
/// processor or a background task can hold exactly the services it uses;
/// nothing but the start-up and shutdown code holds the controller itself.
///
/// The services tests and tools look into are public (read them through
/// [`BrokerHandle::controller`]); the rest is reached through methods.
pub struct BrokerController {
    broker_config: Arc<BrokerConfig>,
    store_config: Arc<MessageStoreConfig>,
    pub store: DefaultMessageStore,
    pub topic_config_manager: Arc<TopicConfigManager>,
    pub consumer_offset_manager: Arc<ConsumerOffsetManager>,
    subscription_group_manager: Arc<SubscriptionGroupManager>,
    pub consumer_manager: Arc<ConsumerManager>,
    producer_manager: Arc<ProducerManager>,
    rebalance_lock_manager: Arc<RebalanceLockManager>,
    pub pull_request_hold_service: Arc<PullRequestHoldService>,
    broker_outer_api: Arc<BrokerOuterAPI>,
}

impl BrokerController {
    /// Java `BrokerController` constructor plus `initialize`: open the store
    /// (recovering it if the last run crashed) and load the config files.
    /// Nothing listens yet.
    pub fn new(
        broker_config: BrokerConfig,
        store_config: MessageStoreConfig,
    ) -> Result<Self, BrokerError> {
        let root = store_config.store_path_root_dir.clone();
        let topic_config_manager = Arc::new(TopicConfigManager::new(&broker_config, &root));
        let consumer_offset_manager = Arc::new(ConsumerOffsetManager::new(&root));
        let subscription_group_manager = Arc::new(SubscriptionGroupManager::new(
            &root,
            broker_config.auto_create_subscription_group,
        ));
        load_config(topic_config_manager.as_ref())?;
        load_config(consumer_offset_manager.as_ref())?;
        load_config(subscription_group_manager.as_ref())?;
        let store = DefaultMessageStore::open(store_config.clone())?;
        let expiry = Duration::from_millis(broker_config.channel_expired_timeout);
        let outer_api = BrokerOuterAPI::new(
            broker_config.namesrv_addr_list(),
            Duration::from_millis(broker_config.register_broker_timeout_mills),
        );
        Ok(BrokerController {
            consumer_manager: Arc::new(ConsumerManager::new(
                expiry,
                broker_config.notify_consumer_ids_changed_enable,
            )),
            producer_manager: Arc::new(ProducerManager::new(expiry)),
            rebalance_lock_manager: Arc::new(RebalanceLockManager::new()),
            pull_request_hold_service: Arc::new(PullRequestHoldService::new(store.clone())),
            broker_outer_api: Arc::new(outer_api),
            topic_config_manager,
            consumer_offset_manager,
            subscription_group_manager,
            store,
            broker_config: Arc::new(broker_config),
            store_config: Arc::new(store_config),
        })
    }

    pub fn broker_config(&self) -> &BrokerConfig {
        &self.broker_config
    }

    pub fn store_config(&self) -> &MessageStoreConfig {
        &self.store_config
    }

    /// Java `start`: listen, serve, register. Consumes the controller; the
    /// returned handle keeps it alive.
    pub async fn start(self) -> Result<BrokerHandle, BrokerError> {
        let ip: std::net::IpAddr = self
            .broker_config
            .broker_ip1
            .parse()
            .map_err(|_| BrokerError::BadBrokerIp(self.broker_config.broker_ip1.clone()))?;
        let port = self.broker_config.listen_port;
        // Java listens on every interface. A broker that advertises a
        // loopback address can only be reached through loopback anyway, so
        // it listens there alone and stays out of reach of the network.
        let listen = if ip.is_loopback() {
            SocketAddr::new(ip, port)
        } else {
            SocketAddr::from(([0, 0, 0, 0], port))
        };
        let idle =
            std::time::Duration::from_secs(self.broker_config.server_channel_max_idle_time_seconds);
        let mut server = RemotingServer::bind(
            &listen.to_string(),
            ServerConfig {
                channel_max_idle: idle,
                ..ServerConfig::default()
            },
        )
        .await
        .map_err(|source| BrokerError::Bind { port, source })?;
        // `brokerIP1:listenPort`: the address written into every stored
        // message as its store host, used in offset message ids, and handed
        // out by the name servers.
        let store_host = SocketAddr::new(ip, server.local_addr().port());
        let identity = self.identity(store_host);

        let broker = Arc::new(self);
        let pull = broker.register_processor(&mut server, store_host, &identity);
        let housekeeping = Arc::new(ClientHousekeepingService::new(
            broker.producer_manager.clone(),
            broker.consumer_manager.clone(),
        ));
        server.set_channel_event_listener(housekeeping.clone());

        // Long polling: the hold service re-runs woken pulls through the pull
        // processor and is woken by the store's dispatcher.
        broker
            .pull_request_hold_service
            .set_pull_message_processor(pull);
        broker
            .store
            .set_message_arriving_listener(Arc::new(NotifyMessageArrivingListener::new(
                broker.pull_request_hold_service.clone(),
            )));
        broker.store.start()?;

        let mut tasks = vec![
            broker.pull_request_hold_service.start(),
            housekeeping.start(),
            spawn_offset_flush(&broker),
            spawn_topic_change_watch(&broker, identity.clone()),
            spawn_group_change_watch(&broker),
        ];
        let server = server.start();
        broker.register_broker_all(&identity).await;
        tasks.push(spawn_periodic_register(&broker, identity.clone()));

        tracing::info!(
            "The broker[{}, {}] boot success. serializeType=JSON and name server is {}",
            broker.broker_config.broker_name,
            store_host,
            if broker.broker_config.namesrv_addr.is_empty() {
                "(none)"
            } else {
                &broker.broker_config.namesrv_addr
            }
        );
        Ok(BrokerHandle {
            broker,
            store_host,
            identity,
            server,
            tasks,
        })
    }

    /// Java `registerProcessor`: build each processor from the services it
    /// uses and bind it to the request codes it serves. Returns the pull
    /// processor, which long polling re-runs woken pulls through.
    fn register_processor(
        &self,
        server: &mut RemotingServer,
        store_host: SocketAddr,
        identity: &BrokerIdentity,
    ) -> Arc<PullMessageProcessor> {
        // Every processor that creates topics registers them before it answers.
        let topic_route_registration = Arc::new(TopicRouteRegistration::new(
            self.topic_config_manager.clone(),
            self.broker_outer_api.clone(),
            identity.clone(),
            self.broker_config.broker_permission,
        ));
        let send = Arc::new(SendMessageProcessor::new(
            AbstractSendMessageProcessor::new(
                self.broker_config.clone(),
                self.store_config.clone(),
                self.store.clone(),
                self.topic_config_manager.clone(),
                self.subscription_group_manager.clone(),
                topic_route_registration.clone(),
                store_host,
            ),
        ));
        for code in [
            request_code::SEND_MESSAGE,
            request_code::SEND_MESSAGE_V2,
            request_code::SEND_BATCH_MESSAGE,
            request_code::CONSUMER_SEND_MSG_BACK,
        ] {
            server.register_processor(code, send.clone());
        }

        let pull = Arc::new(PullMessageProcessor::new(
            self.broker_config.clone(),
            self.store_config.clone(),
            self.store.clone(),
            self.topic_config_manager.clone(),
            self.subscription_group_manager.clone(),
            self.consumer_manager.clone(),
            self.consumer_offset_manager.clone(),
            self.pull_request_hold_service.clone(),
        ));
        server.register_processor(request_code::PULL_MESSAGE, pull.clone());
        // RocketMQ 5's lite pull consumers pull with their own code; the
        // request and the answer are PULL_MESSAGE's.
        server.register_processor(request_code::LITE_PULL_MESSAGE, pull.clone());

        let consumer_manage = Arc::new(ConsumerManageProcessor::new(
            self.store.clone(),
            self.topic_config_manager.clone(),
            self.consumer_manager.clone(),
            self.consumer_offset_manager.clone(),
        ));
        for code in [
            request_code::QUERY_CONSUMER_OFFSET,
            request_code::UPDATE_CONSUMER_OFFSET,
            request_code::GET_CONSUMER_LIST_BY_GROUP,
        ] {
            server.register_processor(code, consumer_manage.clone());
        }

        let client_manage = Arc::new(ClientManageProcessor::new(
            self.broker_config.clone(),
            topic_route_registration.clone(),
            self.subscription_group_manager.clone(),
            self.consumer_manager.clone(),
            self.producer_manager.clone(),
        ));
        for code in [
            request_code::HEART_BEAT,
            request_code::UNREGISTER_CLIENT,
            request_code::CHECK_CLIENT_CONFIG,
        ] {
            server.register_processor(code, client_manage.clone());
        }

        let query = Arc::new(QueryMessageProcessor::new(
            self.store_config.clone(),
            self.store.clone(),
        ));
        server.register_processor(request_code::QUERY_MESSAGE, query.clone());
        server.register_processor(request_code::VIEW_MESSAGE_BY_ID, query);

        // Every code nobody else serves: topics, offsets, stats, locks, config.
        let admin = self.admin_broker_processor(store_host, topic_route_registration);
        server.register_default_processor(Arc::new(admin));
        pull
    }

    /// The admin processor reads and changes nearly every table.
    fn admin_broker_processor(
        &self,
        store_host: SocketAddr,
        topic_route_registration: Arc<TopicRouteRegistration>,
    ) -> AdminBrokerProcessor {
        AdminBrokerProcessor {
            broker_config: self.broker_config.clone(),
            store_config: self.store_config.clone(),
            store: self.store.clone(),
            topic_config_manager: self.topic_config_manager.clone(),
            consumer_offset_manager: self.consumer_offset_manager.clone(),
            subscription_group_manager: self.subscription_group_manager.clone(),
            consumer_manager: self.consumer_manager.clone(),
            producer_manager: self.producer_manager.clone(),
            rebalance_lock_manager: self.rebalance_lock_manager.clone(),
            pull_request_hold_service: self.pull_request_hold_service.clone(),
            topic_route_registration,
            broker_addr: store_host.to_string(),
        }
    }

    fn identity(&self, store_host: SocketAddr) -> BrokerIdentity {
        BrokerIdentity {
            cluster_name: self.broker_config.broker_cluster_name.clone(),
            broker_name: self.broker_config.broker_name.clone(),
            broker_id: self.broker_config.broker_id,
            broker_addr: store_host.to_string(),
            ha_server_addr: format!(
                "{}:{}",
                self.broker_config.broker_ip2,
                store_host.port().wrapping_add(1)
            ),
        }
    }

    /// Java `registerBrokerAll`: the topic table, as the name servers should
    /// see it, to every name server.
    async fn register_broker_all(&self, identity: &BrokerIdentity) {
        let wrapper = self
            .topic_config_manager
            .build_serialize_wrapper_for_registration(self.broker_config.broker_permission);
        let results = self
            .broker_outer_api
            .register_broker_all(identity, wrapper)
            .await;
        tracing::debug!(
            registered = results.len(),
            of = self.broker_outer_api.namesrv_addrs().len(),
            "BrokerController#registerBrokerAll"
        );
    }

    /// Write every config file now (blocking I/O).
    fn persist_all(&self) {
        let _ = self.consumer_offset_manager.persist();
        let _ = self.topic_config_manager.persist();
        let _ = self.subscription_group_manager.persist();
    }
}

/// `ConfigManager#load`, with the file named in the error when both the
/// file and its `.bak` are unreadable.
fn load_config(manager: &dyn ConfigManager) -> Result<(), BrokerError> {
    if manager.load() {
        Ok(())
    } else {
        Err(BrokerError::CorruptConfig(
            manager.config_file_path().display().to_string(),
        ))
    }
}

/// A running broker.
pub struct BrokerHandle {
    broker: Arc<BrokerController>,
    store_host: SocketAddr,
    identity: BrokerIdentity,
    server: ServerHandle,
    tasks: Vec<JoinHandle<()>>,
}

impl BrokerHandle {
    /// The address clients use: `brokerIP1` and the bound port.
    pub fn local_addr(&self) -> SocketAddr {
        self.store_host
    }

    /// The running controller, for tests and tools that look inside.
    pub fn controller(&self) -> &Arc<BrokerController> {
        &self.broker
    }

    /// Java `BrokerController#shutdown`: leave the name servers, stop
    /// serving, persist, then close the store cleanly.
    pub async fn shutdown(self) {
        let broker = self.broker;
        tracing::info!(broker = %broker.broker_config.broker_name, "broker shutting down");
        broker
            .broker_outer_api
            .unregister_broker_all(&self.identity)
            .await;
        // Held pulls get their (empty) answer now rather than a timeout later.
        broker.pull_request_hold_service.wake_all();
        self.server.shutdown().await;
        for task in &self.tasks {
            task.abort();
        }
        let closing = broker.clone();
        let _ = tokio::task::spawn_blocking(move || {
            closing.persist_all();
            closing.store.shutdown();
        })
        .await;
        broker.broker_outer_api.shutdown().await;
        tracing::info!(broker = %broker.broker_config.broker_name, "broker shut down");
    }
}

/// `consumerOffset.json` every `flushConsumerOffsetInterval`.
fn spawn_offset_flush(broker: &BrokerController) -> JoinHandle<()> {
    let period =
        Duration::from_millis(broker.broker_config.flush_consumer_offset_interval.max(100));
    let offsets = broker.consumer_offset_manager.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let offsets = offsets.clone();
            let _ = tokio::task::spawn_blocking(move || offsets.persist_if_dirty()).await;
        }
    })
}

/// After a topic change: write `topics.json`, then re-register so the
/// name servers learn the new route at once.
fn spawn_topic_change_watch(
    broker: &Arc<BrokerController>,
    identity: BrokerIdentity,
) -> JoinHandle<()> {
    let broker = broker.clone();
    tokio::spawn(async move {
        loop {
            broker.topic_config_manager.changed().notified().await;
            let topics = broker.topic_config_manager.clone();
            let _ = tokio::task::spawn_blocking(move || topics.persist()).await;
            broker.register_broker_all(&identity).await;
        }
    })
}

/// After a subscription group change: write `subscriptionGroup.json`.
fn spawn_group_change_watch(broker: &BrokerController) -> JoinHandle<()> {
    let groups = broker.subscription_group_manager.clone();
    tokio::spawn(async move {
        loop {
            groups.changed().notified().await;
            let groups = groups.clone();
            let _ = tokio::task::spawn_blocking(move || groups.persist()).await;
        }
    })
}

/// REGISTER_BROKER every `registerNameServerPeriod`, the first after 10 s.
fn spawn_periodic_register(
    broker: &Arc<BrokerController>,
    identity: BrokerIdentity,
) -> JoinHandle<()> {
    let period = Duration::from_millis(broker.broker_config.register_period_millis());
    let broker = broker.clone();
    tokio::spawn(async move {
        let first = tokio::time::Instant::now() + Duration::from_secs(10);
        let mut tick = tokio::time::interval_at(first, period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            broker.register_broker_all(&identity).await;
        }
    })
}
