//! Pins chapter 04's trace: a first send creating its topic from TBW102,
//! messages landing at their queue and commit-log offsets, and three sends
//! refused with RocketMQ's codes and remarks. The book includes the snapshot
//! this writes (`snapshots/chapter_04__trace.snap`).

#[test]
fn trace() {
    let (text, ()) = workbook_trace::capture(chapter_04::run_scenario);
    insta::assert_snapshot!("trace", text);
}
