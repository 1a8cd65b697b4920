//! `wire_capture` — records every remoting frame `rocketmq-client-rust`
//! exchanges with a name server and a broker during a short produce/consume
//! session, and prints them one per line.
//!
//! Two [`WireTap`]s are started: one in front of the broker, one in front of
//! the name server. The name-server tap rewrites the broker's address inside
//! route bodies to the broker tap's address, so the client's broker traffic
//! goes through the second tap too. The session: a producer sends three
//! messages and one batch of two, then a push consumer of a fresh group
//! consumes them and is shut down (committing its offsets).
//!
//! ```text
//! wire_capture --namesrv 127.0.0.1:9876 --broker 127.0.0.1:10911 > capture.txt
//! wire_capture --in-process > capture.txt     # against our own servers, started here
//! ```

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::anyhow;
use clap::Parser;
use compat::cluster::Cluster;
use compat::rust_client::{ClientHarness, RecordingListener, message};
use compat::wire_tap::WireTap;

#[derive(Parser, Debug)]
struct Args {
    /// The real name server.
    #[arg(long, default_value = "127.0.0.1:9876")]
    namesrv: SocketAddr,
    /// The broker address as the name server advertises it.
    #[arg(long, default_value = "127.0.0.1:10911")]
    broker: SocketAddr,
    /// How long to let the consumer run after it has everything (to see the
    /// periodic heartbeat / offset persist traffic).
    #[arg(long, default_value_t = 12)]
    linger: u64,
    /// Start mini-rocketmq's name server and broker in this process and
    /// capture against them (ignores --namesrv / --broker).
    #[arg(long)]
    in_process: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let cluster = if args.in_process {
        let cluster = Cluster::start().await?;
        args.namesrv = cluster.namesrv.local_addr();
        args.broker = cluster.broker_addr();
        Some(cluster)
    } else {
        None
    };
    let broker_tap = WireTap::start(args.broker, Vec::new()).await?;
    let namesrv_tap = WireTap::start(
        args.namesrv,
        vec![(args.broker.to_string(), broker_tap.local_addr().to_string())],
    )
    .await?;
    let namesrv = namesrv_tap.local_addr().to_string();
    let stamp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();
    let topic = format!("CaptureTopic{stamp}");
    let group = format!("capture_cg_{stamp}");

    let harness = ClientHarness::new("capture")?;
    let mut producer = harness
        .start_producer(&namesrv, &format!("capture_pg_{stamp}"))
        .await?;
    for i in 0..3 {
        let r = producer
            .send(message(
                &topic,
                "TagA",
                &format!("key-{i}"),
                format!("hello {i}").as_bytes(),
            ))
            .await
            .map_err(|e| anyhow!("send {i}: {e}"))?;
        eprintln!("send {i}: {r:?}");
    }
    let batch = vec![
        message(&topic, "TagB", "batch-0", b"batch body 0"),
        message(&topic, "TagB", "batch-1", b"batch body 1"),
    ];
    match producer.send_batch(batch).await {
        Ok(r) => eprintln!("batch: {r:?}"),
        Err(e) => eprintln!("batch failed: {e}"),
    }

    let listener = RecordingListener::new();
    let mut consumer = harness
        .start_push_consumer(&namesrv, &group, &topic, listener.clone())
        .await?;
    let got = listener.wait_for(5, Duration::from_secs(30)).await;
    eprintln!("consumed {got} messages: {:#?}", listener.received());
    tokio::time::sleep(Duration::from_secs(args.linger)).await;
    consumer.shutdown().await;
    producer.shutdown().await;
    harness.shutdown().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    if let Some(cluster) = cluster {
        cluster.shutdown().await;
    }

    println!("=== name server ({})", args.namesrv);
    print!("{}", namesrv_tap.render());
    println!("=== broker ({})", args.broker);
    print!("{}", broker_tap.render());
    Ok(())
}
