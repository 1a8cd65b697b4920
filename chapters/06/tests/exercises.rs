//! The exercises of chapter 06: predict, then let the experiment check you.
//! Fill in the `answers` module below, then run
//!
//! ```sh
//! cargo test -p chapter-06 --test exercises -- --ignored exercise_
//! ```
//!
//! Reference answers: `tests/exercises/solutions.rs` (`--features solutions`
//! swaps them in; CI runs that). `git checkout -- chapters/06` restores the
//! chapter.

use std::sync::{Arc, Mutex};

use chapter_06::StoreRoot;
use chapter_06::broker::broker_config::BrokerConfig;
use chapter_06::broker::broker_startup;
use chapter_06::broker::controller::BrokerController;
use chapter_06::client::mq_client_api_impl::MQClientAPIImpl;
use chapter_06::common::message::Message;
use chapter_06::common::sysflag::build_sys_flag;
use chapter_06::common::virtual_clock::VirtualClock;
use chapter_06::remoting::protocol::header::pull::PullMessageRequestHeader;
use chapter_06::remoting::protocol::header::send::SendMessageRequestHeader;
use chapter_06::remoting::transport::InProcessNetwork;
use chapter_06::store::config::MessageStoreConfig;

#[cfg(not(feature = "solutions"))]
mod answers {
    /// Exercise 1: the virtual time (ms) the held pull is answered.
    pub const EXERCISE_1_ANSWERED_AT_MS: Option<u64> = None;
    /// Exercise 2: the same, with `longPollingEnable=false`.
    pub const EXERCISE_2_ANSWERED_AT_MS: Option<u64> = None;
    /// Exercise 3: (time in ms, PullStatus as printed, e.g. "FOUND").
    pub const EXERCISE_3_ANSWER: Option<(u64, &str)> = None;
}

#[cfg(feature = "solutions")]
#[path = "exercises/solutions.rs"]
mod answers;

const BROKER: &str = "127.0.0.1:10911";

/// Your prediction, or a message saying where to write it.
fn mine<T: Copy>(answer: Option<T>, name: &str) -> T {
    answer.unwrap_or_else(|| panic!("write your prediction into answers::{name} first"))
}

/// A broker that registers with nobody, a producer and a consumer.
struct Env {
    clock: VirtualClock,
    client: MQClientAPIImpl,
    _broker: Arc<BrokerController>,
    _store_root: StoreRoot,
}

impl Env {
    fn new(config: BrokerConfig) -> Env {
        let network = InProcessNetwork::default();
        let clock = VirtualClock::new();
        let store_root = StoreRoot::new("exercise-06");
        let store_config = MessageStoreConfig::new(store_root.path());
        let broker =
            broker_startup::create_broker_controller(config, store_config, &network, &clock)
                .unwrap();
        broker_startup::start(&broker);
        let client = MQClientAPIImpl::new("client", Box::new(network.client("127.0.0.1:50000")));
        Env {
            clock,
            client,
            _broker: broker,
            _store_root: store_root,
        }
    }

    fn send(&self, tag: &str) {
        let header = SendMessageRequestHeader {
            producer_group: "PG".into(),
            topic: "TopicTest".into(),
            default_topic: "TBW102".into(),
            default_topic_queue_nums: 4,
            queue_id: 0,
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
        let msg = Message::new("TopicTest", tag, "body");
        self.client.send_message(BROKER, &msg, header).unwrap();
    }

    /// Pull TagA from `offset` with SUSPEND; the answer lands in the slot
    /// as (virtual time, PullStatus as printed).
    fn pull(&self, offset: i64) -> Arc<Mutex<Option<(u64, String)>>> {
        let header = PullMessageRequestHeader {
            consumer_group: "G".into(),
            topic: "TopicTest".into(),
            queue_id: 0,
            queue_offset: offset,
            max_msg_nums: 32,
            sys_flag: build_sys_flag(false, true, true),
            commit_offset: 0,
            suspend_timeout_millis: 15_000,
            subscription: Some("TagA".into()),
            sub_version: 0,
            expression_type: Some("TAG".into()),
        };
        let slot = Arc::new(Mutex::new(None));
        let (answer, clock) = (slot.clone(), self.clock.clone());
        self.client
            .pull_message_async(BROKER, header, move |result| {
                let status = result.unwrap().pull_status.to_string();
                *answer.lock().unwrap() = Some((clock.now_ms(), status));
            })
            .unwrap();
        slot
    }
}

/// **Exercise 1 — when does the wait end?** A pull held at t=7 s with
/// `suspendTimeoutMillis=15000`, and no message arrives. At which virtual
/// time is it answered? (Hint: who notices that the 15 s are up, and how
/// often does it look?)
#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: see chapter 06, Exercises"
)]
fn exercise_1_the_timeout_is_seen_by_the_check() {
    let env = Env::new(BrokerConfig::default());
    env.send("TagA");
    env.clock.advance_to(7_000);
    let answer = env.pull(1);
    env.clock.advance_to(40_000);
    let (at, status) = answer.lock().unwrap().clone().expect("answered by t=40s");
    assert_eq!(status, "NO_NEW_MSG");
    assert_eq!(at, mine(answers::EXERCISE_1_ANSWERED_AT_MS, "EXERCISE_1_ANSWERED_AT_MS"));
}

/// **Exercise 2 — short polling.** Same pull, but the broker runs with
/// `longPollingEnable=false` (`shortPollingTimeMills` stays 1000). When is
/// it answered now? What does a consumer of such a broker do all day?
#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: see chapter 06, Exercises"
)]
fn exercise_2_short_polling() {
    let config = BrokerConfig {
        long_polling_enable: false,
        ..BrokerConfig::default()
    };
    let env = Env::new(config);
    env.send("TagA");
    env.clock.advance_to(7_000);
    let answer = env.pull(1);
    env.clock.advance_to(40_000);
    let (at, _) = answer.lock().unwrap().clone().expect("answered by t=40s");
    assert_eq!(at, mine(answers::EXERCISE_2_ANSWERED_AT_MS, "EXERCISE_2_ANSWERED_AT_MS"));
}

/// **Exercise 3 — the wrong tag arrives.** A pull for TagA is held at
/// t=7 s; at t=9 s a *TagB* message arrives on the same queue. When is the
/// pull answered, and with which PullStatus? (Read `notifyMessageArriving`
/// and `checkHoldRequest`: what does each know about the new message?)
#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: see chapter 06, Exercises"
)]
fn exercise_3_the_wrong_tag_arrives() {
    let env = Env::new(BrokerConfig::default());
    env.send("TagA");
    env.clock.advance_to(7_000);
    let answer = env.pull(1);
    env.clock.advance_to(9_000);
    env.send("TagB");
    env.clock.advance_to(40_000);
    let (at, status) = answer.lock().unwrap().clone().expect("answered by t=40s");
    let (want_at, want_status) = mine(answers::EXERCISE_3_ANSWER, "EXERCISE_3_ANSWER");
    assert_eq!((at, status.as_str()), (want_at, want_status));
}
