//! # Chapter 08 — latency fault tolerance
//!
//! New in this chapter: the producer remembers which broker failed. In
//! chapter 07 a retry avoided the broker its previous attempt failed on, but
//! the next send walked straight back into it: two sends in five paid a
//! failed attempt. With `sendLatencyFaultEnable`, every attempt reports to
//! `MQFaultStrategy`, whose two tables (`latencyMax`, `notAvailableDuration`)
//! turn its latency into a time out; a failure is charged 10000 ms and earns
//! 10 s. `LatencyFaultToleranceImpl` keeps one `FaultItem` per broker, and
//! queue selection takes the next queue of an *available* broker first. On
//! the virtual clock the reader watches broker-b stay out of selection from
//! t=6 s to t=16 s, come back, fail again, and go out until t=27 s.
//!
//! ## Source map
//!
//! New or changed in this chapter:
//!
//! | RocketMQ (Java) | here |
//! |---|---|
//! | `MQFaultStrategy#selectOneMessageQueue`, `#updateFaultItem`, `#computeNotAvailableDuration`, `latencyMax`, `notAvailableDuration` | `src/client/producer/latency_fault_tolerance.rs` |
//! | `LatencyFaultToleranceImpl#updateFaultItem`, `#isAvailable`, `#isReachable`, `FaultItem` | `src/client/producer/latency_fault_tolerance.rs` |
//! | `DefaultMQProducerImpl#selectOneMessageQueue`, `#updateFaultItem`, `sendLatencyFaultEnable` | `src/client/producer/default_mq_producer_impl.rs` |
//! | `TopicPublishInfo#selectOneMessageQueue(QueueFilter...)` | `src/client/topic_publish_info.rs` |
//!
//! Carried over from chapter 07: `DefaultMQProducer`, `MQClientInstance`,
//! `MQClientManager`, `TopicPublishInfo` (`src/client/`); and from chapters
//! 01–06:
//!
//! | RocketMQ (Java) | here |
//! |---|---|
//! | `PullMessageProcessor`, `ConsumerOffsetManager`, `PullRequestHoldService` (unused by this scenario) | `src/broker/` |
//! | `MQClientAPIImpl#sendMessage`, `#getTopicRouteInfoFromNameServer`, `#createTopic` | `src/client/mq_client_api_impl.rs` |
//! | `SendMessageProcessor`, `DefaultMessageStore#putMessage` (in memory) | `src/broker/processor/`, `src/store/` |
//! | `BrokerStartup`, `BrokerController`, `TopicConfigManager`, `BrokerOuterAPI#registerBrokerAll` | `src/broker/` |
//! | `RemotingCommand`, codes, processor table, in-process transport | `src/remoting/` |
//! | `RouteInfoManager`, `NamesrvController`, `DefaultRequestProcessor` | `src/namesrv/` |
//! | `TopicConfig`, `TopicRouteData`, `Message`, virtual clock | `src/common/` |
//!
//! ## Layout and shortcuts
//!
//! Files are named after the Java classes they mirror. The shortcuts taken
//! for teaching:
//!
//! * Only the synchronous send. Java's async and oneway sends use the same
//!   route and queue selection and retry less (async) or never (oneway).
//! * `sendWhichQueue` starts at 0 and is shared by the producer's threads;
//!   Java starts a counter per thread at a random number.
//! * No send timeout (`sendMsgTimeout`, 3 s for all attempts together), and
//!   every in-process call takes 0 ms of virtual time: only failures, charged
//!   10000 ms, put a broker out of selection here. A slow broker would earn
//!   its time out the same way, from the latency table.
//! * Java 5's `LatencyFaultToleranceImpl` can probe an isolated broker in
//!   the background (`startDetectorEnable`, off by default) to lift its time
//!   out early; here a time out simply expires.
//! * `MQClientManager` is a value the scenario makes per client process, not
//!   a JVM-wide singleton, so that tests running in parallel never share an
//!   instance; `instanceName` is kept as given instead of `pid#nanoTime`.
//! * Of `MQClientInstance`'s timers only the route poll runs; heartbeats to
//!   brokers arrive with consumer groups (chapter 10). No message gets a
//!   `UNIQ_KEY`, so `SendResult` carries the broker's offset message id only.
//! * A broker that loses power (`simulate_power_cut`) closes no connection:
//!   the in-process network has none. A real name server would notice the
//!   closed channel at once (chapter 18); here it waits for its 120 s scan.
//!
//! Run it with `cargo run -p chapter-08`; the book's chapter 08 walks through
//! the trace it prints.

pub mod broker;
pub mod client;
pub mod common;
pub mod namesrv;
pub mod remoting;
pub mod store;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use workbook_trace::scene;

use crate::broker::broker_config::BrokerConfig;
use crate::broker::broker_startup;
use crate::broker::controller::BrokerController;
use crate::client::client_config::ClientConfig;
use crate::client::mq_client_api_impl::MQClientAPIImpl;
use crate::client::mq_client_manager::MQClientManager;
use crate::client::producer::default_mq_producer::DefaultMQProducer;
use crate::client::producer::default_mq_producer_impl::ProducerConfig;
use crate::common::message::Message;
use crate::common::perm::{PERM_READ, PERM_WRITE};
use crate::common::topic_config::TopicConfig;
use crate::common::virtual_clock::VirtualClock;
use crate::namesrv::controller::NamesrvController;
use crate::remoting::transport::InProcessNetwork;
use crate::store::config::MessageStoreConfig;

/// The name server.
pub const NAMESRV_ADDR: &str = "10.0.0.10:9876";
/// Where broker-a and broker-b listen.
pub const BROKER_A_ADDR: &str = "10.0.0.1:10911";
pub const BROKER_B_ADDR: &str = "10.0.0.2:10911";
/// The machine the producer runs on.
pub const CLIENT_IP: &str = "10.0.0.50";

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

/// `mqbroker -c broker.conf` for one broker: create, initialize, start.
/// Each broker keeps its files in its own directory under `store_root`.
pub fn start_broker(
    network: &InProcessNetwork,
    clock: &VirtualClock,
    store_root: &StoreRoot,
    name: &str,
    ip: &str,
) -> Arc<BrokerController> {
    let broker_config = BrokerConfig {
        broker_name: name.to_string(),
        broker_ip1: ip.to_string(),
        namesrv_addr: NAMESRV_ADDR.to_string(),
        ..BrokerConfig::default()
    };
    let store_config = MessageStoreConfig::new(&store_root.path().join(name));
    let broker =
        broker_startup::create_broker_controller(broker_config, store_config, network, clock)
            // The directory is ours alone: its files are the ones we wrote.
            .expect("the scenario's config is valid and its directory its own");
    broker_startup::start(&broker);
    broker
}

/// The cluster of this chapter: one name server, broker-a and broker-b.
pub struct Cluster {
    pub network: InProcessNetwork,
    pub clock: VirtualClock,
    pub broker_a: Arc<BrokerController>,
    pub broker_b: Arc<BrokerController>,
    /// Removed when the cluster is dropped.
    _store_root: StoreRoot,
}

impl Cluster {
    /// Start the name server and both brokers at t=0 (chapter 03).
    pub fn start() -> Cluster {
        let network = InProcessNetwork::default();
        let clock = VirtualClock::new();
        let store_root = StoreRoot::new("chapter-08");
        NamesrvController::new("namesrv", NAMESRV_ADDR, clock.clone()).start(&network);
        let broker_a = start_broker(&network, &clock, &store_root, "broker-a", "10.0.0.1");
        let broker_b = start_broker(&network, &clock, &store_root, "broker-b", "10.0.0.2");
        Cluster {
            network,
            clock,
            broker_a,
            broker_b,
            _store_root: store_root,
        }
    }

    /// `mqadmin updateTopic -b <addr> -t <topic> -w <queues>` once per
    /// broker: the topic, readable and writable, with that many queues there.
    pub fn create_topic(&self, topic: &str, queues_by_broker: &[(&str, i32)]) {
        let mqadmin =
            MQClientAPIImpl::new("mqadmin", Box::new(self.network.client("10.0.0.60:50000")));
        for &(addr, queues) in queues_by_broker {
            let topic_config =
                TopicConfig::with_queues(topic, queues, queues, PERM_READ | PERM_WRITE);
            let _ = mqadmin.create_topic(addr, &topic_config);
        }
    }

    /// The `MQClientManager` of a client process on this cluster's network.
    pub fn client_manager(&self) -> MQClientManager {
        MQClientManager::new(&self.network, &self.clock)
    }
}

/// A producer of `group` on the client machine, named `instance_name`.
pub fn producer_config(group: &str, instance_name: &str) -> ProducerConfig {
    let client_config = ClientConfig {
        namesrv_addr: NAMESRV_ADDR.to_string(),
        client_ip: CLIENT_IP.to_string(),
        instance_name: instance_name.to_string(),
        ..ClientConfig::default()
    };
    ProducerConfig::new(group, client_config)
}

// ANCHOR: scenario
/// Chapter 07's power cut, with the fault strategy on: broker-b stays out
/// of queue selection for 10 s after each failure.
pub fn run_scenario() {
    run_scenario_with(true);
}

/// The scenario with `sendLatencyFaultEnable` as given (the exercises turn
/// it off to compare with chapter 07).
pub fn run_scenario_with(send_latency_fault_enable: bool) {
    scene!("t=0s: a name server, broker-a and broker-b start (chapter 03)");
    let cluster = Cluster::start();
    let clock = &cluster.clock;

    scene!("t=1s: mqadmin creates TopicTest: two queues on broker-a, three on broker-b");
    clock.advance_to(1_000);
    cluster.create_topic("TopicTest", &[(BROKER_A_ADDR, 2), (BROKER_B_ADDR, 3)]);

    scene!("t=2s: the producer starts with sendLatencyFaultEnable={send_latency_fault_enable}");
    clock.advance_to(2_000);
    let manager = cluster.client_manager();
    let mut config = producer_config("ProducerGroupA", "producer");
    config.send_latency_fault_enable = send_latency_fault_enable;
    let producer = DefaultMQProducer::new(config);
    let _ = producer.start(&manager);

    scene!("t=3s: two sends, one per broker, as in chapter 07");
    clock.advance_to(3_000);
    let _ = producer.send(&Message::new("TopicTest", "TagA", "Hello RocketMQ 1"));
    let _ = producer.send(&Message::new("TopicTest", "TagA", "Hello RocketMQ 2"));

    scene!("t=5s: broker-b loses power");
    clock.advance_to(5_000);
    cluster.broker_b.simulate_power_cut();

    scene!("t=6s: a send fails on broker-b, which is out of selection for 10 s");
    clock.advance_to(6_000);
    let _ = producer.send(&Message::new("TopicTest", "TagA", "Hello RocketMQ 3"));

    scene!("t=7s: broker-b is not available: the walk steps over its queues");
    clock.advance_to(7_000);
    let _ = producer.send(&Message::new("TopicTest", "TagA", "Hello RocketMQ 4"));
    let _ = producer.send(&Message::new("TopicTest", "TagA", "Hello RocketMQ 5"));

    scene!("t=10s: broker-a registers again (chapter 03); broker-b, without power, does not");
    clock.advance_to(10_000);

    scene!("t=17s: broker-b's time out is over: it is tried again, and fails again");
    clock.advance_to(17_000);
    let _ = producer.send(&Message::new("TopicTest", "TagA", "Hello RocketMQ 6"));
    let _ = producer.send(&Message::new("TopicTest", "TagA", "Hello RocketMQ 7"));
}
// ANCHOR_END: scenario
