//! Pins chapter 07's trace: a producer fetching a route once, spreading
//! sends round robin over two brokers, and retrying on broker-a the send
//! that picked broker-b after broker-b lost power. The book includes the
//! snapshot this writes (`snapshots/chapter_07__trace.snap`).

#[test]
fn trace() {
    let (text, ()) = workbook_trace::capture(chapter_07::run_scenario);
    insta::assert_snapshot!("trace", text);
}
