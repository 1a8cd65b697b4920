//! # Chapter 03 — broker start-up
//!
//! New in this chapter: the broker as a process of its own. `BrokerStartup`
//! builds a `BrokerController`, which `initialize`s (loads
//! `config/topics.json`, or starts from the system topics and the template
//! topic `TBW102`), `start`s (listens, registers with **every** name server,
//! and again every 30 s) and `shutdown`s. Its topics live in a
//! `TopicConfigManager` whose data version tells a name server whether
//! anything changed; a topic created by `mqadmin` bumps that version,
//! rewrites `topics.json` (keeping the old file as `.bak`) and is registered
//! at once. Two name servers run side by side and never talk to each other:
//! each learns everything from the broker.
//!
//! ## Source map
//!
//! New or changed in this chapter:
//!
//! | RocketMQ (Java) | here |
//! |---|---|
//! | `BrokerStartup#createBrokerController`, `#start` | `src/broker/broker_startup.rs` |
//! | `BrokerController#initialize`, `#registerProcessor`, `#start`, `#shutdown`, `#registerBrokerAll`, `#registerIncrementBrokerData` | `src/broker/controller.rs` |
//! | `TopicConfigManager#init`, `#selectTopicConfig`, `#updateTopicConfig`, `#buildTopicConfigSerializeWrapper` | `src/broker/topic_config_manager.rs` |
//! | `ConfigManager#load`, `#persist` (the `.bak` protocol) | `src/common/config_manager.rs` |
//! | `AdminBrokerProcessor#updateAndCreateTopic` | `src/broker/processor/admin_broker_processor.rs` |
//! | `BrokerOuterAPI#registerBrokerAll` to every name server | `src/broker/broker_outer_api.rs` |
//! | `NettyRemotingAbstract` `processorTable`, `#registerProcessor`, `#registerDefaultProcessor` | `src/remoting/server.rs` |
//! | `CreateTopicRequestHeader` | `src/remoting/protocol/header/admin.rs` |
//! | `MQClientAPIImpl#createTopic` | `src/client/mq_client_api_impl.rs` |
//! | `TopicValidator` (system topic names), `MessageStoreConfig.storePathRootDir` | `src/common/topic_validator.rs`, `src/store/config.rs` |
//!
//! Carried over from chapters 01–02:
//!
//! | RocketMQ (Java) | here |
//! |---|---|
//! | `RemotingCommand`, `RequestCode`, `ResponseCode` | `src/remoting/{command,code}.rs` |
//! | `RemotingClient#invokeSync`, `NettyRequestProcessor` | `src/remoting/transport.rs` (in-process) |
//! | `RegisterBrokerRequestHeader`, `RegisterBrokerBody` | `src/remoting/protocol/{header,body/register_broker_body}.rs` |
//! | `TopicRouteData`, `TopicConfig`, `DataVersion`, `PermName`, `MixAll` | `src/common/` |
//! | `RouteInfoManager#registerBroker`, `#pickupTopicRouteData`, `#scanNotActiveBroker`, `#unRegisterBroker` | `src/namesrv/route_info_manager.rs` |
//! | `NamesrvController`, `DefaultRequestProcessor` | `src/namesrv/` |
//! | `BrokerOuterAPI#unregisterBrokerAll` | `src/broker/broker_outer_api.rs` |
//! | `MQClientAPIImpl#getTopicRouteInfoFromNameServer` | `src/client/mq_client_api_impl.rs` |
//! | `System.currentTimeMillis`, `ScheduledExecutorService` | `src/common/virtual_clock.rs` |
//!
//! ## Layout and shortcuts
//!
//! Files are named after the Java classes they mirror. The shortcuts taken
//! for teaching, each lifted by a later chapter:
//!
//! * The network is a map from address to processor (`transport.rs`); a
//!   broker's entry is its `RemotingServer`, a table of processors by code.
//!   Part V puts TCP under the same traits.
//! * Time is virtual: nothing happens between two `advance_to` calls.
//! * The broker stores no messages yet; `SendMessageProcessor` and the
//!   message store are chapter 04. Its config files are real files, in a
//!   scratch directory the scenario creates and removes, and the trace names
//!   them relative to the store root.
//! * Of Java's system topics we create the ones the book mentions; Java 5
//!   adds a few more (the reply, revive and broker-member-sync topics).
//! * Name servers print a registration's topic rows as a count once a
//!   broker brings more than one (every broker brings its system topics).
//!
//! Run it with `cargo run -p chapter-03`; the book's chapter 03 walks through
//! the trace it prints.

pub mod broker;
pub mod client;
pub mod common;
pub mod namesrv;
pub mod remoting;
#[cfg(feature = "solutions")]
mod solutions;
pub mod store;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use workbook_trace::scene;

use crate::broker::broker_config::BrokerConfig;
use crate::broker::broker_startup;
use crate::broker::controller::BrokerController;
use crate::client::mq_client_api_impl::MQClientAPIImpl;
use crate::common::topic_config::TopicConfig;
use crate::common::virtual_clock::VirtualClock;
use crate::namesrv::controller::NamesrvController;
use crate::remoting::transport::InProcessNetwork;
use crate::store::config::MessageStoreConfig;

/// The two name servers (9876 is RocketMQ's default port).
const NAMESRV_1: &str = "10.0.0.10:9876";
const NAMESRV_2: &str = "10.0.0.11:9876";
/// Where broker-a listens.
const BROKER_A: &str = "10.0.0.1:10911";

/// A scratch directory for one run of the scenario, removed when dropped.
///
/// Its name is unique per process and per run, so scenarios running in
/// parallel tests never share files; it never appears in the trace.
pub struct StoreRoot(PathBuf);

impl StoreRoot {
    pub fn new(label: &str) -> Self {
        static RUNS: AtomicU64 = AtomicU64::new(0);
        let run = RUNS.fetch_add(1, Ordering::Relaxed);
        let name = format!("rocketmq-workbook-{label}-{}-{run}", std::process::id());
        StoreRoot(std::env::temp_dir().join(name))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for StoreRoot {
    fn drop(&mut self) {
        // Best effort: a leftover scratch directory harms nobody.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// broker-a, as `broker.conf` would set it: both name servers, `;`-separated.
fn broker_a_config() -> BrokerConfig {
    BrokerConfig {
        broker_ip1: "10.0.0.1".to_string(),
        namesrv_addr: format!("{NAMESRV_1};{NAMESRV_2}"),
        ..BrokerConfig::default()
    }
}

/// `mqbroker -c broker.conf`: create, initialize and start broker-a.
fn start_broker_a(
    network: &InProcessNetwork,
    clock: &VirtualClock,
    store_root: &StoreRoot,
) -> Arc<BrokerController> {
    let store_config = MessageStoreConfig {
        store_path_root_dir: store_root.path().to_path_buf(),
    };
    let broker =
        broker_startup::create_broker_controller(broker_a_config(), store_config, network, clock)
            // The directory is ours alone: its files are the ones we wrote.
            .expect("the scenario's own topics.json always loads");
    broker_startup::start(&broker);
    broker
}

// ANCHOR: scenario
/// Two name servers; broker-a starts, gains a topic, restarts from its files.
pub fn run_scenario() {
    let network = InProcessNetwork::default();
    let clock = VirtualClock::new();
    let store_root = StoreRoot::new("chapter-03");

    scene!("t=0s: two name servers start; they never talk to each other");
    for (name, addr) in [("namesrv-1", NAMESRV_1), ("namesrv-2", NAMESRV_2)] {
        NamesrvController::new(name, addr, clock.clone()).start(&network);
    }

    scene!("t=0s: broker-a starts on an empty store directory");
    let broker = start_broker_a(&network, &clock, &store_root);

    scene!("t=5s: mqadmin creates TopicTest on broker-a");
    clock.advance_to(5_000);
    let mqadmin = MQClientAPIImpl::new("mqadmin", Box::new(network.client("10.0.0.60:50000")));
    let _ = mqadmin.create_topic(BROKER_A, &TopicConfig::new("TopicTest", 4));

    scene!("t=5s: a client asks namesrv-2 where TopicTest lives");
    let client = MQClientAPIImpl::new("client", Box::new(network.client("10.0.0.50:50000")));
    let _ = client.get_topic_route_info_from_name_server(NAMESRV_2, "TopicTest");

    scene!("t=10s: the periodic registration: every topic, same data version");
    clock.advance_to(10_000);

    scene!("t=15s: broker-a shuts down");
    clock.advance_to(15_000);
    broker.shutdown();
    drop(broker);

    scene!("t=20s: broker-a starts again from the same directory");
    clock.advance_to(20_000);
    let _broker = start_broker_a(&network, &clock, &store_root);
    let _ = client.get_topic_route_info_from_name_server(NAMESRV_1, "TopicTest");
}
// ANCHOR_END: scenario
