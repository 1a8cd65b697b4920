//! Send a few messages — the Rust twin of RocketMQ's `example/quickstart/Producer.java`.
//!
//! ```text
//! cargo run --release --bin mqlocal            # in one terminal
//! cargo run --example producer                 # in another
//! NAMESRV_ADDR=127.0.0.1:19876 cargo run --example producer -- 100
//! ```

use mini_rocketmq::client::producer::{DefaultMQProducer, SelectMessageQueueByHash};
use mini_rocketmq::common::message::Message;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter("warn").init();
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    let namesrv = std::env::var("NAMESRV_ADDR").unwrap_or_else(|_| "127.0.0.1:9876".into());

    let producer = DefaultMQProducer::builder()
        .producer_group("please_rename_unique_group_name")
        .namesrv_addr(namesrv)
        .build();
    producer.start().await?;

    for i in 0..count {
        // Tags let consumers filter ("TagA || TagB"); keys are indexed by the
        // broker (`mqadmin queryMsgByKey`); user properties travel along.
        let mut msg = Message::new("TopicTest", format!("Hello RocketMQ {i}"))
            .with_tags("TagA")
            .with_keys([format!("ORDER-{i}")]);
        msg.put_property("source", "example");
        let result = producer.send(msg).await?;
        println!("{result}");
    }

    // Ordered use: every message of one order id goes to the same queue.
    for step in ["created", "paid", "shipped"] {
        let msg = Message::new("TopicTest", format!("order 42 {step}")).with_tags("TagOrder");
        let result = producer
            .send_with_selector(msg, &SelectMessageQueueByHash(42))
            .await?;
        println!(
            "order 42 {step:>7} -> queue {}",
            result.message_queue.queue_id
        );
    }

    producer.shutdown().await;
    Ok(())
}
