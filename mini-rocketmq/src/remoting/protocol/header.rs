//! Typed custom headers — Java `CommandCustomHeader` and the reflection in
//! `RemotingCommand#makeCustomHeaderToNet` / `#decodeCommandCustomHeader`.
//!
//! A request's arguments travel as `extFields`, a flat map of strings. Java
//! declares them as a class per request (`SendMessageRequestHeader` …) and
//! copies fields to and from the map by reflection: every non-null field
//! becomes `extFields[fieldName] = value.toString()`, and decoding parses each
//! entry back by the field's type, failing when a `@CFNotNull` field is
//! absent (Java `RemotingCommand#makeCustomHeaderToNet`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/RemotingCommand.java`).
//!
//! Rust has no reflection, so [`command_custom_header!`](crate::command_custom_header) writes the same two
//! directions from one declaration that names each field *exactly* as Java
//! does:
//!
//! ```
//! use mini_rocketmq::command_custom_header;
//! use mini_rocketmq::remoting::protocol::header::CommandCustomHeader;
//!
//! command_custom_header! {
//!     /// GET_MAX_OFFSET (30).
//!     pub struct GetMaxOffsetRequestHeader {
//!         ! topic: String = "topic",
//!         ! queue_id: i32 = "queueId",
//!         ? committed: bool = "committed" or true,
//!         ? bname: String = "bname",
//!     }
//! }
//!
//! let mut ext = std::collections::HashMap::new();
//! ext.insert("topic".to_string(), "TopicTest".to_string());
//! ext.insert("queueId".to_string(), "3".to_string());
//! let h = GetMaxOffsetRequestHeader::read_ext_fields(&ext).unwrap();
//! assert_eq!((h.queue_id, h.committed, h.bname), (3, true, None));
//! ```
//!
//! * `!` — required (`@CFNotNull`): the Rust type is the value type; decoding
//!   fails with [`RemotingError::MissingField`] when the key is absent.
//! * `?` — optional: the Rust type is `Option<T>`, written only when `Some`.
//! * `? … or <default>` — a Java primitive with an initial value: the Rust
//!   type is `T`, always written, and the default fills a missing key.
//!
//! Value types are those Java supports (`String`, `i32`, `i64`, `bool`, `f64`,
//! [`BoundaryType`]), all through [`HeaderField`]. Unknown keys are ignored on
//! decode, which is how the optional RPC base keys (`ns`, `nsd`, `bname`,
//! `oway`, `lo`) of `RpcRequestHeader` / `TopicRequestHeader` are tolerated by
//! headers that do not declare them.
//!
//! The headers themselves live in one file per area: [`send`], [`pull`],
//! [`offset`], [`query`], [`client_manage`], [`admin`], [`transaction`] and
//! [`namesrv`]; all are re-exported here.
//!
//! One deliberate difference: Java logs and skips a value that fails to parse,
//! leaving the field null. We do that for optional fields only; a required
//! field that does not parse is [`RemotingError::InvalidField`], because Java
//! would fail on the null a moment later anyway.

use std::collections::HashMap;

use crate::remoting::error::RemotingError;

pub mod admin;
pub mod client_manage;
pub mod namesrv;
pub mod offset;
pub mod pull;
pub mod query;
pub mod send;
pub mod transaction;

pub use admin::*;
pub use client_manage::*;
pub use namesrv::*;
pub use offset::*;
pub use pull::*;
pub use query::*;
pub use send::*;
pub use transaction::*;

/// A header type that can be flattened into and read back from `extFields`.
pub trait CommandCustomHeader: Sized {
    /// Writes every present field as `ext[fieldName] = text`.
    fn write_ext_fields(&self, ext: &mut HashMap<String, String>);

    /// Parses the fields back; a missing required field is
    /// [`RemotingError::MissingField`].
    fn read_ext_fields(ext: &HashMap<String, String>) -> Result<Self, RemotingError>;
}

/// A value type allowed in a custom header, with Java's text form.
pub trait HeaderField: Sized {
    /// Named in error messages: "expected `EXPECTED`".
    const EXPECTED: &'static str;

    /// Java's `value.toString()`.
    fn to_ext_value(&self) -> String;

    /// Java's parse for the field's type; `None` when the text is not one.
    fn from_ext_value(text: &str) -> Option<Self>;
}

impl HeaderField for String {
    const EXPECTED: &'static str = "a string";
    fn to_ext_value(&self) -> String {
        self.clone()
    }
    fn from_ext_value(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

impl HeaderField for i32 {
    const EXPECTED: &'static str = "a decimal int";
    fn to_ext_value(&self) -> String {
        self.to_string()
    }
    /// `Integer.parseInt`: optional sign, decimal digits, nothing else.
    fn from_ext_value(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl HeaderField for i64 {
    const EXPECTED: &'static str = "a decimal long";
    fn to_ext_value(&self) -> String {
        self.to_string()
    }
    fn from_ext_value(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl HeaderField for bool {
    const EXPECTED: &'static str = "true or false";
    fn to_ext_value(&self) -> String {
        if *self { "true" } else { "false" }.to_owned()
    }
    /// `Boolean.parseBoolean`: "true" in any case is true, anything else false.
    fn from_ext_value(text: &str) -> Option<Self> {
        Some(text.eq_ignore_ascii_case("true"))
    }
}

impl HeaderField for f64 {
    const EXPECTED: &'static str = "a decimal number";
    fn to_ext_value(&self) -> String {
        self.to_string()
    }
    fn from_ext_value(text: &str) -> Option<Self> {
        text.trim().parse().ok()
    }
}

/// Which end of a range of equal timestamps SEARCH_OFFSET_BY_TIMESTAMP picks
/// (Java `org.apache.rocketmq.common.BoundaryType`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum BoundaryType {
    #[default]
    Lower,
    Upper,
}

impl HeaderField for BoundaryType {
    const EXPECTED: &'static str = "lower or upper";
    /// Java writes the enum's `toString()`, its constant name.
    fn to_ext_value(&self) -> String {
        match self {
            BoundaryType::Lower => "LOWER",
            BoundaryType::Upper => "UPPER",
        }
        .to_owned()
    }
    /// `BoundaryType.getType`: "upper" in any case is UPPER, anything else LOWER.
    fn from_ext_value(text: &str) -> Option<Self> {
        Some(if text.eq_ignore_ascii_case("upper") {
            BoundaryType::Upper
        } else {
            BoundaryType::Lower
        })
    }
}

/// Reads a `!` field. Used by [`command_custom_header!`](crate::command_custom_header).
pub fn read_required<T: HeaderField>(
    ext: &HashMap<String, String>,
    key: &str,
) -> Result<T, RemotingError> {
    match ext.get(key) {
        Some(text) => T::from_ext_value(text).ok_or_else(|| RemotingError::InvalidField {
            field: key.to_owned(),
            value: text.clone(),
            expected: T::EXPECTED,
        }),
        None => Err(RemotingError::MissingField(key.to_owned())),
    }
}

/// Reads a `?` field: absent or unparsable is `None` (Java skips the field).
pub fn read_optional<T: HeaderField>(ext: &HashMap<String, String>, key: &str) -> Option<T> {
    let text = ext.get(key)?;
    let value = T::from_ext_value(text);
    if value.is_none() {
        tracing::debug!(field = key, value = %text, "ignoring unparsable optional header field");
    }
    value
}

/// Writes one field. Used by [`command_custom_header!`](crate::command_custom_header).
pub fn write_field<T: HeaderField>(ext: &mut HashMap<String, String>, key: &str, value: &T) {
    ext.insert(key.to_owned(), value.to_ext_value());
}

/// Declares a header struct and its [`CommandCustomHeader`] impl; see the
/// [module documentation](crate::remoting::protocol::header) for the syntax.
#[macro_export]
macro_rules! command_custom_header {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident { $($fields:tt)* }
    ) => {
        $crate::__header_fields! {
            @head [$(#[$meta])*] [$vis] $name
            @done []
            @todo $($fields)*
        }
    };
}

/// Reads the field list of [`command_custom_header!`](crate::command_custom_header) one field at a time
/// (a "tt muncher": `!`/`?` after doc comments cannot be told apart in one
/// repetition), normalising each to `{ [attrs] marker name type key [default] }`,
/// then emits the struct and its impls.
#[doc(hidden)]
#[macro_export]
macro_rules! __header_fields {
    // `? name: T = "key" or default`
    (
        @head $head:tt [$vis:vis] $name:ident
        @done [$($done:tt)*]
        @todo $(#[$fm:meta])* ? $field:ident : $ty:ty = $key:literal or $default:expr
            $(, $($rest:tt)*)?
    ) => {
        $crate::__header_fields! {
            @head $head [$vis] $name
            @done [$($done)* { [$(#[$fm])*] ? $field [$ty] $key [$default] }]
            @todo $($($rest)*)?
        }
    };
    // `? name: T = "key"`
    (
        @head $head:tt [$vis:vis] $name:ident
        @done [$($done:tt)*]
        @todo $(#[$fm:meta])* ? $field:ident : $ty:ty = $key:literal
            $(, $($rest:tt)*)?
    ) => {
        $crate::__header_fields! {
            @head $head [$vis] $name
            @done [$($done)* { [$(#[$fm])*] ? $field [$ty] $key [] }]
            @todo $($($rest)*)?
        }
    };
    // `! name: T = "key"`
    (
        @head $head:tt [$vis:vis] $name:ident
        @done [$($done:tt)*]
        @todo $(#[$fm:meta])* ! $field:ident : $ty:ty = $key:literal
            $(, $($rest:tt)*)?
    ) => {
        $crate::__header_fields! {
            @head $head [$vis] $name
            @done [$($done)* { [$(#[$fm])*] ! $field [$ty] $key [] }]
            @todo $($($rest)*)?
        }
    };
    // All fields read: emit.
    (
        @head [$($meta:tt)*] [$vis:vis] $name:ident
        @done [$( { [$($fm:tt)*] $req:tt $field:ident [$ty:ty] $key:literal [$($default:expr)?] } )*]
        @todo
    ) => {
        $($meta)*
        #[derive(Clone, Debug, PartialEq)]
        $vis struct $name {
            $(
                $($fm)*
                #[doc = concat!("extFields key `", $key, "`.")]
                pub $field: $crate::__header_field_type!($req $ty $(, $default)?),
            )*
        }

        impl ::std::default::Default for $name {
            fn default() -> Self {
                $name {
                    $( $field: $crate::__header_field_default!($req $(, $default)?), )*
                }
            }
        }

        impl $crate::remoting::protocol::header::CommandCustomHeader for $name {
            #[allow(unused_variables)]
            fn write_ext_fields(
                &self,
                ext: &mut ::std::collections::HashMap<::std::string::String, ::std::string::String>,
            ) {
                // One allocation for the whole header instead of a rehash
                // every few fields.
                ext.reserve(<[&str]>::len(&[$($key),*]));
                $( $crate::__header_field_write!($req ext, $key, &self.$field $(, $default)?); )*
            }

            #[allow(unused_variables)]
            fn read_ext_fields(
                ext: &::std::collections::HashMap<::std::string::String, ::std::string::String>,
            ) -> ::std::result::Result<Self, $crate::remoting::error::RemotingError> {
                ::std::result::Result::Ok($name {
                    $( $field: $crate::__header_field_read!($req ext, $key, $ty $(, $default)?), )*
                })
            }
        }
    };
}

/// The Rust type of a header field (internal to [`command_custom_header!`](crate::command_custom_header)).
#[doc(hidden)]
#[macro_export]
macro_rules! __header_field_type {
    (! $ty:ty) => { $ty };
    (? $ty:ty) => { ::std::option::Option<$ty> };
    (? $ty:ty, $default:expr) => { $ty };
}

/// The initial value of a header field (internal to [`command_custom_header!`](crate::command_custom_header)).
#[doc(hidden)]
#[macro_export]
macro_rules! __header_field_default {
    (!) => {
        ::std::default::Default::default()
    };
    (?) => {
        ::std::option::Option::None
    };
    (?, $default:expr) => {
        $default
    };
}

/// Writes one header field (internal to [`command_custom_header!`](crate::command_custom_header)).
#[doc(hidden)]
#[macro_export]
macro_rules! __header_field_write {
    (! $ext:ident, $key:literal, $value:expr) => {
        $crate::remoting::protocol::header::write_field($ext, $key, $value)
    };
    (? $ext:ident, $key:literal, $value:expr) => {
        if let ::std::option::Option::Some(v) = $value {
            $crate::remoting::protocol::header::write_field($ext, $key, v)
        }
    };
    (? $ext:ident, $key:literal, $value:expr, $default:expr) => {
        $crate::remoting::protocol::header::write_field($ext, $key, $value)
    };
}

/// Reads one header field (internal to [`command_custom_header!`](crate::command_custom_header)).
#[doc(hidden)]
#[macro_export]
macro_rules! __header_field_read {
    (! $ext:ident, $key:literal, $ty:ty) => {
        $crate::remoting::protocol::header::read_required::<$ty>($ext, $key)?
    };
    (? $ext:ident, $key:literal, $ty:ty) => {
        $crate::remoting::protocol::header::read_optional::<$ty>($ext, $key)
    };
    (? $ext:ident, $key:literal, $ty:ty, $default:expr) => {
        $crate::remoting::protocol::header::read_optional::<$ty>($ext, $key)
            .unwrap_or_else(|| $default)
    };
}

/// A header with no fields, for requests whose arguments are all in the body
/// (HEART_BEAT, LOCK_BATCH_MQ …) or absent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EmptyHeader;

impl CommandCustomHeader for EmptyHeader {
    fn write_ext_fields(&self, _ext: &mut HashMap<String, String>) {}
    fn read_ext_fields(_ext: &HashMap<String, String>) -> Result<Self, RemotingError> {
        Ok(EmptyHeader)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    command_custom_header! {
        /// A header exercising every kind of field.
        pub struct TestHeader {
            ! topic: String = "topic",
            ! queue_id: i32 = "queueId",
            ! offset: i64 = "offset",
            ? remark: String = "remark",
            ? unit_mode: bool = "unitMode",
            ? committed: bool = "committed" or true,
            ? boundary_type: BoundaryType = "boundaryType",
        }
    }

    fn ext(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn round_trip_writes_only_present_fields() {
        let h = TestHeader {
            topic: "T".into(),
            queue_id: -1,
            offset: 1 << 40,
            remark: None,
            unit_mode: Some(false),
            committed: true,
            boundary_type: Some(BoundaryType::Upper),
        };
        let mut map = HashMap::new();
        h.write_ext_fields(&mut map);
        assert_eq!(
            map,
            ext(&[
                ("topic", "T"),
                ("queueId", "-1"),
                ("offset", "1099511627776"),
                ("unitMode", "false"),
                ("committed", "true"),
                ("boundaryType", "UPPER"),
            ])
        );
        assert_eq!(TestHeader::read_ext_fields(&map).unwrap(), h);
    }

    #[test]
    fn missing_required_field_is_named() {
        let err =
            TestHeader::read_ext_fields(&ext(&[("topic", "T"), ("offset", "1")])).unwrap_err();
        assert!(matches!(&err, RemotingError::MissingField(f) if f == "queueId"));
        assert_eq!(err.to_string(), "the custom field <queueId> is null");
    }

    #[test]
    fn unparsable_required_field_is_an_error_and_optional_is_skipped() {
        let err =
            TestHeader::read_ext_fields(&ext(&[("topic", "T"), ("queueId", "x"), ("offset", "1")]))
                .unwrap_err();
        assert!(matches!(err, RemotingError::InvalidField { .. }));

        let h = TestHeader::read_ext_fields(&ext(&[
            ("topic", "T"),
            ("queueId", "1"),
            ("offset", "1"),
            ("committed", "FALSE"),
            ("boundaryType", "lower"),
            ("ns", "namespace"),
            ("oway", "true"),
        ]))
        .unwrap();
        assert!(!h.committed);
        assert_eq!(h.boundary_type, Some(BoundaryType::Lower));
        assert_eq!(h.unit_mode, None);
    }

    command_custom_header! {
        /// A header with no fields of its own still compiles.
        pub struct NoFieldsHeader {}
    }

    #[test]
    fn a_header_without_fields_reads_anything() {
        let h = NoFieldsHeader::read_ext_fields(&ext(&[("ns", "x")])).unwrap();
        let mut map = HashMap::new();
        h.write_ext_fields(&mut map);
        assert!(map.is_empty());
    }

    #[test]
    fn defaults_follow_java_initial_values() {
        let h = TestHeader::default();
        assert!(h.committed);
        assert_eq!(h.queue_id, 0);
        assert_eq!(h.remark, None);
    }
}
