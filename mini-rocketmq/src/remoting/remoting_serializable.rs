//! The JSON header — Java `RemotingSerializable`, which `RemotingCommand`
//! uses to turn its header fields into fastjson text and back (Java `RemotingSerializable`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/RemotingSerializable.java`).
//!
//! Java writes the header with fastjson's default features: keys in
//! alphabetical order, nulls omitted, enums by name:
//!
//! ```text
//! {"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":3,"serializeTypeCurrentRPC":"JSON","version":479}
//! ```
//!
//! **Encoding is by hand.** It is on the path of every request, and writing
//! straight into the output buffer is several times faster than building a
//! `serde_json::Value`. We also sort the `extFields` keys (Java leaves them in
//! `HashMap` order) so the same command always gives the same bytes, which
//! keeps traces and tests stable.
//!
//! **Decoding goes through serde and is tolerant**, like fastjson: unknown
//! keys are ignored, `remark: null` is fine, `language` may be a name or a
//! number, and extFields values may be JSON numbers or booleans.
//!
//! Some peers are strict in return (`rocketmq-client-rust` 1.0, see
//! `compat/README.md`): they require `serializeTypeCurrentRPC` and insist
//! that extFields values be JSON strings. We always write both that way.

use std::collections::HashMap;

use bytes::{BufMut, BytesMut};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::remoting::command::{LanguageCode, RemotingCommand, SerializeType};
use crate::remoting::error::FrameError;

/// Writes the fastjson-shaped JSON header of `cmd` to `dst`.
pub(crate) fn write_header(cmd: &RemotingCommand, dst: &mut BytesMut) {
    dst.put_slice(b"{\"code\":");
    write_decimal(dst, i64::from(cmd.code));
    if !cmd.ext_fields.is_empty() {
        dst.put_slice(b",\"extFields\":{");
        // Sorted for stable bytes. A header has a dozen entries at most, so
        // the references are sorted in a stack array; only an unusually large
        // map falls back to the heap.
        const ON_STACK: usize = 24;
        let mut stack: [(&str, &str); ON_STACK] = [("", ""); ON_STACK];
        let mut heap: Vec<(&str, &str)> = Vec::new();
        let entries: &mut [(&str, &str)] = if cmd.ext_fields.len() <= ON_STACK {
            for (slot, (k, v)) in stack.iter_mut().zip(&cmd.ext_fields) {
                *slot = (k.as_str(), v.as_str());
            }
            &mut stack[..cmd.ext_fields.len()]
        } else {
            heap.extend(cmd.ext_fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            &mut heap
        };
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (i, (key, value)) in entries.iter().enumerate() {
            if i > 0 {
                dst.put_u8(b',');
            }
            write_json_string(dst, key);
            dst.put_u8(b':');
            write_json_string(dst, value);
        }
        dst.put_u8(b'}');
    }
    dst.put_slice(b",\"flag\":");
    write_decimal(dst, i64::from(cmd.flag));
    dst.put_slice(b",\"language\":\"");
    dst.put_slice(cmd.language.name().as_bytes());
    dst.put_slice(b"\",\"opaque\":");
    write_decimal(dst, i64::from(cmd.opaque));
    if let Some(remark) = &cmd.remark {
        dst.put_slice(b",\"remark\":");
        write_json_string(dst, remark);
    }
    dst.put_slice(b",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":");
    write_decimal(dst, i64::from(cmd.version));
    dst.put_u8(b'}');
}

/// Writes an integer in decimal without going through `fmt`.
fn write_decimal(dst: &mut BytesMut, value: i64) {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    let negative = value < 0;
    let mut n = value.unsigned_abs();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if negative {
        dst.put_u8(b'-');
    }
    dst.put_slice(&buf[pos..]);
}

/// Writes a JSON string literal, escaping what JSON requires (quote,
/// backslash, control characters) and nothing else, as fastjson does.
fn write_json_string(dst: &mut BytesMut, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    dst.put_u8(b'"');
    let bytes = s.as_bytes();
    let mut run_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            0x00..=0x1F => b"",
            _ => continue,
        };
        dst.put_slice(&bytes[run_start..i]);
        if escape.is_empty() {
            dst.put_slice(b"\\u00");
            dst.put_u8(HEX[(b >> 4) as usize]);
            dst.put_u8(HEX[(b & 0xF) as usize]);
        } else {
            dst.put_slice(escape);
        }
        run_start = i + 1;
    }
    dst.put_slice(&bytes[run_start..]);
    dst.put_u8(b'"');
}

/// The JSON header as serde sees it. Every field has a default: fastjson
/// leaves missing keys at the Java field's initial value.
#[derive(Deserialize)]
struct JsonHeader {
    #[serde(default, deserialize_with = "lenient_i32")]
    code: i32,
    #[serde(default, deserialize_with = "language_by_name_or_code")]
    language: LanguageCode,
    #[serde(default, deserialize_with = "lenient_i32")]
    version: i32,
    #[serde(default, deserialize_with = "lenient_i32")]
    opaque: i32,
    #[serde(default, deserialize_with = "lenient_i32")]
    flag: i32,
    #[serde(default)]
    remark: Option<String>,
    #[serde(
        default,
        rename = "extFields",
        deserialize_with = "ext_fields_as_strings"
    )]
    ext_fields: HashMap<String, String>,
}

/// Parses a JSON header (the bytes between header mark and body).
pub(crate) fn read_header(header: &[u8]) -> Result<RemotingCommand, FrameError> {
    // serde would also accept a struct written as an array (`[105,0,…]`);
    // fastjson would not, and neither do we.
    if header.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(FrameError::InvalidJsonHeader(
            "the header is not a JSON object".to_owned(),
        ));
    }
    let h: JsonHeader =
        serde_json::from_slice(header).map_err(|e| FrameError::InvalidJsonHeader(e.to_string()))?;
    Ok(RemotingCommand {
        code: h.code,
        language: h.language,
        version: h.version,
        opaque: h.opaque,
        flag: h.flag,
        remark: h.remark,
        ext_fields: h.ext_fields,
        body: None,
        serialize_type: SerializeType::Json,
    })
}

/// An `int` field: a JSON integer as Java would take it; `null` is 0, and a
/// numeric string is accepted because fastjson accepts it too.
fn lenient_i32<'de, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = i32;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a 32-bit integer")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i32, E> {
            i32::try_from(v).map_err(|_| E::custom(format!("{v} does not fit in an int")))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i32, E> {
            i32::try_from(v).map_err(|_| E::custom(format!("{v} does not fit in an int")))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<i32, E> {
            v.trim()
                .parse()
                .map_err(|_| E::custom(format!("{v:?} is not an int")))
        }
        fn visit_unit<E: de::Error>(self) -> Result<i32, E> {
            Ok(0)
        }
    }
    d.deserialize_any(V)
}

/// `language` is an enum name in fastjson output; accept its ordinal too.
fn language_by_name_or_code<'de, D: Deserializer<'de>>(d: D) -> Result<LanguageCode, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = LanguageCode;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a LanguageCode name")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<LanguageCode, E> {
            Ok(LanguageCode::from_name(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<LanguageCode, E> {
            Ok(u8::try_from(v).map_or(LanguageCode::Other, LanguageCode::from_code))
        }
        fn visit_i64<E: de::Error>(self, _v: i64) -> Result<LanguageCode, E> {
            Ok(LanguageCode::Other)
        }
        fn visit_unit<E: de::Error>(self) -> Result<LanguageCode, E> {
            Ok(LanguageCode::Java)
        }
    }
    d.deserialize_any(V)
}

/// `extFields` is a `HashMap<String, String>` in Java; fastjson turns a
/// number or boolean value into its text, and drops a `null` one.
fn ext_fields_as_strings<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<HashMap<String, String>, D::Error> {
    /// One value of the map; `None` for JSON null.
    struct Scalar(Option<String>);

    impl<'de> Deserialize<'de> for Scalar {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Scalar;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a string, number, boolean or null")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                    Ok(Scalar(Some(v.to_owned())))
                }
                fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
                    Ok(Scalar(Some(v)))
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                    Ok(Scalar(Some(v.to_string())))
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                    Ok(Scalar(Some(v.to_string())))
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                    Ok(Scalar(Some(v.to_string())))
                }
                fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                    Ok(Scalar(Some(v.to_string())))
                }
                fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                    Ok(Scalar(None))
                }
            }
            d.deserialize_any(V)
        }
    }

    struct MapV;
    impl<'de> Visitor<'de> for MapV {
        type Value = HashMap<String, String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object of strings, or null")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            // serde_json gives no size hint; a send header has 10–14 keys.
            let mut out = HashMap::with_capacity(map.size_hint().unwrap_or(16));
            while let Some((key, Scalar(value))) = map.next_entry::<String, Scalar>()? {
                if let Some(value) = value {
                    out.insert(key, value);
                }
            }
            Ok(out)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(HashMap::new())
        }
    }
    d.deserialize_any(MapV)
}

#[cfg(test)]
mod tests {
    use bytes::{BufMut, Bytes, BytesMut};

    use crate::remoting::code::request_code;
    use crate::remoting::codec::{decode_frame, encode};
    use crate::remoting::command::{LanguageCode, RemotingCommand, SerializeType};
    use crate::remoting::error::FrameError;

    fn frame_of(cmd: &RemotingCommand) -> BytesMut {
        let mut buf = BytesMut::new();
        encode(cmd, &mut buf).unwrap();
        buf
    }

    #[test]
    fn json_header_matches_fastjson_example() {
        let mut cmd = RemotingCommand::new_request(request_code::GET_ROUTEINFO_BY_TOPIC);
        cmd.serialize_type = SerializeType::Json;
        cmd.opaque = 3;
        cmd.ext_fields.insert("topic".into(), "TopicTest".into());
        let buf = frame_of(&cmd);
        let expected = br#"{"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":3,"serializeTypeCurrentRPC":"JSON","version":479}"#;
        assert_eq!(&buf[8..], &expected[..]);
        assert_eq!(&buf[0..4], &(4 + expected.len() as u32).to_be_bytes());
        assert_eq!(&buf[4..8], &(expected.len() as u32).to_be_bytes());
    }

    #[test]
    fn json_header_omits_empty_ext_and_null_remark_and_escapes_strings() {
        let mut cmd = RemotingCommand::new_response(0, None);
        cmd.serialize_type = SerializeType::Json;
        cmd.opaque = -7;
        let buf = frame_of(&cmd);
        assert_eq!(
            &buf[8..],
            &br#"{"code":0,"flag":1,"language":"JAVA","opaque":-7,"serializeTypeCurrentRPC":"JSON","version":479}"#[..]
        );
        cmd.remark = Some("a\"b\\c\n\u{1}".into());
        let buf = frame_of(&cmd);
        let text = std::str::from_utf8(&buf[8..]).unwrap();
        assert!(text.contains(r#""remark":"a\"b\\c\n\u0001""#), "{text}");
    }

    #[test]
    fn accepts_what_other_clients_send() {
        // rocketmq-client-rust's key order, explicit null remark, language RUST.
        let json = br#"{"code":10,"language":"RUST","version":474,"opaque":7,"flag":0,"remark":null,"extFields":{"topic":"T","queueId":"1"},"serializeTypeCurrentRPC":"JSON"}"#;
        let cmd = decode_frame(json_frame(json)).unwrap();
        assert_eq!((cmd.code, cmd.version, cmd.opaque), (10, 474, 7));
        assert_eq!(cmd.language, LanguageCode::Rust);
        assert_eq!(cmd.remark, None);
        assert_eq!(cmd.ext("queueId"), Some("1"));

        // Numbers and booleans as extFields values, unknown keys, numeric
        // language, null extFields.
        let json = br#"{"code":"11","extFields":{"queueId":3,"unitMode":true,"x":null},"language":12,"future":[1,{"a":2}]}"#;
        let cmd = decode_frame(json_frame(json)).unwrap();
        assert_eq!(cmd.code, 11);
        assert_eq!(cmd.ext("queueId"), Some("3"));
        assert_eq!(cmd.ext("unitMode"), Some("true"));
        assert_eq!(cmd.ext("x"), None);
        assert_eq!(cmd.language, LanguageCode::Rust);
        let cmd = decode_frame(json_frame(br#"{"code":1,"extFields":null}"#)).unwrap();
        assert!(cmd.ext_fields.is_empty());
    }

    fn json_frame(header: &[u8]) -> Bytes {
        let mut b = BytesMut::new();
        b.put_u32(header.len() as u32);
        b.put_slice(header);
        b.freeze()
    }

    #[test]
    fn rejects_invalid_json_headers() {
        for bad in [
            &b""[..],
            b"{",
            b"not json",
            b"[1,2]",
            b"{\"code\":1.5}",
            b"{\"code\":99999999999}",
            b"{\"extFields\":{\"a\":[1]}}",
            b"{\"extFields\":7}",
            b"\xff\xfe",
        ] {
            let err = decode_frame(json_frame(bad)).unwrap_err();
            assert!(
                matches!(err, FrameError::InvalidJsonHeader(_)),
                "{bad:?}: {err}"
            );
        }
    }
}
