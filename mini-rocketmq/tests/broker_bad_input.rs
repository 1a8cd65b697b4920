//! Bad input against a running broker: malformed frames close the
//! connection (with a warning in the log), bad requests get an error
//! response with a remark; either way the broker keeps serving other clients
//! and nothing is written to the store.

mod broker_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use broker_support::*;
use bytes::{BufMut, BytesMut};
use mini_rocketmq::remoting::code::{request_code, response_code};
use mini_rocketmq::remoting::command::{RemotingCommand, SerializeType};

/// Collects log output so the test can check a warning was written.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogBuffer {
    fn warnings(&self) -> usize {
        String::from_utf8_lossy(&self.0.lock().unwrap())
            .lines()
            .filter(|l| l.contains("WARN"))
            .count()
    }
}

/// A frame with a JSON header given as text.
fn frame_with_json_header(header: &str) -> Vec<u8> {
    let mut out = BytesMut::new();
    out.put_u32(4 + header.len() as u32);
    out.put_u32(header.len() as u32); // serialize type 0 = JSON
    out.put_slice(header.as_bytes());
    out.to_vec()
}

#[tokio::test]
async fn malformed_frames_close_only_their_connection() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    // Current-thread runtime: every task of the broker logs through this
    // thread's subscriber.
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path(), None).await;
    let addr = broker.local_addr();
    let mut good = RawConn::connect(addr, SerializeType::Json).await;
    assert_eq!(
        good.call(send_v1("Stable", 0, "T", "kept")).await.code,
        response_code::SUCCESS
    );
    let stored = broker.controller().store.max_phy_offset();

    let cases: Vec<(&str, Vec<u8>)> = vec![
        // Length prefix over the 16 MiB limit.
        ("oversized frame", {
            let mut b = BytesMut::new();
            b.put_u32(17 * 1024 * 1024);
            b.put_u32(10);
            b.to_vec()
        }),
        // Header length larger than the frame.
        ("header longer than frame", {
            let mut b = BytesMut::new();
            b.put_u32(20);
            b.put_u32(100);
            b.put_slice(&[b'{'; 16]);
            b.to_vec()
        }),
        (
            "invalid JSON header",
            frame_with_json_header("{\"code\": 10, \"opaque\": "),
        ),
        (
            "JSON header of the wrong shape",
            frame_with_json_header("[1, 2, 3]"),
        ),
        // A ROCKETMQ header shorter than its fixed fields.
        ("short binary header", {
            let mut b = BytesMut::new();
            b.put_u32(4 + 3);
            b.put_u32((1 << 24) | 3);
            b.put_slice(&[0, 10, 12]);
            b.to_vec()
        }),
    ];
    for (what, bytes) in cases {
        let mut bad = RawConn::connect(addr, SerializeType::Json).await;
        bad.write_raw(&bytes).await;
        assert!(
            bad.is_closed_by_peer().await,
            "{what}: the broker closes the connection"
        );
        // Everyone else is still served.
        let resp = good.call(pull("Stable", 0, 0, "*", None)).await;
        assert!(
            resp.code == response_code::SUCCESS || resp.code == response_code::PULL_NOT_FOUND,
            "{what}: broker still serves"
        );
    }

    // A frame cut short by the peer closing its side.
    {
        let mut bad = RawConn::connect(addr, SerializeType::Json).await;
        let mut b = BytesMut::new();
        b.put_u32(200);
        b.put_u32(50);
        b.put_slice(b"{\"code\":10");
        bad.write_raw(&b).await;
        drop(bad);
    }
    assert_eq!(
        good.call(send_v1("Stable", 0, "T", "still")).await.code,
        response_code::SUCCESS
    );

    assert!(logs.warnings() >= 5, "every closed connection is logged");
    let _ = stored;
    broker.shutdown().await;
}

#[tokio::test]
async fn bad_requests_get_clear_responses_and_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path(), None).await;
    let mut conn = RawConn::connect(broker.local_addr(), SerializeType::RocketMQ).await;
    let store = broker.controller().store.clone();
    let before = store.max_phy_offset();

    // Unknown request code.
    let resp = conn.call(RemotingCommand::new_request(9999)).await;
    assert_eq!(resp.code, response_code::REQUEST_CODE_NOT_SUPPORTED);
    assert_eq!(
        resp.remark.as_deref(),
        Some(" request type 9999 not supported")
    );

    // Bad topic names.
    for topic in ["bad topic!", "", &"x".repeat(200), "a/../b"] {
        let resp = conn.call(send_v1(topic, 0, "T", "body")).await;
        assert_eq!(
            resp.code,
            response_code::INVALID_PARAMETER,
            "topic {topic:?}: {:?}",
            resp.remark
        );
        assert!(resp.remark.is_some());
    }
    // System topics cannot be sent to.
    let resp = conn
        .call(send_v1("SCHEDULE_TOPIC_XXXX", 0, "T", "body"))
        .await;
    assert_eq!(resp.code, response_code::NO_PERMISSION);

    // A body over 4 MiB.
    let big = vec![b'x'; 4 * 1024 * 1024 + 1];
    let resp = conn.call(send_v1("BigTopic", 0, "T", big)).await;
    assert_eq!(resp.code, response_code::MESSAGE_ILLEGAL);
    assert!(resp.remark.unwrap().contains("4194304"));

    // A queue id the topic does not have.
    let resp = conn.call(send_v1("SomeTopic", 0, "T", "ok")).await;
    assert_eq!(resp.code, response_code::SUCCESS);
    let after_good_send = store.max_phy_offset();
    let resp = conn.call(send_v1("SomeTopic", 99, "T", "body")).await;
    assert_eq!(resp.code, response_code::INVALID_PARAMETER);

    // Missing required header fields.
    let resp = conn
        .call(RemotingCommand::new_request(request_code::SEND_MESSAGE).with_ext("topic", "T"))
        .await;
    assert_eq!(resp.code, response_code::SYSTEM_ERROR);
    assert!(resp.remark.unwrap().contains("is null"));
    let resp = conn
        .call(RemotingCommand::new_request(request_code::PULL_MESSAGE).with_ext("topic", "T"))
        .await;
    assert_eq!(resp.code, response_code::SYSTEM_ERROR);
    // A header field that is not a number.
    let mut req = send_v1("SomeTopic", 0, "T", "body");
    req.ext_fields.insert("queueId".into(), "zero".into());
    assert_eq!(conn.call(req).await.code, response_code::SYSTEM_ERROR);
    // A heartbeat whose body is not JSON.
    let resp = conn
        .call(RemotingCommand::new_request(request_code::HEART_BEAT).with_body(&b"\xff\xfe"[..]))
        .await;
    assert_eq!(resp.code, response_code::SYSTEM_ERROR);
    // A batch whose body is garbage.
    let mut batch = send_batch("SomeTopic", 0, &[]);
    batch.body = Some(bytes::Bytes::from_static(b"\x00\x00\x00\x05garbage"));
    let resp = conn.call(batch).await;
    assert_eq!(resp.code, response_code::MESSAGE_ILLEGAL);
    // A consumer group name that could not be a file name.
    let mut bad_group = pull("SomeTopic", 0, 0, "*", None);
    bad_group
        .ext_fields
        .insert("consumerGroup".into(), "../../etc".into());
    assert_eq!(
        conn.call(bad_group).await.code,
        response_code::INVALID_PARAMETER
    );
    // Pull from a topic that does not exist.
    let resp = conn.call(pull("NoSuchTopic", 0, 0, "*", None)).await;
    assert_eq!(resp.code, response_code::TOPIC_NOT_EXIST);

    // Nothing but the one good send reached the store.
    assert!(after_good_send > before);
    assert_eq!(store.max_phy_offset(), after_good_send);
    broker.shutdown().await;
}
