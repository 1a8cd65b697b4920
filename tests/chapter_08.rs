//! Pins chapter 08's trace: with `sendLatencyFaultEnable`, a send that fails
//! on broker-b keeps broker-b out of queue selection for 10 s on the virtual
//! clock; the next sends step over its queues until the time out is over.
//! The book includes the snapshot this writes (`snapshots/chapter_08__trace.snap`).

#[test]
fn trace() {
    let (text, ()) = workbook_trace::capture(chapter_08::run_scenario);
    insta::assert_snapshot!("trace", text);
}
