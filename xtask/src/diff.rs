//! Chapter diffs, and the generated "what changed" files the book includes.
//!
//! A chapter is a full copy of the one before it plus one mechanism, so the
//! diff between neighbours *is* the mechanism. Two things would add noise to
//! it, and we normalise both away: the package name (`chapter-01` vs
//! `chapter-02`, `chapter_01::run_scenario`) and the crate's own path.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use similar::TextDiff;

use crate::{chapter_name, chapters, list_files};

/// Where the generated book includes live, relative to the workspace root.
pub const GENERATED_DIR: &str = "book/src/generated";

/// Replace `chapter-NN` / `chapter_NN` with a placeholder so that two
/// chapters' manifests and `use` lines compare equal.
fn normalise(text: &str, nn: &str) -> String {
    text.replace(&format!("chapter-{nn}"), "chapter-NN")
        .replace(&format!("chapter_{nn}"), "chapter_NN")
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
    let files_a = list_files(&dir_a)?;
    let files_b = list_files(&dir_b)?;
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

/// The "what changed" text of one chapter: the diff from the previous
/// chapter, or, for the first chapter, the list of files it starts with.
pub fn what_changed(root: &Path, nn: &str) -> Result<String> {
    let nn = chapter_name(nn)?;
    let all = chapters(root)?;
    let pos = all
        .iter()
        .position(|c| *c == nn)
        .with_context(|| format!("no chapters/{nn}"))?;
    if pos == 0 {
        let dir = root.join("chapters").join(&nn);
        let mut out = format!("# chapter {nn} starts the walk: every file is new\n");
        for rel in list_files(&dir)? {
            let lines = read_text(&dir.join(&rel))?.lines().count();
            out.push_str(&format!("+ chapters/{nn}/{rel}  ({lines} lines)\n"));
        }
        Ok(out)
    } else {
        chapter_diff(root, &all[pos - 1], &nn)
    }
}

/// Every generated file the book includes, with the content it should have.
pub fn generated_files(root: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut out = Vec::new();
    for nn in chapters(root)? {
        let path = root
            .join(GENERATED_DIR)
            .join(format!("ch{nn}-what-changed.diff"));
        out.push((path, what_changed(root, &nn)?));
    }
    Ok(out)
}

/// Write the generated files, returning the ones whose content changed.
pub fn write_generated(root: &Path) -> Result<Vec<PathBuf>> {
    fs::create_dir_all(root.join(GENERATED_DIR))?;
    let mut changed = Vec::new();
    for (path, text) in generated_files(root)? {
        if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            fs::write(&path, &text).with_context(|| format!("writing {}", path.display()))?;
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
        assert!(
            first.contains("+ chapters/01/src/lib.rs  (2 lines)"),
            "{first}"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
