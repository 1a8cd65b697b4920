//! `cargo xtask` — the workbook's developer commands. See `xtask/src/lib.rs`.

use std::process::ExitCode;

use anyhow::{Result, bail};

const USAGE: &str = "\
cargo xtask <command>

  diff <A> <B>    chapter A -> chapter B: the files with line counts, then the
                  unified diff (e.g. `diff 01 02`; `diff 01 02 --stat` for the list only)
  gen             regenerate book/src/generated/: each chapter's \"what changed\"
                  section and the SVG figures drawn from book/src/figures/*.bob
  book            regenerate, then render the book to book/book/ and print where it is
  check-book      check every include, anchor, pinned trace, generated file and
                  trace call; render
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
            print!("{}", xtask::stat_text(&xtask::diff_stat(&root, a, b)?));
            println!();
            print!("{}", xtask::chapter_diff(&root, a, b)?);
        }
        ["diff", a, b, "--stat"] => {
            print!("{}", xtask::stat_text(&xtask::diff_stat(&root, a, b)?));
        }
        ["gen"] => {
            let changed = xtask::write_generated(&root)?;
            for path in &changed {
                println!("wrote {}", path.display());
            }
            if changed.is_empty() {
                println!("book/src/generated/ is up to date");
            }
        }
        ["book"] => {
            eprintln!("[1/2] regenerating book/src/generated/ (what changed, figures)");
            for path in xtask::write_generated(&root)? {
                eprintln!("      wrote {}", path.display());
            }
            let dest = root.join("book").join("book");
            eprintln!(
                "[2/2] rendering the book with mdBook into {}",
                dest.display()
            );
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
                "book ok: every include and figure resolves, traces match their snapshots, generated files are fresh, trace calls are one line"
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
