//! The exercises of chapter 04. Each test fails until you do the exercise:
//!
//! ```sh
//! cargo test -p chapter-04 -- --ignored exercise_
//! ```
//!
//! Reference solutions: `src/solutions.rs`, compiled with
//! `--features solutions`. `git checkout chapters/04` restores the chapter.

use std::sync::Arc;

use chapter_04::StoreRoot;
use chapter_04::broker::broker_config::BrokerConfig;
use chapter_04::broker::broker_startup;
use chapter_04::broker::controller::BrokerController;
use chapter_04::client::mq_client_api_impl::{MQClientAPIImpl, MQClientError};
use chapter_04::client::send_result::SendResult;
use chapter_04::common::message::Message;
use chapter_04::common::topic_config::TopicConfig;
use chapter_04::common::virtual_clock::VirtualClock;
use chapter_04::remoting::code::response_code;
use chapter_04::remoting::protocol::header::send::SendMessageRequestHeader;
use chapter_04::remoting::transport::InProcessNetwork;
use chapter_04::store::config::MessageStoreConfig;

const BROKER: &str = "127.0.0.1:10911";

/// A broker that registers with nobody, and a client on the same network.
fn start_broker(
    network: &InProcessNetwork,
    store_root: &StoreRoot,
    config: BrokerConfig,
) -> Arc<BrokerController> {
    let store_config = MessageStoreConfig::new(store_root.path());
    let broker = broker_startup::create_broker_controller(
        config,
        store_config,
        network,
        &VirtualClock::new(),
    )
    .unwrap();
    broker_startup::start(&broker);
    broker
}

fn send(
    client: &MQClientAPIImpl,
    msg: &Message,
    queue_id: i32,
) -> Result<SendResult, MQClientError> {
    let header = SendMessageRequestHeader {
        producer_group: "PG".into(),
        topic: msg.topic.clone(),
        default_topic: "TBW102".into(),
        default_topic_queue_nums: 4,
        queue_id,
        sys_flag: 0,
        born_timestamp: 0,
        flag: 0,
        properties: None,
        reconsume_times: None,
        unit_mode: None,
        batch: None,
        max_reconsume_times: None,
        broker_name: None,
    };
    client.send_message(BROKER, msg, header)
}

fn code(result: Result<SendResult, MQClientError>) -> i32 {
    match result {
        Ok(_) => response_code::SUCCESS,
        Err(MQClientError::Response { code, .. }) => code,
        Err(e) => panic!("no response: {e}"),
    }
}

/// **Exercise 1 — why production turns auto-creation off, and what else it
/// takes.** With `autoCreateTopicEnable=false` a broker does not seed
/// `TBW102`, so a typo in a producer's topic name gets TOPIC_NOT_EXIST
/// instead of a new topic nobody consumes. But a broker that once ran with
/// auto-creation on has `TBW102` in its `topics.json`, and loads it again.
/// Make `createTopicInSendMessageMethod` refuse to use a `TBW102` as template
/// while `autoCreateTopicEnable` is false (Java treats its perm as plain
/// read-write there, without INHERIT).
#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: see chapter 04, Exercises"
)]
fn exercise_leftover_tbw102_is_no_template() {
    let network = InProcessNetwork::default();
    let store_root = StoreRoot::new("exercise-04-tbw102");
    let first = start_broker(&network, &store_root, BrokerConfig::default());
    // Any topic change writes topics.json, TBW102 included.
    let admin = MQClientAPIImpl::new("mqadmin", Box::new(network.client("127.0.0.1:50001")));
    admin
        .create_topic(BROKER, &TopicConfig::new("TopicA", 4))
        .unwrap();
    first.shutdown();

    let config = BrokerConfig {
        auto_create_topic_enable: false,
        ..BrokerConfig::default()
    };
    let second = start_broker(&network, &store_root, config);
    let manager = second.topic_config_manager();
    assert!(manager.select_topic_config("TBW102").is_some(), "loaded from the file");

    let producer = MQClientAPIImpl::new("producer", Box::new(network.client("127.0.0.1:50000")));
    let result = send(&producer, &Message::new("TopicTets", "", "typo"), 0);
    match result {
        Err(MQClientError::Response { code, remark }) => {
            assert_eq!(code, response_code::TOPIC_NOT_EXIST);
            assert!(remark.starts_with("topic[TopicTets] not exist, apply first please!"));
        }
        other => panic!("expected TOPIC_NOT_EXIST, got {other:?}"),
    }
    assert!(manager.select_topic_config("TopicTets").is_none());
}

/// **Exercise 2 — let the broker pick the queue.** A producer that sends
/// `queueId=-1` asks the broker to choose (Java's `SendMessageProcessor`
/// picks one of the topic's write queues at random). This chapter refuses
/// it with SYSTEM_ERROR. Accept it: store the message in one of the write
/// queues and answer that queue's id in the response header.
#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: see chapter 04, Exercises"
)]
fn exercise_negative_queue_id_lets_the_broker_pick() {
    let network = InProcessNetwork::default();
    let store_root = StoreRoot::new("exercise-04-queue");
    let _broker = start_broker(&network, &store_root, BrokerConfig::default());
    let producer = MQClientAPIImpl::new("producer", Box::new(network.client("127.0.0.1:50000")));
    for i in 0..4 {
        let msg = Message::new("TopicTest", "", format!("m{i}"));
        let result = send(&producer, &msg, -1).expect("the broker picks a queue");
        assert!((0..4).contains(&result.queue_id), "queue {}", result.queue_id);
    }
}

/// **Exercise 3 — properties have a size limit too.** The commit log stores
/// a message's properties string after a two-byte length, so
/// `DefaultMessageStore#checkMessage` refuses a properties string longer than
/// `Short.MAX_VALUE` (32767) with PROPERTIES_SIZE_EXCEEDED, which the send
/// processor answers as MESSAGE_ILLEGAL (13). Add the check; nothing may be
/// stored.
#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: see chapter 04, Exercises"
)]
fn exercise_properties_longer_than_32k_are_illegal() {
    let network = InProcessNetwork::default();
    let store_root = StoreRoot::new("exercise-04-props");
    let broker = start_broker(&network, &store_root, BrokerConfig::default());
    let producer = MQClientAPIImpl::new("producer", Box::new(network.client("127.0.0.1:50000")));
    let msg = Message::new("TopicTest", "", "small body").with_keys(&"k".repeat(40_000));
    assert_eq!(code(send(&producer, &msg, 0)), response_code::MESSAGE_ILLEGAL);
    assert_eq!(broker.message_store().get_max_phy_offset(), 0);
    let fine = Message::new("TopicTest", "", "small body").with_keys("k1 k2");
    assert_eq!(code(send(&producer, &fine, 0)), response_code::SUCCESS);
}
