//! Consume with a listener — the Rust twin of RocketMQ's `example/quickstart/Consumer.java`.
//!
//! ```text
//! cargo run --example push_consumer            # Ctrl-C to stop
//! ```
//!
//! Start it twice to watch the two instances share the topic's queues
//! (rebalance); stop one and the other takes them all.

use mini_rocketmq::client::consumer::{
    ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultMQPushConsumer,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter("info").init();
    let namesrv = std::env::var("NAMESRV_ADDR").unwrap_or_else(|_| "127.0.0.1:9876".into());

    let consumer = DefaultMQPushConsumer::builder()
        .consumer_group("please_rename_unique_group_name_4")
        .namesrv_addr(namesrv)
        // Only matters the very first time this group reads the topic.
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .build();
    consumer.subscribe("TopicTest", "*")?;
    consumer.register_message_listener_concurrently(|msgs, ctx| async move {
        for msg in &msgs {
            println!(
                "{} queue={} offset={} tags={:?} body={}",
                msg.client_msg_id(),
                ctx.message_queue.queue_id,
                msg.queue_offset,
                msg.tags(),
                String::from_utf8_lossy(&msg.body)
            );
        }
        // ReconsumeLater would hand the batch back for a delayed retry.
        ConsumeConcurrentlyStatus::ConsumeSuccess
    });
    consumer.start().await?;
    println!("consumer started; Ctrl-C to stop");

    tokio::signal::ctrl_c().await?;
    consumer.shutdown().await; // commits offsets and leaves the group
    Ok(())
}
