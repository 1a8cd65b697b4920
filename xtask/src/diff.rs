//! Chapter diffs, and the generated "what changed" files the book includes.
//!
//! A chapter is a full copy of the one before it plus one mechanism, so the
//! diff between neighbours *is* the mechanism. Two things would add noise to
//! it, and we normalise both away: the package name (`chapter-01` vs
//! `chapter-02`, `chapter_01::run_scenario`) and the crate's own path.

use std::fs;
use std::path::{Path, PathBuf};

use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use similar::{ChangeTag, TextDiff};

use crate::{chapter_name, chapters, list_files};

/// Where the generated book includes live, relative to the workspace root.
pub const GENERATED_DIR: &str = "book/src/generated";

/// Replace `chapter-NN` / `chapter_NN` with a placeholder so that two
/// chapters' manifests and `use` lines compare equal.
fn normalise(text: &str, nn: &str) -> String {
    text.replace(&format!("chapter-{nn}"), "chapter-NN")
        .replace(&format!("chapter_{nn}"), "chapter_NN")
}

/// A chapter's exercises are its own, not carried into the next chapter,
/// so they stay out of "what changed" and `cargo xtask diff`.
fn carried(rel: &str) -> bool {
    !rel.starts_with("tests/exercises")
}

/// The files of a chapter that diffs compare.
fn chapter_files(dir: &Path) -> Result<Vec<String>> {
    Ok(list_files(dir)?
        .into_iter()
        .filter(|rel| carried(rel))
        .collect())
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Unified diff of `chapters/<a>` → `chapters/<b>`, file by file in path
/// order, with `chapter-NN` normalised. Empty when nothing differs.
pub fn chapter_diff(root: &Path, a: &str, b: &str) -> Result<String> {
    let (a, b) = (chapter_name(a)?, chapter_name(b)?);
    let (dir_a, dir_b) = (
        root.join("chapters").join(&a),
        root.join("chapters").join(&b),
    );
    for dir in [&dir_a, &dir_b] {
        if !dir.join("Cargo.toml").exists() {
            anyhow::bail!("{} is not a chapter crate (no Cargo.toml)", dir.display());
        }
    }
    let files_a = chapter_files(&dir_a)?;
    let files_b = chapter_files(&dir_b)?;
    let mut all: Vec<&String> = files_a.iter().chain(files_b.iter()).collect();
    all.sort();
    all.dedup();

    let mut out = String::new();
    for rel in all {
        let old = if files_a.contains(rel) {
            normalise(&read_text(&dir_a.join(rel))?, &a)
        } else {
            String::new()
        };
        let new = if files_b.contains(rel) {
            normalise(&read_text(&dir_b.join(rel))?, &b)
        } else {
            String::new()
        };
        if old == new {
            continue;
        }
        let old_name = if files_a.contains(rel) {
            format!("chapters/{a}/{rel}")
        } else {
            "/dev/null".to_string()
        };
        let new_name = if files_b.contains(rel) {
            format!("chapters/{b}/{rel}")
        } else {
            "/dev/null".to_string()
        };
        let diff = TextDiff::from_lines(&old, &new);
        let text = diff
            .unified_diff()
            .context_radius(3)
            .header(&old_name, &new_name)
            .to_string();
        out.push_str(&text);
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}

/// One file's share of a chapter diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Path inside the chapter crate, e.g. `src/namesrv/controller.rs`.
    pub path: String,
    /// `new`, `changed` or `removed`.
    pub kind: &'static str,
    pub added: usize,
    pub removed: usize,
}

/// Files added, changed and removed from chapter `a` to `b`, with line
/// counts, in path order (the `--stat` of [`chapter_diff`]).
pub fn diff_stat(root: &Path, a: &str, b: &str) -> Result<Vec<FileChange>> {
    let (a, b) = (chapter_name(a)?, chapter_name(b)?);
    let (dir_a, dir_b) = (
        root.join("chapters").join(&a),
        root.join("chapters").join(&b),
    );
    let files_a = chapter_files(&dir_a)?;
    let files_b = chapter_files(&dir_b)?;
    let mut all: Vec<&String> = files_a.iter().chain(files_b.iter()).collect();
    all.sort();
    all.dedup();
    let mut out = Vec::new();
    for rel in all {
        let (in_a, in_b) = (files_a.contains(rel), files_b.contains(rel));
        let old = if in_a {
            normalise(&read_text(&dir_a.join(rel))?, &a)
        } else {
            String::new()
        };
        let new = if in_b {
            normalise(&read_text(&dir_b.join(rel))?, &b)
        } else {
            String::new()
        };
        if old == new {
            continue;
        }
        let (mut added, mut removed) = (0, 0);
        for change in TextDiff::from_lines(&old, &new).iter_all_changes() {
            match change.tag() {
                ChangeTag::Insert => added += 1,
                ChangeTag::Delete => removed += 1,
                ChangeTag::Equal => {}
            }
        }
        let kind = match (in_a, in_b) {
            (false, _) => "new",
            (_, false) => "removed",
            _ => "changed",
        };
        out.push(FileChange {
            path: rel.clone(),
            kind,
            added,
            removed,
        });
    }
    Ok(out)
}

/// The summary `cargo xtask diff A B` prints above the diff.
pub fn stat_text(stat: &[FileChange]) -> String {
    let mut out = String::new();
    let width = stat.iter().map(|c| c.path.len()).max().unwrap_or(0);
    for c in stat {
        let _ = writeln!(
            out,
            "  {:<width$}  {:<7}  +{} -{}",
            c.path, c.kind, c.added, c.removed
        );
    }
    let (added, removed): (usize, usize) = stat
        .iter()
        .fold((0, 0), |(a, r), c| (a + c.added, r + c.removed));
    let _ = writeln!(out, "{} files changed, +{added} -{removed}", stat.len());
    out
}

/// The chapter's list of anchors that carry its mechanism, from its
/// `Cargo.toml`: `[package.metadata.workbook] key-hunks = ["src/x.rs:anchor"]`.
pub fn key_hunks(root: &Path, nn: &str) -> Result<Vec<(String, String)>> {
    let manifest = root.join("chapters").join(nn).join("Cargo.toml");
    let text = read_text(&manifest)?;
    let doc: toml::Table =
        toml::from_str(&text).with_context(|| format!("parsing {}", manifest.display()))?;
    let list = doc
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("workbook"))
        .and_then(|w| w.get("key-hunks"))
        .and_then(|k| k.as_array())
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    for item in list {
        let Some(spec) = item.as_str() else {
            bail!("{}: key-hunks holds a non-string", manifest.display());
        };
        let Some((file, anchor)) = spec.split_once(':') else {
            bail!(
                "{}: key-hunk '{spec}' is not `src/file.rs:anchor`",
                manifest.display()
            );
        };
        out.push((file.to_string(), anchor.to_string()));
    }
    Ok(out)
}

/// The 0-based line range (in `text`) of the lines inside an anchor,
/// markers excluded.
fn anchor_range(text: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let marker =
        |line: &str, kind: &str| line.split_once(kind).is_some_and(|(_, n)| n.trim() == name);
    let mut start = None;
    for (i, line) in text.lines().enumerate() {
        match start {
            None if marker(line, "ANCHOR:") => start = Some(i + 1),
            Some(s) if marker(line, "ANCHOR_END:") => return Some(s..i),
            _ => {}
        }
    }
    None
}

/// The hunks of the `old` → `new` diff (3 lines of context) that touch the
/// given line range of `new`, each under an `@@` header; anchor marker
/// lines are left out of what is shown.
fn hunks_within(old: &str, new: &str, range: &std::ops::Range<usize>) -> String {
    let diff = TextDiff::from_lines(old, new);
    let mut out = String::new();
    for group in diff.grouped_ops(3) {
        let changed_here = group.iter().any(|op| {
            op.tag() != similar::DiffTag::Equal && {
                let r = op.new_range();
                // A deletion has an empty new range: it touches the anchor
                // when it sits inside it.
                r.start < range.end && (r.end > range.start || r.start >= range.start)
            }
        });
        if !changed_here {
            continue;
        }
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let (o, n) = (first.old_range().start, first.new_range().start);
        let (o_len, n_len) = (last.old_range().end - o, last.new_range().end - n);
        let _ = writeln!(out, "@@ -{},{o_len} +{},{n_len} @@", o + 1, n + 1);
        for op in &group {
            for change in diff.iter_changes(op) {
                if change.value().contains("ANCHOR:") || change.value().contains("ANCHOR_END:") {
                    continue;
                }
                let sign = match change.tag() {
                    ChangeTag::Insert => '+',
                    ChangeTag::Delete => '-',
                    ChangeTag::Equal => ' ',
                };
                let _ = write!(out, "{sign}{}", change.value());
                if !out.ends_with('\n') {
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// A fence for `content` in markdown: longer than any backtick run in it.
fn fence(content: &str) -> String {
    let (mut longest, mut run) = (0, 0);
    for c in content.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    "`".repeat((longest + 1).max(3))
}

/// mdBook would expand `{{#…}}` even inside generated code; escape it.
fn escape_mdbook(text: &str) -> String {
    text.replace("{{#", "\\{{#")
}

/// The "what changed" section of one chapter's page, as markdown: the files
/// with line counts, the hunks that carry the mechanism (the chapter's
/// `key-hunks`), and the full diff in a collapsed block. For the first
/// chapter: the files it starts with.
pub fn what_changed(root: &Path, nn: &str) -> Result<String> {
    let nn = chapter_name(nn)?;
    let all = chapters(root)?;
    let pos = all
        .iter()
        .position(|c| *c == nn)
        .with_context(|| format!("no chapters/{nn}"))?;
    let mut out = "<!-- generated by `cargo xtask gen` from chapters/; do not edit -->

"
    .to_string();
    if pos == 0 {
        let dir = root.join("chapters").join(&nn);
        let _ = writeln!(out, "Chapter {nn} starts the walk, so every file is new:\n");
        out.push_str("| file | lines |\n|---|--:|\n");
        let mut total = 0;
        for rel in chapter_files(&dir)? {
            let lines = read_text(&dir.join(&rel))?.lines().count();
            total += lines;
            let _ = writeln!(out, "| `{rel}` | {lines} |");
        }
        let _ = writeln!(out, "| **total** | **{total}** |");
        return Ok(out);
    }
    let prev = &all[pos - 1];
    let stat = diff_stat(root, prev, &nn)?;
    let (added, removed): (usize, usize) = stat
        .iter()
        .fold((0, 0), |(a, r), c| (a + c.added, r + c.removed));
    let _ = writeln!(
        out,
        "From chapter {prev} to chapter {nn}: {} files, +{added} −{removed} lines \
         (`cargo xtask diff {prev} {nn}` prints it all).\n",
        stat.len()
    );
    out.push_str("| file | | + | − |\n|---|---|--:|--:|\n");
    for c in &stat {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            c.path, c.kind, c.added, c.removed
        );
    }
    out.push('\n');

    let (dir_a, dir_b) = (
        root.join("chapters").join(prev),
        root.join("chapters").join(&nn),
    );
    for (file, anchor) in key_hunks(root, &nn)? {
        let new = normalise(&read_text(&dir_b.join(&file))?, &nn);
        let Some(range) = anchor_range(&new, &anchor) else {
            bail!("chapters/{nn}/Cargo.toml key-hunks: no anchor '{anchor}' in {file}");
        };
        let old = read_text(&dir_a.join(&file))
            .map(|t| normalise(&t, prev))
            .unwrap_or_default();
        let hunks = hunks_within(&old, &new, &range);
        let (status, hunks) = if hunks.is_empty() {
            ("unchanged", String::new())
        } else if old.is_empty() {
            ("new file", hunks)
        } else {
            ("changed", hunks)
        };
        if hunks.is_empty() {
            let _ = writeln!(out, "`{file}`, `{anchor}`: {status}.\n");
            continue;
        }
        let f = fence(&hunks);
        let _ = writeln!(
            out,
            "`{file}`, around `{anchor}` ({status}):\n\n{f}diff\n{}{f}\n",
            escape_mdbook(&hunks)
        );
    }

    let full = chapter_diff(root, prev, &nn)?;
    let f = fence(&full);
    let _ = writeln!(
        out,
        "<details>\n<summary>The full diff, chapter {prev} → {nn} ({} lines)</summary>\n\n\
         {f}diff\n{}{f}\n\n</details>",
        full.lines().count(),
        escape_mdbook(&full)
    );
    Ok(out)
}

/// Every generated file the book includes, with the content it should have.
pub fn generated_files(root: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut out = Vec::new();
    for nn in chapters(root)? {
        let path = root
            .join(GENERATED_DIR)
            .join(format!("ch{nn}-what-changed.md"));
        out.push((path, what_changed(root, &nn)?));
    }
    Ok(out)
}

/// Write the generated files (the "what changed" pages, and with the
/// `figures` feature the SVG figures), returning the ones whose content
/// changed. Files in the generated folder that nothing generates any more
/// are removed, so a renamed chapter or figure leaves no orphan behind.
pub fn write_generated(root: &Path) -> Result<Vec<PathBuf>> {
    let dir = root.join(GENERATED_DIR);
    fs::create_dir_all(&dir)?;
    #[allow(unused_mut)]
    let mut files = generated_files(root)?;
    #[cfg(feature = "figures")]
    files.extend(crate::figures::rendered_figures(root)?);
    let mut changed = Vec::new();
    for (path, text) in &files {
        if fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
            fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
            changed.push(path.clone());
        }
    }
    let figures: Vec<PathBuf> = crate::figures::figure_sources(root)?
        .iter()
        .map(|(name, _)| crate::figures::svg_path(root, name))
        .collect();
    for entry in fs::read_dir(&dir)? {
        let path = entry?.path();
        if !files.iter().any(|(p, _)| *p == path) && !figures.contains(&path) {
            fs::remove_file(&path)?;
            changed.push(path);
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_hides_the_package_name() {
        assert_eq!(
            normalise("name = \"chapter-02\"\nuse chapter_02::x;", "02"),
            "name = \"chapter-NN\"\nuse chapter_NN::x;"
        );
    }

    #[test]
    fn anchors_and_fences() {
        let src = "a\n// ANCHOR: x\nfn x() {}\n// ANCHOR: y\n// ANCHOR_END: y\n// ANCHOR_END: x\n";
        assert_eq!(anchor_range(src, "x"), Some(2..5));
        assert_eq!(anchor_range(src, "z"), None);
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n";
        let new = "a\nB\nc\nd\ne\nf\ng\nh\ni\nJ\nk\n";
        let near_b = hunks_within(old, new, &(0..3));
        assert!(
            near_b.contains("-b\n+B\n") && !near_b.contains("+J"),
            "{near_b}"
        );
        assert_eq!(fence("no ticks"), "```");
        assert_eq!(fence("//! ```rust"), "````");
    }

    #[test]
    fn diff_of_two_trees() {
        let dir = std::env::temp_dir().join(format!("xtask-diff-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for (nn, lib) in [("01", "a\nb\n"), ("02", "a\nB\n")] {
            let c = dir.join("chapters").join(nn);
            fs::create_dir_all(c.join("src")).unwrap();
            fs::write(c.join("Cargo.toml"), format!("name = \"chapter-{nn}\"\n")).unwrap();
            fs::write(c.join("src/lib.rs"), lib).unwrap();
        }
        fs::write(dir.join("chapters/02/src/new.rs"), "x\n").unwrap();
        let d = chapter_diff(&dir, "1", "2").unwrap();
        assert!(
            !d.contains("Cargo.toml"),
            "manifests differ only by name: {d}"
        );
        assert!(d.contains("-b\n+B\n"), "{d}");
        assert!(
            d.contains("--- /dev/null\n+++ chapters/02/src/new.rs"),
            "{d}"
        );
        let first = what_changed(&dir, "01").unwrap();
        assert!(first.contains("| `src/lib.rs` | 2 |"), "{first}");
        let second = what_changed(&dir, "02").unwrap();
        assert!(
            second.contains("| `src/lib.rs` | changed | 1 | 1 |"),
            "{second}"
        );
        assert!(
            second.contains("| `src/new.rs` | new | 1 | 0 |"),
            "{second}"
        );
        assert!(second.contains("<details>"), "{second}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
