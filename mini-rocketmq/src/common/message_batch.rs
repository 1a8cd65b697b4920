//! The body of a SEND_BATCH_MESSAGE request (Java: `MessageBatch#encode`,
//! `MessageDecoder#encodeMessage(s)` / `#decodeMessages`).
//!
//! A producer's `MessageBatch` travels as one request whose header carries
//! the shared topic and queue, and whose body is every message in a short
//! form — only what differs per message:
//!
//! ```text
//! [totalSize i32][magic i32 = 0][bodyCRC i32 = 0][flag i32][bodyLen i32][body][propsLen i16][props]
//! ```
//!
//! back to back. The broker splits it with [`batch_entries`] (borrowing, no
//! copies) and writes each message as a full CommitLog record.

use bytes::{BufMut, Bytes, BytesMut};

use super::message::Message;
use super::message_decoder::{
    DecodeError, Reader, message_properties_to_string, string_to_message_properties,
};

/// Encode one message of a batch body (Java `MessageDecoder.encodeMessage`).
pub fn encode_message(message: &Message, out: &mut BytesMut) {
    let props = message_properties_to_string(&message.properties);
    let total = 4 + 4 + 4 + 4 + 4 + message.body.len() + 2 + props.len();
    out.reserve(total);
    out.put_i32(total as i32);
    out.put_i32(0); // MAGICCODE: unused in a batch body
    out.put_i32(0); // BODYCRC: the broker computes it
    out.put_i32(message.flag);
    out.put_i32(message.body.len() as i32);
    out.put_slice(&message.body);
    out.put_i16(props.len() as i16);
    out.put_slice(props.as_bytes());
}

/// Encode a batch body (Java `MessageDecoder.encodeMessages`).
pub fn encode_messages(messages: &[Message]) -> Bytes {
    let mut out = BytesMut::new();
    for m in messages {
        encode_message(m, &mut out);
    }
    out.freeze()
}

/// One message of a batch body, borrowed in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchEntry<'a> {
    pub flag: i32,
    pub body: &'a [u8],
    pub properties: &'a [u8],
}

/// Walk a batch body without copying; yields an error once and stops on a malformed entry.
pub fn batch_entries(body: &[u8]) -> impl Iterator<Item = Result<BatchEntry<'_>, DecodeError>> {
    let mut pos = 0usize;
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed || pos >= body.len() {
            return None;
        }
        let mut r = Reader { buf: body, pos };
        let entry = (|| {
            let total = r.i32()?;
            r.i32()?; // magic
            r.i32()?; // body crc
            let flag = r.i32()?;
            let body_len = r.i32()?;
            if body_len < 0 {
                return Err(DecodeError::BadLength(body_len as i64, "BODYLEN"));
            }
            let b = r.take(body_len as usize)?;
            let props_len = r.i16()?;
            if props_len < 0 {
                return Err(DecodeError::BadLength(props_len as i64, "PROPERTIESLEN"));
            }
            let p = r.take(props_len as usize)?;
            if total as usize != r.pos - pos {
                return Err(DecodeError::SizeMismatch {
                    total,
                    computed: r.pos - pos,
                });
            }
            Ok(BatchEntry {
                flag,
                body: b,
                properties: p,
            })
        })();
        match entry {
            Ok(e) => {
                pos = r.pos;
                Some(Ok(e))
            }
            Err(e) => {
                failed = true;
                Some(Err(e))
            }
        }
    })
}

/// Decode a batch body into messages (Java `MessageDecoder.decodeMessages`).
pub fn decode_messages(body: &Bytes) -> Result<Vec<Message>, DecodeError> {
    let base = body.as_ptr() as usize;
    batch_entries(body)
        .map(|e| {
            let e = e?;
            let start = e.body.as_ptr() as usize - base;
            Ok(Message {
                topic: String::new(),
                flag: e.flag,
                properties: string_to_message_properties(&String::from_utf8_lossy(e.properties)),
                body: body.slice(start..start + e.body.len()),
                transaction_id: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_body_round_trip() {
        let a = Message::new("", &b"one"[..]).with_tags("A");
        let mut b = Message::new("", &b""[..]);
        b.flag = 7;
        let body = encode_messages(&[a.clone(), b.clone()]);
        let decoded = decode_messages(&body).unwrap();
        assert_eq!(decoded, vec![a, b]);
        assert!(decode_messages(&body.slice(..body.len() - 1)).is_err());
    }
}
