//! Pins chapter 01's trace: the name server's route tables filling up as two
//! brokers register, and a client's two route lookups. The book includes the
//! snapshot this writes (`snapshots/chapter_01__trace.snap`).

#[test]
fn trace() {
    let (text, ()) = workbook_trace::capture(chapter_01::run_scenario);
    insta::assert_snapshot!("trace", text);
}
