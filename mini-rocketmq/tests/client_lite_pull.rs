//! The lite pull consumer: subscribe + poll + commit, and assign + seek.

mod client_support;

use std::collections::BTreeSet;
use std::time::Duration;

use client_support::{Cluster, wait_until};
use mini_rocketmq::client::consumer::{ConsumeFromWhere, DefaultLitePullConsumer};
use mini_rocketmq::client::producer::DefaultMQProducer;
use mini_rocketmq::common::message::Message;

async fn fill(cluster: &Cluster, topic: &str, n: usize) {
    let producer = DefaultMQProducer::builder()
        .producer_group(format!("pg_{topic}"))
        .client_config(cluster.client_config())
        .build();
    producer.start().await.unwrap();
    for i in 0..n {
        producer
            .send(Message::new(topic, format!("m-{i}")))
            .await
            .unwrap();
    }
    producer.shutdown().await;
}

/// Polls until `n` distinct bodies arrived.
async fn poll_bodies(consumer: &DefaultLitePullConsumer, n: usize) -> BTreeSet<String> {
    let mut bodies = BTreeSet::new();
    let deadline = tokio::time::Instant::now() + client_support::GUARD;
    while bodies.len() < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} of {n} messages polled",
            bodies.len()
        );
        for msg in consumer.poll(Duration::from_millis(200)).await {
            bodies.insert(String::from_utf8_lossy(&msg.body).into_owned());
        }
    }
    bodies
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_poll_and_commit() {
    let cluster = Cluster::start(1).await;
    cluster.create_topic("LiteTopic", 4).await;
    fill(&cluster, "LiteTopic", 40).await;

    let consumer = DefaultLitePullConsumer::builder()
        .consumer_group("lite_cg")
        .client_config(cluster.client_config())
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .auto_commit(false)
        .build();
    consumer.subscribe("LiteTopic", "*").unwrap();
    consumer.start().await.unwrap();
    let bodies = poll_bodies(&consumer, 40).await;
    assert_eq!(bodies.len(), 40);

    consumer.commit_sync().await;
    let mut committed = 0;
    for mq in consumer.assignment() {
        committed += consumer.committed(&mq).await.unwrap();
    }
    assert_eq!(committed, 40, "the broker holds every queue's position");
    consumer.shutdown().await;
    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assign_reads_only_the_given_queues_and_seek_rewinds() {
    let cluster = Cluster::start(1).await;
    cluster.create_topic("AssignTopic", 4).await;
    fill(&cluster, "AssignTopic", 40).await;

    let consumer = DefaultLitePullConsumer::builder()
        .consumer_group("assign_cg")
        .client_config(cluster.client_config())
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .build();
    consumer.start().await.unwrap();
    let mut queues = consumer.fetch_message_queues("AssignTopic").await.unwrap();
    queues.sort();
    assert_eq!(queues.len(), 4);
    let chosen = queues[..1].to_vec();
    consumer.assign(chosen.clone()).await.unwrap();
    wait_until("the assignment is active", || {
        let consumer = consumer.clone();
        async move { consumer.assignment().len() == 1 }
    })
    .await;

    // Round robin put 10 of the 40 messages in each queue.
    let mut first = Vec::new();
    while first.len() < 10 {
        for msg in consumer.poll(Duration::from_millis(200)).await {
            assert_eq!(
                msg.queue_id, chosen[0].queue_id,
                "only the assigned queue is read"
            );
            first.push(msg.queue_offset);
        }
    }
    assert!(
        consumer.poll(Duration::from_millis(300)).await.is_empty(),
        "nothing beyond the 10"
    );

    consumer.seek(&chosen[0], 5).await.unwrap();
    let mut again = Vec::new();
    while again.len() < 5 {
        again.extend(
            consumer
                .poll(Duration::from_millis(200))
                .await
                .iter()
                .map(|m| m.queue_offset),
        );
    }
    again.sort();
    assert_eq!(again, [5, 6, 7, 8, 9]);

    consumer.shutdown().await;
    cluster.shutdown().await;
}
