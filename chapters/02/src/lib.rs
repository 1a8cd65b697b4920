//! # Chapter 02 — broker liveness
//!
//! New in this chapter: time. Brokers re-register every 30 s; the name server
//! scans every 5 s and drops a broker it has not heard from for 120 s
//! (`scanNotActiveBroker` → `onChannelDestroy` → `unRegisterBroker`), so a
//! topic's route shrinks and a topic served only by the silent broker
//! disappears. A broker that shuts down cleanly sends UNREGISTER_BROKER and
//! leaves at once. All of it runs on a virtual clock, so three minutes of
//! cluster life print the same trace on every run.
//!
//! ## Source map
//!
//! New or changed in this chapter:
//!
//! | RocketMQ (Java) | here |
//! |---|---|
//! | `System.currentTimeMillis`, `ScheduledExecutorService#scheduleAtFixedRate` | `src/common/virtual_clock.rs` |
//! | `BrokerLiveInfo` (`lastUpdateTimestamp`, `heartbeatTimeoutMillis`) | `src/namesrv/route_info_manager.rs` |
//! | `RouteInfoManager#scanNotActiveBroker`, `#onChannelDestroy`, `#unRegisterBroker`, `#cleanTopicByUnRegisterRequests` | `src/namesrv/route_info_manager.rs` |
//! | `NamesrvController#startScheduleService`, `NamesrvConfig.scanNotActiveBrokerInterval` | `src/namesrv/controller.rs` |
//! | `DefaultRequestProcessor#unregisterBroker` | `src/namesrv/processor.rs` |
//! | `UnRegisterBrokerRequestHeader` | `src/remoting/protocol/header.rs` |
//! | `BrokerController#start` (periodic `registerBrokerAll`), `#shutdown` | `src/broker/controller.rs` |
//! | `BrokerOuterAPI#unregisterBrokerAll` | `src/broker/broker_outer_api.rs` |
//!
//! Carried over from chapter 01:
//!
//! | RocketMQ (Java) | here |
//! |---|---|
//! | `RemotingCommand`, `RequestCode`, `ResponseCode` | `src/remoting/{command,code}.rs` |
//! | `RemotingClient#invokeSync`, `NettyRequestProcessor` | `src/remoting/transport.rs` (in-process) |
//! | `RegisterBrokerRequestHeader`, `RegisterBrokerBody` | `src/remoting/protocol/{header,body/register_broker_body}.rs` |
//! | `TopicRouteData`, `TopicConfig`, `DataVersion`, `PermName`, `MixAll` | `src/common/` |
//! | `RouteInfoManager#registerBroker`, `#pickupTopicRouteData` | `src/namesrv/route_info_manager.rs` |
//! | `BrokerOuterAPI#registerBrokerAll` | `src/broker/broker_outer_api.rs` |
//! | `MQClientAPIImpl#getTopicRouteInfoFromNameServer` | `src/client/mq_client_api_impl.rs` |
//!
//! ## Layout and shortcuts
//!
//! Files are named after the Java classes they mirror. The shortcuts taken
//! for teaching, each lifted by a later chapter:
//!
//! * The network is a map from address to processor (`transport.rs`);
//!   Part V puts TCP under the same two traits, and chapter 18 adds the other
//!   way out of the tables: a closed connection removes its broker at once.
//! * Time is virtual: nothing happens between two `advance_to` calls.
//! * A broker's topics are a plain map; `TopicConfigManager` is chapter 03.
//!
//! Run it with `cargo run -p chapter-02`; the book's chapter 02 walks through
//! the trace it prints.

pub mod broker;
pub mod client;
pub mod common;
pub mod namesrv;
pub mod remoting;

use std::sync::Arc;

use workbook_trace::scene;

use crate::broker::broker_config::BrokerConfig;
use crate::broker::controller::BrokerController;
use crate::client::mq_client_api_impl::MQClientAPIImpl;
use crate::common::topic_config::TopicConfig;
use crate::common::virtual_clock::VirtualClock;
use crate::namesrv::controller::NamesrvController;
use crate::remoting::transport::InProcessNetwork;

/// Where the name server listens (9876 is RocketMQ's default port).
pub const NAMESRV_ADDR: &str = "10.0.0.10:9876";

/// The configuration of the scenario's brokers: master (id 0) of
/// `broker_name` in `DefaultCluster`, at `ip:10911`. The exercises reuse it.
pub fn broker_config(broker_name: &str, ip: &str) -> BrokerConfig {
    BrokerConfig {
        broker_cluster_name: "DefaultCluster".to_string(),
        broker_name: broker_name.to_string(),
        broker_id: 0,
        broker_ip1: ip.to_string(),
        listen_port: 10911,
        namesrv_addr: NAMESRV_ADDR.to_string(),
        register_name_server_period: 30_000,
    }
}

/// A broker at `ip:10911` serving `topics`, started: registered once, with
/// its periodic re-registration scheduled on `clock`.
pub fn start_broker(
    network: &InProcessNetwork,
    clock: &VirtualClock,
    broker_name: &str,
    ip: &str,
    topics: &[(&str, i32)],
) -> Arc<BrokerController> {
    let client = network.client(&format!("{ip}:10911"));
    let mut broker =
        BrokerController::new(broker_config(broker_name, ip), Box::new(client), clock.clone());
    for (topic, queues) in topics {
        broker.update_topic_config(TopicConfig::new(topic, *queues));
    }
    let broker = Arc::new(broker);
    broker.start();
    broker
}

// ANCHOR: scenario
/// Two brokers register and keep re-registering; broker-b hangs and expires,
/// then broker-a shuts down cleanly.
pub fn run_scenario() {
    let network = InProcessNetwork::default();
    let clock = VirtualClock::new();

    scene!("t=0s: a name server with five empty tables and a 5-second scan");
    let namesrv = NamesrvController::new(NAMESRV_ADDR, clock.clone());
    namesrv.start(&network);

    scene!("t=0s: broker-a and broker-b start and register");
    let broker_a =
        start_broker(&network, &clock, "broker-a", "10.0.0.1", &[("TopicTest", 4), ("TopicA", 8)]);
    let broker_b =
        start_broker(&network, &clock, "broker-b", "10.0.0.2", &[("TopicTest", 4), ("TopicB", 2)]);

    scene!("t=5s: broker-b hangs");
    clock.advance_to(5_000);
    broker_b.simulate_hang();

    scene!("t=5s..120s: broker-a re-registers every 30 s; broker-b stays silent");
    clock.advance_to(120_000);

    scene!("t=125s: the scan finds broker-b silent for longer than 120 s");
    clock.advance_to(125_000);

    scene!("t=125s: a client asks for TopicTest again");
    let client = MQClientAPIImpl::new("client", Box::new(network.client("10.0.0.50:50000")));
    let _ = client.get_topic_route_info_from_name_server(NAMESRV_ADDR, "TopicTest");

    scene!("t=125s: and for TopicB, which only broker-b served");
    let _ = client.get_topic_route_info_from_name_server(NAMESRV_ADDR, "TopicB");

    scene!("t=125s: broker-a shuts down cleanly (UNREGISTER_BROKER)");
    broker_a.shutdown();
    let _ = client.get_topic_route_info_from_name_server(NAMESRV_ADDR, "TopicTest");

    scene!("t=180s: later scans find nothing left to expire");
    clock.advance_to(180_000);
    namesrv.route_info_manager().print_all_periodically();
}
// ANCHOR_END: scenario
