//! # Chapter 01 — the route tables
//!
//! New in this chapter: everything. A name server holding RocketMQ's five
//! route tables, brokers that register their topics with it
//! (`REGISTER_BROKER`), and a client that asks it where a topic lives
//! (`GET_ROUTEINFO_BY_TOPIC`), all exchanging `RemotingCommand`s over an
//! in-process transport.
//!
//! ## Source map
//!
//! | RocketMQ (Java) | here |
//! |---|---|
//! | `RemotingCommand` | `src/remoting/command.rs` |
//! | `RequestCode`, `ResponseCode` | `src/remoting/code.rs` |
//! | `RemotingClient#invokeSync`, `NettyRequestProcessor` | `src/remoting/transport.rs` (in-process) |
//! | `RegisterBrokerRequestHeader`, `GetRouteInfoRequestHeader` | `src/remoting/protocol/header.rs` |
//! | `RegisterBrokerBody`, `TopicConfigSerializeWrapper` | `src/remoting/protocol/body/register_broker_body.rs` |
//! | `TopicRouteData`, `QueueData`, `BrokerData` | `src/common/route.rs` |
//! | `TopicConfig`, `DataVersion`, `PermName`, `MixAll` | `src/common/{topic_config,data_version,perm,mix_all}.rs` |
//! | `NamesrvStartup`, `NamesrvController#initialize/#start` | `src/namesrv/controller.rs` |
//! | `RouteInfoManager#registerBroker`, `#createAndUpdateQueueData`, `#pickupTopicRouteData` | `src/namesrv/route_info_manager.rs` |
//! | `DefaultRequestProcessor#processRequest`, `ClientRequestProcessor#getRouteInfoByTopic` | `src/namesrv/processor.rs` |
//! | `BrokerController#registerBrokerAll` | `src/broker/controller.rs` |
//! | `BrokerOuterAPI#registerBrokerAll` | `src/broker/broker_outer_api.rs` |
//! | `MQClientAPIImpl#getTopicRouteInfoFromNameServer` | `src/client/mq_client_api_impl.rs` |
//!
//! ## Layout and shortcuts
//!
//! Files are named after the Java classes they mirror. The shortcuts taken
//! for teaching, each lifted by a later chapter:
//!
//! * The network is a map from address to processor (`transport.rs`);
//!   Part V puts TCP under the same two traits.
//! * Brokers register once; re-registration and expiry are chapter 02.
//! * A broker's topics are a plain map; `TopicConfigManager` is chapter 03.
//!
//! Run it with `cargo run -p chapter-01`; the book's chapter 01 walks through
//! the trace it prints.

pub mod broker;
pub mod client;
pub mod common;
pub mod namesrv;
pub mod remoting;

use workbook_trace::scene;

use crate::broker::broker_config::BrokerConfig;
use crate::broker::controller::BrokerController;
use crate::client::mq_client_api_impl::MQClientAPIImpl;
use crate::common::topic_config::TopicConfig;
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
    }
}

// ANCHOR: scenario
/// Two brokers of `DefaultCluster` register; a client asks for a topic both
/// serve and for one nobody serves.
pub fn run_scenario() {
    let network = InProcessNetwork::default();

    scene!("NamesrvStartup: a name server with five empty tables");
    let namesrv = NamesrvController::new(NAMESRV_ADDR);
    namesrv.start(&network);

    scene!("broker-a starts and registers its topics");
    let mut broker_a = BrokerController::new(
        broker_config("broker-a", "10.0.0.1"),
        Box::new(network.client("10.0.0.1:10911")),
    );
    broker_a.update_topic_config(TopicConfig::new("TopicTest", 4));
    broker_a.update_topic_config(TopicConfig::new("TopicA", 8));
    broker_a.start();

    scene!("broker-b starts and registers its topics");
    let mut broker_b = BrokerController::new(
        broker_config("broker-b", "10.0.0.2"),
        Box::new(network.client("10.0.0.2:10911")),
    );
    broker_b.update_topic_config(TopicConfig::new("TopicTest", 4));
    broker_b.update_topic_config(TopicConfig::new("TopicB", 2));
    broker_b.start();

    scene!("what the name server knows now");
    namesrv.route_info_manager().print_all_periodically();

    scene!("a client asks where TopicTest lives");
    let client = MQClientAPIImpl::new("client", Box::new(network.client("10.0.0.50:50000")));
    // The answers are in the trace; the client would cache the route and
    // send to the brokers in it (Part III).
    let _ = client.get_topic_route_info_from_name_server(NAMESRV_ADDR, "TopicTest");

    scene!("the client asks for a topic no broker serves");
    let _ = client.get_topic_route_info_from_name_server(NAMESRV_ADDR, "TopicMissing");
}
// ANCHOR_END: scenario
