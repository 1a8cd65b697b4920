//! Pins chapter 06's trace: a pull held by PullRequestHoldService, woken by
//! a message's arrival, and another held until its suspend timeout passes.
//! The book includes the snapshot this writes
//! (`snapshots/chapter_06__trace.snap`).

#[test]
fn trace() {
    let (text, ()) = workbook_trace::capture(chapter_06::run_scenario);
    insta::assert_snapshot!("trace", text);
}
