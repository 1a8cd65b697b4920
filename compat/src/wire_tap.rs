//! A logging TCP proxy for RocketMQ remoting frames.
//!
//! When a third-party client and our servers disagree, the first question is
//! always "what exactly went over the wire?". `WireTap` sits between the two:
//! it accepts connections on a loopback port, opens one upstream connection
//! per accepted connection, forwards bytes both ways frame by frame and keeps a
//! decoded copy of every frame (header fields, extFields, body).
//!
//! It decodes the frame itself instead of using either side's codec on
//! purpose: a bug in our codec must not hide itself in the capture, and the
//! client's codec is not public API.
//!
//! A tap can also rewrite strings inside the bodies of frames flowing back to
//! the client. That is how the broker's traffic gets captured too: the tap in
//! front of the name server replaces the broker address inside route data
//! with the address of a second tap in front of the broker.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Which way a frame went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the client (whoever connected to the tap) to the upstream server.
    ToServer,
    /// From the upstream server back to the client.
    ToClient,
}

/// The header of one frame, decoded from either serialization.
#[derive(Debug, Clone, Default)]
pub struct HeaderView {
    pub code: i32,
    pub language: String,
    pub version: i32,
    pub opaque: i32,
    pub flag: i32,
    pub remark: Option<String>,
    pub ext_fields: BTreeMap<String, String>,
    /// The raw JSON header text when the frame used JSON, for key-order and
    /// null-handling questions.
    pub raw_json: Option<String>,
}

/// One captured frame.
#[derive(Debug, Clone)]
pub struct FrameRecord {
    /// When the tap read the frame, measured from the tap's start.
    pub at: Duration,
    /// Which accepted connection it belongs to (0, 1, 2… in accept order).
    pub connection: usize,
    pub direction: Direction,
    /// 0 = JSON, 1 = ROCKETMQ (the high byte of the header-length word).
    pub serialize_type: u8,
    /// `None` when the header could not be decoded; the frame is still forwarded.
    pub header: Option<HeaderView>,
    pub body: Bytes,
}

impl FrameRecord {
    /// Is this a response (flag bit 0)?
    pub fn is_response(&self) -> bool {
        self.header.as_ref().is_some_and(|h| h.flag & 1 == 1)
    }

    /// One line a reader can scan: direction, type, code, opaque, ext fields
    /// and a preview of the body (text bodies verbatim, binary ones in hex).
    pub fn describe(&self) -> String {
        let arrow = match self.direction {
            Direction::ToServer => "C->S",
            Direction::ToClient => "S->C",
        };
        let ser = if self.serialize_type == 0 {
            "JSON"
        } else {
            "ROCKETMQ"
        };
        let mut line = format!(
            "{:>9.3}s #{} {arrow} {ser}",
            self.at.as_secs_f64(),
            self.connection
        );
        match &self.header {
            None => line.push_str(" <undecodable header>"),
            Some(h) => {
                let kind = if h.flag & 1 == 1 { "resp" } else { "req" };
                let name = if h.flag & 1 == 1 {
                    response_code_name(h.code)
                } else {
                    request_code_name(h.code)
                };
                let _ = write!(
                    line,
                    " {kind} code={}({name}) opaque={} flag={} lang={} v={}",
                    h.code, h.opaque, h.flag, h.language, h.version
                );
                if let Some(remark) = &h.remark {
                    let _ = write!(line, " remark={remark:?}");
                }
                if !h.ext_fields.is_empty() {
                    let _ = write!(line, " ext={:?}", h.ext_fields);
                }
            }
        }
        if !self.body.is_empty() {
            let _ = write!(line, " body[{}]=", self.body.len());
            match std::str::from_utf8(&self.body) {
                Ok(text) if text.chars().all(|c| !c.is_control() || c == '\n') => {
                    line.push_str(&text.chars().take(600).collect::<String>());
                }
                _ => {
                    for b in self.body.iter().take(64) {
                        let _ = write!(line, "{b:02x}");
                    }
                    if self.body.len() > 64 {
                        line.push('…');
                    }
                }
            }
        }
        line
    }
}

/// A running tap. Dropping it stops accepting; call [`WireTap::frames`] to read
/// what it saw.
pub struct WireTap {
    local_addr: SocketAddr,
    frames: Arc<Mutex<Vec<FrameRecord>>>,
    accept_task: JoinHandle<()>,
}

impl WireTap {
    /// Listens on `127.0.0.1:0` and forwards every connection to `upstream`.
    /// `rewrites` are `(from, to)` string replacements applied to bodies
    /// travelling back to the client.
    pub async fn start(
        upstream: SocketAddr,
        rewrites: Vec<(String, String)>,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let local_addr = listener.local_addr()?;
        let frames = Arc::new(Mutex::new(Vec::new()));
        let rewrites = Arc::new(rewrites);
        let sink = frames.clone();
        let started = Instant::now();
        let accept_task = tokio::spawn(async move {
            let mut next_connection = 0usize;
            while let Ok((client, _)) = listener.accept().await {
                let connection = next_connection;
                next_connection += 1;
                let Ok(server) = TcpStream::connect(upstream).await else {
                    continue;
                };
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                tokio::spawn(pump(
                    client_read,
                    server_write,
                    Direction::ToServer,
                    connection,
                    started,
                    sink.clone(),
                    Arc::new(Vec::new()),
                ));
                tokio::spawn(pump(
                    server_read,
                    client_write,
                    Direction::ToClient,
                    connection,
                    started,
                    sink.clone(),
                    rewrites.clone(),
                ));
            }
        });
        Ok(Self {
            local_addr,
            frames,
            accept_task,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// A copy of every frame seen so far, in the order they were read.
    pub fn frames(&self) -> Vec<FrameRecord> {
        self.frames.lock().map(|f| f.clone()).unwrap_or_default()
    }

    /// All frames, one [`FrameRecord::describe`] line each.
    pub fn render(&self) -> String {
        self.frames().iter().map(|f| f.describe() + "\n").collect()
    }
}

impl Drop for WireTap {
    fn drop(&mut self) {
        self.accept_task.abort();
    }
}

/// Copies frames from `from` to `to`, recording each one. Stops at EOF or on
/// any error; a byte stream that is not a frame stream is forwarded raw.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    direction: Direction,
    connection: usize,
    started: Instant,
    sink: Arc<Mutex<Vec<FrameRecord>>>,
    rewrites: Arc<Vec<(String, String)>>,
) {
    let mut buf = BytesMut::with_capacity(64 * 1024);
    loop {
        match from.read_buf(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        while let Some(frame_len) = complete_frame_len(&buf) {
            let frame = buf.split_to(frame_len).freeze();
            let (mut record, outgoing) = inspect(frame, direction, connection, &rewrites);
            record.at = started.elapsed();
            if let Ok(mut frames) = sink.lock() {
                frames.push(record);
            }
            if to.write_all(&outgoing).await.is_err() {
                return;
            }
        }
    }
    let _ = to.shutdown().await;
}

/// The length (including the 4-byte length word) of the first complete frame
/// in `buf`, if there is one.
fn complete_frame_len(buf: &BytesMut) -> Option<usize> {
    if buf.len() < 4 {
        return None;
    }
    let declared = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
    let total = declared.checked_add(4)?;
    (buf.len() >= total).then_some(total)
}

/// Decodes one whole frame and returns its record plus the bytes to forward
/// (the same frame, or a rebuilt one when a rewrite changed the body).
fn inspect(
    frame: Bytes,
    direction: Direction,
    connection: usize,
    rewrites: &[(String, String)],
) -> (FrameRecord, Bytes) {
    let mut cursor = frame.clone();
    cursor.advance(4);
    if cursor.remaining() < 4 {
        let record = FrameRecord {
            at: Duration::ZERO,
            connection,
            direction,
            serialize_type: 0,
            header: None,
            body: Bytes::new(),
        };
        return (record, frame);
    }
    let mark = cursor.get_u32();
    let serialize_type = (mark >> 24) as u8;
    let header_len = (mark & 0x00FF_FFFF) as usize;
    if header_len > cursor.remaining() {
        let record = FrameRecord {
            at: Duration::ZERO,
            connection,
            direction,
            serialize_type,
            header: None,
            body: Bytes::new(),
        };
        return (record, frame);
    }
    let header_bytes = cursor.split_to(header_len);
    let mut body = cursor;
    let header = match serialize_type {
        0 => decode_json_header(&header_bytes),
        1 => decode_binary_header(header_bytes.clone()),
        _ => None,
    };

    let mut outgoing = frame;
    if !rewrites.is_empty()
        && let Ok(text) = std::str::from_utf8(&body)
    {
        let mut replaced = text.to_string();
        for (from, to) in rewrites {
            replaced = replaced.replace(from.as_str(), to.as_str());
        }
        if replaced != text {
            body = Bytes::from(replaced);
            let mut rebuilt = BytesMut::with_capacity(8 + header_len + body.len());
            rebuilt.extend_from_slice(&((4 + header_len + body.len()) as u32).to_be_bytes());
            rebuilt.extend_from_slice(&mark.to_be_bytes());
            rebuilt.extend_from_slice(&header_bytes);
            rebuilt.extend_from_slice(&body);
            outgoing = rebuilt.freeze();
        }
    }
    (
        FrameRecord {
            at: Duration::ZERO,
            connection,
            direction,
            serialize_type,
            header,
            body,
        },
        outgoing,
    )
}

fn decode_json_header(bytes: &[u8]) -> Option<HeaderView> {
    let raw = std::str::from_utf8(bytes).ok()?.to_string();
    let value: serde_json::Value = serde_json::from_str(&raw).ok()?;
    let int = |key: &str| value.get(key).and_then(|v| v.as_i64()).unwrap_or_default() as i32;
    let mut ext_fields = BTreeMap::new();
    if let Some(map) = value.get("extFields").and_then(|v| v.as_object()) {
        for (k, v) in map {
            let text = v
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| format!("<non-string {v}>"));
            ext_fields.insert(k.clone(), text);
        }
    }
    Some(HeaderView {
        code: int("code"),
        language: value
            .get("language")
            .map(|v| v.to_string().trim_matches('"').to_string())
            .unwrap_or_default(),
        version: int("version"),
        opaque: int("opaque"),
        flag: int("flag"),
        remark: value
            .get("remark")
            .and_then(|v| v.as_str())
            .map(str::to_string),
        ext_fields,
        raw_json: Some(raw),
    })
}

/// The ROCKETMQ binary header: code i16, language u8, version i16, opaque
/// i32, flag i32, remark (i32 length + UTF-8), ext section (i32 length, then
/// entries of i16 key length + key + i32 value length + value).
fn decode_binary_header(mut b: Bytes) -> Option<HeaderView> {
    if b.remaining() < 17 {
        return None;
    }
    let code = b.get_i16() as i32;
    let language = b.get_u8();
    let version = b.get_i16() as i32;
    let opaque = b.get_i32();
    let flag = b.get_i32();
    let remark_len = b.get_i32();
    let remark = if remark_len > 0 {
        let len = remark_len as usize;
        if b.remaining() < len {
            return None;
        }
        Some(String::from_utf8_lossy(&b.split_to(len)).into_owned())
    } else {
        None
    };
    if b.remaining() < 4 {
        return None;
    }
    let ext_len = b.get_i32().max(0) as usize;
    if b.remaining() < ext_len {
        return None;
    }
    let mut ext = b.split_to(ext_len);
    let mut ext_fields = BTreeMap::new();
    while ext.remaining() >= 2 {
        let key_len = ext.get_i16().max(0) as usize;
        if ext.remaining() < key_len + 4 {
            return None;
        }
        let key = String::from_utf8_lossy(&ext.split_to(key_len)).into_owned();
        let val_len = ext.get_i32().max(0) as usize;
        if ext.remaining() < val_len {
            return None;
        }
        let value = String::from_utf8_lossy(&ext.split_to(val_len)).into_owned();
        ext_fields.insert(key, value);
    }
    Some(HeaderView {
        code,
        language: format!("#{language}"),
        version,
        opaque,
        flag,
        remark,
        ext_fields,
        raw_json: None,
    })
}

/// Names for the request codes a producer and a push consumer use (Java `RequestCode`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/RequestCode.java`).
pub fn request_code_name(code: i32) -> &'static str {
    match code {
        10 => "SEND_MESSAGE",
        11 => "PULL_MESSAGE",
        12 => "QUERY_MESSAGE",
        14 => "QUERY_CONSUMER_OFFSET",
        15 => "UPDATE_CONSUMER_OFFSET",
        17 => "UPDATE_AND_CREATE_TOPIC",
        29 => "SEARCH_OFFSET_BY_TIMESTAMP",
        30 => "GET_MAX_OFFSET",
        31 => "GET_MIN_OFFSET",
        34 => "HEART_BEAT",
        35 => "UNREGISTER_CLIENT",
        36 => "CONSUMER_SEND_MSG_BACK",
        38 => "GET_CONSUMER_LIST_BY_GROUP",
        40 => "NOTIFY_CONSUMER_IDS_CHANGED",
        41 => "LOCK_BATCH_MQ",
        42 => "UNLOCK_BATCH_MQ",
        46 => "CHECK_CLIENT_CONFIG",
        103 => "REGISTER_BROKER",
        104 => "UNREGISTER_BROKER",
        105 => "GET_ROUTEINFO_BY_TOPIC",
        106 => "GET_BROKER_CLUSTER_INFO",
        310 => "SEND_MESSAGE_V2",
        320 => "SEND_BATCH_MESSAGE",
        _ => "?",
    }
}

/// Names for the response codes the client reacts to (Java `ResponseCode`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/ResponseCode.java`).
pub fn response_code_name(code: i32) -> &'static str {
    match code {
        0 => "SUCCESS",
        1 => "SYSTEM_ERROR",
        2 => "SYSTEM_BUSY",
        3 => "REQUEST_CODE_NOT_SUPPORTED",
        17 => "TOPIC_NOT_EXIST",
        19 => "PULL_NOT_FOUND",
        20 => "PULL_RETRY_IMMEDIATELY",
        21 => "PULL_OFFSET_MOVED",
        22 => "QUERY_NOT_FOUND",
        24 => "SUBSCRIPTION_NOT_EXIST",
        26 => "SUBSCRIPTION_GROUP_NOT_EXIST",
        _ => "?",
    }
}
