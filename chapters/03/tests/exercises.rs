//! The exercises of chapter 03. Each test fails until you do the exercise:
//!
//! ```sh
//! cargo test -p chapter-03 -- --ignored exercise_
//! ```
//!
//! Reference solutions: `src/solutions.rs`, compiled with
//! `--features solutions`. `git checkout chapters/03` restores the chapter.

use std::collections::HashMap;
use std::sync::Arc;

use chapter_03::StoreRoot;
use chapter_03::broker::broker_config::BrokerConfig;
use chapter_03::broker::broker_startup;
use chapter_03::broker::controller::BrokerController;
use chapter_03::common::config_manager::ConfigManager;
use chapter_03::common::topic_config::TopicConfig;
use chapter_03::common::virtual_clock::VirtualClock;
use chapter_03::remoting::code::{request_code, response_code};
use chapter_03::remoting::command::RemotingCommand;
use chapter_03::remoting::protocol::body::register_broker_body::TopicConfigSerializeWrapper;
use chapter_03::remoting::transport::{InProcessClient, InProcessNetwork, RemotingClient};
use chapter_03::store::config::MessageStoreConfig;

const BROKER: &str = "127.0.0.1:10911";

/// A broker with no name server (it registers with nobody) and a client.
struct Env {
    broker: Arc<BrokerController>,
    client: InProcessClient,
    store_root: StoreRoot,
}

impl Env {
    fn new() -> Env {
        let network = InProcessNetwork::default();
        let store_root = StoreRoot::new("exercise-03");
        let store_config = MessageStoreConfig {
            store_path_root_dir: store_root.path().to_path_buf(),
        };
        let broker = broker_startup::create_broker_controller(
            BrokerConfig::default(),
            store_config,
            &network,
            &VirtualClock::new(),
        )
        .unwrap();
        broker_startup::start(&broker);
        Env {
            broker,
            client: network.client("127.0.0.1:50000"),
            store_root,
        }
    }

    fn send(&self, code: i32, fields: &[(&str, &str)]) -> RemotingCommand {
        let request = RemotingCommand {
            code,
            opaque: 0,
            flag: 0,
            remark: None,
            ext_fields: fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<HashMap<_, _>>(),
            body: None,
        };
        self.client.invoke_sync(BROKER, request).unwrap()
    }

    fn create_topic(&self, topic: &str) -> RemotingCommand {
        self.send(
            request_code::UPDATE_AND_CREATE_TOPIC,
            &[
                ("topic", topic),
                ("defaultTopic", "TBW102"),
                ("readQueueNums", "4"),
                ("writeQueueNums", "4"),
                ("perm", "6"),
                ("topicFilterType", "SINGLE_TAG"),
            ],
        )
    }
}

/// **Exercise 1 — system topics are not yours.** `updateAndCreateTopic`
/// accepts any name, so `mqadmin updateTopic -t SCHEDULE_TOPIC_XXXX` would
/// replace the 18-queue topic that delayed messages depend on with a 4-queue
/// one. Make `AdminBrokerProcessor` refuse every system topic name (the
/// constants of `TopicValidator`, and any name starting with `rmq_sys_`)
/// the way Java does: SYSTEM_ERROR (1) with the remark
/// `The topic[SCHEDULE_TOPIC_XXXX] is conflict with system topic.`, leaving
/// the table untouched.
#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: see chapter 03, Exercises"
)]
fn exercise_refuse_system_topic_names() {
    let env = Env::new();
    let response = env.create_topic("SCHEDULE_TOPIC_XXXX");
    assert_eq!(response.code, response_code::SYSTEM_ERROR);
    assert_eq!(
        response.remark.as_deref(),
        Some("The topic[SCHEDULE_TOPIC_XXXX] is conflict with system topic.")
    );
    let schedule = env
        .broker
        .topic_config_manager()
        .select_topic_config("SCHEDULE_TOPIC_XXXX")
        .unwrap();
    assert_eq!(schedule.write_queue_nums, 18);
    assert_eq!(env.create_topic("rmq_sys_mine").code, response_code::SYSTEM_ERROR);
    assert_eq!(env.create_topic("TopicTest").code, response_code::SUCCESS);
}

/// **Exercise 2 — deleting a topic.** Handle DELETE_TOPIC_IN_BROKER (215,
/// header field `topic`): remove the topic from `TopicConfigManager`, bump the
/// data version and rewrite `topics.json`, so that a restarted broker does not
/// bring the topic back. (Java then also sends DELETE_TOPIC_IN_NAMESRV to the
/// name servers: a registration never removes rows, it only adds or
/// replaces them. Why?)
#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: see chapter 03, Exercises"
)]
fn exercise_delete_topic_in_broker() {
    let env = Env::new();
    assert_eq!(env.create_topic("TopicTest").code, response_code::SUCCESS);
    let manager = env.broker.topic_config_manager();
    let before = manager.build_serialize_wrapper().data_version.counter;

    let response = env.send(request_code::DELETE_TOPIC_IN_BROKER, &[("topic", "TopicTest")]);
    assert_eq!(response.code, response_code::SUCCESS);
    assert!(manager.select_topic_config("TopicTest").is_none());
    assert_eq!(manager.build_serialize_wrapper().data_version.counter, before + 1);

    // What a restart would load.
    let file = env.store_root.path().join("config").join("topics.json");
    let on_disk: TopicConfigSerializeWrapper =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert!(!on_disk.topic_config_table.contains_key("TopicTest"));
    assert_eq!(on_disk.data_version.counter, before + 1);
}

/// **Exercise 3 — GET_ALL_TOPIC_CONFIG.** A slave copies its master's topics,
/// and `mqadmin` lists them, with GET_ALL_TOPIC_CONFIG (21): no header needed,
/// the answer's body is the `TopicConfigSerializeWrapper` JSON — the same
/// text as `topics.json`. Answer it.
#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: see chapter 03, Exercises"
)]
fn exercise_get_all_topic_config() {
    let env = Env::new();
    assert_eq!(env.create_topic("TopicTest").code, response_code::SUCCESS);
    let response = env.send(request_code::GET_ALL_TOPIC_CONFIG, &[]);
    assert_eq!(response.code, response_code::SUCCESS);
    let wrapper: TopicConfigSerializeWrapper =
        serde_json::from_slice(response.body.as_deref().unwrap_or_default()).unwrap();
    assert_eq!(wrapper.data_version.counter, 1);
    assert_eq!(
        wrapper.topic_config_table.get("TopicTest"),
        Some(&TopicConfig::new("TopicTest", 4))
    );
    assert_eq!(wrapper.topic_config_table.len(), 10);
    // The broker's own view agrees.
    assert_eq!(
        env.broker.topic_config_manager().encode(),
        String::from_utf8(response.body.unwrap().to_vec()).unwrap()
    );
}
