//! Pins chapter 02's trace: brokers re-registering on a virtual clock, the
//! name server's scan dropping the one that went silent, and a clean
//! UNREGISTER_BROKER. The book includes the snapshot this writes
//! (`snapshots/chapter_02__trace.snap`).

#[test]
fn trace() {
    let (text, ()) = workbook_trace::capture(chapter_02::run_scenario);
    insta::assert_snapshot!("trace", text);
}
