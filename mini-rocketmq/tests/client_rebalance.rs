//! Two push consumers of one group share an 8-queue topic 4/4; when one
//! leaves, the other takes all 8 queues and goes on from the offsets the
//! first one committed — nothing lost, nothing consumed twice.

mod client_support;

use std::collections::HashMap;
use std::sync::Arc;

use client_support::{Cluster, wait_until};
use mini_rocketmq::client::consumer::{
    ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultMQPushConsumer,
};
use mini_rocketmq::client::producer::DefaultMQProducer;
use mini_rocketmq::common::message::Message;
use parking_lot::Mutex;

type Seen = Arc<Mutex<HashMap<String, usize>>>;

async fn member(cluster: &Cluster, seen: &Seen) -> DefaultMQPushConsumer {
    let consumer = DefaultMQPushConsumer::builder()
        .consumer_group("cg_rebalance")
        .client_config(cluster.client_config())
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .build();
    consumer.subscribe("TopicRebalance", "*").unwrap();
    let sink = Arc::clone(seen);
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
    consumer
}

/// Queues held by `consumer` on the user topic (the retry topic aside).
fn user_queues(consumer: &DefaultMQPushConsumer) -> usize {
    consumer
        .assigned_queues()
        .iter()
        .filter(|mq| mq.topic == "TopicRebalance")
        .count()
}

async fn send_batch(producer: &DefaultMQProducer, from: usize, to: usize) {
    for i in from..to {
        producer
            .send(Message::new("TopicRebalance", format!("m-{i}")))
            .await
            .unwrap();
    }
}

async fn wait_for_bodies(seen: &Seen, n: usize) {
    wait_until(&format!("{n} distinct messages consumed"), || {
        let seen = Arc::clone(seen);
        async move { seen.lock().len() >= n }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queues_split_four_four_and_move_on_leave() {
    let cluster = Cluster::start(1).await;
    cluster.create_topic("TopicRebalance", 8).await;

    let seen: Seen = Arc::default();
    let a = member(&cluster, &seen).await;
    let b = member(&cluster, &seen).await;
    wait_until("the group splits the queues 4/4", || {
        let (a, b) = (a.clone(), b.clone());
        async move { user_queues(&a) == 4 && user_queues(&b) == 4 }
    })
    .await;
    let mut all: Vec<_> = a.assigned_queues();
    all.extend(b.assigned_queues());
    all.retain(|mq| mq.topic == "TopicRebalance");
    all.sort();
    all.dedup();
    assert_eq!(
        all.len(),
        8,
        "the two halves are disjoint and cover the topic"
    );

    let producer = DefaultMQProducer::builder()
        .producer_group("pg_rebalance")
        .client_config(cluster.client_config())
        .build();
    producer.start().await.unwrap();
    send_batch(&producer, 0, 200).await;
    wait_for_bodies(&seen, 200).await;

    // A leaves: it commits its offsets and unregisters; the broker tells B.
    a.shutdown().await;
    wait_until("the remaining member holds all 8 queues", || {
        let b = b.clone();
        async move { user_queues(&b) == 8 }
    })
    .await;

    send_batch(&producer, 200, 400).await;
    wait_for_bodies(&seen, 400).await;
    // Not a wait for something: time passing is the point. Anything
    // delivered twice, or a message this consumer should not see, would
    // arrive in this window; a wait-until has no condition to poll for
    // "nothing more comes".
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let seen = seen.lock().clone();
    for i in 0..400 {
        assert_eq!(
            seen.get(&format!("m-{i}")),
            Some(&1),
            "m-{i}: B must resume A's queues at A's committed offsets, not replay them"
        );
    }

    b.shutdown().await;
    producer.shutdown().await;
    cluster.shutdown().await;
}
