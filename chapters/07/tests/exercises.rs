//! Chapter 07's checkable exercises (the book's chapter 07 page, "Exercises").
//!
//! Each exercise is a test that is ignored until you ask for it. Do the
//! exercise, write your prediction into [`answers`] below, then run it:
//!
//! ```text
//! cargo test -p chapter-07 --test exercises -- --ignored exercise_1
//! ```
//!
//! The test runs the experiment and fails, showing the trace, when your
//! prediction and what happened disagree. When you are done,
//! `git checkout -- chapters/07` restores the chapter.
//!
//! Reference answers live in `exercises/solutions.rs`; open it on purpose.
//! `cargo test -p chapter-07 --features solutions` runs every exercise with
//! them, which is what CI does so that no exercise rots.

use chapter_07::client::mq_client_manager::MQClientManager;
use chapter_07::client::producer::default_mq_producer::DefaultMQProducer;
use chapter_07::common::message::Message;
use chapter_07::{BROKER_A_ADDR, BROKER_B_ADDR, Cluster, producer_config};

/// Your answers. Replace a `None` with your prediction.
#[cfg(not(feature = "solutions"))]
mod answers {
    /// Exercise 1: after the scenario, the producer sends five more
    /// messages to TopicTest. How many of them fail on broker-b first and
    /// need a retry?
    pub const EXERCISE_1_RETRIED_SENDS: Option<usize> = None;
    /// Exercise 1: how many of the five are stored (on any broker)?
    pub const EXERCISE_1_STORED: Option<usize> = None;

    /// Exercise 2: a second producer, group ProducerGroupB, in the same
    /// process with the same instanceName (`producer`) starts. Does it get
    /// the instance the first producer uses?
    pub const EXERCISE_2_SHARED_INSTANCE: Option<bool> = None;
    /// Exercise 2: TopicTest's route is already in that instance. Does the
    /// second producer's first send still ask the name server?
    pub const EXERCISE_2_ASKS_NAME_SERVER: Option<bool> = None;
    /// Exercise 2: does a third producer of group ProducerGroupA, with the
    /// same instanceName, start?
    pub const EXERCISE_2_SAME_GROUP_STARTS: Option<bool> = None;

    /// Exercise 4: TopicB has two queues, both on broker-b. After the power
    /// cut, how many attempts does one send to TopicB make?
    pub const EXERCISE_4_ATTEMPTS: Option<usize> = None;
    /// Exercise 4: does the send succeed?
    pub const EXERCISE_4_SUCCEEDS: Option<bool> = None;
}
#[cfg(feature = "solutions")]
#[path = "exercises/solutions.rs"]
mod answers;

/// Fail with a pointer to [`answers`] while a prediction is still `None`.
fn mine<T>(answer: Option<T>, name: &str) -> T {
    answer.unwrap_or_else(|| panic!("write your prediction into answers::{name} first"))
}

fn hello(n: u32) -> Message {
    Message::new("TopicTest", "TagA", format!("Hello RocketMQ {n}"))
}

/// The chapter's scenario, from the cluster's start to the send after the
/// power cut, run under a capture: a trace event with no subscriber
/// anywhere could make tracing cache "nobody listens" for its call site.
fn the_scenario() -> (Cluster, MQClientManager, DefaultMQProducer) {
    let (_, setup) = workbook_trace::capture(|| {
        let cluster = Cluster::start();
        cluster.clock.advance_to(1_000);
        cluster.create_topic("TopicTest", &[(BROKER_A_ADDR, 2), (BROKER_B_ADDR, 3)]);
        cluster.clock.advance_to(2_000);
        let manager = cluster.client_manager();
        let producer = DefaultMQProducer::new(producer_config("ProducerGroupA", "producer"));
        producer.start(&manager).unwrap();
        cluster.clock.advance_to(3_000);
        producer.send(&hello(1)).unwrap();
        producer.send(&hello(2)).unwrap();
        cluster.clock.advance_to(5_000);
        cluster.broker_b.simulate_power_cut();
        cluster.clock.advance_to(6_000);
        producer.send(&hello(3)).unwrap();
        (cluster, manager, producer)
    });
    setup
}

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: see chapter 07, Exercises"
)]
fn exercise_1_the_walk_keeps_stepping_on_broker_b() {
    let (_cluster, _manager, producer) = the_scenario();
    let (trace, stored) = workbook_trace::capture(|| {
        (4..=8)
            .filter(|&n| producer.send(&hello(n)).is_ok())
            .count()
    });
    let retried = trace.matches("RemotingConnectException -> retry").count();

    let predicted = mine(answers::EXERCISE_1_RETRIED_SENDS, "EXERCISE_1_RETRIED_SENDS");
    assert_eq!(retried, predicted, "five more sends:\n{trace}");
    let predicted = mine(answers::EXERCISE_1_STORED, "EXERCISE_1_STORED");
    assert_eq!(stored, predicted, "five more sends:\n{trace}");
}

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: see chapter 07, Exercises"
)]
fn exercise_2_two_producers_one_instance() {
    let (_cluster, manager, _producer) = the_scenario();
    let second = DefaultMQProducer::new(producer_config("ProducerGroupB", "producer"));
    let (trace, ()) = workbook_trace::capture(|| {
        second.start(&manager).unwrap();
        second.send(&hello(4)).unwrap();
    });
    let shared = trace.contains("factoryTable[10.0.0.50@producer] exists");
    let asked = trace.contains("GET_ROUTEINFO_BY_TOPIC");
    let third = DefaultMQProducer::new(producer_config("ProducerGroupA", "producer"));
    let (third_trace, started) = workbook_trace::capture(|| third.start(&manager).is_ok());

    let predicted = mine(answers::EXERCISE_2_SHARED_INSTANCE, "EXERCISE_2_SHARED_INSTANCE");
    assert_eq!(shared, predicted, "the second producer:\n{trace}");
    let predicted = mine(answers::EXERCISE_2_ASKS_NAME_SERVER, "EXERCISE_2_ASKS_NAME_SERVER");
    assert_eq!(asked, predicted, "the second producer:\n{trace}");
    let predicted = mine(answers::EXERCISE_2_SAME_GROUP_STARTS, "EXERCISE_2_SAME_GROUP_STARTS");
    assert_eq!(started, predicted, "the third producer:\n{third_trace}");
}

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: see chapter 07, Exercises"
)]
fn exercise_4_a_topic_only_broker_b_serves() {
    let (cluster, _manager, producer) = workbook_trace::capture(|| {
        let cluster = Cluster::start();
        cluster.clock.advance_to(1_000);
        cluster.create_topic("TopicB", &[(BROKER_B_ADDR, 2)]);
        let manager = cluster.client_manager();
        let producer = DefaultMQProducer::new(producer_config("ProducerGroupA", "producer"));
        producer.start(&manager).unwrap();
        cluster.clock.advance_to(3_000);
        producer.send(&Message::new("TopicB", "", "first")).unwrap();
        cluster.broker_b.simulate_power_cut();
        (cluster, manager, producer)
    })
    .1;
    cluster.clock.advance_to(6_000);
    let (trace, result) =
        workbook_trace::capture(|| producer.send(&Message::new("TopicB", "", "second")));
    let attempts = trace.matches("SEND_MESSAGE_V2(310)").count();

    let predicted = mine(answers::EXERCISE_4_ATTEMPTS, "EXERCISE_4_ATTEMPTS");
    assert_eq!(attempts, predicted, "a send to TopicB:\n{trace}");
    let predicted = mine(answers::EXERCISE_4_SUCCEEDS, "EXERCISE_4_SUCCEEDS");
    assert_eq!(result.is_ok(), predicted, "a send to TopicB:\n{trace}");
}
