//! Chapter 02's checkable exercises (the book's chapter 02 page, "Exercises").
//!
//! Each exercise is a test that is ignored until you ask for it. Do the
//! exercise, write your prediction into [`answers`] below, then run it:
//!
//! ```text
//! cargo test -p chapter-02 --test exercises -- --ignored exercise_2
//! ```
//!
//! The test runs the experiment and fails, showing the trace, when your
//! prediction and what happened disagree. When you are done,
//! `git checkout -- chapters/02` restores the chapter.
//!
//! Reference answers live in `exercises/solutions.rs`; open it on purpose.
//! `cargo test -p chapter-02 --features solutions` runs every exercise with
//! them, which is what CI does so that no exercise rots.

use chapter_02::common::virtual_clock::VirtualClock;
use chapter_02::namesrv::controller::NamesrvController;
use chapter_02::remoting::transport::InProcessNetwork;
use chapter_02::{NAMESRV_ADDR, start_broker};

/// Your answers. Replace a `None` with your prediction.
#[cfg(not(feature = "solutions"))]
mod answers {
    /// Exercise 2: after broker-b registers again at t=150 s, is `TopicB`
    /// routable again?
    pub const EXERCISE_2_TOPIC_B_ROUTABLE: Option<bool> = None;
    /// Exercise 2: does the name server log broker-b's live entry as `= new`,
    /// as on a first registration?
    pub const EXERCISE_2_FIRST_REGISTRATION: Option<bool> = None;
}
#[cfg(feature = "solutions")]
#[path = "exercises/solutions.rs"]
mod answers;

/// Fail with a pointer to [`answers`] while a prediction is still `None`.
fn mine<T>(answer: Option<T>, name: &str) -> T {
    answer.unwrap_or_else(|| panic!("write your prediction into answers::{name} first"))
}

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: see chapter 02, Exercises"
)]
fn exercise_2_broker_b_wakes_up() {
    let network = InProcessNetwork::default();
    let clock = VirtualClock::new();
    let namesrv = NamesrvController::new(NAMESRV_ADDR, clock.clone());
    // The lead-up runs under a capture too: a trace event with no subscriber
    // anywhere could make tracing cache "nobody listens" for its call site.
    let (_, broker_b) = workbook_trace::capture(|| {
        namesrv.start(&network);
        let _a = start_broker(&network, &clock, "broker-a", "10.0.0.1", &[("TopicTest", 4)]);
        let topics = [("TopicTest", 4), ("TopicB", 2)];
        let broker_b = start_broker(&network, &clock, "broker-b", "10.0.0.2", &topics);
        clock.advance_to(5_000);
        broker_b.simulate_hang();
        clock.advance_to(150_000);
        broker_b
    });

    let (trace, ()) = workbook_trace::capture(|| broker_b.register_broker_all());
    let routable = namesrv
        .route_info_manager()
        .pickup_topic_route_data("TopicB")
        .is_some();
    let first = trace.contains("brokerLiveTable[DefaultCluster/10.0.0.2:10911] = new");

    let predicted = mine(answers::EXERCISE_2_TOPIC_B_ROUTABLE, "EXERCISE_2_TOPIC_B_ROUTABLE");
    assert_eq!(routable, predicted, "broker-b's registration at t=150 s:\n{trace}");
    let predicted = mine(answers::EXERCISE_2_FIRST_REGISTRATION, "EXERCISE_2_FIRST_REGISTRATION");
    assert_eq!(first, predicted, "broker-b's registration at t=150 s:\n{trace}");
}
