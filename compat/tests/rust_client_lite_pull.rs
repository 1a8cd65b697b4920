//! `rocketmq-client-rust`'s `DefaultLitePullConsumer` against our broker.
//!
//! A lite pull consumer pulls with LITE_PULL_MESSAGE (code 361, RocketMQ 5's
//! code for pulls from lite pull consumers, served by the same pull processor
//! as PULL_MESSAGE). Before our broker served it, this client got
//! REQUEST_CODE_NOT_SUPPORTED and retried "Broker operation failed" forever.
//!
//! Both ways a lite pull consumer gets its queues are covered: `subscribe`
//! (rebalance within the group hands it queues, like a push consumer) and
//! `assign` (the application names the queues and no rebalance runs). In
//! each, every message sent is read exactly once, bodies and keys intact.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context, anyhow};
use common::unique;
use compat::rust_client::{
    ClientHarness, LitePullConsumer, Received, SendStatus, message, poll_lite,
};

/// How long a consumer may take to get its messages (rebalance + pulls).
const CONSUME_TIMEOUT: Duration = Duration::from_secs(60);
/// How long to keep polling after the expected count, so a duplicate would
/// be seen. Time passing is the point here: "nothing more arrives" has no
/// condition to wait for.
const SETTLE: Duration = Duration::from_secs(2);

const MESSAGES: usize = 24;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lite_pull_subscribe_reads_every_message_once() -> anyhow::Result<()> {
    let cluster = common::start_cluster().await?;
    let namesrv = cluster.namesrv_addr();
    let client = ClientHarness::new("compat-lite-subscribe")?;
    let topic = unique("CompatLiteSubscribe");
    let sent = send_messages(&client, &namesrv, &topic).await?;

    let consumer = client.lite_pull_consumer(&namesrv, &unique("compat_lite_cg"))?;
    consumer
        .subscribe_with_expression(&topic, "*")
        .await
        .map_err(|e| anyhow!("subscribe {topic}: {e}"))?;
    consumer
        .start()
        .await
        .map_err(|e| anyhow!("lite pull consumer start: {e}"))?;
    let received = read_all(&consumer, sent.len()).await;
    assert_every_message_once(&received, &sent, "subscribe mode");

    consumer.shutdown().await;
    client.shutdown().await;
    cluster.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lite_pull_assign_reads_every_message_once() -> anyhow::Result<()> {
    let cluster = common::start_cluster().await?;
    let namesrv = cluster.namesrv_addr();
    let client = ClientHarness::new("compat-lite-assign")?;
    let topic = unique("CompatLiteAssign");
    let sent = send_messages(&client, &namesrv, &topic).await?;

    let consumer = client.lite_pull_consumer(&namesrv, &unique("compat_lite_cg"))?;
    consumer
        .start()
        .await
        .map_err(|e| anyhow!("lite pull consumer start: {e}"))?;
    let queues = consumer
        .fetch_message_queues(&topic)
        .await
        .map_err(|e| anyhow!("fetch_message_queues {topic}: {e}"))?;
    assert!(!queues.is_empty(), "the route of {topic} has no queue");
    consumer
        .assign(queues)
        .await
        .map_err(|e| anyhow!("assign: {e}"))?;
    let received = read_all(&consumer, sent.len()).await;
    assert_every_message_once(&received, &sent, "assign mode");

    consumer.shutdown().await;
    client.shutdown().await;
    cluster.shutdown().await;
    Ok(())
}

/// Sends `lite-<i>` / `lite body <i>` with the same client's producer;
/// returns key → body.
async fn send_messages(
    client: &ClientHarness,
    namesrv: &str,
    topic: &str,
) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let mut producer = client
        .start_producer(namesrv, &unique("compat_lite_pg"))
        .await?;
    let mut sent = BTreeMap::new();
    for i in 0..MESSAGES {
        let (key, body) = (format!("lite-{i}"), format!("lite body {i}").into_bytes());
        let result = producer
            .send(message(topic, "TagL", &key, &body))
            .await
            .map_err(|e| anyhow!("send {key}: {e}"))?
            .with_context(|| format!("sync send of {key} returned no result"))?;
        assert_eq!(result.send_status, SendStatus::SendOk, "{result:?}");
        sent.insert(key, body);
    }
    producer.shutdown().await;
    Ok(sent)
}

/// Everything the consumer returns until `n` arrived, plus whatever a
/// further [`SETTLE`] of polling brings (a duplicate would).
async fn read_all(consumer: &LitePullConsumer, n: usize) -> Vec<Received> {
    let mut received = poll_lite(consumer, n, CONSUME_TIMEOUT).await;
    received.extend(poll_lite(consumer, usize::MAX, SETTLE).await);
    received
}

fn assert_every_message_once(received: &[Received], sent: &BTreeMap<String, Vec<u8>>, who: &str) {
    let mut by_key: BTreeMap<&str, Vec<&Received>> = BTreeMap::new();
    for r in received {
        by_key
            .entry(r.keys.as_deref().unwrap_or_default())
            .or_default()
            .push(r);
    }
    for (key, body) in sent {
        let copies = by_key
            .get(key.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        assert_eq!(
            copies.len(),
            1,
            "{who}: {key} read {} times ({} of {} messages read in all)",
            copies.len(),
            received.len(),
            sent.len()
        );
        assert_eq!(&copies[0].body, body, "{who}: body of {key}");
        assert_eq!(
            copies[0].tags.as_deref(),
            Some("TagL"),
            "{who}: tag of {key}"
        );
    }
    assert_eq!(
        received.len(),
        sent.len(),
        "{who}: strangers in {received:#?}"
    );
}
