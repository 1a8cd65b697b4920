//! Every reference in mini-rocketmq's sources must lead somewhere a reader
//! can follow from this repository.
//!
//! The code once cited sections ("§4.3") of a facts document that is not in
//! the repository. A citation now names the Java class and method and its
//! file in apache/rocketmq, or — for a byte layout — an anchor of a page that
//! lives here (`FORMATS.md#anchor`, beside this crate's `Cargo.toml`). This
//! test fails on any section-number citation left, and on a `FORMATS.md#…`
//! citation whose page or anchor does not exist.

use std::fs;
use std::path::{Path, PathBuf};

/// Source and documentation files of the crate (not `target/`).
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "target" && !name.to_string_lossy().starts_with('.') {
                files(&path, out);
            }
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rs" | "md" | "toml" | "py" | "sh" | "conf")
        ) {
            out.push(path);
        }
    }
}

/// Every file to check: all of the crate but this test, which spells out
/// what it looks for.
fn crate_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    files(Path::new(env!("CARGO_MANIFEST_DIR")), &mut out);
    out.retain(|p| !p.ends_with("tests/references.rs"));
    out.sort();
    out
}

/// `§` followed by a digit: a numbered section of some document.
fn section_citations(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find('§') {
            let after = &rest[at + '§'.len_utf8()..];
            if after.starts_with(|c: char| c.is_ascii_digit()) {
                found.push((i + 1, line.trim().to_string()));
                break;
            }
            rest = after;
        }
    }
    found
}

/// The anchors a Markdown page offers: explicit `<a id="…">` / `<a name="…">`
/// and the ids mdBook/GitHub derive from headings.
fn anchors(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in page.lines() {
        for key in ["id=\"", "name=\""] {
            let mut rest = line;
            while let Some(at) = rest.find(key) {
                let tail = &rest[at + key.len()..];
                if let Some(end) = tail.find('"') {
                    out.push(tail[..end].to_string());
                }
                rest = tail;
            }
        }
        if let Some(heading) = line.strip_prefix('#') {
            let title = heading.trim_start_matches('#').trim();
            let slug: String = title
                .to_lowercase()
                .chars()
                .filter_map(|c| match c {
                    'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
                    ' ' => Some('-'),
                    _ => None,
                })
                .collect();
            out.push(slug);
        }
    }
    out
}

#[test]
fn no_citation_of_a_document_outside_the_repository() {
    let mut bad = Vec::new();
    for path in crate_files() {
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        for (line, content) in section_citations(&text) {
            bad.push(format!("{}:{line}: {content}", path.display()));
        }
    }
    assert!(
        bad.is_empty(),
        "section numbers cite a document that is not in the repository; name the Java \
         `Class#method` and its file in apache/rocketmq instead (or a FORMATS.md#anchor):\n{}",
        bad.join("\n")
    );
}

#[test]
fn every_formats_anchor_cited_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = fs::read_to_string(root.join("FORMATS.md")).ok();
    let offered = page.as_deref().map(anchors).unwrap_or_default();
    let mut bad = Vec::new();
    for path in crate_files() {
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find("FORMATS.md#") {
                let tail = &rest[at + "FORMATS.md#".len()..];
                let anchor: String = tail
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                if page.is_none() || !offered.contains(&anchor) {
                    bad.push(format!("{}:{}: FORMATS.md#{anchor}", path.display(), i + 1));
                }
                rest = tail;
            }
        }
    }
    assert!(
        bad.is_empty(),
        "cited anchors missing from FORMATS.md:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_checks_catch_what_they_are_for() {
    let citation = format!("see facts {}4.3 for the layout", '§');
    assert_eq!(section_citations(&citation).len(), 1);
    assert!(section_citations("a section sign alone: § and no number").is_empty());
    let page = "# Formats\n<a id=\"commitlog-record\"></a>\n## Consume queue entry\n";
    let offered = anchors(page);
    assert!(offered.contains(&"commitlog-record".to_string()));
    assert!(offered.contains(&"consume-queue-entry".to_string()));
}
