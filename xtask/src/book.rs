//! The book check and the book build.
//!
//! mdBook resolves `{{#include file:anchor}}` while it renders, but a missing
//! file or anchor is only a logged error: the page renders anyway, with the
//! raw include text or nothing in it. For a book whose promise is "the code
//! and traces you read are the ones that run", that is not good enough, so we
//! resolve every include ourselves first, the same way mdBook will, and turn
//! every problem into a failure:
//!
//! * the included file does not exist;
//! * the anchor is missing, unterminated or empty;
//! * a line range starts past the end of the file;
//! * a snapshot (`.snap`) is included with a range that does not start right
//!   after insta's header — the only way a page could show something other
//!   than the pinned trace;
//! * a generated "what changed" diff is stale (the chapters changed after
//!   `cargo xtask gen` last ran);
//! * a figure (`<img src="…">`) points at a file that does not exist, or a
//!   generated SVG was drawn from an older `.bob` source;
//! * a trace call in a chapter spans several lines (see `trace_calls`);
//! * mdBook itself fails to render (with `create-missing = false`, a SUMMARY
//!   entry without its file is such a failure).

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use mdbook_driver::MDBook;

use crate::diff::generated_files;

/// One thing wrong with the book, with the page and the include text, so the
/// message says where to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub page: PathBuf,
    pub what: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.page.display(), self.what)
    }
}

/// How an include selects lines, as mdBook parses `path[:anchor | :start[:end]]`.
#[derive(Debug, PartialEq, Eq)]
enum Select {
    All,
    Anchor(String),
    /// 1-based first line, and the last line (inclusive) if given; `open`
    /// says a trailing `:` asked for "to the end".
    Lines {
        start: usize,
        end: Option<usize>,
        open: bool,
    },
}

#[derive(Debug, PartialEq, Eq)]
struct Include {
    text: String,
    path: String,
    select: Select,
}

/// Find the `{{#include …}}` and `{{#rustdoc_include …}}` links of a page,
/// skipping escaped ones (`\{{#include …}}`), which mdBook prints literally.
fn find_includes(page: &str) -> Vec<Include> {
    let mut out = Vec::new();
    let mut rest = page;
    let mut consumed = 0;
    while let Some(pos) = rest.find("{{#") {
        let abs = consumed + pos;
        let after = &rest[pos + 3..];
        let Some(close) = after.find("}}") else { break };
        let inner = &after[..close];
        let escaped = abs > 0 && page.as_bytes()[abs - 1] == b'\\';
        let advance = pos + 3 + close + 2;
        consumed += advance;
        rest = &rest[advance..];
        if escaped {
            continue;
        }
        let mut words = inner.split_whitespace();
        let kind = words.next().unwrap_or("");
        if kind != "include" && kind != "rustdoc_include" {
            continue;
        }
        let Some(arg) = words.next() else { continue };
        let (path, sel) = match arg.split_once(':') {
            Some((p, s)) => (p, Some(s)),
            None => (arg, None),
        };
        out.push(Include {
            text: format!("{{{{#{inner}}}}}"),
            path: path.to_string(),
            select: parse_select(sel),
        });
    }
    out
}

/// The local `src="…"` of every `<img>` in a page (figures), skipping URLs.
fn find_images(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(pos) = rest.find("<img") {
        rest = &rest[pos + 4..];
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        if let Some(start) = tag.find("src=\"") {
            let value = &tag[start + 5..];
            let src = &value[..value.find('"').unwrap_or(value.len())];
            if !src.contains("://") && !src.is_empty() {
                out.push(src.to_string());
            }
        }
    }
    out
}

fn parse_select(sel: Option<&str>) -> Select {
    let Some(sel) = sel else { return Select::All };
    let mut parts = sel.splitn(2, ':');
    let first = parts.next().unwrap_or("");
    let second = parts.next();
    match first.parse::<usize>() {
        Ok(start) => Select::Lines {
            start,
            end: second.and_then(|s| s.parse().ok()),
            open: second.is_some_and(|s| s.parse::<usize>().is_err()),
        },
        Err(_) if first.is_empty() => Select::Lines {
            start: 1,
            end: second.and_then(|s| s.parse().ok()),
            open: second.is_some_and(|s| s.parse::<usize>().is_err()),
        },
        Err(_) => Select::Anchor(first.to_string()),
    }
}

/// The lines between `ANCHOR: name` and `ANCHOR_END: name`, without any
/// anchor lines (mdBook strips nested anchors too). `None` when the anchor
/// does not open and close.
fn anchored_lines<'a>(text: &'a str, anchor: &str) -> Option<Vec<&'a str>> {
    let is_marker = |line: &str, kind: &str| {
        line.split_once(kind)
            .is_some_and(|(_, name)| name.trim().trim_end_matches("-->").trim() == anchor)
    };
    let mut inside = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        if !inside {
            if is_marker(line, "ANCHOR:") {
                inside = true;
            }
        } else if is_marker(line, "ANCHOR_END:") {
            return Some(lines);
        } else if !line.contains("ANCHOR:") && !line.contains("ANCHOR_END:") {
            lines.push(line);
        }
    }
    None
}

/// The number of the first line after insta's `---`-delimited header.
fn first_line_after_snapshot_header(text: &str) -> Option<usize> {
    let mut seen = 0;
    for (i, line) in text.lines().enumerate() {
        if line == "---" {
            seen += 1;
            if seen == 2 {
                return Some(i + 2);
            }
        }
    }
    None
}

fn check_include(page: &Path, inc: &Include, problems: &mut Vec<Problem>) {
    let mut fail = |what: String| {
        problems.push(Problem {
            page: page.to_path_buf(),
            what: format!("{} — {what}", inc.text),
        })
    };
    let dir = page.parent().unwrap_or(Path::new("."));
    let target = dir.join(&inc.path);
    let text = match fs::read_to_string(&target) {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot read {}: {e}", target.display())),
    };
    let is_snapshot = inc.path.ends_with(".snap");
    match &inc.select {
        Select::All if is_snapshot => fail(
            "a snapshot must be included from the line after its header, e.g. `file.snap:5:`"
                .into(),
        ),
        Select::All => {}
        Select::Anchor(name) => match anchored_lines(&text, name) {
            None => fail(format!(
                "anchor '{name}' not found (or no ANCHOR_END) in {}",
                inc.path
            )),
            Some(lines) if lines.iter().all(|l| l.trim().is_empty()) => {
                fail(format!("anchor '{name}' in {} is empty", inc.path))
            }
            Some(_) => {}
        },
        Select::Lines { start, end, open } => {
            let count = text.lines().count();
            if *start == 0 || *start > count {
                fail(format!(
                    "line {start} is past the end of {} ({count} lines)",
                    inc.path
                ));
            }
            if let Some(end) = end
                && end < start
            {
                fail(format!("line range {start}:{end} is backwards"));
            }
            if is_snapshot {
                match first_line_after_snapshot_header(&text) {
                    None => fail(format!("{} has no insta header", inc.path)),
                    Some(first) if first != *start || !*open => fail(format!(
                        "shows a different text than the pinned trace: include it as `{}:{first}:`",
                        inc.path
                    )),
                    Some(_) => {}
                }
            }
        }
    }
}

fn markdown_pages(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            markdown_pages(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    out.sort();
    Ok(())
}

/// Check the book under `root/book` without writing anything into it.
/// `render_to` is where the rendered HTML goes (a scratch directory).
pub fn check_book(root: &Path, render_to: &Path) -> Result<Vec<Problem>> {
    let book = root.join("book");
    let mut problems = Vec::new();

    let mut pages = Vec::new();
    markdown_pages(&book.join("src"), &mut pages)?;
    for page in &pages {
        let text = fs::read_to_string(page)?;
        for inc in find_includes(&text) {
            check_include(page, &inc, &mut problems);
        }
        for src in find_images(&text) {
            let target = page.parent().unwrap_or(Path::new(".")).join(&src);
            if !target.is_file() {
                problems.push(Problem {
                    page: page.clone(),
                    what: format!(
                        "image {src} does not exist (figures are generated: run `cargo xtask gen`)"
                    ),
                });
            }
        }
    }

    for (path, expected) in generated_files(root)? {
        let actual = fs::read_to_string(&path).unwrap_or_default();
        if actual != expected {
            problems.push(Problem {
                page: path.clone(),
                what: "stale: the chapters changed since it was generated; run `cargo xtask gen` \
                       (a chapter's own trace check is `cargo test -p workbook-tests --test chapter_NN`)"
                    .into(),
            });
        }
    }

    problems.extend(crate::figures::check_figures(root)?);
    problems.extend(crate::trace_calls::check_trace_calls(root)?);

    if let Err(e) = render_book(root, render_to) {
        problems.push(Problem {
            page: book.join("book.toml"),
            what: format!("mdBook failed to render: {e:#}"),
        });
    }
    Ok(problems)
}

/// Render the book to `dest` with mdBook's HTML renderer.
pub fn render_book(root: &Path, dest: &Path) -> Result<()> {
    let mut book = MDBook::load(root.join("book")).map_err(|e| anyhow::anyhow!("{e:#}"))?;
    book.config.build.build_dir = dest.to_path_buf();
    book.build().map_err(|e| anyhow::anyhow!("{e:#}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_includes_and_skips_escaped_ones() {
        let page = "a {{#include ../x.rs:main}} b \\{{#include nope.rs}} {{#include y.snap:5:}} {{#title T}}";
        let found = find_includes(page);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].path, "../x.rs");
        assert_eq!(found[0].select, Select::Anchor("main".into()));
        assert_eq!(
            found[1].select,
            Select::Lines {
                start: 5,
                end: None,
                open: true
            }
        );
    }

    #[test]
    fn finds_local_images() {
        let page = r#"<figure><img src="../generated/ch02-flow.svg" alt="x"></figure> <img src="https://e.org/a.png">"#;
        assert_eq!(
            find_images(page),
            vec!["../generated/ch02-flow.svg".to_string()]
        );
    }

    #[test]
    fn anchors() {
        let src = "x\n// ANCHOR: a\nfn a() {}\n// ANCHOR: b\n// ANCHOR_END: b\n// ANCHOR_END: a\n";
        assert_eq!(anchored_lines(src, "a"), Some(vec!["fn a() {}"]));
        assert_eq!(anchored_lines(src, "b"), Some(vec![]));
        assert_eq!(anchored_lines(src, "c"), None);
    }

    #[test]
    fn snapshot_header() {
        let snap = "---\nsource: tests/chapter_01.rs\nexpression: text\n---\nline one\n";
        assert_eq!(first_line_after_snapshot_header(snap), Some(5));
    }
}
