//! # Chapter 06 — long polling
//!
//! New in this chapter: a pull that finds nothing waits. A consumer pulls
//! with the SUSPEND bit and a `suspendTimeoutMillis` (15 s from a push
//! consumer, `brokerSuspendMaxTimeMillis`); when the read answers
//! PULL_NOT_FOUND, `PullMessageProcessor` does not answer but hands the
//! request to `PullRequestHoldService`, keyed by `topic@queueId`. Two things
//! end the wait: `DefaultMessageStore#putMessage` tells
//! `NotifyMessageArrivingListener` of every new message, which calls
//! `notifyMessageArriving` — a held pull from below the new max offset, for
//! a subscribed tag, runs again at once (`executeRequestWhenWakeup`) and
//! finds the message; or the service's check every 5 s finds a pull held
//! past its timeout and runs it again, and that run answers PULL_NOT_FOUND.
//! The transport learns to answer later: `invoke_async` and
//! `Channel#writeAndFlush`.
//!
//! ## Source map
//!
//! New or changed in this chapter:
//!
//! | RocketMQ (Java) | here |
//! |---|---|
//! | `PullRequestHoldService#suspendPullRequest`, `#checkHoldRequest`, `#notifyMessageArriving` | `src/broker/longpolling/pull_request_hold_service.rs` |
//! | `NotifyMessageArrivingListener#arriving` | `src/broker/longpolling/notify_message_arriving_listener.rs` |
//! | `PullRequest` | `src/broker/longpolling/pull_request.rs` |
//! | `PullMessageProcessor#processRequest(…, brokerAllowSuspend)`, `#executeRequestWhenWakeup` | `src/broker/processor/pull_message_processor.rs` |
//! | `MessageArrivingListener`, `DefaultMessageStore#putMessage` (arrival events) | `src/store/{message_arriving_listener,message_store}.rs` |
//! | `BrokerController` (the hold service, its listener, its start) | `src/broker/controller.rs` |
//! | `BrokerConfig.longPollingEnable`, `.shortPollingTimeMills` | `src/broker/broker_config.rs` |
//! | `RemotingClient#invokeAsync`, `Channel#writeAndFlush`, `AsyncNettyRequestProcessor` | `src/remoting/{transport,server}.rs` |
//! | `MQClientAPIImpl#pullMessageAsync` | `src/client/mq_client_api_impl.rs` |
//!
//! Carried over from chapters 01–05:
//!
//! | RocketMQ (Java) | here |
//! |---|---|
//! | `PullMessageProcessor`, `ConsumerManageProcessor`, `ConsumerOffsetManager` | `src/broker/processor/`, `src/broker/consumer_offset_manager.rs` |
//! | `SendMessageProcessor`, `DefaultMessageStore#putMessage`, `#getMessage` | `src/broker/processor/send_message_processor.rs`, `src/store/message_store.rs` |
//! | `BrokerStartup`, `BrokerController#initialize`, `#start`, `#shutdown` | `src/broker/{broker_startup,controller}.rs` |
//! | `TopicConfigManager`, `ConfigManager` (`topics.json`, `.bak`) | `src/broker/topic_config_manager.rs`, `src/common/config_manager.rs` |
//! | `BrokerOuterAPI#registerBrokerAll`, `AdminBrokerProcessor#updateAndCreateTopic` | `src/broker/` |
//! | `RemotingCommand`, codes, processor table | `src/remoting/` |
//! | `RouteInfoManager`, `NamesrvController`, `DefaultRequestProcessor` | `src/namesrv/` |
//! | `Message`, `TopicConfig`, `TopicRouteData`, `SubscriptionData`, virtual clock | `src/common/`, `src/remoting/protocol/` |
//!
//! ## Layout and shortcuts
//!
//! Files are named after the Java classes they mirror. The shortcuts taken
//! for teaching, each lifted by a later chapter:
//!
//! * Java's hold service is a thread that waits up to 5 s between checks
//!   and its wake-ups run on the pull thread pool; here the check is a task
//!   on the virtual clock and a wake-up runs at once, inside the put that
//!   caused it — so the consumer's answer is traced before the producer's.
//! * Java tells the listener from `ReputMessageService`, once the message
//!   is in its consume queue (chapter 13); the in-memory store tells it
//!   right after the put.
//! * The consumer's own timeout for a held pull (30 s,
//!   `consumerTimeoutMillisWhenSuspend`) is not modelled: the in-process
//!   transport never loses an answer.
//! * A PULL_MESSAGE response carries the messages as JSON (chapter 12), the
//!   store is in memory (Part IV), and there are no producer or consumer
//!   objects yet (Part III): the scenario fills in their headers.
//!
//! Run it with `cargo run -p chapter-06`; the book's chapter 06 walks through
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
use crate::client::mq_client_api_impl::MQClientAPIImpl;
use crate::common::message::Message;
use crate::common::sysflag::build_sys_flag;
use crate::common::topic_validator::AUTO_CREATE_TOPIC_KEY_TOPIC;
use crate::common::virtual_clock::VirtualClock;
use crate::namesrv::controller::NamesrvController;
use crate::remoting::protocol::header::pull::PullMessageRequestHeader;
use crate::remoting::protocol::header::send::SendMessageRequestHeader;
use crate::remoting::transport::InProcessNetwork;
use crate::store::config::MessageStoreConfig;

/// The name server (one is enough from here on; chapter 03 showed two).
const NAMESRV: &str = "10.0.0.10:9876";
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
        namesrv_addr: NAMESRV.to_string(),
        ..BrokerConfig::default()
    }
}

/// `mqbroker -c broker.conf`: create, initialize and start broker-a.
fn start_broker_a(
    network: &InProcessNetwork,
    clock: &VirtualClock,
    store_root: &StoreRoot,
) -> Arc<BrokerController> {
    let store_config = MessageStoreConfig::new(store_root.path());
    let broker =
        broker_startup::create_broker_controller(broker_a_config(), store_config, network, clock)
            // The directory is ours alone: its files are the ones we wrote.
            .expect("the scenario's config is valid and its directory its own");
    broker_startup::start(&broker);
    broker
}

/// What `DefaultMQProducerImpl#sendKernelImpl` fills in before a send
/// (chapter 07 builds the producer around it).
fn send(producer: &MQClientAPIImpl, clock: &VirtualClock, msg: &Message, queue_id: i32) {
    let header = SendMessageRequestHeader {
        producer_group: "ProducerGroupA".to_string(),
        topic: msg.topic.clone(),
        default_topic: AUTO_CREATE_TOPIC_KEY_TOPIC.to_string(),
        default_topic_queue_nums: 4,
        queue_id,
        sys_flag: 0,
        born_timestamp: clock.now_ms() as i64,
        flag: msg.flag,
        properties: None,
        reconsume_times: Some(0),
        unit_mode: Some(false),
        batch: Some(false),
        max_reconsume_times: None,
        broker_name: Some("broker-a".to_string()),
    };
    let _ = producer.send_message(BROKER_A, msg, header);
}

/// What `PullAPIWrapper#pullKernelImpl` fills in for a push consumer's pull
/// of TopicTest-0 (chapter 09 builds the consumer around it): SUSPEND, so
/// the broker may hold it, for up to `brokerSuspendMaxTimeMillis`.
fn pull_async(consumer: &MQClientAPIImpl, offset: i64) {
    let header = PullMessageRequestHeader {
        consumer_group: CONSUMER_GROUP.to_string(),
        topic: "TopicTest".to_string(),
        queue_id: 0,
        queue_offset: offset,
        max_msg_nums: 32,
        sys_flag: build_sys_flag(false, true, true),
        commit_offset: 0,
        suspend_timeout_millis: BROKER_SUSPEND_MAX_TIME_MILLIS,
        subscription: Some("TagA".to_string()),
        sub_version: 0,
        expression_type: Some("TAG".to_string()),
    };
    // The trace shows the result; the scenario itself needs nothing from it.
    let _ = consumer.pull_message_async(BROKER_A, header, |_| {});
}

/// The consumer group of the scenario.
const CONSUMER_GROUP: &str = "ConsumerGroupA";
/// `DefaultMQPushConsumerImpl.BROKER_SUSPEND_MAX_TIME_MILLIS`.
const BROKER_SUSPEND_MAX_TIME_MILLIS: i64 = 15_000;

// ANCHOR: scenario
/// A held pull woken by a message, and one woken by its timeout.
pub fn run_scenario() {
    let network = InProcessNetwork::default();
    let clock = VirtualClock::new();
    let store_root = StoreRoot::new("chapter-06");

    scene!("t=0s: a name server and broker-a start (chapter 03)");
    NamesrvController::new("namesrv", NAMESRV, clock.clone()).start(&network);
    let _broker = start_broker_a(&network, &clock, &store_root);

    scene!("t=1s: a producer sends one TagA message to TopicTest-0 (chapter 04)");
    clock.advance_to(1_000);
    let producer = MQClientAPIImpl::new("producer", Box::new(network.client("10.0.0.50:50000")));
    send(
        &producer,
        &clock,
        &Message::new("TopicTest", "TagA", "Hello 0"),
        0,
    );

    scene!("t=2s: the consumer pulls from 0 and gets it at once");
    clock.advance_to(2_000);
    let consumer = MQClientAPIImpl::new("consumer", Box::new(network.client("10.0.0.70:50000")));
    pull_async(&consumer, 0);

    scene!("t=2s: it pulls from 1: nothing there, so the broker holds the pull");
    pull_async(&consumer, 1);

    scene!("t=5s: the 5-second check finds nothing new: the pull stays held");
    clock.advance_to(5_000);

    scene!("t=6s: a message arrives and wakes the held pull");
    clock.advance_to(6_000);
    send(
        &producer,
        &clock,
        &Message::new("TopicTest", "TagA", "Hello 1"),
        0,
    );

    scene!("t=7s: the consumer pulls from 2 and is held again");
    clock.advance_to(7_000);
    pull_async(&consumer, 2);

    scene!("t=7s..25s: nothing arrives; the check after 7 s + 15 s ends the wait");
    clock.advance_to(25_000);
}
// ANCHOR_END: scenario
