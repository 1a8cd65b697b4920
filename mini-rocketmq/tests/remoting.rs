//! Black-box tests of the remoting layer over real TCP on 127.0.0.1:0:
//! request/response in both header serializations, oneway, pipelining,
//! timeouts, reconnects, server pushes, and every kind of malformed input
//! closing only the connection that sent it.

mod wait_support;
use wait_support::wait_until;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use mini_rocketmq::remoting::code::{request_code, response_code};
use mini_rocketmq::remoting::codec;
use mini_rocketmq::remoting::error::RemotingError;
use mini_rocketmq::remoting::processor::processor_fn;
use mini_rocketmq::remoting::{
    Channel, ChannelEventListener, ClientConfig, RemotingClient, RemotingCommand, RemotingServer,
    SerializeType, ServerConfig, ServerHandle,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

const TIMEOUT: Duration = Duration::from_secs(10);
/// A request code the test servers answer by echoing.
const ECHO: i32 = request_code::HEART_BEAT;

/// Counts connection events, and forwards close events to a channel.
#[derive(Default)]
struct Events {
    connects: AtomicUsize,
    closes: AtomicUsize,
    exceptions: AtomicUsize,
    idles: AtomicUsize,
}

impl ChannelEventListener for Events {
    fn on_channel_connect(&self, _ch: &Channel) {
        self.connects.fetch_add(1, Ordering::SeqCst);
    }
    fn on_channel_close(&self, _ch: &Channel) {
        self.closes.fetch_add(1, Ordering::SeqCst);
    }
    fn on_channel_idle(&self, _ch: &Channel) {
        self.idles.fetch_add(1, Ordering::SeqCst);
    }
    fn on_channel_exception(&self, _ch: &Channel) {
        self.exceptions.fetch_add(1, Ordering::SeqCst);
    }
}

/// Echo: answers SUCCESS with the request's body, its `key` extField and
/// its opaque as remark.
fn echo_response(req: &RemotingCommand) -> RemotingCommand {
    let mut resp = RemotingCommand::new_response(response_code::SUCCESS, req.opaque.to_string());
    if let Some(v) = req.ext("key") {
        resp = resp.with_ext("key", v);
    }
    if let Some(body) = &req.body {
        resp = resp.with_body(body.clone());
    }
    resp
}

async fn start_echo_server_on(addr: &str, config: ServerConfig) -> (ServerHandle, Arc<Events>) {
    let mut server = RemotingServer::bind(addr, config).await.unwrap();
    server.register_processor(
        ECHO,
        processor_fn(|_ch, req: RemotingCommand| async move { Some(echo_response(&req)) }),
    );
    let events = Arc::new(Events::default());
    server.set_channel_event_listener(events.clone());
    (server.start(), events)
}

async fn start_echo_server() -> (ServerHandle, Arc<Events>) {
    start_echo_server_on("127.0.0.1:0", ServerConfig::default()).await
}

fn client(serialize_type: SerializeType) -> RemotingClient {
    RemotingClient::new(ClientConfig {
        serialize_type,
        ..ClientConfig::default()
    })
}

fn echo_request(key: &str, body: &'static [u8]) -> RemotingCommand {
    RemotingCommand::new_request(ECHO)
        .with_ext("key", key)
        .with_body(Bytes::from_static(body))
}

/// Waits until `cond` holds (a condition on the server's event counters).
async fn eventually(mut cond: impl FnMut() -> bool) {
    wait_until("the server's events add up", || std::future::ready(cond())).await;
}

// ---------------------------------------------------------------------------
// Request / response
// ---------------------------------------------------------------------------

#[tokio::test]
async fn request_response_in_both_serializations() {
    let (server, _events) = start_echo_server().await;
    let addr = server.local_addr().to_string();
    for st in [SerializeType::Json, SerializeType::RocketMQ] {
        let client = client(st);
        let req = echo_request("k\"ey", b"payload");
        let opaque = req.opaque;
        let resp = client.invoke(&addr, req, TIMEOUT).await.unwrap();
        assert_eq!(resp.code, response_code::SUCCESS);
        assert!(resp.is_response());
        assert_eq!(resp.opaque, opaque);
        assert_eq!(resp.serialize_type, st, "answered in the caller's type");
        assert_eq!(resp.remark.as_deref(), Some(opaque.to_string().as_str()));
        assert_eq!(resp.ext("key"), Some("k\"ey"));
        assert_eq!(resp.body.as_deref(), Some(&b"payload"[..]));
        client.shutdown().await;
    }
    server.shutdown().await;
}

#[tokio::test]
async fn raw_frames_are_answered_in_their_own_serialize_type() {
    let (server, _events) = start_echo_server().await;
    let mut sock = TcpStream::connect(server.local_addr()).await.unwrap();
    for st in [SerializeType::RocketMQ, SerializeType::Json] {
        let mut req = echo_request("x", b"");
        req.serialize_type = st;
        let mut buf = BytesMut::new();
        codec::encode(&req, &mut buf).unwrap();
        sock.write_all(&buf).await.unwrap();
        let resp = read_frame(&mut sock).await.unwrap();
        assert_eq!(resp.serialize_type, st);
        assert_eq!(resp.opaque, req.opaque);
        assert_eq!(resp.flag & 1, 1);
    }
    server.shutdown().await;
}

#[tokio::test]
async fn large_bodies_round_trip() {
    let (server, _events) = start_echo_server().await;
    let addr = server.local_addr().to_string();
    let client = client(SerializeType::RocketMQ);
    let body: Vec<u8> = (0..4 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let req = RemotingCommand::new_request(ECHO).with_body(body.clone());
    let resp = client.invoke(&addr, req, TIMEOUT).await.unwrap();
    assert_eq!(resp.body.as_deref(), Some(&body[..]));
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_code_is_request_code_not_supported() {
    let (server, _events) = start_echo_server().await;
    let client = client(SerializeType::Json);
    let resp = client
        .invoke(
            &server.local_addr().to_string(),
            RemotingCommand::new_request(9999),
            TIMEOUT,
        )
        .await
        .unwrap();
    assert_eq!(resp.code, response_code::REQUEST_CODE_NOT_SUPPORTED);
    assert_eq!(
        resp.remark.as_deref(),
        Some(" request type 9999 not supported")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn default_processor_takes_codes_without_their_own() {
    let mut server = RemotingServer::bind("127.0.0.1:0", ServerConfig::default())
        .await
        .unwrap();
    server.register_processor(
        ECHO,
        processor_fn(|_ch, req: RemotingCommand| async move { Some(echo_response(&req)) }),
    );
    server.register_default_processor(processor_fn(|_ch, req: RemotingCommand| async move {
        Some(RemotingCommand::new_response(
            response_code::SYSTEM_ERROR,
            format!("default {}", req.code),
        ))
    }));
    let server = server.start();
    let addr = server.local_addr().to_string();
    let client = client(SerializeType::Json);
    let resp = client
        .invoke(&addr, RemotingCommand::new_request(4321), TIMEOUT)
        .await
        .unwrap();
    assert_eq!(resp.remark.as_deref(), Some("default 4321"));
    let resp = client
        .invoke(&addr, echo_request("a", b""), TIMEOUT)
        .await
        .unwrap();
    assert_eq!(resp.code, response_code::SUCCESS);
    server.shutdown().await;
}

#[tokio::test]
async fn panicking_processor_answers_system_error_and_server_survives() {
    let mut server = RemotingServer::bind("127.0.0.1:0", ServerConfig::default())
        .await
        .unwrap();
    server.register_processor(
        ECHO,
        processor_fn(|_ch, req: RemotingCommand| async move { Some(echo_response(&req)) }),
    );
    server.register_processor(
        request_code::PULL_MESSAGE,
        processor_fn(|_ch, _req| async move { panic!("processor bug") }),
    );
    let server = server.start();
    let addr = server.local_addr().to_string();
    let client = client(SerializeType::Json);
    let resp = client
        .invoke(
            &addr,
            RemotingCommand::new_request(request_code::PULL_MESSAGE),
            TIMEOUT,
        )
        .await
        .unwrap();
    assert_eq!(resp.code, response_code::SYSTEM_ERROR);
    assert_eq!(resp.remark.as_deref(), Some("processor bug"));
    let resp = client
        .invoke(&addr, echo_request("a", b""), TIMEOUT)
        .await
        .unwrap();
    assert_eq!(resp.code, response_code::SUCCESS);
    server.shutdown().await;
}

// ---------------------------------------------------------------------------
// Oneway, pipelining, async, timeouts
// ---------------------------------------------------------------------------

#[tokio::test]
async fn oneway_requests_are_processed_and_never_answered() {
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel();
    let mut server = RemotingServer::bind("127.0.0.1:0", ServerConfig::default())
        .await
        .unwrap();
    server.register_processor(
        request_code::UPDATE_CONSUMER_OFFSET,
        processor_fn(move |_ch, req: RemotingCommand| {
            let seen = seen_tx.clone();
            async move {
                seen.send(req.ext("commitOffset").map(str::to_owned))
                    .unwrap();
                // Even if a processor answers a oneway request, nothing is sent.
                Some(RemotingCommand::new_response(response_code::SUCCESS, None))
            }
        }),
    );
    server.register_processor(
        ECHO,
        processor_fn(|_ch, req: RemotingCommand| async move { Some(echo_response(&req)) }),
    );
    let server = server.start();

    // Through the client API.
    let client = client(SerializeType::Json);
    let req = RemotingCommand::new_request(request_code::UPDATE_CONSUMER_OFFSET)
        .with_ext("commitOffset", "17");
    client
        .invoke_oneway(&server.local_addr().to_string(), req)
        .await
        .unwrap();
    assert_eq!(seen_rx.recv().await.unwrap().as_deref(), Some("17"));

    // On the wire: a oneway then a normal request; the first frame back must
    // be the normal request's response.
    let mut sock = TcpStream::connect(server.local_addr()).await.unwrap();
    let mut oneway = RemotingCommand::new_request(request_code::UPDATE_CONSUMER_OFFSET)
        .with_ext("commitOffset", "18");
    oneway.mark_oneway();
    let normal = echo_request("n", b"");
    let mut buf = BytesMut::new();
    codec::encode(&oneway, &mut buf).unwrap();
    codec::encode(&normal, &mut buf).unwrap();
    sock.write_all(&buf).await.unwrap();
    let first = read_frame(&mut sock).await.unwrap();
    assert_eq!(first.opaque, normal.opaque);
    assert_eq!(seen_rx.recv().await.unwrap().as_deref(), Some("18"));
    server.shutdown().await;
}

#[tokio::test]
async fn a_oneway_request_sent_right_before_close_is_still_processed() {
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel();
    let mut server = RemotingServer::bind("127.0.0.1:0", ServerConfig::default())
        .await
        .unwrap();
    server.register_processor(
        request_code::UPDATE_CONSUMER_OFFSET,
        processor_fn(move |_ch, _req| {
            let seen = seen_tx.clone();
            async move {
                seen.send(()).unwrap();
                None
            }
        }),
    );
    let server = server.start();
    let mut sock = TcpStream::connect(server.local_addr()).await.unwrap();
    let mut oneway = RemotingCommand::new_request(request_code::UPDATE_CONSUMER_OFFSET);
    oneway.mark_oneway();
    let mut buf = BytesMut::new();
    codec::encode(&oneway, &mut buf).unwrap();
    sock.write_all(&buf).await.unwrap();
    drop(sock);
    seen_rx.recv().await.unwrap();
    server.shutdown().await;
}

#[tokio::test]
async fn concurrent_requests_pipeline_on_one_connection() {
    let (server, events) = start_echo_server().await;
    let addr = server.local_addr().to_string();
    let client = client(SerializeType::RocketMQ);
    let mut tasks = Vec::new();
    for i in 0..500 {
        let client = client.clone();
        let addr = addr.clone();
        tasks.push(tokio::spawn(async move {
            let key = format!("req-{i}");
            let req = RemotingCommand::new_request(ECHO)
                .with_ext("key", key.clone())
                .with_body(key.clone().into_bytes());
            let opaque = req.opaque;
            let resp = client.invoke(&addr, req, TIMEOUT).await.unwrap();
            assert_eq!(resp.opaque, opaque);
            assert_eq!(resp.ext("key"), Some(key.as_str()));
            assert_eq!(resp.body.as_deref(), Some(key.as_bytes()));
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(
        events.connects.load(Ordering::SeqCst),
        1,
        "one shared connection"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn invoke_async_calls_back() {
    let (server, _events) = start_echo_server().await;
    let client = client(SerializeType::Json);
    let (tx, rx) = tokio::sync::oneshot::channel();
    client.invoke_async(
        &server.local_addr().to_string(),
        echo_request("async", b""),
        TIMEOUT,
        move |result| {
            let _ = tx.send(result);
        },
    );
    let resp = rx.await.unwrap().unwrap();
    assert_eq!(resp.ext("key"), Some("async"));
    server.shutdown().await;
}

#[tokio::test]
async fn a_request_nobody_answers_times_out() {
    let mut server = RemotingServer::bind("127.0.0.1:0", ServerConfig::default())
        .await
        .unwrap();
    server.register_processor(
        request_code::PULL_MESSAGE,
        processor_fn(|_ch, _req| async { None }),
    );
    let server = server.start();
    let client = client(SerializeType::Json);
    let err = client
        .invoke(
            &server.local_addr().to_string(),
            RemotingCommand::new_request(request_code::PULL_MESSAGE),
            Duration::from_millis(200),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, RemotingError::Timeout { .. }), "{err}");
    assert_eq!(err.response_code(), response_code::RPC_TIME_OUT);
    server.shutdown().await;
}

#[tokio::test]
async fn held_request_is_answered_later_through_the_channel() {
    // Long polling: the processor parks the request and a later event answers it.
    let (park_tx, mut park_rx) = mpsc::unbounded_channel::<(Channel, RemotingCommand)>();
    let mut server = RemotingServer::bind("127.0.0.1:0", ServerConfig::default())
        .await
        .unwrap();
    server.register_processor(
        request_code::PULL_MESSAGE,
        processor_fn(move |ch, req| {
            let park = park_tx.clone();
            async move {
                park.send((ch, req)).unwrap();
                None
            }
        }),
    );
    let server = server.start();
    let client = client(SerializeType::RocketMQ);
    let addr = server.local_addr().to_string();
    let call = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .invoke(
                    &addr,
                    RemotingCommand::new_request(request_code::PULL_MESSAGE),
                    TIMEOUT,
                )
                .await
        }
    });
    let (channel, req) = park_rx.recv().await.unwrap();
    channel
        .send_response(
            req.opaque,
            req.serialize_type,
            RemotingCommand::new_response(response_code::SUCCESS, "arrived".to_string()),
        )
        .unwrap();
    let resp = call.await.unwrap().unwrap();
    assert_eq!(resp.remark.as_deref(), Some("arrived"));
    assert_eq!(resp.serialize_type, SerializeType::RocketMQ);
    server.shutdown().await;
}

// ---------------------------------------------------------------------------
// Server → client requests
// ---------------------------------------------------------------------------

#[tokio::test]
async fn server_pushes_oneway_and_invokes_the_client() {
    let (server_channel_tx, mut server_channel_rx) = mpsc::unbounded_channel::<Channel>();
    let mut server = RemotingServer::bind("127.0.0.1:0", ServerConfig::default())
        .await
        .unwrap();
    server.register_processor(
        request_code::HEART_BEAT,
        processor_fn(move |ch, _req| {
            let tx = server_channel_tx.clone();
            async move {
                tx.send(ch).unwrap();
                Some(RemotingCommand::new_response(response_code::SUCCESS, None))
            }
        }),
    );
    let server = server.start();

    let client = client(SerializeType::Json);
    let (notified_tx, mut notified_rx) = mpsc::unbounded_channel();
    client.register_processor(
        request_code::NOTIFY_CONSUMER_IDS_CHANGED,
        processor_fn(move |_ch, req: RemotingCommand| {
            let tx = notified_tx.clone();
            async move {
                tx.send((req.ext("consumerGroup").map(str::to_owned), req.is_oneway()))
                    .unwrap();
                None
            }
        }),
    );
    client.register_processor(
        request_code::GET_CONSUMER_RUNNING_INFO,
        processor_fn(|_ch, _req| async {
            Some(RemotingCommand::new_response(response_code::SUCCESS, None).with_body(&b"{}"[..]))
        }),
    );
    let addr = server.local_addr().to_string();
    client
        .invoke(
            &addr,
            RemotingCommand::new_request(request_code::HEART_BEAT),
            TIMEOUT,
        )
        .await
        .unwrap();
    let channel = server_channel_rx.recv().await.unwrap();

    channel
        .send_oneway(
            RemotingCommand::new_request(request_code::NOTIFY_CONSUMER_IDS_CHANGED)
                .with_ext("consumerGroup", "cg"),
        )
        .unwrap();
    assert_eq!(
        notified_rx.recv().await.unwrap(),
        (Some("cg".to_string()), true)
    );

    let resp = channel
        .invoke(
            RemotingCommand::new_request(request_code::GET_CONSUMER_RUNNING_INFO),
            TIMEOUT,
        )
        .await
        .unwrap();
    assert_eq!(resp.body.as_deref(), Some(&b"{}"[..]));

    // A code the client has no processor for.
    let resp = channel
        .invoke(
            RemotingCommand::new_request(request_code::CONSUME_MESSAGE_DIRECTLY),
            TIMEOUT,
        )
        .await
        .unwrap();
    assert_eq!(resp.code, response_code::REQUEST_CODE_NOT_SUPPORTED);
    server.shutdown().await;
}

// ---------------------------------------------------------------------------
// Connection loss, reconnect, idle
// ---------------------------------------------------------------------------

#[tokio::test]
async fn client_reconnects_after_server_restart() {
    let (server, _events) = start_echo_server().await;
    let addr = server.local_addr().to_string();
    let client = client(SerializeType::Json);
    client
        .invoke(&addr, echo_request("1", b""), TIMEOUT)
        .await
        .unwrap();
    let first_channel = client.channel(&addr).unwrap().id();

    server.shutdown().await;
    // While the server is down, calls fail (they never hang).
    eventually(|| client.channel(&addr).is_none()).await;
    let err = client
        .invoke(&addr, echo_request("2", b""), TIMEOUT)
        .await
        .unwrap_err();
    assert!(err.is_connection_failure(), "{err}");

    let (server, _events) = start_echo_server_on(&addr, ServerConfig::default()).await;
    let resp = client
        .invoke(&addr, echo_request("3", b""), TIMEOUT)
        .await
        .unwrap();
    assert_eq!(resp.ext("key"), Some("3"));
    assert_ne!(client.channel(&addr).unwrap().id(), first_channel);
    server.shutdown().await;
}

#[tokio::test]
async fn waiting_callers_fail_at_once_when_the_connection_drops() {
    let (closer_tx, mut closer_rx) = mpsc::unbounded_channel::<Channel>();
    let mut server = RemotingServer::bind("127.0.0.1:0", ServerConfig::default())
        .await
        .unwrap();
    server.register_processor(
        request_code::PULL_MESSAGE,
        processor_fn(move |ch, _req| {
            let tx = closer_tx.clone();
            async move {
                tx.send(ch).unwrap();
                None
            }
        }),
    );
    let server = server.start();
    let client = client(SerializeType::Json);
    let addr = server.local_addr().to_string();
    let call = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .invoke(
                    &addr,
                    RemotingCommand::new_request(request_code::PULL_MESSAGE),
                    Duration::from_secs(3600),
                )
                .await
        }
    });
    closer_rx.recv().await.unwrap().close();
    let err = call.await.unwrap().unwrap_err();
    assert!(matches!(err, RemotingError::ChannelClosed { .. }), "{err}");
    server.shutdown().await;
}

#[tokio::test]
async fn idle_connections_are_closed() {
    let config = ServerConfig {
        channel_max_idle: Duration::from_millis(300),
        ..ServerConfig::default()
    };
    let (server, events) = start_echo_server_on("127.0.0.1:0", config).await;
    let mut sock = TcpStream::connect(server.local_addr()).await.unwrap();
    let mut byte = [0u8; 1];
    // The server closes the silent connection: we read EOF.
    let n = sock.read(&mut byte).await.unwrap();
    assert_eq!(n, 0);
    eventually(|| events.closes.load(Ordering::SeqCst) == 1).await;
    assert_eq!(events.idles.load(Ordering::SeqCst), 1);
    server.shutdown().await;
}

// ---------------------------------------------------------------------------
// Malformed input closes only the offending connection
// ---------------------------------------------------------------------------

/// Sends `bytes` on a fresh raw connection (then half-closes it when
/// `then_close`), checks the server closes it, and checks that a well-behaved
/// client on another connection is still served.
async fn assert_bad_input_closes_only_that_connection(bytes: &[u8], then_close: bool) {
    let (server, events) = start_echo_server().await;
    let addr = server.local_addr().to_string();
    let good = client(SerializeType::Json);
    good.invoke(&addr, echo_request("before", b""), TIMEOUT)
        .await
        .unwrap();

    let mut bad = TcpStream::connect(server.local_addr()).await.unwrap();
    bad.write_all(bytes).await.unwrap();
    if then_close {
        bad.shutdown().await.unwrap();
    }
    // The server closes the connection: EOF (or a reset) without any response.
    let mut rest = Vec::new();
    let read = bad.read_to_end(&mut rest).await;
    assert!(read.is_err() || rest.is_empty(), "got a response: {rest:?}");
    eventually(|| events.exceptions.load(Ordering::SeqCst) == 1).await;

    let resp = good
        .invoke(&addr, echo_request("after", b""), TIMEOUT)
        .await
        .unwrap();
    assert_eq!(resp.ext("key"), Some("after"));
    assert_eq!(
        events.closes.load(Ordering::SeqCst),
        1,
        "only the bad connection closed"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn truncated_frame_then_close() {
    let mut buf = BytesMut::new();
    codec::encode(&echo_request("t", b"0123456789"), &mut buf).unwrap();
    let cut = buf.len() - 5;
    assert_bad_input_closes_only_that_connection(&buf[..cut], true).await;
}

#[tokio::test]
async fn oversized_length() {
    let mut buf = BytesMut::new();
    buf.put_u32(16 * 1024 * 1024 + 1);
    buf.put_u32(0);
    assert_bad_input_closes_only_that_connection(&buf, false).await;
}

#[tokio::test]
async fn negative_length() {
    assert_bad_input_closes_only_that_connection(&(-1i32).to_be_bytes(), false).await;
}

#[tokio::test]
async fn header_length_larger_than_frame() {
    let mut buf = BytesMut::new();
    buf.put_u32(4 + 10);
    buf.put_u32(100); // JSON, 100-byte header in a 14-byte frame
    buf.put_slice(b"{\"code\":1}");
    assert_bad_input_closes_only_that_connection(&buf, false).await;
}

#[tokio::test]
async fn invalid_json_header() {
    let header = b"{\"code\":34,\"extFields\":";
    let mut buf = BytesMut::new();
    buf.put_u32(4 + header.len() as u32);
    buf.put_u32(header.len() as u32);
    buf.put_slice(header);
    assert_bad_input_closes_only_that_connection(&buf, false).await;
}

#[tokio::test]
async fn truncated_rocketmq_header() {
    let mut buf = BytesMut::new();
    buf.put_u32(4 + 10);
    buf.put_u32((1 << 24) | 10); // ROCKETMQ, 10 bytes: shorter than the 21-byte minimum
    buf.put_slice(&[0u8; 10]);
    assert_bad_input_closes_only_that_connection(&buf, false).await;
}

#[tokio::test]
async fn unknown_serialize_type() {
    let mut buf = BytesMut::new();
    buf.put_u32(4 + 2);
    buf.put_u32((9 << 24) | 2);
    buf.put_slice(b"{}");
    assert_bad_input_closes_only_that_connection(&buf, false).await;
}

/// Reads one frame from a raw socket.
async fn read_frame(sock: &mut TcpStream) -> Option<RemotingCommand> {
    let mut buf = BytesMut::new();
    loop {
        if let Some(cmd) = codec::decode(&mut buf).unwrap() {
            return Some(cmd);
        }
        if sock.read_buf(&mut buf).await.unwrap() == 0 {
            return None;
        }
    }
}
