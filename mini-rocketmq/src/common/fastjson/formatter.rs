//! The writer half of [`fastjson`](super): a `serde_json` formatter that
//! holds back each map key until it has seen all of it, then prints it in
//! the chosen [`JsonStyle`] — unquoted if it came from an integer (fastjson
//! style), raw if it is an object key from `object_key_map`, quoted otherwise.

use std::io;

use serde_json::ser::{CharEscape, CompactFormatter, Formatter};

use super::{JsonStyle, OBJECT_KEY_MARKER, push_utf16_escapes, write_json_string};

/// A `serde_json` formatter that captures each map key instead of writing it
/// straight away, so it can choose the key's shape once it has seen it all.
pub(super) struct FastjsonFormatter {
    style: JsonStyle,
    /// `Some` between `begin_object_key` and `end_object_key`.
    key: Option<KeyCapture>,
}

#[derive(Default)]
struct KeyCapture {
    /// The key's text, unescaped.
    text: String,
    /// The key came from an integer (`serialize_i64` & co.), not a string.
    integer: bool,
}

macro_rules! int_writers {
    ($($name:ident: $t:ty),*) => {$(
        fn $name<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: $t) -> io::Result<()> {
            match &mut self.key {
                Some(key) => {
                    key.text.push_str(&value.to_string());
                    key.integer = true;
                    Ok(())
                }
                None => CompactFormatter.$name(writer, value),
            }
        }
    )*};
}

impl FastjsonFormatter {
    pub(super) fn new(style: JsonStyle) -> Self {
        FastjsonFormatter { style, key: None }
    }
}

impl Formatter for FastjsonFormatter {
    int_writers!(write_i8: i8, write_i16: i16, write_i32: i32, write_i64: i64, write_i128: i128,
                 write_u8: u8, write_u16: u16, write_u32: u32, write_u64: u64, write_u128: u128);

    fn write_bool<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: bool) -> io::Result<()> {
        match &mut self.key {
            Some(key) => {
                key.text.push_str(if value { "true" } else { "false" });
                Ok(())
            }
            None => CompactFormatter.write_bool(writer, value),
        }
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        match &mut self.key {
            Some(key) => {
                key.text.push_str(&value.to_string());
                Ok(())
            }
            None => CompactFormatter.write_f32(writer, value),
        }
    }

    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        match &mut self.key {
            Some(key) => {
                key.text.push_str(&value.to_string());
                Ok(())
            }
            None => CompactFormatter.write_f64(writer, value),
        }
    }

    fn begin_string<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        if self.key.is_some() {
            return Ok(());
        }
        writer.write_all(b"\"")
    }

    fn end_string<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        if self.key.is_some() {
            return Ok(());
        }
        writer.write_all(b"\"")
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if let Some(key) = &mut self.key {
            key.text.push_str(fragment);
            return Ok(());
        }
        if self.style == JsonStyle::Standard && !fragment.is_ascii() {
            // serde_json has already split out every character JSON needs
            // escaped, so only non-ASCII remains to be \u-escaped here.
            let mut escaped = String::with_capacity(fragment.len() * 2);
            for c in fragment.chars() {
                if c.is_ascii() {
                    escaped.push(c);
                } else {
                    push_utf16_escapes(&mut escaped, c);
                }
            }
            return writer.write_all(escaped.as_bytes());
        }
        writer.write_all(fragment.as_bytes())
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        char_escape: CharEscape,
    ) -> io::Result<()> {
        if let Some(key) = &mut self.key {
            key.text.push(match char_escape {
                CharEscape::Quote => '"',
                CharEscape::ReverseSolidus => '\\',
                CharEscape::Solidus => '/',
                CharEscape::Backspace => '\u{8}',
                CharEscape::FormFeed => '\u{c}',
                CharEscape::LineFeed => '\n',
                CharEscape::CarriageReturn => '\r',
                CharEscape::Tab => '\t',
                CharEscape::AsciiControl(b) => b as char,
            });
            return Ok(());
        }
        CompactFormatter.write_char_escape(writer, char_escape)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        self.key = Some(KeyCapture::default());
        Ok(())
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        let Some(key) = self.key.take() else {
            return Ok(());
        };
        let ascii_only = self.style == JsonStyle::Standard;
        let mut out = String::with_capacity(key.text.len() + 2);
        if let Some(object) = key.text.strip_prefix(OBJECT_KEY_MARKER) {
            match self.style {
                JsonStyle::Fastjson => out.push_str(object),
                JsonStyle::Standard => write_json_string(&mut out, object, true),
            }
        } else if key.integer && self.style == JsonStyle::Fastjson {
            out.push_str(&key.text);
        } else {
            write_json_string(&mut out, &key.text, ascii_only);
        }
        writer.write_all(out.as_bytes())
    }
}
