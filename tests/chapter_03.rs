//! Pins chapter 03's trace: a broker starting against two name servers,
//! gaining a topic through UPDATE_AND_CREATE_TOPIC, shutting down and
//! starting again from its `topics.json`. The book includes the snapshot this
//! writes (`snapshots/chapter_03__trace.snap`).

#[test]
fn trace() {
    let (text, ()) = workbook_trace::capture(chapter_03::run_scenario);
    insta::assert_snapshot!("trace", text);
}
