//! The same produce → consume round trip with the client switched to ROCKETMQ
//! binary headers (`ROCKETMQ_SERIALIZE_TYPE=ROCKETMQ`), so our codec's binary
//! path and "answer in the caller's serialization" are exercised by a client
//! we did not write.
//!
//! The client reads the variable once per process when its runtime is
//! created, which is why this test has a binary of its own and sets the
//! variable before any thread exists.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use anyhow::{Context, anyhow};
use common::unique;
use compat::rust_client::{ClientHarness, RecordingListener, SendStatus, message};

#[test]
fn round_trip_with_rocketmq_binary_headers() -> anyhow::Result<()> {
    // SAFETY: this is the only test in this binary and it runs before the
    // tokio runtime (or anything else that could read the environment
    // concurrently) is started.
    unsafe { std::env::set_var("ROCKETMQ_SERIALIZE_TYPE", "ROCKETMQ") };
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(round_trip())
}

async fn round_trip() -> anyhow::Result<()> {
    let cluster = common::start_cluster().await?;
    let namesrv = cluster.namesrv_addr();
    let client = ClientHarness::new("compat-binary")?;
    let topic = unique("CompatBinary");

    let mut producer = client
        .start_producer(&namesrv, &unique("compat_pg"))
        .await?;
    let mut keys = BTreeSet::new();
    for i in 0..20 {
        let key = format!("bin-{i}");
        let result = producer
            .send(message(
                &topic,
                "TagA",
                &key,
                format!("binary header body {i}").as_bytes(),
            ))
            .await
            .map_err(|e| anyhow!("send {key}: {e}"))?
            .context("sync send returned no result")?;
        assert_eq!(result.send_status, SendStatus::SendOk, "{result:?}");
        keys.insert(key);
    }

    let listener = RecordingListener::new();
    let mut consumer = client
        .start_push_consumer(&namesrv, &unique("compat_cg"), &topic, listener.clone())
        .await?;
    let got = listener.wait_for(keys.len(), Duration::from_secs(60)).await;
    // Not a wait for something: a duplicate would arrive in these seconds,
    // and "nothing more arrives" has no condition to poll.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let received = listener.received();
    assert_eq!(got, keys.len());
    assert_eq!(received.len(), keys.len(), "duplicates: {received:#?}");
    let received_keys: BTreeSet<_> = received.iter().filter_map(|r| r.keys.clone()).collect();
    assert_eq!(received_keys, keys);

    consumer.shutdown().await;
    producer.shutdown().await;
    client.shutdown().await;
    cluster.shutdown().await;
    Ok(())
}
