//! The trace-call convention: every `step!(…)` and `scene!(…)` in a chapter
//! is one line of code, so the book's code blocks show the mechanism, not the
//! plumbing that reports it. rustfmt keeps a call on one line when it fits
//! (`chapters/rustfmt.toml` sets `fn_call_width = 100`) and spreads it over
//! five or more lines when it does not; this check catches the second case.

use std::fs;
use std::path::Path;

use anyhow::Result;

use crate::book::Problem;
use crate::{chapters, list_files};

/// The 1-based numbers of the lines in `source` where a `step!(` or
/// `scene!(` call opens and does not close on the same line.
pub fn multi_line_trace_calls(source: &str) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for mac in ["step!(", "scene!("] {
            if let Some(pos) = code.find(mac)
                && paren_depth(&line[pos + mac.len() - 1..]) > 0
            {
                out.push(i + 1);
            }
        }
    }
    out
}

/// `(` minus `)` in `text`, not counting those inside string literals.
fn paren_depth(text: &str) -> i32 {
    let (mut depth, mut in_str, mut escaped) = (0, false, false);
    for c in text.chars() {
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// Every multi-line trace call in every chapter's `src/`.
pub fn check_trace_calls(root: &Path) -> Result<Vec<Problem>> {
    let mut problems = Vec::new();
    for nn in chapters(root)? {
        let src = root.join("chapters").join(&nn).join("src");
        for rel in list_files(&src)? {
            if !rel.ends_with(".rs") {
                continue;
            }
            let path = src.join(&rel);
            let text = fs::read_to_string(&path)?;
            for line in multi_line_trace_calls(&text) {
                problems.push(Problem {
                    page: path.clone(),
                    what: format!(
                        "line {line}: a trace call spans several lines. Make it one line of at most \
                         100 columns: name the actor and Class#method in consts (ACTOR, JAVA), \
                         capture values inline (\"topic={{topic}}\"), or split the facts over two \
                         step! calls (they share one head line in the trace)"
                    ),
                });
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_calls_pass_and_spread_calls_are_found() {
        let src = "fn f() {\n    step!(ACTOR, JAVA, \"REGISTER_BROKER(103) -> {addr}\");\n    \
                   step!(\n        ACTOR,\n        JAVA,\n        \"x\"\n    );\n    \
                   // step!( in a comment\n    scene!(\"t=0s (start\");\n}\n";
        assert_eq!(multi_line_trace_calls(src), vec![3]);
    }
}
