//! # Chapter 04 — the send path
//!
//! New in this chapter: messages. A producer sends SEND_MESSAGE_V2 (the
//! header under one-letter keys); the broker's `SendMessageProcessor` turns
//! the header back into V1, checks the send (`msgCheck`: the topic's name,
//! whether clients may send to it, whether it exists, whether it is
//! writable, the queue id), creates a topic nobody created from the template
//! `TBW102` and registers it at once, then hands the message to
//! `DefaultMessageStore#putMessage`, which gives it the next queue offset of
//! its queue and the next commit-log offset, and an offset message id built
//! from both the store host and that offset. The response header carries
//! `msgId`, `queueId` and `queueOffset`. A bad topic name, a body over
//! `maxMessageSize` and a write to a read-only topic are answered with
//! RocketMQ's codes and remarks.
//!
//! ## Source map
//!
//! New or changed in this chapter:
//!
//! | RocketMQ (Java) | here |
//! |---|---|
//! | `SendMessageProcessor#sendMessage`, `#handlePutMessageResult`, `AbstractSendMessageProcessor#msgCheck`, `#parseRequestHeader` | `src/broker/processor/send_message_processor.rs` |
//! | `TopicConfigManager#createTopicInSendMessageMethod` | `src/broker/topic_config_manager.rs` |
//! | `BrokerController#registerProcessor` (SEND_MESSAGE, SEND_MESSAGE_V2) | `src/broker/controller.rs` |
//! | `DefaultMessageStore#putMessage`, `#checkMessage`, `CommitLog.calMsgLength` | `src/store/message_store.rs` |
//! | `PutMessageResult`, `PutMessageStatus`, `AppendMessageResult` | `src/store/put_message_result.rs` |
//! | `MessageStoreConfig.maxMessageSize` | `src/store/config.rs` |
//! | `SendMessageRequestHeader`, `SendMessageRequestHeaderV2`, `SendMessageResponseHeader` | `src/remoting/protocol/header/send.rs` |
//! | `Message`, `MessageExtBrokerInner`, `MessageExt`, `MessageConst` | `src/common/{message,message_const}.rs` |
//! | `MessageDecoder.createMessageId`, `#messageProperties2String` | `src/common/message_decoder.rs` |
//! | `TopicValidator#validateTopic`, `#isNotAllowedSendTopic`, `PermName#isWriteable` | `src/common/{topic_validator,perm}.rs` |
//! | `MQClientAPIImpl#sendMessage`, `#processSendResponse`, `SendResult` | `src/client/{mq_client_api_impl,send_result}.rs` |
//!
//! Carried over from chapters 01–03:
//!
//! | RocketMQ (Java) | here |
//! |---|---|
//! | `BrokerStartup`, `BrokerController#initialize`, `#start`, `#shutdown` | `src/broker/{broker_startup,controller}.rs` |
//! | `TopicConfigManager`, `ConfigManager` (`topics.json`, `.bak`) | `src/broker/topic_config_manager.rs`, `src/common/config_manager.rs` |
//! | `BrokerOuterAPI#registerBrokerAll`, `AdminBrokerProcessor#updateAndCreateTopic` | `src/broker/` |
//! | `RemotingCommand`, codes, processor table, in-process transport | `src/remoting/` |
//! | `RouteInfoManager`, `NamesrvController`, `DefaultRequestProcessor` | `src/namesrv/` |
//! | `MQClientAPIImpl#getTopicRouteInfoFromNameServer`, `#createTopic` | `src/client/mq_client_api_impl.rs` |
//! | `TopicConfig`, `TopicRouteData`, `DataVersion`, virtual clock | `src/common/` |
//!
//! ## Layout and shortcuts
//!
//! Files are named after the Java classes they mirror. The shortcuts taken
//! for teaching, each lifted by a later chapter:
//!
//! * The store keeps messages in memory: per topic and queue a vector whose
//!   index is the queue offset, and a running commit-log offset advanced by
//!   the size each record would have on disk. Part IV writes the records.
//! * There is no producer yet, only `MQClientAPIImpl#sendMessage`; the
//!   scenario fills in the header a `DefaultMQProducer` would (chapter 07),
//!   picks the queue itself and sets no `UNIQ_KEY` (the client's own id).
//! * A negative queue id is refused; Java lets the broker pick a queue.
//! * Java's send path trusts clients to skip read-only queues (their route
//!   lists only writable ones) and checks a topic's write permission only
//!   when re-queuing a message for retry; this broker checks every send,
//!   with the code and remark Java uses there.
//! * The network is a map from address to processor table, time is
//!   virtual, the config files live in a scratch directory the scenario
//!   removes (chapter 03).
//!
//! Run it with `cargo run -p chapter-04`; the book's chapter 04 walks through
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
use crate::common::perm::PERM_READ;
use crate::common::topic_config::TopicConfig;
use crate::common::topic_validator::AUTO_CREATE_TOPIC_KEY_TOPIC;
use crate::common::virtual_clock::VirtualClock;
use crate::namesrv::controller::NamesrvController;
use crate::remoting::protocol::header::send::SendMessageRequestHeader;
use crate::remoting::transport::InProcessNetwork;
use crate::store::config::{DEFAULT_MAX_MESSAGE_SIZE, MessageStoreConfig};

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
/// (chapter 07 builds the producer around it): the producer group, the
/// template topic, the queue the producer chose, the time.
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

// ANCHOR: scenario
/// A producer's first send creates TopicTest; three more land in their
/// queues; three are refused.
pub fn run_scenario() {
    let network = InProcessNetwork::default();
    let clock = VirtualClock::new();
    let store_root = StoreRoot::new("chapter-04");

    scene!("t=0s: a name server and broker-a start (chapter 03)");
    NamesrvController::new("namesrv", NAMESRV, clock.clone()).start(&network);
    let _broker = start_broker_a(&network, &clock, &store_root);

    scene!("t=1s: mqadmin creates TopicRO, readable but not writable (perm=4)");
    clock.advance_to(1_000);
    let mqadmin = MQClientAPIImpl::new("mqadmin", Box::new(network.client("10.0.0.60:50000")));
    let read_only = TopicConfig::with_queues("TopicRO", 2, 2, PERM_READ);
    let _ = mqadmin.create_topic(BROKER_A, &read_only);

    scene!("t=2s: the producer finds no route for TopicTest, so it uses TBW102's");
    clock.advance_to(2_000);
    let producer = MQClientAPIImpl::new("producer", Box::new(network.client("10.0.0.50:50000")));
    let _ = producer.get_topic_route_info_from_name_server(NAMESRV, "TopicTest");
    let _ = producer.get_topic_route_info_from_name_server(NAMESRV, AUTO_CREATE_TOPIC_KEY_TOPIC);

    scene!("t=2s: the first send to TopicTest creates it from TBW102");
    send(&producer, &clock, &Message::new("TopicTest", "TagA", "Hello RocketMQ 0"), 0);

    scene!("t=3s: queue offsets count per queue; commit-log offsets count bytes");
    clock.advance_to(3_000);
    send(&producer, &clock, &Message::new("TopicTest", "TagB", "Hello RocketMQ 1"), 0);
    send(&producer, &clock, &Message::new("TopicTest", "TagA", "Hello RocketMQ 2"), 1);

    scene!("t=4s: three sends the broker refuses");
    clock.advance_to(4_000);
    send(&producer, &clock, &Message::new("Topic#1", "", "bad name"), 0);
    let too_big = vec![b'x'; DEFAULT_MAX_MESSAGE_SIZE + 1];
    send(&producer, &clock, &Message::new("TopicTest", "", too_big), 1);
    send(&producer, &clock, &Message::new("TopicRO", "", "not writable"), 0);
}
// ANCHOR_END: scenario
