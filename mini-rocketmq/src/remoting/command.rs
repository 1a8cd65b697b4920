//! `RemotingCommand` — Java `org.apache.rocketmq.remoting.protocol.RemotingCommand`.
//!
//! Every byte RocketMQ peers exchange is one of these: a request (a `code`
//! naming the operation, a fresh `opaque` id) or a response (the outcome code
//! and the request's `opaque`, so the caller can match it). The operation's
//! arguments travel as `extFields`, a flat string map, and its payload (a
//! message, a route table as JSON) as the `body`.
//!
//! Java builds a command from a typed "custom header" object by reflection;
//! here a header type implements [`CommandCustomHeader`] and is flattened into
//! `ext_fields` with [`RemotingCommand::with_header`], then read back with
//! [`RemotingCommand::decode_header`]. The struct itself is plain data: the
//! wire layout lives in [`codec`](crate::remoting::codec).

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI32, Ordering};

use bytes::Bytes;

use crate::remoting::code::{request_code_name, response_code_name};
use crate::remoting::error::RemotingError;
use crate::remoting::protocol::header::CommandCustomHeader;

/// Bits of the `flag` field (Java `RemotingCommand.RPC_TYPE` / `RPC_ONEWAY`,
/// which are bit *positions*; these are the resulting masks).
pub mod flag {
    /// Bit 0: this command is a response.
    pub const RESPONSE: i32 = 1;
    /// Bit 1: this request wants no response.
    pub const ONEWAY: i32 = 2;
}

/// `MQVersion.Version` ordinals that change behaviour somewhere (Java `MQVersion`, `common/src/main/java/org/apache/rocketmq/common/MQVersion.java`).
/// The `version` field of a command carries the sender's ordinal.
pub mod mq_version {
    pub const V3_0_0_SNAPSHOT: i32 = 0;
    pub const V4_0_0: i32 = 213;
    /// From here on the name server answers routes in standard JSON.
    pub const V4_9_4: i32 = 401;
    /// From here on a compressed register body carries queue mappings.
    pub const V5_0_0: i32 = 413;
    pub const V5_3_0: i32 = 473;
    pub const V5_3_3: i32 = 479;
    /// What this implementation announces: it speaks the 5.3.3 protocol.
    pub const CURRENT_VERSION: i32 = V5_3_3;
}

/// Which language the sender is written in (Java `LanguageCode`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/LanguageCode.java`).
/// The ROCKETMQ header carries the byte code, the JSON header the name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LanguageCode {
    #[default]
    Java,
    Cpp,
    Dotnet,
    Python,
    Delphi,
    Erlang,
    Ruby,
    Other,
    Http,
    Go,
    Php,
    Oms,
    Rust,
    NodeJs,
}

impl LanguageCode {
    const ALL: [LanguageCode; 14] = [
        LanguageCode::Java,
        LanguageCode::Cpp,
        LanguageCode::Dotnet,
        LanguageCode::Python,
        LanguageCode::Delphi,
        LanguageCode::Erlang,
        LanguageCode::Ruby,
        LanguageCode::Other,
        LanguageCode::Http,
        LanguageCode::Go,
        LanguageCode::Php,
        LanguageCode::Oms,
        LanguageCode::Rust,
        LanguageCode::NodeJs,
    ];

    /// The byte written in the ROCKETMQ header. The enum is declared in
    /// code order, so the discriminant is the code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The name written in the JSON header (Java's enum constant name).
    pub fn name(self) -> &'static str {
        match self {
            LanguageCode::Java => "JAVA",
            LanguageCode::Cpp => "CPP",
            LanguageCode::Dotnet => "DOTNET",
            LanguageCode::Python => "PYTHON",
            LanguageCode::Delphi => "DELPHI",
            LanguageCode::Erlang => "ERLANG",
            LanguageCode::Ruby => "RUBY",
            LanguageCode::Other => "OTHER",
            LanguageCode::Http => "HTTP",
            LanguageCode::Go => "GO",
            LanguageCode::Php => "PHP",
            LanguageCode::Oms => "OMS",
            LanguageCode::Rust => "RUST",
            LanguageCode::NodeJs => "NODE_JS",
        }
    }

    /// Java's `LanguageCode.valueOf(byte)` returns null for a code it does not
    /// know; a null language would only ever be logged, so we say `Other`
    /// instead of failing a frame over it.
    pub fn from_code(code: u8) -> LanguageCode {
        Self::ALL
            .get(code as usize)
            .copied()
            .unwrap_or(LanguageCode::Other)
    }

    /// The inverse of [`name`](Self::name); unknown names become `Other` for
    /// the same reason as in [`from_code`](Self::from_code).
    pub fn from_name(name: &str) -> LanguageCode {
        Self::ALL
            .iter()
            .copied()
            .find(|l| l.name() == name)
            .unwrap_or(LanguageCode::Other)
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How the header of a frame is serialized (Java `SerializeType`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/SerializeType.java`).
/// It is the high byte of the header mark, so every frame says its own type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SerializeType {
    /// fastjson text; Java's default.
    Json,
    /// `RocketMQSerializable`'s compact binary layout.
    RocketMQ,
}

impl SerializeType {
    /// The byte in the header mark.
    pub fn code(self) -> u8 {
        match self {
            SerializeType::Json => 0,
            SerializeType::RocketMQ => 1,
        }
    }

    pub fn from_code(code: u8) -> Option<SerializeType> {
        match code {
            0 => Some(SerializeType::Json),
            1 => Some(SerializeType::RocketMQ),
            _ => None,
        }
    }

    /// The name written as `serializeTypeCurrentRPC` in a JSON header.
    pub fn name(self) -> &'static str {
        match self {
            SerializeType::Json => "JSON",
            SerializeType::RocketMQ => "ROCKETMQ",
        }
    }

    pub fn from_name(name: &str) -> Option<SerializeType> {
        match name {
            "JSON" => Some(SerializeType::Json),
            "ROCKETMQ" => Some(SerializeType::RocketMQ),
            _ => None,
        }
    }
}

impl Default for SerializeType {
    /// The process-wide default for new requests: JSON, unless the environment
    /// variable `ROCKETMQ_SERIALIZE_TYPE` says `ROCKETMQ` (Java reads the same
    /// variable, or the system property `rocketmq.serialize.type`). Read once.
    fn default() -> Self {
        static DEFAULT: OnceLock<SerializeType> = OnceLock::new();
        *DEFAULT.get_or_init(|| {
            std::env::var("ROCKETMQ_SERIALIZE_TYPE")
                .ok()
                .and_then(|v| SerializeType::from_name(v.trim()))
                .unwrap_or(SerializeType::Json)
        })
    }
}

/// Request ids: a process-global counter starting at 0, like Java's
/// `RemotingCommand.requestId`. It wraps around after `i32::MAX`, which is
/// harmless because ids only need to be unique among requests in flight.
static NEXT_OPAQUE: AtomicI32 = AtomicI32::new(0);

/// Takes the next request id.
pub fn next_opaque() -> i32 {
    NEXT_OPAQUE.fetch_add(1, Ordering::Relaxed)
}

/// One request or response (Java `RemotingCommand`,
/// `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/RemotingCommand.java`).
#[derive(Clone, PartialEq)]
pub struct RemotingCommand {
    /// Request code on a request, response code on a response.
    pub code: i32,
    pub language: LanguageCode,
    /// The sender's `MQVersion` ordinal ([`mq_version`]).
    pub version: i32,
    /// Request id; a response carries its request's.
    pub opaque: i32,
    /// [`flag::RESPONSE`] and [`flag::ONEWAY`] bits.
    pub flag: i32,
    /// Free text; responses put their error message here.
    pub remark: Option<String>,
    /// The custom header, flattened (Java `RemotingCommand#makeCustomHeaderToNet`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/RemotingCommand.java`).
    pub ext_fields: HashMap<String, String>,
    /// The payload; never part of the header.
    pub body: Option<Bytes>,
    /// The header serialization of the frame this command came in, or will go
    /// out in. A server answers in the caller's type.
    pub serialize_type: SerializeType,
}

impl Default for RemotingCommand {
    fn default() -> Self {
        RemotingCommand {
            code: 0,
            language: LanguageCode::Java,
            version: mq_version::CURRENT_VERSION,
            opaque: 0,
            flag: 0,
            remark: None,
            ext_fields: HashMap::new(),
            body: None,
            serialize_type: SerializeType::default(),
        }
    }
}

impl RemotingCommand {
    /// A request with a fresh opaque (Java `createRequestCommand`).
    pub fn new_request(code: i32) -> Self {
        RemotingCommand {
            code,
            opaque: next_opaque(),
            ..RemotingCommand::default()
        }
    }

    /// A request whose `extFields` are the given header.
    pub fn new_request_with_header(code: i32, header: &impl CommandCustomHeader) -> Self {
        Self::new_request(code).with_header(header)
    }

    /// A response (Java `createResponseCommand`). Its opaque is 0 until the
    /// server copies the request's onto it when sending.
    pub fn new_response(code: i32, remark: impl Into<Option<String>>) -> Self {
        RemotingCommand {
            code,
            flag: flag::RESPONSE,
            remark: remark.into(),
            ..RemotingCommand::default()
        }
    }

    /// Flattens a typed header into `ext_fields`, keeping keys already there.
    pub fn with_header(mut self, header: &impl CommandCustomHeader) -> Self {
        header.write_ext_fields(&mut self.ext_fields);
        self
    }

    pub fn with_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self
    }

    pub fn with_remark(mut self, remark: impl Into<String>) -> Self {
        self.remark = Some(remark.into());
        self
    }

    /// Sets one extField (for keys outside any typed header, such as
    /// `MSG_REGION` on a send response or `_UNIQUE_KEY_QUERY` on a query).
    pub fn with_ext(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.ext_fields.insert(key.into(), value.into());
        self
    }

    /// Reads a typed header back out of `ext_fields`; a missing required field
    /// is [`RemotingError::MissingField`].
    pub fn decode_header<H: CommandCustomHeader>(&self) -> Result<H, RemotingError> {
        H::read_ext_fields(&self.ext_fields)
    }

    pub fn ext(&self, key: &str) -> Option<&str> {
        self.ext_fields.get(key).map(String::as_str)
    }

    pub fn is_response(&self) -> bool {
        self.flag & flag::RESPONSE != 0
    }

    pub fn is_oneway(&self) -> bool {
        self.flag & flag::ONEWAY != 0
    }

    pub fn mark_oneway(&mut self) {
        self.flag |= flag::ONEWAY;
    }

    pub fn mark_response(&mut self) {
        self.flag |= flag::RESPONSE;
    }

    /// The Java constant name of `code`, read as a request or a response code
    /// depending on the flag — for log lines.
    pub fn code_name(&self) -> &'static str {
        if self.is_response() {
            response_code_name(self.code)
        } else {
            request_code_name(self.code)
        }
    }
}

impl fmt::Debug for RemotingCommand {
    /// Like Java's `toString`: the header fields, and only the body's length,
    /// since a body can be megabytes of binary.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemotingCommand")
            .field(
                "code",
                &format_args!("{} ({})", self.code, self.code_name()),
            )
            .field("language", &self.language)
            .field("version", &self.version)
            .field("opaque", &self.opaque)
            .field("flag", &self.flag)
            .field("remark", &self.remark)
            .field("ext_fields", &self.ext_fields)
            .field("body_len", &self.body.as_ref().map_or(0, Bytes::len))
            .field("serialize_type", &self.serialize_type)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::code::{request_code, response_code};

    #[test]
    fn language_codes_match_java() {
        assert_eq!(LanguageCode::Java.code(), 0);
        assert_eq!(LanguageCode::Rust.code(), 12);
        assert_eq!(LanguageCode::NodeJs.code(), 13);
        assert_eq!(LanguageCode::from_code(9), LanguageCode::Go);
        assert_eq!(LanguageCode::from_code(200), LanguageCode::Other);
        assert_eq!(LanguageCode::from_name("NODE_JS"), LanguageCode::NodeJs);
        assert_eq!(LanguageCode::from_name("COBOL"), LanguageCode::Other);
        for l in LanguageCode::ALL {
            assert_eq!(LanguageCode::from_code(l.code()), l);
            assert_eq!(LanguageCode::from_name(l.name()), l);
        }
    }

    #[test]
    fn requests_take_increasing_opaques_and_responses_carry_the_flag() {
        let a = RemotingCommand::new_request(request_code::HEART_BEAT);
        let b = RemotingCommand::new_request(request_code::HEART_BEAT);
        assert_ne!(a.opaque, b.opaque);
        assert!(!a.is_response() && !a.is_oneway());

        let mut oneway = a.clone();
        oneway.mark_oneway();
        assert_eq!(oneway.flag, 2);

        let resp = RemotingCommand::new_response(response_code::SUCCESS, None);
        assert_eq!(resp.flag, 1);
        assert!(resp.is_response());
        assert_eq!(resp.code_name(), "SUCCESS");
    }
}
