//! Pins chapter 05's trace: pulls by tag with each GetMessageStatus the
//! scenario can reach, offsets committed by a pull and by
//! UPDATE_CONSUMER_OFFSET, written to consumerOffset.json and found again
//! after a restart. The book includes the snapshot this writes
//! (`snapshots/chapter_05__trace.snap`).

#[test]
fn trace() {
    let (text, ()) = workbook_trace::capture(chapter_05::run_scenario);
    insta::assert_snapshot!("trace", text);
}
