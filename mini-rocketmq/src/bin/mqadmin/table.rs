//! Output of a command: an aligned text table for people, JSON for scripts.
//!
//! Java's `mqadmin` prints with fixed-width `printf` formats, which wrap
//! badly once a name is longer than the width someone guessed in 2013. Here
//! every column is as wide as its widest cell, and the header row starts with
//! `#` like RocketMQ's (`#Topic  #Broker Name  #QID …`), so a reader who
//! knows the Java tool recognises the shape.

use std::fmt::Write;

/// What a command produced: the text form and the JSON form of the same
/// facts. `main` prints one of them.
pub struct Report {
    pub text: String,
    pub json: serde_json::Value,
}

impl Report {
    pub fn new(text: impl Into<String>, json: serde_json::Value) -> Self {
        Report {
            text: text.into(),
            json,
        }
    }
}

/// A table under construction.
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<I, S>(headers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Table {
            headers: headers
                .into_iter()
                .map(|h| format!("#{}", h.into()))
                .collect(),
            rows: Vec::new(),
        }
    }

    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: ToString,
    {
        self.rows
            .push(cells.into_iter().map(|c| c.to_string()).collect());
    }

    /// Left-aligned columns, two spaces apart, no trailing blanks.
    pub fn render(&self) -> String {
        let columns = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let mut out = String::new();
        for line in std::iter::once(&self.headers).chain(self.rows.iter()) {
            let mut text = String::new();
            for (i, cell) in line.iter().enumerate().take(columns) {
                if i + 1 == columns {
                    text.push_str(cell);
                } else {
                    let _ = write!(text, "{:<width$}  ", cell, width = widths[i]);
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_as_wide_as_their_widest_cell() {
        let mut t = Table::new(["Topic", "QID"]);
        t.row(["TopicTest", "0"]);
        t.row(["T", "12"]);
        assert_eq!(t.render(), "#Topic     #QID\nTopicTest  0\nT          12\n");
    }
}
