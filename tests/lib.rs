//! Helpers shared by the snapshot tests. Each `chapter_NN.rs` beside this
//! file runs one chapter's scenario through [`workbook_trace::capture`] and
//! pins the text in `snapshots/`, which is where the book includes it from.
