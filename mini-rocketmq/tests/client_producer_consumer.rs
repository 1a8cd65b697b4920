//! Our producer → a real broker → our push consumer, end to end over TCP.

mod client_support;

use std::collections::HashMap;
use std::sync::Arc;

use client_support::{Cluster, wait_until};
use mini_rocketmq::client::consumer::{
    ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultMQPushConsumer,
};
use mini_rocketmq::client::producer::{DefaultMQProducer, SendStatus};
use mini_rocketmq::common::message::Message;
use parking_lot::Mutex;

/// Starts a consumer of `topic` that counts deliveries per body.
async fn counting_consumer(
    cluster: &Cluster,
    group: &str,
    topic: &str,
    expression: &str,
) -> (DefaultMQPushConsumer, Arc<Mutex<HashMap<String, usize>>>) {
    let seen: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let consumer = DefaultMQPushConsumer::builder()
        .consumer_group(group)
        .client_config(cluster.client_config())
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .build();
    consumer.subscribe(topic, expression).unwrap();
    let sink = Arc::clone(&seen);
    consumer.register_message_listener_concurrently(move |msgs, _ctx| {
        let sink = Arc::clone(&sink);
        async move {
            for msg in &msgs {
                *sink
                    .lock()
                    .entry(String::from_utf8_lossy(&msg.body).into_owned())
                    .or_default() += 1;
            }
            ConsumeConcurrentlyStatus::ConsumeSuccess
        }
    });
    consumer.start().await.unwrap();
    (consumer, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_sent_is_consumed_exactly_once() {
    let cluster = Cluster::start(1).await;
    let producer = DefaultMQProducer::builder()
        .producer_group("pg_exactly_once")
        .client_config(cluster.client_config())
        .build();
    producer.start().await.unwrap();

    const N: usize = 300;
    for i in 0..N {
        let msg = Message::new("TopicExactlyOnce", format!("body-{i}"))
            .with_tags("TagA")
            .with_keys([format!("key-{i}")]);
        let result = producer.send(msg).await.unwrap();
        assert_eq!(result.send_status, SendStatus::SendOk);
        assert_eq!(result.msg_id.len(), 32, "UNIQ_KEY is 32 hex chars");
    }

    let (consumer, seen) =
        counting_consumer(&cluster, "cg_exactly_once", "TopicExactlyOnce", "*").await;
    wait_until("every message arrived", || {
        let seen = Arc::clone(&seen);
        async move { seen.lock().len() == N }
    })
    .await;
    // Settle: anything delivered twice would show up as a count of 2. Time
    // passing is the point: "nothing more arrives" has no condition to poll.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let seen = seen.lock().clone();
    assert_eq!(seen.len(), N);
    for i in 0..N {
        assert_eq!(
            seen.get(&format!("body-{i}")),
            Some(&1),
            "body-{i} delivered once"
        );
    }

    consumer.shutdown().await;
    producer.shutdown().await;
    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tag_expression_selects_messages() {
    let cluster = Cluster::start(1).await;
    let producer = DefaultMQProducer::builder()
        .producer_group("pg_tags")
        .client_config(cluster.client_config())
        .build();
    producer.start().await.unwrap();
    for (i, tag) in ["TagA", "TagB", "TagC"].iter().cycle().take(30).enumerate() {
        let msg = Message::new("TopicTags", format!("{tag}-{i}")).with_tags(*tag);
        producer.send(msg).await.unwrap();
    }
    // A batch, async and oneway sends reach the broker as well.
    let batch: Vec<Message> = (0..5)
        .map(|i| Message::new("TopicTags", format!("TagA-batch-{i}")).with_tags("TagA"))
        .collect();
    let result = producer.send_batch(batch).await.unwrap();
    assert_eq!(result.msg_id.split(',').count(), 5);
    let (tx, rx) = tokio::sync::oneshot::channel();
    producer.send_async(
        Message::new("TopicTags", "TagB-async").with_tags("TagB"),
        move |r| {
            let _ = tx.send(r.map(|r| r.send_status));
        },
    );
    assert_eq!(rx.await.unwrap().unwrap(), SendStatus::SendOk);
    producer
        .send_oneway(Message::new("TopicTags", "TagB-oneway").with_tags("TagB"))
        .await
        .unwrap();

    let (consumer, seen) =
        counting_consumer(&cluster, "cg_tags", "TopicTags", "TagA || TagB").await;
    // 10 TagA + 10 TagB + 5 batch + async + oneway
    wait_until("every TagA/TagB message arrived", || {
        let seen = Arc::clone(&seen);
        async move { seen.lock().len() == 27 }
    })
    .await;
    let seen = seen.lock().clone();
    assert!(
        seen.keys().all(|body| !body.starts_with("TagC")),
        "{seen:?}"
    );
    assert!(seen.contains_key("TagB-oneway") && seen.contains_key("TagA-batch-4"));

    consumer.shutdown().await;
    producer.shutdown().await;
    cluster.shutdown().await;
}
