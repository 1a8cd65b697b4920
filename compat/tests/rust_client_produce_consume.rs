//! `rocketmq-client-rust` 1.0.0 — a client nobody on the team wrote — against
//! our name server and broker, started in-process.
//!
//! The main scenario is issue 3's compatibility requirement in one run:
//! (a) its producer looks the topic up and every one of N sync sends is
//! SEND_OK; (b) its push consumer receives each of the N exactly once, bodies,
//! keys and tags intact; (c) after that consumer shuts down (committing its
//! offsets) a new consumer of the same group starts where the first stopped:
//! it receives only messages sent after the restart.
//!
//! Waits are bounded polls ("until N arrived, at most 60 s"); the only fixed
//! sleeps give a duplicate the chance to show up before counting.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context, anyhow};
use common::{Cluster, unique};
use compat::rust_client::{ClientHarness, Received, RecordingListener, SendStatus, message};

/// How long a consumer may take to get its messages (rebalance + first pull).
const CONSUME_TIMEOUT: Duration = Duration::from_secs(60);
/// How long to keep listening after the expected count, so a duplicate would
/// be seen.
const SETTLE: Duration = Duration::from_secs(3);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn producer_sends_consumer_receives_exactly_once_and_resumes_after_restart()
-> anyhow::Result<()> {
    let cluster = common::start_cluster().await?;
    let namesrv = cluster.namesrv_addr();
    let client = ClientHarness::new("compat-main")?;
    let topic = unique("CompatTopic");
    let group = unique("compat_cg");

    // (a) route lookup + N sync sends, all SEND_OK.
    let mut producer = client
        .start_producer(&namesrv, &unique("compat_pg"))
        .await?;
    let first = send_numbered(&producer, &topic, 0..40).await?;

    // (b) every message consumed exactly once, intact.
    let listener = RecordingListener::new();
    let mut consumer = client
        .start_push_consumer(&namesrv, &group, &topic, listener.clone())
        .await?;
    let got = listener.wait_for(first.len(), CONSUME_TIMEOUT).await;
    assert_eq!(
        got,
        first.len(),
        "first consumer got {got} of {} messages",
        first.len()
    );
    tokio::time::sleep(SETTLE).await;
    assert_exactly(&listener.received(), &first, "first consumer");

    // (c) shut down (commits offsets), restart the same group: it must not
    // see the old messages again, only the ones sent after the restart.
    consumer.shutdown().await;
    let committed = wait_for_committed(&cluster, &group, &topic, first.len() as i64).await;
    assert_eq!(
        committed.values().sum::<i64>(),
        first.len() as i64,
        "offsets the broker holds after the first consumer shut down: {committed:?}"
    );
    let listener = RecordingListener::new();
    let mut consumer = client
        .start_push_consumer(&namesrv, &group, &topic, listener.clone())
        .await?;
    let second = send_numbered(&producer, &topic, 40..50).await?;
    let got = listener.wait_for(second.len(), CONSUME_TIMEOUT).await;
    tokio::time::sleep(SETTLE).await;
    assert_exactly(&listener.received(), &second, "restarted consumer");
    assert_eq!(got, second.len());

    consumer.shutdown().await;
    producer.shutdown().await;
    client.shutdown().await;
    cluster.shutdown().await;
    Ok(())
}

/// A batch (SEND_BATCH_MESSAGE with the V2 header) and a body large enough
/// for the client to compress it (sysFlag COMPRESSED|ZLIB) both round-trip.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_and_compressed_messages_round_trip() -> anyhow::Result<()> {
    let cluster = common::start_cluster().await?;
    let namesrv = cluster.namesrv_addr();
    let client = ClientHarness::new("compat-batch")?;
    let topic = unique("CompatBatch");

    let producer = client
        .start_producer(&namesrv, &unique("compat_pg"))
        .await?;
    let mut expected = BTreeMap::new();
    let batch: Vec<_> = (0..8)
        .map(|i| {
            let (key, body) = (format!("batch-{i}"), format!("batch body {i}").into_bytes());
            expected.insert(key.clone(), body.clone());
            message(&topic, "TagB", &key, &body)
        })
        .collect();
    let result = producer
        .send_batch(batch)
        .await
        .map_err(|e| anyhow!("send_batch: {e}"))?;
    assert_eq!(result.send_status, SendStatus::SendOk, "{result:?}");

    // 64 KiB of varied text: over the 4 KiB compression threshold.
    let big: Vec<u8> = (0..65_536u32).map(|i| b'a' + (i % 23) as u8).collect();
    let result = producer
        .send(message(&topic, "TagC", "big", &big))
        .await
        .map_err(|e| anyhow!("send big: {e}"))?
        .context("sync send returned no result")?;
    assert_eq!(result.send_status, SendStatus::SendOk, "{result:?}");
    expected.insert("big".to_string(), big);

    let listener = RecordingListener::new();
    let mut consumer = client
        .start_push_consumer(&namesrv, &unique("compat_cg"), &topic, listener.clone())
        .await?;
    let got = listener.wait_for(expected.len(), CONSUME_TIMEOUT).await;
    tokio::time::sleep(SETTLE).await;
    assert_eq!(got, expected.len());
    assert_exactly(&listener.received(), &expected, "batch consumer");

    consumer.shutdown().await;
    let mut producer = producer;
    producer.shutdown().await;
    client.shutdown().await;
    cluster.shutdown().await;
    Ok(())
}

/// Polls the broker's committed offsets for the group until they add up to
/// `total` or 60 s passed (the client commits with oneway requests, so they
/// may land just after `shutdown` returns; the deadline is generous because
/// reaching it means broken, not slow).
async fn wait_for_committed(
    cluster: &Cluster,
    group: &str,
    topic: &str,
    total: i64,
) -> BTreeMap<i32, i64> {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let offsets = cluster.committed_offsets(group, topic);
        if offsets.values().sum::<i64>() >= total || std::time::Instant::now() >= deadline {
            return offsets;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Sends `key-<i>` / `body <i>` for each i, checks SEND_OK, returns key → body.
async fn send_numbered(
    producer: &rocketmq_client_rust::DefaultMQProducer,
    topic: &str,
    range: std::ops::Range<usize>,
) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let mut sent = BTreeMap::new();
    for i in range {
        let (key, body) = (
            format!("key-{i}"),
            format!("body {i} of a compat test").into_bytes(),
        );
        let result = producer
            .send(message(topic, "TagA", &key, &body))
            .await
            .map_err(|e| anyhow!("send {key}: {e}"))?
            .with_context(|| format!("sync send of {key} returned no result"))?;
        assert_eq!(
            result.send_status,
            SendStatus::SendOk,
            "send {key}: {result:?}"
        );
        assert!(
            result.msg_id.is_some(),
            "send {key}: no msg id in {result:?}"
        );
        sent.insert(key, body);
    }
    Ok(sent)
}

/// `received` holds each expected message exactly once, with its body and
/// key intact and no stranger.
fn assert_exactly(received: &[Received], expected: &BTreeMap<String, Vec<u8>>, who: &str) {
    let mut by_key: BTreeMap<String, Vec<&Received>> = BTreeMap::new();
    for r in received {
        by_key
            .entry(r.keys.clone().unwrap_or_default())
            .or_default()
            .push(r);
    }
    for (key, body) in expected {
        let copies = by_key.get(key).map(Vec::as_slice).unwrap_or_default();
        assert_eq!(
            copies.len(),
            1,
            "{who}: message {key} received {} times",
            copies.len()
        );
        assert_eq!(&copies[0].body, body, "{who}: body of {key} changed");
    }
    let strangers: Vec<_> = by_key
        .keys()
        .filter(|k| !expected.contains_key(*k))
        .collect();
    assert!(
        strangers.is_empty(),
        "{who}: unexpected messages {strangers:?}"
    );
}
