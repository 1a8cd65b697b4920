//! Chapter 01's checkable exercises (the book's chapter 01 page, "Exercises").
//!
//! Each exercise is a test that is ignored until you ask for it. Do the
//! exercise, write your prediction into [`answers`] below, then run it:
//!
//! ```text
//! cargo test -p chapter-01 --test exercises -- --ignored exercise_1
//! ```
//!
//! The test runs the experiment and fails, showing the trace, when your
//! prediction and what happened disagree. When you are done,
//! `git checkout -- chapters/01` restores the chapter.
//!
//! Reference answers live in `exercises/solutions.rs`; open it on purpose.
//! `cargo test -p chapter-01 --features solutions` runs every exercise with
//! them, which is what CI does so that no exercise rots.

use chapter_01::broker::broker_outer_api::BrokerOuterAPI;
use chapter_01::common::data_version::DataVersion;
use chapter_01::common::topic_config::TopicConfig;
use chapter_01::namesrv::controller::NamesrvController;
use chapter_01::remoting::protocol::body::register_broker_body::TopicConfigSerializeWrapper;
use chapter_01::remoting::transport::InProcessNetwork;
use chapter_01::{NAMESRV_ADDR, broker_config};

/// Your answers. Replace a `None` with your prediction.
#[cfg(not(feature = "solutions"))]
mod answers {
    /// Exercise 1: the `masterAddr` the name server returns to the slave.
    pub const EXERCISE_1_MASTER_ADDR: Option<&str> = None;
    /// Exercise 1: does `topicQueueTable` change when the slave registers?
    pub const EXERCISE_1_TOPIC_QUEUE_TABLE_CHANGES: Option<bool> = None;
    /// Exercise 2: of `TopicTest`'s write queues, how many are broker-b's,
    /// and how many are there in all? `(on broker-b, total)`.
    pub const EXERCISE_2_WRITE_QUEUES: Option<(i32, i32)> = None;
}
#[cfg(feature = "solutions")]
#[path = "exercises/solutions.rs"]
mod answers;

/// Fail with a pointer to [`answers`] while a prediction is still `None`.
fn mine<T>(answer: Option<T>, name: &str) -> T {
    answer.unwrap_or_else(|| panic!("write your prediction into answers::{name} first"))
}

/// One broker's topics, as `register_broker_all` sends them.
fn topics(list: &[(&str, i32)]) -> TopicConfigSerializeWrapper {
    let mut wrapper = TopicConfigSerializeWrapper {
        data_version: DataVersion::default(),
        topic_config_table: Default::default(),
    };
    for (topic, queues) in list {
        wrapper
            .topic_config_table
            .insert(topic.to_string(), TopicConfig::new(topic, *queues));
    }
    wrapper
}

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: see chapter 01, Exercises"
)]
fn exercise_1_a_slave_joins() {
    let network = InProcessNetwork::default();
    let namesrv = NamesrvController::new(NAMESRV_ADDR);
    // Every step runs under a capture, even the ones whose trace we do not
    // look at: tests run in parallel, and a trace event with no subscriber
    // anywhere could make tracing cache "nobody listens" for its call site.
    let _ = workbook_trace::capture(|| {
        namesrv.start(&network);
        let master = broker_config("broker-a", "10.0.0.1");
        let api = BrokerOuterAPI::new(Box::new(network.client("10.0.0.1:10911")));
        api.register_broker_all(&master, topics(&[("TopicTest", 4)]));
    });

    let slave = chapter_01::broker::broker_config::BrokerConfig {
        broker_id: 1,
        ..broker_config("broker-a", "10.0.0.3")
    };
    let slave_api = BrokerOuterAPI::new(Box::new(network.client("10.0.0.3:10911")));
    let (trace, answers) = workbook_trace::capture(|| {
        slave_api.register_broker_all(&slave, topics(&[("TopicTest", 4)]))
    });
    let master_addr = answers.first().and_then(|h| h.master_addr.clone());
    let queue_table_changed = trace.contains("topicQueueTable[");

    let predicted = mine(answers::EXERCISE_1_MASTER_ADDR, "EXERCISE_1_MASTER_ADDR");
    assert_eq!(master_addr.as_deref(), Some(predicted), "the slave's registration:\n{trace}");
    let predicted =
        mine(answers::EXERCISE_1_TOPIC_QUEUE_TABLE_CHANGES, "EXERCISE_1_TOPIC_QUEUE_TABLE_CHANGES");
    assert_eq!(queue_table_changed, predicted, "the slave's registration:\n{trace}");
}

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: see chapter 01, Exercises"
)]
fn exercise_2_different_queue_counts() {
    let network = InProcessNetwork::default();
    let namesrv = NamesrvController::new(NAMESRV_ADDR);
    let _ = workbook_trace::capture(|| {
        namesrv.start(&network);
        for (name, ip, queues) in [("broker-a", "10.0.0.1", 4), ("broker-b", "10.0.0.2", 8)] {
            let api = BrokerOuterAPI::new(Box::new(network.client(&format!("{ip}:10911"))));
            api.register_broker_all(&broker_config(name, ip), topics(&[("TopicTest", queues)]));
        }
    });
    let (trace, route) = workbook_trace::capture(|| {
        namesrv
            .route_info_manager()
            .pickup_topic_route_data("TopicTest")
    });
    let route = route.expect("TopicTest has a route");
    let total: i32 = route.queue_datas.iter().map(|q| q.write_queue_nums).sum();
    let on_b: i32 = route
        .queue_datas
        .iter()
        .filter(|q| q.broker_name == "broker-b")
        .map(|q| q.write_queue_nums)
        .sum();
    let predicted = mine(answers::EXERCISE_2_WRITE_QUEUES, "EXERCISE_2_WRITE_QUEUES");
    assert_eq!((on_b, total), predicted, "the route: {}\n{trace}", route.summary());
}
