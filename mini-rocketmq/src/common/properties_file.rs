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

/// A config field type that can be set from, and printed as, property text.
///
/// Implemented for the field types RocketMQ configs use, so a config struct
/// can be declared with [`config_properties!`](crate::config_properties) and
/// get `set_property`, `properties` and `--help` text for free.
pub trait PropertyValue: Sized {
    /// Parse the (already trimmed) text of a property.
    fn parse_property(text: &str) -> Result<Self, String>;
    /// The text `-p` prints, which parses back to the same value.
    fn render_property(&self) -> String;
}

macro_rules! number_property {
    ($($t:ty),*) => {$(
        impl PropertyValue for $t {
            fn parse_property(text: &str) -> Result<Self, String> {
                text.trim().parse::<$t>().map_err(|e| format!("{text:?} is not a valid {}: {e}", stringify!($t)))
            }
            fn render_property(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
number_property!(i32, i64, u16, u32, u64, usize, f64);

impl PropertyValue for bool {
    /// Java's `Boolean.parseBoolean` turns every typo into `false`; we reject
    /// anything but `true`/`false` so `autoCreateTopicEnable=ture` is reported.
    fn parse_property(text: &str) -> Result<Self, String> {
        match text.trim() {
            t if t.eq_ignore_ascii_case("true") => Ok(true),
            t if t.eq_ignore_ascii_case("false") => Ok(false),
            t => Err(format!("{t:?} is not true or false")),
        }
    }
    fn render_property(&self) -> String {
        self.to_string()
    }
}

impl PropertyValue for String {
    fn parse_property(text: &str) -> Result<Self, String> {
        Ok(text.trim().to_string())
    }
    fn render_property(&self) -> String {
        self.clone()
    }
}

impl PropertyValue for std::path::PathBuf {
    /// A leading `~/` is expanded with `$HOME`, because RocketMQ's defaults
    /// (`~/store`) are written that way in every sample `broker.conf`.
    fn parse_property(text: &str) -> Result<Self, String> {
        Ok(expand_home(text.trim()))
    }
    fn render_property(&self) -> String {
        self.display().to_string()
    }
}

/// `~/x` → `$HOME/x`; anything else unchanged.
pub fn expand_home(path: &str) -> std::path::PathBuf {
    if (path == "~" || path.starts_with("~/"))
        && let Some(home) = std::env::var_os("HOME")
    {
        let mut p = std::path::PathBuf::from(home);
        if path.len() > 2 {
            p.push(&path[2..]);
        }
        return p;
    }
    std::path::PathBuf::from(path)
}

/// What went wrong applying one property to a config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyError {
    pub key: String,
    pub message: String,
}

impl fmt::Display for PropertyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad value for property {}: {}", self.key, self.message)
    }
}

impl std::error::Error for PropertyError {}

/// Declare a config struct whose fields carry RocketMQ property names.
///
/// ```ignore
/// config_properties! {
///     /// doc for the struct
///     pub struct NamesrvConfig {
///         /// help text shown by --help
///         listen_port: u16 = 9876 => "listenPort",
///     }
/// }
/// ```
///
/// generates the struct (all fields `pub`), `Default` with the given values,
/// and three methods: `set_property(key, value) -> Result<bool, PropertyError>`
/// (`Ok(false)` for a key this config does not know), `properties()` (name and
/// current value of every field, in declaration order, for `-p`) and
/// `property_help()` (name, default and the doc text, for `--help`).
#[macro_export]
macro_rules! config_properties {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $field:ident : $ty:ty = $default:expr => $prop:literal
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $( $field: $default, )* }
            }
        }

        impl $name {
            /// Apply one `key=value`; `Ok(false)` when the key is not ours.
            pub fn set_property(&mut self, key: &str, value: &str)
                -> Result<bool, $crate::common::properties_file::PropertyError>
            {
                use $crate::common::properties_file::{PropertyError, PropertyValue};
                match key {
                    $( $prop => {
                        self.$field = <$ty as PropertyValue>::parse_property(value)
                            .map_err(|message| PropertyError { key: key.to_string(), message })?;
                        Ok(true)
                    } )*
                    _ => Ok(false),
                }
            }

            /// Every property with its current value, in declaration order.
            pub fn properties(&self) -> Vec<(&'static str, String)> {
                use $crate::common::properties_file::PropertyValue;
                vec![ $( ($prop, self.$field.render_property()), )* ]
            }

            /// `(name, default, help)` for every property.
            pub fn property_help() -> Vec<(&'static str, String, &'static str)> {
                use $crate::common::properties_file::PropertyValue;
                let d = Self::default();
                vec![ $( ($prop, d.$field.render_property(), concat!($($doc, " "),*).trim_ascii()), )* ]
            }
        }
    };
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

    crate::config_properties! {
        /// A test config.
        pub struct DemoConfig {
            /// The port.
            listen_port: u16 = 9876 => "listenPort",
            /// Whether it is on.
            enabled: bool = true => "enabled",
            name: String = "x".to_string() => "name",
        }
    }

    #[test]
    fn config_macro_sets_prints_and_explains() {
        let mut c = DemoConfig::default();
        assert_eq!(c.set_property("listenPort", "10"), Ok(true));
        assert_eq!(c.set_property("nope", "10"), Ok(false));
        let err = c.set_property("enabled", "ture").unwrap_err();
        assert_eq!(err.key, "enabled");
        assert_eq!(c.listen_port, 10);
        assert_eq!(c.properties()[0], ("listenPort", "10".to_string()));
        let help = DemoConfig::property_help();
        assert_eq!(
            help[1],
            ("enabled", "true".to_string(), "Whether it is on.")
        );
        assert_eq!(help[2].2, "");
    }

    #[test]
    fn booleans_like_java() {
        assert!(parse_bool("TRUE"));
        assert!(parse_bool(" true "));
        assert!(!parse_bool("yes"));
    }
}
