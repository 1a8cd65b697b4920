//! # xtask — the workbook's developer commands
//!
//! `cargo xtask <command>` (the alias lives in `.cargo/config.toml`) runs the
//! binary in `main.rs`; everything it does lives here so the test suite can
//! call the same functions. Three jobs:
//!
//! * [`chapter_diff`] — chapter A → chapter B as a unified diff, with the
//!   package names normalised so only the mechanism shows.
//! * [`generated_files`] — the files under `book/src/generated/` that the
//!   book includes (each chapter's "what changed" section). They are
//!   committed, and [`check_book`] fails when one is stale.
//! * [`check_book`] / [`render_book`] — resolve every `{{#include}}` the way
//!   mdBook does, fail on anything mdBook would only warn about, and render
//!   the book with mdbook-driver.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

pub mod book;
pub mod diff;
pub mod figures;
pub mod trace_calls;

pub use book::{Problem, check_book, render_book};
pub use diff::{
    chapter_diff, diff_stat, generated_files, stat_text, what_changed, write_generated,
};

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// The two-digit names of every chapter crate present, in order.
pub fn chapters(root: &Path) -> Result<Vec<String>> {
    let dir = root.join("chapters");
    let mut out = BTreeSet::new();
    for entry in fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.len() == 2
            && name.bytes().all(|b| b.is_ascii_digit())
            && entry.path().join("Cargo.toml").exists()
        {
            out.insert(name);
        }
    }
    Ok(out.into_iter().collect())
}

/// Accept `5`, `05` or `chapter-05` and return `05`.
pub fn chapter_name(arg: &str) -> Result<String> {
    let digits = arg
        .trim_start_matches("chapter-")
        .trim_start_matches("chapters/");
    let n: u32 = digits
        .trim_end_matches('/')
        .parse()
        .with_context(|| format!("'{arg}' is not a chapter number (try 01 or 1)"))?;
    if n == 0 || n > 99 {
        bail!("chapter number {n} is out of range 1–99");
    }
    Ok(format!("{n:02}"))
}

/// Every file under `dir` (relative paths, `/`-separated, sorted), skipping
/// build output.
pub(crate) fn list_files(dir: &Path) -> Result<Vec<String>> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
        for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let entry = entry?;
            let path = entry.path();
            let name = entry.file_name();
            if name == "target" || name.to_string_lossy().starts_with('.') {
                continue;
            }
            if entry.file_type()?.is_dir() {
                walk(base, &path, out)?;
            } else {
                let rel = path.strip_prefix(base).expect("walked below base");
                let mut s = String::new();
                for (i, part) in rel.components().enumerate() {
                    if i > 0 {
                        s.push('/');
                    }
                    let _ = write!(s, "{}", part.as_os_str().to_string_lossy());
                }
                out.push(s);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}
