//! Reading and writing the JSON dialect of Alibaba fastjson 1.x.
//!
//! Java RocketMQ serializes every body with fastjson (`RemotingSerializable`),
//! and fastjson's default output is *not quite* JSON. Two shapes break a
//! standard parser such as `serde_json`:
//!
//! - **Numeric map keys are unquoted.** A `HashMap<Long, String>` comes out as
//!   `{0:"10.0.0.1:10911",1:"10.0.0.2:10911"}`. Route data (`brokerAddrs`),
//!   cluster info and many admin bodies have such maps.
//! - **Objects used as map keys are written as objects.** A
//!   `Map<MessageQueue, Long>` comes out as
//!   `{{"brokerName":"b","queueId":0,"topic":"t"}:42}` (consume stats, topic
//!   stats, offset tables).
//!
//! Newer name servers quote the keys of route data when the client asks for
//! it (request `version ≥ 401`, or `acceptStandardJsonOnly=true`), but every
//! other body keeps fastjson's default form, so a compatible peer must read
//! both.
//!
//! ## Reading: [`normalize`] then serde
//!
//! [`normalize`] is a small re-writer that walks the text once and emits
//! standard JSON: an unquoted number key becomes a quoted one (`0` → `"0"`,
//! which serde happily reads back into an `i64` key), and an object or array
//! key becomes a *string holding its JSON text*
//! (`"{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"t\"}"`). A field whose
//! map has object keys uses [`object_key_map`] as its serde adapter, which
//! parses that string back into the key type. [`from_slice`] tries
//! `serde_json` first and only normalizes when that fails, so standard JSON
//! pays nothing.
//!
//! ## Writing: [`to_vec`] with a [`JsonStyle`]
//!
//! Our own bodies must be readable by Java clients, which parse with the same
//! fastjson. Standard JSON is always accepted for string-keyed maps, but for
//! `Map<Long, …>` and `Map<MessageQueue, …>` fastjson's reader expects the
//! shapes its writer produces. [`to_vec`] drives `serde_json`'s serializer
//! with a custom `Formatter` that sees every map key go by and decides how to
//! print it:
//!
//! - [`JsonStyle::Fastjson`]: integer keys unquoted, object keys (from
//!   [`object_key_map`]) written as raw objects — byte-for-byte fastjson's
//!   default shape, for bodies like `ClusterInfo`.
//! - [`JsonStyle::Standard`]: every key quoted and non-ASCII text escaped as
//!   `\uXXXX` — what fastjson's `BrowserCompatible` mode produces, used for
//!   route data answered to new clients.
//!
//! Field order is the struct's declaration order; our body structs declare
//! their fields alphabetically because fastjson sorts them (`SortField`).

//!
//! Files: `fastjson/normalize.rs` holds the reader, `fastjson/formatter.rs`
//! the writer's key-aware `serde_json` formatter; this file the public API.

mod formatter;
mod normalize;

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use normalize::normalize;

/// Why a fastjson text could not be read or a value could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FastjsonError {
    #[error("body is not UTF-8: {0}")]
    Utf8(#[from] std::str::Utf8Error),
    #[error("malformed JSON at byte {pos}: {msg}")]
    Syntax { pos: usize, msg: &'static str },
    #[error("JSON does not match the expected shape: {0}")]
    Json(#[from] serde_json::Error),
}

/// How [`to_vec`] prints map keys and non-ASCII text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonStyle {
    /// fastjson's default: integer keys unquoted, object keys raw, UTF-8 as is.
    Fastjson,
    /// Standard JSON, every key quoted, non-ASCII as `\uXXXX`
    /// (fastjson `BrowserCompatible`).
    Standard,
}

/// Parse a fastjson (or standard JSON) body into `T`.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, FastjsonError> {
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(_) => {
            let text = std::str::from_utf8(bytes)?;
            let standard = normalize(text)?;
            Ok(serde_json::from_str(&standard)?)
        }
    }
}

/// Serialize `value` in the given style.
pub fn to_vec<T: Serialize + ?Sized>(
    value: &T,
    style: JsonStyle,
) -> Result<Vec<u8>, FastjsonError> {
    let mut out = Vec::with_capacity(128);
    let formatter = formatter::FastjsonFormatter::new(style);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    value.serialize(&mut ser)?;
    Ok(out)
}

/// [`to_vec`] as a `String`.
pub fn to_string<T: Serialize + ?Sized>(
    value: &T,
    style: JsonStyle,
) -> Result<String, FastjsonError> {
    let bytes = to_vec(value, style)?;
    // The formatter only ever writes UTF-8 (serde_json's own output plus the
    // ASCII escapes we add), so this cannot fail; fall back to lossy anyway.
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// Append `text` as a JSON string literal. With `ascii_only`, every
/// non-ASCII character is written as `\uXXXX` (UTF-16 units, as Java does).
fn write_json_string(out: &mut String, text: &str, ascii_only: bool) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if ascii_only && !c.is_ascii() => push_utf16_escapes(out, c),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_utf16_escapes(out: &mut String, c: char) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        out.push_str(&format!("\\u{:04x}", unit));
    }
}

// ---------------------------------------------------------------------------
// Maps with object keys
// ---------------------------------------------------------------------------

/// Prefix marking a map key that holds a serialized object. Only
/// [`to_vec`]'s formatter understands it; it starts with a NUL so no real
/// topic or group name can collide with it.
const OBJECT_KEY_MARKER: &str = "\u{0}json:";

/// serde adapter for `BTreeMap<K, V>` fields whose keys are objects
/// (`Map<MessageQueue, …>` in Java):
///
/// ```ignore
/// #[serde(with = "crate::common::fastjson::object_key_map")]
/// offset_table: BTreeMap<MessageQueue, i64>,
/// ```
///
/// Write such a struct with [`to_vec`] (not `serde_json::to_vec`, which
/// would leave the internal key marker in the output); read it with
/// [`from_slice`].
pub mod object_key_map {
    use super::*;
    use serde::de::Error as _;
    use serde::ser::SerializeMap;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S, K, V>(map: &BTreeMap<K, V>, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        K: Serialize,
        V: Serialize,
    {
        let mut m = serializer.serialize_map(Some(map.len()))?;
        for (k, v) in map {
            let key_json = serde_json::to_string(k).map_err(serde::ser::Error::custom)?;
            m.serialize_entry(&format!("{OBJECT_KEY_MARKER}{key_json}"), v)?;
        }
        m.end()
    }

    pub fn deserialize<'de, D, K, V>(deserializer: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        D: Deserializer<'de>,
        K: DeserializeOwned + Ord,
        V: serde::Deserialize<'de>,
    {
        let raw: BTreeMap<String, V> = serde::Deserialize::deserialize(deserializer)?;
        let mut out = BTreeMap::new();
        for (k, v) in raw {
            let text = k.strip_prefix(OBJECT_KEY_MARKER).unwrap_or(&k);
            let key = serde_json::from_str(text).map_err(|e| {
                D::Error::custom(format!("map key {text:?} is not the expected object: {e}"))
            })?;
            out.insert(key, v);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Addrs {
        broker_addrs: BTreeMap<i64, String>,
        broker_name: String,
    }

    #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Mq {
        broker_name: String,
        queue_id: i32,
        topic: String,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Offsets {
        #[serde(with = "object_key_map")]
        offset_table: BTreeMap<Mq, i64>,
    }

    fn sample_addrs() -> Addrs {
        Addrs {
            broker_addrs: BTreeMap::from([
                (0, "10.0.0.1:10911".into()),
                (1, "10.0.0.2:10911".into()),
            ]),
            broker_name: "broker-a".into(),
        }
    }

    /// Found by the `fastjson` fuzz target: a backslash as the very last
    /// byte of a string stepped past the end of the input.
    #[test]
    fn a_trailing_backslash_is_an_error_not_a_panic() {
        for text in [r"{a:'x\", r#"{"a":"x\"#, r"['\", r"'\"] {
            assert!(normalize(text).is_err(), "{text}");
        }
    }

    #[test]
    fn reads_unquoted_numeric_keys() {
        let text =
            r#"{"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"},"brokerName":"broker-a"}"#;
        assert!(
            serde_json::from_str::<Addrs>(text).is_err(),
            "serde alone cannot"
        );
        assert_eq!(
            from_slice::<Addrs>(text.as_bytes()).unwrap(),
            sample_addrs()
        );
    }

    #[test]
    fn reads_quoted_keys_directly() {
        let text = r#"{"brokerAddrs":{"0":"10.0.0.1:10911","1":"10.0.0.2:10911"},"brokerName":"broker-a"}"#;
        assert_eq!(
            from_slice::<Addrs>(text.as_bytes()).unwrap(),
            sample_addrs()
        );
    }

    #[test]
    fn writes_both_styles() {
        let fast = to_string(&sample_addrs(), JsonStyle::Fastjson).unwrap();
        assert_eq!(
            fast,
            r#"{"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"},"brokerName":"broker-a"}"#
        );
        let std = to_string(&sample_addrs(), JsonStyle::Standard).unwrap();
        assert_eq!(std, serde_json::to_string(&sample_addrs()).unwrap());
    }

    #[test]
    fn object_keys_round_trip() {
        let text = r#"{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"t"}:42,{"brokerName":"b","queueId":1,"topic":"t"}:7}}"#;
        let parsed: Offsets = from_slice(text.as_bytes()).unwrap();
        let mq = |q| Mq {
            broker_name: "b".into(),
            queue_id: q,
            topic: "t".into(),
        };
        assert_eq!(
            parsed.offset_table,
            BTreeMap::from([(mq(0), 42), (mq(1), 7)])
        );
        // Written back in fastjson style it is the same text.
        assert_eq!(to_string(&parsed, JsonStyle::Fastjson).unwrap(), text);
        // In standard style the key is a string that reads back too.
        let std = to_vec(&parsed, JsonStyle::Standard).unwrap();
        assert!(serde_json::from_slice::<serde_json::Value>(&std).is_ok());
        assert_eq!(from_slice::<Offsets>(&std).unwrap(), parsed);
    }

    #[test]
    fn string_keys_and_values_are_escaped() {
        let m = BTreeMap::from([("k\"ey".to_string(), "v\n主题".to_string())]);
        let fast = to_string(&m, JsonStyle::Fastjson).unwrap();
        assert_eq!(fast, "{\"k\\\"ey\":\"v\\n主题\"}");
        let std = to_string(&m, JsonStyle::Standard).unwrap();
        assert_eq!(std, "{\"k\\\"ey\":\"v\\n\\u4e3b\\u9898\"}");
        let back: BTreeMap<String, String> = from_slice(std.as_bytes()).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn normalize_handles_odd_forms() {
        assert_eq!(
            normalize("{code:0, 'a':'it\\'s \"x\"'}").unwrap(),
            r#"{"code":0,"a":"it's \"x\""}"#
        );
        assert_eq!(
            normalize(" [ {-1:true} , [] ] ").unwrap(),
            r#"[{"-1":true},[]]"#
        );
        assert_eq!(normalize(r#"{"s":"a\"}b"}"#).unwrap(), r#"{"s":"a\"}b"}"#);
    }

    #[test]
    fn normalize_rejects_garbage_without_panicking() {
        for bad in [
            "", "{", "{\"a\"", "{\"a\":}", "[1,", "{1:2,}x", "\"abc", "{:1}", "[1 2]",
        ] {
            assert!(normalize(bad).is_err(), "{bad:?} should fail");
        }
        let deep = "[".repeat(10_000);
        assert!(normalize(&deep).is_err());
    }
}
