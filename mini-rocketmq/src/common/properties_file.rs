//! Reading RocketMQ's `key=value` configuration files.
//!
//! `mqbroker -c broker.conf` and `mqnamesrv -c namesrv.properties` read a
//! `java.util.Properties` file and copy every entry onto the config object
//! whose setter has the same name (`MixAll.properties2Object`). This module
//! is the first half of that: it turns the file text into ordered
//! `(key, value)` pairs. The second half, matching keys to fields, lives with
//! each config type (`BrokerConfig::set_property`, …) because only the config
//! knows its types.
//!
//! The grammar is the part of `java.util.Properties` that real `broker.conf`
//! files use:
//!
//! - blank lines and lines starting with `#` or `!` are ignored;
//! - the key ends at the first unescaped `=`, `:` or whitespace, and the
//!   separator may be surrounded by spaces (`brokerName = broker-a`);
//! - a line ending in an odd number of backslashes continues on the next line;
//! - `\t`, `\n`, `\r`, `\f`, `\uXXXX` and `\<char>` escapes are decoded.
//!
//! Values are trimmed at the end as well, because RocketMQ trims them before
//! converting (`MixAll.properties2Object` calls `trim()`), and a stray space
//! after `listenPort=10911` should not stop a broker from starting.

use std::fmt;
use std::path::Path;

/// One `key=value` file, in file order. Later duplicates win when applied,
/// as they do in Java (`Properties` is a map).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PropertiesFile {
    pub entries: Vec<(String, String)>,
}

/// A file that could not be read.
#[derive(Debug)]
pub struct PropertiesError {
    pub path: String,
    pub source: std::io::Error,
}

impl fmt::Display for PropertiesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read config file {}: {}", self.path, self.source)
    }
}

impl std::error::Error for PropertiesError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl PropertiesFile {
    /// Read and parse a file.
    pub fn load(path: &Path) -> Result<Self, PropertiesError> {
        let text = std::fs::read_to_string(path).map_err(|source| PropertiesError {
            path: path.display().to_string(),
            source,
        })?;
        Ok(Self::parse(&text))
    }

    /// Parse the text of a properties file. Never fails: a line without a
    /// separator is a key with an empty value, exactly as in Java.
    pub fn parse(text: &str) -> Self {
        let mut entries = Vec::new();
        let mut logical = String::new();
        let mut continuing = false;
        for raw in text.lines() {
            let line = if continuing {
                raw.trim_start()
            } else {
                let t = raw.trim_start();
                if t.is_empty() || t.starts_with('#') || t.starts_with('!') {
                    continue;
                }
                t
            };
            // An odd count of trailing backslashes means "continued".
            let trailing = line.chars().rev().take_while(|&c| c == '\\').count();
            if trailing % 2 == 1 {
                logical.push_str(&line[..line.len() - 1]);
                continuing = true;
                continue;
            }
            logical.push_str(line);
            continuing = false;
            entries.push(split_entry(&logical));
            logical.clear();
        }
        if !logical.is_empty() {
            entries.push(split_entry(&logical));
        }
        PropertiesFile { entries }
    }

    /// The last value given for `key`, if any.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Split one logical line into its key and value.
fn split_entry(line: &str) -> (String, String) {
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut key_end = chars.len();
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2, // an escaped character is part of the key
            '=' | ':' | ' ' | '\t' | '\u{c}' => {
                key_end = i;
                break;
            }
            _ => i += 1,
        }
    }
    let key_end = key_end.min(chars.len());
    let key: String = chars[..key_end].iter().collect();
    // Skip whitespace, at most one `=`/`:`, then whitespace again.
    let mut j = key_end;
    while j < chars.len() && matches!(chars[j], ' ' | '\t' | '\u{c}') {
        j += 1;
    }
    if j < chars.len() && matches!(chars[j], '=' | ':') {
        j += 1;
    }
    while j < chars.len() && matches!(chars[j], ' ' | '\t' | '\u{c}') {
        j += 1;
    }
    let value: String = chars[j..].iter().collect();
    (unescape(&key), unescape(&value).trim_end().to_string())
}

/// Decode Java properties escapes. A malformed `\u` escape is kept as text
/// rather than rejected: config files are written by people.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = it.clone().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if hex.len() == 4 => {
                        out.push(ch);
                        for _ in 0..4 {
                            it.next();
                        }
                    }
                    _ => out.push_str("\\u"),
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Parse a Java-style boolean: `true` (any case) is true, anything else false,
/// as `Boolean.parseBoolean` does. Used by config setters.
pub fn parse_bool(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("true")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_broker_conf() {
        let text = "\
# broker.conf
brokerClusterName = DefaultCluster
brokerName=broker-a
  brokerId: 0
! another comment style
deleteWhen=04
namesrvAddr=127.0.0.1:9876;127.0.0.1:9877   
flag
";
        let p = PropertiesFile::parse(text);
        assert_eq!(p.get("brokerClusterName"), Some("DefaultCluster"));
        assert_eq!(p.get("brokerName"), Some("broker-a"));
        assert_eq!(p.get("brokerId"), Some("0"));
        assert_eq!(p.get("deleteWhen"), Some("04"));
        assert_eq!(p.get("namesrvAddr"), Some("127.0.0.1:9876;127.0.0.1:9877"));
        assert_eq!(p.get("flag"), Some(""));
        assert_eq!(p.entries.len(), 6);
    }

    #[test]
    fn continuation_and_escapes() {
        let p = PropertiesFile::parse("a=one \\\n    two\nb=x\\ty\nc\\=d=e\nu=\\u0041\n");
        assert_eq!(p.get("a"), Some("one two"));
        assert_eq!(p.get("b"), Some("x\ty"));
        assert_eq!(p.get("c=d"), Some("e"));
        assert_eq!(p.get("u"), Some("A"));
    }

    #[test]
    fn later_value_wins() {
        let p = PropertiesFile::parse("k=1\nk=2\n");
        assert_eq!(p.get("k"), Some("2"));
    }

    #[test]
    fn booleans_like_java() {
        assert!(parse_bool("TRUE"));
        assert!(parse_bool(" true "));
        assert!(!parse_bool("yes"));
    }
}
