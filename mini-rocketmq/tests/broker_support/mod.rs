//! Shared helpers of the broker tests: a broker on `127.0.0.1:0` over a temp
//! store, and a raw remoting connection that writes and reads frames
//! directly, so the tests exercise the wire format itself and not a client
//! library.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::Path;

use bytes::{Bytes, BytesMut};
use mini_rocketmq::broker::{BrokerConfig, BrokerController, BrokerHandle};
use mini_rocketmq::common::message::{Message, MessageExt};
use mini_rocketmq::common::message_decoder;
use mini_rocketmq::common::sysflag::PullSysFlag;
use mini_rocketmq::remoting::code::request_code;
use mini_rocketmq::remoting::codec;
use mini_rocketmq::remoting::command::{RemotingCommand, SerializeType};
use mini_rocketmq::remoting::protocol::header::offset::GetMaxOffsetRequestHeader;
use mini_rocketmq::remoting::protocol::header::pull::PullMessageRequestHeader;
use mini_rocketmq::remoting::protocol::header::send::{
    SendMessageRequestHeader, SendMessageRequestHeaderV2,
};
use mini_rocketmq::store::config::MessageStoreConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[path = "../wait_support/mod.rs"]
mod wait_support;
#[allow(unused_imports)] // each test binary uses a different subset
pub use wait_support::{GUARD, Poll, wait_until, wait_until_within};

/// Small files so a test store stays small on disk.
pub fn store_config(dir: &Path) -> MessageStoreConfig {
    let mut c = MessageStoreConfig::with_root(dir);
    c.mapped_file_size_commit_log = 8 * 1024 * 1024;
    c.mapped_file_size_consume_queue = 1000 * 20;
    c
}

pub fn broker_config(namesrv: Option<SocketAddr>) -> BrokerConfig {
    BrokerConfig {
        broker_ip1: "127.0.0.1".into(),
        listen_port: 0,
        namesrv_addr: namesrv.map(|a| a.to_string()).unwrap_or_default(),
        ..BrokerConfig::default()
    }
}

pub async fn start_broker(dir: &Path, namesrv: Option<SocketAddr>) -> BrokerHandle {
    BrokerController::new(broker_config(namesrv), store_config(dir))
        .expect("open broker")
        .start()
        .await
        .expect("start broker")
}

/// One TCP connection speaking raw RocketMQ frames.
pub struct RawConn {
    stream: TcpStream,
    buf: BytesMut,
    pub serialize_type: SerializeType,
}

impl RawConn {
    pub async fn connect(addr: SocketAddr, serialize_type: SerializeType) -> RawConn {
        RawConn {
            stream: TcpStream::connect(addr).await.expect("connect"),
            buf: BytesMut::new(),
            serialize_type,
        }
    }

    pub async fn write_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("write");
    }

    pub async fn send(&mut self, mut cmd: RemotingCommand) -> i32 {
        cmd.serialize_type = self.serialize_type;
        let mut out = BytesMut::new();
        codec::encode(&cmd, &mut out).expect("encode");
        self.write_raw(&out).await;
        cmd.opaque
    }

    /// The next frame, or `None` when the broker closed the connection.
    pub async fn recv(&mut self) -> Option<RemotingCommand> {
        loop {
            match codec::decode(&mut self.buf) {
                Ok(Some(cmd)) => return Some(cmd),
                Ok(None) => {}
                Err(e) => panic!("broker sent an undecodable frame: {e}"),
            }
            let n = tokio::time::timeout(GUARD, self.stream.read_buf(&mut self.buf))
                .await
                .expect("no frame within the guard time")
                .ok()?;
            if n == 0 {
                return None;
            }
        }
    }

    /// Send a request and wait for its response, skipping anything else the
    /// broker pushes meanwhile (NOTIFY_CONSUMER_IDS_CHANGED).
    pub async fn call(&mut self, cmd: RemotingCommand) -> RemotingCommand {
        let opaque = self.send(cmd).await;
        loop {
            let frame = self
                .recv()
                .await
                .expect("connection closed before the response");
            if frame.is_response() && frame.opaque == opaque {
                assert_eq!(
                    frame.serialize_type, self.serialize_type,
                    "answered in the caller's serialization"
                );
                return frame;
            }
        }
    }

    /// Whether the broker closed the connection (reads EOF or an error).
    pub async fn is_closed_by_peer(&mut self) -> bool {
        let mut scratch = [0u8; 1024];
        loop {
            match tokio::time::timeout(GUARD, self.stream.read(&mut scratch)).await {
                Ok(Ok(0)) | Ok(Err(_)) => return true,
                Ok(Ok(_)) => continue,
                Err(_) => return false,
            }
        }
    }
}

pub fn props(pairs: &[(&str, &str)]) -> String {
    let mut s = String::new();
    for (k, v) in pairs {
        s.push_str(k);
        s.push('\u{1}');
        s.push_str(v);
        s.push('\u{2}');
    }
    s
}

pub fn send_v1(topic: &str, queue_id: i32, tags: &str, body: impl Into<Bytes>) -> RemotingCommand {
    let header = SendMessageRequestHeader {
        producer_group: "pg".into(),
        topic: topic.into(),
        default_topic: "TBW102".into(),
        default_topic_queue_nums: 4,
        queue_id,
        sys_flag: 0,
        born_timestamp: 1_700_000_000_000,
        flag: 0,
        properties: Some(props(&[("TAGS", tags), ("WAIT", "true")])),
        reconsume_times: Some(0),
        unit_mode: Some(false),
        batch: Some(false),
        max_reconsume_times: None,
        broker_name: Some("broker-a".into()),
    };
    RemotingCommand::new_request_with_header(request_code::SEND_MESSAGE, &header)
        .with_body(body.into())
}

pub fn send_v2(topic: &str, queue_id: i32, tags: &str, body: impl Into<Bytes>) -> RemotingCommand {
    let mut v1 = send_v1(topic, queue_id, tags, Bytes::new());
    let header: SendMessageRequestHeader = v1.decode_header().expect("own header");
    v1.ext_fields.clear();
    RemotingCommand::new_request_with_header(
        request_code::SEND_MESSAGE_V2,
        &SendMessageRequestHeaderV2::from(header),
    )
    .with_body(body.into())
}

pub fn send_batch(topic: &str, queue_id: i32, messages: &[Message]) -> RemotingCommand {
    let mut header: SendMessageRequestHeader = send_v1(topic, queue_id, "", Bytes::new())
        .decode_header()
        .expect("own header");
    header.batch = Some(true);
    header.properties = Some(String::new());
    RemotingCommand::new_request_with_header(
        request_code::SEND_BATCH_MESSAGE,
        &SendMessageRequestHeaderV2::from(header),
    )
    .with_body(message_decoder::encode_messages(messages))
}

/// A pull carrying its own subscription (no heartbeat needed).
pub fn pull(
    topic: &str,
    queue_id: i32,
    offset: i64,
    subscription: &str,
    suspend_ms: Option<i64>,
) -> RemotingCommand {
    let suspend = suspend_ms.is_some();
    let header = PullMessageRequestHeader {
        consumer_group: "cg".into(),
        topic: topic.into(),
        queue_id,
        queue_offset: offset,
        max_msg_nums: 32,
        sys_flag: PullSysFlag::build_sys_flag(false, suspend, true, false),
        commit_offset: 0,
        suspend_timeout_millis: suspend_ms.unwrap_or(0),
        subscription: Some(subscription.into()),
        sub_version: 0,
        expression_type: Some("TAG".into()),
        ..Default::default()
    };
    RemotingCommand::new_request_with_header(request_code::PULL_MESSAGE, &header)
}

pub fn max_offset(topic: &str, queue_id: i32) -> RemotingCommand {
    RemotingCommand::new_request_with_header(
        request_code::GET_MAX_OFFSET,
        &GetMaxOffsetRequestHeader {
            topic: topic.into(),
            queue_id,
            committed: true,
            broker_name: None,
        },
    )
}

/// Consume-queue entries are built by the store's dispatcher shortly after a
/// put; wait until the queue shows `n` messages.
pub async fn wait_max_offset(conn: &mut RawConn, topic: &str, queue_id: i32, n: i64) {
    let want = n.to_string();
    let mut poll = Poll::until(&format!("{topic}:{queue_id} holds {n} messages"));
    while conn.call(max_offset(topic, queue_id)).await.ext("offset") != Some(want.as_str()) {
        poll.pause().await;
    }
}

/// Decode a pull response body the way clients do.
pub fn decode_pulled(response: &RemotingCommand) -> Vec<MessageExt> {
    let body = response.body.clone().unwrap_or_default();
    message_decoder::decodes_batch(&body, true, true)
}
