//! Chapter 08's checkable exercises (the book's chapter 08 page, "Exercises").
//!
//! Each exercise is a test that is ignored until you ask for it. Do the
//! exercise, write your prediction into [`answers`] below, then run it:
//!
//! ```text
//! cargo test -p chapter-08 --test exercises -- --ignored exercise_1
//! ```
//!
//! The test runs the experiment and fails, showing the trace, when your
//! prediction and what happened disagree. When you are done,
//! `git checkout -- chapters/08` restores the chapter.
//!
//! Reference answers live in `exercises/solutions.rs`; open it on purpose.
//! `cargo test -p chapter-08 --features solutions` runs every exercise with
//! them, which is what CI does so that no exercise rots.

use chapter_08::client::producer::latency_fault_tolerance::compute_not_available_duration;

/// Your answers. Replace a `None` with your prediction.
#[cfg(not(feature = "solutions"))]
mod answers {
    /// Exercise 1: with `sendLatencyFaultEnable=true` the scenario makes two
    /// attempts on the dead broker-b. Run the same scenario with it off
    /// (chapter 07's selection): how many attempts fail to connect?
    pub const EXERCISE_1_FAILED_ATTEMPTS_WHEN_OFF: Option<usize> = None;
    /// Exercise 2: a broker that answers, but takes 600 ms: for how many ms
    /// is it out of selection?
    pub const EXERCISE_2_AFTER_600_MS: Option<u64> = None;
    /// Exercise 2: and after an answer that took 3500 ms?
    pub const EXERCISE_2_AFTER_3500_MS: Option<u64> = None;
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
    ignore = "exercise: see chapter 08, Exercises"
)]
fn exercise_1_without_the_fault_strategy() {
    let (trace, ()) = workbook_trace::capture(|| chapter_08::run_scenario_with(false));
    let failed = trace.matches("RemotingConnectException -> retry").count();
    let name = "EXERCISE_1_FAILED_ATTEMPTS_WHEN_OFF";
    let predicted = mine(answers::EXERCISE_1_FAILED_ATTEMPTS_WHEN_OFF, name);
    assert_eq!(failed, predicted, "the scenario without the fault strategy:\n{trace}");
}

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: see chapter 08, Exercises"
)]
fn exercise_2_the_latency_table() {
    let predicted = mine(answers::EXERCISE_2_AFTER_600_MS, "EXERCISE_2_AFTER_600_MS");
    assert_eq!(compute_not_available_duration(600), predicted);
    let predicted = mine(answers::EXERCISE_2_AFTER_3500_MS, "EXERCISE_2_AFTER_3500_MS");
    assert_eq!(compute_not_available_duration(3500), predicted);
}
