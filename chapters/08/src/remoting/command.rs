//! `RemotingCommand` — mirrors `org.apache.rocketmq.remoting.protocol.RemotingCommand`.
//!
//! RocketMQ has exactly one message shape between its roles. A broker
//! registering, a client asking for a route, a producer sending a message: all
//! of them are a `RemotingCommand`, and so are all the answers. What differs is
//! the `code` and what rides in `extFields` (a flat string map, the "custom
//! header") and `body` (opaque bytes, usually JSON).
//!
//! Keeping the shape this uniform is what lets one remoting layer serve every
//! role: the transport never needs to know what a request means, only where to
//! deliver it and how to match the answer to the question (`opaque`).
//!
//! This chapter's command carries the fields that matter above the wire. The
//! fields that only exist *on* the wire (`language`, `version`, the serialize
//! type) arrive in Part V together with the codec, without changing any caller.

use std::collections::HashMap;

use bytes::Bytes;

use super::error::RemotingError;

/// Bit 0 of `flag`: set on responses (`RemotingCommand.RPC_TYPE`).
const RPC_TYPE_RESPONSE: i32 = 1;

// ANCHOR: remoting_command
/// One request or one response.
#[derive(Debug, Clone, PartialEq)]
pub struct RemotingCommand {
    /// A request code (what is asked) or a response code (how it went).
    pub code: i32,
    /// The request id. A response copies it from its request, which is how a
    /// caller with many requests in flight knows which answer is whose.
    pub opaque: i32,
    /// Bit 0 = response, bit 1 = oneway. A request is 0, a response 1.
    pub flag: i32,
    /// Human-readable text; responses carry their error message here.
    pub remark: Option<String>,
    /// The custom header, flattened to strings (`brokerName`, `topic`, ...).
    pub ext_fields: HashMap<String, String>,
    /// The payload; never part of the header.
    pub body: Option<Bytes>,
}
// ANCHOR_END: remoting_command

impl RemotingCommand {
    /// `RemotingCommand.createRequestCommand(code, header)`.
    ///
    /// Java takes the opaque from a process-wide counter right here. Our roles
    /// all live in one process but stand for separate ones, so the sending
    /// client stamps the opaque when it sends (see `transport.rs`); each role
    /// then counts from 0, as each Java process would.
    pub fn create_request_command(code: i32, header: &impl CommandCustomHeader) -> Self {
        RemotingCommand {
            code,
            opaque: 0,
            flag: 0,
            remark: None,
            ext_fields: header.to_ext_fields(),
            body: None,
        }
    }

    /// `RemotingCommand.createResponseCommand(code, remark)`.
    pub fn create_response_command(code: i32, remark: Option<String>) -> Self {
        RemotingCommand {
            code,
            opaque: 0,
            flag: RPC_TYPE_RESPONSE,
            remark,
            ext_fields: HashMap::new(),
            body: None,
        }
    }

    /// Attach a body (builder style, so a command is built in one expression).
    pub fn with_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Write a response header into `ext_fields`.
    pub fn with_header(mut self, header: &impl CommandCustomHeader) -> Self {
        self.ext_fields.extend(header.to_ext_fields());
        self
    }

    /// `RemotingCommand#decodeCommandCustomHeader`: read the typed header back
    /// out of `ext_fields`, failing on a missing required field.
    pub fn decode_command_custom_header<H: CommandCustomHeader>(&self) -> Result<H, RemotingError> {
        H::from_ext_fields(&self.ext_fields)
    }

    /// `RemotingCommand#isResponseType`.
    pub fn is_response_type(&self) -> bool {
        self.flag & RPC_TYPE_RESPONSE != 0
    }

    /// `RemotingCommand#markResponseType`.
    pub fn mark_response_type(&mut self) {
        self.flag |= RPC_TYPE_RESPONSE;
    }
}

/// `CommandCustomHeader`: a typed view of `extFields`.
///
/// Java fills header objects by reflection over their fields and checks the
/// ones annotated `@CFNotNull`. We write the two directions by hand for the
/// few headers each chapter needs; it keeps the exact RocketMQ field names
/// (`brokerName`, `clusterName`) visible in the code.
pub trait CommandCustomHeader: Sized {
    /// Flatten into the string map that travels in `extFields`.
    fn to_ext_fields(&self) -> HashMap<String, String>;
    /// Read back, failing with [`RemotingError::MissingField`] when a required
    /// field is absent.
    fn from_ext_fields(ext: &HashMap<String, String>) -> Result<Self, RemotingError>;
}

/// A required header field (`@CFNotNull` in Java).
pub fn required(
    ext: &HashMap<String, String>,
    field: &'static str,
) -> Result<String, RemotingError> {
    ext.get(field)
        .cloned()
        .ok_or(RemotingError::MissingField(field))
}

/// A required header field that must parse as a number or a boolean.
pub fn required_parsed<T: std::str::FromStr>(
    ext: &HashMap<String, String>,
    field: &'static str,
) -> Result<T, RemotingError> {
    let text = required(ext, field)?;
    text.parse()
        .map_err(|_| RemotingError::InvalidField { field, value: text })
}

/// An optional header field that, when present, must parse.
pub fn optional_parsed<T: std::str::FromStr>(
    ext: &HashMap<String, String>,
    field: &'static str,
) -> Result<Option<T>, RemotingError> {
    match ext.get(field) {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| RemotingError::InvalidField {
                field,
                value: text.clone(),
            }),
    }
}
