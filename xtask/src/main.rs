//! `cargo xtask` — the workbook's developer commands. See `xtask/src/lib.rs`.

use std::process::ExitCode;

use anyhow::{Result, bail};

const USAGE: &str = "\
cargo xtask <command>

  diff <A> <B>    print chapter A -> chapter B as a unified diff (e.g. `diff 01 02`)
  gen             regenerate book/src/generated/ (each chapter's \"what changed\" diff)
  book            regenerate, then render the book to book/book/ and print where it is
  check-book      check every include, anchor, pinned trace and generated file; render
";

fn run(args: &[String]) -> Result<()> {
    let root = xtask::workspace_root();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["diff", a, b] => {
            print!("{}", xtask::chapter_diff(&root, a, b)?);
        }
        ["gen"] => {
            for path in xtask::write_generated(&root)? {
                println!("wrote {}", path.display());
            }
        }
        ["book"] => {
            xtask::write_generated(&root)?;
            let dest = root.join("book").join("book");
            xtask::render_book(&root, &dest)?;
            println!("The book is at {}", dest.join("index.html").display());
            println!(
                "Open it in a browser, e.g. `xdg-open book/book/index.html` or `open book/book/index.html`."
            );
        }
        ["check-book"] => {
            let scratch = root.join("target").join("book-check");
            let problems = xtask::check_book(&root, &scratch)?;
            if !problems.is_empty() {
                for p in &problems {
                    eprintln!("{p}");
                }
                bail!("{} problem(s) in the book", problems.len());
            }
            println!(
                "book ok: every include resolves, traces match their snapshots, diffs are fresh"
            );
        }
        _ => {
            eprint!("{USAGE}");
            bail!("unknown command: {}", args.join(" "));
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
