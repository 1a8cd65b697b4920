//! Consume by polling — the Rust twin of RocketMQ's `LitePullConsumerSubscribe.java`.
//! The application decides when to fetch and when to commit.
//!
//! ```text
//! cargo run --example pull_consumer
//! ```

use std::time::Duration;

use mini_rocketmq::client::consumer::{ConsumeFromWhere, DefaultLitePullConsumer};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter("warn").init();
    let namesrv = std::env::var("NAMESRV_ADDR").unwrap_or_else(|_| "127.0.0.1:9876".into());

    let consumer = DefaultLitePullConsumer::builder()
        .consumer_group("lite_pull_consumer_test")
        .namesrv_addr(namesrv)
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .auto_commit(false)
        .build();
    consumer.subscribe("TopicTest", "*")?;
    consumer.start().await?;

    let mut empty_polls = 0;
    while empty_polls < 3 {
        let msgs = consumer.poll(Duration::from_secs(2)).await;
        if msgs.is_empty() {
            empty_polls += 1;
            continue;
        }
        empty_polls = 0;
        for msg in &msgs {
            println!(
                "{} offset={} {}",
                msg.queue_id,
                msg.queue_offset,
                String::from_utf8_lossy(&msg.body)
            );
        }
        // Done with these: move the group's position past them.
        consumer.commit_sync().await;
    }
    println!(
        "no more messages; assigned queues: {}",
        consumer.assignment().len()
    );
    consumer.shutdown().await;
    Ok(())
}
