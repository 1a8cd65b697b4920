//! `NamesrvController`: wires a name server together and runs it.
//!
//! Mirrors `org.apache.rocketmq.namesrv.NamesrvController`. Starting a name
//! server means, in order:
//!
//! 1. load the KV config (`KVConfigManager#load`);
//! 2. bind the remoting server and register the processors —
//!    [`ClientRequestProcessor`] for GET_ROUTEINFO_BY_TOPIC,
//!    [`DefaultRequestProcessor`] for everything else — and the
//!    [`BrokerHousekeepingService`] as connection listener;
//! 3. start a task that runs `RouteInfoManager#scanNotActiveBroker` every
//!    `scanNotActiveBrokerInterval` (5 s).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use mini_rocketmq::namesrv::{NamesrvConfig, NamesrvController};
//! let handle = NamesrvController::new(NamesrvConfig::default())
//!     .start("127.0.0.1:0")
//!     .await?;
//! println!("name server on {}", handle.local_addr());
//! handle.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Java waits 5 s before the first scan whatever the interval; we wait one
//! interval, which is the same with the default and lets a test with a
//! short interval see its first scan promptly.
//!
//! Shutting down stops the scan, then the server (which closes every
//! connection). Nothing needs flushing: routes are rebuilt from broker
//! registrations, and the KV table is written on every change.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::namesrv::broker_housekeeping_service::BrokerHousekeepingService;
use crate::namesrv::clock::{Clock, SystemClock};
use crate::namesrv::kv_config_manager::KVConfigManager;
use crate::namesrv::namesrv_config::NamesrvConfig;
use crate::namesrv::processor::{ClientRequestProcessor, DefaultRequestProcessor};
use crate::namesrv::route_info_manager::RouteInfoManager;
use crate::remoting::code::request_code;
use crate::remoting::server::{RemotingServer, ServerConfig, ServerHandle};

/// A configured, not yet started name server.
pub struct NamesrvController {
    config: NamesrvConfig,
    clock: Arc<dyn Clock>,
}

impl NamesrvController {
    pub fn new(config: NamesrvConfig) -> Self {
        NamesrvController {
            config,
            clock: Arc::new(SystemClock),
        }
    }

    /// Use another clock for broker liveness (tests pass a `ManualClock`).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn config(&self) -> &NamesrvConfig {
        &self.config
    }

    /// Bind `listen` (`host:port`; port 0 picks a free one), start serving
    /// on the current tokio runtime and return a handle to the running server.
    pub async fn start(self, listen: &str) -> io::Result<NamesrvHandle> {
        let config = Arc::new(self.config);
        let clock = self.clock;

        let kv_config_manager = Arc::new(KVConfigManager::new(config.kv_config_path.clone()));
        kv_config_manager.load_if_configured();
        let route_info_manager = Arc::new(RouteInfoManager::new(&config, clock.clone()));

        let client_processor = Arc::new(ClientRequestProcessor::new(
            config.clone(),
            route_info_manager.clone(),
            kv_config_manager.clone(),
            clock.clone(),
        ));
        let default_processor = Arc::new(DefaultRequestProcessor::new(
            config.clone(),
            route_info_manager.clone(),
            kv_config_manager.clone(),
            client_processor.clone(),
        ));

        let server_config = ServerConfig {
            channel_max_idle: Duration::from_secs(config.server_channel_max_idle_time_seconds),
            ..ServerConfig::default()
        };
        let mut server = RemotingServer::bind(listen, server_config).await?;
        server.register_processor(request_code::GET_ROUTEINFO_BY_TOPIC, client_processor);
        server.register_default_processor(default_processor);
        server.set_channel_event_listener(Arc::new(BrokerHousekeepingService::new(
            route_info_manager.clone(),
        )));
        let server = server.start();

        let (stop_tx, stop_rx) = watch::channel(false);
        let interval = Duration::from_millis(config.scan_not_active_broker_interval.max(1));
        let scan_task = tokio::spawn(scan_not_active_broker_loop(
            route_info_manager.clone(),
            interval,
            stop_rx,
        ));

        tracing::info!(addr = %server.local_addr(), "name server started");
        Ok(NamesrvHandle {
            server,
            route_info_manager,
            kv_config_manager,
            config,
            stop_tx,
            scan_task,
        })
    }
}

/// Java's `scanExecutorService.scheduleAtFixedRate(scanNotActiveBroker, …)`.
async fn scan_not_active_broker_loop(
    route_info_manager: Arc<RouteInfoManager>,
    interval: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    // A stalled runtime should not cause a burst of back-to-back scans.
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                tracing::debug!("start scanNotActiveBroker");
                route_info_manager.scan_not_active_broker();
            }
            _ = stop.changed() => return,
        }
    }
}

/// A running name server.
pub struct NamesrvHandle {
    server: ServerHandle,
    route_info_manager: Arc<RouteInfoManager>,
    kv_config_manager: Arc<KVConfigManager>,
    config: Arc<NamesrvConfig>,
    stop_tx: watch::Sender<bool>,
    scan_task: JoinHandle<()>,
}

impl NamesrvHandle {
    /// The address actually bound (the real port when started on port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    pub fn route_info_manager(&self) -> &Arc<RouteInfoManager> {
        &self.route_info_manager
    }

    pub fn kv_config_manager(&self) -> &Arc<KVConfigManager> {
        &self.kv_config_manager
    }

    pub fn config(&self) -> &NamesrvConfig {
        &self.config
    }

    /// Stop the scan, stop accepting, close every connection, and return
    /// once the port is free.
    pub async fn shutdown(self) {
        let _ = self.stop_tx.send(true);
        let _ = self.scan_task.await;
        self.server.shutdown().await;
        tracing::info!("name server shut down");
    }
}
