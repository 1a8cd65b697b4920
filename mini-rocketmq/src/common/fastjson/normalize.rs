//! The reader half of [`fastjson`](super): rewrite fastjson text into
//! standard JSON in one pass, so `serde_json` can read it.

use super::{FastjsonError, write_json_string};

/// Deepest nesting [`normalize`] follows. Real bodies nest 4–5 levels; the
/// limit only stops a hostile body from exhausting the stack.
const MAX_DEPTH: usize = 128;

/// Rewrite fastjson text into standard JSON (see the module docs).
///
/// Also accepted, because fastjson can produce them with non-default
/// features: unquoted identifier keys (`{code:0}`) and single-quoted strings.
pub fn normalize(input: &str) -> Result<String, FastjsonError> {
    let mut n = Normalizer {
        src: input.as_bytes(),
        pos: 0,
    };
    let mut out = String::with_capacity(input.len() + 16);
    n.skip_ws();
    n.value(&mut out, 0)?;
    n.skip_ws();
    if n.pos != n.src.len() {
        return Err(n.err("trailing characters after the JSON value"));
    }
    Ok(out)
}

struct Normalizer<'a> {
    src: &'a [u8],
    pos: usize,
}

impl Normalizer<'_> {
    fn err(&self, msg: &'static str) -> FastjsonError {
        FastjsonError::Syntax { pos: self.pos, msg }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// The text between `start` and the current position. Both ends sit on
    /// ASCII delimiters, so the slice is valid UTF-8.
    fn slice(&self, start: usize) -> &str {
        self.src
            .get(start..self.pos)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    fn value(&mut self, out: &mut String, depth: usize) -> Result<(), FastjsonError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        match self.peek() {
            Some(b'{') => self.object(out, depth),
            Some(b'[') => self.array(out, depth),
            Some(b'"') => self.string(out),
            Some(b'\'') => self.single_quoted(out),
            Some(_) => self.literal(out),
            None => Err(self.err("unexpected end of input")),
        }
    }

    /// Between the items of an object or array: copy the `,` that separates
    /// two items, or consume the closing bracket. Returns `false` once the
    /// container is closed, `true` when another item follows.
    fn next_item(
        &mut self,
        out: &mut String,
        close: u8,
        first: &mut bool,
        what: &'static str,
    ) -> Result<bool, FastjsonError> {
        self.skip_ws();
        match self.peek() {
            Some(c) if c == close => {
                self.pos += 1;
                out.push(char::from(close));
                return Ok(false);
            }
            Some(b',') if !*first => {
                self.pos += 1;
                out.push(',');
                self.skip_ws();
            }
            Some(_) if *first => {}
            Some(_) => {
                return Err(self.err(if close == b'}' {
                    "expected ',' or '}' in object"
                } else {
                    "expected ',' or ']' in array"
                }));
            }
            None => return Err(self.err(what)),
        }
        *first = false;
        Ok(true)
    }

    fn object(&mut self, out: &mut String, depth: usize) -> Result<(), FastjsonError> {
        self.pos += 1; // '{'
        out.push('{');
        let mut first = true;
        while self.next_item(out, b'}', &mut first, "unterminated object")? {
            self.key(out, depth)?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.err("expected ':' after object key"));
            }
            self.pos += 1;
            out.push(':');
            self.skip_ws();
            self.value(out, depth + 1)?;
        }
        Ok(())
    }

    /// An object key in any of fastjson's shapes, written as a JSON string.
    fn key(&mut self, out: &mut String, depth: usize) -> Result<(), FastjsonError> {
        match self.peek() {
            Some(b'"') => self.string(out),
            Some(b'\'') => self.single_quoted(out),
            Some(b'{' | b'[') => {
                // An object used as a key: normalize it on its own, then store
                // its text as the key string.
                let mut inner = String::new();
                self.value(&mut inner, depth + 1)?;
                write_json_string(out, &inner, false);
                Ok(())
            }
            Some(b) if b == b'-' || b.is_ascii_digit() => {
                let start = self.pos;
                while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = self.peek() {
                    self.pos += 1;
                }
                out.push('"');
                out.push_str(self.slice(start));
                out.push('"');
                Ok(())
            }
            Some(b) if b == b'_' || b == b'$' || b.is_ascii_alphabetic() => {
                let start = self.pos;
                while let Some(b) = self.peek() {
                    if b == b'_' || b == b'$' || b.is_ascii_alphanumeric() {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                out.push('"');
                out.push_str(self.slice(start));
                out.push('"');
                Ok(())
            }
            _ => Err(self.err("expected an object key")),
        }
    }

    fn array(&mut self, out: &mut String, depth: usize) -> Result<(), FastjsonError> {
        self.pos += 1; // '['
        out.push('[');
        let mut first = true;
        while self.next_item(out, b']', &mut first, "unterminated array")? {
            self.value(out, depth + 1)?;
        }
        Ok(())
    }

    /// A double-quoted string, copied verbatim (its escapes are already JSON).
    fn string(&mut self, out: &mut String) -> Result<(), FastjsonError> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    out.push_str(self.slice(start));
                    return Ok(());
                }
                Some(b'\\') => self.pos = (self.pos + 2).min(self.src.len()),
                Some(_) => self.pos += 1,
                None => return Err(self.err("unterminated string")),
            }
        }
    }

    /// A single-quoted string, re-quoted with double quotes.
    fn single_quoted(&mut self, out: &mut String) -> Result<(), FastjsonError> {
        self.pos += 1;
        out.push('"');
        loop {
            let start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'\'' || b == b'\\' || b == b'"' {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.slice(start));
            match self.peek() {
                Some(b'\'') => {
                    self.pos += 1;
                    out.push('"');
                    return Ok(());
                }
                Some(b'"') => {
                    self.pos += 1;
                    out.push_str("\\\"");
                }
                Some(b'\\') => {
                    // `\'` is not a JSON escape; every other escape is.
                    if self.src.get(self.pos + 1) == Some(&b'\'') {
                        out.push('\'');
                    } else {
                        out.push('\\');
                        if let Some(&next) = self.src.get(self.pos + 1) {
                            out.push(next as char);
                        }
                    }
                    // A backslash may be the last byte: never step past the end.
                    self.pos = (self.pos + 2).min(self.src.len());
                }
                _ => return Err(self.err("unterminated string")),
            }
        }
    }

    /// A number, `true`, `false` or `null`: copied as is (serde checks it).
    fn literal(&mut self, out: &mut String) -> Result<(), FastjsonError> {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if matches!(b, b',' | b'}' | b']' | b':' | b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.err("expected a value"));
        }
        out.push_str(self.slice(start));
        Ok(())
    }
}
