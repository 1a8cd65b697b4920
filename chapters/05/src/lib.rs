//! # Chapter 05 — the pull path and consumer offsets
//!
//! New in this chapter: consumers. A consumer sends PULL_MESSAGE for one
//! queue from one queue offset; `PullMessageProcessor` checks the request,
//! turns the subscription (`TagA || TagB`) into tag hash codes, and asks
//! `DefaultMessageStore#getMessage`, which classifies the offset against the
//! queue — inside, past the end by one, past it badly, before its start —
//! and walks the queue, letting an `ExpressionMessageFilter` drop messages
//! by hash. The status becomes the response code (FOUND → SUCCESS,
//! NO_MATCHED_MESSAGE → PULL_RETRY_IMMEDIATELY, OFFSET_OVERFLOW_ONE →
//! PULL_NOT_FOUND, OFFSET_OVERFLOW_BADLY → PULL_OFFSET_MOVED) and the header
//! says where to continue (`nextBeginOffset`). Consumers report progress
//! with the pull's COMMIT_OFFSET bit or with UPDATE_CONSUMER_OFFSET;
//! `ConsumerOffsetManager` keeps it, writes `consumerOffset.json` every 5 s
//! and at shutdown (through `.bak`), and loads it again after a restart, so
//! QUERY_CONSUMER_OFFSET answers where the group left off.
//!
//! ## Source map
//!
//! New or changed in this chapter:
//!
//! | RocketMQ (Java) | here |
//! |---|---|
//! | `PullMessageProcessor#processRequest`, `DefaultPullMessageResultHandler` | `src/broker/processor/pull_message_processor.rs` |
//! | `ConsumerManageProcessor#updateConsumerOffset`, `#queryConsumerOffset` | `src/broker/processor/consumer_manage_processor.rs` |
//! | `ConsumerOffsetManager#commitOffset`, `#queryOffset`, `#persist`, `#load` | `src/broker/consumer_offset_manager.rs` |
//! | `ExpressionMessageFilter#isMatchedByConsumeQueue` | `src/broker/filter/expression_message_filter.rs` |
//! | `BrokerController#registerProcessor`, `#initializeBrokerScheduledTasks` | `src/broker/controller.rs` |
//! | `DefaultMessageStore#getMessage`, `#getMaxOffsetInQueue` | `src/store/message_store.rs` |
//! | `GetMessageResult`, `GetMessageStatus`, `MessageFilter` | `src/store/{get_message_result,message_filter}.rs` |
//! | `SubscriptionData`, `FilterAPI#buildSubscriptionData` | `src/remoting/protocol/heartbeat/subscription_data.rs` |
//! | `PullMessageRequestHeader`, `PullMessageResponseHeader` | `src/remoting/protocol/header/pull.rs` |
//! | `UpdateConsumerOffsetRequestHeader`, `QueryConsumerOffset{Request,Response}Header` | `src/remoting/protocol/header/offset.rs` |
//! | `PullSysFlag` | `src/common/sysflag.rs` |
//! | `MessageDecoder#decodesBatch` | `src/common/message_decoder.rs` |
//! | `MQClientAPIImpl#pullMessage`, `#processPullResponse`, `#updateConsumerOffset`, `#queryConsumerOffset`, `PullResult` | `src/client/{mq_client_api_impl,pull_result}.rs` |
//!
//! Carried over from chapters 01–04:
//!
//! | RocketMQ (Java) | here |
//! |---|---|
//! | `SendMessageProcessor`, `DefaultMessageStore#putMessage` | `src/broker/processor/send_message_processor.rs`, `src/store/message_store.rs` |
//! | `BrokerStartup`, `BrokerController#initialize`, `#start`, `#shutdown` | `src/broker/{broker_startup,controller}.rs` |
//! | `TopicConfigManager`, `ConfigManager` (`topics.json`, `.bak`) | `src/broker/topic_config_manager.rs`, `src/common/config_manager.rs` |
//! | `BrokerOuterAPI#registerBrokerAll`, `AdminBrokerProcessor#updateAndCreateTopic` | `src/broker/` |
//! | `RemotingCommand`, codes, processor table, in-process transport | `src/remoting/` |
//! | `RouteInfoManager`, `NamesrvController`, `DefaultRequestProcessor` | `src/namesrv/` |
//! | `Message`, `TopicConfig`, `TopicRouteData`, `DataVersion`, virtual clock | `src/common/` |
//!
//! ## Layout and shortcuts
//!
//! Files are named after the Java classes they mirror. The shortcuts taken
//! for teaching, each lifted by a later chapter:
//!
//! * A PULL_MESSAGE response carries the messages as JSON; RocketMQ sends
//!   their commit-log records as stored, which chapter 12 gives bytes to.
//! * The store is in memory and deletes nothing, so a queue always starts
//!   at offset 0 and OFFSET_TOO_SMALL cannot happen yet (Part IV).
//! * A pull must carry its subscription (the SUBSCRIPTION bit); Java falls
//!   back to what the group's heartbeat registered (chapter 10), and checks
//!   the group against `SubscriptionGroupManager`.
//! * The consumer re-checks tags after a pull in Java
//!   (`PullAPIWrapper#processPullResult`); here it does not (an exercise).
//! * `consumerOffset.json` quotes its queue ids; Java's fastjson writes them
//!   bare (`{0:3}`), which is not JSON.
//! * UPDATE_CONSUMER_OFFSET is a round trip; Java sends it oneway.
//! * No producer or consumer object yet (Part III): the scenario fills in
//!   the headers they would.
//!
//! Run it with `cargo run -p chapter-05`; the book's chapter 05 walks through
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
use crate::common::message::Message;
use crate::common::sysflag::build_sys_flag;
use crate::common::topic_validator::AUTO_CREATE_TOPIC_KEY_TOPIC;
use crate::common::virtual_clock::VirtualClock;
use crate::namesrv::controller::NamesrvController;
use crate::remoting::protocol::header::offset::{
    QueryConsumerOffsetRequestHeader, UpdateConsumerOffsetRequestHeader,
};
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

/// What `PullAPIWrapper#pullKernelImpl` fills in before a pull of
/// TopicTest-0 (chapter 09 builds the consumer around it). `commit_offset`
/// sets the COMMIT_OFFSET bit.
fn pull(consumer: &MQClientAPIImpl, offset: i64, subscription: &str, commit_offset: Option<i64>) {
    let header = PullMessageRequestHeader {
        consumer_group: CONSUMER_GROUP.to_string(),
        topic: "TopicTest".to_string(),
        queue_id: 0,
        queue_offset: offset,
        max_msg_nums: 32,
        sys_flag: build_sys_flag(commit_offset.is_some(), false, true),
        commit_offset: commit_offset.unwrap_or(0),
        suspend_timeout_millis: 15_000,
        subscription: Some(subscription.to_string()),
        sub_version: 0,
        expression_type: Some("TAG".to_string()),
    };
    let _ = consumer.pull_message(BROKER_A, header);
}

/// The consumer group of the scenario.
const CONSUMER_GROUP: &str = "ConsumerGroupA";

// ANCHOR: scenario
/// Three messages; a consumer pulls them by tag, commits its progress both
/// ways, and finds it again after the broker restarts.
pub fn run_scenario() {
    let network = InProcessNetwork::default();
    let clock = VirtualClock::new();
    let store_root = StoreRoot::new("chapter-05");

    scene!("t=0s: a name server and broker-a start (chapter 03)");
    NamesrvController::new("namesrv", NAMESRV, clock.clone()).start(&network);
    let broker = start_broker_a(&network, &clock, &store_root);

    scene!("t=1s: a producer sends TagA, TagB, TagA to TopicTest-0 (chapter 04)");
    clock.advance_to(1_000);
    let producer = MQClientAPIImpl::new("producer", Box::new(network.client("10.0.0.50:50000")));
    for (i, tag) in ["TagA", "TagB", "TagA"].into_iter().enumerate() {
        send(
            &producer,
            &clock,
            &Message::new("TopicTest", tag, format!("Hello {i}")),
            0,
        );
    }

    scene!("t=2s: the consumer pulls from offset 0, subscribed to TagA");
    clock.advance_to(2_000);
    let consumer = MQClientAPIImpl::new("consumer", Box::new(network.client("10.0.0.70:50000")));
    pull(&consumer, 0, "TagA", None);

    scene!("t=3s: it pulls from 3, committing 1 (message 0 is done, message 2 is not)");
    clock.advance_to(3_000);
    pull(&consumer, 3, "TagA", Some(1));

    scene!("t=4s: message 2 is done too: UPDATE_CONSUMER_OFFSET");
    clock.advance_to(4_000);
    let update = UpdateConsumerOffsetRequestHeader {
        consumer_group: CONSUMER_GROUP.to_string(),
        topic: "TopicTest".to_string(),
        queue_id: 0,
        commit_offset: 3,
    };
    let _ = consumer.update_consumer_offset(BROKER_A, update);

    scene!("t=5s: a subscription nothing matches, and an offset past the end");
    clock.advance_to(5_000);
    pull(&consumer, 0, "TagC", None);
    pull(&consumer, 99, "TagA", None);

    scene!("t=10s: the broker writes consumerOffset.json (every 5 s from t=10s)");
    clock.advance_to(10_000);

    scene!(
        "t=12s: broker-a restarts; the offsets survive (the in-memory messages do not, until Part IV)"
    );
    clock.advance_to(12_000);
    broker.shutdown();
    drop(broker);
    let _broker = start_broker_a(&network, &clock, &store_root);
    let query = QueryConsumerOffsetRequestHeader {
        consumer_group: CONSUMER_GROUP.to_string(),
        topic: "TopicTest".to_string(),
        queue_id: 0,
        set_zero_if_not_found: Some(false),
    };
    let _ = consumer.query_consumer_offset(BROKER_A, query);
}
// ANCHOR_END: scenario
