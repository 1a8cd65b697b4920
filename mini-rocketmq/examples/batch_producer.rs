//! Send messages in batches — one SEND_BATCH_MESSAGE request carries many
//! messages, which the broker stores as consecutive records of one queue.
//!
//! ```text
//! cargo run --example batch_producer
//! ```

use mini_rocketmq::client::producer::DefaultMQProducer;
use mini_rocketmq::common::message::Message;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter("warn").init();
    let namesrv = std::env::var("NAMESRV_ADDR").unwrap_or_else(|_| "127.0.0.1:9876".into());
    let producer = DefaultMQProducer::builder()
        .producer_group("batch_producer_group")
        .namesrv_addr(namesrv)
        .build();
    producer.start().await?;

    for round in 0..3 {
        // Same topic, no delay level, well under 4 MiB in total: the rules
        // of a batch.
        let batch: Vec<Message> = (0..10)
            .map(|i| {
                Message::new("BatchTest", format!("round {round} message {i}")).with_tags("TagA")
            })
            .collect();
        let result = producer.send_batch(batch).await?;
        println!(
            "batch {round}: {} at {} offset {} (ids {})",
            result.send_status,
            result.message_queue,
            result.queue_offset,
            result.msg_id.split(',').count()
        );
    }

    producer.shutdown().await;
    Ok(())
}
