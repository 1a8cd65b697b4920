//! The book check, as part of `cargo test --workspace`.
//!
//! The book shows code and traces only through `{{#include}}`s of the real
//! files, so it cannot drift from what runs — as long as every include
//! resolves. This test fails on an unresolved include, a missing or empty
//! anchor, a trace included with the wrong lines of its snapshot, a stale
//! "what changed" section or figure, a trace call spread over several lines,
//! or a book mdBook cannot render. The second test
//! proves the check has teeth by breaking a copy of the book on purpose.

use std::fs;
use std::path::{Path, PathBuf};

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == "book" && from.ends_with("book") {
            continue; // build output
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if src.is_dir() {
            copy_tree(&src, &dst);
        } else {
            fs::copy(&src, &dst).unwrap();
        }
    }
}

/// A scratch copy of what the book reads: book/, chapters/, tests/snapshots/.
fn scratch_copy(tag: &str) -> PathBuf {
    let root = xtask::workspace_root();
    let dir = root
        .join("target")
        .join(format!("book-check-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    copy_tree(&root.join("book"), &dir.join("book"));
    copy_tree(&root.join("chapters"), &dir.join("chapters"));
    copy_tree(
        &root.join("tests").join("snapshots"),
        &dir.join("tests").join("snapshots"),
    );
    dir
}

#[test]
fn the_book_checks_clean() {
    let root = xtask::workspace_root();
    let problems = xtask::check_book(&root, &root.join("target").join("book-check")).unwrap();
    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(list.is_empty(), "book problems:\n{}", list.join("\n"));
}

/// Replace the first occurrence of `from` in the first page that has it.
fn break_first(dir: &Path, from: &str, to: &str) -> bool {
    let mut stack = vec![dir.join("book").join("src")];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<_> = fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "md") {
                let text = fs::read_to_string(&p).unwrap();
                if let Some(pos) = text.find(from) {
                    let mut t = text.clone();
                    t.replace_range(pos..pos + from.len(), to);
                    fs::write(&p, t).unwrap();
                    return true;
                }
            }
        }
    }
    false
}

#[test]
fn the_check_catches_bad_anchors_trace_ranges_stale_generated_files_and_spread_trace_calls() {
    let dir = scratch_copy("negative");
    let scratch = dir.join("target").join("render");

    // A misspelt anchor: the first `.rs:` anchor include gets a typo.
    assert!(
        break_first(&dir, ".rs:", ".rs:misspelt_"),
        "the book includes no anchored code yet"
    );
    // A trace shown from the wrong line of its snapshot.
    assert!(
        break_first(&dir, ".snap:5:", ".snap:4:"),
        "the book includes no trace yet"
    );
    // A chapter edited after its diff was generated.
    let lib = dir.join("chapters").join("01").join("src").join("lib.rs");
    let mut text = fs::read_to_string(&lib).unwrap();
    text.push_str("\n// an edit nobody regenerated the diff for\n");
    fs::write(&lib, text).unwrap();

    // A figure source edited after its SVG was rendered.
    let bob = dir.join("book/src/figures/ch02-liveness-timeline.bob");
    let mut text = fs::read_to_string(&bob).unwrap();
    text.push_str("  an edit nobody rendered\n");
    fs::write(&bob, text).unwrap();

    // A trace call that rustfmt spread over several lines.
    let mut text = fs::read_to_string(&lib).unwrap();
    text.push_str(
        "fn spread() {\n    step!(\n        ACTOR,\n        JAVA,\n        \"x\"\n    );\n}\n",
    );
    fs::write(&lib, text).unwrap();

    let problems = xtask::check_book(&dir, &scratch).unwrap();
    let all: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let joined = all.join("\n");
    assert!(joined.contains("anchor 'misspelt_"), "{joined}");
    assert!(
        joined.contains("different text than the pinned trace"),
        "{joined}"
    );
    assert!(joined.contains("ch01-what-changed.md: stale"), "{joined}");
    assert!(joined.contains("run `cargo xtask gen`"), "{joined}");
    assert!(
        joined.contains("a trace call spans several lines"),
        "{joined}"
    );
    fs::remove_dir_all(&dir).unwrap();
}
