//! Interop between two clients that share nothing but the wire:
//! `rocketmq-client-rust` 1.0.0 and mini-rocketmq's own client, through our
//! name server and broker.
//!
//! Issue 4's requirement: messages its producer sends reach our push
//! consumer, and ours reach its push consumer, bodies and keys intact. Each
//! direction includes a body over 4 KiB (both producers zlib-compress it, and
//! the other side's consumer must inflate it) and a message with two keys
//! (KEYS holds them space-separated).

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use common::unique;
use compat::rust_client::{ClientHarness, RecordingListener, SendStatus};
use mini_rocketmq::client::consumer::{
    ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultMQPushConsumer as OurPushConsumer,
};
use mini_rocketmq::client::producer::{
    DefaultMQProducer as OurProducer, SendStatus as OurSendStatus,
};
use mini_rocketmq::common::message::Message as OurMessage;

/// What our listener keeps of each message: keys, tag, body.
type Seen = Arc<Mutex<Vec<(String, String, Vec<u8>)>>>;

const CONSUME_TIMEOUT: Duration = Duration::from_secs(60);
/// How long to keep listening after the expected count, so a duplicate would
/// be seen: time passing is the point, there is no condition to poll.
const SETTLE: Duration = Duration::from_secs(3);

/// What each test sends: key (as the KEYS property reads) → (tag, body).
fn corpus(prefix: &str) -> BTreeMap<String, (String, Vec<u8>)> {
    let mut messages = BTreeMap::new();
    for i in 0..20 {
        messages.insert(
            format!("{prefix}-{i}"),
            (
                format!("Tag{}", i % 3),
                format!("{prefix} body {i} ✓").into_bytes(),
            ),
        );
    }
    // Two keys: KEYS is "a b" on the wire.
    messages.insert(
        format!("{prefix}-multi-a {prefix}-multi-b"),
        ("TagM".to_string(), b"two keys".to_vec()),
    );
    // Over the 4 KiB compression threshold of both producers.
    let big: Vec<u8> = (0..20_000u32).map(|i| b'A' + (i % 26) as u8).collect();
    messages.insert(format!("{prefix}-big"), ("TagBig".to_string(), big));
    messages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn their_producer_to_our_push_consumer() -> anyhow::Result<()> {
    let cluster = common::start_cluster().await?;
    let namesrv = cluster.namesrv_addr();
    let topic = unique("InteropTheirsToOurs");
    let expected = corpus("t2o");

    let client = ClientHarness::new("interop-producer")?;
    let mut producer = client
        .start_producer(&namesrv, &unique("interop_pg"))
        .await?;
    for (keys, (tag, body)) in &expected {
        // The third-party builder takes one key per call; several keys are a list.
        let msg = rocketmq_model::common::message::message_single::Message::builder()
            .topic(topic.as_str())
            .tags(tag.as_str())
            .keys(keys.split(' ').map(str::to_string).collect())
            .body_slice(body)
            .build_unchecked();
        let result = producer
            .send(msg)
            .await
            .map_err(|e| anyhow!("send {keys}: {e}"))?
            .context("sync send returned no result")?;
        assert_eq!(result.send_status, SendStatus::SendOk, "{result:?}");
    }

    let seen: Seen = Arc::default();
    let consumer = OurPushConsumer::builder()
        .consumer_group(unique("interop_cg"))
        .namesrv_addr(namesrv.clone())
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .build();
    consumer.subscribe(&topic, "*")?;
    let sink = seen.clone();
    consumer.register_message_listener_concurrently(move |msgs, _ctx| {
        let sink = sink.clone();
        async move {
            if let Ok(mut seen) = sink.lock() {
                for m in msgs {
                    seen.push((
                        m.message.keys().unwrap_or_default().to_string(),
                        m.message.tags().unwrap_or_default().to_string(),
                        m.message.body.to_vec(),
                    ));
                }
            }
            ConsumeConcurrentlyStatus::ConsumeSuccess
        }
    });
    consumer.start().await?;

    let deadline = Instant::now() + CONSUME_TIMEOUT;
    while seen.lock().map(|s| s.len()).unwrap_or_default() < expected.len()
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(SETTLE).await;
    let received = seen.lock().map(|s| s.clone()).unwrap_or_default();
    assert_intact(
        received
            .iter()
            .map(|(k, t, b)| (k.as_str(), t.as_str(), b.as_slice())),
        &expected,
        "our consumer",
    );

    consumer.shutdown().await;
    producer.shutdown().await;
    client.shutdown().await;
    cluster.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_producer_to_their_push_consumer() -> anyhow::Result<()> {
    let cluster = common::start_cluster().await?;
    let namesrv = cluster.namesrv_addr();
    let topic = unique("InteropOursToTheirs");
    let expected = corpus("o2t");

    let producer = OurProducer::builder()
        .producer_group(unique("interop_pg"))
        .namesrv_addr(namesrv.clone())
        .build();
    producer.start().await?;
    for (keys, (tag, body)) in &expected {
        let msg = OurMessage::new(topic.clone(), body.clone())
            .with_tags(tag.clone())
            .with_keys(keys.split(' '));
        let result = producer.send(msg).await?;
        assert_eq!(result.send_status, OurSendStatus::SendOk, "{result:?}");
    }

    let client = ClientHarness::new("interop-consumer")?;
    let listener = RecordingListener::new();
    let mut consumer = client
        .start_push_consumer(&namesrv, &unique("interop_cg"), &topic, listener.clone())
        .await?;
    listener.wait_for(expected.len(), CONSUME_TIMEOUT).await;
    tokio::time::sleep(SETTLE).await;
    let received = listener.received();
    assert_intact(
        received.iter().map(|r| {
            (
                r.keys.as_deref().unwrap_or_default(),
                r.tags.as_deref().unwrap_or_default(),
                r.body.as_slice(),
            )
        }),
        &expected,
        "their consumer",
    );

    consumer.shutdown().await;
    producer.shutdown().await;
    client.shutdown().await;
    cluster.shutdown().await;
    Ok(())
}

/// Every expected message arrived exactly once with its tag and body, and
/// nothing else arrived.
fn assert_intact<'a>(
    received: impl Iterator<Item = (&'a str, &'a str, &'a [u8])>,
    expected: &BTreeMap<String, (String, Vec<u8>)>,
    who: &str,
) {
    let mut by_key: BTreeMap<&str, Vec<(&str, &[u8])>> = BTreeMap::new();
    for (keys, tag, body) in received {
        by_key.entry(keys).or_default().push((tag, body));
    }
    for (keys, (tag, body)) in expected {
        let copies = by_key
            .get(keys.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        assert_eq!(
            copies.len(),
            1,
            "{who}: {keys:?} received {} times",
            copies.len()
        );
        assert_eq!(copies[0].0, tag, "{who}: tag of {keys:?}");
        assert!(
            copies[0].1 == body.as_slice(),
            "{who}: body of {keys:?} differs ({} bytes)",
            copies[0].1.len()
        );
    }
    let strangers: Vec<_> = by_key
        .keys()
        .filter(|k| !expected.contains_key(**k))
        .collect();
    assert!(strangers.is_empty(), "{who}: unexpected {strangers:?}");
}
